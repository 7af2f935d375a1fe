"""Report formats: `--format NAME` looks up `REPORTERS[NAME]`, a pure `(Report, RenderContext) -> str`.

A reporter's module is imported when it is first looked up: a command writes one or two formats, and the
others' imports (rich, xml.etree...) would only add to the start-up of every run.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping

from specreview.reporters.base import RenderContext, Reporter

# Format -> (module, function), in the order `--help` lists them.
_REPORTER_FUNCTIONS: dict[str, tuple[str, str]] = {
    "text": ("specreview.reporters.text", "render_text"),
    "json": ("specreview.reporters.json", "render_json"),
    "sarif": ("specreview.reporters.sarif", "render_sarif"),
    "markdown": ("specreview.reporters.markdown", "render_markdown"),
    "github": ("specreview.reporters.github", "render_github"),
    "junit": ("specreview.reporters.junit", "render_junit"),
    "html": ("specreview.reporters.html", "render_html"),
}


class _Reporters(Mapping[str, Reporter]):
    """The registry, importing each reporter on first use."""

    def __getitem__(self, name: str) -> Reporter:
        module, function = _REPORTER_FUNCTIONS[name]
        reporter: Reporter = getattr(importlib.import_module(module), function)
        return reporter

    def __iter__(self) -> Iterator[str]:
        return iter(_REPORTER_FUNCTIONS)

    def __len__(self) -> int:
        return len(_REPORTER_FUNCTIONS)


REPORTERS: Mapping[str, Reporter] = _Reporters()
FORMATS: tuple[str, ...] = tuple(_REPORTER_FUNCTIONS)

__all__ = ["FORMATS", "REPORTERS", "RenderContext", "Reporter"]
