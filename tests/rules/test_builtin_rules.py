"""Every built-in rule fires on its failing example and stays quiet on its passing one."""

from __future__ import annotations

import pytest

from specreview.api import as_document
from specreview.engine import review_document
from specreview.ruleset.load import builtin_rule_dir, load_rule_file, rule_files

RULE_FILES = rule_files(builtin_rule_dir())


@pytest.mark.parametrize("path", RULE_FILES, ids=lambda p: p.stem)
def test_rule_flags_its_failing_example(path, builtin_rules):
    rule = load_rule_file(path)
    found = review_document(as_document(rule.examples["fail"]), [rule])
    assert found, f"{rule.id} found nothing in its failing example"
    assert {r.finding.rule for r in found} == {rule.id}


@pytest.mark.parametrize("path", RULE_FILES, ids=lambda p: p.stem)
def test_rule_passes_its_passing_example(path):
    rule = load_rule_file(path)
    found = review_document(as_document(rule.examples["pass"]), [rule])
    assert [r.finding.pointer for r in found] == []


@pytest.mark.parametrize("path", RULE_FILES, ids=lambda p: p.stem)
def test_examples_are_valid_openapi(path):
    from openapi_spec_validator import validate

    rule = load_rule_file(path)
    for kind in ("fail", "pass"):
        validate(rule.examples[kind])
