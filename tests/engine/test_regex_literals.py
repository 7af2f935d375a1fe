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


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(data=st.data())
def test_every_string_a_shipped_pattern_matches_passes_its_prefilter(data: st.DataObject) -> None:
    index = data.draw(st.sampled_from(range(len(CREDENTIAL_PATTERNS))))
    pattern = CREDENTIAL_PATTERNS[index]
    text = data.draw(st.from_regex(pattern))
    assert pattern.search(text)
    assert index in literal_filter(CREDENTIAL_PATTERNS).patterns_for(text)


def test_patterns_without_literals_always_run() -> None:
    fixed, free = re.compile(r"\bAKIA[0-9A-Z]{16}\b"), re.compile(r"\b[0-9a-f]{40}\b")
    prefilter = literal_filter([fixed, free])
    assert prefilter.markers is not None and prefilter.markers.pattern == "AKIA"
    assert prefilter.patterns_for("commit " + "ab" * 20) == [1]
    assert prefilter.patterns_for("AKIA" + "Z7QX4M2P9L3K8JWT") == [0, 1]


def test_a_credential_without_a_marker_in_prose_is_rejected_and_one_with_it_is_found() -> None:
    options = {r.id: r for r in load_rules()}["credential-in-example"].options
    ctx = ValueContext(in_text=True)
    prose = "Returns the list of users in the tenant. " * 50
    assert list(detect_patterns(prose, ctx, options)) == []
    leaked = prose + "Use key AKIA" + "Z7QX4M2P9L3K8JWT" + " for the bucket."
    assert [hit.kind for hit in detect_patterns(leaked, ctx, options)] == ["AWS access key id"]


def test_a_case_insensitive_pattern_is_gated_by_its_literals_ignoring_case() -> None:
    # `(?i)token=…` and `(?i:password)…`: their literals are compared with the string's casefold.
    scoped, whole = re.compile(r"(?i:password)\s*`([^`]{6,})`"), re.compile(r"(?i)secret=[a-z0-9]{20}")
    prefilter = literal_filter([scoped, whole])
    assert prefilter.patterns_for("PASSWORD `Tr0ub4dor&3`") == [0]
    assert prefilter.patterns_for("SECRET=" + "Ab3" * 7) == [1]
    assert prefilter.patterns_for("paſsword `Tr0ub4dor&3`") == [0]  # re ignoring case matches the long s
    assert scoped.search("paſsword `Tr0ub4dor&3`")
    assert prefilter.patterns_for("nothing to see here") == []


def naive_patterns_for(prefilter, value: str) -> list[int]:
    """The prefilter's definition, checked literal by literal."""
    folded = value.casefold()
    return [
        index
        for index, gate in enumerate(prefilter.gates)
        if gate is None or any(literal in (folded if gate[1] else value) for literal in gate[0])
    ]


SHIPPED = literal_filter(CREDENTIAL_PATTERNS)
# Pieces of the shipped literals (whole, cut, overlapping), so that strings hold several, nested and overlapping.
FRAGMENTS = sorted({piece for gate in SHIPPED.gates if gate for s in gate[0] for piece in (s, s[:3], s[1:], s.upper())})


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=4), max_size=8).map("".join))
def test_the_patterns_a_string_admits_are_those_whose_literals_it_holds(value: str) -> None:
    assert SHIPPED.patterns_for(value) == naive_patterns_for(SHIPPED, value)


def test_a_literal_inside_or_overlapping_another_still_admits_its_pattern() -> None:
    prefilter = literal_filter([re.compile(r"api-key=\w+"), re.compile(r"key=\w+"), re.compile(r"y=\d+x")])
    assert prefilter.patterns_for("the api-key=abc") == [0, 1, 2] == naive_patterns_for(prefilter, "the api-key=abc")
    assert prefilter.patterns_for("apkey=1") == [1, 2]
