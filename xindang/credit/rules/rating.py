"""The grade from the facts: A/B/C (seed 002 第十三–十八条) or 甲/乙/丙 (seed 004 客户信息管理制度 第九条),
as the policy's scheme says. Every reason carries a stable code, the article it applies and its
parameters; the view translates codes into sentences.

`section` is any object with the attributes of sections.CreditSection (the pydantic model)."""

from __future__ import annotations

from .facts import (
    BING,
    JIA,
    SRC_INVESTIGATION,
    SRC_LEDGER,
    SRC_RELATIONS,
    YI,
    A,
    B,
    C,
    RatingFacts,
    RatingResult,
    Reason,
)
from .figures import check_operations, latest_year, operations_good


# --- A/B/C (002 第十五–十八条) -----------------------------------------------------------------------
def c_reasons(f: RatingFacts, section) -> list[Reason]:
    """Every C condition the facts meet (002 第十六条(1)–(9))."""
    art = "002 第十六条"
    months = section.lookback_months
    out = []
    # A finding only the investigation can make names who made it (the one who signed the form).
    found = {"by": f.investigator} if f.investigator else {}
    if f.bad_debt:
        source = f.sources.get("bad_debt", "")
        out.append(
            Reason(
                "c.bad_debt",
                f"{art}(1)",
                {"months": months, "source": source, **(found if source == SRC_INVESTIGATION else {})},
            )
        )
    if f.undelivered_goods:
        out.append(Reason("c.undelivered_goods", f"{art}(1)", {"months": months, **found}))
    if f.serious_breach:
        out.append(Reason("c.serious_breach", f"{art}(1)", {"months": months, **found}))
    if f.often_breaks_promises:
        # The investigator's finding decides, whatever the count (the count is shown beside it).
        out.append(
            Reason(
                "c.broken_promises_finding",
                f"{art}(2)",
                {"by": f.investigator, "count": f.broken_promises, "source": SRC_INVESTIGATION},
            )
        )
    elif f.broken_promises >= section.c_broken_promises_min:
        out.append(
            Reason(
                "c.broken_promises",
                f"{art}(2)",
                {
                    "count": f.broken_promises,
                    "min": section.c_broken_promises_min,
                    "source": f.sources.get("broken_promises", ""),
                },
            )
        )
    if f.debt_disputes:
        out.append(Reason("c.debt_disputes", f"{art}(3)", found))
    if f.asset_transfers:
        out.append(Reason("c.asset_transfers", f"{art}(3)", found))
    if f.weak_capital:
        out.append(Reason("c.weak_capital", f"{art}(4)", found))
    if f.debt_ratio_pct is not None and f.debt_ratio_pct >= section.c_weak_debt_ratio_pct:
        out.append(
            Reason(
                "c.debt_ratio",
                f"{art}(4)",
                {"ratio": str(f.debt_ratio_pct), "max": section.c_weak_debt_ratio_pct},
            )
        )
    if f.equity is not None and f.equity <= 0:
        out.append(Reason("c.negative_equity", f"{art}(4)", {"equity": str(f.equity)}))
    if f.serious_losses:
        out.append(Reason("c.serious_losses", f"{art}(5)", found))
    if f.falling_turnover:
        out.append(
            Reason(
                "c.falling_turnover_finding",
                f"{art}(5)",
                {"by": f.investigator, "months": f.falling_turnover_months, "source": SRC_INVESTIGATION},
            )
        )
    elif f.falling_turnover_months >= section.c_falling_turnover_months:
        out.append(
            Reason(
                "c.falling_turnover",
                f"{art}(5)",
                {
                    "months": f.falling_turnover_months,
                    "min": section.c_falling_turnover_months,
                    "source": f.sources.get("falling_turnover_months", SRC_INVESTIGATION),
                },
            )
        )
    if (
        getattr(section, "c_our_sales_falling", False)
        and f.our_sales_falling_months >= section.c_falling_turnover_months
    ):
        # A departure (policy): our own falling sales to the customer read as 营业额持续多月下滑.
        out.append(
            Reason(
                "c.our_sales_falling",
                f"{art}(5)",
                {
                    "months": f.our_sales_falling_months,
                    "min": section.c_falling_turnover_months,
                    "source": SRC_LEDGER,
                },
            )
        )
    if f.visit_operations_worsening:
        # A departure (policy): a service visit's finding read as 生产、经营状况不良.
        out.append(Reason("c.visit_operations_worsening", f"{art}(5)", {"source": SRC_RELATIONS}))
    if f.sales_decline:
        out.append(Reason("c.sales_decline", f"{art}(6)", found))
    if f.unfair_conduct:
        out.append(Reason("c.unfair_conduct", f"{art}(6)", found))
    if f.illegal_operation:
        out.append(Reason("c.illegal_operation", f"{art}(7)", found))
    if f.ordered_to_stop:
        out.append(Reason("c.ordered_to_stop", f"{art}(8)", found))
    if f.freeze_risk:
        out.append(Reason("c.freeze_risk", f"{art}(9)", found))
    return out


def a_conditions(f: RatingFacts, section) -> list[tuple[Reason, bool]]:
    """The six A conditions (002 第十五条), each with whether it is met; the reason code names the
    condition (a.*), the failing form is reported by rate() as b.not_a.*. (4) counts the two most recent
    full years before the rating date; an explicit "no" of the investigator to (4) fails it too. (6)
    年度回款、发货: yearly collections and yearly shipments each meet the company's standard."""
    art = "002 第十五条"
    n = section.good_operations_years
    ratio_ok = (
        f.debt_ratio_pct is not None
        and f.debt_ratio_pct <= section.a_max_debt_ratio_pct
        and f.equity is not None
        and f.equity > 0
        and not f.weak_capital
    )
    collections = f.yearly_collections
    shipments = f.yearly_shipments
    ops = check_operations(f.years, n, f.rating_year)
    conditions = [
        (
            Reason(
                "a.cooperation",
                f"{art}(1)",
                {
                    "months": f.months_of_cooperation,
                    "min": section.a_min_cooperation_months,
                    "source": f.sources.get("months_of_cooperation", ""),
                },
            ),
            f.months_of_cooperation >= section.a_min_cooperation_months,
        ),
        (
            Reason("a.clean_record", f"{art}(2)", {"months": section.lookback_months}),
            not (f.bad_debt or f.undelivered_goods or f.serious_breach),
        ),
        (
            Reason("a.lawful_and_kept_promises", f"{art}(3)", {"count": f.broken_promises}),
            f.lawful_and_kept_promises and f.broken_promises == 0,
        ),
        (
            Reason(
                "a.good_operations",
                f"{art}(4)",
                {
                    "years": n,
                    "window": ", ".join(map(str, ops.window)),
                    "missing": ", ".join(map(str, ops.missing)),
                },
            ),
            ops.ok,
        ),
        (
            Reason(
                "a.strong_capital",
                f"{art}(5)",
                {
                    "ratio": "" if f.debt_ratio_pct is None else str(f.debt_ratio_pct),
                    "max": section.a_max_debt_ratio_pct,
                },
            ),
            ratio_ok,
        ),
        (
            Reason(
                "a.collections",
                f"{art}(6)",
                {
                    "amount": "" if collections is None else str(collections),
                    "min": str(section.a_min_yearly_collections_amount),
                    "source": f.sources.get("yearly_collections", ""),
                },
            ),
            collections is not None and collections >= section.a_min_yearly_collections_amount,
        ),
        (
            Reason(
                "a.shipments",
                f"{art}(6)",
                {
                    "amount": "" if shipments is None else str(shipments),
                    "min": str(section.a_min_yearly_shipments_amount),
                    "source": f.sources.get("yearly_shipments", ""),
                },
            ),
            shipments is not None and shipments >= section.a_min_yearly_shipments_amount,
        ),
    ]
    if f.operations_good_finding is False:
        # The investigator answered "no" to 第十五条(4): that prevents A whatever the figures show.
        conditions.insert(4, (Reason("a.operations_finding", f"{art}(4)", {"by": f.investigator}), False))
    return conditions


def rate(facts: RatingFacts, section) -> RatingResult:
    """002 第十六条: any C condition → C (all of them listed). 第十五条: all six A conditions → A,
    unless 第十八条 (new customer, key data or documents incomplete) holds it at B. 第十七条: else B."""
    cs = c_reasons(facts, section)
    if cs:
        return RatingResult(C, tuple(cs), facts)
    conditions = a_conditions(facts, section)
    blockers = []
    if facts.is_new:
        blockers.append(Reason("b.new_customer", "002 第十八条"))
    if not facts.key_data_complete:
        blockers.append(Reason("b.key_data_incomplete", "002 第十八条"))
    if not facts.documents_complete:
        blockers.append(Reason("b.documents_incomplete", "002 第十八条"))
    if all(ok for _, ok in conditions) and not blockers:
        return RatingResult(A, tuple(r for r, _ in conditions), facts)
    failed = [Reason("b.not_" + r.code, r.article, r.params) for r, ok in conditions if not ok]
    reasons = [Reason("b.default", "002 第十七条"), *failed, *blockers]
    return RatingResult(B, tuple(reasons), facts)


# --- 甲/乙/丙 (004 客户信息管理制度 第九条) ----------------------------------------------------------
def rate_jyb(facts: RatingFacts, section) -> RatingResult:
    """004 客户信息管理制度 第九条 1(1): 丙 — intermediate wholesaler, < 100 employees or newly
    founded, past credit problems, or (non-甲) receivables above the policy amount or a large volume
    with us; 甲 — a large company (employees or revenue), good reputation (no C condition, lawful,
    promises kept), stable operations; otherwise 乙."""
    art = "004 客户信息管理制度 第九条1(1)"
    bing = []
    if facts.is_wholesaler:
        bing.append(Reason("bing.wholesaler", f"{art}③"))
    if facts.employee_count is not None and facts.employee_count < section.bing_max_employees:
        bing.append(
            Reason(
                "bing.small",
                f"{art}③",
                {"employees": facts.employee_count, "min": section.bing_max_employees},
            )
        )
    if facts.company_age_months is None or facts.company_age_months < section.bing_new_company_months:
        bing.append(
            Reason(
                "bing.new_company",
                f"{art}③",
                {"months": facts.company_age_months, "min": section.bing_new_company_months},
            )
        )
    c_found = c_reasons(facts, section)
    if facts.past_credit_problems or facts.broken_promises > 0 or c_found:
        bing.append(Reason("bing.credit_problems", f"{art}③", {"count": len(c_found)}))
    if bing:
        return RatingResult(BING, tuple(bing), facts)
    latest = latest_year(facts.years)
    revenue = latest.revenue if latest else None
    large = (facts.employee_count is not None and facts.employee_count >= section.jia_min_employees) or (
        revenue is not None and revenue >= section.jia_min_revenue_amount
    )
    reputation = facts.lawful_and_kept_promises
    stable = operations_good(facts.years, section.good_operations_years, facts.rating_year)
    if large and reputation and stable:
        return RatingResult(
            JIA,
            (
                Reason(
                    "jia.large",
                    f"{art}①",
                    {"employees": facts.employee_count, "revenue": "" if revenue is None else str(revenue)},
                ),
                Reason("jia.reputation", f"{art}①"),
                Reason("jia.stable", f"{art}①", {"years": section.good_operations_years}),
            ),
            facts,
        )
    if facts.receivables > section.bing_receivables_amount:
        return RatingResult(
            BING,
            (
                Reason(
                    "bing.receivables",
                    f"{art}③",
                    {"amount": str(facts.receivables), "max": str(section.bing_receivables_amount)},
                ),
            ),
            facts,
        )
    if facts.avg_monthly_shipments >= section.bing_large_volume_monthly_amount:
        return RatingResult(
            BING,
            (
                Reason(
                    "bing.large_volume",
                    f"{art}③",
                    {
                        "amount": str(facts.avg_monthly_shipments),
                        "min": str(section.bing_large_volume_monthly_amount),
                    },
                ),
            ),
            facts,
        )
    missing = []
    if not large:
        missing.append(Reason("yi.not_large", f"{art}②"))
    if not reputation:
        missing.append(Reason("yi.reputation", f"{art}②"))
    if not stable:
        missing.append(Reason("yi.not_stable", f"{art}②"))
    return RatingResult(YI, (Reason("yi.default", f"{art}②"), *missing), facts)


def rate_with(scheme: str, facts: RatingFacts, section) -> RatingResult:
    return rate_jyb(facts, section) if scheme == "jyb" else rate(facts, section)
