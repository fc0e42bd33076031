"""A supplier's selection (002 篇五 第二条–第三条): its steps, its submission for approval, the
approval's callbacks and the departments' notices. Each write is one transaction, checks the actor's
capability itself and writes its audit event in that transaction."""

from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xindang.audit.services import record_event
from xindang.contracts.models import Contract
from xindang.core import numbering
from xindang.core.errors import DomainError
from xindang.customers.models import Customer
from xindang.customers.permissions import get_customer_for_user
from xindang.policy.selectors import current_policy

from .. import rules
from ..errors import SupplierError
from ..models import PaymentMethod, SelectionStatus, SupplierNotice, SupplierSelection
from ..permissions import SupplierPermission

APPROVAL_KIND = "suppliers.selection"

# Contracts in force or performed: a draft is not signed, a cancelled one never was, a terminated one
# no longer binds.
USABLE_CONTRACT_STATUSES = ("signed", "in_performance", "changed", "completed")
SUPPLY_CONTRACT_KINDS = ("purchase", "framework")

GENERAL_FIELDS = ("general_survey_on", "general_survey_notes")
SITE_FIELDS = (
    "site_survey_on",
    "site_survey_team",
    "meets_quality",
    "meets_delivery",
    "meets_finance",
    "meets_cooperation",
    "meets_confidentiality",
    "meets_cost",
    "site_survey_findings",
)
APPLICATION_FIELDS = ("trade_reasons", "goods", "annual_amount", "payment_method")


def require(user, permission) -> None:
    """Refuses a user without the capability (the evaluation checks its own the same way)."""
    if not getattr(user, "is_authenticated", False) or not user.has_perm(str(permission)):
        raise DomainError(SupplierError.FORBIDDEN)


def step_labels() -> dict:
    return {
        rules.GENERAL_SURVEY: gettext_lazy("General survey"),
        rules.SITE_SURVEY: gettext_lazy("On-site survey"),
        rules.APPLICATION: gettext_lazy("Selection application"),
        rules.CONTRACTS: gettext_lazy("Supply and quality-assurance contracts"),
        rules.APPROVAL: gettext_lazy("Approval"),
        rules.CODE: gettext_lazy("Supplier code"),
    }


def contract_labels() -> dict:
    return {
        rules.SUPPLY: gettext_lazy("supply contract"),
        rules.QUALITY_ASSURANCE: gettext_lazy("quality-assurance contract"),
    }


def contract_problem(contract: Contract | None, customer: Customer, *, supply: bool) -> str:
    """Why `contract` cannot be the selection's supply (or quality-assurance) contract; "" if it can."""
    if contract is None:
        return _("no contract chosen")
    if contract.customer_id != customer.pk:
        return _("it is not a contract of this file")
    if contract.status not in USABLE_CONTRACT_STATUSES:
        return _("it is not signed (status: %(status)s)") % {"status": contract.get_status_display()}
    if supply and contract.kind not in SUPPLY_CONTRACT_KINDS:
        return _("a supply contract is a purchase contract or a framework agreement")
    if not supply and contract.kind == "sale":
        return _("a sale contract does not assure the quality of what we buy")
    return ""


def missing_contracts(selection: SupplierSelection) -> list[str]:
    """The contracts of 002 篇五 第三条(2)(3) the file lacks for this selection (codes, in order)."""
    customer = selection.customer
    supply = selection.supply_contract
    quality = selection.quality_contract
    supply_ok = not contract_problem(supply, customer, supply=True)
    quality_ok = not contract_problem(quality, customer, supply=False) and (
        supply is None or quality is None or quality.pk != supply.pk
    )
    return rules.missing_contracts(supply_ok, quality_ok)


def missing_contracts_text(missing: list[str]) -> str:
    labels = contract_labels()
    names = [str(labels[m]) for m in missing]
    if len(names) == 2:
        return _("%(first)s and %(second)s") % {"first": names[0], "second": names[1]}
    return names[0] if names else ""


def selection_for_update(customer: Customer) -> SupplierSelection | None:
    return SupplierSelection.objects.select_for_update().filter(customer_id=customer.pk).first()


@transaction.atomic
def save_step(*, by, customer_id: int, step: str, data: dict, request=None) -> SupplierSelection:
    """Record one step of the selection (general survey, on-site survey, application, contracts),
    starting the selection on the first. Only a supplier's file is selected (002 篇五)."""
    require(by, SupplierPermission.MANAGE)
    customer = get_customer_for_user(by, customer_id, request=request)
    if not rules.is_supplier(customer.relationship):
        raise DomainError(SupplierError.NOT_A_SUPPLIER, name=customer.name)
    selection = selection_for_update(customer)
    if selection is None:
        selection = SupplierSelection(customer=customer, created_by=by)
    elif not selection.editable:
        raise DomainError(SupplierError.ALREADY_SUBMITTED)
    fields = {
        rules.GENERAL_SURVEY: GENERAL_FIELDS,
        rules.SITE_SURVEY: SITE_FIELDS,
        rules.APPLICATION: APPLICATION_FIELDS,
        rules.CONTRACTS: ("supply_contract", "quality_contract"),
    }.get(step)
    if fields is None:
        raise DomainError(SupplierError.INVALID, field="step")
    values = {k: data[k] for k in fields if k in data}
    if step == rules.CONTRACTS:
        values = _checked_contracts(customer, values)
    if step == rules.APPLICATION:
        values = _checked_application(values)
    for key, value in values.items():
        setattr(selection, key, value)
    if selection.status == SelectionStatus.REJECTED:
        selection.status = SelectionStatus.SURVEYING
    selection.save()
    record_event(
        "suppliers.step",
        actor=by,
        request=request,
        obj=selection,
        data={"step": step, **{k: _plain(v) for k, v in values.items()}},
    )
    return selection


def _plain(value):
    if isinstance(value, Contract):
        return value.contract_no
    if isinstance(value, (date, Decimal)):
        return str(value)
    return value


def _checked_contracts(customer: Customer, values: dict) -> dict:
    out = {}
    for key, supply in (("supply_contract", True), ("quality_contract", False)):
        contract = values.get(key)
        if contract is None:
            out[key] = None
            continue
        if not isinstance(contract, Contract):
            contract = Contract.objects.filter(pk=contract, customer_id=customer.pk).first()
        problem = contract_problem(contract, customer, supply=supply)
        if problem:
            raise DomainError(
                SupplierError.CONTRACT_NOT_SUITABLE,
                field=key,
                contract=getattr(contract, "contract_no", "—"),
                why=problem,
            )
        out[key] = contract
    if out.get("supply_contract") and out.get("supply_contract") == out.get("quality_contract"):
        raise DomainError(
            SupplierError.CONTRACT_NOT_SUITABLE,
            field="quality_contract",
            contract=out["quality_contract"].contract_no,
            why=_("the quality-assurance contract is signed beside the supply contract, not the same one"),
        )
    return out


def _checked_application(values: dict) -> dict:
    amount = values.get("annual_amount")
    if amount not in (None, ""):
        try:
            amount = Decimal(str(amount))
        except InvalidOperation:
            raise DomainError(SupplierError.INVALID, field="annual_amount") from None
        if amount < 0:
            raise DomainError(SupplierError.INVALID, field="annual_amount")
        values["annual_amount"] = amount
    else:
        values["annual_amount"] = None
    if values.get("payment_method", "") not in ("", *PaymentMethod.values):
        raise DomainError(SupplierError.INVALID, field="payment_method")
    return values


def done_steps(selection: SupplierSelection | None) -> dict[str, bool]:
    """Which steps of 002 篇五 第二条–第三条 are done."""
    if selection is None:
        return {}
    return {
        rules.GENERAL_SURVEY: bool(selection.general_survey_on and selection.general_survey_notes.strip()),
        rules.SITE_SURVEY: bool(selection.site_survey_on and selection.site_survey_findings.strip()),
        rules.APPLICATION: bool(
            selection.trade_reasons.strip()
            and selection.goods.strip()
            and selection.annual_amount is not None
            and selection.payment_method
        ),
        rules.CONTRACTS: not missing_contracts(selection),
        rules.APPROVAL: selection.status == SelectionStatus.APPROVED,
        rules.CODE: bool(selection.code),
    }


@transaction.atomic
def submit_selection(*, by, customer_id: int, request=None) -> SupplierSelection:
    """Send the selection application (认定申请报告, 002 篇五 第三条(1)) to the approvers of the policy's
    chain. The surveys and the application must be complete; missing contracts are flagged to the
    approvers as a warning and block the final approval until they are in the file."""
    from xindang.approvals.services import resubmit, submit_request

    require(by, SupplierPermission.MANAGE)
    customer = get_customer_for_user(by, customer_id, request=request)
    if not rules.is_supplier(customer.relationship):
        raise DomainError(SupplierError.NOT_A_SUPPLIER, name=customer.name)
    selection = selection_for_update(customer)
    if selection is None:
        raise DomainError(SupplierError.STEP_MISSING, step=step_labels()[rules.GENERAL_SURVEY])
    if not selection.editable:
        raise DomainError(SupplierError.ALREADY_SUBMITTED)
    done = done_steps(selection)
    for step in (rules.GENERAL_SURVEY, rules.SITE_SURVEY, rules.APPLICATION):
        if not done[step]:
            raise DomainError(SupplierError.STEP_MISSING, step=step_labels()[step])
    missing = missing_contracts(selection)
    warnings = (
        [
            _("The file lacks the %(missing)s: the selection cannot be approved until it is there.")
            % {"missing": missing_contracts_text(missing)}
        ]
        if missing
        else []
    )
    data = {
        "goods": selection.goods[:500],
        "payment_method": selection.payment_method,
        "missing": missing,
    }
    if selection.status == SelectionStatus.RETURNED and selection.approval_id:
        approval = resubmit(
            approval=selection.approval,
            by=by,
            summary=selection.trade_reasons[:1000],
            amount=selection.annual_amount,
            data=data,
            warnings=warnings,
            request=request,
        )
    else:
        approval = submit_request(
            kind=APPROVAL_KIND,
            obj=selection,
            chain=list(current_policy().suppliers.selection_chain),
            requested_by=by,
            title=_("Supplier selection · %(name)s") % {"name": customer.name},
            summary=selection.trade_reasons[:1000],
            amount=selection.annual_amount,
            data=data,
            warnings=warnings,
            customer=customer,
            request=request,
        )
    selection.approval = approval
    selection.status = SelectionStatus.PENDING
    selection.submitted_at, selection.submitted_by = timezone.now(), by
    selection.save(update_fields=["approval", "status", "submitted_at", "submitted_by", "updated_at"])
    record_event(
        "suppliers.submit",
        actor=by,
        request=request,
        obj=selection,
        data={"approval": approval.pk, "missing": missing},
    )
    return selection


PRINCIPLES = (
    "meets_quality",
    "meets_delivery",
    "meets_finance",
    "meets_cooperation",
    "meets_confidentiality",
    "meets_cost",
)


def principles(selection: SupplierSelection) -> list[tuple[str, bool]]:
    """The six principles of 002 篇五 第一条 as found on site: (label, met)."""
    return [
        (str(SupplierSelection._meta.get_field(name).verbose_name), bool(getattr(selection, name)))
        for name in PRINCIPLES
    ]


def record_print(*, selection: SupplierSelection, by, request=None) -> None:
    """The printed selection application leaves the system: who printed it is audited."""
    record_event(
        "suppliers.print", actor=by, request=request, obj=selection, data={"status": selection.status}
    )


# --- Approval callbacks (inside the deciding transaction) -------------------------------------------


def _selection_of(approval) -> SupplierSelection:
    return (
        SupplierSelection.objects.select_for_update()
        .select_related("customer")
        .get(pk=int(approval.object_id))
    )


def on_approved(approval) -> None:
    """The last signature: both contracts must be in the file (002 篇五 第三条(2)(3)) — else the
    decision rolls back naming what is missing; then the supplier code is given (第三条(4))."""
    selection = _selection_of(approval)
    missing = missing_contracts(selection)
    if missing:
        raise DomainError(SupplierError.CONTRACTS_MISSING, missing=missing_contracts_text(missing))
    policy = current_policy().suppliers
    if not selection.code:
        seq = numbering.allocate("suppliers.code")
        selection.code = numbering.format_number(policy.supplier_code_format, seq=seq)
    selection.status = SelectionStatus.APPROVED
    selection.approved_at = timezone.now()
    selection.save(update_fields=["status", "code", "approved_at", "updated_at"])
    record_event("suppliers.approved", obj=selection, data={"approval": approval.pk, "code": selection.code})
    notify_departments(selection)


def notify_departments(selection: SupplierSelection) -> list[SupplierNotice]:
    """002 篇五 第三条(5): the selected supplier's basic data goes to the departments concerned — one
    notice (a to-do on the workbench and in the duties, until noted) for each active holder of the
    policy's notify_roles who sees the file and the suppliers' pages. Once per person and selection."""
    from xindang.accounts.models import User
    from xindang.customers.selectors import visible_customers

    roles = list(current_policy().suppliers.notify_roles)
    holders = (
        User.objects.filter(is_active=True, groups__name__in=roles)
        .prefetch_related("groups")
        .distinct()
        .order_by("pk")
    )
    already = set(SupplierNotice.objects.filter(selection=selection).values_list("user_id", flat=True))
    notices = []
    for user in holders:
        if user.pk in already or not user.has_perm(str(SupplierPermission.VIEW)):
            continue
        if not visible_customers(user).filter(pk=selection.customer_id).exists():
            continue
        role = next(r for r in roles if r in {g.name for g in user.groups.all()})
        notices.append(SupplierNotice(selection=selection, user=user, role=role))
    notices = SupplierNotice.objects.bulk_create(notices)
    if notices:
        record_event(
            "suppliers.notified",
            obj=selection,
            data={"users": [n.user_id for n in notices], "roles": sorted({n.role for n in notices})},
        )
    return notices


@transaction.atomic
def acknowledge_notice(*, by, customer_id: int, request=None) -> SupplierNotice:
    """The notified person takes note of the new supplier: their to-do closes."""
    require(by, SupplierPermission.VIEW)
    customer = get_customer_for_user(by, customer_id, request=request)
    notice = (
        SupplierNotice.objects.select_for_update()
        .filter(selection__customer=customer, user=by, acknowledged_at__isnull=True)
        .first()
    )
    if notice is None:
        raise DomainError(SupplierError.NO_NOTICE)
    notice.acknowledged_at = timezone.now()
    notice.save(update_fields=["acknowledged_at"])
    record_event(
        "suppliers.noted", actor=by, request=request, obj=notice.selection, data={"role": notice.role}
    )
    return notice


def _closer(status, action):
    def close(approval) -> None:
        selection = _selection_of(approval)
        selection.status = status
        selection.save(update_fields=["status", "updated_at"])
        record_event(action, obj=selection, data={"approval": approval.pk})

    return close


on_rejected = _closer(SelectionStatus.REJECTED, "suppliers.rejected")
on_returned = _closer(SelectionStatus.RETURNED, "suppliers.returned")
on_withdrawn = _closer(SelectionStatus.SURVEYING, "suppliers.withdrawn")


def on_resubmitted(approval) -> None:
    selection = _selection_of(approval)
    selection.status = SelectionStatus.PENDING
    selection.save(update_fields=["status", "updated_at"])


def describe_approval_data(data: dict) -> list[tuple[str, str]]:
    items: list[tuple[str, str]] = []
    if data.get("goods"):
        items.append((_("Goods to be bought"), str(data["goods"])))
    if data.get("payment_method") in PaymentMethod.values:
        items.append((_("Payment method"), str(PaymentMethod(data["payment_method"]).label)))
    missing = [m for m in data.get("missing") or [] if m in contract_labels()]
    if missing:
        items.append((_("Missing at submission"), missing_contracts_text(missing)))
    return items


def approval_title(approval) -> str:
    return _("Supplier selection · %(name)s") % {"name": approval.customer_name}


def selection_panel(approval, request) -> str:
    """The surveys, the six principles and the contracts, beside the approval."""
    from django.template.loader import render_to_string

    selection = (
        SupplierSelection.objects.select_related("customer", "supply_contract", "quality_contract")
        .filter(pk=int(approval.object_id) if str(approval.object_id).isdigit() else 0)
        .first()
    )
    if selection is None:
        return ""
    missing = missing_contracts(selection)
    return render_to_string(
        "suppliers/_approval_panel.html",
        {"selection": selection, "missing": missing_contracts_text(missing) if missing else ""},
        request=request,
    )


def register_approval_kind() -> None:
    from xindang.approvals import register
    from xindang.approvals.registry import register_panel

    register_panel(APPROVAL_KIND, selection_panel)
    register(
        APPROVAL_KIND,
        on_approved=on_approved,
        on_rejected=on_rejected,
        on_returned=on_returned,
        on_withdrawn=on_withdrawn,
        on_resubmitted=on_resubmitted,
        label=gettext_lazy("Supplier selection"),
        title=approval_title,
        describe=describe_approval_data,
    )
