"""The rating rules as pure functions over plain values (no Django), one concept per module:

facts           the rating's inputs and result (findings, year figures, RatingFacts, reasons)
figures         what the yearly figures say (latest year, debt ratio, operations)
merging         which source supplies each fact: investigation or trade ledger (002 第九条, 第十一条)
rating          the grade: A/B/C (seed 002 第十三–十八条) or 甲/乙/丙 (004 客户信息管理制度 第九条)
contradictions  what a reviewer must look at (002 第十一条(1))

`section` is any object with the attributes of sections.CreditSection (the pydantic model).
"""

from .contradictions import Findings, contradictions
from .facts import (
    A_CONDITION,
    ABC_ORDER,
    BING,
    C_FINDING,
    FINDING_FIELDS,
    FINDING_FORM_FIELDS,
    FINDINGS,
    INVESTIGATION_FIELDS,
    INVESTIGATION_SECTIONS,
    JIA,
    JYB_FINDING,
    SOURCES,
    SRC_DOCUMENTS,
    SRC_FILE,
    SRC_INVESTIGATION,
    SRC_LEDGER,
    SRC_RELATIONS,
    YI,
    A,
    B,
    C,
    Finding,
    RatingFacts,
    RatingResult,
    Reason,
    YearFigures,
)
from .figures import (
    OperationsCheck,
    check_operations,
    debt_ratio_pct,
    last_years,
    latest_year,
    operations_good,
    operations_window,
    revenue_fell_years_running,
)
from .merging import merge_facts
from .rating import a_conditions, c_reasons, rate, rate_jyb, rate_with

__all__ = [
    "A",
    "ABC_ORDER",
    "A_CONDITION",
    "B",
    "BING",
    "C",
    "C_FINDING",
    "FINDINGS",
    "INVESTIGATION_FIELDS",
    "INVESTIGATION_SECTIONS",
    "FINDING_FIELDS",
    "FINDING_FORM_FIELDS",
    "Finding",
    "Findings",
    "JIA",
    "JYB_FINDING",
    "OperationsCheck",
    "RatingFacts",
    "RatingResult",
    "Reason",
    "SOURCES",
    "SRC_DOCUMENTS",
    "SRC_FILE",
    "SRC_INVESTIGATION",
    "SRC_LEDGER",
    "SRC_RELATIONS",
    "YI",
    "YearFigures",
    "a_conditions",
    "c_reasons",
    "check_operations",
    "contradictions",
    "debt_ratio_pct",
    "last_years",
    "latest_year",
    "merge_facts",
    "operations_good",
    "operations_window",
    "rate",
    "rate_jyb",
    "rate_with",
    "revenue_fell_years_running",
]
