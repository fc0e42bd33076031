"""The grant rules' reason codes in words (rules.py returns codes; this turns them into sentences)."""

from decimal import Decimal

from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from xindang.core.money import format_yuan

from . import rules

REASON_TEXT = {
    rules.NO_RATING: _("No approved credit rating"),
    rules.C_NO_CREDIT: _("C customer: no credit, no prepayment, no sale on credit"),
    rules.A_NO_HISTORY_LONG_TERM: _(
        "A customer without earlier credit trade: no long-term grant; only a temporary one in special need"
    ),
    rules.A_NO_HISTORY_TEMPORARY: _(
        "A customer without earlier credit trade, temporary: at most the average monthly collections "
        "(%(collections)s), within one month"
    ),
    rules.A_WITH_HISTORY: _(
        "A customer with credit trade: at most the lower of average monthly shipments (%(shipments)s) "
        "and collections (%(collections)s)"
    ),
    rules.EXISTING_LOWER: _("The existing lower limit (%(existing)s) stays the ceiling"),
    rules.EXISTING_LOWER_WARNS: _(
        "The existing limit is %(existing)s: going above it needs a reason and every approver's "
        "acknowledgement (002 第四十二条)"
    ),
    rules.B_NEEDS_COLLATERAL: _("B customer: only with full property collateral"),
    rules.B_CAP: _(
        "B customer: at most average monthly shipments (%(shipments)s) and collections (%(collections)s)"
    ),
    rules.B_COLLATERAL_CAP: _("B customer: at most the collateral value (%(collateral)s)"),
    rules.JYB_CLASS_CAP: _("Class %(grade)s: at most %(cap)s per customer"),
    rules.JYB_UNKNOWN_CLASS: _("Unknown class %(grade)s"),
    rules.INCREASE: _(
        "The new limit %(new)s is higher than the current %(old)s; "
        "an adjusted limit should in principle be lower"
    ),
    rules.BELOW_EXPOSURE: _(
        "The proposed limit %(new)s is below the current exposure %(exposure)s: the customer goes on "
        "the reduction list as soon as it takes effect and must reduce by %(excess)s"
    ),
    rules.COMPANY_CAP: _("Active limits %(total)s above the receivables balance %(cap)s"),
}

_MONEY_PARAMS = {
    "collections",
    "shipments",
    "existing",
    "collateral",
    "cap",
    "new",
    "old",
    "total",
    "excess",
    "exposure",
}


def _param(key, value):
    if key in _MONEY_PARAMS:
        try:
            return format_yuan(Decimal(value))
        except (ArithmeticError, ValueError, TypeError):
            return value
    return value


def reason_text(reason) -> str:
    """'<sentence> — <article>' for a rules.Reason or its stored dict."""
    if isinstance(reason, dict):
        code, article, params = reason.get("code"), reason.get("article", ""), reason.get("params") or {}
    else:
        code, article, params = reason.code, reason.article, reason.params
    template = REASON_TEXT.get(code)
    text = str(template) % {k: _param(k, v) for k, v in params.items()} if template else str(code)
    return f"{text} — {article}" if article else text


def reasons_text(reasons) -> str:
    return "; ".join(reason_text(r) for r in reasons)


def step_text(step) -> str:
    """'¥80,000.00 after 1 month' for a rules.ReductionStep, a ReductionStep row or its dict."""

    months = int(step["months"] if isinstance(step, dict) else step.months)
    amount = format_yuan(Decimal(step["limit_amount"] if isinstance(step, dict) else step.limit_amount))
    if months == 0:
        return gettext("%(amount)s when it comes into force") % {"amount": amount}
    return ngettext("%(amount)s after %(months)s month", "%(amount)s after %(months)s months", months) % {
        "amount": amount,
        "months": months,
    }


def schedule_text(steps) -> str:
    """The reduction schedule in one line ('' without one)."""

    if not steps:
        return ""
    return gettext("Reduced step by step: %(steps)s — 002 第二十六条2、第二十七条 (并应逐步减少)") % {
        "steps": "; ".join(step_text(s) for s in steps)
    }
