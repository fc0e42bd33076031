"""Reading retention: holds on a file, documents due for appraisal (鉴定), disposals and the destruction
register (销毁清册), the archivist's and witnesses' work items."""

from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from xindang.core.holds import Hold, holds_on
from xindang.core.workbench import WorkItem
from xindang.customers.choices import Status
from xindang.customers.selectors import visible_customers
from xindang.documents import rules as doc_rules
from xindang.documents.models import Document, DocumentVersion
from xindang.documents.selectors import readable_documents, retention_of
from xindang.policy.selectors import current_policy

from . import rules
from .holds import MANUAL_DOCUMENTS, active_manual_holds, manual_reason
from .models import Appraisal, Decision, Disposal, DisposalItem, DisposalStatus, ManualHold
from .permissions import RetentionPermission

RETENTION_RULE = "001 档案管理制度及流程2 2.1.4"
DESTRUCTION_RULE = "000 客户信息管理办法 三.8"


def _years_ago(today: date, years: int) -> date:
    return doc_rules.add_years(today, -years)


def _start_of(day: date, tz) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min), tz)


def _past_retention_filter(policy, today: date) -> Q | None:
    """Documents whose retention class's clock ran out by `today`, as one condition (the exact date is
    checked again per document with documents.selectors.retention_of)."""
    cond = None
    tz = timezone.get_current_timezone()
    for cls in policy.documents.retention_classes():
        if cls.min_years is None:
            continue  # permanent: never disposed of
        cutoff = _years_ago(today, cls.min_years)
        if cls.clock == doc_rules.UPLOAD:
            part = Q(filed_at__lt=_start_of(cutoff + timedelta(days=1), tz))
        elif cls.clock == doc_rules.TRADE_ENDED:
            end = _start_of(cutoff + timedelta(days=1), tz)
            part = Q(customer__status=Status.PAST, customer__status_changed_at__lt=end)
        else:
            part = Q(clock_started_on__lte=cutoff)
        part &= Q(retention_class=cls.code)
        cond = part if cond is None else cond | part
    return cond


def _not_destroyed() -> Exists:
    return Exists(DocumentVersion.objects.filter(document=OuterRef("pk"), erased_at__isnull=True))


def _in_open_disposal() -> Exists:
    return Exists(
        DisposalItem.objects.filter(
            document=OuterRef("pk"), disposal__status__in=[DisposalStatus.PENDING, DisposalStatus.APPROVED]
        )
    )


def past_retention_documents(user, *, policy=None, today: date | None = None) -> QuerySet[Document]:
    """Documents the user may read whose retention has passed and whose content is not destroyed."""
    policy = policy or current_policy()
    today = today or timezone.localdate()
    cond = _past_retention_filter(policy, today)
    if cond is None:
        return Document.objects.none()
    return (
        readable_documents(user, policy=policy)
        .filter(cond)
        .filter(_not_destroyed())
        .select_related("customer", "category")
        .order_by("customer__name", "customer_id", "category__sort_order", "pk")
    )


@dataclass
class DueRow:
    document: Document
    retention_label: str
    passed_on: date
    holds: list[Hold]
    appraisal: Appraisal | None
    in_disposal: str = ""  # the open disposal's number

    @property
    def held(self) -> bool:
        return bool(self.holds)

    @property
    def to_destroy(self) -> bool:
        return (
            self.appraisal is not None
            and self.appraisal.decision == Decision.DESTROY
            and not self.in_disposal
        )


@dataclass
class DueFile:
    customer: object
    rows: list[DueRow] = field(default_factory=list)


def _latest_appraisals(doc_ids) -> dict[int, Appraisal]:
    latest: dict[int, Appraisal] = {}
    for a in Appraisal.objects.filter(document_id__in=doc_ids).order_by("appraised_at", "pk"):
        latest[a.document_id] = a
    return latest


def _open_disposals(doc_ids) -> dict[int, str]:
    return dict(
        DisposalItem.objects.filter(
            document_id__in=doc_ids, disposal__status__in=[DisposalStatus.PENDING, DisposalStatus.APPROVED]
        ).values_list("document_id", "disposal__number")
    )


def _doc_holds(
    customer_holds: list[Hold], manual_doc_holds: dict[int, list[Hold]], doc_id: int
) -> list[Hold]:
    return [h for h in customer_holds if h.source != MANUAL_DOCUMENTS] + manual_doc_holds.get(doc_id, [])


def appraisal_queue(
    user, *, limit: int = 500, today: date | None = None, with_holds: bool = True
) -> list[DueFile]:
    """Documents past retention, by customer file: each with its holds (held ones cannot be destroyed),
    its latest appraisal and the open disposal it is in. Documents kept past today by an appraisal
    are left out until their new date. with_holds=False leaves the holds out (the workbench counts
    work to do: a held document is still appraised, to keep it), a few queries in all."""
    policy = current_policy()
    today = today or timezone.localdate()
    docs = list(past_retention_documents(user, policy=policy, today=today)[:limit])
    ids = [d.pk for d in docs]
    latest = _latest_appraisals(ids)
    open_numbers = _open_disposals(ids)
    files: OrderedDict[int, DueFile] = OrderedDict()
    customer_holds: dict[int, list[Hold]] = {}
    manual_doc: dict[int, list[Hold]] = {}
    wanted = set(ids)
    held_docs = active_manual_holds().filter(documents__in=ids) if with_holds else ManualHold.objects.none()
    for hold in held_docs.prefetch_related("documents").distinct():
        for d in hold.documents.all():
            if d.pk in wanted:
                manual_doc.setdefault(d.pk, []).append(
                    Hold(
                        MANUAL_DOCUMENTS, manual_reason(hold, [d.title]), hold.until, hold.get_absolute_url()
                    )
                )
    for doc in docs:
        cls, clock = retention_of(doc, policy=policy)
        appraisal = latest.get(doc.pk)
        kept = appraisal.keep_until if appraisal and appraisal.decision == Decision.KEEP else None
        if clock is None or not rules.appraisal_due(
            earliest_disposal_on=clock.earliest_disposal_on, kept_until=kept, destroyed=False, today=today
        ):
            continue
        if doc.customer_id not in customer_holds:
            customer_holds[doc.customer_id] = holds_on(doc.customer) if with_holds else []
        files.setdefault(doc.customer_id, DueFile(doc.customer)).rows.append(
            DueRow(
                document=doc,
                retention_label=cls.label,
                passed_on=clock.earliest_disposal_on,
                holds=_doc_holds(customer_holds[doc.customer_id], manual_doc, doc.pk),
                appraisal=appraisal,
                in_disposal=open_numbers.get(doc.pk, ""),
            )
        )
    return list(files.values())


def destroy_candidates(user) -> list[DueRow]:
    """Due documents appraised for destruction, not on hold, not yet in a disposal."""
    return [row for f in appraisal_queue(user) for row in f.rows if row.to_destroy and not row.held]


# --- Holds ------------------------------------------------------------------------------------------
def manual_holds_of(customer) -> QuerySet[ManualHold]:
    return (
        ManualHold.objects.filter(customer=customer)
        .select_related("placed_by", "lifted_by")
        .prefetch_related("documents")
        .order_by("-placed_at", "-pk")
    )


def visible_holds(user) -> QuerySet[ManualHold]:
    return ManualHold.objects.filter(customer__in=visible_customers(user)).select_related(
        "customer", "placed_by", "lifted_by"
    )


def get_hold_for_user(user, pk) -> ManualHold | None:
    return visible_holds(user).prefetch_related("documents").filter(pk=pk).first()


def hold_state(hold: ManualHold, today: date | None = None) -> str:
    today = today or timezone.localdate()
    if hold.lifted_at is not None:
        return "lifted"
    return "active" if rules.hold_is_active(until=hold.until, lifted=False, today=today) else "ended"


# --- Disposals and the register -----------------------------------------------------------------------
def visible_disposals(user) -> QuerySet[Disposal]:
    """Disposals whose documents all belong to files the user sees (a disposal spans files)."""
    hidden = DisposalItem.objects.filter(disposal=OuterRef("pk")).exclude(
        document__customer__in=visible_customers(user)
    )
    return (
        Disposal.objects.exclude(Exists(hidden))
        .select_related("requested_by", "approved_by", "carried_out_by", "approval")
        .order_by("-requested_at", "-pk")
    )


def get_disposal_for_user(user, pk) -> Disposal | None:
    return visible_disposals(user).filter(pk=pk).first()


def register_entries(user) -> QuerySet[Disposal]:
    """The destruction register (销毁清册): carried-out disposals, newest first."""
    return (
        visible_disposals(user)
        .filter(status=DisposalStatus.DESTROYED)
        .prefetch_related("items", "witnesses__witness")
        .order_by("-carried_out_at", "-pk")
    )


def register_rows(disposals) -> list[dict]:
    """One row per destroyed document: what, why, under which retention and policy, approved and
    witnessed by whom, when (the screen, the PDF and the .xlsx share it)."""
    rows = []
    for d in disposals:
        witnesses = "、".join(str(w.witness) for w in d.witnesses.all())
        for item in d.items.all():
            rows.append(
                {
                    "number": d.number,
                    "disposal_url": d.get_absolute_url(),
                    "customer": item.customer_name,
                    "file_no": item.file_no,
                    "title": item.title,
                    "category": item.category,
                    "retention": item.retention_label,
                    "retention_class": item.retention_class,
                    "passed_on": item.earliest_disposal_on,
                    "reason": d.reason,
                    "appraisal_reason": item.appraisal.reason,
                    "policy_version": d.policy_version,
                    "requested_by": str(d.requested_by),
                    "approved_by": str(d.approved_by or ""),
                    "approved_at": d.approved_at,
                    "witnesses": witnesses,
                    "carried_out_by": str(d.carried_out_by or ""),
                    "carried_out_at": d.carried_out_at,
                    "versions": item.version_count,
                    "bytes": item.total_bytes,
                    "erased_files": item.erased_files,
                }
            )
    return rows


def customer_disposal_items(customer) -> QuerySet[DisposalItem]:
    return (
        DisposalItem.objects.filter(document__customer=customer)
        .select_related("disposal", "document")
        .order_by("-disposal__requested_at", "pk")
    )


def customer_section(user, customer) -> dict:
    today = timezone.localdate()
    manual = list(manual_holds_of(customer))
    for hold in manual:
        hold.state = hold_state(hold, today)
    return {
        "holds": holds_on(customer),
        "manual_holds": manual,
        "disposal_items": list(customer_disposal_items(customer)),
    }


# --- The workbench ------------------------------------------------------------------------------------
def workbench_items(user) -> list[WorkItem]:
    """The archivist's appraisals due (one item per file, the rule cited), and destructions waiting
    for the user's witness signature or for being carried out."""
    from django.utils.translation import gettext as _

    if not user.is_authenticated:
        return []
    items: list[WorkItem] = []
    if user.has_perm(RetentionPermission.APPRAISE.value):
        for f in appraisal_queue(user, limit=300, with_holds=False):
            pending = [r for r in f.rows if not r.in_disposal]  # to appraise, or to send for destruction
            if not pending:
                continue
            items.append(
                WorkItem(
                    kind="retention.appraisal_due",
                    label=_("Appraisal due"),
                    title=_("%(customer)s · %(count)s documents past retention")
                    % {"customer": f.customer.name, "count": len(pending)},
                    url=reverse("retention:appraisal") + f"?customer={f.customer.pk}",
                    due=min(r.passed_on for r in pending),
                    overdue=False,
                    customer_id=f.customer.pk,
                    customer_name=f.customer.name,
                    rule=RETENTION_RULE
                    + _(": permanent, long and short retention; appraise when it has passed"),
                )
            )
    if user.has_perm(RetentionPermission.WITNESS.value) or user.has_perm(RetentionPermission.CARRY_OUT.value):
        approved = (
            visible_disposals(user).filter(status=DisposalStatus.APPROVED).prefetch_related("witnesses")
        )
        required = current_policy().retention.witnesses_required
        for d in approved:
            signed = [w.witness_id for w in d.witnesses.all()]
            enough = rules.enough_witnesses(
                requester_id=d.requested_by_id, signed_ids=signed, required=required
            )
            if (
                not enough
                and user.has_perm(RetentionPermission.WITNESS.value)
                and rules.witness_problem(
                    witness_id=user.pk, requester_id=d.requested_by_id, signed_ids=signed
                )
                is None
            ):
                items.append(
                    WorkItem(
                        kind="retention.witness",
                        label=_("Destruction to witness"),
                        title=d.number,
                        url=d.get_absolute_url(),
                        due=timezone.localdate(d.approved_at) if d.approved_at else None,
                        rule=DESTRUCTION_RULE,
                    )
                )
            elif enough and user.has_perm(RetentionPermission.CARRY_OUT.value):
                items.append(
                    WorkItem(
                        kind="retention.carry_out",
                        label=_("Destruction to carry out"),
                        title=d.number,
                        url=d.get_absolute_url(),
                        due=timezone.localdate(d.approved_at) if d.approved_at else None,
                        rule=DESTRUCTION_RULE,
                    )
                )
    return items


def appraisals_of(document) -> QuerySet[Appraisal]:
    return (
        Appraisal.objects.filter(document=document)
        .select_related("appraised_by")
        .order_by("-appraised_at", "-pk")
    )


def register_entries_of_year(user, year: int | None = None) -> QuerySet[Disposal]:
    """The destruction register, of the disposals carried out in `year` when given."""
    qs = register_entries(user)
    return qs.filter(carried_out_at__year=year) if year else qs
