"""A command-line run ends without freeing what it built: freeing is work nobody waits for.

A review builds millions of objects (the document, its indexes, the findings) that live until the command ends.
Freeing them one by one at exit costs a noticeable part of the run: a fifth of a second of `check` on the 20 MB
Microsoft Graph description, more for `redact`, which holds two documents. So the console script flushes its
output and ends with `os._exit` (as mypy does), and the engine hands what it built to `hold_until_exit`, so that
it is not freed when the function that built it returns either.

Only the console script enables this: a library user's or a test's process frees everything as usual. A worker
that reviews many documents holds the last one only: each `hold_until_exit` replaces what was held before.
"""

from __future__ import annotations

import gc
import os
import sys
from typing import NoReturn

_held: list[object] = []
_enabled = False


def end_without_teardown() -> None:
    """From now on, what is handed to `hold_until_exit` stays alive until `exit_process`, and the cyclic garbage
    collector stays off. Commands pause it while they work (gc_pause.py); were it switched on again afterwards,
    its next pass would walk every object still held, all of them young to it since it was paused: on Graph,
    half a second spent finding nothing to free just before exit."""
    global _enabled
    _enabled = True
    gc.disable()


def hold_until_exit(*objects: object) -> None:
    """Keep `objects` alive until the process ends, when the console script runs; a no-op otherwise."""
    if _enabled:
        _held[:] = objects


def exit_process(code: int) -> NoReturn:
    """Flush standard output and error, wait for forked children still ending, then end the process at once
    with `code`."""
    from specreview.forked import reap_before_exit

    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (`| head -1`) or a closed stream: nothing left to say
            pass
    try:
        reap_before_exit()
    except KeyboardInterrupt:  # everything is written: an interrupt now only ends the wait
        pass
    os._exit(code)
