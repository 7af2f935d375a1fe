"""What every reporter shares: the render context, the reporter type and a few pure helpers.

A reporter is a pure function `(Report, RenderContext) -> str`: it never prints and never exits,
so the CLI decides where output goes and tests can compare strings. Every reporter returns the
complete output ending in one newline, ready to be written as is.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from specreview.findings import CATEGORIES, DocumentInfo, Finding, Report, Severity
from specreview.ruleset.model import Rule

TOOL_NAME = "specreview"
# The category that is about hardening rather than leaks; reporters list it after the disclosures.
WEAK_INPUT = "weak-input"


@dataclass(frozen=True)
class RenderContext:
    """Everything a reporter may need besides the report; passed explicitly, never read from globals."""

    rules: Mapping[str, Rule]
    tool_version: str
    show_info: bool = False
    color: bool = False
    width: int = 100


Reporter = Callable[[Report, RenderContext], str]

# Severities from worst to mildest: the order reporters group by.
SEVERITY_ORDER: tuple[Severity, ...] = tuple(sorted(Severity, key=lambda s: -s.rank))


def category_rank(category: str) -> int:
    """Sort key for categories: the disclosure categories (in DESIGN order), unknown ones, then weak-input."""
    if category == WEAK_INPUT:
        return len(CATEGORIES) + 1
    if category in CATEGORIES:
        return CATEGORIES.index(category)
    return len(CATEGORIES)


def display_key(finding: Finding) -> tuple[int, int, str, str, str]:
    """Order inside a report for humans: worst first, disclosures before weak-input, then by place."""
    return (-finding.severity.rank, category_rank(finding.category), finding.source, finding.pointer, finding.rule)


def location_text(finding: Finding) -> str:
    """`source:line:col` with whatever parts are known (clickable in terminals and editors); "" if none."""
    text = finding.source
    if finding.line is not None:
        text += f":{finding.line}"
        if finding.column is not None:
            text += f":{finding.column}"
    return text


def code_location_text(finding: Finding) -> str:
    """`path:line (symbol)` of the code a finding comes from, or "" when unknown."""
    loc = finding.code_location
    if loc is None:
        return ""
    text = f"{loc.path}:{loc.line}"
    return f"{text} ({loc.symbol})" if loc.symbol else text


def spec_label(version: str) -> str:
    """`OpenAPI 3.1.0`, or `Swagger 2.0`: what the document calls its own version."""
    return f"Swagger {version}" if version.startswith("2") else f"OpenAPI {version}"


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """`1 error`, `2 errors`."""
    return f"{count} {singular if count == 1 else (plural_form or singular + 's')}"


def summary_text(report: Report) -> str:
    """The one-line verdict shared by the human formats: `3 errors, 5 warnings, 143 info in 1 document`."""
    docs = plural(len(report.documents), "document")
    if not report.findings:
        return f"No findings in {docs}"
    counts = report.summary()
    parts = (
        plural(counts[Severity.ERROR.value], "error"),
        plural(counts[Severity.WARNING.value], "warning"),
        f"{counts[Severity.INFO.value]} info",
    )
    return f"{', '.join(parts)} in {docs}"


def group_by_document(report: Report) -> list[tuple[DocumentInfo, list[Finding]]]:
    """Findings per reviewed document, in report order; findings of an unlisted source get a bare entry.

    A probe finding (or a finding with no source) still has to show up somewhere, so it is never dropped.
    """
    groups: dict[str, tuple[DocumentInfo, list[Finding]]] = {}
    for doc in report.documents:
        groups.setdefault(doc.source, (doc, []))
    for finding in sorted(report.findings, key=display_key):
        if finding.source not in groups:
            groups[finding.source] = (DocumentInfo(source=finding.source, openapi="", title=""), [])
        groups[finding.source][1].append(finding)
    return list(groups.values())
