"""The words of the credit check: each reason code as a translated sentence with its numbers."""

from django.utils.translation import gettext as _

from . import rules

# Each reason code's sentence (translated when it is shown, so a check translates only its own).
_MESSAGES = {
    rules.GRADE_C: lambda: _("Grade C customers get no credit: no credit sales, no prepayments."),
    rules.NO_GRANT: lambda: _("The customer has no credit limit in force."),
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
    rules.TRADE_SUSPENDED: lambda: _("Trade with this customer is suspended."),
    rules.NEAR_LIMIT: lambda: _(
        "Exposure would reach %(percent)s %% of the limit (warning at %(threshold)s %%)."
    ),
    rules.LOWERS_EXPOSURE: lambda: _("This entry lowers the exposure: always allowed."),
    rules.OVER_LIMIT_APPROVED: lambda: _(
        "An approved over-limit request lets exactly this amount through once."
    ),
    rules.NOT_CONTROLLED: lambda: _("The credit check does not control this point for this grade."),
}


def reason_message(code: str, params: dict | None = None) -> str:
    message = _MESSAGES.get(code)
    text = message() if message is not None else code
    try:
        return text % dict(params or {}) if "%(" in text else text.replace("%%", "%")
    except (KeyError, TypeError, ValueError):
        return text


def reasons_out(reasons) -> list[dict]:
    """Reasons as stored and answered: code, article, params, translated message."""
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
