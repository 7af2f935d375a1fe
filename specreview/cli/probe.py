"""`specreview probe BASE_URL`: report docs that answer without credentials, then review the description found."""

from __future__ import annotations

from enum import Enum
from typing import Annotated

import typer

from specreview import __version__
from specreview.cli.app import (
    DEFAULT_MAX_BYTES,
    CaBundleOpt,
    ConfigOpt,
    ExitCode,
    FailOn,
    HeaderEnvOpt,
    InsecureOpt,
    MaxBytesOpt,
    OutputOpt,
    RulesDirOpt,
    TimeoutOpt,
    app,
    fail,
    fetch_options,
    handles_errors,
    read_files,
    setup,
)
from specreview.probe_settings import Environment, Expectation
from specreview.reporters import FORMATS

# The same --format choices as check, whatever reporters are registered.
ProbeFormat = Enum("ProbeFormat", {name: name for name in FORMATS}, type=str)  # type: ignore[misc]


@app.command()
@handles_errors
def probe(
    base_url: Annotated[
        str, typer.Argument(help="The service's base URL, e.g. https://api.example.com", show_default=False)
    ],
    path: Annotated[list[str], typer.Option("--path", help="Another path that must not be public (repeatable).")] = [],  # noqa: B006
    env: Annotated[
        Environment | None, typer.Option(help="Where the service runs; sets the severity (default: production).")
    ] = None,
    expect: Annotated[
        Expectation | None, typer.Option(help="'public' when the docs are published on purpose (default: private).")
    ] = None,
    output_format: Annotated[
        ProbeFormat | None,  # type: ignore[valid-type]
        typer.Option("--format", "-f", help="Report format (default: text, or what the -o PATH extension names)."),
    ] = None,
    output: OutputOpt = [],  # noqa: B006
    fail_on: Annotated[
        FailOn | None,
        typer.Option(help="Exit 1 when a finding is at or above this severity (default: error).", case_sensitive=False),
    ] = None,
    show_info: Annotated[bool, typer.Option(help="List info findings (weak inputs) one by one.")] = False,
    config: ConfigOpt = None,
    rules_dir: RulesDirOpt = [],  # noqa: B006 - typer reads defaults, never mutates them
    header: Annotated[
        list[str], typer.Option("--header", "-H", help="Header used only to fetch a non-public description for review.")
    ] = [],  # noqa: B006
    header_env: HeaderEnvOpt = [],  # noqa: B006
    ca_bundle: CaBundleOpt = None,
    insecure: InsecureOpt = False,
    timeout: TimeoutOpt = 10.0,
    max_bytes: MaxBytesOpt = DEFAULT_MAX_BYTES,
) -> None:
    """Check a running service: do /docs, /redoc, /openapi.json answer without credentials? Then review the
    description found. Exit codes as for check."""
    from specreview.cli.outputs import parse_outputs, write_outputs
    from specreview.engine import review_document
    from specreview.findings import DocumentInfo, Report, Severity
    from specreview.probe import DOCS_EXPOSURE_RULE, exposure_findings
    from specreview.probe import probe as run_probe
    from specreview.probe_settings import probe_config
    from specreview.reporters import RenderContext

    settings, rules = setup(config, rules_dir)
    specs = parse_outputs(output_format.value if output_format is not None else None, output)  # before any request
    configured = probe_config(settings.raw, str(settings.path or "config"))
    environment = env or configured.get("env") or Environment.production
    expectation = expect or configured.get("expect") or Expectation.private
    options = fetch_options(header, timeout, max_bytes, header_env, ca_bundle, insecure)
    result = run_probe(base_url, options, [*configured.get("paths", []), *path], review_headers=options.headers)

    report = Report()
    if expectation is Expectation.private:
        report.findings.extend(exposure_findings(result, environment))
    elif result.document is None:
        raise fail(f"{result.base_url}: --expect public, but no OpenAPI description answered")
    if result.document is not None:
        document = result.document
        report.documents.append(DocumentInfo(document.source, document.version, document.title))
        report.findings.extend(raw.finding for raw in review_document(document, rules, settings.allow))
        if not result.document_public:
            typer.echo(
                f"specreview: no public description; reviewed {document.source} with the given headers", err=True
            )
    else:
        # Say what the description paths answered: a 401 or 403 means the description is there, behind credentials.
        guarded = sorted({status for status in result.answers.values() if status in (401, 403)})
        hint = (
            f" (HTTP {', '.join(map(str, guarded))}: give credentials with --header or --header-env to review it)"
            if guarded
            else ""
        )
        typer.echo(
            f"specreview: no OpenAPI description reachable at {result.base_url}{hint}; nothing else to review",
            err=True,
        )

    context = RenderContext(
        rules={DOCS_EXPOSURE_RULE.id: DOCS_EXPOSURE_RULE, **{r.id: r for r in rules}},
        tool_version=__version__,
        show_info=show_info,
    )
    write_outputs(report, specs, context, inputs=read_files(settings, rules))
    threshold = fail_on.value if fail_on is not None else (settings.fail_on or "error")
    worst = report.worst()
    if threshold != "never" and worst is not None and worst.at_least(Severity(threshold)):
        raise typer.Exit(ExitCode.FINDINGS)
