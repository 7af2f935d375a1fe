"""`specreview check DIR`: every OpenAPI document under a directory, on all cores, the same report as one by one."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from cli_run import run

SAMPLES = Path(__file__).resolve().parents[2] / "samples"


def specs_folder(tmp_path: Path) -> Path:
    specs = tmp_path / "specs"
    (specs / "nested").mkdir(parents=True)
    (specs / "node_modules" / "pkg").mkdir(parents=True)
    shutil.copyfile(SAMPLES / "billing.openapi.json", specs / "billing.openapi.json")
    shutil.copyfile(SAMPLES / "userauth.openapi.yaml", specs / "nested" / "userauth.openapi.yaml")
    (specs / "package.json").write_text('{"name": "web", "version": "1.0.0"}', encoding="utf-8")
    shutil.copyfile(SAMPLES / "billing.openapi.json", specs / "node_modules" / "pkg" / "openapi.json")
    return specs


def test_every_document_under_the_directory_is_reviewed_and_other_json_is_skipped(tmp_path: Path) -> None:
    result = run("check", str(specs_folder(tmp_path)), "--format", "json")
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    assert sorted(Path(d["source"]).name for d in report["documents"]) == [
        "billing.openapi.json",
        "userauth.openapi.yaml",
    ]  # node_modules is not walked
    assert "package.json: skipped, not an OpenAPI document" in result.stderr


def test_all_cores_and_one_process_give_the_same_report(tmp_path: Path) -> None:
    specs = str(specs_folder(tmp_path))
    parallel = run("check", specs, "--format", "json", "--jobs", "2")
    serial = run("check", specs, "--format", "json", "--jobs", "1")
    assert parallel.returncode == serial.returncode == 1
    assert json.loads(parallel.stdout) == json.loads(serial.stdout)


def test_a_directory_without_openapi_documents_is_an_error(tmp_path: Path) -> None:
    """A CI job pointed at the wrong folder must fail, not report 'no findings in 0 documents'."""
    empty, other = tmp_path / "empty", tmp_path / "other"
    empty.mkdir()
    other.mkdir()
    (other / "package.json").write_text('{"name": "web"}', encoding="utf-8")
    for folder in (empty, other):
        result = run("check", str(folder))
        assert result.returncode == 2
        assert result.stderr.strip().splitlines()[-1] == f"specreview: error: no OpenAPI document found in {folder}"


def test_a_named_pipe_in_the_directory_is_not_read(tmp_path: Path) -> None:
    import os

    specs = specs_folder(tmp_path)
    os.mkfifo(specs / "stream.json")  # opening it would wait for a writer that never comes
    result = run("check", str(specs), "--format", "json", timeout=60)
    assert result.returncode == 1, result.stderr
    assert len(json.loads(result.stdout)["documents"]) == 2
