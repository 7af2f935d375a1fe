"""Fuzzing the command line in-process (typer's CliRunner): random bytes and random OpenAPI-shaped documents
through `check` in every report format and through `redact`. Exit codes are 0, 1 or 2 only; an error is
one line; nothing prints a traceback or reaches the "internal error" safety net (which would hide a crash
behind exit 2). `-m slow` runs the same properties much longer."""

from __future__ import annotations

import functools
import json
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fuzz_strategies import SECRETS, openapi_documents
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis_profiles import FUZZ_HEALTH_CHECKS
from typer.testing import CliRunner, Result

from specreview.cli import app
from specreview.document.emit import dump
from specreview.ruleset import load as ruleset_load

QUICK = settings(max_examples=10, deadline=None, suppress_health_check=FUZZ_HEALTH_CHECKS)
LONG = settings(max_examples=500, deadline=None, suppress_health_check=FUZZ_HEALTH_CHECKS)
FORMATS = ("text", "json", "sarif", "markdown", "github", "junit", "html")


@pytest.fixture(autouse=True, scope="module")
def rules_loaded_once() -> Iterator[None]:
    # Every command loads and validates the rule files first (about a second); the rules are the same for
    # every example, so they are loaded once here. Everything after that is the real command.
    load = functools.cache(lambda dirs: tuple(original(dirs)))
    original = ruleset_load.load_rules
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ruleset_load, "load_rules", lambda dirs=(): list(load(tuple(dirs))))
        yield


def invoke(*args: str) -> Result:
    result = CliRunner().invoke(app, list(args), env={"NO_COLOR": "1"})
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code in (0, 1, 2), result.output[-2000:]
    for stream in (result.stdout, result.stderr):
        assert "Traceback" not in stream and "internal error" not in stream, stream[-2000:]
    if result.exit_code == 2:
        errors = [line for line in result.stderr.splitlines() if line.startswith("specreview: error: ")]
        assert len(errors) == 1, result.stderr[-2000:]
    return result


def check_and_redact(raw: bytes, suffix: str, fmt: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"spec{suffix}"
        path.write_bytes(raw)
        checked = invoke("check", str(path), "--format", fmt, "--fail-on", "warning")
        if checked.exit_code != 2:
            if fmt in ("json", "sarif"):
                json.loads(checked.stdout)
            assert not any(secret in checked.stdout for secret in SECRETS)
        redacted = invoke("redact", str(path), "-o", str(Path(folder) / f"out{suffix}"), "--changes", f"{folder}/c")
        assert (redacted.exit_code == 0) == (Path(folder) / f"out{suffix}").exists()
        assert path.read_bytes() == raw


def document_bytes(doc: dict[str, Any], suffix: str) -> bytes:
    return dump(doc, "json" if suffix == ".json" else "yaml").encode()


@QUICK
@given(openapi_documents(), st.sampled_from([".json", ".yaml"]), st.sampled_from(FORMATS))
def test_random_documents_through_the_commands(doc: dict[str, Any], suffix: str, fmt: str) -> None:
    check_and_redact(document_bytes(doc, suffix), suffix, fmt)


@QUICK
@given(st.binary(max_size=200) | st.text(max_size=200).map(lambda t: t.encode("utf-8", "surrogatepass")))
def test_random_bytes_through_the_commands(raw: bytes) -> None:
    check_and_redact(b"openapi: 3.1.0\n" + raw if raw[:1] == b"x" else raw, ".yaml", "text")


@pytest.mark.slow
@LONG
@given(openapi_documents(), st.sampled_from([".json", ".yaml"]), st.sampled_from(FORMATS))
def test_random_documents_through_the_commands_long_run(doc: dict[str, Any], suffix: str, fmt: str) -> None:
    check_and_redact(document_bytes(doc, suffix), suffix, fmt)
