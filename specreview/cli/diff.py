"""`specreview diff OLD NEW`: what the new version of a document exposes that the old one did not.

    specreview diff main/openapi.json openapi.json                 # in a pull request: base branch vs. head
    specreview diff https://api.example.com/openapi.json build/openapi.json --format json

Exit: 1 when something new leaks (a new finding at or above --fail-on, or any new internal host), 0 otherwise,
2 when either document cannot be loaded.
"""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING, Annotated

import typer

from specreview import __version__
from specreview.cli.app import (
    DEFAULT_MAX_BYTES,
    AllowRefsOpt,
    CaBundleOpt,
    ConfigOpt,
    ExitCode,
    FailOn,
    HeaderEnvOpt,
    HeaderOpt,
    InsecureOpt,
    MaxBytesOpt,
    RulesDirOpt,
    TimeoutOpt,
    app,
    fetch_options,
    handles_errors,
    ref_allow_list,
    setup,
)
from specreview.errors import SpecreviewError

if TYPE_CHECKING:
    from specreview.document.fetch import FetchOptions
    from specreview.document.model import Document
    from specreview.document.ref_allow import RefAllowList


class DiffFormat(str, Enum):
    text = "text"
    json = "json"


_SOURCE_HELP = "File, '-' for stdin, or an http(s) URL."


@app.command()
@handles_errors
def diff(
    old: Annotated[str, typer.Argument(help=f"The old version. {_SOURCE_HELP}", show_default=False)],
    new: Annotated[str, typer.Argument(help=f"The new version. {_SOURCE_HELP}", show_default=False)],
    output_format: Annotated[DiffFormat, typer.Option("--format", "-f", help="Report format.")] = DiffFormat.text,
    fail_on: Annotated[
        FailOn | None,
        typer.Option(
            help="Exit 1 when a new finding is at or above this severity (default: error).", case_sensitive=False
        ),
    ] = None,
    show_info: Annotated[bool, typer.Option(help="List new info findings (weak inputs) one by one.")] = False,
    config: ConfigOpt = None,
    rules_dir: RulesDirOpt = [],  # noqa: B006 - typer reads defaults, never mutates them
    header: HeaderOpt = [],  # noqa: B006
    header_env: HeaderEnvOpt = [],  # noqa: B006
    ca_bundle: CaBundleOpt = None,
    insecure: InsecureOpt = False,
    timeout: TimeoutOpt = 10.0,
    max_bytes: MaxBytesOpt = DEFAULT_MAX_BYTES,
    allow_remote_refs: AllowRefsOpt = [],  # noqa: B006
) -> None:
    """Show what NEW exposes that OLD did not, and what it closed; exit 1 when something new leaks."""
    from specreview.diff import diff_documents
    from specreview.diff_report import render_diff_json, render_diff_text

    if old == "-" and new == "-":
        raise SpecreviewError("OLD and NEW cannot both be '-': standard input holds one document")
    settings, rules = setup(config, rules_dir)
    fetch = fetch_options(header, timeout, max_bytes, header_env, ca_bundle, insecure)
    threshold = fail_on.value if fail_on is not None else (settings.fail_on or "error")
    allow_refs = ref_allow_list(allow_remote_refs)
    before, after = _load(old, fetch, max_bytes, allow_refs), _load(new, fetch, max_bytes, allow_refs)
    result = diff_documents(before, after, rules, settings.allow, threshold)
    if output_format is DiffFormat.json:
        typer.echo(render_diff_json(result, __version__), nl=False)
    else:
        typer.echo(render_diff_text(result, show_info), nl=False)
    if result.leaks_something:
        raise typer.Exit(ExitCode.FINDINGS)


def _load(source: str, fetch: FetchOptions, max_bytes: int, allow_refs: RefAllowList | None) -> Document:
    """Load one side; its warnings (dangling $refs and the like) go to stderr so stdout stays a clean report."""
    from specreview.document.load import load_document

    document = load_document(source, max_bytes=max_bytes, fetch_options=fetch, allow_refs=allow_refs)
    for warning in document.warnings:
        typer.echo(f"specreview: warning: {document.source}: {warning}", err=True)
    return document
