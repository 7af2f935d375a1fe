"""The installed `specreview` command end to end: exit codes, formats, stdin, URLs, bad input, redaction."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from labelling import label_mismatches, redaction_mismatches
from openapi_spec_validator import validate
from uvicorn_server import serve

from specreview.redaction import dangling_refs

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "samples"
USERAUTH = SAMPLES / "userauth.openapi.json"
EXPECTATIONS = yaml.safe_load((SAMPLES / "expectations.yaml").read_text(encoding="utf-8"))["documents"]
SAMPLE_DOCS = sorted(EXPECTATIONS)


def specreview(*args: str, stdin: bytes | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    exe = shutil.which("specreview") or ""
    argv = [exe] if exe else [sys.executable, "-m", "specreview"]
    return subprocess.run(
        [*argv, *args],
        input=stdin.decode() if stdin else None,
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
        env={**os.environ, "NO_COLOR": "1"},
    )


def findings_of(result: subprocess.CompletedProcess[str]) -> set[tuple[str, str]]:
    report = json.loads(result.stdout)
    return {(f["category"], f["pointer"]) for f in report["findings"]}


@pytest.mark.parametrize("name", SAMPLE_DOCS)
def test_check_json_report_matches_expectations(name):
    result = specreview("check", str(SAMPLES / name), "--format", "json")
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    assert set(report) == {"tool", "documents", "findings", "summary"}
    assert report["tool"]["name"] == "specreview"
    assert report["documents"][0]["openapi"] == "3.1.0"
    first = report["findings"][0]
    assert {"rule", "category", "severity", "pointer", "message", "source", "line", "column"} <= set(first)
    assert all(isinstance(f["line"], int) for f in report["findings"])
    assert label_mismatches(EXPECTATIONS[name], findings_of(result)) == []


def test_yaml_and_json_inputs_give_the_same_findings():
    as_json = findings_of(specreview("check", str(USERAUTH), "--format", "json"))
    as_yaml = findings_of(specreview("check", str(SAMPLES / "userauth.openapi.yaml"), "--format", "json"))
    assert as_json == as_yaml


def test_stdin_is_read_with_dash():
    result = specreview("check", "-", "--format", "json", stdin=USERAUTH.read_bytes())
    assert result.returncode == 1
    assert findings_of(result) == findings_of(specreview("check", str(USERAUTH), "--format", "json"))


@pytest.mark.parametrize(("fail_on", "code"), [("error", 1), ("never", 0), ("ERROR", 1), ("Never", 0)])
def test_fail_on_sets_the_exit_code(fail_on, code):
    assert specreview("check", str(USERAUTH), "--fail-on", fail_on, "--format", "json").returncode == code


def test_a_clean_document_exits_zero(tmp_path):
    clean = tmp_path / "clean.yaml"
    clean.write_text("openapi: 3.0.3\ninfo: {title: clean, version: '1'}\npaths: {}\n")
    result = specreview("check", str(clean))
    assert result.returncode == 0
    assert "No findings" in result.stdout


def test_text_report_groups_by_severity_and_shows_lines():
    result = specreview("check", str(USERAUTH))
    assert result.returncode == 1
    out = result.stdout
    assert out.index("Errors") < out.index("Warnings")
    assert "/components/schemas/UserInDB/properties/hashed_password" in out
    assert "userauth.openapi.json:" in out
    assert "--show-info" in out  # weak-input summarised, not listed


@pytest.mark.parametrize(
    ("args", "content"),
    [
        (["missing.json"], None),
        (["bad.json"], b'{"openapi": "3.1.0", "info": '),
        (["bad.yaml"], b"openapi: 3.1.0\ninfo: [unclosed\n"),
        (["notapi.json"], b'{"hello": "world"}'),
        (["empty.yaml"], b""),
    ],
)
def test_bad_input_is_one_line_and_exit_2(tmp_path, args, content):
    if content is not None:
        (tmp_path / args[0]).write_bytes(content)
    result = specreview("check", *args, cwd=tmp_path)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert args[0] in result.stderr


def test_unreachable_url_is_exit_2():
    from uvicorn_server import free_port

    result = specreview("check", f"http://127.0.0.1:{free_port()}/openapi.json")
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1


def test_live_service_is_reviewed_over_http():
    with serve(SAMPLES, "userauth_app:app") as base:
        result = specreview(
            "check", f"{base}/openapi.json", "--format", "json", "-H", "Authorization: Bearer t0ps3cret"
        )
    assert result.returncode == 1, result.stderr
    assert ("sensitive-field", "/components/schemas/UserInDB/properties/hashed_password") in findings_of(result)
    assert "t0ps3cret" not in result.stdout + result.stderr


@pytest.mark.parametrize("name", SAMPLE_DOCS)
def test_redacted_samples_are_valid_and_consistent(tmp_path, name):
    source = SAMPLES / name
    before = source.read_bytes()
    out = tmp_path / ("out" + source.suffix)
    changes = tmp_path / "changes.json"
    result = specreview("redact", str(source), "-o", str(out), "--changes", str(changes), "--validate")
    assert result.returncode == 0, result.stderr
    assert source.read_bytes() == before
    redacted = yaml.safe_load(out.read_text()) if source.suffix == ".yaml" else json.loads(out.read_text())
    validate(redacted)
    assert dangling_refs(redacted) == []
    assert redaction_mismatches(EXPECTATIONS[name], redacted) == []
    log = json.loads(changes.read_text())["changes"]
    assert log and all(set(c) == {"pointer", "action", "rule"} for c in log)
    # Redacting the output again finds nothing left to redact.
    again = specreview("check", str(out), "--format", "json", "--fail-on", "never")
    assert {c for c, _ in findings_of(again)} <= {"weak-input"}


def test_redact_writes_neither_file_when_one_of_them_is_refused(tmp_path):
    out, changes = tmp_path / "out.json", tmp_path / "changes.json"
    changes.write_text("kept")
    result = specreview("redact", str(SAMPLES / "billing.openapi.json"), "-o", str(out), "--changes", str(changes))
    assert result.returncode == 2 and "exists; use --force" in result.stderr
    assert not out.exists() and changes.read_text() == "kept"


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs /proc, where no one can create a file")
def test_redact_writes_neither_file_when_one_of_them_cannot_be_written(tmp_path):
    # /proc refuses new files even to root, and only when the file is created: the checks beforehand pass.
    out, changes = tmp_path / "out.json", "/proc/specreview-changes.json"
    result = specreview("redact", str(SAMPLES / "billing.openapi.json"), "-o", str(out), "--changes", changes)
    assert result.returncode == 2 and "cannot write" in result.stderr
    assert list(tmp_path.iterdir()) == []  # no output, and no temporary file left behind


def test_redact_and_report_outputs_create_their_directories(tmp_path):
    # The README's `redact openapi.json -o public/openapi.json --changes redaction.json`, in a fresh checkout.
    out, changes = tmp_path / "public" / "openapi.json", tmp_path / "logs" / "redaction.json"
    result = specreview("redact", str(USERAUTH), "-o", str(out), "--changes", str(changes))
    assert result.returncode == 0, result.stderr
    assert json.loads(out.read_text())["openapi"] and json.loads(changes.read_text())["changes"]
    report = tmp_path / "reports" / "specreview.sarif"
    checked = specreview("check", str(USERAUTH), "-o", f"sarif:{report}")
    assert checked.returncode == 1 and json.loads(report.read_text())["version"] == "2.1.0"


def test_redact_keeps_format_and_key_order(tmp_path):
    out = tmp_path / "out.yaml"
    assert specreview("redact", str(SAMPLES / "userauth.openapi.yaml"), "-o", str(out)).returncode == 0
    text = out.read_text()
    assert not text.lstrip().startswith("{")
    original = yaml.safe_load((SAMPLES / "userauth.openapi.yaml").read_text())
    assert list(yaml.safe_load(text)) == list(original)


def test_redact_refuses_to_overwrite(tmp_path):
    out = tmp_path / "out.json"
    out.write_text("keep me")
    result = specreview("redact", str(USERAUTH), "-o", str(out))
    assert result.returncode == 2
    assert out.read_text() == "keep me"
    assert specreview("redact", str(USERAUTH), "-o", str(out), "--force").returncode == 0
    assert specreview("redact", str(USERAUTH), "-o", str(USERAUTH), "--force").returncode == 2


def test_rules_list_and_show():
    listing = specreview("rules")
    assert listing.returncode == 0
    assert "secret-in-response" in listing.stdout
    shown = specreview("rules", "show", "password-in-response")
    assert shown.returncode == 0
    for heading in ("What it finds", "Why it matters", "How to fix it", "CWE-"):
        assert heading in shown.stdout
    assert specreview("rules", "show", "no-such-rule").returncode == 2


def test_python_dash_m_works():
    result = subprocess.run([sys.executable, "-m", "specreview", "--version"], capture_output=True, text=True)
    assert result.returncode == 0
    assert result.stdout.startswith("specreview ")


@pytest.mark.parametrize("force", [False, True])
def test_redact_refuses_one_file_for_both_the_output_and_the_change_log(tmp_path, force):
    same = tmp_path / "out.json"
    for changes in (str(same), str(tmp_path / "." / "out.json")):
        args = ["redact", str(SAMPLES / "billing.openapi.json"), "-o", str(same), "--changes", changes]
        result = specreview(*args, *(["--force"] if force else []))
        assert result.returncode == 2 and "give the change log its own file" in result.stderr
        assert not same.exists()


def test_redact_refuses_standard_output_for_both(tmp_path):
    result = specreview("redact", str(SAMPLES / "billing.openapi.json"), "-o", "-", "--changes", "-")
    assert result.returncode == 2 and result.stdout == ""


def test_redact_writes_the_format_its_output_is_named_for(tmp_path):
    # `redact openapi.yaml -o public.json` wrote YAML into a .json file
    out = tmp_path / "public.json"
    result = specreview("redact", str(SAMPLES / "userauth.openapi.yaml"), "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert json.loads(out.read_text())["openapi"] == "3.1.0"
    back = tmp_path / "public.yaml"
    assert specreview("redact", str(out), "-o", str(back)).returncode == 0
    assert yaml.safe_load(back.read_text()) == json.loads(out.read_text())  # already clean: the same document


def test_a_credential_header_keeps_its_name_when_masked():
    from specreview.api import redact

    curl = 'curl -H "Api-Key: 7145c7a2e9d84b1f8a3c6e0d2b5f9a41" https://forum.acme.io/posts.json'
    doc = {"openapi": "3.1.0", "info": {"title": "t", "version": "1", "description": curl}, "paths": {}}
    out, _ = redact(doc)
    assert out["info"]["description"] == 'curl -H "Api-Key: [REDACTED]" https://forum.acme.io/posts.json'
