"""A pull-request comment: verdict first, counts by category, then the findings to act on.

weak-input findings are many and rarely urgent, so they go in a collapsed `<details>` block.
Messages are already masked; cells are escaped so a property name can't break the table or
inject HTML/Markdown into the comment. Tables are capped to stay under GitHub's comment limit.
"""

from __future__ import annotations

import re

from specreview.findings import Finding, Report, Severity
from specreview.reporters.base import (
    SEVERITY_ORDER,
    TOOL_NAME,
    WEAK_INPUT,
    RenderContext,
    category_rank,
    code_location_text,
    display_key,
    location_text,
    spec_label,
    summary_text,
)

# GitHub rejects comments over 65,536 characters; a row is a few hundred at most.
MAX_ROWS = 150
_ICON = {Severity.ERROR: ":x:", Severity.WARNING: ":warning:", Severity.INFO: ":information_source:"}
# Markdown/HTML characters that could change how a cell renders; a backslash makes each literal in GFM.
_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")


def escape_cell(text: str) -> str:
    """Plain text for a table cell: Markdown specials and `|` escaped, line breaks flattened."""
    return _SPECIAL.sub(r"\\\1", " ".join(text.split()))


def code_cell(text: str) -> str:
    """Text as inline code in a table cell: a fence longer than any backtick run, `|` escaped (GFM)."""
    text = " ".join(text.split())
    if not text:
        return ""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or longest else ""
    return f"{fence}{pad}{text.replace('|', chr(92) + '|')}{pad}{fence}"


def _findings_table(findings: list[Finding]) -> list[str]:
    lines = ["| severity | rule | pointer | location | message |", "|---|---|---|---|---|"]
    for finding in findings[:MAX_ROWS]:
        where = code_cell(location_text(finding))
        code = code_location_text(finding)
        if code:
            where = f"{where}<br>code: {code_cell(code)}" if where else f"code: {code_cell(code)}"
        cells = (
            f"{_ICON[finding.severity]} {finding.severity.value}",
            code_cell(finding.rule),
            code_cell(finding.pointer or "/"),
            where,
            escape_cell(finding.message),
        )
        lines.append("| " + " | ".join(cells) + " |")
    if len(findings) > MAX_ROWS:
        lines += ["", f"_…and {len(findings) - MAX_ROWS} more; run `{TOOL_NAME} check` locally for the full list._"]
    return lines


def _category_table(findings: list[Finding]) -> list[str]:
    counts: dict[str, dict[Severity, int]] = {}
    for finding in findings:
        row = counts.setdefault(finding.category, dict.fromkeys(SEVERITY_ORDER, 0))
        row[finding.severity] += 1
    header = "| category | " + " | ".join(s.value for s in SEVERITY_ORDER) + " |"
    lines = [header, "|---|" + "---:|" * len(SEVERITY_ORDER)]
    for category in sorted(counts, key=lambda c: (category_rank(c), c)):
        cells = [escape_cell(category), *(str(counts[category][s]) for s in SEVERITY_ORDER)]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def render_markdown(report: Report, ctx: RenderContext) -> str:
    """Render `--format markdown` for a pull-request comment."""
    worst = report.worst()
    icon = _ICON[worst] if worst is not None else ":white_check_mark:"
    lines = [f"### {icon} {TOOL_NAME}: {summary_text(report)}", ""]
    for doc in report.documents:
        details = ", ".join(d for d in (spec_label(doc.openapi) if doc.openapi else "", doc.title) if d)
        lines.append(f"- {code_cell(doc.source)}" + (f" ({escape_cell(details)})" if details else ""))
    if report.documents:
        lines.append("")
    if report.findings:
        ordered = sorted(report.findings, key=display_key)
        main = [f for f in ordered if f.category != WEAK_INPUT]
        weak = [f for f in ordered if f.category == WEAK_INPUT]
        lines += [*_category_table(ordered), ""]
        if main:
            lines += [*_findings_table(main), ""]
        if weak:
            summary = f"{WEAK_INPUT}: {len(weak)} input{'s' if len(weak) != 1 else ''} without bounds"
            lines += ["<details>", f"<summary>{summary}</summary>", "", *_findings_table(weak), "", "</details>", ""]
    lines.append(f"<sub>{TOOL_NAME} {escape_cell(ctx.tool_version)}</sub>")
    return "\n".join(lines) + "\n"
