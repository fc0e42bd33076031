"""Reads of the lifecycle app: loans and their state, the file's place in the archive, transfer
candidates, the file page's section, the workbench to-dos and the archive statistics."""

from datetime import datetime, timedelta

from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from xindang.core.workbench import WorkItem
from xindang.customers.models import Customer
from xindang.customers.selectors import visible_customers
from xindang.policy.selectors import current_policy

from . import rules
from .models import Loan, LoanItem, TransferAct, TransferItem, TransferList, TransferStage
from .permissions import LifecyclePermission

LOAN_RULE = "000 客户信息管理办法 三.2–三.3; 001 客户信用档案建立与管理制度 6"
TRANSFER_RULE = "000 4.3"


# --- Where the file is ------------------------------------------------------------------------------
def is_in_archive_room(customer) -> bool:
    """Whether the file has been handed to the archive room (000 4.3); such a file is read through a
    lookup request only (000 4.5). The custody app's access rules call this."""
    customer_id = getattr(customer, "pk", customer)
    return TransferItem.objects.filter(customer_id=customer_id, stage=TransferStage.IN_ARCHIVE_ROOM).exists()


def archived_files_q() -> Q:
    """Q over Customer: the files handed to the archive room (read through lookup requests only)."""
    return Q(pk__in=TransferItem.objects.filter(stage=TransferStage.IN_ARCHIVE_ROOM).values("customer_id"))


def year_of(moment) -> int:
    return timezone.localtime(moment).year if timezone.is_aware(moment) else moment.year


# --- Loans ------------------------------------------------------------------------------------------
def visible_loans(user) -> QuerySet[Loan]:
    """Loans of files the user sees, and the user's own loans."""
    if not user.is_authenticated:
        return Loan.objects.none()
    if not user.has_perm(LifecyclePermission.VIEW_LOAN):
        return Loan.objects.filter(borrower=user)
    return Loan.objects.filter(Q(customer__in=visible_customers(user)) | Q(borrower=user))


def get_loan_for_user(user, pk) -> Loan:
    loan = (
        visible_loans(user)
        .select_related("customer", "borrower", "lent_by", "returned_to", "slip_signed_by")
        .filter(pk=pk)
        .first()
    )
    if loan is None:
        raise Http404
    return loan


def loan_items(loan: Loan) -> list[LoanItem]:
    return list(loan.items.select_related("document", "document__category").order_by("pk"))


def loan_list(user, params) -> QuerySet[Loan]:
    qs = visible_loans(user).select_related("customer", "borrower")
    today = timezone.localdate()
    state = params.get("state") or "open"
    if state == "open":
        qs = qs.filter(returned_on__isnull=True)
    elif state == "overdue":
        qs = qs.filter(returned_on__isnull=True, due_on__lt=today)
    elif state == "returned":
        qs = qs.filter(returned_on__isnull=False)
    customer = params.get("customer")
    if customer and str(customer).isdigit():
        qs = qs.filter(customer_id=int(customer))
    q = (params.get("q") or "").strip()
    if q:
        qs = qs.filter(
            Q(customer__name__icontains=q) | Q(customer__file_no__icontains=q) | Q(slip_no__icontains=q)
        )
    return qs.order_by("due_on" if state in ("open", "overdue") else "-lent_on", "-pk")


def open_document_ids(customer) -> set:
    """Documents of the file out on loan now (None in the set: the whole file is out)."""
    return set(
        LoanItem.objects.filter(loan__customer=customer, open_key__isnull=False).values_list(
            "document_id", flat=True
        )
    )


def loan_reports(loan: Loan):
    return loan.reports.select_related("document", "reported_by", "approval").order_by("-reported_at")


# --- Transfer ---------------------------------------------------------------------------------------
def with_last_filing(qs: QuerySet[Customer]) -> QuerySet[Customer]:
    """The moment the file last grew: its latest document filed, else its opening."""
    return qs.annotate(last_filed_at=Coalesce(Max("documents__filed_at"), "created_at"))


def transfer_candidates(year: int, *, policy=None) -> list[Customer]:
    """Files due on the transfer list of `year` (000 4.3): last filed before this year and last year
    (rules.is_transfer_due), not on any transfer list yet."""
    policy = policy or current_policy()
    stay = policy.lifecycle.years_in_department
    first_kept_year = year - stay + 1  # files of this year back to here stay in the department
    boundary = timezone.make_aware(datetime(first_kept_year, 1, 1))
    on_list = TransferItem.objects.filter(customer=OuterRef("pk"))
    qs = (
        with_last_filing(Customer.objects.all())
        .filter(~Exists(on_list))
        .filter(last_filed_at__lt=boundary)
        .order_by("department__code", "file_no")
    )
    return [c for c in qs if rules.is_transfer_due(year_of(c.last_filed_at), year, stay)]


def transfer_lists() -> QuerySet[TransferList]:
    return TransferList.objects.select_related("proposed_by").annotate(
        total=Count("items"),
        at_credit_office=Count("items", filter=Q(items__stage=TransferStage.AT_CREDIT_OFFICE)),
        in_archive_room=Count("items", filter=Q(items__stage=TransferStage.IN_ARCHIVE_ROOM)),
    )


def get_transfer_list(year: int) -> TransferList:
    found = TransferList.objects.filter(year=year).first()
    if found is None:
        raise Http404
    return found


def transfer_items(transfer_list: TransferList, *, stage: str = "") -> QuerySet[TransferItem]:
    qs = transfer_list.items.select_related("customer", "department").prefetch_related(
        "acts", "acts__received_by"
    )
    if stage in TransferStage.values:
        qs = qs.filter(stage=stage)
    return qs.order_by("department__code", "customer__file_no")


def customer_transfers(customer) -> list[TransferAct]:
    return list(
        TransferAct.objects.filter(item__customer=customer)
        .select_related("item__transfer_list", "handed_by", "received_by")
        .order_by("acted_on", "pk")
    )


# --- The customer file's section --------------------------------------------------------------------
def customer_section(user, customer) -> dict:
    loans = list(
        Loan.objects.filter(customer=customer)
        .select_related("borrower")
        .prefetch_related("items__document")
        .order_by("-lent_on", "-pk")
    )
    today = timezone.localdate()
    for loan in loans:
        loan.overdue = rules.is_overdue(loan.due_on, loan.returned_on, today)
    item = TransferItem.objects.filter(customer=customer).select_related("transfer_list").first()
    return {
        "loans": loans,
        "transfers": customer_transfers(customer),
        "transfer_item": item,
        "in_archive_room": item is not None and item.stage == TransferStage.IN_ARCHIVE_ROOM,
    }


# --- The workbench ----------------------------------------------------------------------------------
def workbench_items(user) -> list[WorkItem]:
    """Overdue loans on the borrower's and the keepers' lists; files at the credit office due in the
    archive room (000 4.3) on the keepers' lists."""
    from django.urls import reverse
    from django.utils.translation import gettext as _

    if not user.is_authenticated:
        return []
    today = timezone.localdate()
    items = []
    overdue = Loan.objects.filter(returned_on__isnull=True, due_on__lt=today).select_related(
        "customer", "borrower"
    )
    if not user.has_perm(LifecyclePermission.RECORD_LOAN):
        overdue = overdue.filter(borrower=user)
    for loan in overdue.order_by("due_on", "pk")[:100]:
        mine = loan.borrower_id == user.pk
        items.append(
            WorkItem(
                kind="lifecycle.loan_overdue",
                label=_("Return borrowed originals") if mine else _("Loan of originals overdue"),
                title=f"{loan.customer.name} · {loan.number} · {loan.borrower}",
                due=loan.due_on,
                url=loan.get_absolute_url(),
                overdue=True,
                customer_id=loan.customer_id,
                customer_name=loan.customer.name,
                rule=LOAN_RULE,
            )
        )
    items += _department_handovers(user)
    if user.has_perm(LifecyclePermission.RECORD_TRANSFER):
        horizon = today + timedelta(days=7)
        waiting = (
            TransferItem.objects.filter(stage=TransferStage.AT_CREDIT_OFFICE, archive_due_on__lte=horizon)
            .select_related("customer", "transfer_list")
            .order_by("archive_due_on", "pk")[:100]
        )
        for item in waiting:
            items.append(
                WorkItem(
                    kind="lifecycle.transfer_due",
                    label=_("Hand file to the archive room"),
                    title=f"{item.customer.name} · {item.transfer_list.year}",
                    due=item.archive_due_on,
                    url=reverse("lifecycle:transfer_list", args=[item.transfer_list.year]),
                    overdue=item.archive_due_on < today,
                    customer_id=item.customer_id,
                    customer_name=item.customer.name,
                    rule=TRANSFER_RULE,
                )
            )
    return items


def _department_handovers(user) -> list[WorkItem]:
    """A department manager's files still in the department on a transfer list: one item per list,
    to hand to the credit office (000 4.3: 前年的信用档案必须移交到信用管理领导小组办公室)."""
    from django.urls import reverse
    from django.utils.translation import gettext as _

    from xindang.accounts.roles import Role

    if not user.department_id or not user.groups.filter(name=Role.DEPARTMENT_MANAGER.value).exists():
        return []
    waiting = (
        TransferItem.objects.filter(stage=TransferStage.PROPOSED, department_id=user.department_id)
        .values_list("transfer_list__year")
        .annotate(n=Count("pk"))
        .order_by("transfer_list__year")
    )
    return [
        WorkItem(
            kind="lifecycle.transfer_to_credit_office",
            label=_("Hand files to the credit office"),
            title=_("%(n)s files of the transfer list of %(year)s") % {"n": n, "year": year},
            url=reverse("lifecycle:transfer_list", args=[year]) + f"?stage={TransferStage.PROPOSED.value}",
            rule=TRANSFER_RULE,
        )
        for year, n in waiting
    ]


def visible_transfer_items(user, transfer_list: TransferList, *, stage: str = "") -> QuerySet[TransferItem]:
    """transfer_items of the files `user` sees."""
    return transfer_items(transfer_list, stage=stage).filter(customer__in=visible_customers(user))
