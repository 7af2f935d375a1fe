"""`specreview check SOURCE...`: review documents, print a report, exit by severity."""

from __future__ import annotations

import os
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from specreview import __version__
from specreview.cli.app import (
    DEFAULT_MAX_BYTES,
    ConfigOpt,
    ExitCode,
    FailOn,
    HeaderOpt,
    MaxBytesOpt,
    RulesDirOpt,
    TimeoutOpt,
    app,
    fetch_options,
    handles_errors,
    setup,
)


class OutputFormat(str, Enum):
    text = "text"
    json = "json"
    sarif = "sarif"
    markdown = "markdown"
    github = "github"
    junit = "junit"


@app.command()
@handles_errors
def check(
    sources: Annotated[list[str], typer.Argument(help="Files, '-' for stdin, or http(s) URLs.", show_default=False)],
    output_format: Annotated[OutputFormat, typer.Option("--format", "-f", help="Report format.")] = OutputFormat.text,
    output: Annotated[str | None, typer.Option("--output", "-o", help="Write the report to a file.")] = None,
    fail_on: Annotated[
        FailOn | None, typer.Option(help="Exit 1 when a finding is at or above this severity [default: error].")
    ] = None,
    show_info: Annotated[bool, typer.Option(help="List info findings (weak inputs) one by one.")] = False,
    config: ConfigOpt = None,
    rules_dir: RulesDirOpt = [],  # noqa: B006 - typer reads defaults, never mutates them
    header: HeaderOpt = [],  # noqa: B006
    timeout: TimeoutOpt = 10.0,
    max_bytes: MaxBytesOpt = DEFAULT_MAX_BYTES,
) -> None:
    """Review documents and print a report; exit 1 when findings reach --fail-on."""
    from specreview.document.load import load_document
    from specreview.engine import review_document
    from specreview.findings import DocumentInfo, Report, Severity
    from specreview.reporters import REPORTERS, RenderContext

    settings, rules = setup(config, rules_dir)
    fetch = fetch_options(header, timeout, max_bytes)
    report = Report()
    for source in sources:
        document = load_document(source, max_bytes=max_bytes, fetch_options=fetch)
        for warning in document.warnings:
            typer.echo(f"specreview: warning: {document.source}: {warning}", err=True)
        report.documents.append(DocumentInfo(document.source, document.version, document.title))
        report.findings.extend(raw.finding for raw in review_document(document, rules, settings.allow))
    context = RenderContext(
        rules={r.id: r for r in rules},
        tool_version=__version__,
        show_info=show_info,
        color=output is None and sys.stdout.isatty() and "NO_COLOR" not in os.environ,
    )
    write_report(REPORTERS[output_format.value](report, context), output)
    threshold = fail_on.value if fail_on is not None else (settings.fail_on or "error")
    worst = report.worst()
    if threshold != "never" and worst is not None and worst.at_least(Severity(threshold)):
        raise typer.Exit(ExitCode.FINDINGS)


def write_report(text: str, output: str | None) -> None:
    """Reports go to stdout, or atomically to a file (a report file is ours to replace)."""
    if output is None or output == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    from specreview.output import write_atomic

    write_atomic(str(Path(output)), text, force=True)
