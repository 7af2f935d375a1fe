"""Blow-ups through the installed command: an alias bomb, 100,000 levels of nesting, a 20 MB string, documents
around the size cap. Each ends with a documented exit code and at most one line of error, never a traceback;
the subprocess timeout is the hang guard (no timing assertions: the machine may be busy)."""

from __future__ import annotations

import json
import random
import string
from pathlib import Path

import pytest
from cli_run import assert_clean_exit, run

MINIMAL = {"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {}}


def one_error_line(stderr: str) -> str:
    lines = stderr.splitlines()
    assert len(lines) == 1, stderr[-2000:]
    assert lines[0].startswith("specreview: error: ")
    return lines[0]


def billion_laughs() -> str:
    lines = ["openapi: 3.0.0", "info: {title: t, version: '1'}", "paths: {}", "a: &a [lol, lol, lol, lol, lol]"]
    for previous, name in zip("abcdefghi", "bcdefghij", strict=True):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 10) + "]")
    return "\n".join(lines) + "\n"  # 5 * 10**9 strings once expanded


@pytest.mark.parametrize("command", ["check", "redact"])
def test_alias_bomb_is_refused(tmp_path: Path, command: str) -> None:
    path = tmp_path / "bomb.yaml"
    path.write_text(billion_laughs())
    extra = ["-o", str(tmp_path / "out.yaml")] if command == "redact" else []
    result = run(command, str(path), *extra, timeout=60)
    assert_clean_exit(result, 2)
    assert "alias bomb" in one_error_line(result.stderr)
    assert not (tmp_path / "out.yaml").exists()


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("deep.json", '{"openapi": "3.1.0", "x": ' + "[" * 100_000 + "]" * 100_000 + "}"),
        ("deep-object.json", '{"openapi": "3.1.0", "x": ' + '{"a": ' * 100_000 + "1" + "}" * 100_000 + "}"),
        ("deep.yaml", "openapi: 3.1.0\nx: " + "{a: " * 100_000 + "1" + "}" * 100_000 + "\n"),
        ("deep-list.yaml", "openapi: 3.1.0\nx: " + "[" * 100_000 + "]" * 100_000 + "\n"),
    ],
)
def test_100000_levels_of_nesting_are_one_line_exit_2(tmp_path: Path, name: str, text: str) -> None:
    path = tmp_path / name
    path.write_text(text)
    result = run("check", str(path), timeout=60)
    assert_clean_exit(result, 2)
    assert "nesting too deep" in one_error_line(result.stderr)


def test_a_20_mb_string_is_reviewed_without_repeating_it(tmp_path: Path) -> None:
    # 20 MB of words with a live-looking key near the end: a rule fires on it, so the report has to name it
    # without quoting either the key or the text around it.
    rng = random.Random(8)
    key = "sk_live_" + "".join(rng.choices(string.ascii_letters + string.digits, k=32))
    words = " ".join(rng.choices(["lorem", "ipsum", "dolor", "sit", "amet"], k=3_500_000))[: 20 * 1024 * 1024]
    media = {"schema": {"type": "string", "maxLength": 10}, "example": f"{words} {key} {words[:1000]}"}
    doc = {
        **MINIMAL,
        "paths": {"/a": {"get": {"responses": {"200": {"description": "ok", "content": {"text/plain": media}}}}}},
    }
    path = tmp_path / "long.json"
    path.write_text(json.dumps(doc))
    result = run("check", str(path), "--format", "json", timeout=300)
    assert_clean_exit(result, 0, 1)
    assert len(result.stdout) < 100_000 and len(result.stderr) < 10_000
    for shown in (result.stdout, result.stderr):
        assert key[8:] not in shown and words[:200] not in shown
    report = json.loads(result.stdout)
    assert {f["category"] for f in report["findings"]} == {"secret-in-example"}


def document_of_size(size: int) -> str:
    text = json.dumps(MINIMAL)
    return text[:-1] + " " * (size - len(text)) + "}"


def test_a_document_at_the_size_cap_is_read_and_one_byte_over_is_refused(tmp_path: Path) -> None:
    at_cap, over = tmp_path / "at.json", tmp_path / "over.json"
    at_cap.write_text(document_of_size(1000))
    over.write_text(document_of_size(1001))
    assert_clean_exit(run("check", str(at_cap), "--max-bytes", "1000"), 0)
    for args in (["check", str(over)], ["redact", str(over), "-o", str(tmp_path / "out.json")]):
        result = run(*args, "--max-bytes", "1000")
        assert_clean_exit(result, 2)
        assert one_error_line(result.stderr).endswith(f"{over}: larger than the size limit of 1,000 bytes")
    assert not (tmp_path / "out.json").exists()


def test_the_default_size_cap_refuses_a_huge_file_without_reading_it(tmp_path: Path) -> None:
    path = tmp_path / "huge.json"
    with path.open("wb") as file:
        file.truncate(64 * 1024 * 1024 + 1)  # sparse: the size is checked before anything is read
    result = run("check", str(path), timeout=60)
    assert_clean_exit(result, 2)
    assert one_error_line(result.stderr).endswith("larger than the size limit of 64 MiB")


@pytest.mark.parametrize("value", ["0", "-5"])
def test_a_non_positive_size_cap_is_a_usage_error(tmp_path: Path, value: str) -> None:
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(MINIMAL))
    result = run("check", str(path), "--max-bytes", value)
    assert_clean_exit(result, 2)
    assert one_error_line(result.stderr) == "specreview: error: --max-bytes must be a positive number"
