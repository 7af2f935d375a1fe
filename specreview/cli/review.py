"""`specreview review`: the scheduled job. Review every target in the config, one report per target, one summary.

    specreview review                                   # targets, formats and output dir from specreview.yaml
    specreview review --output-dir reports -f sarif -f html --baseline specreview-baseline.json

Targets are reviewed in parallel; a progress bar shows on a terminal, one plain line per target in CI logs.
A target that cannot be loaded is reported and the others still run. Exit: 2 if a target failed, else 1 if a
finding reaches --fail-on, else 0.
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Sequence
from pathlib import Path
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
from specreview.cli.outputs import EXTENSIONS
from specreview.errors import ConfigError, SpecreviewError
from specreview.reporters import FORMATS

if TYPE_CHECKING:
    from specreview.config import Config
    from specreview.findings import Finding
    from specreview.reporters.html import TargetSummary
    from specreview.ruleset.model import Rule
    from specreview.runner import Job, Outcome, Settings

DEFAULT_FORMATS = ("json", "html")
DEFAULT_OUTPUT_DIR = "specreview-reports"
SUMMARY_FILE = "summary.json"
INDEX_FILE = "index.html"
_DOCUMENT_SUFFIX = re.compile(r"\.(json|ya?ml)$", re.IGNORECASE)


@app.command()
@handles_errors
def review(
    config: ConfigOpt = None,
    output_dir: Annotated[
        Path | None, typer.Option("--output-dir", "-d", help=f"Reports directory (default: {DEFAULT_OUTPUT_DIR}).")
    ] = None,
    formats: Annotated[
        list[str], typer.Option("--format", "-f", help=f"Report format per target, repeatable: {', '.join(FORMATS)}.")
    ] = [],  # noqa: B006 - typer reads defaults, never mutates them
    baseline: Annotated[
        str | None, typer.Option("--baseline", help="Report only findings not accepted in this baseline file.")
    ] = None,
    fail_on: Annotated[
        FailOn | None,
        typer.Option(help="Exit 1 when a finding is at or above this severity (default: error).", case_sensitive=False),
    ] = None,
    jobs: Annotated[int | None, typer.Option("--jobs", "-j", min=1, help="Processes (default: one per core).")] = None,
    show_info: Annotated[bool, typer.Option(help="List info findings one by one in the reports.")] = False,
    rules_dir: RulesDirOpt = [],  # noqa: B006
    timeout: TimeoutOpt = 10.0,
    max_bytes: MaxBytesOpt = DEFAULT_MAX_BYTES,
    allow_remote_refs: AllowRefsOpt = [],  # noqa: B006
    ca_bundle: CaBundleOpt = None,
    insecure: InsecureOpt = False,
) -> None:
    """Review every target in the config: one report per target, a summary table, exit by the worst result."""
    for name in formats:
        if name not in FORMATS:
            raise ConfigError(f"--format {name}: unknown format (known: {', '.join(FORMATS)})")
    from specreview.runner import Settings

    settings, rules = setup(config, rules_dir)
    fetch = fetch_options([], timeout, max_bytes, ca_bundle=ca_bundle, insecure=insecure)  # headers: per target
    run_settings = Settings(fetch, max_bytes, config, tuple(rules_dir), ref_allow_list(allow_remote_refs))
    threshold = fail_on.value if fail_on is not None else (settings.fail_on or "error")
    review_targets(settings, rules, run_settings, threshold, baseline, jobs, show_info, output_dir, formats)


def review_targets(
    settings: Config,
    rules: Sequence[Rule],
    run_settings: Settings,
    threshold: str,
    baseline: str | None,
    jobs: int | None,
    show_info: bool,
    output_dir: Path | None = None,
    formats: Sequence[str] = (),
) -> None:
    """Run the configured targets and exit with the worst result (also what `check` does without a SOURCE)."""
    from specreview.cli import batch
    from specreview.runner import review_jobs

    jobs_list, failures = plan_jobs(settings)
    baseline_path = baseline or (str(settings.baseline) if settings.baseline else None)
    entries = batch.read_baseline(baseline_path) if baseline_path else None
    out_dir = output_dir or settings.output.dir or Path(DEFAULT_OUTPUT_DIR)
    chosen = tuple(dict.fromkeys(formats)) or settings.output.formats or DEFAULT_FORMATS
    make_reports_dir(out_dir)  # an --output-dir that is a file fails now, not after every target is fetched
    with Progress(len(jobs_list), before_baseline=entries is not None) as progress:
        done = review_jobs(jobs_list, run_settings, settings.allow, rules, processes=jobs, on_done=progress.advance)
    outcomes = in_config_order(done, failures)
    for outcome in outcomes:
        if outcome.warnings or outcome.error:
            batch.echo_outcome_messages(outcome)
    report = batch.collect(outcomes)
    baseline_result: dict[str, object] | None = None
    if entries is not None:
        report, comparison = batch.apply_baseline(report, entries)
        batch.echo_baseline_summary(comparison, baseline_path or "", report.documents)
        gone = comparison.gone({d.source for d in report.documents})
        baseline_result = {
            "file": baseline_path,
            "accepted": comparison.accepted,
            "new": len(comparison.new),
            "no_longer_occur": [{"rule": e.rule, "source": e.source, "pointer": e.pointer} for e in gone],
        }
    protected = read_files(settings, rules, baseline_path)  # a report named like the baseline must not replace it
    summaries = write_reports(
        outcomes,
        report.findings,
        out_dir,
        chosen,
        rules,
        show_info,
        new_only=entries is not None,
        protected=protected,
        baseline=baseline_result,
    )
    print_summary(summaries, out_dir)
    if any(o.error is not None for o in outcomes):
        raise typer.Exit(ExitCode.ERROR)
    if batch.exceeds(report.findings, threshold):
        raise typer.Exit(ExitCode.FINDINGS)


def plan_jobs(settings: Config) -> tuple[list[Job], list[tuple[int, Outcome]]]:
    """One job per file, glob match or URL; a target that cannot even start (no match, unset variable) fails here.
    Raises ConfigError when the config lists no targets."""
    from specreview.document.fetch import display_url
    from specreview.runner import Job, Outcome

    if not settings.targets:
        where = settings.path or "specreview.yaml or [tool.specreview] in pyproject.toml"
        raise ConfigError(
            f"no targets to review: list them under 'targets' in {where}, or run 'specreview check SOURCE'"
        )

    jobs: list[Job] = []
    failures: list[tuple[int, Outcome]] = []
    names: set[str] = set()
    for target in settings.targets:
        label = target.name or (display_url(target.source) if target.is_url else target.source)
        try:
            headers = target.resolve_headers()
            expanded = target.expand()
        except SpecreviewError as exc:
            failures.append((len(jobs) + len(failures), Outcome(Job(label, target.source), error=str(exc))))
            continue
        for name, location in expanded:
            if target.is_url:
                name = target.name or display_url(location)
            unique, n = name, 2
            while unique in names:
                unique, n = f"{name} ({n})", n + 1
            names.add(unique)
            jobs.append(Job(unique, location, headers))
    return jobs, failures


def in_config_order(done: list[Outcome], failures: list[tuple[int, Outcome]]) -> list[Outcome]:
    outcomes = list(done)
    for position, outcome in failures:
        outcomes.insert(position, outcome)
    return outcomes


def report_stem(name: str) -> str:
    """A file name stem for a target's reports: `specs/billing.openapi.json` -> `specs-billing.openapi`."""
    stem = _DOCUMENT_SUFFIX.sub("", name.split("://", 1)[-1])
    return re.sub(r"[^A-Za-z0-9._-]+", "-", stem).strip("-.") or "target"


def write_reports(
    outcomes: Sequence[Outcome],
    findings: Sequence[Finding],
    out_dir: Path,
    formats: Sequence[str],
    rules: Sequence[Rule],
    show_info: bool,
    *,
    new_only: bool = False,
    protected: Sequence[str] = (),
    baseline: dict[str, object] | None = None,
) -> list[TargetSummary]:
    """One report per reviewed target and format, `summary.json`, and `index.html` when html is among them: all
    written, or none when one of them would replace a file the run read (`protected`, the documents besides)."""
    from specreview.findings import Report
    from specreview.output import write_all
    from specreview.reporters import REPORTERS, RenderContext
    from specreview.reporters.html import TargetSummary, render_html_index

    make_reports_dir(out_dir)
    ctx = RenderContext(rules={r.id: r for r in rules}, tool_version=__version__, show_info=show_info)
    by_source: dict[str, list[Finding]] = {}
    for finding in findings:
        by_source.setdefault(finding.source, []).append(finding)
    summaries: list[TargetSummary] = []
    stems: set[str] = {Path(INDEX_FILE).stem, Path(SUMMARY_FILE).stem}  # a target called `index` is `index-2`
    inputs = [*protected, *(o.job.location for o in outcomes)]
    outputs: list[tuple[str, str]] = []
    for outcome in outcomes:
        if outcome.document is None:
            summaries.append(TargetSummary(outcome.job.name, error=outcome.error or "not reviewed"))
            continue
        stem, n = report_stem(outcome.job.name), 2
        while stem in stems:
            stem, n = f"{report_stem(outcome.job.name)}-{n}", n + 1
        stems.add(stem)
        report = Report(documents=[outcome.document], findings=by_source.get(outcome.document.source, []))
        files = []
        for fmt in formats:
            file_name = stem + EXTENSIONS[fmt]
            outputs.append((str(out_dir / file_name), REPORTERS[fmt](report, ctx)))
            files.append((fmt, file_name))
        summaries.append(
            TargetSummary(
                outcome.job.name, report.summary(), None, tuple(files), outcome.document.title, new_only=new_only
            )
        )
    outputs.append((str(out_dir / SUMMARY_FILE), _summary_json(summaries, new_only, baseline)))
    if "html" in formats:
        outputs.append((str(out_dir / INDEX_FILE), render_html_index(summaries, ctx)))
    earlier = _reports_listed(out_dir)
    write_all(outputs, force=True, inputs=inputs)
    _remove_stale(out_dir, earlier - {Path(path).name for path, _ in outputs}, inputs)
    return summaries


def _reports_listed(out_dir: Path) -> set[str]:
    """The report files an earlier review listed in the directory's summary.json (and its index.html): this run
    replaces the directory's reports, and one of a target no longer configured would pass for a current one."""
    try:
        data = json.loads((out_dir / SUMMARY_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return set()
    targets = data.get("targets") if isinstance(data, dict) else None
    if not isinstance(targets, list) or not isinstance(data.get("tool"), dict):
        return set()
    names: set[str] = set()
    for target in targets:
        reports = target.get("reports") if isinstance(target, dict) else None
        if isinstance(reports, dict):
            names.update(name for name in reports.values() if isinstance(name, str))
    if any(name.endswith(EXTENSIONS["html"]) for name in names):
        names.add(INDEX_FILE)  # written with html reports
    # Only a plain file name with a report's extension, never a path: summary.json is a file anyone could edit.
    return {name for name in names if name == Path(name).name and name.endswith(tuple(EXTENSIONS.values()))}


def _remove_stale(out_dir: Path, names: set[str], inputs: Sequence[str]) -> None:
    from specreview.output import same_target

    for name in sorted(names):
        path = out_dir / name
        if path.is_file() and not path.is_symlink() and not any(same_target(str(path), i) for i in inputs):
            try:
                path.unlink()
            except OSError:
                pass  # a report left behind is a nuisance, not a failure of this run


def make_reports_dir(out_dir: Path) -> None:
    """Create the reports directory, or fail in one line (before any target is fetched, when run early)."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(f"{out_dir}: cannot create the reports directory: {exc.strerror or exc}") from None


def _summary_json(summaries: Sequence[TargetSummary], new_only: bool, baseline: dict[str, object] | None) -> str:
    totals = {"error": 0, "warning": 0, "info": 0}
    targets = []
    for s in summaries:
        for key in totals:
            totals[key] += s.counts.get(key, 0)
        targets.append(
            {
                "name": s.name,
                "title": s.title,
                "status": "error" if s.error is not None else "reviewed",
                "error": s.error,
                "summary": s.counts or None,
                "reports": dict(s.reports),
            }
        )
    data = {
        "tool": {"name": "specreview", "version": __version__},
        "baseline_applied": new_only,
        # What the baseline did, when one was applied: the counts stderr shows, and what no longer occurs.
        **({"baseline": baseline} if baseline is not None else {}),
        "targets": targets,
        "summary": totals,
    }
    return json.dumps(data, indent=2) + "\n"


def _interactive() -> bool:
    return sys.stderr.isatty() and not os.environ.get("CI")


class Progress:
    """A rich progress bar on a terminal; in CI (or any non-terminal) one plain line per finished target."""

    def __init__(self, total: int, *, before_baseline: bool = False) -> None:
        self.total = total
        # A target's line comes before the baseline is applied: say so, or "19 errors" here and "clean" in the
        # summary table read as a contradiction.
        self._suffix = " (before the baseline)" if before_baseline else ""
        self.done = 0
        self._bar = None
        self._task = None

    def __enter__(self) -> Progress:
        if _interactive() and self.total:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            self._bar = Progress(
                TextColumn("reviewing"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                TextColumn("{task.description}"),
                console=Console(stderr=True),
                transient=True,
            )
            self._bar.__enter__()
            self._task = self._bar.add_task("", total=self.total)
        return self

    def advance(self, outcome: Outcome) -> None:
        from specreview.reporters.base import summary_text

        self.done += 1
        if self._bar is not None:
            self._bar.update(self._task, advance=1, description=outcome.job.name)
            return
        if outcome.document is not None:
            from specreview.findings import Report

            what = summary_text(Report([outcome.document], outcome.findings)).removesuffix(" in 1 document")
            what += self._suffix
        else:
            what = "failed to load" if not outcome.skipped else "skipped"
        typer.echo(f"[{self.done}/{self.total}] {outcome.job.name}: {what}", err=True)

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.__exit__(None, None, None)


def print_summary(summaries: Sequence[TargetSummary], out_dir: Path) -> None:
    """The summary table on stdout: one row per target, worst result first in the verdict line."""
    from rich.console import Console
    from rich.table import Table

    color = sys.stdout.isatty() and "NO_COLOR" not in os.environ
    console = Console(
        force_terminal=color, no_color=not color, highlight=False, emoji=False, width=None if color else 120
    )
    table = Table(title=None, show_lines=False, box=None if not color else None, pad_edge=False)
    for column, justify in (("target", "left"), ("result", "left"), ("errors", "right"), ("warnings", "right")):
        table.add_column(column, justify=justify)  # type: ignore[arg-type]
    table.add_column("info", justify="right")
    for s in summaries:
        if s.error is not None:
            table.add_row(s.name, "failed to load", "", "", "")
            continue
        worst = next((k for k in ("error", "warning", "info") if s.counts.get(k)), None)
        # After a baseline the counts are of new findings: "clean" would claim a target with accepted leaks has none.
        result = worst or ("no new findings" if s.new_only else "clean")
        table.add_row(s.name, result, *(str(s.counts.get(k, 0)) for k in ("error", "warning", "info")))
    console.print(table, markup=False)
    failed = sum(1 for s in summaries if s.error is not None)
    errors = sum(s.counts.get("error", 0) for s in summaries)
    warnings = sum(s.counts.get("warning", 0) for s in summaries)
    since = " new since the baseline" if any(s.new_only for s in summaries) else ""
    from specreview.reporters.base import plural

    counts = (
        f"{plural(len(summaries), 'target')}, {failed} failed, {plural(errors, 'error')}, {plural(warnings, 'warning')}"
    )
    verdict = f"{counts}{since}; reports in {out_dir}"
    console.print(verdict, markup=False)
