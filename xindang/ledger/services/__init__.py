"""Writing the ledger, by sub-domain: `book` (the lock point and the in-memory book), `preparing`
(rows checked before anything is written), `posting` (entries, batches, reversals), `reservations`
(holds for the credit check) and `corrections` (exposure repair, write-offs). Callers import from
here: `from xindang.ledger import services`."""

from .book import (  # noqa: F401 - the package's interface
    _error,
    lock_exposure,
    message,
    require_capability,
)
from .corrections import (  # noqa: F401 - the package's interface
    WRITE_OFF_KIND,
    fix_exposure,
    on_write_off_approved,
    on_write_off_rejected,
    on_write_off_returned,
    request_write_off,
)
from .posting import (  # noqa: F401 - the package's interface
    check_trade_entries,
    post_trade_entries,
    post_trade_entry,
    reverse_entry,
)
from .preparing import (  # noqa: F401 - the package's interface
    register_grant_terms,
)
from .reservations import (  # noqa: F401 - the package's interface
    release_expired,
    release_reservation,
    reserve,
)
