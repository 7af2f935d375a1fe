"""Compare findings with labels in the corpus format (shared/corpus/labelled/POLICY.md, samples/expectations.yaml)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from specreview.document.pointer import exists, is_at_or_below

EXHAUSTIVE = ("sensitive-field", "internal-path", "verbose-error", "secret-in-example", "internal-host")


def label_mismatches(labels: dict[str, Any], findings: Iterable[tuple[str, str]]) -> list[str]:
    """Every miss, false positive and trap hit, as readable lines; empty when the findings match exactly."""
    found = set(findings)
    must_flag = [(m["category"], m["pointer"]) for m in labels.get("must_flag") or []]
    problems = [f"miss {c} {p}" for c, p in must_flag if not any(fc == c and is_at_or_below(fp, p) for fc, fp in found)]
    for category, pointer in sorted(found):
        trap = next((t for t in labels.get("must_not_flag") or [] if is_at_or_below(pointer, t)), None)
        if trap:
            problems.append(f"trap {category} {pointer} (under {trap})")
        elif category in EXHAUSTIVE and not any(c == category and is_at_or_below(pointer, p) for c, p in must_flag):
            problems.append(f"unlabelled {category} {pointer}")
    return problems


def redaction_mismatches(labels: dict[str, Any], redacted: dict[str, Any]) -> list[str]:
    redact = labels.get("redact") or {}
    problems = [f"still present {p}" for p in redact.get("must_remove") or [] if exists(redacted, p)]
    problems += [f"removed {p}" for p in redact.get("must_keep") or [] if not exists(redacted, p)]
    return problems
