"""SARIF 2.1.0 for code scanning (GitHub, Azure DevOps, IDE viewers).

Rule descriptors come from each rule's `docs`, so the code-scanning help text never drifts from
`specreview rules show`. Results carry `partialFingerprints` from the finding's fingerprint (no line
numbers in it), so an alert survives edits above it instead of being closed and reopened.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath, PureWindowsPath
from typing import Any
from urllib.parse import quote, urlsplit

from specreview.document.emit import ascii_json
from specreview.findings import Finding, Report, Severity
from specreview.reporters.base import TOOL_NAME, RenderContext
from specreview.ruleset.model import Rule

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
INFORMATION_URI = "https://pypi.org/project/specreview/"
FINGERPRINT_KEY = "specreview/v1"

# The one place severity becomes a SARIF level.
_LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
# GitHub reads `security-severity` (0.0-10.0) on rules tagged "security": >=7 high, >=4 medium, else low.
_SECURITY_SEVERITY = {Severity.ERROR: "7.5", Severity.WARNING: "5.0", Severity.INFO: "2.0"}
# Leaks are security findings; weak-input is hardening, and unknown categories (e.g. validation) are neither.
SECURITY_CATEGORIES = frozenset(
    {"sensitive-field", "internal-path", "verbose-error", "secret-in-example", "internal-host", "docs-exposure"}
)
# Characters that may stay as they are in a URI reference (RFC 3986 reserved + unreserved + '%').
_URI_SAFE = "/:?#[]@!$&'()*+,;=-._~%"


def sarif_level(severity: Severity) -> str:
    """error -> error, warning -> warning, info -> note."""
    return _LEVELS[severity]


def camel_case(rule_id: str) -> str:
    """`hashed-password-in-response` -> `HashedPasswordInResponse` (SARIF's readable rule name)."""
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[^0-9A-Za-z]+", rule_id) if part)


def _cwe_tag(cwe: str) -> str:
    """`CWE-200`, `cwe-200: Exposure…` or `200` -> `external/cwe/cwe-200` (the tag GitHub recognises)."""
    found = re.search(r"\d+", cwe)
    return f"external/cwe/cwe-{found.group()}" if found else f"external/cwe/{cwe.strip().lower()}"


def _owasp_tag(owasp: str) -> str:
    """`API3:2023 - Broken Object Property Level Authorization` -> `external/owasp/api3:2023`."""
    ident = owasp.split(" - ")[0].strip().lower().replace(" ", "-")
    return f"external/owasp/{ident}"


def artifact_uri(source: str) -> str:
    """A finding's source as a SARIF URI: relative paths kept relative with forward slashes, URLs unchanged,
    absolute paths as `file://` URIs; characters not allowed in a URI are percent-encoded."""
    if urlsplit(source).scheme.lower() in {"http", "https", "file"}:
        return source
    windows = PureWindowsPath(source)
    if windows.drive and windows.root:
        return windows.as_uri()
    posix = source.replace("\\", "/")
    if PurePosixPath(posix).is_absolute():
        return PurePosixPath(posix).as_uri()
    return quote(posix, safe=_URI_SAFE)


def _help(rule: Rule) -> dict[str, str]:
    """Plain and Markdown help from the rule's docs (what / why / fix / references)."""
    docs = rule.docs
    refs = list(docs.references)
    text = f"{docs.what}\n\nWhy is this bad?\n{docs.why}\n\nHow to fix it:\n{docs.fix}"
    markdown = f"## What it does\n{docs.what}\n\n## Why is this bad?\n{docs.why}\n\n## How to fix it\n{docs.fix}"
    if refs:
        text += "\n\nReferences:\n" + "\n".join(f"- {ref}" for ref in refs)
        markdown += "\n\n## References\n" + "\n".join(f"- {ref}" for ref in refs)
    return {"text": text, "markdown": markdown}


def _properties(
    category: str, severity: Severity, cwe: tuple[str, ...] = (), owasp: tuple[str, ...] = ()
) -> dict[str, Any]:
    tags = [category]
    security = category in SECURITY_CATEGORIES
    if security:
        tags.append("security")
    tags += [_cwe_tag(c) for c in cwe] + [_owasp_tag(o) for o in owasp]
    props: dict[str, Any] = {"tags": list(dict.fromkeys(tags)), "category": category}
    if security:
        props["security-severity"] = _SECURITY_SEVERITY[severity]
    return props


def rule_descriptor(rule: Rule) -> dict[str, Any]:
    """A SARIF reportingDescriptor built from the rule and its docs."""
    descriptor: dict[str, Any] = {
        "id": rule.id,
        "name": camel_case(rule.id),
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.docs.what},
        "help": _help(rule),
        "defaultConfiguration": {"level": sarif_level(rule.severity)},
        "properties": _properties(rule.category, rule.severity, rule.cwe, rule.owasp),
    }
    if not rule.enabled:
        descriptor["defaultConfiguration"]["enabled"] = False
    return descriptor


def _unknown_rule_descriptor(finding: Finding) -> dict[str, Any]:
    """A minimal descriptor for a finding whose rule is not in the context (e.g. a reserved validator id)."""
    return {
        "id": finding.rule,
        "name": camel_case(finding.rule),
        "shortDescription": {"text": finding.rule},
        "defaultConfiguration": {"level": sarif_level(finding.severity)},
        "properties": _properties(finding.category, finding.severity),
    }


def _locations(finding: Finding) -> list[dict[str, Any]]:
    """The spec location (file region + JSON pointer), then the code location when known."""
    primary: dict[str, Any] = {}
    if finding.source:
        physical: dict[str, Any] = {"artifactLocation": {"uri": artifact_uri(finding.source)}}
        if finding.line is not None and finding.line >= 1:
            region = {"startLine": finding.line}
            if finding.column is not None and finding.column >= 1:
                region["startColumn"] = finding.column
            physical["region"] = region
        primary["physicalLocation"] = physical
    primary["logicalLocations"] = [{"fullyQualifiedName": finding.pointer, "kind": "member"}]
    locations = [primary]
    code = finding.code_location
    if code is not None:
        physical = {"artifactLocation": {"uri": artifact_uri(code.path)}}
        if code.line >= 1:
            physical["region"] = {"startLine": code.line}
        extra: dict[str, Any] = {"physicalLocation": physical}
        if code.symbol:
            extra["message"] = {"text": f"Defined in code as {code.symbol}"}
        if finding.line is None:
            # A generated document (check --app) has no file to annotate: the code that generates it is the place.
            extra["logicalLocations"] = primary["logicalLocations"]
            return [extra]
        locations.append(extra)
    return locations


def _result(finding: Finding, rule_index: int) -> dict[str, Any]:
    return {
        "ruleId": finding.rule,
        "ruleIndex": rule_index,
        "level": sarif_level(finding.severity),
        "message": {"text": finding.message},
        "locations": _locations(finding),
        "partialFingerprints": {FINGERPRINT_KEY: finding.fingerprint},
        "properties": {"category": finding.category},
    }


def report_to_sarif(report: Report, ctx: RenderContext) -> dict[str, Any]:
    """The SARIF log as plain data: one run, every known rule described, one result per finding."""
    descriptors = [rule_descriptor(ctx.rules[rule_id]) for rule_id in sorted(ctx.rules)]
    index = {d["id"]: i for i, d in enumerate(descriptors)}
    findings = report.sorted_findings()
    for finding in findings:
        if finding.rule not in index:
            index[finding.rule] = len(descriptors)
            descriptors.append(_unknown_rule_descriptor(finding))
    driver = {
        "name": TOOL_NAME,
        "version": ctx.tool_version,
        "informationUri": INFORMATION_URI,
        "rules": descriptors,
    }
    run = {
        "tool": {"driver": driver},
        "columnKind": "unicodeCodePoints",
        "results": [_result(f, index[f.rule]) for f in findings],
    }
    return {"$schema": SARIF_SCHEMA_URI, "version": SARIF_VERSION, "runs": [run]}


def render_sarif(report: Report, ctx: RenderContext) -> str:
    """Render `--format sarif`."""
    return ascii_json(report_to_sarif(report, ctx))
