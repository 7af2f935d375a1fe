"""The default terminal report (rich): grouped, worst first, readable both in a terminal and a CI log.

Info findings (weak-input by default) can number in the hundreds on a real service, which would bury
the leaks, so unless `show_info` is set they are folded into one line per rule.
"""

from __future__ import annotations

from collections import Counter
from io import StringIO

from rich.console import Console
from rich.markup import escape
from rich.text import Text

from specreview.findings import DocumentInfo, Finding, Report, Severity
from specreview.reporters.base import (
    SEVERITY_ORDER,
    WEAK_INPUT,
    RenderContext,
    category_rank,
    code_location_text,
    group_by_document,
    location_text,
    plural,
    summary_text,
)

_BADGE_STYLE = {
    Severity.ERROR: "bold white on red",
    Severity.WARNING: "bold black on yellow",
    Severity.INFO: "bold white on blue",
}
_HEADING = {Severity.ERROR: "Errors", Severity.WARNING: "Warnings", Severity.INFO: "Info"}
_HEADING_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "bold yellow", Severity.INFO: "bold blue"}
# Badges share one width so rule ids line up in a plain CI log.
_BADGE_WIDTH = max(len(s.value) for s in Severity)
_INDENT = 2


def _markup(text: str) -> Text:
    """Parse markup we wrote ourselves; every user-derived piece must already be `escape`d."""
    return Text.from_markup(text, emoji=False)


def _print_indented(console: Console, line: str) -> None:
    """Print markup indented, wrapping long lines under the indent (pointers are folded, not cut)."""
    for part in _markup(line).wrap(console, max(console.width - _INDENT, 20), overflow="fold"):
        part.rstrip()
        console.print(Text(" " * _INDENT) + part, soft_wrap=True)


def _badge(severity: Severity) -> str:
    label = escape(f" {severity.value.upper():<{_BADGE_WIDTH}} ")
    return f"[{_BADGE_STYLE[severity]}]{label}[/]"


def _print_finding(console: Console, finding: Finding) -> None:
    """Badge, rule id and category, then the place, the message and the code location, indented."""
    console.print(
        _markup(
            f"{_badge(finding.severity)} [bold]{escape(finding.rule)}[/bold] [dim]({escape(finding.category)})[/dim]"
        )
    )
    where = location_text(finding)
    place = f"[cyan]{escape(where)}[/cyan]  " if where else ""
    lines = [place + escape(finding.pointer or "/"), escape(finding.message)]
    code = code_location_text(finding)
    if code:
        lines.append(f"[dim]code:[/dim] [cyan]{escape(code)}[/cyan]")
    for line in lines:
        _print_indented(console, line)


def _print_info_summary(console: Console, findings: list[Finding]) -> None:
    """One line per rule instead of every info finding."""
    per_rule = Counter((f.category, f.rule) for f in findings)
    for (category, rule), count in sorted(per_rule.items(), key=lambda item: (category_rank(item[0][0]), item[0])):
        what = plural(count, "input without bounds", "inputs without bounds") if category == WEAK_INPUT else None
        what = what or plural(count, "finding")
        line = f"{escape(category)}: {what} (rule {escape(rule)}); use --show-info to list them"
        _print_indented(console, line)


def _print_document(console: Console, doc: DocumentInfo, findings: list[Finding], show_info: bool) -> None:
    header = f"[bold]{escape(doc.source or '(no source)')}[/bold]"
    details = [d for d in (f"OpenAPI {doc.openapi}" if doc.openapi else "", doc.title) if d]
    if details:
        header += " [dim]" + escape("(" + ", ".join(details) + ")") + "[/dim]"
    console.print(_markup(header))
    if not findings:
        _print_indented(console, "[green]No findings.[/green]")
    for severity in SEVERITY_ORDER:
        group = [f for f in findings if f.severity is severity]
        if not group:
            continue
        console.print()
        console.print(_markup(f"[{_HEADING_STYLE[severity]}]{_HEADING[severity]} ({len(group)})[/]"))
        if severity is Severity.INFO and not show_info:
            _print_info_summary(console, group)
            continue
        for index, finding in enumerate(group):
            if index:
                console.print()
            _print_finding(console, finding)


def render_text(report: Report, ctx: RenderContext) -> str:
    """Render `--format text`. No escape codes at all unless `ctx.color`."""
    out = StringIO()
    console = Console(
        file=out,
        force_terminal=ctx.color,
        color_system="standard" if ctx.color else None,
        no_color=not ctx.color,
        width=ctx.width,
        highlight=False,
        emoji=False,
        markup=False,
        legacy_windows=False,
    )
    for index, (doc, findings) in enumerate(group_by_document(report)):
        if index:
            console.print()
        _print_document(console, doc, findings, ctx.show_info)
    if report.documents or report.findings:
        console.print()
    style = "bold red" if report.worst() is Severity.ERROR else "bold"
    console.print(_markup(f"[{style}]{escape(summary_text(report))}[/]"))
    return out.getvalue()
