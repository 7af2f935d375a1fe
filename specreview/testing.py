"""Fail a team's own test suite when their app's description has findings at or above a severity.

    # tests/test_openapi.py
    from myservice.main import app
    from specreview.testing import assert_no_findings

    def test_openapi_does_not_leak():
        assert_no_findings(app, fail_on="warning")

The assertion message lists each finding with its rule, JSON pointer and, for a FastAPI app, the model field
or route function to change, so the failing test says what to fix. Works without pytest (a plain AssertionError).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

from specreview.config import Allowances, Config
from specreview.document.model import Document
from specreview.findings import Finding, Report, Severity
from specreview.ruleset.model import Rule

_MAX_LISTED = 50


def review_app(app_or_document: Any, rules: Sequence[Rule] | None = None, allow: Allowances | None = None) -> Report:
    """Review an application (anything with `openapi()`), a Document or a plain dict; code locations attached."""
    from specreview.api import as_document, default_rules
    from specreview.engine import review_document
    from specreview.findings import DocumentInfo

    active = default_rules() if rules is None else rules
    if isinstance(app_or_document, (Document, dict)):
        document, app = as_document(app_or_document), None
    else:
        from specreview.application.load import app_document

        app = app_or_document
        document = app_document(app, f"{type(app).__name__}.openapi()")
    findings = [raw.finding for raw in review_document(document, active, allow)]
    if app is not None:
        from specreview.application.code import CodeMap

        findings = CodeMap(app).attach(findings)
    return Report([DocumentInfo(document.source, document.version, document.title)], findings)


def assert_no_findings(
    app_or_document: Any,
    fail_on: str | Severity | None = None,
    *,
    rules: Sequence[Rule] | None = None,
    allow: Allowances | None = None,
    config: str | os.PathLike[str] | bool = True,
) -> Report:
    """Raise AssertionError listing every finding at or above `fail_on` ("error", "warning", "info" or "never").

    The project's configuration applies as it does to `specreview check`: `specreview.yaml` or
    `[tool.specreview]` found from the working directory (`config=True`), the file `config` names, or none
    (`config=False`). It sets the rules, the allowances and `fail_on` unless they are passed here. Returns the
    full report (findings below the threshold included) for further checks.
    """
    __tracebackhide__ = True  # pytest shows the findings, not this function's source
    settings = _config(config)
    if rules is None:
        from specreview.ruleset.load import load_rules

        rules = settings.apply(load_rules(settings.rule_dirs))
    threshold = str(fail_on.value if isinstance(fail_on, Severity) else fail_on or settings.fail_on or "error").lower()
    report = review_app(app_or_document, rules, settings.allow if allow is None else allow)
    if threshold == "never":
        return report
    try:
        severity = Severity(threshold)
    except ValueError:
        raise ValueError(f"fail_on must be error, warning, info or never, not {fail_on!r}") from None
    failing = [f for f in report.sorted_findings() if f.severity.at_least(severity)]
    if failing:
        lines = [f"{len(failing)} OpenAPI finding(s) at or above {severity.value}:"]
        lines += [_describe(f) for f in failing[:_MAX_LISTED]]
        if len(failing) > _MAX_LISTED:
            lines.append(f"  ... and {len(failing) - _MAX_LISTED} more")
        raise AssertionError("\n".join(lines))
    return report


def _config(config: str | os.PathLike[str] | bool) -> Config:
    from specreview.config import Config, load_config

    if config is False:
        return Config()
    return load_config(None if config is True else os.fspath(config))


def _describe(finding: Finding) -> str:
    text = f"  {finding.severity.value} {finding.rule} at {finding.pointer or '/'}: {finding.message}"
    code = finding.code_location
    if code is not None:
        symbol = f" ({code.symbol})" if code.symbol else ""
        text += f"\n      fix in {code.path}:{code.line}{symbol}"
    return text
