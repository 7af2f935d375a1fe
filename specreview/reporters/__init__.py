"""Report formats: `--format NAME` looks up `REPORTERS[NAME]`, a pure `(Report, RenderContext) -> str`."""

from __future__ import annotations

from specreview.reporters.base import RenderContext, Reporter
from specreview.reporters.github import render_github
from specreview.reporters.html import render_html
from specreview.reporters.json import render_json
from specreview.reporters.junit import render_junit
from specreview.reporters.markdown import render_markdown
from specreview.reporters.sarif import render_sarif
from specreview.reporters.text import render_text

REPORTERS: dict[str, Reporter] = {
    "text": render_text,
    "json": render_json,
    "sarif": render_sarif,
    "markdown": render_markdown,
    "github": render_github,
    "junit": render_junit,
    "html": render_html,
}
FORMATS: tuple[str, ...] = tuple(REPORTERS)

__all__ = ["FORMATS", "REPORTERS", "RenderContext", "Reporter"]
