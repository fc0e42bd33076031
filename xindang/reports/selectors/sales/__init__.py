"""Sales out of the ledger, aggregated in SQL, for the customer analyses (004 客户信息管理制度 第三–四条;
003 篇五 第四条3; 001 抓两头放中间).

Sales (销售额) are the ledger's credit sales: shipments and invoices — an invoice that bills a shipment
is the same sale and counts once, through its shipment — less credit notes (returns), each net of its
reversal. Products come from the entries' lines (product, amount, cost); the part of the sales that
carries no lines is reported as such, never spread over products.

One module per concept: `figures` (sales per customer, in total and per month; the seasonal index's
input), `composition` (composition and products) and `abc` (ABC and the two ends); this package keeps
their public names.
"""

from .abc import (
    AbcCustomer,
    AbcReport,
    CoreTail,
    CoreTailFacts,
    abc_customer,
    abc_report,
    abc_report_of,
    calendar_months,
    classify_core_tail,
    core_and_tail,
    core_tail_classes,
    core_tail_facts,
    first_trade_dates,
    window_start,
    with_customers,
    written_off_ids,
    years_of_trade,
)
from .composition import (
    Composition,
    CompositionRow,
    ProductRow,
    composition,
    composition_rows,
    product_analysis,
    product_composition,
    product_sales,
)
from .figures import (
    CENT,
    DIMENSIONS,
    FEW_LEFT_OUT,
    MONEY,
    SALES_FILTER,
    ZERO,
    CustomerRef,
    customer_refs,
    left_out_ids,
    monthly_sales,
    of_customers,
    sales_by_customer,
    sales_entries,
    sales_total,
    seasonal_input,
    signed_sales,
    split_period,
    stored_facts,
    top_customers,
    total_sales,
)

__all__ = [
    "AbcCustomer",
    "AbcReport",
    "CENT",
    "Composition",
    "CompositionRow",
    "CoreTail",
    "CoreTailFacts",
    "CustomerRef",
    "DIMENSIONS",
    "FEW_LEFT_OUT",
    "MONEY",
    "ProductRow",
    "SALES_FILTER",
    "ZERO",
    "abc_customer",
    "abc_report",
    "abc_report_of",
    "calendar_months",
    "classify_core_tail",
    "composition",
    "composition_rows",
    "core_and_tail",
    "core_tail_classes",
    "core_tail_facts",
    "customer_refs",
    "first_trade_dates",
    "left_out_ids",
    "monthly_sales",
    "of_customers",
    "product_analysis",
    "product_composition",
    "product_sales",
    "sales_by_customer",
    "sales_entries",
    "sales_total",
    "seasonal_input",
    "signed_sales",
    "split_period",
    "stored_facts",
    "top_customers",
    "total_sales",
    "window_start",
    "with_customers",
    "written_off_ids",
    "years_of_trade",
]
