"""The words of the credit check: each reason code as a sentence rendered at display time.

A check and an over-limit request store their reasons as codes with parameters (amounts as plain
decimal strings, dates as ISO dates); the sentence is rendered when it is read, in the reader's
language, with amounts formatted like the figures beside them (¥80,000.00) — so a stored record
reads in either language (UI.md, Messages)."""

from contextlib import suppress

from django.utils.translation import gettext as _

from xindang.core.money import format_yuan

from . import rules
from .models import CheckKind

# Each reason code's sentence (translated when it is shown, so a check translates only its own).
_MESSAGES = {
    rules.GRADE_C: lambda: _("Grade C customers get no credit: no credit sales, no prepayments."),
    rules.NO_GRANT: lambda: _(
        "The customer has no credit limit in force: its exposure may only fall, no approval can raise it."
    ),
    rules.GRANT_EXPIRED: lambda: _("The credit limit ran out on %(valid_until)s."),
    rules.OVER_LIMIT: lambda: _(
        "Exposure %(exposure)s plus %(amount)s exceeds the limit %(limit)s by %(overage)s; "
        "it needs a formal over-limit approval."
    ),
    rules.REDUCTION_ONLY: lambda: _(
        "The customer is over its limit or has none (exposure %(exposure)s): only entries that "
        "lower the exposure are allowed."
    ),
    rules.OVERDUE_UNPAID: lambda: _(
        "An item due on %(due_on)s is %(days)s days overdue (%(open_amount)s open): no new credit "
        "until it is settled."
    ),
    rules.PREVIOUS_DEBT: lambda: _(
        "The previous debt is not settled (%(period)s): entry #%(entry_id)s of %(entry_on)s, "
        "%(open_amount)s open. As a rule no new credit sales or prepayments until it is settled; "
        "only a formal approval can let this amount through."
    ),
    rules.TRADE_SUSPENDED: lambda: _("Trade with this customer is suspended."),
    rules.CARD_NOT_APPROVED: lambda: _(
        "A new customer: its transaction card is not approved yet, so no credit sale or prepayment "
        "before the approval."
    ),
    rules.SHIPMENTS_STOPPED: lambda: _(
        "The salesperson in charge has stopped shipments to this customer (an emergency stop): "
        "nothing ships until the department manager lifts it."
    ),
    rules.NEAR_LIMIT: lambda: _(
        "Exposure would reach %(percent)s %% of the limit (warning at %(threshold)s %%)."
    ),
    rules.LOWERS_EXPOSURE: lambda: _("This entry lowers the exposure: always allowed."),
    rules.COVERED_BY_PREPAYMENT: lambda: _(
        "The customer's advance payment covers this shipment of %(amount)s: the exposure does not grow."
    ),
    rules.PAID_IN_CASH: lambda: _("A cash sale of %(amount)s is no credit: the exposure does not grow."),
    rules.NO_LIMIT_EXCEPTION: lambda: _(
        "An exception for a customer without a limit, approved by the general manager (a departure "
        "from 002 第三十四条)."
    ),
    rules.OVER_LIMIT_APPROVED: lambda: _(
        "An approved over-limit request lets exactly this amount through once."
    ),
    rules.NOT_CONTROLLED: lambda: _("The credit check does not control this point for this grade."),
    rules.GROUP_OVER_LIMIT: lambda: _(
        "The %(members)s related customers' exposure %(exposure)s plus %(amount)s exceeds their limits "
        "together %(limit)s by %(overage)s (a check beyond the regulation, set in the policy)."
    ),
    rules.GROUP_OVER_LIMIT_WARNING: lambda: _(
        "Warning: the %(members)s related customers' exposure %(exposure)s plus %(amount)s exceeds their "
        "limits together %(limit)s by %(overage)s (a check beyond the regulation, set in the policy)."
    ),
}

MONEY_PARAMS = frozenset({"limit", "exposure", "amount", "overage", "open_amount"})


def _period_label(value) -> str:
    return {
        rules.MONTH: _("previous month"),
        rules.CONTRACT_TERM: _("payment term ended"),
    }.get(value, str(value or ""))


def display_params(params: dict | None) -> dict:
    """The stored parameters as the reader sees them: amounts as ¥1,250,000.00, the period named."""
    out = dict(params or {})
    for key in MONEY_PARAMS & out.keys():
        value = out[key]
        if value in (None, ""):
            out[key] = "—"
            continue
        with suppress(ValueError):  # not an amount after all: shown as stored
            out[key] = format_yuan(value)
    if "period" in out:
        out["period"] = _period_label(out["period"])
    return out


def reason_message(code: str, params: dict | None = None) -> str:
    message = _MESSAGES.get(code)
    text = message() if message is not None else code
    try:
        return text % display_params(params) if "%(" in text else text.replace("%%", "%")
    except (KeyError, TypeError, ValueError):
        return text


def reasons_out(reasons) -> list[dict]:
    """Reasons as stored and answered: code, article, params, message (rendered now)."""
    out = []
    for r in reasons:
        if isinstance(r, dict):
            code, article, params = r["code"], r.get("article", ""), r.get("params", {})
        else:
            code, article, params = r.code, r.article, r.params
        out.append(
            {"code": code, "article": article, "params": params, "message": reason_message(code, params)}
        )
    return out


def over_limit_title(params: dict) -> str:
    """An over-limit approval's title, rendered from its stored parameters in the reader's language."""

    kind = params.get("kind", "")
    labels = dict(CheckKind.choices)
    return _("Over-limit %(kind)s for %(customer)s: %(amount)s") % {
        "kind": labels.get(kind, kind),
        "customer": params.get("customer", ""),
        "amount": format_yuan(params["amount"]) if params.get("amount") not in (None, "") else "—",
    }


def over_limit_summary(params: dict) -> str:
    """The approval's summary: the requester's reason, then each stored reason rendered now."""
    lines = [r["message"] for r in reasons_out(params.get("reasons") or [])]
    if params.get("reason"):
        lines.insert(0, params["reason"])
    return "\n".join(lines)
