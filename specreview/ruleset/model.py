"""The rule model: frozen dataclasses, no I/O. A rule file (rules/<id>.yaml) loads into one `Rule`."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal

from specreview.findings import Severity
from specreview.selectors import Selector
from specreview.words import FORM_WORDS

# What a rule's `match` tests on each node its `given` selects.
MatchOn = Literal["key", "value", "text", "path", "node"]
# What `redact` does with a finding's node.
RedactAction = Literal["remove", "remove-parent", "mask", "none"]
# Which way a schema's data travels. See specreview/flow.py.
Flow = Literal["response", "request", "error", "error-debug", "any"]


@dataclass(frozen=True)
class WordPattern:
    """A pattern over the words of a name (`hashed_password` -> hashed, password).

    `head` lists accepted last words; `with_any` requires one of these words elsewhere in the name;
    `without` vetoes the match when any of these words occurs anywhere in the name; `before` requires the word
    right before the head to be one of these (`access key id` names a credential, `access review id` does not).
    """

    head: frozenset[str]
    with_any: frozenset[str] = frozenset()
    without: frozenset[str] = frozenset()
    anywhere: bool = False  # match `head` words at any position, not just last
    before: frozenset[str] = frozenset()

    @cached_property
    def sees_form_words(self) -> bool:
        """Whether a head is a form word (`json` of `service_account_json`): then the pattern is matched on the
        name with the trailing form words that name_words drops. Worked out once per pattern, not per name."""
        return bool(self.head & FORM_WORDS)


@dataclass(frozen=True)
class Match:
    """The condition a selected node must meet. Any of words/regex/detect may be given; all given must hold."""

    on: MatchOn
    words: tuple[WordPattern, ...] = ()
    regex: re.Pattern[str] | None = None
    detect: tuple[str, ...] = ()  # names of value detectors (specreview/detectors.py)
    check: tuple[str, ...] = ()  # names of structural checks on the node (specreview/checks.py)
    except_words: frozenset[str] = frozenset()  # any of these words in the name vetoes the match
    except_regex: re.Pattern[str] | None = None


@dataclass(frozen=True)
class Where:
    """Structural conditions: what kind of OpenAPI node and which data flow it must belong to."""

    flow: tuple[Flow, ...] = ()  # the schema must be reachable in one of these flows
    not_issued: bool = False  # skip schemas returned only by the POST that issues them
    # ...except for names with one of these words: a password's hash is never issued to its owner
    issued_never: frozenset[str] = frozenset()
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ExampleValues:
    """What a property a key rule flags says about its documented values: they are real ones (an identity
    document's `number` in the schema's examples is a real id number), reported by `rule` when they look it."""

    rule: str  # the rule whose findings they are (`personal-data-in-example`)
    kind: str  # what they are, for the message (`government id number`)
    looks: re.Pattern[str]  # what a real one has (digits); a placeholder never counts


@dataclass(frozen=True)
class Docs:
    """The rule's documentation, ruff-style headings. One source for `rules show`, SARIF and the docs."""

    what: str
    why: str
    fix: str
    references: tuple[str, ...] = ()


@dataclass(frozen=True)
class Rule:
    id: str
    category: str
    severity: Severity
    summary: str
    message: str
    docs: Docs
    given: tuple[str, ...]  # selector source text, JSONPath or #Alias
    selectors: tuple[Selector, ...]
    match: Match
    where: Where
    redact: RedactAction
    cwe: tuple[str, ...] = ()
    owasp: tuple[str, ...] = ()
    origin: str = ""  # the file it was loaded from
    enabled: bool = True
    options: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)
    examples: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    example_values: ExampleValues | None = None
