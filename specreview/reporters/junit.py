"""JUnit XML, for CI systems that only show test reports (GitLab, Jenkins, Azure Pipelines).

One testsuite per document and one testcase per finding: errors and warnings fail, info findings
pass with their message in system-out, and a clean document gets one passing testcase so the
suite is never empty (some CI parsers treat an empty suite as a broken report).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from specreview.findings import Finding, Report, Severity
from specreview.reporters.base import TOOL_NAME, RenderContext, code_location_text, group_by_document, location_text

# XML 1.0 forbids most control characters even when escaped; a message must never make the file invalid.
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(text: str) -> str:
    return _INVALID_XML.sub("\ufffd", text)


def _details(finding: Finding) -> str:
    """The body of a failure / system-out: everything a reader needs without opening the spec."""
    lines = [
        f"{finding.severity.value} [{finding.category}] {finding.rule}",
        f"pointer: {finding.pointer or '/'}",
    ]
    where = location_text(finding)
    if where:
        lines.append(f"location: {where}")
    code = code_location_text(finding)
    if code:
        lines.append(f"code: {code}")
    lines.append(finding.message)
    return _clean("\n".join(lines))


def _testcase(suite: ET.Element, finding: Finding) -> None:
    attrs = {"classname": _clean(finding.rule), "name": _clean(finding.pointer or "/")}
    if finding.source:
        attrs["file"] = _clean(finding.source)
    if finding.line is not None:
        attrs["line"] = str(finding.line)
    case = ET.SubElement(suite, "testcase", attrs)
    if finding.severity is Severity.INFO:
        ET.SubElement(case, "system-out").text = _details(finding)
    else:
        failure = ET.SubElement(case, "failure", message=_clean(finding.message), type=finding.severity.value)
        failure.text = _details(finding)


def render_junit(report: Report, ctx: RenderContext) -> str:
    """Render `--format junit`."""
    root = ET.Element("testsuites", name=TOOL_NAME)
    total_tests = total_failures = 0
    for doc, findings in group_by_document(report):
        failures = sum(1 for f in findings if f.severity is not Severity.INFO)
        tests = len(findings) or 1
        suite = ET.SubElement(
            root,
            "testsuite",
            name=_clean(doc.source or "(no source)"),
            tests=str(tests),
            failures=str(failures),
            errors="0",
            skipped="0",
        )
        props = ET.SubElement(suite, "properties")
        for key, value in (("openapi", doc.openapi), ("title", doc.title), ("tool_version", ctx.tool_version)):
            if value:
                ET.SubElement(props, "property", name=key, value=_clean(value))
        for finding in findings:
            _testcase(suite, finding)
        if not findings:
            ET.SubElement(suite, "testcase", classname=TOOL_NAME, name=TOOL_NAME)
        total_tests += tests
        total_failures += failures
    root.set("tests", str(total_tests))
    root.set("failures", str(total_failures))
    root.set("errors", "0")
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"
