"""The probe's docs-exposure check is listed and documented like the document rules."""

from __future__ import annotations

from typer.testing import CliRunner

from specreview.cli import app


def test_rules_lists_and_shows_docs_exposure() -> None:
    listing = CliRunner().invoke(app, ["rules"])
    assert any(line.split()[:2] == ["docs-exposure", "docs-exposure"] for line in listing.output.splitlines())
    shown = CliRunner().invoke(app, ["rules", "show", "docs-exposure"])
    assert shown.exit_code == 0
    assert "docs_url=None, redoc_url=None, openapi_url=None" in shown.output
    assert "--expect public" in shown.output
