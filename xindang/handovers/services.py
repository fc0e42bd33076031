"""The handover (交接, seed 001 公司客户信息管理办法 五): one act, one transaction, all or nothing."""

from django.db import IntegrityError, transaction
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from xindang.accounts.models import Department, User
from xindang.accounts.roles import Role
from xindang.approvals import rules as approval_rules
from xindang.approvals import services as approval_services
from xindang.approvals.models import ApprovalStep
from xindang.audit.services import record_event, record_events, spec
from xindang.contracts import services as contract_services
from xindang.core.errors import DomainError
from xindang.customers import list_options
from xindang.customers import rules as customer_rules
from xindang.customers.models import Customer
from xindang.duties.models import Duty
from xindang.lifecycle import services as lifecycle_services
from xindang.policy.selectors import current_policy

from . import rules, selectors
from .errors import HandoverError
from .models import Handover, HandoverItem, Signature
from .permissions import can_hand_over


def _active_successor(user, leaver):
    if user is None:
        raise DomainError(HandoverError.NO_SUCCESSOR, field="successor")
    if not user.is_active:
        raise DomainError(HandoverError.SUCCESSOR_INACTIVE, field="successor", user=user)
    if user.pk == leaver.pk:
        raise DomainError(HandoverError.SELF_HANDOVER, field="successor", user=user)
    return user


def _may_be_named(step, user, *, same_person: bool) -> bool:
    """Whether `user` may be named the signer of the waiting `step` (not its requester; not the signer
    of an earlier step of the round unless the policy allows it)."""
    earlier = tuple(
        ApprovalStep.objects.filter(
            request_id=step.request_id, round=step.round, position__lt=step.position, acted_by__isnull=False
        ).values_list("acted_by_id", flat=True)
    )
    check = approval_rules.SignerCheck(
        user_id=user.pk,
        user_roles=frozenset(),
        requester_id=step.request.requested_by_id,
        step_role=step.role,
        earlier_signer_ids=earlier,
        same_person_may_sign_multiple_steps=same_person,
        assignee_id=user.pk,
    )
    return approval_rules.signer_problem(check) is None


def _role_holders(role: str, *, exclude: set) -> bool:
    return User.objects.filter(is_active=True, groups__name=role).exclude(pk__in=exclude).exists()


@transaction.atomic
def hand_over(
    *,
    by,
    leaver,
    reason: str,
    successor,
    manager,
    customer_successors: dict | None = None,
    handed_loan_ids=(),
    note: str = "",
    request=None,
) -> Handover:
    """Hand everything `leaver` holds to named successors: each customer file (to `successor` or the
    one named for it in `customer_successors`, which must be an active salesperson of the file's
    department), the open contracts they handle and the open duties (to the successor of their
    customer), their own open requests, and the originals on loan that were brought back to the
    handover (`handed_loan_ids`; any other open loan is listed as missing and stays on the leaver).
    Approvals waiting at a role the leaver holds stay with the role when others hold it; the leaver's
    own waiting steps (named for them, or at a role nobody else holds) are named for the successor:
    refused if the successor may not sign them. A departure ends the leaver's access at once.
    Refused as a whole on any problem."""
    if not can_hand_over(by):
        raise DomainError(HandoverError.FORBIDDEN)
    if leaver is None:
        raise DomainError(HandoverError.NO_LEAVER, field="leaver")
    if reason not in rules.REASONS:
        raise DomainError(HandoverError.NO_LEAVER, field="reason")
    successor = _active_successor(successor, leaver)
    overrides = {int(k): _active_successor(v, leaver) for k, v in (customer_successors or {}).items() if v}
    if manager is None:
        raise DomainError(HandoverError.NO_MANAGER, field="manager")
    if not manager.is_active:
        raise DomainError(HandoverError.SUCCESSOR_INACTIVE, field="manager", user=manager)
    if (
        manager.pk == leaver.pk
        or manager.pk == successor.pk
        or manager.pk in {u.pk for u in overrides.values()}
    ):
        raise DomainError(HandoverError.MANAGER_IS_PARTY, field="manager")

    leaver = User.objects.select_for_update().get(pk=leaver.pk)
    held = selectors.holdings(leaver)
    now = timezone.now()
    handover = Handover.objects.create(
        leaver=leaver,
        reason=reason,
        successor=successor,
        manager=manager,
        note=(note or "").strip(),
        created_by=by,
        created_at=now,
    )
    items: list[HandoverItem] = []

    # Customer files: all checked before any is written, the first refusal names the customer.
    # Locks without joins (PostgreSQL refuses FOR UPDATE across an outer join; MariaDB has no OF).
    customers = list(Customer.objects.filter(owner=leaver).select_for_update().order_by("pk"))
    departments = {d.pk: d for d in Department.objects.filter(pk__in={c.department_id for c in customers})}
    salespeople = set(User.objects.filter(groups__name=str(Role.SALESPERSON)).values_list("pk", flat=True))
    to_of_customer = {}
    for c in customers:
        to = overrides.get(c.pk, successor)
        if not customer_rules.may_be_salesperson_of(
            is_active=to.is_active,
            is_salesperson=to.pk in salespeople,
            department_id=to.department_id,
            file_department_id=c.department_id,
        ):
            raise DomainError(
                HandoverError.CUSTOMER_REFUSED,
                field="successor",
                user=to,
                customer=c.name,
                file_no=c.file_no,
                department=departments[c.department_id].name,
            )
        to_of_customer[c.pk] = to
    events = []
    for c in customers:
        to = to_of_customer[c.pk]
        c.owner = to
        c.version = (c.version or 0) + 1
        c.updated_by = by
        items.append(
            HandoverItem(
                handover=handover, category=rules.CUSTOMER, object_id=c.pk,
                object_repr=f"{c.file_no} {c.name}"[:300], customer=c, successor=to, outcome=rules.HANDED,
            )
        )  # fmt: skip
        events.append(
            spec(
                "customer.update",
                actor=by,
                request=request,
                obj=c,
                data={
                    "changes": {"owner": [str(leaver), str(to)]},
                    "version": c.version,
                    "bulk": True,
                    "handover": handover.number,
                },
            )
        )
    if customers:
        bulk_update_with_history(
            customers, Customer, ["owner", "version", "updated_by"], default_user=by, batch_size=500
        )
        list_options.invalidate()  # the list's salespeople filter (a bulk update sends no signal)

    def to_for(customer_id):
        return to_of_customer.get(customer_id) or overrides.get(customer_id) or successor

    # Contracts the leaver handles (承办人).
    contracts = list(
        held.contracts.model.objects.filter(pk__in=list(held.contracts.values_list("pk", flat=True)))
        .select_for_update()
        .order_by("pk")
    )
    contracts_to: dict = {}
    for k in contracts:
        to = to_for(k.customer_id)
        contracts_to.setdefault(to, []).append(k.pk)
        items.append(
            HandoverItem(
                handover=handover, category=rules.CONTRACT, object_id=k.pk,
                object_repr=f"{k.contract_no} {k.title}"[:300], customer_id=k.customer_id, successor=to,
                outcome=rules.HANDED,
            )
        )  # fmt: skip
    for to, ids in contracts_to.items():  # audited by contracts (contract.handler_transferred)
        contract_services.transfer_handler(
            contract_ids=ids, to=to, by=by, reason=handover.number, request=request
        )

    # Open duties: the successor's own copy of the same to-do wins (one duty per assignee and key).
    duties = list(held.duties.select_for_update())
    for d in duties:
        to = to_for(d.customer_id) if d.customer_id else successor
        items.append(
            HandoverItem(
                handover=handover, category=rules.DUTY, object_id=d.pk,
                object_repr=f"{d.label}: {d.title}"[:300],
                customer_id=d.customer_id, successor=to, outcome=rules.HANDED,
            )
        )  # fmt: skip
        if Duty.objects.filter(assignee=to, key=d.key).exists():
            d.delete()
        else:
            Duty.objects.filter(pk=d.pk).update(assignee=to)

    # The leaver's own open requests.
    own = list(held.requests)
    by_to: dict = {}
    for a in own:
        to = to_for(a.customer_ref) if a.customer_ref else successor
        by_to.setdefault(to, []).append(a.pk)
        items.append(
            HandoverItem(
                handover=handover, category=rules.REQUEST, object_id=a.pk, object_repr=a.title[:300],
                customer_id=a.customer_ref if a.customer_ref in to_of_customer else None,
                successor=to, outcome=rules.HANDED,
            )
        )  # fmt: skip
    for to, ids in by_to.items():
        approval_services.transfer_requests(
            approval_ids=ids, to=to, by=by, reason=handover.number, request=request
        )

    # Approvals waiting for the leaver (a step at a role they hold, or named for them). Steps wait for
    # a role: one the successor holds stays with the role, the successor among its holders; one whose
    # role others hold stays with them. The leaver's own steps — named for them, or at a role nobody
    # else holds — are named for the successor, who then signs them (approvals.rules.signer_problem);
    # refused if the successor may not sign (four eyes) and nobody else could.
    successor_roles = set(successor.groups.values_list("name", flat=True))
    same_person = current_policy().approvals.same_person_may_sign_multiple_steps
    to_name = []
    for step in held.approvals:
        a = step.request
        named = step.assignee_id == leaver.pk
        others = _role_holders(step.role, exclude={leaver.pk, a.requested_by_id})
        if not named and step.role in successor_roles and a.requested_by_id != successor.pk:
            outcome, to = rules.HANDED, successor
        elif not named and others:
            outcome, to = rules.ROLE_HOLDERS, None
        elif _may_be_named(step, successor, same_person=same_person):
            outcome, to = rules.HANDED, successor
            to_name.append(step.pk)
        elif named:
            raise DomainError(
                HandoverError.APPROVAL_SUCCESSOR_CANNOT_SIGN,
                field="successor",
                title=a.title,
                role=step.role_label,
                user=successor,
            )
        else:
            raise DomainError(
                HandoverError.APPROVAL_ORPHANED, field="successor", title=a.title, role=step.role_label
            )
        items.append(
            HandoverItem(
                handover=handover, category=rules.APPROVAL, object_id=a.pk, object_repr=a.title[:300],
                successor=to, outcome=outcome, note=str(step.role_label),
            )
        )  # fmt: skip
    if to_name:
        approval_services.assign_steps(
            step_ids=to_name, to=successor, by=by, reason=handover.number, request=request
        )

    # Originals on loan: handed over in person, or missing (never silently dropped).
    handed = {int(i) for i in handed_loan_ids or ()}
    loans = list(held.loans)
    list(held.loans.model.objects.filter(pk__in=[loan.pk for loan in loans]).select_for_update())
    loans_to: dict = {}
    for loan in loans:
        to = to_for(loan.customer_id)
        if loan.pk in handed:
            loans_to.setdefault(to, []).append(loan.pk)
            outcome = rules.HANDED
        else:
            outcome, to = rules.MISSING, None
        items.append(
            HandoverItem(
                handover=handover, category=rules.LOAN, object_id=loan.pk,
                object_repr=f"{loan.number} {loan.customer.name}"[:300], customer_id=loan.customer_id,
                successor=to, outcome=outcome,
            )
        )  # fmt: skip
        events.append(
            spec("handovers.loan", actor=by, request=request, obj=loan,
                 data={"outcome": outcome, "to": to.pk if to else None, "handover": handover.number})
        )  # fmt: skip
    for to, ids in loans_to.items():  # audited by lifecycle (lifecycle.loan_transferred)
        lifecycle_services.transfer_loans(loan_ids=ids, to=to, by=by, reason=handover.number, request=request)

    HandoverItem.objects.bulk_create(items, batch_size=500)
    if rules.ends_access(reason) and leaver.is_active:
        leaver.is_active = False
        leaver.save(update_fields=["is_active"])
        handover.deactivated = True
        handover.save(update_fields=["deactivated"])
    counts = {}
    for i in items:
        counts.setdefault(i.category, {}).setdefault(i.outcome, 0)
        counts[i.category][i.outcome] += 1
    events.append(
        spec(
            "handovers.hand_over",
            actor=by,
            request=request,
            obj=handover,
            data={
                "leaver": leaver.pk,
                "reason": reason,
                "successor": successor.pk,
                "overrides": {str(k): v.pk for k, v in overrides.items()},
                "counts": counts,
                "deactivated": handover.deactivated,
            },
        )
    )
    record_events(events)
    return handover


@transaction.atomic
def sign(*, handover, by, line: str, signer=None, request=None) -> Signature:
    """Sign one line of the list. `signer` defaults to `by`: each party signs for themself; the
    administrator records the signature of a leaver whose access has ended (rules.signing_problem)."""
    handover = Handover.objects.select_for_update().get(pk=handover.pk)
    if line not in rules.LINES:
        raise DomainError(HandoverError.INVALID_LINE, field="line")
    signer = signer or by
    problem = rules.signing_problem(
        line=line,
        signer_id=signer.pk,
        actor_id=by.pk,
        parties=selectors.parties(handover),
        signer_active=signer.is_active,
        actor_may_record=can_hand_over(by),
    )
    if problem or not by.is_active:
        raise DomainError(HandoverError.NOT_A_PARTY, field="line")
    if Signature.objects.filter(handover=handover, line=line, signer=signer).exists():
        raise DomainError(HandoverError.ALREADY_SIGNED, field="line")
    try:
        with transaction.atomic():
            sig = Signature.objects.create(
                handover=handover, line=line, signer=signer, signed_at=timezone.now(), recorded_by=by
            )
    except IntegrityError:
        raise DomainError(HandoverError.ALREADY_SIGNED, field="line") from None
    record_event(
        "handovers.sign",
        actor=by,
        request=request,
        obj=handover,
        data={"line": line, "signer": signer.pk, "recorded_by": by.pk},
    )
    return sig


def record_print(*, handover, by, request=None) -> None:
    record_event("handovers.print", actor=by, request=request, obj=handover, data={})
