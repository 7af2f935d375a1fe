"""Safe YAML loading with YAML 1.2 core-schema semantics, as OpenAPI expects.

PyYAML resolves plain scalars by YAML 1.1 rules, under which `on:`, `yes` and `0777` turn into booleans and
octal numbers. Here every mapping key stays the string that was written and only the 1.2 core schema's
`true`/`false`, nulls, integers and floats are typed.

Nodes are built straight from PyYAML's (C, when available) event stream with an explicit stack rather than
from `yaml.compose()`: the C composer recurses in C without any depth check, so a document nested 100,000
levels deep crashes the interpreter, and events are also faster to consume than a composed graph.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.events import (
    AliasEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)

from specreview.errors import DocumentError
from specreview.gc_pause import gc_paused

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

DEFAULT_MAX_DEPTH = 200
# Alias expansion budget: the number of nodes that aliases add on top of the distinct nodes written.
# The absolute cap is checked as we go, so a "billion laughs" document fails after a few hundred events.
MAX_ALIAS_EXPANSION = 5_000_000
ALIAS_EXPANSION_FACTOR = 100
MIN_ALIAS_EXPANSION = 100_000

_CORE = "tag:yaml.org,2002:"
_STR, _INT, _FLOAT, _BOOL, _NULL = (_CORE + t for t in ("str", "int", "float", "bool", "null"))
_MAP, _SEQ = _CORE + "map", _CORE + "seq"
_SCALAR_TYPES: dict[str, tuple[type, ...]] = {
    _STR: (str,),
    _INT: (int,),
    _FLOAT: (int, float),
    _BOOL: (bool,),
    _NULL: (type(None),),
}

# The YAML 1.2 core schema (https://yaml.org/spec/1.2.2/#1023-core-schema).
_CONSTANTS: dict[str, Any] = {
    "": None,
    "~": None,
    "null": None,
    "Null": None,
    "NULL": None,
    "true": True,
    "True": True,
    "TRUE": True,
    "false": False,
    "False": False,
    "FALSE": False,
}
_INFINITIES = {".inf": float("inf"), ".Inf": float("inf"), ".INF": float("inf")}
_NANS = frozenset((".nan", ".NaN", ".NAN"))
_NUMERIC_START = frozenset("0123456789+-.")
_CORE_DECIMAL = re.compile(r"[-+]?[0-9]+")
_CORE_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")
_OCTAL = re.compile(r"0o[0-7]+")
_HEX = re.compile(r"0x[0-9a-fA-F]+")
# What an untagged plain scalar becomes: the core schema, except that numbers with a leading zero ("0777",
# "007.5") stay strings, so that an example such as an account number keeps its digits through a round trip.
_DECIMAL = re.compile(r"[-+]?(?:0|[1-9][0-9]*)")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|(?:0|[1-9][0-9]*)(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")

# A mark is (line << 32) | column, 0-based: one int per entry instead of a tuple keeps large documents small.
MarkTree = tuple[dict[Any, int], "dict[Any, MarkTree] | None"]
"""Positions of a container's children (key position for mapping members, item position for sequence
items), and the trees of its container children. Mapping keys are str, sequence indexes are int."""


def unpack_mark(mark: int) -> tuple[int, int]:
    """A packed mark as (line, column), 1-based."""
    return (mark >> 32) + 1, (mark & 0xFFFFFFFF) + 1


def _pack(mark: Any) -> int:
    return (mark.line << 32) | mark.column


@dataclass
class YamlResult:
    """What load_yaml gives back: the data, any warnings, and the positions of its nodes."""

    data: Any
    warnings: list[str] = field(default_factory=list)
    root_mark: int = 0
    marks: MarkTree | None = None


def is_core_non_string(text: str) -> bool:
    """True when a YAML 1.2 core-schema reader would read this plain scalar as null, a boolean or a number."""
    try:
        return _resolve_plain(text, strict=True) is not text
    except ValueError:  # an integer too long to convert is still an integer
        return True


def _resolve_plain(text: str, *, strict: bool = False) -> Any:
    """Type a plain scalar; gives back `text` itself when it is a string. Raises ValueError for an integer
    with more digits than int() accepts (sys.get_int_max_str_digits)."""
    if text in _CONSTANTS:
        return _CONSTANTS[text]
    if not text or text[0] not in _NUMERIC_START:
        return text
    if (_CORE_DECIMAL if strict else _DECIMAL).fullmatch(text):
        return int(text)
    if _OCTAL.fullmatch(text):
        return int(text[2:], 8)
    if _HEX.fullmatch(text):
        return int(text[2:], 16)
    if (_CORE_FLOAT if strict else _FLOAT).fullmatch(text):
        return float(text)
    sign, unsigned = (text[0], text[1:]) if text[0] in "+-" else ("", text)
    if unsigned in _INFINITIES:
        return -_INFINITIES[unsigned] if sign == "-" else _INFINITIES[unsigned]
    if text in _NANS:
        return float("nan")
    return text


def _show_tag(tag: str) -> str:
    return "!!" + tag[len(_CORE) :] if tag.startswith(_CORE) else tag


def load_yaml(text: str, source: str, *, max_depth: int = DEFAULT_MAX_DEPTH) -> YamlResult:
    """Parse one YAML document. Raises DocumentError for invalid YAML, unsupported tags, alias bombs and
    nesting deeper than max_depth. `data` is None for an empty document."""
    loader = None
    try:
        loader = _Loader(text)  # the pure-Python reader already checks the characters here
        with gc_paused():
            return _Builder(source, max_depth).build(loader)
    except yaml.MarkedYAMLError as exc:
        raise _marked_error(source, exc) from None
    except yaml.reader.ReaderError as exc:
        raise _reader_error(source, text, exc) from None
    except yaml.YAMLError as exc:
        raise DocumentError(source, f"invalid YAML: {str(exc).splitlines()[0]}") from None
    except RecursionError:  # not expected from the event loop; kept so no RecursionError ever escapes
        raise DocumentError(source, "nesting too deep") from None
    finally:
        if loader is not None:
            loader.dispose()


def _marked_error(source: str, exc: yaml.MarkedYAMLError) -> DocumentError:
    mark = exc.problem_mark or exc.context_mark
    if "maximum nesting depth" in str(exc.problem or exc.context or ""):
        # libyaml (bundled with PyYAML >= 6.0.4) has its own depth limit; say it the same way as ours.
        reason = "nesting too deep (more than libyaml's limit)"
        return DocumentError(source, reason, *((mark.line + 1, mark.column + 1) if mark else ()))
    reason = "invalid YAML: " + (exc.problem or exc.context or "syntax error")
    if exc.context and exc.problem:
        reason += f" ({exc.context}"
        if exc.context_mark is not None and mark is not None and exc.context_mark.line != mark.line:
            reason += f" at line {exc.context_mark.line + 1}"
        reason += ")"
    if mark is None:
        return DocumentError(source, reason)
    return DocumentError(source, reason, mark.line + 1, mark.column + 1)


def _reader_error(source: str, text: str, exc: yaml.reader.ReaderError) -> DocumentError:
    char = exc.character
    if isinstance(char, int):  # the pure-Python reader reports a code point
        char = chr(char)
    reason = f"invalid YAML: {exc.reason}"
    offset = text.find(char) if isinstance(char, str) and char else -1
    if offset < 0:
        return DocumentError(source, reason)
    reason = f"invalid YAML: {exc.reason} (U+{ord(char):04X})"
    line = text.count("\n", 0, offset) + 1
    return DocumentError(source, reason, line, offset - (text.rfind("\n", 0, offset) + 1) + 1)


_MERGE = object()  # the pending key of a mapping whose `<<` value is being built
_OPEN = object()  # an anchor whose collection is still being built: an alias to it would be a cycle
_NO_KEY = object()


class _Frame:
    """A collection being built."""

    __slots__ = ("value", "is_map", "marks", "kids", "key", "key_mark", "merges", "anchor", "start", "mark")

    def __init__(self, value: Any, is_map: bool, anchor: str | None, start: int, mark: int) -> None:
        self.value = value
        self.is_map = is_map
        self.marks: dict[Any, int] = {}
        self.kids: dict[Any, MarkTree] | None = None
        self.key: Any = _NO_KEY
        self.key_mark = 0
        self.merges: list[tuple[Any, MarkTree | None, int]] | None = None
        self.anchor = anchor
        self.start = start  # node count when opened: count at close minus this is the node's size
        self.mark = mark


class _Builder:
    def __init__(self, source: str, max_depth: int) -> None:
        self.source = source
        self.max_depth = max_depth
        self.warnings: list[str] = []
        # name -> (value, mark tree, size in nodes, text as written for scalars)
        self.anchors: dict[str, Any] = {}
        self.nodes = 0  # every node constructed, counting each alias as the size of what it expands to
        self.distinct = 0  # nodes actually written in the document

    def fail(self, reason: str, mark: Any) -> DocumentError:
        return DocumentError(self.source, reason, mark.line + 1, mark.column + 1)

    def build(self, loader: Any) -> YamlResult:
        get_event = loader.get_event
        get_event()  # StreamStart
        event = get_event()
        if type(event) is StreamEndEvent:
            return YamlResult(None)
        result = self.build_document(get_event)
        get_event()  # DocumentEnd
        event = get_event()
        if type(event) is DocumentStartEvent:
            raise self.fail("expected one YAML document, found more than one", event.start_mark)
        budget = min(MAX_ALIAS_EXPANSION, max(ALIAS_EXPANSION_FACTOR * self.distinct, MIN_ALIAS_EXPANSION))
        if self.nodes - self.distinct > budget:
            raise DocumentError(self.source, self.bomb_reason(budget))
        result.warnings = self.warnings
        return result

    def bomb_reason(self, budget: int) -> str:
        return f"aliases expand to more than {budget:,} extra nodes (a YAML alias bomb?)"

    def check_tag(self, event: Any, allowed: tuple[str, ...] | dict[str, Any]) -> None:
        tag = event.tag
        if tag is not None and tag != "!" and tag not in allowed:
            raise self.fail(
                f"unsupported tag {_show_tag(tag)} (only the YAML core schema tags are allowed)", event.start_mark
            )

    def scalar(self, event: Any) -> Any:
        tag = event.tag
        if tag == "!" or tag == _STR or (tag is None and not event.implicit[0]):
            return event.value  # quoted, block, or explicitly a string
        self.check_tag(event, _SCALAR_TYPES)
        try:
            value = _resolve_plain(event.value, strict=tag is not None)
        except ValueError:
            raise self.fail("integer too long", event.start_mark) from None
        if tag is None:
            return value
        wanted = _SCALAR_TYPES[tag]
        if type(value) in wanted:
            return float(value) if tag == _FLOAT else value
        raise self.fail(f"{event.value!r} is not a valid {_show_tag(tag)}", event.start_mark)

    def build_document(self, get_event: Any) -> YamlResult:
        stack: list[_Frame] = []
        frame: _Frame | None = None
        while True:
            event = get_event()
            kind = type(event)
            if kind is ScalarEvent:
                self.nodes += 1
                self.distinct += 1
                if frame is not None and frame.is_map and frame.key is _NO_KEY:
                    self.check_tag(event, _SCALAR_TYPES)
                    if event.anchor is not None:
                        self.anchors[event.anchor] = (self.scalar(event), None, 1, event.value)
                    plain_merge = event.value == "<<" and event.tag is None and event.implicit[0]
                    frame.key = _MERGE if plain_merge else event.value
                    frame.key_mark = _pack(event.start_mark)
                    continue
                value = self.scalar(event)
                if event.anchor is not None:
                    self.anchors[event.anchor] = (value, None, 1, event.value)
                if frame is None:
                    return YamlResult(value, root_mark=_pack(event.start_mark))
                self.attach(frame, value, None, _pack(event.start_mark))
            elif kind is MappingStartEvent or kind is SequenceStartEvent:
                is_map = kind is MappingStartEvent
                if frame is not None and frame.is_map and frame.key is _NO_KEY:
                    raise self.fail("mapping keys must be scalars, not lists or mappings", event.start_mark)
                if len(stack) >= self.max_depth:
                    raise self.fail(f"nesting too deep (more than {self.max_depth} levels)", event.start_mark)
                self.check_tag(event, (_MAP,) if is_map else (_SEQ,))
                self.nodes += 1
                self.distinct += 1
                if event.anchor is not None:
                    self.anchors[event.anchor] = _OPEN
                frame = _Frame({} if is_map else [], is_map, event.anchor, self.nodes, _pack(event.start_mark))
                stack.append(frame)
            elif kind is MappingEndEvent or kind is SequenceEndEvent:
                done = stack.pop()
                if done.merges:
                    self.apply_merges(done)
                tree: MarkTree = (done.marks, done.kids)
                if done.anchor is not None:
                    self.anchors[done.anchor] = (done.value, tree, self.nodes - done.start + 1, None)
                if not stack:
                    return YamlResult(done.value, root_mark=done.mark, marks=tree)
                frame = stack[-1]
                self.attach(frame, done.value, tree, done.mark)
            elif kind is AliasEvent:
                entry = self.anchors.get(event.anchor)
                if entry is None:
                    raise self.fail(f"undefined alias *{event.anchor}", event.start_mark)
                if entry is _OPEN:
                    raise self.fail(f"alias *{event.anchor} refers to a node that contains it", event.start_mark)
                value, tree, size, written = entry
                self.nodes += size
                if self.nodes - self.distinct > MAX_ALIAS_EXPANSION:
                    raise self.fail(self.bomb_reason(MAX_ALIAS_EXPANSION), event.start_mark)
                if frame is not None and frame.is_map and frame.key is _NO_KEY:
                    if written is None:
                        raise self.fail("mapping keys must be scalars, not lists or mappings", event.start_mark)
                    frame.key = written
                    frame.key_mark = _pack(event.start_mark)
                    continue
                if frame is None:
                    return YamlResult(value, root_mark=_pack(event.start_mark), marks=tree)
                self.attach(frame, value, tree, _pack(event.start_mark))
            else:  # pragma: no cover - the parser only yields the events above inside a document
                raise self.fail(f"unexpected YAML event {kind.__name__}", event.start_mark)

    def attach(self, frame: _Frame, value: Any, tree: MarkTree | None, mark: int) -> None:
        """Add a finished child, which starts at `mark`, to the collection being built."""
        if not frame.is_map:
            index = len(frame.value)
            frame.value.append(value)
            frame.marks[index] = mark
            if tree is not None:
                if frame.kids is None:
                    frame.kids = {}
                frame.kids[index] = tree
            return
        key = frame.key
        frame.key = _NO_KEY
        if key is _MERGE:
            if frame.merges is None:
                frame.merges = []
            frame.merges.append((value, tree, mark))
            return
        if key in frame.value:
            line = (frame.key_mark >> 32) + 1
            self.warnings.append(f"duplicate key {key!r} at line {line}; the later value is used")
        frame.value[key] = value
        frame.marks[key] = frame.key_mark
        if tree is not None:
            if frame.kids is None:
                frame.kids = {}
            frame.kids[key] = tree
        elif frame.kids is not None:
            frame.kids.pop(key, None)

    def apply_merges(self, frame: _Frame) -> None:
        """Resolve `<<` merge keys: merged keys first, keys written in the mapping win over merged ones, and
        among several merged mappings the earlier one wins."""
        sources: list[tuple[dict[str, Any], MarkTree | None]] = []
        for value, tree, mark in frame.merges or ():
            if isinstance(value, dict):
                sources.append((value, tree))
            elif isinstance(value, list) and all(isinstance(item, dict) for item in value):
                kids = tree[1] if tree is not None and tree[1] is not None else {}
                sources.extend((item, kids.get(index)) for index, item in enumerate(value))
            else:
                line, column = unpack_mark(mark)
                raise DocumentError(self.source, "a '<<' merge key needs a mapping or a list of mappings", line, column)
        explicit, marks, kids = frame.value, frame.marks, frame.kids
        merged: dict[str, Any] = {}
        merged_marks: dict[Any, int] = {}
        merged_kids: dict[Any, MarkTree] = {}
        for source, tree in sources:
            for key, value in source.items():
                if key in merged or key in explicit:
                    continue
                merged[key] = value
                if tree is not None:
                    merged_marks[key] = tree[0][key]
                    if tree[1] is not None and key in tree[1]:
                        merged_kids[key] = tree[1][key]
        merged.update(explicit)
        merged_marks.update(marks)
        if kids:
            merged_kids.update(kids)
        # Containers are filled in place: the merged mapping replaces the contents of the original dict,
        # which nothing else references yet (its anchor is registered after this).
        explicit.clear()
        explicit.update(merged)
        frame.marks = merged_marks
        frame.kids = merged_kids or None
