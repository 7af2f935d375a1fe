"""The default terminal report: grouped, worst first, readable both in a terminal and a CI log.

Info findings (weak-input by default) can number in the hundreds on a real service, which would bury
the leaks, so unless `show_info` is set they are folded into one line per rule.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

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
    spec_label,
    summary_text,
)

# A piece of a line and its style: words from `_SGR`, as in rich's style strings ("bold white on red"), or "".
Segment = tuple[str, str]

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

# The report styles itself with the standard ANSI codes rather than rich: a few bold, dim and coloured spans
# need no library, and rich's console was a fifth of a small document's whole check (issue 5's start-up).
_COLOURS = ("black", "red", "green", "yellow", "blue", "magenta", "cyan", "white")
_SGR = {"bold": "1", "dim": "2", **{name: str(30 + i) for i, name in enumerate(_COLOURS)}}
_WORD = re.compile(r"\S+")


def _sgr(style: str) -> str:
    """The escape sequence that starts `style`: `bold white on red` is ESC[1;37;41m."""
    codes: list[str] = []
    words = style.split()
    for i, word in enumerate(words):
        if word == "on":
            continue
        background = i > 0 and words[i - 1] == "on"
        codes.append(str(40 + _COLOURS.index(word)) if background else _SGR[word])
    return f"\x1b[{';'.join(codes)}m"


def _wrap(text: str, width: int) -> list[tuple[int, int]]:
    """Where `text` breaks into lines of at most `width`: (start, end) offsets, without the spaces at a break.

    A word that does not fit goes to the next line; one longer than a whole line is folded, never cut, so a
    long JSON pointer stays complete across lines."""
    lines: list[tuple[int, int]] = []
    start = end = 0  # the current line so far, up to the end of its last word
    for word in _WORD.finditer(text):
        word_start, word_end = word.span()
        if word_end - start <= width:
            end = word_end
            continue
        if end > start:
            lines.append((start, end))
        start = word_start
        while word_end - start > width:
            lines.append((start, start + width))
            start += width
        end = word_end
    lines.append((start, end))
    return lines


class _Lines:
    """The report's lines, each wrapped at the width, plain or with escape codes."""

    def __init__(self, ctx: RenderContext) -> None:
        self.color = ctx.color
        self.width = ctx.width
        self.out: list[str] = []

    def blank(self) -> None:
        self.out.append("")

    def add(self, segments: Iterable[Segment], indent: int = 0) -> None:
        """One logical line, wrapped under its indent."""
        pieces = list(segments)
        text = "".join(piece for piece, _ in pieces)
        for start, end in _wrap(text, max(self.width - indent, 20)):
            self.out.append(" " * indent + self._styled(pieces, start, end))

    def _styled(self, pieces: list[Segment], start: int, end: int) -> str:
        """The part [start, end) of the line made of `pieces`, each styled span closed where it ends."""
        parts: list[str] = []
        offset = 0
        for piece, style in pieces:
            lo, hi = max(start, offset), min(end, offset + len(piece))
            offset += len(piece)
            if lo >= hi:
                continue
            part = piece[lo - (offset - len(piece)) : hi - (offset - len(piece))]
            parts.append(f"{_sgr(style)}{part}\x1b[0m" if self.color and style else part)
        return "".join(parts)

    def text(self) -> str:
        return "".join(line + "\n" for line in self.out)


def _badge(severity: Severity) -> Segment:
    return (f" {severity.value.upper():<{_BADGE_WIDTH}} ", _BADGE_STYLE[severity])


def _print_finding(lines: _Lines, finding: Finding) -> None:
    """Badge, rule id and category, then the place, the message and the code location, indented."""
    lines.add(
        [_badge(finding.severity), (" ", ""), (finding.rule, "bold"), (" ", ""), (f"({finding.category})", "dim")]
    )
    where = location_text(finding)
    place: list[Segment] = [(where, "cyan"), ("  ", "")] if where else []
    lines.add([*place, (finding.pointer or "/", "")], _INDENT)
    lines.add([(finding.message, "")], _INDENT)
    code = code_location_text(finding)
    if code:
        lines.add([("code:", "dim"), (" ", ""), (code, "cyan")], _INDENT)


def _print_info_summary(lines: _Lines, findings: list[Finding]) -> None:
    """One line per rule instead of every info finding."""
    per_rule = Counter((f.category, f.rule) for f in findings)
    for (category, rule), count in sorted(per_rule.items(), key=lambda item: (category_rank(item[0][0]), item[0])):
        what = plural(count, "input without bounds", "inputs without bounds") if category == WEAK_INPUT else None
        what = what or plural(count, "finding")
        lines.add([(f"{category}: {what} (rule {rule}); use --show-info to list them", "")], _INDENT)


def _print_document(lines: _Lines, doc: DocumentInfo, findings: list[Finding], show_info: bool) -> None:
    header: list[Segment] = [(doc.source or "(no source)", "bold")]
    details = [d for d in (spec_label(doc.openapi) if doc.openapi else "", doc.title) if d]
    if details:
        header += [(" ", ""), ("(" + ", ".join(details) + ")", "dim")]
    lines.add(header)
    if not findings:
        lines.add([("No findings.", "green")], _INDENT)
    for severity in SEVERITY_ORDER:
        group = [f for f in findings if f.severity is severity]
        if not group:
            continue
        lines.blank()
        lines.add([(f"{_HEADING[severity]} ({len(group)})", _HEADING_STYLE[severity])])
        if severity is Severity.INFO and not show_info:
            _print_info_summary(lines, group)
            continue
        for index, finding in enumerate(group):
            if index:
                lines.blank()
            _print_finding(lines, finding)


def render_text(report: Report, ctx: RenderContext) -> str:
    """Render `--format text`. No escape codes at all unless `ctx.color`."""
    lines = _Lines(ctx)
    for index, (doc, findings) in enumerate(group_by_document(report)):
        if index:
            lines.blank()
        _print_document(lines, doc, findings, ctx.show_info)
    if report.documents or report.findings:
        lines.blank()
    lines.add([(summary_text(report), "bold red" if report.worst() is Severity.ERROR else "bold")])
    return lines.text()
