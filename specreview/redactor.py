"""`specreview redact`: turn findings into redaction actions, apply them, and refuse unsafe output.

The planner decides what "remove" means for each kind of location (a server entry rather than its `url`, a
masked span rather than a whole description). After applying, the output is reviewed again: if any redacting
rule still fires, or a `$ref` dangles, nothing is written (fail closed).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from specreview.config import Allowances
from specreview.document.key_index import keyword_values_above
from specreview.document.model import Document
from specreview.document.pointer import Path, parse_pointer, resolve_tokens, to_pointer
from specreview.engine import RawFinding, Review, TextReview, review_json_split
from specreview.errors import RedactionError
from specreview.forked import can_fork
from specreview.gc_pause import gc_paused
from specreview.redaction import (
    Action,
    Change,
    PreparedRedaction,
    Redaction,
    check_integrity,
    prepare_redaction,
    trace_redactions,
)
from specreview.redaction.marks import INFRASTRUCTURE_EXTENSIONS, marked_nodes
from specreview.ruleset.model import Rule
from specreview.selectors import AUTH_URL_KEYS, EXAMPLE_KEYS, TEXT_KEYS

_SERVER_PARTS = ("url", "variables")
# The rule whose flags (`x-internal`) mark any kind of node for removal, not only what its `given` selects.
INTERNAL_RULE = "x-internal-marked"
_IGNORE_KEY = "x-specreview-ignore"
# Redactions redone when removing parts exposed others (each round can only remove more, so few are needed).
_ROUNDS = 3


@dataclass(frozen=True)
class RedactionResult:
    data: dict[str, Any]
    changes: list[Change]
    findings: list[RawFinding]  # of the redacting rules
    redacted: int  # findings a redacting rule acted on


def plan_actions(doc: dict[str, Any], findings: Sequence[RawFinding], rules: dict[str, Rule]) -> list[Action]:
    actions: list[Action] = []
    planned: set[tuple[str, str]] = set()
    for raw in findings:
        rule = rules[raw.finding.rule]
        if rule.redact == "none":
            continue
        path = raw.path
        if rule.redact == "mask" or (_masked_in_place(path) and isinstance(_get(doc, path), str)):
            if raw.spans:
                actions.append(Action(to_pointer(path), "mask", rule.id, raw.spans))
            continue
        target = path[:-1] if rule.redact == "remove-parent" else path
        target = _server_entry(target) or _external_docs(target) or _example_list(target) or target
        if not target:
            continue
        pointer = to_pointer(target)
        if (pointer, rule.id) in planned:  # every code of `recoveryCodes: [...]` names the same list
            continue
        planned.add((pointer, rule.id))
        actions.append(Action(pointer, "remove", rule.id))
        actions.extend(_example_residue(doc, target, rule.id))
    return actions


def _masked_in_place(path: Path) -> bool:
    """Prose, and the URLs of a security scheme's authorization server: a flow needs its `tokenUrl`, and removing the
    scheme would take authentication out of the docs, so the offending part is masked where it is."""
    if not path:
        return False
    if path[-1] in TEXT_KEYS:
        return True
    in_scheme = path[:1] == ("securityDefinitions",) or path[:2] == ("components", "securitySchemes")
    return in_scheme and path[-1] in AUTH_URL_KEYS


# Keys whose lists hold whole examples, choices or document parts, never one field's values.
_STRUCTURAL_LISTS = frozenset(
    {"examples", "enum", "servers", "parameters", "allOf", "anyOf", "oneOf", "tags", "required"}
)


def _example_list(path: Path) -> Path | None:
    """An item of a field's list inside an example (`examples/0/recoveryCodes/2`): the field itself, so the
    key goes rather than being left holding `[]` (the policy deletes "the key inside the example object")."""
    if len(path) < 3 or not isinstance(path[-1], int) or not isinstance(path[-2], str):
        return None
    if path[-2] in _STRUCTURAL_LISTS or path[-2].startswith("x-"):
        return None
    return path[:-1] if any(step in EXAMPLE_KEYS for step in path[:-2]) else None


def _external_docs(path: Path) -> Path | None:
    """An `externalDocs` object needs its `url`, and a link its `operationRef` (or an `operationId` it does not
    have): a finding in either removes the object."""
    if len(path) >= 2 and path[-2:] == ("externalDocs", "url"):
        return path[:-1]
    return path[:-1] if len(path) >= 3 and path[-1] == "operationRef" and path[-3] == "links" else None


def _server_entry(path: Path) -> Path | None:
    """A finding in a server's url or variables removes the whole server entry."""
    for i in range(len(path) - 2, -1, -1):
        if (
            path[i] == "servers"
            and isinstance(path[i + 1], int)
            and (len(path) == i + 2 or path[i + 2] in _SERVER_PARTS)
        ):
            return path[: i + 2]
    return None


def _example_residue(doc: dict[str, Any], target: Path, rule_id: str) -> list[Action]:
    """A removed schema property must not live on in its schema's examples."""
    if len(target) < 2 or target[-2] != "properties":
        return []
    schema = _get(doc, target[:-2])
    name = target[-1]
    if not isinstance(schema, dict):
        return []
    out = []
    example = schema.get("example")
    if isinstance(example, dict) and name in example:
        out.append(Action(to_pointer((*target[:-2], "example", name)), "remove", rule_id))
    examples = schema.get("examples")
    if isinstance(examples, list):
        for i, item in enumerate(examples):
            if isinstance(item, dict) and name in item:
                out.append(Action(to_pointer((*target[:-2], "examples", i, name)), "remove", rule_id))
    return out


def _marking_flags(rule: Rule | None) -> tuple[str, ...]:
    """The flags that mark a node for removal (`x-internal`), none when the rule is off or does not redact."""
    if rule is None or not rule.enabled or rule.redact == "none":
        return ()
    return tuple(rule.options.get("flags") or ("x-internal",))


def _marked_actions(doc: dict[str, Any], rule: Rule, flags: tuple[str, ...], allow: Allowances | None) -> list[Action]:
    """Remove every node marked `x-internal: true` (schemas, properties, responses... as well as the paths,
    operations and parameters the rule itself reports), unless the rule is suppressed there or allowed."""
    allowed = allow.pointers if allow is not None else ()
    actions = []
    for path in marked_nodes(doc, flags):
        pointer = to_pointer(path)
        if any(pointer == p or pointer.startswith(p + "/") for p in allowed) or _ignored(doc, path, rule):
            continue
        actions.append(Action(pointer, "remove", rule.id))
    return actions


def _ignored(doc: Any, path: Path, rule: Rule) -> bool:
    """`x-specreview-ignore: [rule-id or category]` on the node or any object above it (as the review reads it)."""
    return any(
        isinstance(ignored, list) and (rule.id in ignored or rule.category in ignored)
        for ignored in keyword_values_above(doc, path, _IGNORE_KEY)
    )


def _check_consistent(original: dict[str, Any], data: dict[str, Any]) -> None:
    """Only what the redaction broke counts: an input's own inconsistencies are kept as they were (faithful)."""
    problems = check_integrity(data)
    if problems:
        before = set(check_integrity(original))
        problems = [p for p in problems if p not in before]
    if problems:
        raise RedactionError(f"redacted output would be inconsistent, nothing written: {problems[0]}")


def _on_input(actions: list[Action], redaction: Redaction) -> list[Action] | None:
    """Actions planned on the redacted output, pointed at the same nodes of the input; None if one cannot be."""
    moved = []
    for action in actions:
        path = redaction.original_path(_typed(redaction.data, parse_pointer(action.pointer)))
        if path is None:
            return None
        moved.append(dataclasses.replace(action, pointer=to_pointer(path)))
    return moved


def _typed(doc: Any, tokens: Sequence[str]) -> Path:
    """Pointer tokens as a path: list steps as ints (the tokens of a planned action always resolve)."""
    path: list[str | int] = []
    node = doc
    for token in tokens:
        step: str | int = int(token) if isinstance(node, list) else token
        path.append(step)
        node = node[step]
    return tuple(path)


def _get(doc: Any, path: Path) -> Any:
    try:
        return resolve_tokens(doc, path)
    except KeyError:
        return None


def redact_document(
    document: Document,
    rules: Sequence[Rule],
    *,
    allow: Allowances | None = None,
    drop_extensions: Sequence[str] = (),
    keep_extensions: Sequence[str] = (),
    split: bool = False,
) -> RedactionResult:
    """Redact a document. Extensions naming backend infrastructure are dropped, and so are those matching
    `drop_extensions`, unless `keep_extensions` matches them (shell-style patterns: `x-kong-*`, `x-*`).
    `split`: the reviews run part of their work in a forked child when the machine allows (the caller knows
    whether the document is large enough to gain from it: engine.worth_splitting)."""
    fork = split and can_fork()
    with gc_paused():  # two reviews and a copy of the document: millions of objects, no garbage
        return _redact(document, rules, allow, drop_extensions, keep_extensions, fork)


def redact_json_text(
    text: str,
    source: str,
    rules: Sequence[Rule],
    *,
    path: str | None = None,
    allow: Allowances | None = None,
    drop_extensions: Sequence[str] = (),
    keep_extensions: Sequence[str] = (),
) -> tuple[Document, RedactionResult] | None:
    """Redact a large JSON text, as `load_document` then `redact_document(split=True)` would, sooner: the review
    of the input forks before the text is parsed, and each process parses it (engine.review_json_split); this
    one copies the document for the redaction while the child finishes. The document comes back without its
    text. None when that is not done (see review_json_split): the caller loads and redacts the usual way."""
    redacting = _redacting(rules)
    with gc_paused():
        done = review_json_split(
            text,
            source,
            redacting,
            allow,
            path=path,
            locate="none",  # changes name pointers, not lines
            meanwhile=lambda document: prepare_redaction(document.data),
            hold=False,
        )
        if done is None:
            return None
        done.document = dataclasses.replace(done.document, text="", _locator=None)  # not kept through the peak
        result = _redact_reviewed(done, rules, allow, drop_extensions, keep_extensions, fork=True)
    return done.document, result


def _redacting(rules: Sequence[Rule]) -> list[Rule]:
    # Only redacting rules decide anything here; the others (weak inputs: thousands of findings on a large
    # document) are for `check`.
    return [r for r in rules if r.redact != "none"]


def _redact(
    document: Document,
    rules: Sequence[Rule],
    allow: Allowances | None,
    drop_extensions: Sequence[str],
    keep_extensions: Sequence[str],
    fork: bool,
) -> RedactionResult:
    review = Review(document, allow)
    with review.begin(_redacting(rules), locate="none", fork=fork) as pending:  # changes name pointers, not lines
        # The copy does not depend on what the review finds: made while a forked child finishes its rules.
        prepared = prepare_redaction(document.data) if fork else None
        findings = pending.findings()
    reviewed = TextReview(document, findings, review.verdicts(), prepared)
    del review, pending  # their indexes are as large as the document: not kept while the copy is re-reviewed
    return _redact_reviewed(reviewed, rules, allow, drop_extensions, keep_extensions, fork=fork)


def _redact_reviewed(
    reviewed: TextReview,
    rules: Sequence[Rule],
    allow: Allowances | None,
    drop_extensions: Sequence[str],
    keep_extensions: Sequence[str],
    *,
    fork: bool,
) -> RedactionResult:
    """The redaction once the input's review has found what to redact (and perhaps made the copy to redact)."""
    document, findings, verdicts = reviewed.document, reviewed.findings, reviewed.verdicts
    prepared: PreparedRedaction | None = reviewed.made_meanwhile
    by_id = {r.id: r for r in rules}
    redacting = _redacting(rules)
    internal = by_id.get(INTERNAL_RULE)
    flags = _marking_flags(internal)
    # Most documents mark nothing: the review's flags tell without a walk of the whole document by role.
    any_marks = bool(flags) and (
        any(not flag.startswith("x-") for flag in flags) or bool(verdicts.flags_set.intersection(flags))
    )
    actions = plan_actions(document.data, findings, by_id)
    marked = _marked_actions(document.data, internal, flags, allow) if internal and any_marks else []
    actions.extend(marked)
    drop = (*INFRASTRUCTURE_EXTENSIONS, *drop_extensions)
    for _ in range(_ROUNDS):
        prepared = prepared or prepare_redaction(document.data)
        redaction = prepared.apply(actions, drop_extensions=drop, keep_extensions=keep_extensions)
        prepared = None
        data, changes = redaction.data, redaction.changes
        # The way back to the input's paths is as large as the document, and the review of the output is the
        # peak of memory: it is let go here and traced again in the rare case that something is left.
        del redaction
        output = Review(Document(document.source, data, document.format), allow, judged=verdicts)
        with output.begin(redacting, locate="none", fork=fork) as pending:
            _check_consistent(document.data, data)  # while a forked child reviews the output's strings
            residue = pending.findings()
        del output, pending
        if not residue:
            break
        # Removing parts can expose others: a schema that a removed success response shared with an error
        # response is now an error model, and its `stack_trace` a leak. Plan those too, on the input (so the
        # change log keeps pointing into it), and redo the redaction. The same actions give the same copy.
        again = trace_redactions(document.data, actions, drop_extensions=drop, keep_extensions=keep_extensions)
        exposed = _on_input(plan_actions(data, residue, by_id), again)
        if not exposed:  # nothing more to plan, or a finding that cannot be mapped back: fail closed below
            break
        actions.extend(exposed)
        findings.extend(residue)
    if residue:
        first = residue[0].finding
        more = f" (and {len(residue) - 1} more)" if len(residue) > 1 else ""
        raise RedactionError(f"redaction left {first.rule} at {first.pointer}{more}; nothing written")
    reported = {r.finding.pointer for r in findings}
    redacted = len(findings) + sum(1 for a in marked if a.pointer not in reported)
    return RedactionResult(data, changes, findings, redacted)
