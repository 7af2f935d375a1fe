"""Running part of a computation in a forked child process, on another core, over data already in memory.

A review of one large document has work that splits cleanly by rule, and the document and its indexes are
already built when it starts: `fork` gives a child all of them at once (copy-on-write), where a process pool
would have to pickle them over. The child sends back only its result, pickled; it never writes to the
parent's files or output, and ends with `os._exit` so nothing of the parent's (buffers, atexit handlers) runs
twice.

Forking is only offered where it is safe and cheap: Linux, more than one usable core, and no other thread in
the process (a fork copies only the calling thread, so a lock another thread held would stay locked).
"""

from __future__ import annotations

import os
import pickle
import sys
import threading
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


def usable_cores() -> int:
    """The cores this process may run on (its affinity where the platform tells, else every core)."""
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))


def can_fork() -> bool:
    """Whether `Forked` may be used here: Linux, two usable cores or more, one thread."""
    if sys.platform != "linux" or not hasattr(os, "fork"):
        return False
    return usable_cores() >= 2 and threading.active_count() == 1


class Forked(Generic[T]):
    """`task()` run in a forked child from the moment this is created; `result()` waits for it.

    `result()` returns the task's value, or None when the child could not deliver it (the task raised, the
    child was killed, the value did not pickle): the caller then does the work itself, so a failure here
    costs time, never a result. Use as a context manager, so that a child is never left behind when the
    parent's own work fails."""

    def __init__(self, task: Callable[[], T]) -> None:
        _reap_ended()
        read_end, write_end = os.pipe()
        self._pid = os.fork()
        if self._pid == 0:  # the child: run, send, end without touching anything of the parent's
            os.close(read_end)
            _serve(task, write_end)
        os.close(write_end)
        self._read_end = read_end
        self._done = False

    def __enter__(self) -> Forked[T]:
        return self

    def __exit__(self, *exc: object) -> None:
        if not self._done:  # the parent's work failed before it asked for the result
            self._reap(kill=True)

    def result(self) -> T | None:
        chunks = []
        try:
            while chunk := os.read(self._read_end, 1 << 20):
                chunks.append(chunk)
        except BaseException:
            self._reap(kill=True)
            raise
        try:
            status, value = pickle.loads(b"".join(chunks))
        except Exception:  # nothing, or a truncated message: the child died before it had written everything
            status, value = "error", None
        if status != "ok":
            self._reap(kill=False)
            return None
        # Delivered. The child closed its end before ending, and ending is the kernel freeing its memory (a tenth
        # of a second after a large review): nobody waits for that. It is reaped when it has ended (_reap_ended).
        self._done = True
        os.close(self._read_end)
        _ending.append(self._pid)
        _reap_ended()
        return value

    def _reap(self, *, kill: bool) -> None:
        """Wait for the child to end, killing it first if asked."""
        self._done = True
        os.close(self._read_end)
        if kill:
            try:
                os.kill(self._pid, 9)
            except ProcessLookupError:
                pass
        os.waitpid(self._pid, 0)


# Children that delivered their result and are ending: reaped once they have, without waiting for it.
_ending: list[int] = []


def _reap_ended(*, wait: bool = False) -> None:
    for pid in list(_ending):
        try:
            ended, _ = os.waitpid(pid, 0 if wait else os.WNOHANG)
        except ChildProcessError:  # reaped already (a caller's own wait for any child)
            ended = pid
        if ended:
            _ending.remove(pid)


def reap_before_exit() -> None:
    """Wait for the children that delivered and are ending. A command's output is written by then, so this
    costs little; what it buys is that the process ends after its children, whose time and memory then count
    in its own resource usage (`time`, wait4: what the benchmarks measure) rather than vanishing with orphans."""
    _reap_ended(wait=True)


def _die_with_parent() -> None:
    """Ask Linux to end this child when its parent ends (PR_SET_PDEATHSIG): a parent killed by a signal its
    handlers never see (SIGTERM, SIGKILL) must not leave the child working on for nobody."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, 9)  # PR_SET_PDEATHSIG, SIGKILL
    except (OSError, AttributeError):  # no libc to call: the child ends on its own once its work is done
        return
    if os.getppid() == 1:  # the parent ended before the request took effect
        os._exit(1)


def _serve(task: Callable[[], object], write_end: int) -> None:
    """In the child: run the task, write its pickled outcome, and end the process."""
    code = 0
    _die_with_parent()
    try:
        try:
            payload = pickle.dumps(("ok", task()), protocol=pickle.HIGHEST_PROTOCOL)
        except BaseException as exc:  # reported as a failure; the parent does the work itself
            payload = pickle.dumps(("error", f"{type(exc).__name__}: {exc}"))
        view = memoryview(payload)
        while view:
            view = view[os.write(write_end, view) :]
        os.close(write_end)  # the parent has it all now, not only once this process has freed its memory
    except BaseException:
        code = 1
    finally:
        os._exit(code)
