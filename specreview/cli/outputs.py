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


def parse_outputs(default_format: str, outputs: Sequence[str]) -> list[OutputSpec]:
    """The reports one run writes: the `--format` one (stdout, or the plain `-o PATH`) and every `FORMAT:PATH`."""
    extra: list[OutputSpec] = []
    plain: list[str] = []
    for value in outputs:
        fmt, sep, path = value.partition(":")
        if sep and fmt in FORMATS and path:
            extra.append(OutputSpec(fmt, path))
        elif sep and fmt and not path and fmt in FORMATS:
            raise ConfigError(f"--output {value}: give a path after the colon, e.g. {fmt}:report{EXTENSIONS[fmt]}")
        elif sep and len(fmt) > 1 and fmt.isalpha():  # a mistyped format, not a file name (nor a drive letter)
            raise ConfigError(
                f"--output {value}: unknown report format {fmt!r} (known: {', '.join(FORMATS)}); "
                f"for a file of that name write ./{value}"
            )
        else:
            plain.append(value)
    if len(plain) > 1:
        raise ConfigError("--output PATH takes one path; write more reports with --output FORMAT:PATH")
    specs = [OutputSpec(default_format, plain[0] if plain else STDOUT), *extra]
    to_stdout = [s for s in specs if s.path == STDOUT]
    if len(to_stdout) > 1 and plain:
        raise ConfigError("only one report can go to standard output")
    if len(to_stdout) > 1:
        specs = [s for s in specs if s is not specs[0]]  # `-o json:-` replaces the default stdout report
    paths = [os.path.abspath(s.path) for s in specs if s.path != STDOUT]
    if len(paths) != len(set(paths)):
        raise ConfigError("two reports would be written to the same file")
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
