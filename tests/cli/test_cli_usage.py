"""Usage errors and closed pipes, through the installed command: one line and exit 2, or a quiet exit."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from cli_run import clean_env, command, run

# Not from conftest: pytest keeps one module named `conftest`, whichever directory's loaded first.
SAMPLE = str(Path(__file__).resolve().parents[2] / "samples" / "userauth.openapi.json")


@pytest.mark.parametrize(
    ("args", "names"),
    [
        (["check", SAMPLE, "--format", "xml"], ["--format", "'xml'", "specreview check --help"]),
        (["check", SAMPLE, "--fail-on", "bogus"], ["--fail-on", "'bogus'"]),
        (["check", SAMPLE, "--no-such-option"], ["--no-such-option"]),
        (["no-such-command"], ["no-such-command", "specreview --help"]),
        (["redact", SAMPLE], ["--output"]),
        (["check", "-", "-"], ["standard input", "only once"]),
        (["baseline"], ["give a SOURCE"]),  # no source and no configured targets
        (["probe", "http://[::1"], ["invalid URL"]),
    ],
)
def test_a_usage_error_is_one_line_and_exit_2(args, names):
    done = run(*args)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("specreview: error: ")
    assert all(name in lines[0] for name in names)
    assert done.stdout == ""


def test_no_arguments_still_show_the_help():
    done = run()
    assert done.returncode == 2
    assert "Usage: specreview" in done.stdout + done.stderr and "check" in done.stdout + done.stderr


@pytest.mark.parametrize(
    "args",
    [["rules"], ["check", SAMPLE], ["check", SAMPLE, "--format", "json"], ["redact", SAMPLE, "-o", "-"]],
)
def test_a_reader_that_stops_early_is_not_an_internal_error(args):
    # `specreview rules | head -1`: the pipe closes before the report is written.
    with subprocess.Popen(
        [*command(), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=clean_env(), stdin=subprocess.DEVNULL
    ) as process:
        assert process.stdout is not None and process.stderr is not None
        process.stdout.close()  # nothing will ever be read
        stderr = process.stderr.read().decode()
        process.wait(timeout=60)
    assert "internal error" not in stderr and "Traceback" not in stderr and "Broken pipe" not in stderr
    assert process.returncode in (0, 1)


@pytest.mark.parametrize("command_name", ["check", "diff", "review", "probe"])
def test_help_states_the_fail_on_default(command_name):
    # Square brackets in a help text are rich markup to typer: "[default: error]" used to vanish, leaving
    # "above this severity ." in every --help.
    done = subprocess.run(
        [*command(), command_name, "--help"],
        capture_output=True,
        text=True,
        env={**clean_env(), "COLUMNS": "250"},
        stdin=subprocess.DEVNULL,
        timeout=60,
    )
    assert done.returncode == 0
    fail_on = next(line for line in done.stdout.splitlines() if line.lstrip("│ ").startswith("--fail-on"))
    assert "this severity (default: error)." in fail_on
