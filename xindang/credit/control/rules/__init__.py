"""The credit check (授信执行) as pure functions: no Django, no queries, no I/O.

One module per concept, this package their public interface (import from here):
  decision  decide(): may this amount of this kind pass this control point for this customer now?
            (002 客户信用管理制度 第二十八、三十一至三十五条; 004 客户信息管理制度 第七条, 第九条3,
            第十条1(8), 第十一条1(3)) — the outcome, the reasons (code, article, params)
  tiers     who approves an amount past the limit (第三十二条; 004 客户信息管理制度 第九条3(3))
  group     the related-party step after the decision (beyond the regulation; off by default)
ARTICLES and WARNINGS below are the decision's and the group step's reason tables, merged once here
(no module changes another's tables).
"""

from . import decision, group
from .decision import (  # noqa: F401 - the package's public interface
    ALLOW,
    APPROVABLE,
    APPROVAL_REQUIRED,
    BLOCK,
    CARD_NOT_APPROVED,
    CASH_SALE,
    CATEGORIES,
    CHECK_KINDS,
    CONTRACT_TERM,
    CONTROL_POINTS,
    COVERED_BY_PREPAYMENT,
    DEBT_MODES,
    GRADE_C,
    GRADES,
    GRANT_EXPIRED,
    IGNORE,
    INFO,
    INVOICE,
    LOWERS_EXPOSURE,
    MONTH,
    NEAR_LIMIT,
    NO_CREDIT_GRADES,
    NO_GRANT,
    NO_LIMIT_CODES,
    NO_LIMIT_EXCEPTION,
    NOT_CONTROLLED,
    ORDER,
    OUTCOMES,
    OVER_LIMIT,
    OVER_LIMIT_APPROVED,
    OVERDUE_ONLY,
    OVERDUE_UNPAID,
    PAID_IN_CASH,
    PREPAYMENT,
    PREVIOUS_DEBT,
    PREVIOUS_PERIOD,
    RAISING_KINDS,
    REDUCTION_ONLY,
    RESERVABLE_KINDS,
    ROUTE,
    SETTLEMENT_PERIODS,
    SHIPMENT,
    SHIPMENTS_STOPPED,
    STRENGTH_BLOCK,
    STRENGTH_WARN,
    STRENGTHS,
    TRADE_SUSPENDED,
    WARN,
    ZERO,
    CheckInputs,
    ControlPolicy,
    Decision,
    GrantInput,
    OverdueInput,
    Reason,
    can_lift,
    covered_by_prepayment,
    decide,
    grant_usable,
    headroom,
    near_limit,
    previous_debt,
    reason,
    reserve_allowed,
    severity_of,
    total_exposure,
    violations,
)
from .group import (  # noqa: F401 - the package's public interface
    GROUP_ARTICLE,
    GROUP_BLOCK,
    GROUP_MODES,
    GROUP_OFF,
    GROUP_OVER_LIMIT,
    GROUP_OVER_LIMIT_WARNING,
    GROUP_WARN,
    group_check,
)
from .tiers import (  # noqa: F401 - the package's public interface
    GENERAL_MANAGER,
    Tier,
    approval_chain,
    ends_with_gm,
    exception_chain,
)

ARTICLES = {**decision.ARTICLES, **group.ARTICLES}
WARNINGS = decision.WARNINGS | group.WARNINGS
