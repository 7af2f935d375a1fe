"""`specreview check SOURCE...`: review documents, print a report, exit by severity."""

from __future__ import annotations

import dataclasses
from enum import Enum
from typing import Annotated

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
    OutputOpt,
    RulesDirOpt,
    TimeoutOpt,
    app,
    fail,
    fetch_options,
    handles_errors,
    read_files,
    ref_allow_list,
    setup,
)


class OutputFormat(str, Enum):
    text = "text"
    json = "json"
    sarif = "sarif"
    markdown = "markdown"
    github = "github"
    junit = "junit"
    html = "html"


@app.command()
@handles_errors
def check(
    sources: Annotated[
        list[str] | None,
        typer.Argument(
            help="Files, directories, '-' for stdin, or http(s) URLs; none: the config's targets.", show_default=False
        ),
    ] = None,
    output_format: Annotated[
        OutputFormat | None,
        typer.Option("--format", "-f", help="Report format (default: text, or what the -o PATH extension names)."),
    ] = None,
    output: OutputOpt = [],  # noqa: B006
    baseline: Annotated[
        str | None, typer.Option("--baseline", help="Report only findings not accepted in this baseline file.")
    ] = None,
    jobs: Annotated[
        int | None,
        typer.Option(
            "--jobs",
            "-j",
            min=1,
            help="Processes for several documents (default: one per core); 1 also keeps one large document's review "
            "in one process.",
        ),
    ] = None,
    fail_on: Annotated[
        FailOn | None,
        typer.Option(help="Exit 1 when a finding is at or above this severity (default: error).", case_sensitive=False),
    ] = None,
    show_info: Annotated[bool, typer.Option(help="List info findings (weak inputs) one by one.")] = False,
    config: ConfigOpt = None,
    rules_dir: RulesDirOpt = [],  # noqa: B006 - typer reads defaults, never mutates them
    header: HeaderOpt = [],  # noqa: B006
    header_env: HeaderEnvOpt = [],  # noqa: B006
    ca_bundle: CaBundleOpt = None,
    insecure: InsecureOpt = False,
    allow_remote_refs: AllowRefsOpt = [],  # noqa: B006
    app_path: Annotated[
        str | None, typer.Option("--app", help="Review the document an app generates, 'module:attribute'.")
    ] = None,
    app_dir: Annotated[str | None, typer.Option(help="Directory to import the --app module from.")] = None,
    timeout: TimeoutOpt = 10.0,
    max_bytes: MaxBytesOpt = DEFAULT_MAX_BYTES,
) -> None:
    """Review documents and print a report; exit 1 when findings reach --fail-on."""
    from specreview.cli import batch
    from specreview.cli.outputs import parse_outputs, write_outputs
    from specreview.cli.review import in_config_order, plan_jobs
    from specreview.reporters import RenderContext
    from specreview.runner import Settings, expand_sources, review_jobs

    settings, rules = setup(config, rules_dir)
    fetch = fetch_options(header, timeout, max_bytes, header_env, ca_bundle, insecure)
    run_settings = Settings(fetch, max_bytes, config, tuple(rules_dir), ref_allow_list(allow_remote_refs))
    threshold = fail_on.value if fail_on is not None else (settings.fail_on or "error")
    if sources and sources.count("-") > 1:
        raise fail("'-' (standard input) can be given only once")
    specs = parse_outputs(output_format.value if output_format is not None else None, output)
    # The text report only counts info findings unless --show-info: then they need no source position.
    lists_info = show_info or any(spec.format != "text" for spec in specs)
    run_settings = dataclasses.replace(run_settings, locate="all" if lists_info else "no-info")
    if sources or app_path is not None:
        planned, failures = expand_sources(sources or []), []
    else:
        # No SOURCE: the config's targets, reported like any other sources (`review` writes the per-target
        # reports), with the config's baseline unless --baseline names one.
        planned, failures = plan_jobs(settings)
        baseline = baseline or (str(settings.baseline) if settings.baseline else None)
    entries = batch.read_baseline(baseline) if baseline else None
    done = review_jobs(planned, run_settings, settings.allow, rules, processes=jobs)
    outcomes = in_config_order(done, failures)
    for outcome in outcomes:
        batch.echo_outcome_messages(outcome)
    failed = any(not o.ok and not o.skipped for o in outcomes)
    if failed and all(not o.ok for o in outcomes):
        raise typer.Exit(ExitCode.ERROR)  # nothing was reviewed: the errors above are the whole story
    if sources and not any(o.ok for o in outcomes):
        # A directory with no OpenAPI document in it: a CI job pointed at the wrong folder must not pass.
        raise fail(f"no OpenAPI document found in {', '.join(sources)}")
    report = batch.collect(outcomes)
    if app_path is not None:
        from specreview.application.review import add_app_review

        add_app_review(report, app_path, app_dir, rules, settings.allow)
    if entries is not None:
        report, comparison = batch.apply_baseline(report, entries)
        batch.echo_baseline_summary(comparison, baseline or "", report.documents)
    context = RenderContext(rules={r.id: r for r in rules}, tool_version=__version__, show_info=show_info)
    # Every document read, a directory's included: a report must never replace one.
    protected = [*(sources or []), *(job.location for job in planned), *read_files(settings, rules, baseline)]
    if app_path is not None:
        from specreview.application.load import app_source_files

        protected += app_source_files(app_path)
    write_outputs(report, specs, context, inputs=protected)
    if failed:
        raise typer.Exit(ExitCode.ERROR)
    if batch.exceeds(report.findings, threshold):
        raise typer.Exit(ExitCode.FINDINGS)
