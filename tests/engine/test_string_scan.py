"""StringScan reports every string that contains a literal or matches a pattern, whatever its neighbours hold."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis_profiles import FUZZ_HEALTH_CHECKS

from specreview.string_scan import StringScan, whole_pattern

# Characters that matter: the separator, newlines, digits, case pairs, a letter whose casefold is longer.
ALPHABET = st.sampled_from(list("ab AB12\x00\n.-@ßK+"))
STRINGS = st.lists(st.text(ALPHABET, max_size=12), max_size=12)
PATTERNS = st.sampled_from([r"\d{2}", r"a.b", r"\s*\d+\s*", r"[^\s]+@", r"B\.?a", r"1\s*2"])


@settings(max_examples=300, deadline=None, suppress_health_check=FUZZ_HEALTH_CHECKS)
@given(strings=STRINGS, literals=st.lists(st.text(ALPHABET, min_size=1, max_size=3).filter(lambda s: "\x00" not in s)))
def test_literals_are_found_in_exactly_the_strings_that_hold_them(strings: list[str], literals: list[str]) -> None:
    scan = StringScan(strings)
    assert scan.matching(literals=literals) == {i for i, s in enumerate(strings) if any(lit in s for lit in literals)}
    folded = {i for i, s in enumerate(strings) if any(lit.casefold() in s.casefold() for lit in literals)}
    assert scan.matching(folded_literals=[lit.casefold() for lit in literals]) == folded


@settings(max_examples=300, deadline=None, suppress_health_check=FUZZ_HEALTH_CHECKS)
@given(strings=STRINGS, pattern=PATTERNS)
def test_a_pattern_is_never_missed_in_a_string_that_matches_it(strings: list[str], pattern: str) -> None:
    compiled = re.compile(pattern)
    scan = StringScan(strings)
    found = scan.matching(pattern=compiled)
    assert {i for i, s in enumerate(strings) if compiled.search(s)} <= found <= set(range(len(strings)))
    found_folded = scan.matching(folded_pattern=compiled)
    assert {i for i, s in enumerate(strings) if compiled.search(s.casefold())} <= found_folded
    whole = scan.matching(whole=whole_pattern(pattern))
    assert {i for i, s in enumerate(strings) if compiled.fullmatch(s)} <= whole


def test_a_whole_pattern_matches_a_string_from_start_to_end_only() -> None:
    scan = StringScan(["123", "x123", "123x", " 1234 ", "12"])
    assert scan.matching(whole=whole_pattern(r"\s*\d{3,4}\s*")) == {0, 3}


def test_a_match_running_into_the_next_string_does_not_hide_that_string_s_own() -> None:
    # `.` matches the separator: `1<NUL>2` is a match starting in the first string that swallows the start of
    # the second's own `2x3`; the search goes on from the second string's start, so it is found all the same.
    assert 1 in StringScan(["1", "2x3"]).matching(pattern=re.compile(r"\d.\d"))


def test_no_strings_match_nothing() -> None:
    assert StringScan([]).matching(literals=["a"], pattern=re.compile("")) == set()
