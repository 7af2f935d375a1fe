"""The JSON report: the stable, documented shape from DESIGN.md that scripts and baselines rely on.

Keys and nesting are a contract; add a key only with a DESIGN.md change. Findings carry their
fingerprint (hash of rule, pointer and value hash) so a consumer can match them across runs.
"""

from __future__ import annotations

from typing import Any

from specreview.document.emit import ascii_json
from specreview.findings import Finding, Report
from specreview.reporters.base import TOOL_NAME, RenderContext


def finding_to_dict(finding: Finding) -> dict[str, Any]:
    """One finding in report form; `code_location` only when the finding has one."""
    data: dict[str, Any] = {
        "rule": finding.rule,
        "category": finding.category,
        "severity": finding.severity.value,
        "pointer": finding.pointer,
        "message": finding.message,
        "source": finding.source,
        "line": finding.line,
        "column": finding.column,
        "fingerprint": finding.fingerprint,
    }
    loc = finding.code_location
    if loc is not None:
        data["code_location"] = {"path": loc.path, "line": loc.line, "symbol": loc.symbol}
    return data


def report_to_dict(report: Report, ctx: RenderContext) -> dict[str, Any]:
    """The whole report as plain data, findings in `Report.sorted_findings()` order."""
    return {
        "tool": {"name": TOOL_NAME, "version": ctx.tool_version},
        "documents": [{"source": d.source, "openapi": d.openapi, "title": d.title} for d in report.documents],
        "findings": [finding_to_dict(f) for f in report.sorted_findings()],
        "summary": report.summary(),
    }


def render_json(report: Report, ctx: RenderContext) -> str:
    """Render `--format json`. ASCII-only output, so any terminal or CI log can carry it."""
    return ascii_json(report_to_dict(report, ctx))
