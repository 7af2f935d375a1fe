"""Pausing Python's cyclic garbage collector around work that builds millions of objects and no garbage.

Loading a large document, reviewing it and redacting it each allocate hundreds of thousands of containers
that all stay alive. Every so often the collector then walks the whole ever-growing heap (the loaded input
alone is millions of objects) and finds nothing to free: on the 20 MB Microsoft Graph description that was a
third of `check`'s time and most of the redaction copy's. Reference counting still frees everything as usual;
only cycles wait for the collector, which runs again once the pause ends.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["gc_paused"]

_lock = threading.Lock()
_depth = 0  # nested or concurrent pauses (an app redacting in several threads): the last one out restores
_was_enabled = False


@contextmanager
def gc_paused() -> Iterator[None]:
    """Disable the cyclic collector for the block; when the last pause ends, restore it as it was."""
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
