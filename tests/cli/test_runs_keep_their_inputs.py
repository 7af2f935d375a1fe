"""A run never writes a report over a file it reads, however it came to read it (a document found in a directory,
a baseline sitting in the reports directory), and `check` without a SOURCE reports like `check` does."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from cli_run import assert_clean_exit, run

SAMPLES = Path(__file__).resolve().parents[2] / "samples"


def project(tmp_path: Path) -> Path:
    specs = tmp_path / "specs"
    specs.mkdir()
    shutil.copyfile(SAMPLES / "billing.openapi.json", specs / "billing.openapi.json")
    shutil.copyfile(SAMPLES / "userauth.openapi.json", specs / "userauth.openapi.json")
    (tmp_path / "specreview.yaml").write_text("targets: [specs/*.openapi.json]\n", encoding="utf-8")
    return tmp_path


def test_check_dir_refuses_a_report_over_a_document_it_found(tmp_path: Path) -> None:
    root = project(tmp_path)
    document = root / "specs" / "billing.openapi.json"
    before = document.read_bytes()
    result = run("check", "specs", "-o", "sarif:specs/billing.openapi.json", cwd=root)
    assert_clean_exit(result, 2)
    assert "refusing" in result.stderr and "billing.openapi.json" in result.stderr
    assert document.read_bytes() == before


def test_check_without_a_source_reports_the_config_targets_as_asked_and_writes_no_reports_dir(tmp_path: Path) -> None:
    root = project(tmp_path)
    result = run("check", "-f", "json", cwd=root)
    assert_clean_exit(result, 1)
    report = json.loads(result.stdout)
    assert sorted(Path(d["source"]).name for d in report["documents"]) == [
        "billing.openapi.json",
        "userauth.openapi.json",
    ]
    assert report["findings"]
    assert sorted(p.name for p in root.iterdir()) == ["specreview.yaml", "specs"]
    written = run("check", "-o", "json:out.json", cwd=root)
    assert_clean_exit(written, 1)
    assert json.loads((root / "out.json").read_text(encoding="utf-8"))["documents"]


def test_review_refuses_reports_over_its_baseline_and_writes_none_of_them(tmp_path: Path) -> None:
    root = project(tmp_path)
    made = run("baseline", "-o", "baseline.json", cwd=root)
    assert_clean_exit(made, 0)
    reports = root / "reports"
    reports.mkdir()
    # The baseline is named like the report the billing target gets.
    baseline = reports / "specs-billing.openapi.report.json"
    shutil.move(root / "baseline.json", baseline)
    before = baseline.read_bytes()
    result = run("review", "--baseline", str(baseline), "--output-dir", "reports", "-f", "json", cwd=root)
    assert_clean_exit(result, 2)
    assert "refusing" in result.stderr
    assert baseline.read_bytes() == before
    assert [p.name for p in reports.iterdir()] == [baseline.name]  # all reports or none


def test_a_target_called_index_keeps_its_own_html_report(tmp_path: Path) -> None:
    root = project(tmp_path)
    (root / "specreview.yaml").write_text(
        "targets: [{name: index, source: specs/billing.openapi.json}]\noutput: {formats: [html, json]}\n",
        encoding="utf-8",
    )
    result = run("review", "--output-dir", "reports", cwd=root)
    assert_clean_exit(result, 1)
    assert "1 target, 0 failed, " in result.stdout  # not "1 targets"
    summary = json.loads((root / "reports" / "summary.json").read_text(encoding="utf-8"))
    files = [f for target in summary["targets"] for f in target["reports"].values()]
    assert "index.html" not in files and "index-2.html" in files
    assert (root / "reports" / "index-2.html").is_file() and (root / "reports" / "index.html").is_file()


def test_a_baseline_of_other_documents_is_called_out(tmp_path: Path) -> None:
    root = project(tmp_path)
    made = run("baseline", "specs", "-o", "baseline.json", cwd=root)
    assert_clean_exit(made, 0)
    same = run("check", "./specs/billing.openapi.json", "--baseline", "baseline.json", cwd=root)
    assert_clean_exit(same, 0)  # the same document spelled another way: everything accepted
    assert "warning" not in same.stderr
    shutil.copyfile(SAMPLES / "userauth.openapi.yaml", root / "userauth.openapi.yaml")
    other = run("check", "userauth.openapi.yaml", "--baseline", "baseline.json", cwd=root)
    assert_clean_exit(other, 1)
    named = "has no entries for the documents reviewed (it has specs/billing.openapi.json, specs/userauth"
    assert named in other.stderr


def test_a_second_review_removes_the_reports_of_targets_it_no_longer_has(tmp_path: Path) -> None:
    root = project(tmp_path)
    (root / "specreview.yaml").write_text("targets: [specs/*.openapi.json]\noutput: {formats: [html, json]}\n")
    assert_clean_exit(run("review", "--output-dir", "reports", cwd=root), 1)
    reports = root / "reports"
    (reports / "notes.txt").write_text("mine", encoding="utf-8")  # not a report this tool listed
    first = sorted(p.name for p in reports.iterdir())
    assert "specs-userauth.openapi.html" in first and "index.html" in first
    (root / "specreview.yaml").write_text("targets: [specs/billing.openapi.json]\noutput: {formats: [json]}\n")
    assert_clean_exit(run("review", "--output-dir", "reports", cwd=root), 1)
    assert sorted(p.name for p in reports.iterdir()) == [
        "notes.txt",
        "specs-billing.openapi.report.json",
        "summary.json",
    ]


def test_summary_json_says_what_the_baseline_did(tmp_path: Path) -> None:
    root = project(tmp_path)
    assert_clean_exit(run("baseline", "-o", "baseline.json", cwd=root), 0)
    document = root / "specs" / "billing.openapi.json"
    data = json.loads(document.read_text(encoding="utf-8"))
    del data["paths"]["/admin/ledger/replay"]  # an accepted internal path, fixed since
    document.write_text(json.dumps(data), encoding="utf-8")
    result = run("review", "--baseline", "baseline.json", "--output-dir", "reports", "-f", "json", cwd=root)
    assert_clean_exit(result, 0)
    summary = json.loads((root / "reports" / "summary.json").read_text(encoding="utf-8"))
    done = summary["baseline"]
    assert done["file"] == "baseline.json" and done["new"] == 0 and done["accepted"] > 0
    gone = {(e["rule"], e["pointer"]) for e in done["no_longer_occur"]}
    assert ("internal-path", "/paths/~1admin~1ledger~1replay") in gone
