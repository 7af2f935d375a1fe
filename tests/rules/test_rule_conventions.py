"""The metalinter: rules carry their documentation, metadata and examples (semgrep-rules' CONTRIBUTING)."""

from __future__ import annotations

import pytest

from specreview.ruleset.load import builtin_rule_dir, load_rule_file, rule_files

RULE_FILES = rule_files(builtin_rule_dir())
SECURITY = {"sensitive-field", "internal-path", "verbose-error", "secret-in-example", "internal-host", "weak-input"}


def test_the_default_rule_set_covers_every_category(builtin_rules):
    assert {r.category for r in builtin_rules} >= SECURITY


@pytest.mark.parametrize("path", RULE_FILES, ids=lambda p: p.stem)
def test_rule_is_documented(path):
    rule = load_rule_file(path)
    assert rule.id == path.stem
    assert rule.docs.what and rule.docs.why and rule.docs.fix
    assert "`" in rule.docs.fix, "the fix should name the concrete API or value to change"
    assert rule.cwe and all(c.startswith("CWE-") for c in rule.cwe)
    assert rule.owasp and all(o.endswith(":2023") for o in rule.owasp)
    assert len(rule.summary) <= 100
    assert len(rule.message) <= 120
    assert set(rule.examples) == {"fail", "pass"}


@pytest.mark.parametrize("path", RULE_FILES, ids=lambda p: p.stem)
def test_messages_cannot_echo_values(path):
    """Messages are templates over names and kinds only; a value placeholder would leak secrets."""
    rule = load_rule_file(path)
    assert "{value}" not in rule.message
