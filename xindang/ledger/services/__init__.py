"""Writing the ledger, one concept per module: `capability` (who may write), `locking` (the lock point
the credit check shares), `values` (input values parsed), `preparing` (rows checked before anything
is written), `reposts` (idempotency by source system + external id), `book` (the in-memory book:
open items, FIFO allocations, exposure figures), `posting` (entries, batches, reversals),
`reservations` (holds for the credit check) and `corrections` (exposure repair, write-offs). Callers
import from here: `from xindang.ledger import services`."""

from .capability import require_capability  # noqa: F401 - the package's interface
from .corrections import (  # noqa: F401 - the package's interface
    WRITE_OFF_KIND,
    fix_exposure,
    on_write_off_approved,
    on_write_off_rejected,
    on_write_off_returned,
    request_write_off,
)
from .locking import lock_exposure  # noqa: F401 - the package's interface
from .posting import (  # noqa: F401 - the package's interface
    check_trade_entries,
    post_trade_entries,
    post_trade_entry,
    reverse_entry,
)
from .preparing import (  # noqa: F401 - the package's interface
    message,
    register_grant_terms,
)
from .reservations import (  # noqa: F401 - the package's interface
    release_expired,
    release_reservation,
    reserve,
)
