"""Baselines: accept today's findings so later runs report only new ones (detect-secrets' `.secrets.baseline`).

An entry is a finding's fingerprint (rule, JSON pointer and a hash of the matched value: no line numbers, no
values) plus what a person needs to recognise it. Matching is by (document, fingerprint) first and then by
fingerprint alone, so a document reviewed under another path or name still matches its own entries, and
counts are respected: two identical findings need two entries.
"""

from __future__ import annotations

import json
import os
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from specreview.errors import ConfigError
from specreview.findings import Finding

FORMAT_VERSION = 1
_ENTRY_KEYS = {"fingerprint", "rule", "category", "severity", "source", "pointer", "message"}


@dataclass(frozen=True)
class BaselineEntry:
    fingerprint: str
    rule: str
    source: str = ""
    category: str = ""
    severity: str = ""
    pointer: str = ""
    message: str = ""  # already masked: findings never carry a secret


@dataclass(frozen=True)
class Comparison:
    """Findings not in the baseline, and baseline entries no finding matched any more."""

    new: list[Finding]
    fixed: list[BaselineEntry]
    accepted: int
    # Baseline documents whose entries matched findings reviewed under another name (a renamed file, a URL).
    renamed: frozenset[str] = frozenset()
    sources: frozenset[str] = frozenset()  # every document the baseline has entries for

    def gone(self, reviewed: Collection[str]) -> list[BaselineEntry]:
        """The unmatched entries of the documents this run reviewed, under their name or another; entries of
        documents it did not look at (`check one.json` against a baseline of the whole repository) are not gone.
        A baseline of one document compared with a review of one document is the same document renamed."""
        seen = {document_key(source) for source in reviewed} | self.renamed
        if len(reviewed) == 1 and len(self.sources) == 1:
            return list(self.fixed)
        return [e for e in self.fixed if not e.source or document_key(e.source) in seen]


def document_key(source: str) -> str:
    """What tells a baseline's documents apart: a file's path however it was spelled (`./specs/a.json`,
    `specs/x/../a.json`, or its absolute path, below the working directory), a URL or a target's name as written."""
    if not source or source == "-" or "://" in source:
        return source
    path = os.path.normpath(source)
    if os.path.isabs(path):
        try:
            relative = os.path.relpath(path)
        except ValueError:  # another drive (Windows)
            return path
        if relative != os.pardir and not relative.startswith(os.pardir + os.sep):
            return relative
    return path


def entry_for(finding: Finding) -> BaselineEntry:
    return BaselineEntry(
        fingerprint=finding.fingerprint,
        rule=finding.rule,
        source=finding.source,
        category=finding.category,
        severity=finding.severity.value,
        pointer=finding.pointer,
        message=finding.message,
    )


def render_baseline(findings: Iterable[Finding], tool_version: str) -> str:
    """The baseline file's text: entries sorted so the file diffs cleanly when it is regenerated."""
    entries = sorted((entry_for(f) for f in findings), key=lambda e: (e.source, e.pointer, e.rule, e.fingerprint))
    data = {
        "version": FORMAT_VERSION,
        "tool": {"name": "specreview", "version": tool_version},
        "entries": [e.__dict__ for e in entries],
    }
    return json.dumps(data, indent=2) + "\n"


def load_baseline(path: str | Path) -> list[BaselineEntry]:
    """Read a baseline file; any problem is one ConfigError naming the file."""

    def fail(reason: str) -> ConfigError:
        return ConfigError(f"{path}: not a specreview baseline: {reason}")

    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: baseline file not found (create it with `specreview baseline`)") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read the baseline: {exc}") from None
    except json.JSONDecodeError as exc:
        raise fail(f"invalid JSON at line {exc.lineno}") from None
    if not isinstance(data, dict) or not isinstance(data.get("entries"), list):
        raise fail("expected an object with an 'entries' list")
    if data.get("version") != FORMAT_VERSION:
        raise fail(f"unsupported version {data.get('version')!r} (this specreview reads version {FORMAT_VERSION})")
    return [_entry(item, index, fail) for index, item in enumerate(data["entries"])]


def _entry(item: Any, index: int, fail: Any) -> BaselineEntry:
    if not isinstance(item, dict) or not isinstance(item.get("fingerprint"), str) or not item["fingerprint"]:
        raise fail(f"entries[{index}] has no fingerprint")
    fields = {k: str(v) for k, v in item.items() if k in _ENTRY_KEYS and isinstance(v, str)}
    fields.setdefault("rule", "")
    return BaselineEntry(**fields)


def compare(findings: Sequence[Finding], entries: Sequence[BaselineEntry]) -> Comparison:
    """Split `findings` into accepted and new against `entries`; entries left unmatched no longer occur."""
    exact: dict[tuple[str, str], list[BaselineEntry]] = defaultdict(list)
    for entry in entries:
        exact[(document_key(entry.source), entry.fingerprint)].append(entry)
    unmatched: list[Finding] = []
    for finding in findings:
        bucket = exact.get((document_key(finding.source), finding.fingerprint))
        if bucket:
            bucket.pop()
        else:
            unmatched.append(finding)
    # Second pass: the same finding under another document name (a renamed file, a path given differently), only
    # when that can mean one thing: one document of the baseline is gone by name and one reviewed document is new.
    # Otherwise a new service that shares a schema (`UserInDB.hashed_password`) with an accepted one would have its
    # leaks accepted too.
    known = {document_key(entry.source) for entry in entries}
    current = {document_key(finding.source) for finding in findings}
    gone_sources, new_sources = known - current, current - known
    renaming = len(gone_sources) == 1 and len(new_sources) == 1
    loose: dict[str, list[BaselineEntry]] = defaultdict(list)  # the entries still unmatched
    for bucket in exact.values():
        for entry in bucket:
            loose[entry.fingerprint].append(entry)
    new = []
    renamed: set[str] = set()
    for finding in unmatched:
        moved = renaming and document_key(finding.source) in new_sources
        bucket = loose.get(finding.fingerprint, []) if moved else []
        entry = next((e for e in bucket if document_key(e.source) in gone_sources), None)
        if entry is not None:
            bucket.remove(entry)
            renamed.add(document_key(entry.source))
        else:
            new.append(finding)
    fixed = [e for bucket in loose.values() for e in bucket]
    fixed.sort(key=lambda e: (e.source, e.pointer, e.rule))
    return Comparison(
        new=new,
        fixed=fixed,
        accepted=len(findings) - len(new),
        renamed=frozenset(renamed),
        sources=frozenset(document_key(e.source) for e in entries),
    )
