"""`specreview redact SOURCE -o OUT`: write a copy with the findings removed that is still valid OpenAPI."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable
from typing import TYPE_CHECKING, Annotated, Any, Literal

import typer

from specreview.cli.app import (
    DEFAULT_MAX_BYTES,
    AllowRefsOpt,
    CaBundleOpt,
    ConfigOpt,
    HeaderEnvOpt,
    HeaderOpt,
    InsecureOpt,
    MaxBytesOpt,
    RulesDirOpt,
    TimeoutOpt,
    app,
    fetch_options,
    handles_errors,
    read_files,
    ref_allow_list,
    setup,
)

if TYPE_CHECKING:
    from specreview.document.model import Document


@app.command()
@handles_errors
def redact(
    source: Annotated[str, typer.Argument(help="File, '-' for stdin, or an http(s) URL.", show_default=False)],
    output: Annotated[str, typer.Option("--output", "-o", help="Where to write the redacted document ('-': stdout).")],
    changes: Annotated[str | None, typer.Option(help="Write the change log (JSON) to this file.")] = None,
    force: Annotated[bool, typer.Option(help="Overwrite an existing output file or change log.")] = False,
    jobs: Annotated[
        int | None,
        typer.Option(
            "--jobs", "-j", min=1, help="Processes for a large document's reviews (default: two where possible)."
        ),
    ] = None,
    validate: Annotated[
        bool, typer.Option(help="Also run openapi-spec-validator on the output (slow on big documents).")
    ] = False,
    drop_extensions: Annotated[
        list[str],
        typer.Option(
            "--drop-extensions",
            help="Also remove these vendor extensions (repeatable; globs like 'x-kong-*', or 'x-*' for all).",
        ),
    ] = [],  # noqa: B006
    keep_extensions: Annotated[
        list[str],
        typer.Option(
            "--keep-extensions",
            help="Keep these extensions, even those naming backend infrastructure (dropped by default; globs).",
        ),
    ] = [],  # noqa: B006
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
    """Write a redacted copy; nothing is written if the result would still leak or be inconsistent."""
    from specreview.document.emit import detect_indent, dump_pieces
    from specreview.document.load import load_document
    from specreview.engine import text_to_split, worth_splitting
    from specreview.output import write_all
    from specreview.redactor import redact_document, redact_json_text

    settings, rules = setup(config, rules_dir)
    refs = ref_allow_list(allow_remote_refs)
    inputs = [*([source] if source != "-" else []), *read_files(settings, rules)]
    text = text_to_split(source, max_bytes) if jobs != 1 and not refs else None
    done = None
    if text is not None:  # reviewed by two processes that each parse it (redactor.redact_json_text)
        _check_targets(output, changes, force, inputs)
        indent = detect_indent(text)
        done = redact_json_text(
            text,
            source,
            rules,
            path=source,
            allow=settings.allow,
            drop_extensions=drop_extensions,
            keep_extensions=keep_extensions,
        )
        del text
    if done is not None:
        document, result = done
        _warn(document)
    else:
        document = load_document(
            source,
            max_bytes=max_bytes,
            fetch_options=fetch_options(header, timeout, max_bytes, header_env, ca_bundle, insecure),
            allow_refs=refs,
        )
        _warn(document)
        # The output follows the input's indentation; the input's text (20 MB for Graph) is not needed after
        # that, and not kept through the redaction's memory peak.
        indent = detect_indent(document.text)
        split = worth_splitting(document) and jobs != 1
        document = dataclasses.replace(document, text="", _locator=None)
        _check_targets(output, changes, force, inputs)
        result = redact_document(
            document,
            rules,
            allow=settings.allow,
            drop_extensions=drop_extensions,
            keep_extensions=keep_extensions,
            split=split,
        )
    fmt = _format_for(output, document.format)
    indent = indent if fmt == document.format else 2
    if validate:
        validate_output(result.data, document.source)
    # Written as it is serialised: a large document's output is never held whole (see dump_pieces). Both files
    # are written, or neither: a change log that cannot be written leaves no output behind either.
    finite = not document.non_finite  # every number finite: the fast JSON writer may write it
    files: list[tuple[str, str | Iterable[str]]] = [
        (output, dump_pieces(result.data, fmt, indent=indent, finite=finite))
    ]
    if changes is not None:
        log = [{"pointer": c.pointer, "action": c.action, "rule": c.rule} for c in result.changes]
        files.append((changes, json.dumps({"changes": log}, indent=2) + "\n"))
    write_all(files, force=force, inputs=inputs)
    from specreview.reporters.base import plural

    done = f"{plural(result.redacted, 'finding')} redacted, {plural(len(result.changes), 'change')}"
    typer.echo(f"specreview: {done} -> {output}", err=True)


def _check_targets(output: str, changes: str | None, force: bool, inputs: list[str]) -> None:
    """Both targets are checked before any work: an existing output without --force is refused at once."""
    from specreview.errors import OutputError
    from specreview.output import check_target, same_target

    if changes is not None and same_target(output, changes):
        raise OutputError(f"--changes and --output both name {changes}; give the change log its own file")
    for target in (output, *([changes] if changes is not None else [])):
        check_target(target, force=force, inputs=inputs)


def _warn(document: Document) -> None:
    for warning in document.warnings:  # on stderr: the output may be stdout
        typer.echo(f"specreview: warning: {document.source}: {warning}", err=True)


def _format_for(output: str, source_format: Literal["json", "yaml"]) -> Literal["json", "yaml"]:
    """The output's format: what its extension names (`-o public.json` from a YAML source is JSON), else the
    source's own."""
    name = output.lower()
    if name.endswith(".json"):
        return "json"
    if name.endswith((".yaml", ".yml")):
        return "yaml"
    return source_format


def validate_output(data: dict[str, Any], source: str) -> None:
    from openapi_spec_validator import validate as validate_spec

    from specreview.errors import RedactionError

    try:
        validate_spec(data)
    except Exception as exc:  # the validator raises several unrelated types
        first = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
        raise RedactionError(f"{source}: redacted output does not validate, nothing written: {first}") from None
