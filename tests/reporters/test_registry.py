"""The format table is complete, every format renders, and no format repeats a secret."""

from __future__ import annotations

import dataclasses
import inspect

import pytest

from specreview.findings import Report
from specreview.reporters import FORMATS, REPORTERS, RenderContext

EXPECTED_FORMATS = ("text", "json", "sarif", "markdown", "github", "junit", "html")


def test_formats_match_the_registry() -> None:
    assert FORMATS == tuple(REPORTERS) == EXPECTED_FORMATS


@pytest.mark.parametrize("name", EXPECTED_FORMATS)
def test_every_format_renders(name: str, report: Report, clean_report: Report, ctx: RenderContext) -> None:
    reporter = REPORTERS[name]
    assert list(inspect.signature(reporter).parameters) == ["report", "ctx"]
    for subject in (report, clean_report, Report()):
        out = reporter(subject, ctx)
        assert isinstance(out, str)
        assert out.endswith("\n") or out == ""


@pytest.mark.parametrize("name", EXPECTED_FORMATS)
def test_reporters_do_not_print(
    name: str, report: Report, ctx: RenderContext, capsys: pytest.CaptureFixture[str]
) -> None:
    REPORTERS[name](report, ctx)
    assert capsys.readouterr() == ("", "")


@pytest.mark.parametrize("name", EXPECTED_FORMATS)
@pytest.mark.parametrize("show_info", [False, True])
def test_no_format_repeats_a_secret(
    name: str, show_info: bool, report: Report, ctx: RenderContext, raw_secret: str
) -> None:
    out = REPORTERS[name](report, dataclasses.replace(ctx, show_info=show_info, width=400))
    assert "(44 chars)" in out  # the masked form is there...
    assert raw_secret not in out  # ...the secret is not,
    assert raw_secret[4:16] not in out  # not even a chunk of it.
