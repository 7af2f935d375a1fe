"""SARIF 2.1.0: valid against the official schema, rules from docs, fingerprints, regions, levels."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from specreview.findings import Finding, Report, Severity, SourceLocation
from specreview.reporters import RenderContext
from specreview.reporters.sarif import artifact_uri, camel_case, render_sarif, sarif_level

# The official OASIS schema (oasis-tcs/sarif-spec, sarif-2.1/schema/sarif-schema-2.1.0.json), kept in tests/data
# so the check runs on every checkout.
SCHEMA_PATH = Path(__file__).resolve().parents[1] / "data" / "sarif-schema-2.1.0.json"


@pytest.fixture(scope="module")
def sarif_schema() -> dict[str, Any]:
    if not SCHEMA_PATH.is_file():
        pytest.skip(f"SARIF schema not found at {SCHEMA_PATH} (only present in the shared workspace)")
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def _validators(schema: dict[str, Any]) -> list[type]:
    # The official schema declares draft-04; Draft 7 is checked too, as both are in use by consumers.
    return [jsonschema.validators.validator_for(schema), jsonschema.Draft7Validator]


def _validate(schema: dict[str, Any], log: dict[str, Any]) -> None:
    for validator in _validators(schema):
        validator.check_schema(schema)
        errors = sorted(validator(schema).iter_errors(log), key=lambda e: list(e.path))
        assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors)


def test_validates_against_the_official_schema(
    sarif_schema: dict[str, Any], report: Report, clean_report: Report, ctx: RenderContext, finding_factory
) -> None:
    odd = finding_factory(
        rule="openapi-invalid",
        category="validation",
        source="",
        line=None,
        column=None,
        code_location=SourceLocation("C:\\src\\app.py", 0, ""),
    )
    for subject in (report, clean_report, Report(findings=[odd])):
        _validate(sarif_schema, json.loads(render_sarif(subject, ctx)))


def test_results(report: Report, ctx: RenderContext) -> None:
    log = json.loads(render_sarif(report, ctx))
    assert log["version"] == "2.1.0"
    run = log["runs"][0]
    results = run["results"]
    assert len(results) == len(report.findings)
    rules = run["tool"]["driver"]["rules"]
    for result, finding in zip(results, report.sorted_findings(), strict=True):
        assert result["ruleId"] == finding.rule
        assert rules[result["ruleIndex"]]["id"] == finding.rule
        assert result["level"] == sarif_level(finding.severity)
        assert result["message"]["text"] == finding.message
        assert result["partialFingerprints"] == {"specreview/v1": finding.fingerprint}
        location = result["locations"][0]
        assert location["physicalLocation"]["artifactLocation"]["uri"] == "openapi.json"
        assert location["physicalLocation"]["region"] == {"startLine": finding.line, "startColumn": finding.column}
        assert location["logicalLocations"] == [{"fullyQualifiedName": finding.pointer, "kind": "member"}]


def test_code_location_is_an_extra_location(report: Report, ctx: RenderContext) -> None:
    results = json.loads(render_sarif(report, ctx))["runs"][0]["results"]
    with_code = [r for r in results if len(r["locations"]) == 2]
    assert len(with_code) == 1
    extra = with_code[0]["locations"][1]["physicalLocation"]
    assert extra == {"artifactLocation": {"uri": "app/models.py"}, "region": {"startLine": 14}}


def test_levels() -> None:
    assert [sarif_level(s) for s in Severity] == ["error", "warning", "note"]


def test_driver_and_rule_descriptors(report: Report, ctx: RenderContext) -> None:
    driver = json.loads(render_sarif(report, ctx))["runs"][0]["tool"]["driver"]
    assert driver["name"] == "specreview"
    assert driver["version"] == "9.8.7"
    assert driver["informationUri"].startswith("https://")
    by_id = {r["id"]: r for r in driver["rules"]}
    assert set(ctx.rules) <= set(by_id)
    rule = by_id["hashed-password-in-response"]
    assert rule["name"] == "HashedPasswordInResponse"
    assert rule["shortDescription"]["text"] == "Summary of hashed-password-in-response"
    assert rule["fullDescription"]["text"] == "Flags hashed-password-in-response."
    assert "It leaks data" in rule["help"]["text"] and "Remove the field" in rule["help"]["text"]
    assert "## Why is this bad?" in rule["help"]["markdown"]
    assert rule["defaultConfiguration"] == {"level": "error"}
    tags = rule["properties"]["tags"]
    assert "sensitive-field" in tags and "security" in tags
    assert "external/cwe/cwe-200" in tags
    assert "external/owasp/api3:2023" in tags
    assert rule["properties"]["security-severity"] == "7.5"
    assert by_id["internal-server-url"]["properties"]["tags"][-1] == "external/cwe/cwe-668"
    weak = by_id["unbounded-string-input"]
    assert weak["defaultConfiguration"] == {"level": "note"}
    assert "security-severity" not in weak["properties"]


def test_rule_missing_from_context_still_gets_a_descriptor(
    finding_factory: Callable[..., Finding], context_factory: Callable[..., RenderContext]
) -> None:
    report = Report(findings=[finding_factory(rule="openapi-invalid", category="validation")])
    run = json.loads(render_sarif(report, context_factory(rules={})))["runs"][0]
    assert [r["id"] for r in run["tool"]["driver"]["rules"]] == ["openapi-invalid"]
    assert run["results"][0]["ruleIndex"] == 0


def test_region_left_out_when_line_unknown(finding_factory: Callable[..., Finding], ctx: RenderContext) -> None:
    report = Report(findings=[finding_factory(line=None, column=None)])
    location = json.loads(render_sarif(report, ctx))["runs"][0]["results"][0]["locations"][0]
    assert "region" not in location["physicalLocation"]


@pytest.mark.parametrize(
    ("source", "uri"),
    [
        ("openapi.json", "openapi.json"),
        ("specs\\v1\\openapi.yaml", "specs/v1/openapi.yaml"),
        ("specs/my api.yaml", "specs/my%20api.yaml"),
        ("https://api.example.com/openapi.json", "https://api.example.com/openapi.json"),
        ("/abs/openapi.json", "file:///abs/openapi.json"),
        ("C:\\specs\\openapi.json", "file:///C:/specs/openapi.json"),
    ],
)
def test_artifact_uri(source: str, uri: str) -> None:
    assert artifact_uri(source) == uri


@pytest.mark.parametrize(
    ("rule_id", "name"), [("secret-in-example", "SecretInExample"), ("api-key-in-query", "ApiKeyInQuery"), ("x", "X")]
)
def test_camel_case(rule_id: str, name: str) -> None:
    assert camel_case(rule_id) == name
