"""Sentences for the reason codes of rules.py (the rules return codes; people read these)."""

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

REASON_TEXTS = {
    # A (002 第十五条)
    "a.cooperation": gettext_lazy("Cooperation for %(months)s months (at least %(min)s)"),
    "a.clean_record": gettext_lazy(
        "No bad debt, undelivered goods or serious breach in the last %(months)s months"
    ),
    "a.lawful_and_kept_promises": gettext_lazy("Operates lawfully, keeps contracts and promises"),
    "a.good_operations": gettext_lazy(
        "Good operations in each of the last %(years)s full years (%(window)s)"
    ),
    "a.operations_finding": gettext_lazy("The investigator (%(by)s) confirms good operations"),
    "a.strong_capital": gettext_lazy(
        "Strong capital and solvency: debt ratio %(ratio)s %% (at most %(max)s %%)"
    ),
    "a.collections": gettext_lazy(
        "Yearly collections %(amount)s yuan meet the company standard of %(min)s yuan"
    ),
    "a.shipments": gettext_lazy("Yearly shipments %(amount)s yuan meet the company standard of %(min)s yuan"),
    # B (002 第十七条, 第十八条)
    "b.default": gettext_lazy("Neither the A nor the C conditions are all met: B"),
    "b.not_a.cooperation": gettext_lazy("Not A: cooperation only %(months)s months (A needs %(min)s)"),
    "b.not_a.clean_record": gettext_lazy(
        "Not A: bad debt, undelivered goods or breach in the look-back period"
    ),
    "b.not_a.lawful_and_kept_promises": gettext_lazy(
        "Not A: lawful operation and kept promises not confirmed (%(count)s broken promises)"
    ),
    "b.not_a.good_operations": gettext_lazy(
        "Not A: operations not shown good in each of the last %(years)s full years (%(window)s): "
        "a loss, falling revenue or figures missing (missing: %(missing)s)"
    ),
    "b.not_a.operations_finding": gettext_lazy(
        "Not A: the investigator (%(by)s) did not confirm good operations in the last two years"
    ),
    "b.not_a.strong_capital": gettext_lazy(
        "Not A: debt ratio %(ratio)s %% above %(max)s %%, or equity not positive"
    ),
    "b.not_a.collections": gettext_lazy(
        "Not A: yearly collections %(amount)s below the standard of %(min)s yuan"
    ),
    "b.not_a.shipments": gettext_lazy(
        "Not A: yearly shipments %(amount)s below the standard of %(min)s yuan"
    ),
    "b.new_customer": gettext_lazy("A new customer is not rated A"),
    "b.key_data_incomplete": gettext_lazy("Key data of the file incomplete: not rated A"),
    "b.documents_incomplete": gettext_lazy("Required documents missing from the file: not rated A"),
    # C (002 第十六条)
    "c.bad_debt": gettext_lazy("Bad debt with us in the last %(months)s months"),
    "c.undelivered_goods": gettext_lazy("Goods owed to us (undelivered) in the last %(months)s months"),
    "c.serious_breach": gettext_lazy("Other serious breach in the last %(months)s months"),
    "c.broken_promises": gettext_lazy("Often breaks promises: %(count)s broken promises (C from %(min)s)"),
    "c.broken_promises_finding": gettext_lazy(
        "Often breaks promises: finding of the investigator %(by)s (%(count)s broken promises counted)"
    ),
    "c.debt_disputes": gettext_lazy("Bad debt disputes"),
    "c.asset_transfers": gettext_lazy("Serious transfer of assets"),
    "c.weak_capital": gettext_lazy("Weak capital, poor solvency"),
    "c.debt_ratio": gettext_lazy("Debt ratio %(ratio)s %% (C from %(max)s %%)"),
    "c.negative_equity": gettext_lazy("Equity not positive (%(equity)s yuan)"),
    "c.serious_losses": gettext_lazy("Serious losses"),
    "c.falling_turnover": gettext_lazy(
        "The customer's turnover falling for %(months)s months in a row (C from %(min)s)"
    ),
    "c.falling_turnover_finding": gettext_lazy(
        "The customer's turnover falling for months: finding of the investigator %(by)s "
        "(%(months)s months given)"
    ),
    "c.our_sales_falling": gettext_lazy(
        "Departure of the policy: our sales to the customer fell %(months)s months in a row (C from %(min)s)"
    ),
    "c.visit_operations_worsening": gettext_lazy(
        "Departure of the policy: a service visit found the customer's operations worsening"
    ),
    "c.sales_decline": gettext_lazy("Production or sales in serious continuous decline"),
    "c.unfair_conduct": gettext_lazy("Unfair conduct"),
    "c.illegal_operation": gettext_lazy("Serious illegal operation"),
    "c.ordered_to_stop": gettext_lazy("Ordered by an authority to stop or rectify"),
    "c.freeze_risk": gettext_lazy("Bank accounts at risk of seizure or freezing"),
    # 甲/乙/丙 (004 客户信息管理制度 第九条)
    "jia.large": gettext_lazy("A large company"),
    "jia.reputation": gettext_lazy("Good reputation"),
    "jia.stable": gettext_lazy("Stable operations over %(years)s years"),
    "yi.default": gettext_lazy("Good reputation, ordinary credit standing: 乙"),
    "yi.not_large": gettext_lazy("Not 甲: not a large company"),
    "yi.reputation": gettext_lazy("Not 甲: reputation not confirmed"),
    "yi.not_stable": gettext_lazy("Not 甲: operations not stable"),
    "bing.wholesaler": gettext_lazy("Intermediate wholesaler"),
    "bing.small": gettext_lazy("Small company: %(employees)s employees (fewer than %(min)s)"),
    "bing.new_company": gettext_lazy("Newly founded (or founding date unknown)"),
    "bing.credit_problems": gettext_lazy("Credit problems in the past"),
    "bing.receivables": gettext_lazy("Not 甲 and owes us %(amount)s yuan (more than %(max)s)"),
    "bing.large_volume": gettext_lazy("Large trade volume with us: %(amount)s yuan a month"),
    # Contradictions (002 第十一条(1))
    "x.loss_not_declared": gettext_lazy("“No losses” while the figures show a loss in %(years)s"),
    "x.loss_without_figures": gettext_lazy("“Serious losses” ticked while every year shows a profit"),
    "x.good_operations_but_figures": gettext_lazy(
        "“Good operations” ticked while revenue fell two years running or a year shows a loss"
    ),
    "x.falling_turnover_not_declared": gettext_lazy(
        "Revenue fell two years running but “falling turnover” is not ticked"
    ),
    "x.bad_debt_in_ledger": gettext_lazy("“No bad debt” while the trade ledger shows bad debt"),
    "x.broken_promises_in_ledger": gettext_lazy(
        "“No broken promises” while the ledger shows %(count)s broken payment promises"
    ),
    "x.promises_kept_but_broken": gettext_lazy("“Keeps promises” ticked while broken promises are recorded"),
    "x.weak_capital_not_declared": gettext_lazy("Debt ratio %(ratio)s %% but “weak capital” is not ticked"),
    "x.balance_sheet": gettext_lazy("%(year)s: total assets minus liabilities differ from equity"),
    "x.too_few_years": gettext_lazy("Only %(count)s years of figures (at least %(min)s)"),
    "x.employee_count": gettext_lazy("Employee count is not plausible"),
    "x.broken_promises_ticked_below": gettext_lazy(
        "“Often breaks promises” ticked while only %(count)s broken promises are counted (C from %(min)s): "
        "the finding decides (C)"
    ),
    "x.broken_promises_count_not_ticked": gettext_lazy(
        "%(count)s broken promises given but “often breaks promises” is not ticked: the count decides (C)"
    ),
    "x.falling_turnover_ticked_below": gettext_lazy(
        "“Turnover falling for months” ticked with %(months)s months given (C from %(min)s): "
        "the finding decides (C)"
    ),
    "x.falling_turnover_months_not_ticked": gettext_lazy(
        "%(months)s months of falling turnover given but “turnover falling for months” is not ticked: "
        "the months decide (C)"
    ),
    "x.operations_not_good_but_figures": gettext_lazy(
        "“Good operations” not ticked while the figures of %(years)s look good: the answer decides (not A)"
    ),
}

SOURCE_TEXTS = {
    "ledger": gettext_lazy("trade ledger"),
    "investigation": gettext_lazy("investigation"),
    "documents": gettext_lazy("documents"),
    "file": gettext_lazy("customer file"),
    "relations": gettext_lazy("visit record"),
}


def _display(key: str, value):
    """Amounts (decimal strings) with thousands separators; empty values as a dash."""
    if value in (None, ""):
        return "—"
    if key in ("amount", "min", "max", "equity") and isinstance(value, str) and "." in value:
        try:
            return f"{Decimal(value):,.2f}"
        except InvalidOperation:
            return value
    return value


def reason_text(reason) -> str:
    """A reason (dict or rules.Reason) as a sentence, with its source when a second source exists."""
    if not isinstance(reason, dict):
        reason = reason.as_dict()
    template = REASON_TEXTS.get(reason.get("code", ""))
    params = {k: _display(k, v) for k, v in (reason.get("params") or {}).items()}
    if template is None:
        return reason.get("code", "")
    try:
        text = str(template) % params
    except (KeyError, TypeError, ValueError):
        text = str(template)
    by = params.get("by")
    if by and by != "—" and "%(by)s" not in str(template):
        text = _("%(text)s (finding of %(by)s)") % {"text": text, "by": by}
    source = params.get("source")
    if source and source != "—" and source in SOURCE_TEXTS:
        text = _("%(text)s (source: %(source)s)") % {"text": text, "source": SOURCE_TEXTS[source]}
    return text


def reason_rows(reasons) -> list[dict]:
    rows = []
    for r in reasons or []:
        d = r if isinstance(r, dict) else r.as_dict()
        rows.append({"code": d.get("code", ""), "article": d.get("article", ""), "text": reason_text(d)})
    return rows
