"""`check --app`: review the document an application generates, with each finding pointing at its code."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from specreview.application.code import CodeMap
from specreview.application.load import app_document, import_app
from specreview.config import Allowances
from specreview.document.model import Document
from specreview.engine import review_document
from specreview.findings import DocumentInfo, Finding, Report
from specreview.ruleset.model import Rule


def review_app(
    app_path: str, app_dir: str | Path | None, rules: Sequence[Rule], allow: Allowances | None = None
) -> tuple[Document, list[Finding]]:
    """Import `app_path`, review what its openapi() returns, and attach code locations to the findings."""
    app = import_app(app_path, app_dir)
    document = app_document(app, app_path)
    findings = [raw.finding for raw in review_document(document, rules, allow)]
    return document, CodeMap(app, app_path).attach(findings)


def add_app_review(
    report: Report, app_path: str, app_dir: str | Path | None, rules: Sequence[Rule], allow: Allowances | None
) -> None:
    """Review `app_path` into `report` (what `check --app` adds to the documents given as sources)."""
    document, findings = review_app(app_path, app_dir, rules, allow)
    report.documents.append(DocumentInfo(document.source, document.version, document.title))
    report.findings.extend(findings)
