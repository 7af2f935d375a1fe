"""A report people want to open: one self-contained HTML file (inline CSS and SVG, no script, no external asset).

The page opens with the verdict and a chart of findings by category and severity, then lists findings grouped
by rule, each group headed by the rule's own documentation (what / why / fix), so the reader learns what to do
where they see the problem. `render_html_index` is the page across targets that `specreview review` writes.
Every piece of text from a document or a rule is escaped; messages are already masked, so no secret appears.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from specreview.findings import Finding, Report, Severity
from specreview.reporters.base import (
    SEVERITY_ORDER,
    TOOL_NAME,
    WEAK_INPUT,
    RenderContext,
    category_rank,
    code_location_text,
    location_text,
    plural,
    spec_label,
    summary_text,
)
from specreview.ruleset.model import Rule

# One colour per severity, used by the badges and the chart alike (GitHub Primer's danger/attention/accent).
COLORS = {Severity.ERROR: "#d1242f", Severity.WARNING: "#bf8700", Severity.INFO: "#0969da"}
# A rule with thousands of weak inputs would make the page unwieldy; the JSON report has them all.
MAX_ROWS_PER_RULE = 500
_CODE_SPAN = re.compile(r"`([^`]+)`")
_EMPHASIS = re.compile(r"(?<![\w*])\*([^*\s`][^*`]*?)\*(?![\w*])")  # *request*, not 2*3 or `a*b*`

_CSS = """
:root{--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--bg:#ffffff;--soft:#f6f8fa}
*{box-sizing:border-box}
body{margin:0;font:15px/1.5 -apple-system,"Segoe UI",Helvetica,Arial,sans-serif;color:var(--fg);background:var(--bg)}
main{max-width:1100px;margin:0 auto;padding:24px}
h1{font-size:24px;margin:0 0 4px}h2{font-size:19px;margin:32px 0 12px;border-bottom:1px solid var(--line)}
h3{font-size:16px;margin:0}
.verdict{font-size:17px;margin:0 0 16px;color:var(--muted)}
.cards{display:flex;gap:12px;flex-wrap:wrap;margin:16px 0}
.card{border:1px solid var(--line);border-radius:8px;padding:10px 16px;min-width:120px}
.card b{display:block;font-size:26px}
.badge{display:inline-block;border-radius:12px;padding:0 9px;color:#fff;font-size:12px;font-weight:600;
  text-transform:uppercase;vertical-align:middle}
.error{background:#d1242f}.warning{background:#bf8700}.info{background:#0969da}
table{border-collapse:collapse;width:100%;margin:8px 0}
th,td{border:1px solid var(--line);padding:5px 8px;text-align:left;vertical-align:top}
th{background:var(--soft)}td.n{text-align:right;font-variant-numeric:tabular-nums}
code{font:13px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:var(--soft);padding:1px 4px;
  border-radius:4px;word-break:break-all}
.rule{border:1px solid var(--line);border-radius:8px;padding:14px 16px;margin:14px 0}
.rule header{display:flex;gap:10px;align-items:center;flex-wrap:wrap}
.docs{color:var(--fg);margin:8px 0}.docs dt{font-weight:600;margin-top:6px}.docs dd{margin:0 0 0 0}
.tags{color:var(--muted);font-size:13px}
.muted{color:var(--muted)}
details>summary{cursor:pointer;margin:6px 0}
svg text{font:12px -apple-system,"Segoe UI",Helvetica,Arial,sans-serif;fill:#1f2328}
footer{margin:40px 0 0;color:var(--muted);font-size:13px}
"""


@dataclass(frozen=True)
class TargetSummary:
    """One row of the index page: a target's counts, or why it could not be reviewed, and its report files."""

    name: str
    counts: dict[str, int] = field(default_factory=dict)  # severity value -> count
    error: str | None = None
    reports: tuple[tuple[str, str], ...] = ()  # (format, relative link)
    title: str = ""
    new_only: bool = False  # counts are findings not in the baseline


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _prose(text: str) -> str:
    """Rule documentation: escaped, with `code spans` shown as code and *emphasis* as emphasis (outside code)."""
    pieces = _CODE_SPAN.split(_e(text))  # text, code, text, code...
    return "".join(
        f"<code>{piece}</code>" if i % 2 else _EMPHASIS.sub(r"<em>\1</em>", piece) for i, piece in enumerate(pieces)
    )


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9-]+", "-", text.lower()).strip("-") or "rule"


def _page(title: str, body: list[str]) -> str:
    head = (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        # Nothing on this page may load anything: a report may be opened from an artifact store or an e-mail.
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
        'img-src data:">\n'
        f"<title>{_e(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n<main>\n"
    )
    return head + "\n".join(body) + "\n</main>\n</body>\n</html>\n"


def bar_chart(rows: Sequence[tuple[str, dict[Severity, int]]], *, label_width: int = 190) -> str:
    """A horizontal stacked bar per row (one segment per severity), as inline SVG with a text fallback."""
    if not rows:
        return ""
    bar_height, gap, width = 22, 10, 860
    scale_width = width - label_width - 60
    biggest = max(sum(counts.values()) for _, counts in rows) or 1
    height = len(rows) * (bar_height + gap) + 34
    parts = [
        f'<svg role="img" aria-label="findings by category and severity" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">'
    ]
    for i, (label, counts) in enumerate(rows):
        y = i * (bar_height + gap)
        parts.append(f'<text x="{label_width - 8}" y="{y + 16}" text-anchor="end">{_e(label)}</text>')
        x = float(label_width)
        for severity in SEVERITY_ORDER:
            count = counts.get(severity, 0)
            if not count:
                continue
            w = max(2.0, scale_width * count / biggest)
            parts.append(
                f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{bar_height}" fill="{COLORS[severity]}">'
                f"<title>{_e(label)}: {count} {severity.value}</title></rect>"
            )
            x += w
        parts.append(f'<text x="{x + 6:.1f}" y="{y + 16}">{sum(counts.values())}</text>')
    legend_y = len(rows) * (bar_height + gap) + 14
    x = label_width
    for severity in SEVERITY_ORDER:
        parts.append(f'<rect x="{x}" y="{legend_y - 10}" width="12" height="12" fill="{COLORS[severity]}"/>')
        parts.append(f'<text x="{x + 17}" y="{legend_y}">{severity.value}</text>')
        x += 90
    parts.append("</svg>")
    return "".join(parts)


def _severity_cards(counts: dict[str, int]) -> str:
    cards = [
        f'<div class="card"><span class="badge {s.value}">{s.value}</span><b>{counts.get(s.value, 0)}</b></div>'
        for s in SEVERITY_ORDER
    ]
    return '<div class="cards">' + "".join(cards) + "</div>"


def _category_section(findings: Sequence[Finding]) -> list[str]:
    per_category: dict[str, Counter[Severity]] = {}
    for finding in findings:
        per_category.setdefault(finding.category, Counter())[finding.severity] += 1
    order = sorted(per_category, key=lambda c: (category_rank(c), c))
    rows = [(c, dict(per_category[c])) for c in order]
    table = ["<table><thead><tr><th>category</th>"]
    table += [f"<th>{s.value}</th>" for s in SEVERITY_ORDER]
    table.append("</tr></thead><tbody>")
    for category, counts in rows:
        cells = "".join(f'<td class="n">{counts.get(s, 0)}</td>' for s in SEVERITY_ORDER)
        table.append(f"<tr><td>{_e(category)}</td>{cells}</tr>")
    table.append("</tbody></table>")
    return ["<h2>Summary</h2>", bar_chart(rows), "".join(table)]


def _rule_docs(rule: Rule | None) -> str:
    if rule is None:
        return ""
    docs = rule.docs
    items = [("What it finds", docs.what), ("Why it matters", docs.why), ("How to fix it", docs.fix)]
    parts = ['<dl class="docs">']
    parts += [f"<dt>{title}</dt><dd>{_prose(text)}</dd>" for title, text in items if text]
    if docs.references:
        links = ", ".join(_reference(ref) for ref in docs.references)
        parts.append(f"<dt>References</dt><dd>{links}</dd>")
    parts.append("</dl>")
    tags = [*rule.cwe, *rule.owasp]
    if tags:
        parts.append(f'<p class="tags">{" · ".join(_e(t) for t in tags)}</p>')
    return "".join(parts)


def _reference(ref: str) -> str:
    if ref.startswith(("https://", "http://")):
        return f'<a href="{_e(ref)}" rel="noreferrer">{_e(ref)}</a>'
    return _e(ref)


def _findings_table(findings: Sequence[Finding]) -> str:
    rows = ["<table><thead><tr><th>location</th><th>pointer</th><th>message</th></tr></thead><tbody>"]
    for finding in findings[:MAX_ROWS_PER_RULE]:
        where = _e(location_text(finding))
        code = code_location_text(finding)
        if code:
            where += f'<br><span class="muted">code: {_e(code)}</span>'
        rows.append(f"<tr><td>{where}</td><td><code>{_e(finding.pointer or '/')}</code></td>")
        rows.append(f"<td>{_e(finding.message)}</td></tr>")
    rows.append("</tbody></table>")
    if len(findings) > MAX_ROWS_PER_RULE:
        rows.append(f'<p class="muted">…and {len(findings) - MAX_ROWS_PER_RULE} more (see the JSON report).</p>')
    return "".join(rows)


def _rule_sections(report: Report, ctx: RenderContext) -> list[str]:
    groups: dict[str, list[Finding]] = {}
    for finding in sorted(report.findings, key=lambda f: (f.source, f.pointer)):
        groups.setdefault(finding.rule, []).append(finding)

    def order(rule_id: str) -> tuple[int, int, str]:
        worst = max(f.severity.rank for f in groups[rule_id])
        return (-worst, category_rank(groups[rule_id][0].category), rule_id)

    parts = ["<h2>Findings by rule</h2>"]
    for rule_id in sorted(groups, key=order):
        findings = groups[rule_id]
        rule = ctx.rules.get(rule_id)
        worst = max((f.severity for f in findings), key=lambda s: s.rank)
        category = findings[0].category
        summary = f" — {_e(rule.summary)}" if rule is not None else ""
        parts.append(f'<section class="rule" id="{_slug(rule_id)}"><header>')
        parts.append(f'<span class="badge {worst.value}">{worst.value}</span>')
        parts.append(f"<h3><code>{_e(rule_id)}</code>{summary}</h3>")
        parts.append(f'<span class="muted">{_e(category)} · {plural(len(findings), "finding")}</span></header>')
        parts.append(_rule_docs(rule))
        table = _findings_table(findings)
        if category == WEAK_INPUT and not ctx.show_info:
            table = f"<details><summary>Show {plural(len(findings), 'finding')}</summary>{table}</details>"
        parts.append(table + "</section>")
    return parts


def render_html(report: Report, ctx: RenderContext) -> str:
    """Render `--format html`: one self-contained page for one report (one or several documents)."""
    title = f"{TOOL_NAME} report"
    if len(report.documents) == 1:
        title += f": {report.documents[0].title or report.documents[0].source}"
    body = [f"<h1>{_e(title)}</h1>", f'<p class="verdict">{_e(summary_text(report))}</p>']
    if report.documents:
        body.append("<table><thead><tr><th>document</th><th>OpenAPI</th><th>title</th></tr></thead><tbody>")
        for doc in report.documents:
            body.append(f"<tr><td><code>{_e(doc.source)}</code></td><td>{_e(spec_label(doc.openapi))}</td>")
            body.append(f"<td>{_e(doc.title)}</td></tr>")
        body.append("</tbody></table>")
    body.append(_severity_cards(report.summary()))
    if report.findings:
        body += _category_section(report.findings)
        body += _rule_sections(report, ctx)
    else:
        body.append("<p>No findings.</p>")
    body.append(f"<footer>{TOOL_NAME} {_e(ctx.tool_version)}</footer>")
    return _page(title, body)


def render_html_index(targets: Sequence[TargetSummary], ctx: RenderContext, heading: str = "") -> str:
    """The page across targets that `review` writes beside the per-target reports."""
    title = heading or f"{TOOL_NAME} review"
    totals: Counter[str] = Counter()
    for target in targets:
        totals.update(target.counts)
    failed = [t for t in targets if t.error is not None]
    verdict = f"{plural(len(targets), 'target')} reviewed"
    if failed:
        verdict += f", {len(failed)} could not be loaded"
    if any(t.new_only for t in targets):
        verdict += "; counts are findings not in the baseline"
    body = [f"<h1>{_e(title)}</h1>", f'<p class="verdict">{_e(verdict)}</p>', _severity_cards(dict(totals))]
    rows = [(t.name, {s: t.counts.get(s.value, 0) for s in Severity}) for t in targets if t.error is None]
    if any(sum(c.values()) for _, c in rows):
        body += ["<h2>Findings by target</h2>", bar_chart(rows, label_width=260)]
    body.append("<h2>Targets</h2><table><thead><tr><th>target</th><th>result</th>")
    body += [f"<th>{s.value}</th>" for s in SEVERITY_ORDER]
    body.append("<th>reports</th></tr></thead><tbody>")
    for target in targets:
        links = " ".join(f'<a href="{_e(link)}">{_e(fmt)}</a>' for fmt, link in target.reports)
        name = f"<code>{_e(target.name)}</code>"
        if target.title:
            name += f'<br><span class="muted">{_e(target.title)}</span>'
        if target.error is not None:
            body.append(f'<tr><td>{name}</td><td><span class="badge error">failed</span> {_e(target.error)}</td>')
            body.append(f'<td colspan="{len(SEVERITY_ORDER)}"></td><td></td></tr>')
            continue
        worst = next((s for s in SEVERITY_ORDER if target.counts.get(s.value)), None)
        quiet = "no new findings" if target.new_only else "clean"  # after a baseline, accepted ones are not counted
        result = f'<span class="badge {worst.value}">{worst.value}</span>' if worst else quiet
        cells = "".join(f'<td class="n">{target.counts.get(s.value, 0)}</td>' for s in SEVERITY_ORDER)
        body.append(f"<tr><td>{name}</td><td>{result}</td>{cells}<td>{links}</td></tr>")
    body.append("</tbody></table>")
    body.append(f"<footer>{TOOL_NAME} {_e(ctx.tool_version)}</footer>")
    return _page(title, body)
