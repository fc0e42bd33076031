"""Reads of the suppliers app: the supplier list, a file's selection and evaluations, the workbench."""

from django.db.models import OuterRef, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from xindang.core.workbench import WorkItem
from xindang.customers.models import Customer
from xindang.customers.selectors import visible_customers

from . import rules
from .models import SelectionStatus, SupplierEvaluation, SupplierNotice, SupplierSelection
from .permissions import SupplierPermission

SUPPLIER_RELATIONSHIPS = ("supplier", "both")
NOT_STARTED = "not_started"


def supplier_files(user) -> QuerySet[Customer]:
    """The supplier files (supplier, or buyer and supplier) the user sees, with the selection's status
    and code and the latest evaluation's grade and year."""
    latest = SupplierEvaluation.objects.filter(customer=OuterRef("pk")).order_by("-year", "-id")
    return (
        visible_customers(user)
        .filter(relationship__in=SUPPLIER_RELATIONSHIPS)
        .annotate(
            selection_status=Subquery(
                SupplierSelection.objects.filter(customer=OuterRef("pk")).values("status")[:1]
            ),
            supplier_code=Subquery(
                SupplierSelection.objects.filter(customer=OuterRef("pk")).values("code")[:1]
            ),
            grade=Subquery(latest.values("grade")[:1]),
            grade_year=Subquery(latest.values("year")[:1]),
        )
        .order_by("name", "pk")
    )


def filter_suppliers(qs: QuerySet[Customer], params) -> QuerySet[Customer]:
    status = (params.get("status") or "").strip()
    if status == NOT_STARTED:
        qs = qs.filter(supplier_selection__isnull=True)
    elif status in SelectionStatus.values:
        qs = qs.filter(supplier_selection__status=status)
    grade = (params.get("grade") or "").strip()
    if grade == "-":
        qs = qs.filter(grade__isnull=True)
    elif grade:
        qs = qs.filter(grade=grade)
    q = (params.get("q") or "").strip()
    if q:
        qs = qs.filter(name__icontains=q)
    return qs


def selection_of(customer) -> SupplierSelection | None:
    return (
        SupplierSelection.objects.select_related(
            "supply_contract", "quality_contract", "approval", "submitted_by"
        )
        .filter(customer=customer)
        .first()
    )


def evaluations_of(customer) -> list[SupplierEvaluation]:
    return list(SupplierEvaluation.objects.filter(customer=customer).select_related("evaluated_by"))


def candidate_contracts(customer):
    from xindang.contracts.models import Contract

    return Contract.objects.filter(customer=customer).order_by("-signed_on", "-id")


def _evaluation_due_items(user, today) -> list[WorkItem]:
    from xindang.policy.selectors import current_policy

    policy = current_policy().suppliers
    if today.month < policy.evaluation_month:
        return []
    evaluated = SupplierEvaluation.objects.filter(year=today.year).values("customer_id")
    rows = (
        SupplierSelection.objects.filter(
            status=SelectionStatus.APPROVED,
            customer__in=visible_customers(user),
            customer__relationship__in=SUPPLIER_RELATIONSHIPS,
        )
        .exclude(customer_id__in=evaluated)
        .select_related("customer")
    )
    items = []
    for selection in rows:
        approved_year = timezone.localtime(selection.approved_at).year if selection.approved_at else None
        if not rules.evaluation_due(
            approved_year=approved_year,
            today_year=today.year,
            today_month=today.month,
            due_month=policy.evaluation_month,
            evaluated_this_year=False,
        ):
            continue
        items.append(
            WorkItem(
                kind="suppliers.evaluation_due",
                label=_("Supplier evaluation due"),
                title=_("Evaluate %(name)s for %(year)s")
                % {"name": selection.customer.name, "year": today.year},
                url=reverse("suppliers:evaluate", args=[selection.customer_id]),
                due=today.replace(month=12, day=31),
                customer_id=selection.customer_id,
                customer_name=selection.customer.name,
                rule=_(
                    "002 篇五 第一条: a supplier keeps meeting the selection principles — yearly evaluation"
                ),
            )
        )
    return items


def _pending_step_items(user) -> list[WorkItem]:
    from .services import done_steps, step_labels

    rows = SupplierSelection.objects.filter(
        status__in=[SelectionStatus.SURVEYING, SelectionStatus.RETURNED],
        customer__in=visible_customers(user),
    ).select_related("customer", "supply_contract", "quality_contract")
    labels = step_labels()
    items = []
    for selection in rows:
        pending = [
            s for s in rules.pending_steps(done_steps(selection)) if s not in (rules.APPROVAL, rules.CODE)
        ]
        if not pending and selection.status == SelectionStatus.SURVEYING:
            pending = [rules.APPROVAL]  # everything recorded: submit it
        if not pending and selection.status == SelectionStatus.RETURNED:
            pending = [rules.APPLICATION]
        items.append(
            WorkItem(
                kind="suppliers.selection_steps",
                label=_("Supplier selection step pending"),
                title=_("%(name)s: %(step)s") % {"name": selection.customer.name, "step": labels[pending[0]]},
                url=reverse("suppliers:selection", args=[selection.customer_id]),
                customer_id=selection.customer_id,
                customer_name=selection.customer.name,
                rule=_("002 篇五 第二条–第三条: survey, application, contracts, approval and code"),
            )
        )
    return items


def open_notice(user, customer) -> SupplierNotice | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return SupplierNotice.objects.filter(
        selection__customer=customer, user=user, acknowledged_at__isnull=True
    ).first()


def _notice_items(user) -> list[WorkItem]:
    rows = SupplierNotice.objects.filter(
        user=user, acknowledged_at__isnull=True, selection__customer__in=visible_customers(user)
    ).select_related("selection__customer")
    return [
        WorkItem(
            kind="suppliers.new_supplier",
            label=_("New supplier selected"),
            title=_("%(name)s selected as supplier %(code)s: take note")
            % {"name": n.selection.customer.name, "code": n.selection.code or ""},
            url=reverse("suppliers:selection", args=[n.selection.customer_id]),
            customer_id=n.selection.customer_id,
            customer_name=n.selection.customer.name,
            rule=_(
                "002 篇五 第三条(5): the selected supplier's basic data is sent to the departments concerned"
            ),
        )
        for n in rows
    ]


def workbench_items(user) -> list[WorkItem]:
    """Selections whose steps are pending (for those who record them) and yearly evaluations due (for
    those who evaluate)."""
    if not getattr(user, "is_authenticated", False):
        return []
    items: list[WorkItem] = []
    if user.has_perm(SupplierPermission.MANAGE):
        items += _pending_step_items(user)
    if user.has_perm(SupplierPermission.EVALUATE):
        items += _evaluation_due_items(user, timezone.localdate())
    if user.has_perm(SupplierPermission.VIEW):
        items += _notice_items(user)
    return items
