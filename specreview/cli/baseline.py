"""`specreview baseline SOURCE... -o specreview-baseline.json`: accept today's findings.

`check --baseline FILE` (and `review --baseline FILE`) then report only findings the file does not hold, and
list its entries that no longer occur. With no SOURCE, the config's targets are baselined under their names.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from specreview import __version__
from specreview.cli.app import (
    DEFAULT_MAX_BYTES,
    AllowRefsOpt,
    CaBundleOpt,
    ConfigOpt,
    ExitCode,
    HeaderEnvOpt,
    HeaderOpt,
    InsecureOpt,
    MaxBytesOpt,
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

DEFAULT_BASELINE = "specreview-baseline.json"


@app.command()
@handles_errors
def baseline(
    sources: Annotated[
        list[str] | None,
        typer.Argument(help="Files, directories, '-' or http(s) URLs; none: the config's targets.", show_default=False),
    ] = None,
    output: Annotated[str, typer.Option("--output", "-o", help="Baseline file to write.")] = DEFAULT_BASELINE,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing baseline file.")] = False,
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
    """Accept today's findings: write their fingerprints (no values, no line numbers) to a baseline file."""
    from specreview.baseline import render_baseline
    from specreview.cli import batch
    from specreview.output import write_atomic
    from specreview.reporters.base import plural
    from specreview.runner import Settings, expand_sources, review_jobs

    settings, rules = setup(config, rules_dir)
    fetch = fetch_options(header, timeout, max_bytes, header_env, ca_bundle, insecure)
    run_settings = Settings(fetch, max_bytes, config, tuple(rules_dir), ref_allow_list(allow_remote_refs))
    if sources:
        jobs = expand_sources(sources)
    else:
        from specreview.cli.review import plan_jobs

        if not settings.targets:
            raise fail("give a SOURCE, or list targets in the configuration")
        jobs, failures = plan_jobs(settings)
        for _, outcome in failures:
            batch.echo_outcome_messages(outcome)
        if failures:
            raise typer.Exit(ExitCode.ERROR)
    if Path(output).exists() and not force:
        # Checked before reviewing so a long run does not end in this error.
        typer.echo(f"specreview: error: {output}: exists; use --force to replace the baseline", err=True)
        raise typer.Exit(ExitCode.ERROR)
    outcomes = review_jobs(jobs, run_settings, settings.allow, rules)
    for outcome in outcomes:
        batch.echo_outcome_messages(outcome)
    if any(not o.ok and not o.skipped for o in outcomes):
        # A baseline without a target's findings would report them all as new next time: write nothing.
        raise typer.Exit(ExitCode.ERROR)
    report = batch.collect(outcomes)
    write_atomic(
        output,
        render_baseline(report.findings, __version__),
        force=True,
        inputs=[*(j.location for j in jobs), *read_files(settings, rules)],
    )
    typer.echo(
        f"specreview: baseline {output}: {plural(len(report.findings), 'finding')} accepted in "
        f"{plural(len(report.documents), 'document')}",
        err=True,
    )
