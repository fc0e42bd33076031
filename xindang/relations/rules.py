"""The relationship regulations as pure functions: complaints (000 客户信用档案管理制度 7), visits
(002 客户管理制度模板 篇三) and satisfaction surveys (000 6). No Django, no queries."""

from dataclasses import dataclass
from datetime import date, timedelta

# --- Complaints (000 7: 5.4.1–5.4.3) ---------------------------------------------------------------
RECEIVED = "received"
INVESTIGATING = "investigating"
PROPOSED = "proposed"  # a resolution waits for the general manager
APPROVED = "approved"
FED_BACK = "fed_back"
CLOSED = "closed"

COMPLAINT_STATUSES = (RECEIVED, INVESTIGATING, PROPOSED, APPROVED, FED_BACK, CLOSED)
OPEN_COMPLAINT_STATUSES = (RECEIVED, INVESTIGATING, PROPOSED, APPROVED, FED_BACK)

# 5.4.2/5.4.3: investigated by the business department, result approved by the GM, fed back by the
# office, then closed with the customer's answer. A rejected resolution goes back to investigation.
COMPLAINT_TRANSITIONS = {
    RECEIVED: {INVESTIGATING},
    INVESTIGATING: {PROPOSED},
    PROPOSED: {APPROVED, INVESTIGATING},
    APPROVED: {FED_BACK},
    FED_BACK: {CLOSED},
    CLOSED: set(),
}

QUALITY = "quality"  # 5.4.2 服务质量的不达标投诉: handled with production
PROCESS = "process"  # 5.4.3 服务过程中的不满意投诉

MINOR = "minor"
MAJOR = "major"
SERIOUS = "serious"
SEVERITY_WEIGHT = {MINOR: 1, MAJOR: 2, SERIOUS: 3}


def can_move(current: str, target: str) -> bool:
    """May a complaint go from `current` to `target` (000 7 5.4.2/5.4.3: received → investigated →
    resolution approved by the GM → fed back → closed)?"""
    return target in COMPLAINT_TRANSITIONS.get(current, set())


def needs_production(kind: str) -> bool:
    """000 7 5.4.2: where the service's quality is at fault (不达标), production (生产处) takes part in
    the resolution; 5.4.3 process complaints are handled by the business department alone."""
    return kind == QUALITY


def complaint_due_on(
    status: str, *, received_on: date, proposed_on: date | None, respond_days: int, close_days: int
) -> date | None:
    """When the next step of a complaint is due under the policy's response times (000 7 asks for
    handling and feedback; the number of days is the company's): a resolution `respond_days` after
    receipt; the whole complaint closed `close_days` after receipt. None: closed, nothing due."""
    if status in (RECEIVED, INVESTIGATING):
        return received_on + timedelta(days=respond_days)
    if status in (PROPOSED, APPROVED, FED_BACK):
        return received_on + timedelta(days=close_days)
    return None


def is_overdue(due: date | None, today: date) -> bool:
    return due is not None and today > due


# --- Visits (002 篇三) -------------------------------------------------------------------------------
PLANNED = "planned"
DONE = "done"  # 四.2 the visit record (客户回访记录表) is filled in
REPORTED = "reported"  # 五.1 the visit report (客户回访报告表) the next day
REVIEWED = "reviewed"  # 五.2 the service supervisor's guidance
CANCELLED = "cancelled"

VISIT_TRANSITIONS = {
    PLANNED: {DONE, CANCELLED},
    DONE: {REPORTED},
    REPORTED: {REVIEWED},
    REVIEWED: set(),
    CANCELLED: set(),
}

WORSENING = "worsening"


def visit_can_move(current: str, target: str) -> bool:
    """002 篇三: plan (三.1) → visit and record (四.2) → report (五.1) → supervisor review (五.2)."""
    return target in VISIT_TRANSITIONS.get(current, set())


def report_due_on(visited_on: date, report_days: int = 1) -> date:
    """002 篇三 五.1: the visit report is written 在结束回访的第二天 — the day after the visit."""
    return visited_on + timedelta(days=report_days)


# --- Satisfaction surveys (000 6) ----------------------------------------------------------------
def score_problem(score, scale_max: int) -> str | None:
    """An answer on the questionnaire's scale 1..scale_max (000 6 b 顾客满意度调查表); None if valid."""
    if score is None or isinstance(score, bool):
        return "required"
    try:
        value = int(score)
    except (TypeError, ValueError):
        return "not_a_number"
    if value != score and str(value) != str(score).strip():
        return "not_a_number"
    if not 1 <= value <= scale_max:
        return "out_of_scale"
    return None


def satisfaction_pct(scores: list[int], scale_max: int) -> float | None:
    """The mean score as a percentage of the scale's top (1 → 0 %, scale_max → 100 %), the figure the
    company's target is set in (000 6 d 公司规定要求). None without answers."""
    if not scores:
        return None
    return mean_pct(sum(scores) / len(scores), scale_max)


def mean_pct(mean, scale_max: int) -> float | None:
    """A mean score as a percentage of the scale (see satisfaction_pct)."""
    if mean is None or scale_max <= 1:
        return None
    return round((float(mean) - 1) / (scale_max - 1) * 100, 1)


def below_target(pct: float | None, target_pct: float) -> bool:
    """000 6 d: 当顾客满意度未能达到公司规定要求时 — corrective and preventive actions are due."""
    return pct is not None and pct < target_pct


def survey_due(campaigns_this_year: int, per_year: int = 1) -> bool:
    """000 6 a: 每年至少进行一次全面的顾客满意度调查 — a campaign is due while this year has fewer
    than `per_year`."""
    return campaigns_this_year < per_year


@dataclass(frozen=True)
class Evidence:
    """One dated fact of the relationship shown on the rating form (beside, not inside, the rules of
    002 第十五–十六条 unless the policy makes it a rating fact)."""

    kind: str  # complaint | visit | satisfaction
    on: date
    code: str  # what it says, e.g. "complaint.serious", "visit.worsening", "survey.below_target"
    params: dict
    url: str = ""
