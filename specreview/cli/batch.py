"""What `check` and `review` share: review many documents, say what failed, apply a baseline, pick the exit code."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import typer

from specreview.baseline import BaselineEntry, Comparison, compare, document_key, load_baseline
from specreview.findings import DocumentInfo, Finding, Report, Severity
from specreview.runner import Outcome


@dataclass
class BatchResult:
    report: Report
    outcomes: list[Outcome]
    comparison: Comparison | None = None

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.ok and not o.skipped]


def echo_outcome_messages(outcome: Outcome) -> None:
    """Warnings and load errors on stderr, one line each (the error text names the document)."""
    for warning in outcome.warnings:
        typer.echo(f"specreview: warning: {outcome.job.name}: {warning}", err=True)
    if outcome.skipped:
        typer.echo(f"specreview: note: {outcome.job.name}: skipped, not an OpenAPI document", err=True)
    elif outcome.error is not None:
        typer.echo(f"specreview: error: {outcome.error}", err=True)


def collect(outcomes: Sequence[Outcome]) -> Report:
    report = Report()
    for outcome in outcomes:
        if outcome.document is not None:
            report.documents.append(outcome.document)
            report.findings.extend(outcome.findings)
    return report


def apply_baseline(report: Report, entries: Sequence[BaselineEntry]) -> tuple[Report, Comparison]:
    """The report with only the findings the baseline does not accept."""
    comparison = compare(report.findings, entries)
    return Report(documents=list(report.documents), findings=list(comparison.new)), comparison


def echo_baseline_summary(comparison: Comparison, path: str, reviewed: Sequence[DocumentInfo]) -> None:
    """On stderr, so machine-readable reports on stdout stay clean: what the baseline hid and what went away
    (only in the documents this run reviewed: the others were not looked at)."""
    gone = comparison.gone({d.source for d in reviewed})
    typer.echo(
        f"specreview: baseline {path}: {comparison.accepted} accepted, {len(comparison.new)} new, "
        f"{len(gone)} no longer occur",
        err=True,
    )
    for entry in gone:
        typer.echo(f"  no longer occurs: {entry.rule} at {entry.source}#{entry.pointer}", err=True)
    if (
        comparison.sources
        and not comparison.renamed
        and not comparison.sources & {document_key(d.source) for d in reviewed}
    ):
        # A baseline made from other paths or names (another directory, a URL target named otherwise) accepts
        # nothing: say so, or every finding looks new for no reason.
        names = sorted(comparison.sources)
        shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
        typer.echo(
            f"specreview: warning: baseline {path} has no entries for the documents reviewed (it has {shown})", err=True
        )


def read_baseline(path: str) -> list[BaselineEntry]:
    return load_baseline(path)


def exceeds(findings: Sequence[Finding], threshold: str) -> bool:
    """True when a finding is at or above the --fail-on threshold ("never" never is)."""
    if threshold == "never":
        return False
    return any(f.severity.at_least(Severity(threshold)) for f in findings)
