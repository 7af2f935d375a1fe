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
    ("path", "fmt"),
    [
        ("r.json", "json"),
        ("r.sarif", "sarif"),
        ("r.html", "html"),
        ("r.md", "markdown"),
        ("r.xml", "junit"),
        ("r", "text"),
        ("out/results.sarif.json", "sarif"),
        ("R.JUNIT.XML", "junit"),
        ("r.report.json", "json"),
    ],
)
def test_without_a_format_a_plain_path_is_written_as_its_extension_says(path: str, fmt: str) -> None:
    assert parse_outputs(None, [path]) == [OutputSpec(fmt, path)]
    assert parse_outputs("text", [path]) == [OutputSpec("text", path)]  # an explicit --format wins


@pytest.mark.parametrize(
    ("outputs", "message"),
    [
        (["xml:r.xml"], "unknown report format 'xml'"),
        (["sarif:"], "give a path after the colon"),
        (["json:"], "e.g. json:report.json"),
        (["a.txt", "b.txt"], "takes one path"),
        (["json:r.json", "sarif:r.json"], "same file, r.json"),
        (["json:-", "sarif:-"], "only one report can go to standard output"),
        ([":r.json"], "give a format before the colon"),
    ],
)
def test_mistakes_are_refused_before_anything_runs(outputs: list[str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_outputs(None, outputs)


def test_an_explicit_format_and_another_report_on_stdout_conflict() -> None:
    assert parse_outputs(None, ["json:-"]) == [OutputSpec("json", "-")]  # replaces the default text report
    with pytest.raises(ConfigError, match="only one report can go to standard output"):
        parse_outputs("sarif", ["json:-"])  # `-f sarif -o json:-`: which one was meant?


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


def test_a_device_is_written_to_not_replaced() -> None:
    # As root, renaming a temporary file over /dev/null made it a plain file for every later process.
    result = run("check", SAMPLE, "-o", "json:/dev/null", "--fail-on", "never")
    assert result.returncode == 0, result.stderr
    assert Path("/dev/null").is_char_device()


def test_a_report_goes_through_a_symbolic_link_to_its_file(tmp_path: Path) -> None:
    target = tmp_path / "reports" / "latest.json"
    target.parent.mkdir()
    target.write_text("old")
    link = tmp_path / "report.json"
    link.symlink_to(target)
    result = run("check", SAMPLE, "-o", f"json:{link}", "--fail-on", "never")
    assert result.returncode == 0, result.stderr
    assert link.is_symlink() and link.resolve() == target.resolve()
    assert json.loads(target.read_text())["findings"]


@pytest.mark.parametrize("victim", ["config", "baseline", "rule", "vocabulary"])
def test_a_report_is_never_written_over_a_file_the_run_reads(tmp_path: Path, victim: str) -> None:
    config = tmp_path / "specreview.yaml"
    config.write_text("fail_on: never\n")
    rules = tmp_path / "my-rules"
    rules.mkdir()
    vocabulary = rules / "vocabulary.yaml"
    vocabulary.write_text("ticket-words: [ticket]\n")
    rule = rules / "ticket-id-in-path.yaml"
    rule.write_text(
        "id: ticket-id-in-path\ncategory: internal-path\nseverity: warning\nsummary: s\nmessage: m\n"
        "given: '#PathItem'\nmatch: {on: path, regex: '^[A-Z]+-\\d+$'}\nredact: remove\n"
        "docs: {what: w, why: w, fix: w}\n"
    )
    baseline = tmp_path / "baseline.json"
    assert run("baseline", SAMPLE, "-o", str(baseline), cwd=tmp_path).returncode == 0
    files = {"config": config, "baseline": baseline, "rule": rule, "vocabulary": vocabulary}
    before = {name: path.read_bytes() for name, path in files.items()}
    result = run(
        "check", SAMPLE, "--rules-dir", str(rules), "--baseline", str(baseline), "-o", str(files[victim]), cwd=tmp_path
    )
    assert result.returncode == 2
    assert "refusing to overwrite the input" in result.stderr
    assert {name: path.read_bytes() for name, path in files.items()} == before


def test_a_report_is_never_written_over_the_app_it_reviews(tmp_path: Path) -> None:
    source = "from fastapi import FastAPI\napp = FastAPI()\n@app.get('/internal/reindex')\ndef reindex(): pass\n"
    (tmp_path / "service.py").write_text(source)
    result = run("check", "--app", "service:app", "--app-dir", str(tmp_path), "-o", str(tmp_path / "service.py"))
    assert result.returncode == 2 and "refusing to overwrite the input" in result.stderr
    assert (tmp_path / "service.py").read_text() == source
