"""`specreview probe BASE_URL` against FastAPI apps under uvicorn, run as the installed command."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from live_support import DOCS_PASSWORD, Run, assert_one_line_error, free_port, specreview

FASTAPI_DOCS = {"/docs": "Swagger UI", "/redoc": "ReDoc", "/openapi.json": "OpenAPI description"}
SARIF_SCHEMA = Path(__file__).resolve().parents[1] / "data" / "sarif-schema-2.1.0.json"


def probe_json(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> tuple[Run, dict[str, Any]]:
    run = specreview(["probe", *args, "-f", "json"], env=env, cwd=cwd)
    assert run.code in (0, 1), run.output
    return run, json.loads(run.stdout)


def exposures(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """docs-exposure findings by the path their message names."""
    out = {}
    for finding in report["findings"]:
        if finding["category"] == "docs-exposure":
            path = finding["message"].split(" at ")[-1].split(" ")[0]
            out[path] = finding
    return out


def test_default_fastapi_docs_are_all_reported(docs_on: str) -> None:
    run, report = probe_json(docs_on)
    assert run.code == 1
    found = exposures(report)
    assert set(found) == {*FASTAPI_DOCS, "/docs/oauth2-redirect"}
    for path, kind in FASTAPI_DOCS.items():
        assert found[path]["message"].startswith(kind + " is reachable without credentials")
        assert found[path]["severity"] == "error"
        assert found[path]["rule"] == "docs-exposure" and found[path]["source"] == docs_on
    assert len({f["fingerprint"] for f in found.values()}) == len(found)  # one identity per path
    # ... and the description it found is reviewed like any document.
    assert report["documents"] == [{"source": docs_on + "/openapi.json", "openapi": "3.1.0", "title": "Accounts"}]
    reviewed = {(f["rule"], f["pointer"]) for f in report["findings"] if f["category"] != "docs-exposure"}
    assert ("password-in-response", "/components/schemas/Account/properties/hashed_password") in reviewed
    assert ("internal-path", "/paths/~1internal~1debug~1config") in reviewed


@pytest.mark.parametrize(("env", "severity", "code"), [("staging", "warning", 1), ("dev", "info", 1)])
def test_environment_sets_the_severity(docs_on: str, env: str, severity: str, code: int) -> None:
    run, report = probe_json(docs_on, "--env", env)
    assert {f["severity"] for f in exposures(report).values()} == {severity}
    assert run.code == code  # the reviewed description still has errors


def test_expect_public_accepts_the_docs_but_still_reviews_them(docs_on: str) -> None:
    run, report = probe_json(docs_on, "--expect", "public")
    assert exposures(report) == {}
    assert any(f["rule"] == "password-in-response" for f in report["findings"])
    assert run.code == 1


def test_docs_off_behind_a_catch_all_page_is_clean(docs_off: str) -> None:
    # Every path answers 200 with the single-page app's HTML: that is not documentation.
    run, report = probe_json(docs_off)
    assert run.code == 0
    assert report["findings"] == [] and report["documents"] == []
    assert "no OpenAPI description reachable" in run.stderr


def test_expect_public_with_no_docs_is_an_error(docs_off: str) -> None:
    assert_one_line_error(specreview(["probe", docs_off, "--expect", "public"]), "no OpenAPI description answered")


def test_docs_behind_basic_auth_are_not_exposed(docs_auth: str) -> None:
    run, report = probe_json(docs_auth)
    assert run.code == 0 and report["findings"] == []
    # ...and the probe says why it reviewed nothing, and how it could.
    assert "(HTTP 401: give credentials with --header or --header-env to review it)" in run.stderr


def test_credentials_only_fetch_the_description_for_review(docs_auth: str) -> None:
    basic = "Basic " + base64.b64encode(f"docs:{DOCS_PASSWORD}".encode()).decode()
    run, report = probe_json(docs_auth, "--header-env", "Authorization:DOCS_AUTH", env={"DOCS_AUTH": basic})
    assert exposures(report) == {}  # the exposure check never sends them
    assert any(f["rule"] == "password-in-response" for f in report["findings"])
    assert "reviewed " + docs_auth + "/openapi.json with the given headers" in run.stderr
    assert basic not in run.output and DOCS_PASSWORD not in run.output


def test_description_at_a_custom_url_is_found_through_the_docs_page(custom_docs: str) -> None:
    _, report = probe_json(custom_docs, "--path", "/api/docs")
    found = exposures(report)
    assert found["/api/docs"]["message"].startswith("Swagger UI")
    assert found["/api/v1/spec.json"]["message"].startswith("OpenAPI description")
    assert "/openapi.json" not in found and "/docs" not in found
    assert report["documents"][0]["source"] == custom_docs + "/api/v1/spec.json"


def test_paths_from_the_config_file(custom_docs: str, tmp_path: Path) -> None:
    (tmp_path / "specreview.yaml").write_text("probe:\n  paths: [/internal/apidocs]\n  env: staging\n")
    _, report = probe_json(custom_docs, cwd=tmp_path)
    found = exposures(report)
    assert found["/internal/apidocs"]["message"].startswith("ReDoc")
    assert found["/internal/apidocs"]["severity"] == "warning"


def test_bad_probe_config_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "specreview.yaml").write_text("probe:\n  paths: [no-slash]\n")
    run = specreview(["probe", "http://127.0.0.1:9"], cwd=tmp_path)
    assert_one_line_error(run, "probe.paths must be a list of paths starting with '/'")


def test_sarif_report_is_valid(docs_on: str) -> None:
    run = specreview(["probe", docs_on, "-f", "sarif"])
    log = json.loads(run.stdout)
    jsonschema.validate(log, json.loads(SARIF_SCHEMA.read_text()))
    rules = {r["id"]: r for r in log["runs"][0]["tool"]["driver"]["rules"]}
    assert "conditional-openapi" in rules["docs-exposure"]["help"]["text"]
    assert "docs-exposure" in {r["ruleId"] for r in log["runs"][0]["results"]}


def test_text_report_names_each_exposed_path(docs_on: str) -> None:
    run = specreview(["probe", docs_on, "--env", "staging", "--fail-on", "never"])
    assert run.code == 0
    text = " ".join(run.stdout.split())  # the report wraps long messages
    for path in (*FASTAPI_DOCS, "/docs/oauth2-redirect"):
        assert f"reachable without credentials at {path} (HTTP 200)" in text


def test_unreachable_service_is_exit_2() -> None:
    port = free_port()
    assert_one_line_error(specreview(["probe", f"http://127.0.0.1:{port}"]), "connection refused")


@pytest.mark.parametrize("url", ["ftp://127.0.0.1", "127.0.0.1:8000", "http://127.0.0.1:9/?x=1"])
def test_base_url_must_be_http(url: str) -> None:
    assert_one_line_error(specreview(["probe", url]), "base URL")


def test_several_reports_are_written_as_check_writes_them(docs_on: str, tmp_path: Path) -> None:
    reports = tmp_path / "p"
    args = ["probe", docs_on, "-o", f"json:{reports}/probe.json", "-o", f"html:{reports}/probe.html"]
    run = specreview([*args, "-o", f"{reports}/probe.sarif"])  # a plain path: the format its extension names
    assert run.code == 1, run.output
    assert run.stdout == ""  # a plain -o PATH takes the --format report off the terminal, as in check
    assert {p.name for p in reports.iterdir()} == {"probe.json", "probe.html", "probe.sarif"}
    assert exposures(json.loads((reports / "probe.json").read_text()))
    assert (reports / "probe.html").read_text().lstrip().lower().startswith("<!doctype html")
    jsonschema.validate(json.loads((reports / "probe.sarif").read_text()), json.loads(SARIF_SCHEMA.read_text()))
