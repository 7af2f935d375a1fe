"""Findings and reports: plain data, shared by the engine, the reporters and the redactor."""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from enum import Enum


class Severity(str, Enum):
    """How bad a finding is. Ordered: error > warning > info."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return _RANK[self]

    def at_least(self, other: Severity) -> bool:
        return self.rank >= other.rank


_RANK = {Severity.INFO: 0, Severity.WARNING: 1, Severity.ERROR: 2}

CATEGORIES = (
    "sensitive-field",
    "internal-path",
    "verbose-error",
    "secret-in-example",
    "internal-host",
    "weak-input",
    "docs-exposure",
)


@dataclass(frozen=True)
class SourceLocation:
    """Where in code a finding comes from (a Pydantic model field or a route function), when known."""

    path: str
    line: int
    symbol: str = ""


@dataclass(frozen=True)
class Finding:
    """One problem at one JSON pointer. `message` never contains the offending value itself."""

    rule: str
    category: str
    severity: Severity
    pointer: str
    message: str
    source: str = ""
    line: int | None = None
    column: int | None = None
    # sha256 of the matched value, so baselines can tell two secrets apart without storing them.
    value_hash: str = ""
    code_location: SourceLocation | None = None

    @property
    def fingerprint(self) -> str:
        """Stable identity: no line numbers and no values, so it survives reformatting and key moves."""
        raw = "\x1f".join((self.rule, self.pointer, self.value_hash))
        return hashlib.sha256(raw.encode()).hexdigest()[:32]

    def sort_key(self) -> tuple[int, str, str, str]:
        return (-self.severity.rank, self.source, self.pointer, self.rule)


@dataclass(frozen=True)
class DocumentInfo:
    """What the report says about each reviewed document."""

    source: str
    openapi: str
    title: str


@dataclass
class Report:
    """The result of reviewing one or more documents."""

    documents: list[DocumentInfo] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    def summary(self) -> dict[str, int]:
        counts = Counter(f.severity.value for f in self.findings)
        return {s.value: counts.get(s.value, 0) for s in Severity}

    def worst(self) -> Severity | None:
        return max((f.severity for f in self.findings), key=lambda s: s.rank, default=None)

    def sorted_findings(self) -> list[Finding]:
        return sorted(self.findings, key=Finding.sort_key)


def hash_value(value: object, *, secret: bool = True) -> str:
    """A short, stable hash of a matched value (for fingerprints); never the value itself.

    A fingerprint sits in baselines and reports beside its rule and pointer, so the hash of a short or guessable
    value (a nine-digit SSN, a PIN, a phone, an e-mail) could be reversed by trying every candidate. Such a value
    (`secret`, the default) contributes only its length; a long random-looking one, which no search can reach,
    contributes its hash."""
    text = repr(value)
    if secret and not _unguessable(value):
        return f"len{len(text)}"
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def _unguessable(value: object) -> bool:
    if not isinstance(value, str) or len(value) < 24 or any(c.isspace() or c == "@" for c in value):
        return False
    return len(set(value)) >= 12 and any(c.isdigit() for c in value) and any(c.isalpha() for c in value)


def mask(value: str) -> str:
    """Show the shape of a secret without the secret: `sk_l…(40 chars)`."""
    text = str(value)
    head = text[:4] if len(text) >= 16 else ""
    return f"{head}…({len(text)} chars)"
