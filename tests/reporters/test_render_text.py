"""The terminal report: grouped worst first, info folded unless asked, plain unless color, markup-safe."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable

import pytest

from specreview.findings import DocumentInfo, Finding, Report, Severity, SourceLocation
from specreview.reporters import RenderContext
from specreview.reporters.text import render_text

ANSI = re.compile(r"\x1b\[")


def test_groups_by_severity_worst_first(report: Report, ctx: RenderContext) -> None:
    out = render_text(report, ctx)
    assert out.index("Errors (2)") < out.index("Warnings (1)") < out.index("Info (4)")
    assert out.index("hashed-password-in-response") < out.index("internal-server-url")


def test_disclosures_before_weak_input_within_a_severity(
    finding_factory: Callable[..., Finding], ctx: RenderContext
) -> None:
    weak = finding_factory("unbounded-string-input", "weak-input", Severity.WARNING, "/a")
    leak = finding_factory("internal-server-url", "internal-host", Severity.WARNING, "/z")
    out = render_text(Report(findings=[weak, leak]), ctx)
    assert out.index("internal-server-url") < out.index("unbounded-string-input")


def test_header_finding_details_and_summary(report: Report, ctx: RenderContext) -> None:
    out = render_text(report, ctx)
    assert out.splitlines()[0] == "openapi.json (OpenAPI 3.1.0, Petstore)"
    assert "openapi.json:120:9" in out
    assert "/components/schemas/UserInDB/properties/hashed_password" in out
    assert "code: app/models.py:14 (UserInDB.hashed_password)" in out
    assert "ERROR" in out and "WARNING" in out
    assert out.rstrip().splitlines()[-1] == "2 errors, 1 warning, 4 info in 1 document"


def test_info_is_summarised_per_rule(report: Report, ctx: RenderContext) -> None:
    out = render_text(report, ctx)
    assert "weak-input: 3 inputs without bounds (rule unbounded-string-input); use --show-info to list them" in out
    assert "weak-input: 1 input without bounds (rule unbounded-array-input); use --show-info to list them" in out
    assert "/paths/~1items/get/parameters/0/schema" not in out
    assert "String input has no maxLength" not in out


def test_show_info_lists_every_info_finding(report: Report, ctx: RenderContext) -> None:
    out = render_text(report, dataclasses.replace(ctx, show_info=True))
    for i in range(3):
        assert f"/paths/~1items/get/parameters/{i}/schema" in out
    assert "--show-info" not in out


def test_no_color_codes_unless_asked(report: Report, ctx: RenderContext, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.setenv("TTY_COMPATIBLE", "1")
    assert not ANSI.search(render_text(report, ctx))
    assert ANSI.search(render_text(report, dataclasses.replace(ctx, color=True)))


def test_width_is_respected_and_no_trailing_spaces(
    report: Report, ctx: RenderContext, finding_factory: Callable[..., Finding]
) -> None:
    long = finding_factory(pointer="/components/schemas/" + "A" * 150)
    report.findings.append(long)
    out = render_text(report, dataclasses.replace(ctx, width=60, show_info=True))
    lines = out.splitlines()
    assert max(len(line) for line in lines) <= 60
    assert all(line == line.rstrip() for line in lines)
    assert "A" * 50 in out.replace("\n  ", "")  # folded, not cut


def test_markup_in_user_text_is_literal(finding_factory: Callable[..., Finding], ctx: RenderContext) -> None:
    finding = finding_factory(
        pointer="/paths/~1[admin]/get",
        message="Name [bold red]looks[/] internal :warning: [/]",
        code_location=SourceLocation("app/[x].py", 3, "f"),
    )
    out = render_text(Report(findings=[finding]), ctx)
    assert "/paths/~1[admin]/get" in out
    assert "Name [bold red]looks[/] internal :warning: [/]" in out
    assert "app/[x].py:3 (f)" in out


def test_unknown_location_parts_are_left_out(finding_factory: Callable[..., Finding], ctx: RenderContext) -> None:
    out = render_text(Report(findings=[finding_factory(line=12, column=None)]), ctx)
    assert "openapi.json:12  /components" in out
    out = render_text(Report(findings=[finding_factory(source="", line=None, column=None)]), ctx)
    assert "  /components/schemas/UserInDB/properties/hashed_password" in out


def test_no_findings(clean_report: Report, ctx: RenderContext) -> None:
    out = render_text(clean_report, ctx)
    assert out.splitlines()[0] == "specs/clean.yaml (OpenAPI 3.0.3, Clean API)"
    assert out.rstrip().endswith("No findings in 1 document")


def test_several_documents_each_get_a_section(finding_factory: Callable[..., Finding], ctx: RenderContext) -> None:
    report = Report(
        documents=[DocumentInfo("a.yaml", "3.0.3", "A"), DocumentInfo("b.json", "3.1.0", "B")],
        findings=[
            finding_factory(source="b.json", pointer="/b"),
            finding_factory(source="a.yaml", pointer="/a"),
            finding_factory(source="https://api.example.com", pointer="/docs", category="docs-exposure"),
        ],
    )
    out = render_text(report, ctx)
    assert out.index("a.yaml (OpenAPI 3.0.3, A)") < out.index("a.yaml:120:9") < out.index("b.json (OpenAPI 3.1.0, B)")
    assert out.index("b.json:120:9") < out.index("https://api.example.com\n")  # unlisted source is not dropped
    assert out.rstrip().endswith("3 errors, 0 warnings, 0 info in 2 documents")


def test_color_uses_the_standard_ansi_codes(report: Report, ctx: RenderContext) -> None:
    out = render_text(report, dataclasses.replace(ctx, color=True))
    assert "\x1b[1;37;41m ERROR   \x1b[0m \x1b[1mhashed-password-in-response\x1b[0m" in out  # bold white on red
    assert "\x1b[1;30;43m WARNING \x1b[0m" in out  # bold black on yellow
    assert "\x1b[36mopenapi.json:120:9\x1b[0m" in out  # the place in cyan, the pointer plain after it
    assert out.rstrip().endswith("\x1b[1;31m2 errors, 1 warning, 4 info in 1 document\x1b[0m")


def test_a_word_that_does_not_fit_starts_the_next_line(
    finding_factory: Callable[..., Finding], ctx: RenderContext
) -> None:
    message = "Leaks " + "x" * 35 + " and then " + "y" * 70
    out = render_text(Report(findings=[finding_factory(message=message)]), dataclasses.replace(ctx, width=40))
    lines = out.splitlines()
    start = lines.index("  Leaks")  # 38 columns under the indent: the x's fit no more after "Leaks "
    assert lines[start + 1 : start + 5] == ["  " + "x" * 35, "  and then", "  " + "y" * 38, "  " + "y" * 32]


def test_a_swagger_document_is_called_swagger(ctx: RenderContext) -> None:
    report = Report(documents=[DocumentInfo("swagger.json", "2.0", "Legacy")])
    assert render_text(report, ctx).splitlines()[0] == "swagger.json (Swagger 2.0, Legacy)"
