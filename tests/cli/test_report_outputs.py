"""Where `check` writes its reports: `--format` to stdout, `-o PATH`, and `-o FORMAT:PATH` for more at once."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_run import run

from specreview.cli.outputs import OutputSpec, parse_outputs
from specreview.errors import ConfigError

SAMPLE = str(Path(__file__).resolve().parents[2] / "samples" / "billing.openapi.json")


def test_format_paths_add_reports_and_keep_the_terminal_one() -> None:
    assert parse_outputs("text", ["sarif:r.sarif", "json:r.json"]) == [
        OutputSpec("text", "-"),
        OutputSpec("sarif", "r.sarif"),
        OutputSpec("json", "r.json"),
    ]
    assert parse_outputs("json", ["r.json"]) == [OutputSpec("json", "r.json")]  # a plain path moves it


@pytest.mark.parametrize(
    ("outputs", "message"),
    [
        (["xml:r.xml"], "unknown report format 'xml'"),
        (["sarif:"], "give a path after the colon"),
        (["a.txt", "b.txt"], "takes one path"),
        (["json:r.json", "sarif:r.json"], "same file"),
    ],
)
def test_mistakes_are_refused_before_anything_runs(outputs: list[str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_outputs("text", outputs)


def test_a_file_name_with_a_colon_is_still_possible() -> None:
    assert parse_outputs("text", ["./xml:r.xml"]) == [OutputSpec("text", "./xml:r.xml")]


def test_an_unwritable_report_file_stops_the_run_before_stdout(tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("mine")
    unwritable = tmp_path / "a-file" / "r.json"  # missing directories are created; a file in the way is not
    result = run("check", SAMPLE, "-o", f"json:{unwritable}")
    assert result.returncode == 2 and "cannot write" in result.stderr
    assert result.stdout == ""


def test_every_report_is_written(tmp_path: Path) -> None:
    result = run("check", SAMPLE, "--format", "json", "-o", f"sarif:{tmp_path / 'r.sarif'}")
    assert result.returncode == 1
    assert json.loads(result.stdout)["findings"]
    assert json.loads((tmp_path / "r.sarif").read_text(encoding="utf-8"))["runs"][0]["results"]
