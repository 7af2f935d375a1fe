"""The literal text every match of a regular expression must contain, to reject strings before running it.

Python's `re` tries a pattern such as `\\b(?:AKIA|ASIA)[0-9A-Z]{16}` at every position of the text, and the
union of two dozen credential formats costs about 15 µs per kilobyte of prose. Most of those formats carry a
fixed marker (`AKIA`, `_live_`, `eyJ`, `://`), and a search for an alternation of plain literals is several
times faster, because `re` then skips ahead to the characters the literals start with. This is the prefilter
ripgrep and semgrep derive from their patterns, done here over the parse tree of Python's own `re` module.

The answer is sound or absent: `required_literals` returns a set of strings of which every match contains at
least one, or None when it cannot tell (case-insensitive patterns, or nothing fixed to require).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

try:  # the parser `re` compiles with: `re._parser` since Python 3.11, `sre_parse` before
    from re import _constants as sre_constants
    from re import _parser as sre_parse
except ImportError:  # pragma: no cover - Python 3.10
    import sre_constants  # type: ignore[no-redef]
    import sre_parse  # type: ignore[no-redef]

_LITERAL = sre_constants.LITERAL
_IN = sre_constants.IN
_BRANCH = sre_constants.BRANCH
_SUBPATTERN = sre_constants.SUBPATTERN
_REPEATS = tuple(
    getattr(sre_constants, name)
    for name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT")
    if hasattr(sre_constants, name)
)
_ATOMIC = getattr(sre_constants, "ATOMIC_GROUP", None)
# A run of fixed text is extended through small alternations (`(?:sk|rk)_live_`), up to this many variants.
_MAX_VARIANTS = 32
# Shorter literals reject too little to be worth a search of their own.
_MIN_LENGTH = 2

Alternatives = frozenset[str]


def required_literals(pattern: re.Pattern[str], *, fold: bool = False) -> Alternatives | None:
    """Strings of which every match of `pattern` contains at least one; None if no useful set is known.
    With `fold`, case-insensitive parts count too, and the strings must be searched for ignoring case."""
    if pattern.flags & re.IGNORECASE and not fold:
        return None
    try:
        parsed = sre_parse.parse(pattern.pattern, pattern.flags)
    except Exception:  # a private parser: never let its surprises break loading a rule
        return None
    found = _required(list(parsed), fold)
    if found is None or min(len(s) for s in found) < _MIN_LENGTH:
        return None
    return found


@dataclass(frozen=True)
class Prefilter:
    """Which of a list of patterns can match a string, from the fixed text each one needs.

    One search over all the literals rejects most strings at once; a string that passes runs only the patterns
    whose own literals it holds. Case-insensitive patterns (`(?i:password)`) are gated by their literals in the
    string's casefold, which holds an ASCII letter wherever `re` ignoring case would match one (`ſ`, `K`).
    """

    gates: tuple[tuple[Alternatives, bool] | None, ...]  # per pattern: literals and whether casefolded; None: always
    markers: re.Pattern[str] | None  # every case-sensitive literal
    folded: re.Pattern[str] | None  # every casefolded literal, searched in the casefolded string

    def patterns_for(self, value: str) -> list[int]:
        """The indexes of the patterns that may match `value`."""
        plain = self.markers is not None and self.markers.search(value) is not None
        folded_text = value.casefold() if self.folded is not None else ""
        folded = bool(folded_text) and self.folded is not None and self.folded.search(folded_text) is not None
        if not plain and not folded and None not in self.gates:
            return []  # the common case: no pattern's fixed text is in the string
        chosen = []
        for index, gate in enumerate(self.gates):
            if gate is None:
                chosen.append(index)
            elif gate[1]:
                if folded and any(literal in folded_text for literal in gate[0]):
                    chosen.append(index)
            elif plain and any(literal in value for literal in gate[0]):
                chosen.append(index)
        return chosen


def literal_filter(patterns: list[re.Pattern[str]]) -> Prefilter:
    """The prefilter of `patterns`: a string can match one of them only if `patterns_for` lists it."""
    gates: list[tuple[Alternatives, bool] | None] = []
    for pattern in patterns:
        required = required_literals(pattern)
        if required is not None:
            gates.append((required, False))
            continue
        folded = required_literals(pattern, fold=True)
        gates.append((frozenset(s.casefold() for s in folded), True) if folded is not None else None)
    return Prefilter(
        tuple(gates),
        _alternation({s for gate in gates if gate is not None and not gate[1] for s in gate[0]}),
        _alternation({s for gate in gates if gate is not None and gate[1] for s in gate[0]}),
    )


def _alternation(literals: set[str]) -> re.Pattern[str] | None:
    # Longest first, so that a literal which starts another does not end the search for it early.
    ordered = sorted(literals, key=lambda s: (-len(s), s))
    return re.compile("|".join(re.escape(s) for s in ordered)) if ordered else None


def _required(items: list[tuple[Any, Any]], fold: bool = False) -> Alternatives | None:
    """The best set of required strings of a sequence: every match of the sequence contains one of them."""
    best: Alternatives | None = None
    run: set[str] = {""}

    def consider(candidate: Alternatives | None) -> None:
        nonlocal best
        if candidate and _score(candidate) > (_score(best) if best else 0):
            best = candidate

    for item in items:
        exact = _exact([item], fold)
        if exact is not None and len(run) * len(exact) <= _MAX_VARIANTS:
            run = {head + tail for head in run for tail in exact}
            continue
        consider(frozenset(run))
        run = {""}
        consider(_required_of(item, fold))
        if exact is not None:  # too many variants to extend the run: start a new one from this item
            run = set(exact) if len(exact) <= _MAX_VARIANTS else {""}
    consider(frozenset(run))
    return best


def _required_of(item: tuple[Any, Any], fold: bool = False) -> Alternatives | None:
    """What one item that is not plain fixed text requires: a group's content, every branch, a repeated part."""
    op, av = item
    if op is _SUBPATTERN:
        add_flags = av[1]
        return None if add_flags & re.IGNORECASE and not fold else _required(list(av[3]), fold)
    if op is _ATOMIC:
        return _required(list(av), fold)
    if op in _REPEATS:
        low, _high, body = av
        return _required(list(body), fold) if low >= 1 else None
    if op is _BRANCH:
        union: set[str] = set()
        for branch in av[1]:
            found = _required(list(branch), fold)
            if found is None:
                return None  # a branch with nothing fixed can match without any literal
            union.update(found)
        return frozenset(union)
    return None


def _exact(items: list[tuple[Any, Any]], fold: bool = False) -> set[str] | None:
    """Every string a sequence matches, when it is a small finite set of fixed texts; else None."""
    strings = {""}
    for op, av in items:
        if op is _LITERAL:
            options = {chr(av)}
        elif op is _IN and all(kind is _LITERAL for kind, _ in av):
            options = {chr(code) for _, code in av}
        elif op is _BRANCH:
            options = set()
            for branch in av[1]:
                exact = _exact(list(branch), fold)
                if exact is None:
                    return None
                options |= exact
        elif op is _SUBPATTERN and (fold or not av[1] & re.IGNORECASE):
            found = _exact(list(av[3]), fold)
            if found is None:
                return None
            options = found
        else:
            return None
        strings = {head + tail for head in strings for tail in options}
        if len(strings) > _MAX_VARIANTS:
            return None
    return strings


def _score(alternatives: Alternatives) -> int:
    """A set is as selective as its shortest member."""
    return min(len(s) for s in alternatives)
