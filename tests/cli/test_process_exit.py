"""The console script ends with os._exit (lifetime.py): everything it wrote must still arrive, whole."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from cli_run import clean_env, command

from specreview import lifetime

SAMPLE = str(Path(__file__).resolve().parents[2] / "samples" / "userauth.openapi.json")


def buffered_env() -> dict[str, str]:
    """As a user's shell runs it: output to a pipe is block-buffered unless PYTHONUNBUFFERED says otherwise."""
    return {k: v for k, v in clean_env().items() if k != "PYTHONUNBUFFERED"}


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*command(), *args], capture_output=True, text=True, timeout=120, env=buffered_env(), stdin=subprocess.DEVNULL
    )


def test_a_report_larger_than_a_pipe_buffer_arrives_whole_and_the_exit_code_is_kept(tmp_path: Path) -> None:
    # 500 unbounded query parameters and an internal path: 501 findings listed in the JSON report.
    params = [{"name": f"q{i}", "in": "query", "schema": {"type": "string"}} for i in range(500)]
    responses = {"200": {"description": "ok"}}
    paths = {"/search": {"get": {"parameters": params, "responses": responses}}, "/internal/reindex": {}}
    spec = tmp_path / "wide.json"
    spec.write_text(json.dumps({"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": paths}))
    done = run("check", str(spec), "--format", "json")
    assert len(done.stdout) > 65536  # more than a pipe holds: the rest was flushed before the process ended
    report = json.loads(done.stdout)
    assert report["summary"] == {"error": 1, "warning": 0, "info": 500} and done.returncode == 1


def test_a_report_written_to_standard_output_and_a_file_both_arrive(tmp_path: Path) -> None:
    out = tmp_path / "report.sarif"
    with subprocess.Popen(
        [*command(), "check", SAMPLE, "-o", f"sarif:{out}", "--format", "markdown"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=buffered_env(),
        stdin=subprocess.DEVNULL,
    ) as process:
        stdout, _ = process.communicate(timeout=120)
    assert process.returncode == 1
    assert stdout.decode().rstrip().endswith("in 1 document") or b"|" in stdout
    assert json.loads(out.read_text())["version"] == "2.1.0"


def test_holding_is_a_no_op_unless_the_console_script_asked_for_it(monkeypatch) -> None:
    monkeypatch.setattr(lifetime, "_held", [])
    monkeypatch.setattr(lifetime, "_enabled", False)
    lifetime.hold_until_exit(object())
    assert lifetime._held == []
    monkeypatch.setattr(lifetime, "_enabled", True)
    first, second = object(), object()
    lifetime.hold_until_exit(first)
    lifetime.hold_until_exit(second)
    assert lifetime._held == [second]  # a worker reviewing many documents holds one at a time


def test_exit_process_flushes_what_was_buffered() -> None:
    script = "from specreview.lifetime import exit_process\nprint('x' * 99999)\nexit_process(3)\n"
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, env=buffered_env()
    )
    assert done.returncode == 3 and done.stdout == "x" * 99999 + "\n"
