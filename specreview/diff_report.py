"""`specreview diff` output: the DocumentDiff as JSON (for scripts) or as plain text (for a terminal or CI log).

Both are pure functions of the diff. Nothing here reads a document value: findings carry masked messages,
servers are stripped of user information and query strings, fields and operations are names only. So a diff
report, like a check report, can be pasted into a pull request without repeating a secret.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from typing import Any

from specreview.diff import MAX_FIELDS_PER_OPERATION, DocumentDiff, is_leak
from specreview.findings import DocumentInfo, Finding, Severity
from specreview.reporters.base import TOOL_NAME, WEAK_INPUT, location_text, plural
from specreview.reporters.json import finding_to_dict


def _counts(findings: Sequence[Finding]) -> dict[str, int]:
    counts = Counter(f.severity.value for f in findings)
    return {s.value: counts.get(s.value, 0) for s in Severity}


def _document(info: DocumentInfo) -> dict[str, str]:
    return {"source": info.source, "openapi": info.openapi, "title": info.title}


def diff_to_dict(diff: DocumentDiff, tool_version: str) -> dict[str, Any]:
    """`added` and `closed` have the same shape, so a script reads both sides the same way."""
    added_fields = {op: c.added for op, c in diff.response_fields.items() if c.added}
    removed_fields = {op: c.removed for op, c in diff.response_fields.items() if c.removed}
    return {
        "tool": {"name": TOOL_NAME, "version": tool_version},
        "old": _document(diff.old),
        "new": _document(diff.new),
        "fail_on": diff.threshold,
        "leaks": diff.leaks_something,
        "added": {
            "operations": diff.operations.added,
            "response_fields": added_fields,
            "servers": diff.servers.added,
            "hosts": diff.hosts.added,
            "findings": [{**finding_to_dict(f), "leak": is_leak(f, diff.threshold)} for f in diff.new_findings],
        },
        "closed": {
            "operations": diff.operations.removed,
            "response_fields": removed_fields,
            "servers": diff.servers.removed,
            "hosts": diff.hosts.removed,
            "findings": [finding_to_dict(f) for f in diff.closed],
        },
        # Operations with more response fields than diff lists: their fields are not compared, so not listed above.
        "response_fields_not_compared": diff.uncompared,
        "summary": {
            "leaks": len(diff.leaks),
            "new_findings": _counts(diff.new_findings),
            "closed_findings": _counts(diff.closed),
        },
    }


def render_diff_json(diff: DocumentDiff, tool_version: str) -> str:
    return json.dumps(diff_to_dict(diff, tool_version), indent=2) + "\n"


def _finding_line(finding: Finding, leak: bool) -> list[str]:
    mark = "!" if leak else " "
    head = f"  {mark} {finding.severity.value:<7} {finding.rule} ({finding.category})"
    where = location_text(finding)
    place = f"{where} {finding.pointer}" if where else finding.pointer
    return [head, f"      {place}", f"      {finding.message}"]


def _section(title: str, sign: str, items: Sequence[str]) -> list[str]:
    if not items:
        return []
    return [f"{title} ({len(items)}):", *(f"  {sign} {item}" for item in items), ""]


def _fields_section(title: str, sign: str, fields: dict[str, list[str]]) -> list[str]:
    if not fields:
        return []
    lines = [f"{title} ({plural(len(fields), 'operation')}):"]
    for operation, names in fields.items():
        lines.append(f"  {operation}")
        lines += [f"    {sign} {name}" for name in names]
    return [*lines, ""]


def _findings_section(title: str, findings: Sequence[Finding], diff: DocumentDiff, show_info: bool) -> list[str]:
    """New findings in full (place and message: the reviewer acts on them), closed ones one line each."""
    if not findings:
        return []
    is_new = findings is diff.new_findings
    # Weak inputs number in the hundreds on a real service; folded into one line they don't bury the leaks.
    listed = [f for f in findings if show_info or f.severity is not Severity.INFO or is_leak(f, diff.threshold)]
    folded = len(findings) - len(listed)
    lines = [f"{title} ({len(findings)}):"]
    for finding in listed:
        if is_new:
            lines += _finding_line(finding, leak=is_leak(finding, diff.threshold))
        else:
            lines.append(f"  - {finding.severity.value:<7} {finding.rule} {finding.pointer}")
    if folded:
        lines.append(f"    and {folded} info ({WEAK_INPUT} and the like); --show-info lists them")
    return [*lines, ""]


def _verdict(diff: DocumentDiff) -> str:
    if diff.threshold == "never":
        return "Not failing: --fail-on never."
    if diff.leaks:
        return (
            f"New leaks: {plural(len(diff.leaks), 'finding')} at or above {diff.threshold} "
            "or naming an internal host (marked !)."
        )
    return f"Nothing new leaks at or above {diff.threshold}."


def render_diff_text(diff: DocumentDiff, show_info: bool = False) -> str:
    """What NEW exposes first (that is what a reviewer acts on), then what it closed, then the verdict.

    Fields are listed for operations OLD already had: a new operation is news as a whole, its every field
    would bury the ones added to existing operations (the JSON report has them all)."""
    brand_new = set(diff.operations.added)
    fields_added = {op: c.added for op, c in diff.response_fields.items() if c.added and op not in brand_new}
    fields_removed = {op: c.removed for op, c in diff.response_fields.items() if c.removed}
    lines = [f"specreview diff: {diff.old.source} -> {diff.new.source}", ""]
    exposed = [
        *_section("New operations", "+", diff.operations.added),
        *_fields_section("New response fields of existing operations", "+", fields_added),
        *_section("New servers", "+", diff.servers.added),
        *_section("New hosts", "+", diff.hosts.added),
        *_findings_section("New findings", diff.new_findings, diff, show_info),
    ]
    closed = [
        *_section("Closed operations", "-", diff.operations.removed),
        *_fields_section("Removed response fields", "-", fields_removed),
        *_section("Removed servers", "-", diff.servers.removed),
        *_section("Removed hosts", "-", diff.hosts.removed),
        *_findings_section("Closed findings", diff.closed, diff, show_info),
    ]
    lines += exposed or ["Nothing new is exposed.", ""]
    lines += closed
    if diff.uncompared:
        lines += [
            f"Response fields not compared for {plural(len(diff.uncompared), 'operation')} with more than "
            f"{MAX_FIELDS_PER_OPERATION} each (findings still are).",
            "",
        ]
    new, gone = _counts(diff.new_findings), _counts(diff.closed)
    lines.append(
        f"{plural(len(diff.operations.added), 'new operation')}, {plural(len(diff.new_findings), 'new finding')} "
        f"({new['error']} error, {new['warning']} warning, {new['info']} info), "
        f"{plural(len(diff.closed), 'finding')} closed ({gone['error']} error)."
    )
    lines.append(_verdict(diff))
    return "\n".join(lines) + "\n"
