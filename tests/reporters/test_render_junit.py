"""JUnit XML: parses, one suite per document, failures for errors/warnings, info passes with system-out."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable

from specreview.findings import DocumentInfo, Finding, Report
from specreview.reporters import RenderContext
from specreview.reporters.junit import render_junit


def test_parses_and_counts(report: Report, ctx: RenderContext) -> None:
    root = ET.fromstring(render_junit(report, ctx))
    assert root.tag == "testsuites"
    assert (root.get("tests"), root.get("failures")) == ("7", "3")
    (suite,) = root.findall("testsuite")
    assert suite.get("name") == "openapi.json"
    cases = suite.findall("testcase")
    assert len(cases) == 7
    failed = [c for c in cases if c.find("failure") is not None]
    assert [c.get("classname") for c in failed] == [
        "hashed-password-in-response",
        "secret-in-example",
        "internal-server-url",
    ]
    assert failed[0].get("name") == "/components/schemas/UserInDB/properties/hashed_password"
    assert failed[0].find("failure").get("type") == "error"
    info = [c for c in cases if c.find("failure") is None]
    assert all(c.find("system-out") is not None and c.find("skipped") is None for c in info)


def test_clean_document_gets_a_passing_case(finding_factory: Callable[..., Finding], ctx: RenderContext) -> None:
    report = Report(
        documents=[DocumentInfo("a.yaml", "3.0.3", "A"), DocumentInfo("b.yaml", "3.0.3", "B")],
        findings=[finding_factory(source="a.yaml")],
    )
    root = ET.fromstring(render_junit(report, ctx))
    suites = {s.get("name"): s for s in root.findall("testsuite")}
    assert list(suites) == ["a.yaml", "b.yaml"]
    (case,) = suites["b.yaml"].findall("testcase")
    assert case.get("classname") == "specreview" and list(case) == []


def test_special_characters_stay_valid_xml(finding_factory: Callable[..., Finding], ctx: RenderContext) -> None:
    message = 'a <b> & "c" \x00\x1b end'
    root = ET.fromstring(render_junit(Report(findings=[finding_factory(message=message, pointer="/x<y>&")]), ctx))
    case = root.find("testsuite/testcase")
    assert case.get("name") == "/x<y>&"
    assert case.find("failure").get("message") == 'a <b> & "c" \ufffd\ufffd end'
