"""Run the same work in several threads at once, each on its own database connection.

Used by the concurrency proofs (numbering, audit chain). They need
`@pytest.mark.django_db(transaction=True, serialized_rollback=True)`: the threads only see committed
rows, and the serialized rollback brings back the roles and policy that the data migrations made.
"""

import threading
from collections.abc import Callable

from django.db import connection

THREADS = 8
JOIN_TIMEOUT = 120  # seconds; a thread still alive after this is a hang (lock wait), reported as such


def run_concurrently(work: Callable[[int], object], threads: int = THREADS) -> list:
    """Call work(i) for i in range(threads), all started together; return the results in order.

    Each thread opens its own connection before the start barrier (so the work, not the connecting,
    races) and closes it at the end. The first exception raised in any thread is re-raised here.
    """
    barrier = threading.Barrier(threads)
    results: list = [None] * threads
    errors: list[BaseException] = []

    def target(i: int) -> None:
        try:
            connection.ensure_connection()
            barrier.wait(timeout=JOIN_TIMEOUT)
            results[i] = work(i)
        except BaseException as exc:  # handed to the main thread
            errors.append(exc)
            barrier.abort()
        finally:
            connection.close()

    pool = [threading.Thread(target=target, args=(i,), name=f"writer-{i}") for i in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join(JOIN_TIMEOUT)
    alive = [t.name for t in pool if t.is_alive()]
    assert not alive, f"threads still running after {JOIN_TIMEOUT}s (lock wait?): {alive}"
    real = [e for e in errors if not isinstance(e, threading.BrokenBarrierError)]
    if real or errors:
        raise (real or errors)[0]
    return results
