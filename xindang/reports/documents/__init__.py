"""Each analysis as a document (tables.Document) built from the selectors — the one source of the
screen, the .xlsx and the PDF — plus the chart data the screen draws from the same rows.

One module per analysis: composition, ABC (with the core and tail customers), sales, the credit
dashboard, the yearly credit-management report; `charts` turns a document into chart data; `common`
holds the drill-down link, the dimension labels and the year's span they share."""

from .abc_analysis import (  # noqa: F401
    abc_document,
    core_tail_tables,
    tail_reason_label,
)
from .charts import (  # noqa: F401
    chart_data,
)
from .common import (  # noqa: F401
    MONTHS,
    dimension_labels,
    drill,
    year_span,
)
from .composition import (  # noqa: F401
    composition_document,
)
from .credit_dashboard import (  # noqa: F401
    BAND_ORDER,
    band_labels,
    credit_document,
)
from .sales_analysis import (  # noqa: F401
    sales_document,
)
from .yearly import (  # noqa: F401
    yearly_document,
)
