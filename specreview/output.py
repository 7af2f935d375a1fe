"""Writing output files safely: never over an input, never over an existing file without --force, and never
leaving a half-written file behind (write a temporary file beside the target, fsync, then rename)."""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
import sys
from collections.abc import Iterable, Iterator, Sequence

from specreview.errors import OutputError


def write_atomic(path: str, text: str | Iterable[str], *, force: bool = False, inputs: Sequence[str] = ()) -> None:
    """Write `text` (UTF-8; a string, or pieces written as they come) to `path`, or to standard output when
    path is "-". Raises OutputError; an error while the pieces are made leaves no file behind."""
    write_all([(path, text)], force=force, inputs=inputs)


def write_all(
    outputs: Sequence[tuple[str, str | Iterable[str]]], *, force: bool = False, inputs: Sequence[str] = ()
) -> None:
    """Write several files all or none: each goes to a temporary file first, and only when every one of them is
    complete are they renamed into place (`redact -o out.json --changes log.json` never leaves one of two)."""
    for path, _ in outputs:
        check_target(path, force=force, inputs=inputs)
    staged: list[tuple[str, str, str]] = []  # (path as given, temporary file, file it replaces)
    through: list[tuple[str, str | Iterable[str]]] = []
    try:
        for path, text in outputs:
            existing = _existing(path) if path != "-" else None
            if path == "-" or (existing is not None and not stat.S_ISREG(existing.st_mode)):
                through.append((path, text))  # stdout, /dev/null, a named pipe: written to, never replaced
            else:
                staged.append(_stage(path, text, existing))
    except BaseException:
        for _, temp, _ in staged:
            with contextlib.suppress(OSError):
                os.unlink(temp)
        raise
    for done, (path, temp, target) in enumerate(staged):
        try:
            os.replace(temp, target)
        except BaseException as exc:  # an interrupt too: no temporary file is left behind
            for _, left, _ in staged[done:]:
                with contextlib.suppress(OSError):
                    os.unlink(left)
            if isinstance(exc, OSError):
                raise OutputError(f"{path}: cannot write: {_why(exc)}") from None
            raise
        _sync_directory(os.path.dirname(target))
    for path, text in through:
        if path == "-":
            _write_stdout(text)
        else:
            _write_through(path, text)


def _stage(path: str, text: str | Iterable[str], existing: os.stat_result | None) -> tuple[str, str, str]:
    """The complete new content in a temporary file beside the file it will replace; (path, temp, target)."""
    # Through a symbolic link to the file it names: the link stays, as with any editor or `cp`.
    target = os.path.realpath(path)
    directory = os.path.dirname(target)
    _make_directory(path, directory)
    temp = os.path.join(directory, f".{os.path.basename(target)}.{secrets.token_hex(4)}.tmp")
    try:
        # os.open with 0o666 lets the umask decide the new file's mode, as a plain open() would.
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except OSError as exc:
        raise OutputError(f"{path}: cannot write in {directory}: {_why(exc)}") from None
    try:
        with os.fdopen(fd, "wb") as file:
            if existing is not None:
                os.fchmod(file.fileno(), stat.S_IMODE(existing.st_mode))
            for piece in _batches(text):
                file.write(piece.encode("utf-8"))
            file.flush()
            os.fsync(file.fileno())
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        if isinstance(exc, OSError):
            raise OutputError(f"{path}: cannot write: {_why(exc)}") from None
        raise
    return path, temp, target


def _write_stdout(text: str | Iterable[str]) -> None:
    try:
        sys.stdout.write(text if isinstance(text, str) else "".join(text))  # all or nothing, here too
        sys.stdout.flush()
    except BrokenPipeError:
        raise  # the reader stopped early (`| head`): the command ends quietly, as with any report
    except OSError as exc:
        raise OutputError(f"cannot write to standard output: {exc.strerror or exc}") from None


def _write_through(path: str, text: str | Iterable[str]) -> None:
    """Write into a device or pipe as it is: there is no half-written file to avoid, and nothing to rename."""
    try:
        with open(path, "wb") as file:
            for piece in _batches(text):
                file.write(piece.encode("utf-8"))
    except OSError as exc:
        raise OutputError(f"{path}: cannot write: {_why(exc)}") from None


def check_target(path: str, *, force: bool = False, inputs: Sequence[str] = ()) -> os.stat_result | None:
    """Refuse a target that is an input, a directory, or an existing file without `force`; its stat if it
    exists. A command writing several files checks them all before writing the first."""
    if path == "-":
        return None
    if path.endswith(("/", os.sep)):  # `-o reports/`: a directory was meant, a file of that name would surprise
        raise OutputError(f"{path}: names a directory; give the file to write")
    existing = _existing(path)
    if existing is not None:
        if any(_same_file(path, source) for source in inputs):
            raise OutputError(f"{path}: refusing to overwrite the input")
        if stat.S_ISDIR(existing.st_mode):
            raise OutputError(f"{path}: is a directory")
        if not force and stat.S_ISREG(existing.st_mode):  # a device or a pipe loses nothing by being written to
            raise OutputError(f"{path}: exists; use --force to overwrite it")
    return existing


def same_target(first: str, second: str) -> bool:
    """Whether two targets name one destination: both standard output, or one file by any path."""
    if first == "-" or second == "-":
        return first == second
    if os.path.realpath(first) == os.path.realpath(second):
        return True
    return _existing(first) is not None and _same_file(first, second)


# Pieces are joined into strings of about this many characters before being encoded and written.
_BATCH = 1 << 20


def _batches(text: str | Iterable[str]) -> Iterator[str]:
    if isinstance(text, str):
        yield text
        return
    pending: list[str] = []
    size = 0
    for piece in text:
        pending.append(piece)
        size += len(piece)
        if size >= _BATCH:
            yield "".join(pending)
            pending.clear()
            size = 0
    yield "".join(pending)


def _existing(path: str) -> os.stat_result | None:
    try:
        return os.stat(path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise OutputError(f"{path}: cannot write: {_why(exc)}") from None


def _same_file(path: str, source: str) -> bool:
    if source == "-" or "://" in source:
        return False
    try:
        return os.path.samefile(path, source)
    except OSError:
        return False


def _make_directory(path: str, directory: str) -> None:
    """Create the target's missing directories, as ruff's --output-file and Redocly's -o do: `-o
    public/openapi.json` in a fresh checkout should not need a `mkdir` first."""
    if os.path.isdir(directory):
        return
    try:
        os.makedirs(directory, exist_ok=True)
    except OSError as exc:  # a file in the way is found earlier, by check_target
        raise OutputError(f"{path}: cannot create the directory {directory}: {_why(exc)}") from None


def _sync_directory(directory: str) -> None:
    # Makes the rename itself durable; some filesystems cannot open or fsync a directory, which is harmless.
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _why(exc: OSError) -> str:
    if isinstance(exc, PermissionError):
        return "permission denied"
    if isinstance(exc, FileNotFoundError):
        return "no such directory"
    return exc.strerror or type(exc).__name__
