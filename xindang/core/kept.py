"""What a process keeps between requests because building it costs more than using it (compiled
statements): at most `size` entries, the least recently used dropped first, shared by the threads of
the process. Keys must hold everything the value depends on (a day, a policy version …), so that a
stale entry is never found, only falls out."""

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable


class Kept:
    def __init__(self, size: int):
        self.size = size
        self._entries: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get_or_build(self, key: Hashable, build: Callable[[], object]):
        """The value kept for `key`, or build() kept for it. Built outside the lock: two threads may
        build the same value once each; either is kept, both are right."""
        with self._lock:
            value = self._entries.get(key)
            if value is not None:
                self._entries.move_to_end(key)
                return value
        value = build()
        with self._lock:
            self._entries[key] = value
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return value
