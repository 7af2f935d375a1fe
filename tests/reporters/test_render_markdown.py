"""The pull-request comment: counts heading, category table, findings table, weak-input collapsed, escaped."""

from __future__ import annotations

from collections.abc import Callable

from specreview.findings import Finding, Report, Severity
from specreview.reporters import RenderContext
from specreview.reporters.markdown import MAX_ROWS, code_cell, escape_cell, render_markdown


def _table_rows(out: str) -> list[str]:
    return [line for line in out.splitlines() if line.startswith("| :")]


def test_heading_and_category_table(report: Report, ctx: RenderContext) -> None:
    out = render_markdown(report, ctx)
    assert out.splitlines()[0] == "### :x: specreview: 2 errors, 1 warning, 4 info in 1 document"
    assert "| category | error | warning | info |" in out
    assert "| sensitive-field | 1 | 0 | 0 |" in out
    assert "| weak-input | 0 | 0 | 4 |" in out
    assert out.index("| internal-host |") < out.index("| weak-input |")


def test_findings_table(report: Report, ctx: RenderContext) -> None:
    out = render_markdown(report, ctx)
    assert "| severity | rule | pointer | location | message |" in out
    row = next(r for r in _table_rows(out) if "hashed-password-in-response" in r)
    assert "`/components/schemas/UserInDB/properties/hashed_password`" in row
    assert "`openapi.json:120:9`" in row
    assert "code: `app/models.py:14 (UserInDB.hashed_password)`" in row


def test_weak_input_is_collapsed(report: Report, ctx: RenderContext) -> None:
    out = render_markdown(report, ctx)
    details = out[out.index("<details>") : out.index("</details>")]
    assert "<summary>weak-input: 4 inputs without bounds</summary>" in details
    assert details.count("unbounded-") == 4
    before = out[: out.index("<details>")]
    assert "unbounded-string-input`" not in before


def test_pipes_and_html_are_escaped(finding_factory: Callable[..., Finding], ctx: RenderContext) -> None:
    finding = finding_factory(pointer="/paths/~1a|b/get", message="Name a|b <img src=x> is\ninternal")
    out = render_markdown(Report(findings=[finding]), ctx)
    row = _table_rows(out)[0]
    assert row.count(" | ") == 4  # exactly five cells
    assert "`/paths/~1a\\|b/get`" in row
    assert "Name a\\|b \\<img src=x\\> is internal" in row
    assert "<img" not in out.replace("\\<img", "")  # only the backslash-escaped, literal form


def test_cell_helpers() -> None:
    assert escape_cell("a|b\nc") == "a\\|b c"
    assert code_cell("a`b") == "`` a`b ``"
    assert code_cell("") == ""


def test_clean_report(clean_report: Report, ctx: RenderContext) -> None:
    out = render_markdown(clean_report, ctx)
    assert out.splitlines()[0] == "### :white_check_mark: specreview: No findings in 1 document"
    assert "| severity |" not in out and "<details>" not in out


def test_long_tables_are_capped(finding_factory: Callable[..., Finding], ctx: RenderContext) -> None:
    many = [finding_factory(pointer=f"/p/{i}", severity=Severity.WARNING) for i in range(MAX_ROWS + 7)]
    out = render_markdown(Report(findings=many), ctx)
    assert len(_table_rows(out)) == MAX_ROWS
    assert "and 7 more" in out
