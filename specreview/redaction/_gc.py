"""Pause Python's cyclic garbage collector while a redaction pass allocates.

Copying or walking a large document allocates hundreds of thousands of containers and tuples, none of them in
reference cycles. Each allocation burst triggers collections, and the older generations are full of the loaded
input (millions of objects) that every full collection traverses again: on a 20 MB document that was more time
than the copy itself. Reference counting still frees everything; cycles made meanwhile are collected once the
collector runs again.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["gc_paused"]

_lock = threading.Lock()
_depth = 0  # nested or concurrent pauses: the last one to end restores the collector
_was_enabled = False


@contextmanager
def gc_paused() -> Iterator[None]:
    global _depth, _was_enabled
    with _lock:
        if _depth == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _was_enabled:
                gc.enable()
