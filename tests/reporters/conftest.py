"""Factories for hand-built Rules and Reports, so a reporter bug can't hide behind an engine bug."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import Any

import pytest

from specreview.findings import DocumentInfo, Finding, Report, Severity, SourceLocation, hash_value, mask
from specreview.reporters import RenderContext
from specreview.ruleset.model import Docs, Match, Rule, Where

# A realistic-looking secret that must never appear in any report, whatever the format.
RAW_SECRET = "sk_live_51HxQzT2eZvKYlo2C0a9b8c7d6e5f4g3h2i1"
TOOL_VERSION = "9.8.7"


def make_rule(
    rule_id: str = "hashed-password-in-response",
    category: str = "sensitive-field",
    severity: Severity = Severity.ERROR,
    **overrides: Any,
) -> Rule:
    """A complete Rule with plausible docs; override any field by keyword."""
    fields: dict[str, Any] = {
        "id": rule_id,
        "category": category,
        "severity": severity,
        "summary": f"Summary of {rule_id}",
        "message": "{{name}} is exposed",
        "docs": Docs(
            what=f"Flags {rule_id}.",
            why="It leaks data to every reader of the published docs.",
            fix="Remove the field from the response model.",
            references=("https://cwe.mitre.org/data/definitions/200.html",),
        ),
        "given": ("$..properties",),
        "selectors": (),  # reporters never look at how a rule selects nodes
        "match": Match(on="key"),
        "where": Where(),
        "redact": "remove",
        "cwe": ("CWE-200",),
        "owasp": ("API3:2023 - Broken Object Property Level Authorization",),
    }
    fields.update(overrides)
    # The rule model grows while reporters don't care; pass only the fields it currently has.
    known = {f.name for f in dataclasses.fields(Rule)}
    return Rule(**{k: v for k, v in fields.items() if k in known})


def make_finding(
    rule: str = "hashed-password-in-response",
    category: str = "sensitive-field",
    severity: Severity = Severity.ERROR,
    pointer: str = "/components/schemas/UserInDB/properties/hashed_password",
    message: str = "Response schema exposes hashed_password; remove it from the response model.",
    **overrides: Any,
) -> Finding:
    """A Finding in openapi.json with a line and column unless overridden."""
    fields: dict[str, Any] = {"source": "openapi.json", "line": 120, "column": 9, "value_hash": "h-" + pointer}
    fields.update(overrides)
    return Finding(rule=rule, category=category, severity=severity, pointer=pointer, message=message, **fields)


def make_context(rules: Mapping[str, Rule], **overrides: Any) -> RenderContext:
    return RenderContext(rules=dict(rules), tool_version=TOOL_VERSION, **overrides)


RULES = {
    r.id: r
    for r in (
        make_rule(),
        make_rule("secret-in-example", "secret-in-example"),
        make_rule("internal-server-url", "internal-host", Severity.WARNING, cwe=("668",), owasp=()),
        make_rule("unbounded-string-input", "weak-input", Severity.INFO, cwe=("CWE-20",), owasp=()),
        make_rule("unbounded-array-input", "weak-input", Severity.INFO, cwe=(), owasp=()),
    )
}


def sample_findings() -> list[Finding]:
    """Two errors, one warning and 4 weak-input infos over two rules, in a deliberately shuffled order."""
    weak = [
        make_finding(
            "unbounded-string-input",
            "weak-input",
            Severity.INFO,
            f"/paths/~1items/get/parameters/{i}/schema",
            "String input has no maxLength, pattern, enum or format.",
            line=30 + i,
            column=13,
        )
        for i in range(3)
    ]
    weak.append(
        make_finding(
            "unbounded-array-input",
            "weak-input",
            Severity.INFO,
            "/components/schemas/Batch/properties/ids",
            "Array input has no maxItems.",
            line=80,
            column=11,
        )
    )
    return [
        weak[0],
        make_finding(
            "internal-server-url",
            "internal-host",
            Severity.WARNING,
            "/servers/1/url",
            "Server URL points at a private address (10.0.…); publish only public servers.",
            line=7,
            column=14,
        ),
        weak[1],
        make_finding(
            code_location=SourceLocation("app/models.py", 14, "UserInDB.hashed_password"),
        ),
        make_finding(
            "secret-in-example",
            "secret-in-example",
            Severity.ERROR,
            "/components/schemas/Payment/properties/api_key/example",
            f"Example looks like a live API key ({mask(RAW_SECRET)}); replace it with a placeholder.",
            line=200,
            column=22,
            value_hash=hash_value(RAW_SECRET),
        ),
        weak[2],
        weak[3],
    ]


@pytest.fixture
def raw_secret() -> str:
    """The secret behind the masked message in `report`; no output may contain it."""
    return RAW_SECRET


@pytest.fixture
def rule_factory() -> Callable[..., Rule]:
    return make_rule


@pytest.fixture
def finding_factory() -> Callable[..., Finding]:
    return make_finding


@pytest.fixture
def context_factory() -> Callable[..., RenderContext]:
    """Build a RenderContext; the sample rules unless `rules=` is given."""

    def build(rules: Mapping[str, Rule] | None = None, **overrides: Any) -> RenderContext:
        return make_context(RULES if rules is None else rules, **overrides)

    return build


@pytest.fixture
def report() -> Report:
    """One document with findings of every severity."""
    return Report(documents=[DocumentInfo("openapi.json", "3.1.0", "Petstore")], findings=sample_findings())


@pytest.fixture
def clean_report() -> Report:
    """One document, no findings."""
    return Report(documents=[DocumentInfo("specs/clean.yaml", "3.0.3", "Clean API")], findings=[])


@pytest.fixture
def ctx() -> RenderContext:
    """The sample rules, plain output, info summarised."""
    return make_context(RULES)
