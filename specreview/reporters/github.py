"""GitHub Actions workflow commands: each finding becomes an annotation on the spec file in the PR.

Escaping follows actions/toolkit (`command.ts`): data escapes `%`, CR and LF; property values also
escape `:` and `,`. Without it, a newline in a message would end the command and let the rest of the
line be read as a new command.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from specreview.findings import Finding, Report, Severity
from specreview.reporters.base import RenderContext, display_key

# Annotation level per severity: the only place this mapping lives.
_COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    """Escape a command's message (after `::`)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a property value (`file=`, `title=` …)."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _is_file(source: str) -> bool:
    """Only a path in the checkout can carry an annotation; URLs and stdin cannot."""
    return bool(source) and source != "-" and urlsplit(source).scheme.lower() not in {"http", "https"}


def annotation(finding: Finding) -> str:
    """One `::error file=…,line=…,col=…,title=…::message (pointer)` line."""
    props: list[tuple[str, str]] = []
    message = f"{finding.message} ({finding.pointer or '/'})"
    if _is_file(finding.source):
        props.append(("file", finding.source.replace("\\", "/")))
        if finding.line is not None:
            props.append(("line", str(finding.line)))
            if finding.column is not None:
                props.append(("col", str(finding.column)))
    elif finding.source:
        message += f" in {finding.source}"
    props.append(("title", finding.rule))
    rendered = ",".join(f"{key}={escape_property(value)}" for key, value in props)
    return f"::{_COMMAND[finding.severity]} {rendered}::{escape_data(message)}"


def render_github(report: Report, ctx: RenderContext) -> str:
    """Render `--format github`: one workflow command per finding, worst first."""
    return "".join(annotation(f) + "\n" for f in sorted(report.findings, key=display_key))
