"""The hold sources retention registers with core.holds (RetentionConfig.ready()): manual holds, open
receivables and open problem accounts from the ledger. The accounting-archive rule that papers of
unsettled debts are not destroyed (SPEC §8) is what they enforce; disposal and erasure ask
core.holds.holds_on(customer) and never need to know who answered.

A manual hold on some documents only is reported under its own source code, so that disposal can
tell it from a hold on the whole file (documents_holds)."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from xindang.core.holds import Hold, holds_on
from xindang.core.money import format_yuan
from xindang.ledger.collection.models import BalanceStatement, StatementStatus

from .models import ManualHold

MANUAL = "retention.manual"
MANUAL_DOCUMENTS = "retention.manual_documents"
RECEIVABLES = "ledger.receivables"
PROBLEM_ACCOUNT = "ledger.problem_account"
DISPUTED_BALANCE = "ledger.disputed_balance"


def active_manual_holds(customer=None):
    """Manual holds in force today: not lifted, not past their date."""
    today = timezone.localdate()
    qs = ManualHold.objects.filter(lifted_at__isnull=True).exclude(until__lt=today)
    if customer is not None:
        qs = qs.filter(customer=customer)
    return qs


def manual_reason(hold: ManualHold, titles: list[str]) -> str:
    text = f"{hold.get_kind_display()}: {hold.reason}"
    if titles:
        text += " (" + _("documents: %(titles)s") % {"titles": "、".join(titles)} + ")"
    return text


def manual_holds_source(customer) -> list[Hold]:
    out = []
    for hold in active_manual_holds(customer).prefetch_related("documents").order_by("placed_at", "pk"):
        titles = [d.title for d in hold.documents.all()]
        out.append(
            Hold(
                source=MANUAL_DOCUMENTS if titles else MANUAL,
                reason=manual_reason(hold, titles),
                until=hold.until,
                url=hold.get_absolute_url(),
            )
        )
    return out


def receivables_source(customer) -> list[Hold]:
    """Open receivables (the ledger's maintained exposure): credit sales, prepayments, notes unsettled."""
    from xindang.ledger.selectors import exposure_of

    total = exposure_of(customer).total_amount
    if total <= 0:
        return []
    return [
        Hold(
            source=RECEIVABLES,
            reason=_("Open receivables %(amount)s") % {"amount": format_yuan(total)},
            url=reverse("ledger:customer", args=[customer.pk]),
        )
    ]


def problem_accounts_source(customer) -> list[Hold]:
    """Problem accounts (问题帐款报告书, 000 客户信息管理办法 二.7) not closed yet: the debt is in dispute."""
    from xindang.ledger.collection.models import ProblemAccountReport, ReportStatus

    reports = ProblemAccountReport.objects.filter(customer=customer).exclude(status=ReportStatus.CLOSED)
    return [
        Hold(
            source=PROBLEM_ACCOUNT,
            reason=_("Problem account raised on %(day)s, not closed") % {"day": r.raised_on.isoformat()},
            url=r.get_absolute_url(),
        )
        for r in reports.order_by("raised_on", "pk")
    ]


def disputed_statements_source(customer) -> list[Hold]:
    """Balance confirmations (对帐, 002 第三十五条) the customer disputed and nobody resolved yet: an
    unsettled dispute over the debt keeps its papers (SPEC §8)."""
    statements = BalanceStatement.objects.filter(customer=customer, status=StatementStatus.DISPUTED)
    return [
        Hold(
            source=DISPUTED_BALANCE,
            reason=_("Balance of %(day)s disputed by the customer, not resolved")
            % {"day": st.as_of.isoformat()},
            url=st.get_absolute_url(),
        )
        for st in statements.order_by("as_of", "pk")
    ]


def document_holds(document) -> list[Hold]:
    """Every hold that keeps this document: the holds on its whole file, and the manual holds that name
    it among their documents."""
    held = [h for h in holds_on(document.customer) if h.source != MANUAL_DOCUMENTS]
    for hold in active_manual_holds(document.customer).filter(documents=document).order_by("placed_at"):
        held.append(
            Hold(
                source=MANUAL_DOCUMENTS,
                reason=manual_reason(hold, [document.title]),
                until=hold.until,
                url=hold.get_absolute_url(),
            )
        )
    return held


def describe(holds: list[Hold]) -> str:
    return "; ".join(h.reason for h in holds)
