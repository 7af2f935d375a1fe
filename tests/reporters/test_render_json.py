"""The JSON report is a contract (DESIGN.md): exact keys, sorted findings, summary counts."""

from __future__ import annotations

import json
from collections.abc import Callable

from specreview.findings import DocumentInfo, Finding, Report, Severity
from specreview.reporters import RenderContext
from specreview.reporters.json import render_json

FINDING_KEYS = ["rule", "category", "severity", "pointer", "message", "source", "line", "column", "fingerprint"]


def test_top_level_shape(report: Report, ctx: RenderContext) -> None:
    data = json.loads(render_json(report, ctx))
    assert list(data) == ["tool", "documents", "findings", "summary"]
    assert data["tool"] == {"name": "specreview", "version": "9.8.7"}
    assert data["documents"] == [{"source": "openapi.json", "openapi": "3.1.0", "title": "Petstore"}]
    assert data["summary"] == {"error": 2, "warning": 1, "info": 4}


def test_finding_keys_are_exact(report: Report, ctx: RenderContext) -> None:
    findings = json.loads(render_json(report, ctx))["findings"]
    with_code = [f for f in findings if "code_location" in f]
    assert len(with_code) == 1
    assert with_code[0]["code_location"] == {"path": "app/models.py", "line": 14, "symbol": "UserInDB.hashed_password"}
    for finding in findings:
        assert [k for k in finding if k != "code_location"] == FINDING_KEYS
        assert finding["severity"] in {"error", "warning", "info"}


def test_finding_values(report: Report, ctx: RenderContext) -> None:
    findings = json.loads(render_json(report, ctx))["findings"]
    first = next(f for f in findings if f["rule"] == "hashed-password-in-response")
    source = next(f for f in report.findings if f.rule == "hashed-password-in-response")
    assert first == {
        "rule": "hashed-password-in-response",
        "category": "sensitive-field",
        "severity": "error",
        "pointer": "/components/schemas/UserInDB/properties/hashed_password",
        "message": source.message,
        "source": "openapi.json",
        "line": 120,
        "column": 9,
        "fingerprint": source.fingerprint,
        "code_location": {"path": "app/models.py", "line": 14, "symbol": "UserInDB.hashed_password"},
    }


def test_findings_follow_report_order(report: Report, ctx: RenderContext) -> None:
    findings = json.loads(render_json(report, ctx))["findings"]
    assert [(f["rule"], f["pointer"]) for f in findings] == [(f.rule, f.pointer) for f in report.sorted_findings()]
    ranks = [Severity(f["severity"]).rank for f in findings]
    assert ranks == sorted(ranks, reverse=True)


def test_unknown_line_is_null(finding_factory: Callable[..., Finding], ctx: RenderContext) -> None:
    report = Report(findings=[finding_factory(line=None, column=None, source="")])
    finding = json.loads(render_json(report, ctx))["findings"][0]
    assert finding["line"] is None and finding["column"] is None and finding["source"] == ""


def test_empty_report(ctx: RenderContext) -> None:
    report = Report(documents=[DocumentInfo("a.yaml", "3.0.3", "A"), DocumentInfo("b.json", "2.0", "")])
    text = render_json(report, ctx)
    data = json.loads(text)
    assert data["findings"] == []
    assert data["summary"] == {"error": 0, "warning": 0, "info": 0}
    assert len(data["documents"]) == 2
    assert text.startswith('{\n  "tool": {\n    "name"')  # indent=2
