"""The records of answer-only credit checks, written just behind the answer (PostgreSQL; opt-in).

By default a check's CreditCheck row is committed, synchronously, before the answer
(services/recording.py): nothing answered is unrecorded. This recorder is for PostgreSQL sites that
measured they need to save the record's round trip: with CREDIT_CHECK_RECORD_BEHIND turned on
(XINDANG_CHECK_RECORD_BEHIND=1; off by default), a check outside a caller's transaction that only
answers (no reservation, no approval used or opened) takes the row's id from the table's sequence in
its one read, answers, and hands the row to this process's recorder thread, which writes what has
queued up with one COPY in one transaction (its own connection, commit without waiting for the WAL
flush) at most a quarter of a second later. No thread is started until a row is handed to it.

What can go wrong with it on, and what happens then:
  * the process is stopped: an exit handler writes what is queued (flush());
  * the process is killed, or the server crashes: the records of the last quarter of a second of
    answers are lost — never a reservation, an approval or a posting, which are written in their own
    transactions before the answer;
  * the write fails (database briefly away): retried three times, then logged with every row, so an
    operator can replay them from the log.
Reserving checks, approval uses and routings are written synchronously, in their transaction.
"""

import atexit
import logging
import os
import queue
import threading
import time
from datetime import datetime

from django.db import connection, transaction

from .models import CreditCheck

log = logging.getLogger(__name__)

BATCH = 1000  # rows per transaction at most
CHUNK = 50  # rows per write to the server
GATHER_SECONDS = 0.25  # after the first row, wait this long for more (one transaction for them all)
RETRIES = 3


class Recorder:
    def __init__(self):
        self._queue: queue.Queue = queue.Queue()
        self._thread: threading.Thread | None = None
        self._pid: int | None = None
        self._lock = threading.Lock()
        self._sql: str | None = None

    def put(self, row: tuple) -> None:
        """Queue one row: the id, then COLUMNS' values (JSON already as text). The answering thread
        turns it into its line of COPY text, so the recorder thread only sends bytes and holds the
        interpreter lock for microseconds."""
        if self._thread is None or self._pid != os.getpid():  # first use, or a forked worker
            self._start()
        self._queue.put(copy_line(row))

    def flush(self) -> None:
        """Return once every queued row is written (or given up on and logged)."""
        if self._thread is not None and self._pid == os.getpid():
            self._queue.join()

    def close(self) -> None:
        """Write what is queued, then close the recorder's database connection (it reconnects when
        rows come again) — before a database is dropped, say."""
        if self._thread is not None and self._pid == os.getpid():
            self._queue.put(_CLOSE)
            self._queue.join()

    def _start(self) -> None:
        with self._lock:
            if self._thread is not None and self._pid == os.getpid():
                return
            self._queue = queue.Queue()
            self._pid = os.getpid()
            self._thread = threading.Thread(target=self._run, name="credit-check-recorder", daemon=True)
            self._thread.start()
            atexit.register(self.flush)

    def _run(self) -> None:
        while True:
            batch = [self._queue.get()]
            if batch[0] is not _CLOSE:
                time.sleep(GATHER_SECONDS)
            while len(batch) < BATCH:
                try:
                    batch.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            rows = [row for row in batch if row is not _CLOSE]
            try:
                if rows:
                    self._write(rows)
                if len(rows) < len(batch):
                    connection.close()
            except Exception:  # the thread must live on (flush() waits for it)
                log.exception("credit check recorder")
            finally:
                for _ in batch:
                    self._queue.task_done()

    def _write(self, rows: list[bytes]) -> None:
        """One transaction, one COPY of the rows' lines."""

        for attempt in range(1, RETRIES + 1):
            try:
                with transaction.atomic(), connection.cursor() as cursor:
                    cursor.execute("SET LOCAL synchronous_commit TO OFF")
                    with cursor.copy(self.sql()) as copy:
                        for start in range(0, len(rows), CHUNK):
                            copy.write(b"".join(rows[start : start + CHUNK]))
                return
            except Exception:  # whatever the database says, retry, then log the rows
                connection.close()
                if attempt == RETRIES:
                    log.exception(
                        "credit check records not written (%d rows), COPY lines:\n%s",
                        len(rows),
                        b"".join(rows).decode(),
                    )
                    return
                time.sleep(0.05 * attempt)

    def sql(self) -> str:
        if self._sql is None:
            quote = connection.ops.quote_name
            cols = ", ".join(quote(CreditCheck._meta.get_field(n).column) for n in ("id", *COLUMNS))
            self._sql = f"COPY {quote(CreditCheck._meta.db_table)} ({cols}) FROM STDIN"
        return self._sql


# The record's fields in the order of the rows handed to put() (after the id).
COLUMNS = (
    "customer",
    "amount",
    "kind",
    "control_point",
    "reference",
    "outcome",
    "reasons",
    "inputs",
    "limit_amount",
    "exposure_amount",
    "grade",
    "reservation_ref",
    "over_limit",
    "checked_by",
    "api_key_name",
    "checked_at",
    "policy_version",
)

_ESCAPES = str.maketrans({"\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"})


def copy_line(row: tuple) -> bytes:
    """One row in PostgreSQL's COPY text format: tab-separated, \\N for NULL, backslash escapes."""
    out = []
    for value in row:
        if value is None:
            out.append("\\N")
        elif isinstance(value, str):
            out.append(value.translate(_ESCAPES))
        elif isinstance(value, datetime):
            out.append(value.isoformat())
        else:  # int, Decimal, bool are written by str()
            out.append(str(value))
    return ("\t".join(out) + "\n").encode()


_CLOSE = object()
recorder = Recorder()
