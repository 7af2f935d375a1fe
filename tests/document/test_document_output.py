"""output.write_atomic: never over an input, never over an existing file without force, never half-written."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from specreview.errors import OutputError
from specreview.output import write_atomic


def leftovers(folder: Path) -> list[str]:
    return [name for name in os.listdir(folder) if name.endswith(".tmp")]


def test_writes_a_new_file(tmp_path: Path) -> None:
    target = tmp_path / "out.yaml"
    write_atomic(str(target), "a: é\n")
    assert target.read_text(encoding="utf-8") == "a: é\n"
    assert leftovers(tmp_path) == []


def test_new_file_mode_follows_the_umask(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        write_atomic(str(tmp_path / "out.yaml"), "x")
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.stat(tmp_path / "out.yaml").st_mode) == 0o644


def test_refuses_to_overwrite_the_input_even_with_force(tmp_path: Path) -> None:
    source = tmp_path / "spec.yaml"
    source.write_text("original")
    for path in (str(source), str(tmp_path / "." / "spec.yaml")):
        with pytest.raises(OutputError, match="refusing to overwrite the input"):
            write_atomic(path, "new", force=True, inputs=["-", "https://example.com/x", str(source)])
    assert source.read_text() == "original"


def test_refuses_a_symlink_to_the_input(tmp_path: Path) -> None:
    source = tmp_path / "spec.yaml"
    source.write_text("original")
    link = tmp_path / "link.yaml"
    link.symlink_to(source)
    with pytest.raises(OutputError, match="refusing to overwrite the input"):
        write_atomic(str(link), "new", force=True, inputs=[str(source)])
    assert source.read_text() == "original"


def test_existing_file_needs_force(tmp_path: Path) -> None:
    target = tmp_path / "out.yaml"
    target.write_text("old")
    with pytest.raises(OutputError, match="exists; use --force"):
        write_atomic(str(target), "new")
    assert target.read_text() == "old"


def test_force_replaces_and_keeps_the_mode(tmp_path: Path) -> None:
    target = tmp_path / "out.yaml"
    target.write_text("old")
    target.chmod(0o600)
    write_atomic(str(target), "new", force=True)
    assert target.read_text() == "new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert leftovers(tmp_path) == []


def test_directory_target(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="is a directory"):
        write_atomic(str(tmp_path), "x", force=True)


def test_a_path_ending_in_a_slash_names_a_directory_not_a_file(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="names a directory; give the file to write"):
        write_atomic(f"{tmp_path}/reports/", "x", force=True)
    assert list(tmp_path.iterdir()) == []


def test_missing_directories_are_created(tmp_path: Path) -> None:
    target = tmp_path / "public" / "v1" / "out.yaml"
    write_atomic(str(target), "x")
    assert target.read_text() == "x"
    assert leftovers(tmp_path / "public" / "v1") == []


def test_a_file_where_a_directory_should_be_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "public").write_text("mine")
    with pytest.raises(OutputError) as info:
        write_atomic(str(tmp_path / "public" / "out.yaml"), "x")
    assert str(info.value) == f"{tmp_path / 'public' / 'out.yaml'}: cannot write: Not a directory"
    assert (tmp_path / "public").read_text() == "mine"


def test_unwritable_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Tests may run as root, which directory permissions do not stop, so the refusal is simulated.
    real_open = os.open

    def deny_temp_files(path: str, *args: object, **kwargs: object) -> int:
        if str(path).endswith(".tmp"):
            raise PermissionError(13, "Permission denied", path)
        return real_open(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", deny_temp_files)
    with pytest.raises(OutputError) as info:
        write_atomic(str(tmp_path / "out.yaml"), "x")
    assert str(info.value) == f"{tmp_path / 'out.yaml'}: cannot write in {tmp_path}: permission denied"
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("failing", ["replace", "fsync"])
def test_failure_mid_write_leaves_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing: str) -> None:
    target = tmp_path / "out.yaml"
    target.write_text("old")

    def fail(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, failing, fail)
    with pytest.raises(OutputError, match="No space left on device"):
        write_atomic(str(target), "new", force=True)
    monkeypatch.undo()
    assert target.read_text() == "old"
    assert leftovers(tmp_path) == []


def test_interrupt_mid_write_cleans_up_and_propagates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupt(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupt)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(str(tmp_path / "out.yaml"), "new")
    monkeypatch.undo()
    assert os.listdir(tmp_path) == []


def test_dash_means_stdout(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    write_atomic("-", "a: 1\n", inputs=["-"])
    assert capsys.readouterr().out == "a: 1\n"


def test_pieces_are_written_as_one_text(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    pieces = ["{", '"a": "é"'] + [", " + str(i) for i in range(100_000)] + ["}"]
    write_atomic(str(target), iter(pieces))
    assert target.read_text(encoding="utf-8") == "".join(pieces)


def test_a_failure_while_the_pieces_are_made_keeps_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    target.write_text("old")

    def pieces() -> Iterator[str]:
        yield "x" * 3_000_000  # past the first batch: part of it is already on disk
        raise OutputError("cannot write the document as JSON: ValueError")

    with pytest.raises(OutputError, match="cannot write the document"):
        write_atomic(str(target), pieces(), force=True)
    assert target.read_text() == "old" and leftovers(tmp_path) == []


def test_pieces_to_stdout_are_written_only_once_all_are_made(capsys: pytest.CaptureFixture[str]) -> None:
    def pieces() -> Iterator[str]:
        yield "partial"
        raise OutputError("cannot write the document as JSON: ValueError")

    with pytest.raises(OutputError):
        write_atomic("-", pieces())
    assert capsys.readouterr().out == ""
