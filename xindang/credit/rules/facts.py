"""The rating's inputs and outputs as plain values: the investigator's findings (the yes/no side of
the 客户信用调查评定表, seed 002 第十条), a year's figures, the facts every rating reads (002
第十三–十八条, 004 客户信息管理制度 第九条) and the result with its reasons."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from decimal import Decimal

A, B, C = "A", "B", "C"
JIA, YI, BING = "jia", "yi", "bing"
ABC_ORDER = {A: 3, B: 2, C: 1}  # higher is better

# Investigation sources (002 第九条).
SOURCES = ("cooperation", "observation", "authorities", "archive", "agency", "other")

SRC_INVESTIGATION, SRC_LEDGER, SRC_DOCUMENTS, SRC_FILE = "investigation", "ledger", "documents", "file"
SRC_RELATIONS = "relations"  # a service visit's record (relations app)

# --- The investigator's findings (the yes/no side of the 客户信用调查评定表) ---------------------------
A_CONDITION, C_FINDING, JYB_FINDING = "a", "c", "jyb"


@dataclass(frozen=True)
class Finding:
    """One yes/no answer of the investigator. `kind`: A_CONDITION, a 第十五条 condition the investigator
    confirms (unticked = "no", which prevents A); C_FINDING, a 第十六条 finding (ticked = C, whatever
    the figures say); JYB_FINDING, used by 甲/乙/丙 only. `count_field`: the figure the investigator
    gives with it (compared with the policy's threshold as further evidence)."""

    field: str
    article: str
    kind: str
    count_field: str = ""


# The one list of findings: the form, the service, the printed form and the page all read it.
FINDINGS: tuple[Finding, ...] = (
    Finding("lawful_and_kept_promises", "002 第十五条(3)", A_CONDITION),
    Finding("operations_good", "002 第十五条(4)", A_CONDITION),
    Finding("bad_debt", "002 第十六条(1)", C_FINDING),
    Finding("undelivered_goods", "002 第十六条(1)", C_FINDING),
    Finding("serious_breach", "002 第十六条(1)", C_FINDING),
    Finding("broken_promises", "002 第十六条(2)", C_FINDING, "broken_promises_count"),
    Finding("debt_disputes", "002 第十六条(3)", C_FINDING),
    Finding("asset_transfers", "002 第十六条(3)", C_FINDING),
    Finding("weak_capital", "002 第十六条(4)", C_FINDING),
    Finding("losses", "002 第十六条(5)", C_FINDING),
    Finding("falling_turnover", "002 第十六条(5)", C_FINDING, "falling_turnover_months"),
    Finding("sales_decline", "002 第十六条(6)", C_FINDING),
    Finding("unfair_conduct", "002 第十六条(6)", C_FINDING),
    Finding("illegal_operation", "002 第十六条(7)", C_FINDING),
    Finding("ordered_to_stop", "002 第十六条(8)", C_FINDING),
    Finding("freeze_risk", "002 第十六条(9)", C_FINDING),
    Finding("past_credit_problems", "004 客户信息管理制度 第九条1(1)③", JYB_FINDING),
)
FINDING_FIELDS: tuple[str, ...] = tuple(f.field for f in FINDINGS)
# The findings with the figures given beside them, in the order of the form.
FINDING_FORM_FIELDS: tuple[str, ...] = tuple(
    name for f in FINDINGS for name in (f.field, f.count_field) if name
)

# The fields of the 客户信用调查评定表 by section, in the order of the paper form: 002 第八条 items 1–8,
# 第九条 sources, the findings of 第十五–十六条, with the credit report's further items (001 客户档案专题
# 客户档案的内容 2 客户资信调查报告: 银行信用, 实地调查结果, 公共记录, 媒体披露及评语, 授信建议).
# The form gives each section its title; the services copy exactly these fields.
INVESTIGATION_SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("investigation", ("investigated_on", "sources", "sources_other")),
    ("parties", ("basic_info", "shareholders", "bank_accounts", "bank_credit")),
    (
        "operations",
        ("operations", "site_visit", "financial_notes", "employee_count", "founded_on", "is_wholesaler"),
    ),
    (
        "trade",
        (
            "trade_history",
            "cooperation_since",
            "yearly_collections_amount",
            "yearly_shipments_amount",
            "credit_record",
        ),
    ),
    ("public", ("public_records_court", "public_records_tax", "public_records_penalties", "media")),
    ("other", ("other_matters",)),
    ("findings", FINDING_FORM_FIELDS),
    ("conclusion", ("conclusion", "credit_proposal", "proposed_limit_amount", "proposed_term_days")),
)
INVESTIGATION_FIELDS: tuple[str, ...] = tuple(
    name for _key, names in INVESTIGATION_SECTIONS for name in names
)


@dataclass(frozen=True)
class Reason:
    code: str
    article: str
    params: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {"code": self.code, "article": self.article, "params": dict(self.params)}


@dataclass(frozen=True)
class YearFigures:
    """One year of the investigation's financial figures (yuan; None = not known)."""

    year: int
    revenue: Decimal | None = None
    profit: Decimal | None = None
    total_assets: Decimal | None = None
    liabilities: Decimal | None = None
    equity: Decimal | None = None
    cash_flow: Decimal | None = None


@dataclass(frozen=True)
class RatingFacts:
    """Every input of the rating as a plain value. `sources` says where a fact came from
    (investigation, ledger, documents, file) for the facts a second source may supply."""

    months_of_cooperation: int = 0
    # 002 第十五条(2) / 第十六条(1): in the look-back period
    bad_debt: bool = False
    undelivered_goods: bool = False
    serious_breach: bool = False
    # 第十五条(3) / 第十六条(2)
    lawful_and_kept_promises: bool = False
    broken_promises: int = 0
    # 第十五条(4) / 第十六条(5): the yearly figures, oldest first; the rating date's year decides
    # which years are "最近连续2年" (None: the latest year given closes the window)
    years: tuple[YearFigures, ...] = ()
    rating_year: int | None = None
    # 第十五条(3)/(4) as the investigator answered (None: no investigation says either way)
    operations_good_finding: bool | None = None
    # 第十五条(5) / 第十六条(4)
    debt_ratio_pct: Decimal | None = None
    equity: Decimal | None = None
    # 第十五条(6) 年度回款、发货: both against the company's standard
    yearly_collections: Decimal | None = None
    yearly_shipments: Decimal | None = None
    # The nine C findings (第十六条)
    debt_disputes: bool = False  # (3)
    asset_transfers: bool = False  # (3)
    weak_capital: bool = False  # (4)
    serious_losses: bool = False  # (5)
    falling_turnover_months: int = 0  # (5) the customer's own turnover, months given by the investigator
    often_breaks_promises: bool = False  # (2) the investigator's finding 经常不兑现承诺
    falling_turnover: bool = False  # (5) the investigator's finding 营业额持续多月下滑
    # Our credit sales to the customer falling (the ledger): evidence beside (5), not the customer's
    # turnover; a C condition only where the policy says so (a departure)
    our_sales_falling_months: int = 0
    # A service visit found the customer's operations worsening (relations): a C fact only where the
    # policy says so (relations.visit_findings_are_rating_facts, a departure); set only then
    visit_operations_worsening: bool = False
    sales_decline: bool = False  # (6) 生产、销售连续严重下滑
    unfair_conduct: bool = False  # (6) 不公正行为
    illegal_operation: bool = False  # (7)
    ordered_to_stop: bool = False  # (8)
    freeze_risk: bool = False  # (9)
    # 第十八条
    is_new: bool = True
    key_data_complete: bool = False
    documents_complete: bool = False
    # 甲/乙/丙 (004 客户信息管理制度 第九条)
    employee_count: int | None = None
    company_age_months: int | None = None
    is_wholesaler: bool = False
    receivables: Decimal = Decimal("0")
    avg_monthly_shipments: Decimal = Decimal("0")
    past_credit_problems: bool = False
    investigator: str = ""  # who signed the investigation's findings (cited by the reasons)
    sources: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        """JSON-friendly (Decimals as strings)."""
        data = asdict(self)
        data["years"] = [{k: _plain(v) for k, v in y.items()} for y in data["years"]]
        return {k: (_plain(v) if k != "years" else v) for k, v in data.items()}


def _plain(value):
    return str(value) if isinstance(value, Decimal) else value


@dataclass(frozen=True)
class RatingResult:
    grade: str
    reasons: tuple[Reason, ...]
    facts: RatingFacts

    def reasons_json(self) -> list[dict]:
        return [r.as_dict() for r in self.reasons]
