"""A malformed rule file is rejected at load with its file, line and reason, before any document is read."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from specreview.errors import RuleLoadError
from specreview.ruleset.load import load_rule_file, load_rules

GOOD = """\
id: {id}
category: internal-path
severity: warning
summary: A path names an internal ticket
message: "Path segment '{{kind}}' looks like a ticket id"
given: "#PathItem"
match:
  on: path
  regex: '^[A-Z]+-\\d+$'
redact: remove
metadata: {{cwe: [CWE-200], owasp: ["API9:2023"]}}
docs:
  what: Finds paths with a segment like `ACC-1182`.
  why: Ticket ids leak the tracker.
  fix: Rename the route, or `include_in_schema=False`.
"""


def write_rule(tmp_path: Path, text: str, name: str = "ticket-id-in-path") -> Path:
    path = tmp_path / f"{name}.yaml"
    path.write_text(text)
    return path


def test_a_good_user_rule_loads_and_runs(tmp_path):
    write_rule(tmp_path, GOOD.format(id="ticket-id-in-path"))
    rules = load_rules([tmp_path])
    from specreview.api import review

    doc = {"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {"/ACC-1182/run": {}}}
    found = [f for f in review(doc, rules).findings if f.rule == "ticket-id-in-path"]
    assert [f.pointer for f in found] == ["/paths/~1ACC-1182~1run"]


@pytest.mark.parametrize(
    ("old", "new", "reason", "line"),
    [
        ("severity: warning", "severity: loud", "severity must be one of", 3),
        ("  on: path", "  on: path\n  colour: red", "unknown key 'colour' in match", 9),
        ("  regex: '^[A-Z]+-\\d+$'", "  regex: '^[A-Z+'", "invalid regex", 9),
        ('given: "#PathItem"', 'given: "$.paths[?("', "invalid JSONPath", 6),
        ('given: "#PathItem"', 'given: "#Nope"', "unknown alias", 6),
        ("redact: remove", "redact: shred", "redact must be one of", 10),
        ("category: internal-path", "category: spicy", "unknown category", 2),
        ("summary: A path names an internal ticket\n", "", "missing required key 'summary'", None),
        ("id: ticket-id-in-path", "id: other-name", "must equal the file name stem", 1),
        ("docs:", "extra: 1\ndocs:", "unknown key 'extra'", 12),
        ("  on: path", "  on: path\n  detect: [telepathy]", "unknown detector", 9),
        ('given: "#PathItem"', 'given: "#PathItem"\nwhere: {not_issued: {unless: [hash]}}', "not_issued is true", 7),
        ('given: "#PathItem"', 'given: "#PathItem"\nwhere: {not_issued: {except: 5}}', "lists of strings", 7),
    ],
)
def test_malformed_rules_name_file_line_and_reason(tmp_path, old, new, reason, line):
    text = GOOD.format(id="ticket-id-in-path")
    assert old in text
    path = write_rule(tmp_path, text.replace(old, new))
    with pytest.raises(RuleLoadError) as caught:
        load_rule_file(path)
    message = str(caught.value)
    assert message.startswith(str(path))
    assert reason in message
    if line is not None:
        assert caught.value.line == line


def test_duplicate_ids_are_rejected(tmp_path):
    write_rule(tmp_path, GOOD.format(id="internal-path"), name="internal-path")
    with pytest.raises(RuleLoadError, match="duplicate rule id 'internal-path'"):
        load_rules([tmp_path])


def test_cli_rejects_a_bad_rule_dir_before_reading_documents(tmp_path):
    write_rule(tmp_path, GOOD.format(id="ticket-id-in-path").replace("severity: warning", "severity: loud"))
    result = subprocess.run(
        [sys.executable, "-m", "specreview", "check", "does-not-exist.json", "--rules-dir", str(tmp_path)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert "ticket-id-in-path.yaml:3" in result.stderr
    assert "does-not-exist" not in result.stderr


KEY_RULE = """\
id: {id}
category: sensitive-field
severity: error
summary: A response carries a vault secret
message: "'{{name}}' is a vault secret"
given: "#SchemaProperty"
match:
  on: key
  words:
    - {{head: [pass], with: {with_words}}}
redact: remove
docs: {{what: w, why: w, fix: w}}
"""


def _property_names(rule_id: str, rules: list, names: list[str]) -> list[str]:
    from specreview.api import review

    properties = {name: {"type": "string"} for name in names}
    doc = {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {},
        "components": {"schemas": {"S": {"type": "object", "properties": properties}}},
    }
    found = [f for f in review(doc, rules).findings if f.rule == rule_id]
    return sorted(f.pointer.rsplit("/", 1)[-1] for f in found)


def test_a_rule_uses_the_shipped_word_lists_by_name(tmp_path):
    write_rule(tmp_path, KEY_RULE.format(id="vault-pass", with_words='"@service-words"'), name="vault-pass")
    rules = load_rules([tmp_path])
    names = ["smtpPass", "boardingPass", "wifi_pass"]
    assert _property_names("vault-pass", rules, names) == ["smtpPass", "wifi_pass"]


def test_a_rule_directory_adds_word_lists_of_its_own_and_mixes_them_with_words(tmp_path):
    (tmp_path / "vocabulary.yaml").write_text("vault-words: [vault, keeper]\n")
    write_rule(tmp_path, KEY_RULE.format(id="vault-pass", with_words='["@vault-words", locker]'), name="vault-pass")
    rules = load_rules([tmp_path])  # the vocabulary file is not taken for a rule
    assert [r.id for r in rules if r.origin.startswith(str(tmp_path))] == ["vault-pass"]
    names = ["vaultPass", "keeper_pass", "lockerPass", "smtpPass"]
    assert _property_names("vault-pass", rules, names) == ["keeper_pass", "lockerPass", "vaultPass"]


@pytest.mark.parametrize(
    ("vocabulary", "with_words", "reason"),
    [
        (None, '"@no-such-list"', "unknown word list '@no-such-list'"),
        ("service-words: [vault]\n", '"@service-words"', "word list 'service-words' is already defined"),
        ("Vault Words: [vault]\n", "[vault]", "must be kebab-case"),
        ("vault-words: vault\n", "[vault]", "must be a list of words"),
    ],
)
def test_bad_word_list_references_and_vocabularies_are_rejected(tmp_path, vocabulary, with_words, reason):
    if vocabulary is not None:
        (tmp_path / "vocabulary.yaml").write_text(vocabulary)
    write_rule(tmp_path, KEY_RULE.format(id="vault-pass", with_words=with_words), name="vault-pass")
    with pytest.raises(RuleLoadError, match=reason):
        load_rules([tmp_path])


def test_a_regex_that_looks_like_a_reference_is_left_alone(tmp_path):
    text = GOOD.format(id="ticket-id-in-path").replace("regex: '^[A-Z]+-\\d+$'", "regex: '@handle'")
    rule = load_rule_file(write_rule(tmp_path, text))
    assert rule.match.regex is not None and rule.match.regex.pattern == "@handle"


def test_a_rules_dir_that_is_a_file_says_so(tmp_path):
    not_a_dir = tmp_path / "rules.json"
    not_a_dir.write_text("{}")
    with pytest.raises(RuleLoadError, match="not a directory of rules"):
        load_rules([not_a_dir])
    with pytest.raises(RuleLoadError, match="rule directory not found"):
        load_rules([tmp_path / "missing"])
