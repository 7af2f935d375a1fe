"""Where reports go: `--format` for standard output, `-o PATH` for a file, `-o FORMAT:PATH` for more files at once.

    specreview check openapi.json                                  # text on stdout
    specreview check openapi.json -f sarif -o results.sarif        # one file, in --format
    specreview check openapi.json -o sarif:results.sarif -o html:report.html   # text on stdout and two files

As in semgrep (`--sarif-output`, `--json-output`), extra outputs do not silence the terminal report: only a plain
`-o PATH` moves the `--format` report from stdout into a file. Every report is rendered before any is written,
and each file is written atomically, never over an input document.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from specreview.errors import ConfigError
from specreview.findings import Report
from specreview.reporters import FORMATS, REPORTERS, RenderContext

STDOUT = "-"
# File name extension per format, for reports written into a directory (`review`).
EXTENSIONS: Mapping[str, str] = {
    "text": ".txt",
    "json": ".report.json",
    "sarif": ".sarif",
    "markdown": ".md",
    "github": ".github.txt",
    "junit": ".junit.xml",
    "html": ".html",
}


@dataclass(frozen=True)
class OutputSpec:
    format: str
    path: str  # "-" is standard output


# The format a plain `-o PATH` means by its extension when no --format is given: `-o report.json` is JSON.
# Longer suffixes first: `results.sarif.json` is SARIF, `report.junit.xml` JUnit.
_BY_EXTENSION: Mapping[str, str] = {
    ".sarif.json": "sarif",
    ".junit.xml": "junit",
    ".github.txt": "github",
    ".json": "json",
    ".sarif": "sarif",
    ".html": "html",
    ".htm": "html",
    ".md": "markdown",
    ".markdown": "markdown",
    ".xml": "junit",
    ".txt": "text",
}


def _suggested_name(fmt: str) -> str:
    return "report.json" if fmt == "json" else f"report{EXTENSIONS[fmt]}"


def parse_outputs(default_format: str | None, outputs: Sequence[str]) -> list[OutputSpec]:
    """The reports one run writes: the `--format` one (stdout, or the plain `-o PATH`) and every `FORMAT:PATH`.
    Without a `--format` (None), a plain `-o PATH` is written in the format its extension names, else as text."""
    extra: list[OutputSpec] = []
    plain: list[str] = []
    for value in outputs:
        fmt, sep, path = value.partition(":")
        if sep and fmt in FORMATS and path:
            extra.append(OutputSpec(fmt, path))
        elif sep and fmt and not path and fmt in FORMATS:
            raise ConfigError(f"--output {value}: give a path after the colon, e.g. {fmt}:{_suggested_name(fmt)}")
        elif sep and not fmt:
            raise ConfigError(
                f"--output {value}: give a format before the colon, e.g. json{value}; for a file of that name "
                f"write ./{value}"
            )
        elif sep and len(fmt) > 1 and fmt.isalpha():  # a mistyped format, not a file name (nor a drive letter)
            raise ConfigError(
                f"--output {value}: unknown report format {fmt!r} (known: {', '.join(FORMATS)}); "
                f"for a file of that name write ./{value}"
            )
        else:
            plain.append(value)
    if len(plain) > 1:
        raise ConfigError("--output PATH takes one path; write more reports with --output FORMAT:PATH")
    explicit = default_format is not None
    if default_format is None:
        name = os.path.basename(plain[0]).lower() if plain else ""
        default_format = next((f for suffix, f in _BY_EXTENSION.items() if name.endswith(suffix)), "text")
    specs = [OutputSpec(default_format, plain[0] if plain else STDOUT), *extra]
    if not plain and not explicit and any(s.path == STDOUT for s in extra):
        specs = specs[1:]  # `-o json:-` replaces the default stdout report (a --format one it would contradict)
    if sum(s.path == STDOUT for s in specs) > 1:
        raise ConfigError("only one report can go to standard output")
    seen: dict[str, str] = {}
    for spec in specs:
        if spec.path != STDOUT:
            where = os.path.abspath(spec.path)
            if where in seen:
                raise ConfigError(f"two reports would be written to the same file, {spec.path}")
            seen[where] = spec.path
    return specs


def color_for(spec: OutputSpec) -> bool:
    return spec.format == "text" and spec.path == STDOUT and sys.stdout.isatty() and "NO_COLOR" not in os.environ


def write_outputs(report: Report, specs: Sequence[OutputSpec], ctx: RenderContext, inputs: Sequence[str]) -> None:
    """Render every report, then write them, files first: a file that cannot be written stops the run before
    anything reaches standard output. A report file is ours to replace, an input never is."""
    from specreview.output import write_atomic

    rendered = [(spec, REPORTERS[spec.format](report, replace(ctx, color=color_for(spec)))) for spec in specs]
    for spec, text in sorted(rendered, key=lambda item: item[0].path == STDOUT):
        if spec.path == STDOUT:
            sys.stdout.write(text)
            sys.stdout.flush()
        else:
            write_atomic(spec.path, text, force=True, inputs=inputs)
