"""Finding which of many strings contain something, in a few passes in C instead of a Python call per string.

A large document has tens of thousands of distinct strings (Graph: 30,000, 1.7 million characters), and a value
rule can hit only the few that hold what its detectors look for (`@`, four digits, `AKIA`, `.internal`). Asking
each string costs a Python call, a casefold and a search apiece, and Python's `re` crawls through an alternation
of literals, or any pattern that ignores case, at a few dozen megabytes a second. So the strings are joined once
into one text, separated by NUL, and each literal is found with `str.find` (C, at memory speed), each pattern
with one regular expression over the lot; a position is mapped back to its string by bisection. Case-insensitive
literals are found in the casefolded strings, joined the same way.

The answer is a superset: a string that matches on its own is always reported. A match that starts in one string
and runs into the next is reported for the first (a string too many); the search then goes on from the start of
the next string, so a match is never swallowed by one that began before it.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Sequence

SEPARATOR = "\x00"
# Anchors for a pattern that must match a whole string: no string character before and after it.
_WHOLE = "(?<![^\x00])(?:{})(?![^\x00])"


class _Joined:
    """Strings joined by NUL, with the offset where each starts."""

    def __init__(self, strings: Iterable[str]) -> None:
        self.starts: list[int] = []
        offset = 0
        parts = []
        for text in strings:
            self.starts.append(offset)
            parts.append(text)
            offset += len(text) + 1
        self.text = SEPARATOR.join(parts)

    def owner(self, offset: int) -> int:
        """The index of the string at `offset` (the separator after a string counts as that string's)."""
        return bisect.bisect_right(self.starts, offset) - 1

    def with_literal(self, literal: str, found: set[int]) -> None:
        find, starts, count = self.text.find, self.starts, len(self.starts)
        pos = find(literal)
        while pos >= 0:
            index = self.owner(pos)
            found.add(index)
            if index + 1 >= count:
                return
            pos = find(literal, starts[index + 1])

    def with_pattern(self, pattern: re.Pattern[str], found: set[int]) -> None:
        search, starts, count = pattern.search, self.starts, len(self.starts)
        match = search(self.text)
        while match is not None:
            index = self.owner(match.start())
            found.add(index)
            if index + 1 >= count:
                return
            match = search(self.text, starts[index + 1])


class StringScan:
    """Which strings of a fixed list contain given literals or match given patterns."""

    def __init__(self, strings: Sequence[str]) -> None:
        self._strings = strings
        self._plain: _Joined | None = None
        self._folded: _Joined | None = None

    def __len__(self) -> int:
        return len(self._strings)

    def matching(
        self,
        *,
        literals: Iterable[str] = (),
        folded_literals: Iterable[str] = (),
        pattern: re.Pattern[str] | None = None,
        folded_pattern: re.Pattern[str] | None = None,
        whole: re.Pattern[str] | None = None,
    ) -> set[int]:
        """The indexes of the strings that contain one of `literals`, whose casefold contains one of
        `folded_literals`, in which `pattern` matches, in whose casefold `folded_pattern` matches, or which
        `whole` matches from start to end (compile it with `whole_pattern`)."""
        found: set[int] = set()
        if not self._strings:
            return found
        literals, folded_literals = [s for s in literals if s], [s for s in folded_literals if s]
        if literals or pattern is not None or whole is not None:
            plain = self._joined()
            for literal in literals:
                plain.with_literal(literal, found)
            for compiled in (pattern, whole):
                if compiled is not None:
                    plain.with_pattern(compiled, found)
        if folded_literals or folded_pattern is not None:
            folded = self._casefolded()
            for literal in folded_literals:
                folded.with_literal(literal, found)
            if folded_pattern is not None:
                folded.with_pattern(folded_pattern, found)
        return found

    def _joined(self) -> _Joined:
        if self._plain is None:
            self._plain = _Joined(self._strings)
        return self._plain

    def _casefolded(self) -> _Joined:
        if self._folded is None:
            self._folded = _Joined(text.casefold() for text in self._strings)
        return self._folded


def whole_pattern(pattern: str) -> re.Pattern[str]:
    """`pattern` compiled to match only a whole string of a StringScan (as `re.fullmatch` on the string)."""
    return re.compile(_WHOLE.format(pattern))
