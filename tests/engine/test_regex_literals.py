"""The literal prefilter of credential patterns never rejects a string one of the patterns would match."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from specreview.detectors import ValueContext, detect_patterns
from specreview.regex_literals import literal_filter, required_literals
from specreview.ruleset.load import load_rules

CREDENTIAL_PATTERNS = [p["regex"] for p in {r.id: r for r in load_rules()}["credential-in-example"].options["patterns"]]


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        (r"\bwhsec_[0-9A-Za-z+/=]{16,}", {"whsec_"}),
        (r"\b(?:sk|rk)_live_[0-9A-Za-z]{10,}", {"sk_live_", "rk_live_"}),
        (r"\$[56]\$[^\s$]{1,16}", {"$5$", "$6$"}),
        (r"\b[a-z]+://[^@]+@", {"://"}),
        (r"abc|[0-9]+xyz", {"abc", "xyz"}),
        (r"(?:Basic)+ [A-Z]+", {"Basic"}),
    ],
)
def test_the_fixed_text_every_match_needs_is_found(pattern: str, expected: set[str]) -> None:
    assert required_literals(re.compile(pattern)) == expected


@pytest.mark.parametrize(
    "pattern",
    [
        r"(?i)akia[0-9A-Z]{16}",  # case-insensitive: a literal search would miss `AKIA`
        r"[A-Za-z0-9]{20,}",  # nothing fixed
        r"token|[0-9]{8}",  # one branch has nothing fixed
        r"(?:secret)?[0-9]{8}",  # an optional part is not required
        r"a[0-9]b",  # one character is too little to be worth a search
        r"(?i:key)_[0-9]+",  # a case-insensitive group is not fixed text
    ],
)
def test_patterns_without_a_safe_literal_get_none(pattern: str) -> None:
    assert required_literals(re.compile(pattern)) is None


@settings(max_examples=40, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(data=st.data())
def test_every_string_a_shipped_pattern_matches_passes_its_prefilter(data: st.DataObject) -> None:
    pattern = data.draw(st.sampled_from(CREDENTIAL_PATTERNS))
    text = data.draw(st.from_regex(pattern))
    assert pattern.search(text)
    markers, unmarked = literal_filter(CREDENTIAL_PATTERNS)
    assert (markers is not None and markers.search(text)) or (unmarked is not None and unmarked.search(text))


def test_patterns_without_literals_are_still_searched() -> None:
    fixed, free = re.compile(r"\bAKIA[0-9A-Z]{16}\b"), re.compile(r"\b[0-9a-f]{40}\b")
    markers, unmarked = literal_filter([fixed, free])
    assert markers is not None and markers.pattern == "AKIA"
    assert unmarked is not None and unmarked.search("commit " + "ab" * 20)


def test_a_credential_without_a_marker_in_prose_is_rejected_and_one_with_it_is_found() -> None:
    options = {r.id: r for r in load_rules()}["credential-in-example"].options
    ctx = ValueContext(in_text=True)
    prose = "Returns the list of users in the tenant. " * 50
    assert list(detect_patterns(prose, ctx, options)) == []
    leaked = prose + "Use key AKIA" + "Z7QX4M2P9L3K8JWT" + " for the bucket."
    assert [hit.kind for hit in detect_patterns(leaked, ctx, options)] == ["AWS access key id"]


def test_a_pattern_with_global_flags_joins_the_union() -> None:
    # A user rule's `(?i)token=…` used to end every check with "global flags not at the start".
    free, other = re.compile(r"(?i)secret=[a-z0-9]{20}"), re.compile(r"\b[0-9a-f]{40}\b")
    _, unmarked = literal_filter([free, other])
    assert unmarked is not None and unmarked.search("SECRET=" + "Ab3" * 7)
    assert not unmarked.search("secret=short")


def test_patterns_that_name_the_same_group_join_the_union() -> None:
    # Two shipped patterns report a `value` group; a union that defined the name twice would not compile.
    first = re.compile(r"(?i:password)\s*`(?P<value>[^`]{6,})`")
    second = re.compile(r"(?i:default login)\s*`[^`]+`\s*/\s*`(?P<value>[^`]{4,})`")
    _, unmarked = literal_filter([first, second])
    assert unmarked is not None
    assert unmarked.search("the default login `ops` / `n0tS3cure`")
    assert unmarked.search("password `Tr0ub4dor&3`")
