"""Run a rule set over one document: select, filter by flow, match, and emit masked findings.

The document is walked once to index the keys rules select on (document/key_index.py: a JSON document comes
with its index from loading) and once, over schemas only, to learn data flows (flow.py). Every rule then reads
those indexes; no rule walks the document itself.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple

from specreview.checks import FLAG_CHECKS, descriptions, documented_values, run_check
from specreview.config import Allowances
from specreview.detectors import DETECTORS, FIELD_DETECTORS, Hit, ValueContext, rule_gate
from specreview.document.key_index import KeyIndex, index_keys, keyword_values_above
from specreview.document.model import Document
from specreview.document.pointer import Path, to_pointer, token_text
from specreview.findings import Finding, Severity, hash_value
from specreview.flow import RESPONSE_FLOWS, FlowMap, analyse_flows
from specreview.forked import Forked, can_fork
from specreview.gc_pause import gc_paused
from specreview.lifetime import hold_until_exit
from specreview.ruleset.model import Match, Rule, WordPattern
from specreview.selectors import DISJOINT_ALIASES, TEXT_KEYS, Candidate, Selector, evaluate
from specreview.string_scan import StringScan
from specreview.words import name_words, split_words

IGNORE_KEY = "x-specreview-ignore"
# A string below a selected node: (path, text, the container holding it, its field, whether it is prose).
# The field is None when not worked out yet (prose: see Review._grouped).
Leaf = tuple[Path, str, Any, str | None, bool]
# A distinct (text, field, prose) of a selection, with every leaf where it occurs.
Group = tuple[str, str | None, bool, list[Leaf]]
Places = dict[tuple[str, str | None, bool], list[Leaf]]  # groups being built: (text, field, prose) -> leaves
_CVC_SHAPE = re.compile(r"\d{3,4}")
Locate = Literal["all", "no-info", "none"]  # which findings get a source position
# Rules that judge strings (on: value, text) rather than names or nodes: the part of a review a forked child takes.
_VALUE_MATCHES = ("value", "text")
# A document this long (in characters of source text) is reviewed in two processes when the caller allows it:
# below, the fork costs about what it saves.
SPLIT_MIN_CHARS = 512 * 1024
# Keys that hold example data or wrap it; walking up from a value past these finds the field it belongs to.
_VALUE_KEYWORDS = frozenset(
    {
        "example",
        "examples",
        "default",
        "const",
        "value",
        "schema",
        "items",
        "content",
        "anyOf",
        "oneOf",
        "allOf",
    }
)


class RawFinding(NamedTuple):
    """A finding before it is rendered: keeps the matched spans so redaction can mask them. A tuple: a large
    document has tens of thousands of findings, and a tuple is the cheapest immutable record to make."""

    finding: Finding
    path: Path
    spans: tuple[str, ...] = ()
    name: str = ""


@dataclass(frozen=True)
class Verdicts:
    """A review's judgements of distinct strings per rule, and what they depended on; and what a document
    derived from the reviewed one cannot have more of, since redaction removes and masks but never adds: the
    `x-` flags set to true, and whether any object says `x-specreview-ignore`."""

    allow: Allowances
    own_contact: tuple[str, ...]
    memo: dict[str, dict[tuple[str, str, bool], tuple[Hit, ...]]]
    flags_set: frozenset[str] = frozenset()
    had_ignores: bool = True


class Review:
    """The indexes one document's review shares across rules."""

    def __init__(
        self,
        document: Document,
        allow: Allowances | None = None,
        *,
        judged: Verdicts | None = None,
        unindexed: bool = False,
    ) -> None:
        """`judged`: the verdicts of an earlier review of a document this one derives from by removals and masks
        only (redaction reviews its own output). `unindexed`: this process runs rules that need no key index
        (another process, with the index, runs the value rules: review_json_split), so whether the document
        suppresses anything or sets a flag is told from its JSON text, conservatively, not from an index built
        for that alone."""
        self._unindexed = unindexed and document.format == "json" and bool(document.text)
        self.document = document
        self.allow = allow or Allowances()
        self.doc = document.data
        self.own_contact = _own_contact(self.doc)
        self._selected: dict[str, list[Candidate]] = {}
        self._selections: dict[tuple[Any, ...], list[Candidate]] = {}
        self._parent_pointers: dict[Path, str] = {}
        # Groups, and a scan of their texts, by selector, or by selection for a flow filter.
        self._groups: dict[Any, tuple[list[Group], StringScan]] = {}
        # Verdicts per rule on each distinct (text, field, prose). A re-review of a derived document judges
        # mostly the same strings: it reuses them unless something they depend on differs.
        same = judged is not None and judged.allow == self.allow and judged.own_contact == self.own_contact
        self._memo: dict[str, dict[tuple[str, str, bool], tuple[Hit, ...]]] = judged.memo if same else {}
        self._source = judged  # what the document this one derives from had, if it derives from one

    @functools.cached_property
    def index(self) -> KeyIndex:
        """The document's key index: from loading, or built when a rule first needs it (in a split review, the
        child's value rules do; the parent's rules need none)."""
        loaded = self.document.key_index
        return loaded if loaded is not None else index_keys(self.doc)

    @functools.cached_property
    def flows(self) -> FlowMap:
        """Worked out when a rule first needs it: in a split review, after the fork, by the side that does."""
        return analyse_flows(self.doc)

    @functools.cached_property
    def _has_ignores(self) -> bool:
        """Whether any object says `x-specreview-ignore`: most documents carry no suppression at all, and then no
        finding needs the walk up its path."""
        if self._source is not None and not self._source.had_ignores:
            return False
        if self._unindexed:
            return self._text_may_hold(IGNORE_KEY)
        return any(path[-1] == IGNORE_KEY for path, _, _ in self.index.extensions)

    def has_extension_set(self, names: Iterable[str]) -> bool | None:
        """Whether some object holds one of the extensions `names` set to true, from the index (it has every
        `x-` key outside name maps, data included); None when a name is no `x-` key. Unindexed: whether one may."""
        wanted = set(names)
        if any(not name.startswith("x-") for name in wanted):
            return None
        if self._source is not None and not wanted & self._source.flags_set:
            return False
        if self._unindexed:  # may be set: only a rule's needless run follows from a wrong guess
            return any(self._text_may_hold(name) for name in wanted)
        return bool(wanted & self._flags_set)

    def _text_may_hold(self, key: str) -> bool:
        """Whether the JSON text may have the object key `key`: it spells it, or writes one of the key's characters
        as an escape (then the key might be spelt so: `x-priv\\u00e9`, `x-a\\/b`)."""
        text = self.document.text
        return key in text or _escapes_of(key).search(text) is not None

    @functools.cached_property
    def _flags_set(self) -> frozenset[str]:
        """The `x-` keys some object sets to true."""
        return frozenset(path[-1] for path, value, _ in self.index.extensions if value is True)

    def verdicts(self) -> Verdicts:
        """What a later review of a derived document may reuse, without keeping this review's indexes alive."""
        return Verdicts(self.allow, self.own_contact, self._memo, self._flags_set, self._has_ignores)

    def run(self, rules: Iterable[Rule], *, locate: Locate = "all", fork: bool = False) -> list[RawFinding]:
        """The findings of the enabled rules. Which get a source position: `all`; `no-info` for reports that
        only count info findings (the default text report: on a large document they are most of the findings,
        and positions are the costly part of a finding); `none` when no position is shown (redaction).

        `fork`: the value rules run in a forked child on another core (forked.py) while this process runs the
        others (review_document decides when)."""
        with self.begin(rules, locate=locate, fork=fork) as pending:
            return pending.findings()

    def begin(self, rules: Iterable[Rule], *, locate: Locate = "all", fork: bool = False) -> PendingReview:
        """`run` in two steps, so that the caller can do work of its own while a forked child finishes: this
        runs this process's share of the rules; the PendingReview's `findings` waits for the child's."""
        enabled = {rule.id: rule for rule in rules if rule.enabled}  # the last of several with one id
        return PendingReview(self, list(enabled.values()), locate, fork)

    def _assembled(
        self, rules: list[Rule], by_rule: dict[str, list[RawFinding]], located: list[RawFinding], locate: Locate
    ) -> list[RawFinding]:
        """The findings of `rules` in rule order, then the documented values they imply (`example_values`), each
        with its position: those in `located` have theirs already, the others get theirs in one batch."""
        enabled = {rule.id: rule for rule in rules}
        found = {(raw.finding.rule, raw.finding.pointer): raw for rule in rules for raw in by_rule.get(rule.id, ())}
        for raw in list(found.values()):
            rule = enabled[raw.finding.rule]
            for derived in self._example_values(rule, raw, enabled):
                key = (derived.finding.rule, derived.finding.pointer)
                target = enabled[derived.finding.rule]
                if key not in found and not self._suppressed(derived.path, target) and not self._allowed(derived):
                    found[key] = derived
        done = {id(raw) for raw in located}
        pending = self._located([raw for raw in found.values() if id(raw) not in done], locate)
        positioned = iter(pending)
        return [raw if id(raw) in done else next(positioned) for raw in found.values()]

    def _remote_part(
        self, rules: list[Rule], locate: Locate
    ) -> tuple[list[RawFinding], dict[str, dict[tuple[str, str, bool], tuple[Hit, ...]]]]:
        """What a forked child sends back: its rules' findings, located, and its verdicts (a later review of a
        derived document reuses them, see `verdicts`; with the gates they are only the strings judged)."""
        found = self._located(_flat(self._findings(rules)), locate)
        return found, {rule.id: self._memo[rule.id] for rule in rules if rule.id in self._memo}

    def _findings(self, rules: list[Rule]) -> dict[str, list[RawFinding]]:
        """Each rule's findings, one per pointer, without those suppressed in the document or allowed by the
        configuration."""
        by_rule: dict[str, list[RawFinding]] = {}
        for rule in rules:
            seen: set[str] = set()
            kept = by_rule[rule.id] = []
            for raw in self._run_rule(rule):
                pointer = raw.finding.pointer
                if pointer not in seen and not self._suppressed(raw.path, rule) and not self._allowed(raw):
                    seen.add(pointer)
                    kept.append(raw)
        return by_rule

    def _example_values(self, rule: Rule, raw: RawFinding, enabled: dict[str, Rule]) -> Iterator[RawFinding]:
        """The documented values of a property `rule` flagged, as findings of the rule its `example_values`
        names: a property found by its context (an identity document's `number`) has values no field name
        explains, and the example rules judge values by their field's name alone."""
        spec = rule.example_values
        target = enabled.get(spec.rule) if spec is not None else None
        if spec is None or target is None:
            return
        from specreview.detectors import is_placeholder

        dummies = target.options.get("dummy_ids", ())
        for path, value in _located_values(self.doc, raw.path):
            text = str(value)
            if spec.looks.search(text) and not is_placeholder(text) and text not in dummies:
                yield self._finding(target, path, name=raw.name, kind=spec.kind, value=value, spans=(text,))

    def _located(self, raws: list[RawFinding], locate: Locate) -> list[RawFinding]:
        """The findings with their source positions, in the same order. All at once: locating in a JSON text
        is a scan, so it is done in one batch rather than once per finding."""
        if locate == "none":
            return raws
        wanted = [raw.path for raw in raws if locate == "all" or raw.finding.severity != Severity.INFO]
        positions = self.document.locate_paths(wanted)
        if not positions:
            return raws
        located = []
        for raw in raws:
            position = positions.get(raw.path)
            if position is not None:
                finding = dataclasses.replace(raw.finding, line=position[0], column=position[1])
                raw = raw._replace(finding=finding)
            located.append(raw)
        return located

    # ------------------------------------------------------------------------------------------
    def _run_rule(self, rule: Rule) -> Iterator[RawFinding]:
        options = dict(rule.options)
        if self.own_contact:
            options["_own_emails"] = self.own_contact
        if rule.match.on in _VALUE_MATCHES:
            for raw in self._match_values(rule, self._value_blocks(rule), options):
                if not self._issued_exempt(rule, raw):
                    yield raw
            return
        if self._flags_unset(rule):
            return
        for raw in self._match_nodes(rule, self._selection(rule)):
            if not self._issued_exempt(rule, raw):
                yield raw

    def _flags_unset(self, rule: Rule) -> bool:
        """Whether a node rule's checks all need an `x-` flag set to true that no object in the document has."""
        checks = rule.match.check
        if rule.match.on != "node" or not checks or any(name not in FLAG_CHECKS for name in checks):
            return False
        flags = {flag for name in checks for flag in FLAG_CHECKS[name](rule.options)}
        return self.has_extension_set(flags) is False

    def _issued_exempt(self, rule: Rule, raw: RawFinding) -> bool:
        """Whether `where.not_issued` lets the finding go: its schema is returned only by the POST that issues
        it, and its name has none of the words issuance never covers (a password is issued, its hash is not).
        Issuance needs a walk up the reference graph: it is only worked out for what already matched."""
        where = rule.where
        if not where.not_issued or (where.issued_never and where.issued_never.intersection(split_words(raw.name))):
            return False
        return self._is_issued(raw.path)

    def _selection(self, rule: Rule) -> list[Candidate]:
        """A rule's distinct candidates that pass its flow filter. Rules that select alike share the list."""
        key = (tuple(s.source for s in rule.selectors), rule.where.flow)
        cached = self._selections.get(key)
        if cached is None:
            aliases = {selector.alias for selector in rule.selectors}
            if len(rule.selectors) == 1 and None not in aliases or aliases <= DISJOINT_ALIASES:
                # An alias never selects a node twice, nor do aliases of different kinds of node together; only
                # JSONPath, or aliases that overlap, can.
                cands = [cand for selector in rule.selectors for cand in self._candidates(selector)]
            else:
                cands = []
                seen: set[Path] = set()
                for selector in rule.selectors:
                    for cand in self._candidates(selector):
                        if cand.path not in seen:
                            seen.add(cand.path)
                            cands.append(cand)
            cached = self._selections[key] = self._flow_filtered(rule.where.flow, cands)
        return cached

    def _flow_filtered(self, wanted: tuple[str, ...], cands: list[Candidate]) -> list[Candidate]:
        """The candidates reached by one of the `wanted` flows (all of them when none is wanted)."""
        if not wanted:
            return list(cands)
        flows_of = self.flows.flows.get
        # A document has a handful of distinct flow sets, and hundreds of thousands of candidates.
        verdicts: dict[frozenset[str], bool] = {}
        kept = []
        for cand in cands:
            flows = flows_of(cand.path)
            if flows is None:
                flows = self._parameter_flows(cand) if isinstance(cand.value, dict) else _NO_FLOWS
            ok = verdicts.get(flows)
            if ok is None:
                ok = verdicts[flows] = any(_flow_matches(f, flows) for f in wanted)
            if ok:
                kept.append(cand)
        return kept

    def _parameter_flows(self, cand: Candidate) -> frozenset[str]:
        """A parameter's flows (it is no schema node): a request's, but a Swagger 2.0 body goes the way of its
        schema (a callback's body is sent, not received)."""
        if "in" not in cand.value:
            return _NO_FLOWS
        return self.flows.flows_of((*cand.path, "schema")) if cand.value.get("in") == "body" else _REQUEST

    def _value_blocks(self, rule: Rule) -> list[tuple[list[Group], StringScan]]:
        """A value rule's strings, each distinct (text, field, prose) once with every leaf where it occurs: a
        large document repeats its strings (Graph: 232,000 leaves, 45,000 distinct), and a rule judges one per
        group. The groups of each selector are made once and shared by the rules that use it (`#Text`,
        `#ExampleValue`), with a StringScan of their texts; a rule that filters by flow has its own. A node that
        two selectors both select is in the groups of each; `run` keeps the first finding at each pointer."""
        if rule.where.flow:
            key = (tuple(s.source for s in rule.selectors), rule.where.flow)
            block = self._groups.get(key)
            if block is None:
                block = self._groups[key] = _block(self._grouped(self._selection(rule)))
            return [block]
        blocks = []
        for selector in rule.selectors:
            block = self._groups.get(selector.source)
            if block is None:
                cands = self._candidates(selector)
                if selector.alias is None:  # JSONPath can select a node twice (`$..a..b`); an alias never does
                    cands = _first_per_path(cands)
                block = self._groups[selector.source] = _block(self._grouped(cands))
            blocks.append(block)
        return blocks

    def _grouped(self, cands: list[Candidate]) -> list[Group]:
        """The strings at or below the candidates, grouped by distinct (text, field, prose) in the order each
        first occurs. Leaves go straight into their group: a large document has hundreds of thousands."""
        places: Places = {}
        for cand in cands:
            path, value = cand.path, cand.value
            if isinstance(value, str) and path and path[-1] in TEXT_KEYS:
                # Prose (tens of thousands of descriptions) has no field; its name is only needed for a
                # finding.
                _place(places, (path, value, None, None, True))
            else:
                holder = cand.holder
                if holder is None:
                    field = self._find_field_name(path)
                elif _is_parameter(holder):
                    field = _parameter_field(holder)  # an extension of a parameter: its values are the parameter's
                else:
                    field = ""  # as _find_field_name decides for an extension, without walking down to its holder
                _add_string_leaves(places, path, value, field)
        return [(text, field, prose, at) for (text, field, prose), at in places.items()]

    def _candidates(self, selector: Selector) -> list[Candidate]:
        """Aliases are shared by several rules: evaluate each once per document."""
        cached = self._selected.get(selector.source)
        if cached is None:
            cached = self._selected[selector.source] = list(
                evaluate(selector, self.doc, lambda: self.index, lambda: self.flows)
            )
        return cached

    def _is_issued(self, path: Path) -> bool:
        """Returned on success only by POST operations of `paths` (a webhook's POST sends, it doesn't issue)."""
        return self.flows.issued_only_by_post(path)

    def _match_nodes(self, rule: Rule, cands: list[Candidate]) -> Iterator[RawFinding]:
        """The findings of a rule that matches names, path segments or nodes (not values)."""
        match, doc = rule.match, self.doc
        if match.on == "key":
            # A large document repeats its property names (Graph: 41,000 properties, a few thousand names).
            kinds: dict[str, str | None] = {}
            for cand in cands:
                name = cand.name
                kind = kinds[name] if name in kinds else kinds.setdefault(name, _words_match(match, name))
                if (
                    kind is not None
                    and _checks_pass(match, cand, doc, rule)
                    and not _described_otherwise(rule, cand, doc)
                ):
                    yield self._finding(rule, cand.path, name=name, kind=kind)
        elif match.on == "path":
            for cand in cands:
                segment = _path_segment_match(match, cand.name)
                if segment is not None:
                    yield self._finding(rule, cand.path, name=cand.name, kind=segment)
        elif match.on == "node":
            for cand in cands:
                reason = _run_checks(match, cand, doc, rule)
                if reason is not None:
                    yield self._finding(rule, cand.path, name=cand.name, kind=reason)
        else:  # value or text: matched for all candidates at once by _match_values
            raise AssertionError(f"{rule.id}: value rules are matched by _match_values")

    def _match_values(
        self, rule: Rule, blocks: list[tuple[list[Group], StringScan]], options: dict[str, Any]
    ) -> Iterator[RawFinding]:
        """Every string at or below the selected nodes, each distinct (text, field, prose) judged once."""
        match = rule.match
        on_text = match.on == "text"
        needs_field = bool(match.words) or any(d in FIELD_DETECTORS for d in match.detect)
        # A security code is judged by the card number beside it; only a 3-4 digit value can be one.
        cvc = "card-security-code" in match.detect
        memo: dict[tuple[str, str, bool], tuple[Hit, ...]] = self._memo.setdefault(rule.id, {})
        field_ok: dict[str, bool] = {}
        # Most strings hold nothing the detectors look for: their gates find the few that may, in all the strings
        # at once, before any detector runs.
        gate = rule_gate(match.detect, options) if match.regex is None else None
        for groups, scan in blocks:
            admitted = gate.admitted(scan) if gate is not None else None
            for index, (text, leaf_field, text_key, places) in enumerate(groups):
                in_text = on_text or text_key
                field = leaf_field if needs_field and not in_text and leaf_field is not None else ""
                if admitted is not None and index not in admitted and (in_text or not gate.admits_field(field)):
                    continue
                if match.words:
                    ok = field_ok.get(field)
                    if ok is None:
                        ok = field_ok[field] = _words_match(match, field) is not None
                    if not ok:
                        continue
                if cvc and _CVC_SHAPE.fullmatch(text.strip()):
                    for path, _, parent, _, _ in places:  # judged where it is: by the values beside it
                        siblings = parent if isinstance(parent, dict) else None
                        hits = self._judge(match, text, field, in_text, siblings, options, memo)
                        if hits:
                            yield self._value_finding(rule, path, text, leaf_field, hits)
                    continue
                hits = self._judge(match, text, field, in_text, None, options, memo)
                if hits:
                    for leaf in places:
                        yield self._value_finding(rule, leaf[0], text, leaf_field, hits)

    def _judge(
        self,
        match: Match,
        text: str,
        field: str,
        in_text: bool,
        siblings: dict[str, Any] | None,
        options: dict[str, Any],
        memo: dict[tuple[str, str, bool], tuple[Hit, ...]],
    ) -> tuple[Hit, ...]:
        """The hits in one string, remembered per (text, field, prose) unless they depend on its siblings."""
        key = (text, field, in_text)
        hits = memo.get(key) if siblings is None else None
        if hits is None:
            ctx = ValueContext(field=field, siblings=siblings, in_text=in_text)
            hosts = self.allow.hosts
            hits = tuple(h for h in self._detect(match, text, ctx, options) if h.span.lower() not in hosts)
            if siblings is None:
                memo[key] = hits
        return hits

    def _value_finding(
        self, rule: Rule, path: Path, text: str, leaf_field: str | None, hits: tuple[Hit, ...]
    ) -> RawFinding:
        field = self._find_field_name(path) if leaf_field is None else leaf_field
        kinds = ", ".join(sorted({h.kind for h in hits}))
        spans = tuple(h.span for h in hits)
        return self._finding(rule, path, name=field or str(path[-1]), kind=kinds, value=text, spans=spans)

    def _detect(self, match: Match, text: str, ctx: ValueContext, options: dict[str, Any]) -> Iterator[Hit]:
        if match.regex is not None:
            for m in match.regex.finditer(text):
                if match.except_regex is None or not match.except_regex.search(m.group(0)):
                    yield Hit("pattern", m.group(0))
        for name in match.detect:
            for hit in DETECTORS[name](text, ctx, options):
                if match.except_regex is None or not match.except_regex.search(hit.span):
                    yield hit

    def _find_field_name(self, path: Path) -> str:
        node_chain = _chain(self.doc, path)
        for i in range(len(path) - 1, -1, -1):
            token = path[i]
            parent = node_chain[i]  # the container holding `token`
            if isinstance(parent, dict) and _is_parameter(parent):
                return _parameter_field(parent)
            if str(token).startswith("x-") or token == "enum":
                return ""  # a vendor extension's values, or the choices a field allows: none is the field's value
            if isinstance(token, int) or token in _VALUE_KEYWORDS:
                continue
            if (
                i > 0
                and path[i - 1] == "examples"
                and isinstance(node_chain[i + 1], dict)
                and "value" in node_chain[i + 1]
            ):
                continue  # the name of a named example, not a field
            if token in ("properties", "components", "paths", "parameters"):
                return ""
            return str(token)
        return ""

    def _finding(
        self, rule: Rule, path: Path, *, name: str, kind: str, value: Any = None, spans: tuple[str, ...] = ()
    ) -> RawFinding:
        pointer = self._pointer(path)
        message = _render(rule.message, name=name, kind=kind, pointer=pointer)
        value_hash = hash_value(value) if value is not None else ""
        # Positional: a frozen dataclass's keyword arguments cost a third more, tens of thousands of times.
        finding = Finding(
            rule.id, rule.category, rule.severity, pointer, message, self.document.source, None, None, value_hash
        )
        return RawFinding(finding, path, spans, name)

    def _pointer(self, path: Path) -> str:
        """The pointer to `path`. Findings come in siblings (the properties of one schema, the parameters of one
        operation): their parent's pointer is made once."""
        if not path:
            return ""
        parent = path[:-1]
        base = self._parent_pointers.get(parent)
        if base is None:
            base = self._parent_pointers[parent] = to_pointer(parent)
        return f"{base}/{token_text(path[-1])}"

    def _allowed(self, raw: RawFinding) -> bool:
        """Accepted in the configuration: an allowed name, or a pointer at or below an allowed one."""
        allow = self.allow
        if raw.name and raw.name in allow.names:
            return True
        pointer = raw.finding.pointer
        return any(pointer == p or pointer.startswith(p + "/") for p in allow.pointers)

    def _suppressed(self, path: Path, rule: Rule) -> bool:
        """Whether an `x-specreview-ignore` list on the node or an object above it names the rule or its category
        (not a property called so: the index does not count those either, see key_index.py)."""
        if not self._has_ignores:
            return False
        return any(
            isinstance(ignored, list) and (rule.id in ignored or rule.category in ignored)
            for ignored in keyword_values_above(self.doc, path, IGNORE_KEY)
        )


class PendingReview:
    """A review under way (Review.begin): this process's rules done, a forked child's perhaps still running.
    A context manager, so that a child is never left behind when the caller fails before `findings`."""

    def __init__(self, review: Review, rules: list[Rule], locate: Locate, fork: bool) -> None:
        self._review, self._rules, self._locate = review, rules, locate
        self._remote = [rule for rule in rules if rule.match.on in _VALUE_MATCHES] if fork else []
        local = [rule for rule in rules if rule not in self._remote]
        self._child: Forked[Any] | None = None
        if self._remote and local:
            # Its findings are few: this process locates them after its own, from the containers its scan has
            # passed (JsonLocator._starts), sooner than the child could scan the text from the top.
            self._child = Forked(lambda: review._remote_part(self._remote, "none"))
        else:
            self._remote, local = [], rules
        self._located: list[RawFinding] = []  # findings already given their positions
        try:
            self._by_rule = review._findings(local)
            if self._child is not None:
                # Located now, while the child still works: locating is a scan of the text, and after the child
                # has delivered only the merge should be left.
                self._located = review._located(_flat(self._by_rule), locate)
                self._by_rule = {}
                for raw in self._located:
                    self._by_rule.setdefault(raw.finding.rule, []).append(raw)
        except BaseException:
            self.__exit__()
            raise

    def __enter__(self) -> PendingReview:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._child is not None:
            self._child.__exit__(*exc)

    def findings(self) -> list[RawFinding]:
        """All the findings, in rule order, once the child has delivered (or its work was done here)."""
        review, by_rule = self._review, self._by_rule
        located = list(self._located)  # here, and by the child
        if self._child is not None:
            delivered = self._child.result()
            if delivered is None:  # the child could not deliver: its work is done here
                by_rule.update(review._findings(self._remote))
            else:
                theirs, verdicts = delivered
                review._memo.update(verdicts)
                theirs = review._located(theirs, self._locate)
                located += theirs
                for raw in theirs:
                    by_rule.setdefault(raw.finding.rule, []).append(raw)
        return review._assembled(self._rules, by_rule, located, self._locate)


_REQUEST = frozenset({"request"})
_NO_FLOWS: frozenset[str] = frozenset()


def _flow_matches(wanted: str, flows: frozenset[str]) -> bool:
    if wanted == "any":
        return True
    if wanted == "response":
        return bool(flows & RESPONSE_FLOWS)
    if wanted in ("error", "error-debug"):
        # An error model is what only errors return. A schema that success responses return too is a domain
        # object an error happens to embed (Stripe's error carries the failed `payment_intent`): its `file` or
        # `amount_received` describe the resource, not the server's internals.
        return "success" not in flows and bool(flows & ({"error", "error-debug"} if wanted == "error" else {wanted}))
    return wanted in flows


def _pattern_hits(pattern: WordPattern, words: tuple[str, ...]) -> bool:
    if not words or (pattern.without and pattern.without.intersection(words)):
        return False
    if pattern.anywhere:
        if not pattern.head.intersection(words):
            return False
    elif words[-1] not in pattern.head:
        return False
    elif pattern.before and (len(words) < 2 or words[-2] not in pattern.before):
        return False
    return not pattern.with_any or bool(pattern.with_any.intersection(words[:-1] if not pattern.anywhere else words))


def _words_match(match: Match, name: str) -> str | None:
    """The kind of thing the name denotes ("password", "api key"…), or None."""
    words = name_words(name)
    if not words or (match.except_words and match.except_words.intersection(words)):
        return None
    for pattern in match.words:
        # A pattern whose head is a form word (`service_account_json`: the key file) is matched on the name
        # with its trailing form words, which name_words otherwise drops.
        seen = split_words(name) if pattern.sees_form_words else words
        if _pattern_hits(pattern, seen):
            kind_words = pattern.head | pattern.with_any | pattern.before
            return " ".join(w for w in seen if w in kind_words) or name
    return None if match.words else name


def _path_segment_match(match: Match, path: str) -> str | None:
    assert match.regex is not None
    for segment in path.split("/"):
        if segment and match.regex.search(segment):
            return segment
    return None


def _described_otherwise(rule: Rule, cand: Candidate, doc: Any) -> bool:
    """Whether the node's description says it is something the name does not (`options.not_described`): a
    `storage_key` described as "Object key in the package bucket" names an object, it is no storage account key."""
    pattern = rule.options.get("_not_described")
    return pattern is not None and any(pattern.search(text) for text in descriptions(cand.value, doc))


def _checks_pass(match: Match, cand: Candidate, doc: Any, rule: Rule) -> bool:
    return not match.check or _run_checks(match, cand, doc, rule) is not None


def _run_checks(match: Match, cand: Candidate, doc: Any, rule: Rule) -> str | None:
    for name in match.check:
        reason = run_check(name, cand.value, doc, rule.options, cand.path)
        if reason is not None:
            return reason
    return None


def _located_values(doc: Any, path: Path) -> Iterator[tuple[Path, str | int]]:
    """The documented values of the property at `path` that have a place of their own and are a string or a number
    (checks.documented_values says which)."""
    node: Any = doc
    for token in path:
        node = node[token]
    for at, value in documented_values(node, doc, path):
        if at is not None and (isinstance(value, str) or (isinstance(value, int) and not isinstance(value, bool))):
            yield at, value


def _block(groups: list[Group]) -> tuple[list[Group], StringScan]:
    return groups, StringScan([group[0] for group in groups])


def _flat(by_rule: dict[str, list[RawFinding]]) -> list[RawFinding]:
    return [raw for found in by_rule.values() for raw in found]


def _first_per_path(cands: list[Candidate]) -> list[Candidate]:
    """Each selected node once, in the order, and with the candidate, of its first selection."""
    unique: dict[Path, Candidate] = {}
    for cand in cands:
        unique.setdefault(cand.path, cand)
    return list(unique.values())


def _place(places: Places, leaf: Leaf) -> None:
    key = (leaf[1], leaf[3], leaf[4])
    at = places.get(key)
    if at is None:
        places[key] = [leaf]
    else:
        at.append(leaf)


def _add_string_leaves(places: Places, path: Path, value: Any, field: str) -> None:
    """Place the strings at or below `value` (found at `path`, whose field is `field`), with the field each
    belongs to, worked out on the way down: the innermost key that names a field (see _field_at), else the one
    above. The grouping is inlined (see _place): this loop visits every string of every example."""
    if isinstance(value, str):
        _place(places, (path, value, None, field, bool(path) and path[-1] in TEXT_KEYS))
        return
    get = places.get
    stack: list[tuple[Path, Any, str]] = [(path, value, field)]
    while stack:
        p, node, inherited = stack.pop()
        if isinstance(node, dict):
            # Inside a parameter object every value belongs to the parameter.
            own = _parameter_field(node) if _is_parameter(node) else None
            after_examples = bool(p) and p[-1] == "examples"
            for key, child in node.items():
                is_text = isinstance(child, str)
                if not is_text and not isinstance(child, (dict, list)):
                    continue  # numbers, booleans, null: nothing to read
                if own is not None:
                    child_field = own
                else:
                    named = _field_at(key, child, after_examples)
                    child_field = inherited if named is None else named
                if is_text:
                    prose = key in TEXT_KEYS
                    leaf = ((*p, key), child, node, child_field, prose)
                    at = get((child, child_field, prose))
                    if at is None:
                        places[(child, child_field, prose)] = [leaf]
                    else:
                        at.append(leaf)
                else:
                    stack.append(((*p, key), child, child_field))
        elif isinstance(node, list):
            for i, child in enumerate(node):
                if isinstance(child, str):
                    leaf = ((*p, i), child, node, inherited, False)
                    at = get((child, inherited, False))
                    if at is None:
                        places[(child, inherited, False)] = [leaf]
                    else:
                        at.append(leaf)
                elif isinstance(child, (dict, list)):
                    stack.append(((*p, i), child, inherited))


def _is_parameter(node: dict[str, Any]) -> bool:
    """Whether an object is a parameter (or a header written like one): it says where (`in`) and its `name`."""
    return "in" in node and isinstance(node.get("name"), str)


def _parameter_field(param: dict[str, Any]) -> str:
    """The field a parameter's values belong to: its name, and for a cookie the word `cookie` too, since a
    cookie (`flsid`, `sid`) most often carries a session token whatever it is called."""
    return f"{param['name']} cookie" if param.get("in") == "cookie" else param["name"]


def _field_at(key: Any, child: Any, after_examples: bool) -> str | None:
    """The field a key of an object (not a parameter) names for everything below it: None when the key is a
    value keyword that passes the field above through, "" when nothing below is a field's value.
    The same decisions as _find_field_name, which makes them walking up from one path."""
    key = key if isinstance(key, str) else str(key)  # documents built in Python may use int status codes
    if key.startswith("x-") or key == "enum":
        # A vendor extension's values describe the field; an enum lists the values it may take (a permission's
        # `read`/`write`, a token's `bearer`): neither is the field's value, so field names do not judge them.
        return ""
    if key in _VALUE_KEYWORDS:
        return None
    if after_examples and isinstance(child, dict) and "value" in child:
        return None  # the name of a named example, not a field
    if key in ("properties", "components", "paths", "parameters"):
        return ""
    return key


def _chain(doc: Any, path: Path) -> list[Any]:
    """The nodes along a path: chain[i] is the container that holds path[i]; chain[-1] is the node."""
    chain = [doc]
    node = doc
    for token in path:
        node = node[token]
        chain.append(node)
    return chain


_PLACEHOLDER = re.compile(r"\{(name|kind|pointer)\}")


def _render(template: str, **values: str) -> str:
    return _format_string(template).format(**values)


@functools.lru_cache(maxsize=256)
def _format_string(template: str) -> str:
    """A rule's message as a `str.format` string: its placeholders kept, any other brace escaped. Rendering is
    then one call in C (a large document has tens of thousands of findings)."""
    parts = _PLACEHOLDER.split(template)  # text, placeholder name, text, ...
    return "".join(
        part.replace("{", "{{").replace("}", "}}") if i % 2 == 0 else f"{{{part}}}" for i, part in enumerate(parts)
    )


def _own_contact(doc: dict[str, Any]) -> tuple[str, ...]:
    info = doc.get("info")
    contact = info.get("contact") if isinstance(info, dict) else None
    email = contact.get("email") if isinstance(contact, dict) else None
    return (email.lower(),) if isinstance(email, str) else ()


# The characters JSON may write with a short escape (`\/`, `\"`), besides `\uXXXX`, which any character may use.
_SHORT_ESCAPES = {"/": "/", '"': '"', "\\": "\\", "\b": "b", "\f": "f", "\n": "n", "\r": "r", "\t": "t"}


@functools.lru_cache(maxsize=64)
def _escapes_of(key: str) -> re.Pattern[str]:
    """A search for any escape that writes a character of `key`: how a JSON text can hold the key without
    spelling it out. A character beyond the Basic Multilingual Plane is escaped as a surrogate pair."""
    codes = set()
    for char in set(key):
        units = char.encode("utf-16-be")
        codes.update(int.from_bytes(units[i : i + 2], "big") for i in range(0, len(units), 2))
    spelt = [f"u{code:04x}" for code in sorted(codes)]
    spelt += [re.escape(_SHORT_ESCAPES[char]) for char in sorted(set(key)) if char in _SHORT_ESCAPES]
    return re.compile(r"\\(?:" + "|".join(spelt) + ")", re.IGNORECASE)


def worth_splitting(document: Document) -> bool:
    """Whether a review of the document gains from a second process: whether its text is that long."""
    return len(document.text) >= SPLIT_MIN_CHARS


def text_to_split(location: str, max_bytes: int) -> str | None:
    """The text of a local JSON file long enough for review_json_split; None for anything else (standard input
    or a URL, read once by the usual load; a short file; YAML; a file that cannot be read, which the usual load
    reports). Reading it may raise what `load_document` would raise for it (too large, not UTF-8)."""
    import os

    from specreview.document.load import decode, read_file

    if location == "-" or "://" in location:
        return None
    try:
        if os.stat(location).st_size < SPLIT_MIN_CHARS:
            return None
    except OSError:
        return None
    text = decode(read_file(location, max_bytes), location)
    return text if text.lstrip().startswith("{") else None


def review_document(
    document: Document,
    rules: Iterable[Rule],
    allow: Allowances | None = None,
    *,
    locate: Locate = "all",
    split: bool = False,
) -> list[RawFinding]:
    """The document's findings. `split`: the caller allows running part of the review in a forked child (the
    process is its own, with cores to spare); it is done when that is possible and pays."""
    fork = split and worth_splitting(document) and can_fork()
    with gc_paused():  # the review allocates hundreds of thousands of long-lived tuples and no garbage
        review = Review(document, allow)
        found = review.run(rules, locate=locate, fork=fork)
    hold_until_exit(document, review)
    return found


@dataclass
class TextReview:
    """What review_json_split gives: the document the parent parsed, the findings, the verdicts a review of a
    document derived from it may reuse (with the child's exact flags and suppressions: the parent has no index
    to tell them), and what the caller's `meanwhile` made while the child finished."""

    document: Document
    findings: list[RawFinding]
    verdicts: Verdicts
    made_meanwhile: Any = None


def review_json_split(
    text: str,
    source: str,
    rules: Iterable[Rule],
    allow: Allowances | None = None,
    *,
    path: str | None = None,
    name: str | None = None,
    locate: Locate = "all",
    meanwhile: Callable[[Document], Any] | None = None,
    hold: bool = True,
) -> TextReview | None:
    """Review a large JSON text in two processes that each parse it, for what `load_document` and
    `review_document(split=True)` give, sooner: a forked child parses the text, builds the key index (the walk
    that also counts object members and limits nesting: a fifth of a second on the 20 MB Graph description) and
    runs the value rules; meanwhile this process parses it with plain `json.loads`, runs the others and counts
    the text's key tokens. Equal counts prove no key is written twice (duplicate_keys.py), for both parses: the
    same text gives the same data. Each process touches only its own objects, where a fork after loading would
    have both copy the pages they share as they count references. `meanwhile(document)` runs in this process
    once its own rules are done (redaction copies the document there). `hold`: keep the document and this
    process's review until exit (lifetime.py); redaction, which goes on to build more, lets the review go.

    `name`: what findings call the document (default `source`). None when it is not done so (the text is short,
    or not JSON; no second core; the text is no valid OpenAPI document, or one the checks would warn about;
    the child failed): the caller loads and reviews the usual way, which says what is wrong."""
    from specreview.document.duplicate_keys import key_tokens
    from specreview.document.load import parse_json_unproven
    from specreview.document.refs import ref_warnings

    if len(text) < SPLIT_MIN_CHARS or not text.lstrip().startswith("{") or not can_fork():
        return None
    shown = name or source
    enabled = list({rule.id: rule for rule in rules if rule.enabled}.values())
    remote = [rule for rule in enabled if rule.match.on in _VALUE_MATCHES]
    local = [rule for rule in enabled if rule not in remote]

    held: list[object] = []  # the child's document and review: freeing them would only delay its answer

    def child_part() -> tuple[list[RawFinding], Any, list[str], int, frozenset[str], bool] | None:
        indexed = parse_json_unproven(text, source, path=path, indexed=True)
        if indexed is None or indexed.key_index is None:
            return None
        indexed.source = shown
        index = indexed.key_index
        warnings = ref_warnings(indexed.data, holders=index.ref_holders)
        child_review = Review(indexed, allow)
        held.extend((indexed, child_review))
        found, memo = child_review._remote_part(remote, "none")  # located by the parent, which has scanned the text
        return found, memo, warnings, index.members, child_review._flags_set, child_review._has_ignores

    with gc_paused(), Forked(child_part) as child:
        document = parse_json_unproven(text, source, path=path)
        if document is None:
            return None
        document.source = shown
        review = Review(document, allow, unindexed=True)
        try:
            located = review._located(_flat(review._findings(local)), locate)
        except RecursionError:  # nesting the child's checks may refuse: the usual load says so
            return None
        made = meanwhile(document) if meanwhile is not None else None
        keys = key_tokens(text)  # here rather than in the child, which has more to do
        delivered = child.result()
        if delivered is None:
            return None
        theirs, memo, warnings, members, flags_set, has_ignores = delivered
        if members != keys:  # a key written twice (or a string that looks like one): the usual load tells
            return None
        document.warnings = warnings
        review._memo.update(memo)
        # The parent's own scan recorded where the containers it passed open: the child's few findings are found
        # from there, not by a second scan from the top (JsonLocator._starts).
        located += review._located(theirs, locate)
        by_rule: dict[str, list[RawFinding]] = {}
        for raw in located:
            by_rule.setdefault(raw.finding.rule, []).append(raw)
        found = review._assembled(enabled, by_rule, located, locate)
    verdicts = Verdicts(review.allow, review.own_contact, review._memo, flags_set, has_ignores)
    if hold:
        hold_until_exit(document, review)
    return TextReview(document, found, verdicts, made)
