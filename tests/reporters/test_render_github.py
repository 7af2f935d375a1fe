"""GitHub workflow commands: one per finding, the right command per severity, escaped like actions/toolkit."""

from __future__ import annotations

from collections.abc import Callable

from specreview.findings import Finding, Report, Severity
from specreview.reporters import RenderContext
from specreview.reporters.github import escape_data, escape_property, render_github


def test_one_command_per_finding(report: Report, ctx: RenderContext) -> None:
    lines = render_github(report, ctx).splitlines()
    assert len(lines) == len(report.findings)
    assert [line.split(" ", 1)[0] for line in lines] == ["::error"] * 2 + ["::warning"] + ["::notice"] * 4
    assert lines[0] == (
        "::error file=openapi.json,line=120,col=9,title=hashed-password-in-response::"
        "Response schema exposes hashed_password; remove it from the response model."
        " (/components/schemas/UserInDB/properties/hashed_password)"
    )


def test_newlines_and_percent_are_escaped(finding_factory: Callable[..., Finding], ctx: RenderContext) -> None:
    finding = finding_factory(
        rule="r:1,2",
        severity=Severity.WARNING,
        message="100% bad\r\n::error::injected",
        source="specs/a,b:c.yaml",
        line=3,
        column=None,
    )
    out = render_github(Report(findings=[finding]), ctx)
    assert out.count("\n") == 1
    assert out == (
        "::warning file=specs/a%2Cb%3Ac.yaml,line=3,title=r%3A1%2C2::"
        "100%25 bad%0D%0A::error::injected (/components/schemas/UserInDB/properties/hashed_password)\n"
    )


def test_escape_helpers() -> None:
    assert escape_data("a%b\nc\rd:e,f") == "a%25b%0Ac%0Dd:e,f"
    assert escape_property("a%b\nc\rd:e,f") == "a%25b%0Ac%0Dd%3Ae%2Cf"


def test_url_source_has_no_file(finding_factory: Callable[..., Finding], ctx: RenderContext) -> None:
    finding = finding_factory(source="https://api.example.com", line=None, column=None, severity=Severity.INFO)
    out = render_github(Report(findings=[finding]), ctx)
    assert out.startswith("::notice title=hashed-password-in-response::")
    assert "file=" not in out
    assert out.rstrip().endswith("in https://api.example.com")


def test_no_findings_no_output(clean_report: Report, ctx: RenderContext) -> None:
    assert render_github(clean_report, ctx) == ""
