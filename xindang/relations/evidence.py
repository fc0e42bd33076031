"""Evidence for the credit rating (credit reads this; it sits above relations): the complaints, visit
findings and satisfaction answers of the policy's evidence period, each with its date (002
第十九–二十条: a rating is reviewed on the customer's operations and our trade record)."""

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Avg, FloatField, OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from . import rules
from .models import Complaint, SurveyAnswer, SurveyResponse, Visit, VisitStatus
from .selectors import OPEN, section


@dataclass(frozen=True)
class EvidenceRow:
    on: date
    kind: str  # complaint | visit | survey
    label: str  # in the reader's language
    text: str
    url: str
    weight: str = ""  # "" | "warn" | "bad": the label colour


EVIDENCE_PARTS = ("complaints", "visits", "surveys")


def evidence_parts(customer, *, on: date | None = None, since: date | None = None) -> dict[str, QuerySet]:
    """What credit_evidence reads, as querysets (complaints, visits, surveys), for a page that reads
    them together with other rows in one statement; evidence_from() makes the evidence of their rows.
    `since`: the first day of the evidence period (evidence_since)."""
    on = on or timezone.localdate()
    since = since or evidence_since(on)
    cid = getattr(customer, "pk", customer)
    mean = (
        SurveyAnswer.objects.filter(response=OuterRef("pk"))
        .order_by()
        .values("response")
        .annotate(mean=Avg("score"))
        .values("mean")
    )
    return {
        "complaints": Complaint.objects.filter(
            customer_id=cid, received_on__gte=since, received_on__lte=on
        ).order_by("-received_on"),
        "visits": Visit.objects.filter(customer_id=cid, visited_on__gte=since, visited_on__lte=on)
        .exclude(status__in=[VisitStatus.PLANNED, VisitStatus.CANCELLED])
        .order_by("-visited_on"),
        "surveys": SurveyResponse.objects.filter(customer_id=cid, answered_on__gte=since, answered_on__lte=on)
        .select_related("campaign__questionnaire")
        .annotate(mean=Subquery(mean, output_field=FloatField()))
        .order_by("-answered_on"),
    }


def evidence_since(on: date, policy=None) -> date:
    """The first day of the policy's evidence period that ends on `on`."""
    return on - timedelta(days=round(section(policy).evidence_months * 30.44))


def credit_evidence(customer, *, on: date | None = None, policy=None) -> dict:
    """The relationship facts the rating form shows beside the rules (002 第十九–二十条: reviewed on
    the customer's operations and our trade record), each with its date: complaints (frequency and
    severity), visit findings and satisfaction answers of the policy's evidence period. Also says
    whether the policy makes visit findings rating facts (a departure, default off)."""
    on = on or timezone.localdate()
    parts = evidence_parts(customer, on=on, since=evidence_since(on, policy))
    return evidence_from({name: list(qs) for name, qs in parts.items()}, on=on, policy=policy)


def evidence_from(read: dict, *, on: date | None = None, policy=None) -> dict:
    """credit_evidence from the rows of evidence_parts (a dict of the same names)."""
    sec = section(policy)
    on = on or timezone.localdate()
    since = evidence_since(on, policy)
    rows: list[EvidenceRow] = []
    complaints = read["complaints"]
    for c in complaints:
        rows.append(
            EvidenceRow(
                on=c.received_on,
                kind="complaint",
                label=_("Complaint"),
                text=_("%(no)s %(severity)s, %(cause)s: %(product)s — %(status)s")
                % {
                    "no": c.complaint_no,
                    "severity": c.get_severity_display(),
                    "cause": c.get_cause_display(),
                    "product": c.product,
                    "status": c.get_status_display(),
                },
                url=c.get_absolute_url(),
                weight={rules.SERIOUS: "bad", rules.MAJOR: "warn"}.get(c.severity, ""),
            )
        )
    visits = read["visits"]
    for v in visits:
        if not (v.operations or v.findings or v.service_opinions):
            continue
        parts = []
        if v.operations:
            parts.append(_("operations %(trend)s") % {"trend": v.get_operations_display()})
        if v.findings:
            parts.append(v.findings)
        if v.service_opinions:
            parts.append(_("opinions: %(text)s") % {"text": v.service_opinions})
        rows.append(
            EvidenceRow(
                on=v.visited_on,
                kind="visit",
                label=_("Visit finding"),
                text="; ".join(parts),
                url=v.get_absolute_url(),
                weight="bad" if v.operations == rules.WORSENING else "",
            )
        )
    responses = read["surveys"]
    for r in responses:
        pct = rules.mean_pct(r.mean, r.campaign.questionnaire.scale_max)
        low = rules.below_target(pct, sec.satisfaction_target_pct)
        rows.append(
            EvidenceRow(
                on=r.answered_on,
                kind="survey",
                label=_("Satisfaction"),
                text=_("%(campaign)s: %(pct)s %% (target %(target)s %%)")
                % {"campaign": r.campaign.title, "pct": pct, "target": sec.satisfaction_target_pct},
                url=r.campaign.get_absolute_url(),
                weight="warn" if low else "",
            )
        )
    rows.sort(key=lambda r: r.on, reverse=True)
    severities = Counter(c.severity for c in complaints)
    return {
        "since": since,
        "on": on,
        "rows": rows,
        "complaints": len(complaints),
        "serious": severities.get(rules.SERIOUS, 0),
        "major": severities.get(rules.MAJOR, 0),
        "open": sum(c.status in OPEN for c in complaints),
        "worsening": any(v.operations == rules.WORSENING for v in visits),
        "rating_facts": sec.visit_findings_are_rating_facts,
    }


def operations_worsening_ids(customer_ids, *, on: date, policy=None) -> set[int]:
    """Of `customer_ids`, those a completed visit of the evidence period found with worsening
    operations — a rating fact only where the policy says so (visit_findings_are_rating_facts)."""
    since = evidence_since(on, policy)
    return set(
        Visit.objects.filter(
            customer_id__in=list(customer_ids),
            operations=rules.WORSENING,
            visited_on__gte=since,
            visited_on__lte=on,
        )
        .exclude(status__in=[VisitStatus.PLANNED, VisitStatus.CANCELLED])
        .values_list("customer_id", flat=True)
    )
