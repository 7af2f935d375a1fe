"""JSON pointer -> (line, column), 1-based, for the text a document was loaded from.

YAML positions come from the marks recorded while loading (yaml12). JSON is located lazily: json.loads keeps
no positions, and scanning a large file is only worth it for the few pointers a report needs, so the text is
scanned once per batch and the scan stops as soon as every requested pointer has been seen.
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Iterable
from typing import Any

from specreview.document.pointer import parse_pointer
from specreview.document.yaml12 import MarkTree, unpack_mark

Position = tuple[int, int]
Tokens = tuple[str, ...]  # a pointer's unescaped reference tokens

# Strings (with escapes), structural characters, and any other run of literal characters (numbers, true,
# false, null), so that every value starts with a token.
_TOKENS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[{}\[\],:]|[^\s"{}\[\],:]+')
_NON_SPACE = re.compile(r"\S")
# Everything up to the next bracket outside a string, matched in C: skipping a container costs one step per
# bracket inside it rather than one per token.
_TO_BRACKET = re.compile(r'(?:[^"\[\]{}]+|"[^"\\]*(?:\\.[^"\\]*)*")*')
_ARRAY_INDEX = re.compile(r"0|[1-9][0-9]*")  # RFC 6901: no leading zeros


def _tokens(pointer: str) -> Tokens | None:
    try:
        return tuple(parse_pointer(pointer))
    except ValueError:
        return None


# The trie entry that marks a wanted path (tokens are strings, so it cannot clash with one).
_WANTED = object()


class _Locator:
    """Shared caching, keyed by the pointer's tokens: `locate` answers one pointer, `locate_many` a batch of
    pointers, `locate_paths` a batch of paths (token tuples, as the engine holds them, so nothing is parsed)."""

    def __init__(self) -> None:
        self._cache: dict[Tokens, Position | None] = {}

    def __call__(self, pointer: str) -> Position | None:
        return self.locate(pointer)

    def locate(self, pointer: str) -> Position | None:
        return self.locate_many([pointer]).get(pointer)

    def locate_many(self, pointers: Iterable[str]) -> dict[str, Position]:
        parsed = {pointer: tokens for pointer in pointers if (tokens := _tokens(pointer)) is not None}
        found = self._locate_tokens(parsed.values())
        return {pointer: pos for pointer, tokens in parsed.items() if (pos := found.get(tokens)) is not None}

    def locate_paths(self, paths: Iterable[tuple[str | int, ...]]) -> dict[tuple[str | int, ...], Position]:
        keyed = {path: tuple(map(str, path)) for path in paths}
        found = self._locate_tokens(keyed.values())
        return {path: pos for path, tokens in keyed.items() if (pos := found.get(tokens)) is not None}

    def _locate_tokens(self, wanted: Iterable[Tokens]) -> dict[Tokens, Position]:
        wanted = list(dict.fromkeys(wanted))
        missing = [tokens for tokens in wanted if tokens not in self._cache]
        if missing:
            self._cache.update(self._find(missing))
        return {tokens: pos for tokens in wanted if (pos := self._cache.get(tokens)) is not None}

    def _find(self, wanted: list[Tokens]) -> dict[Tokens, Position | None]:
        raise NotImplementedError


class YamlLocator(_Locator):
    """Answers from the marks yaml12 recorded: mapping members at their key, sequence items at the item."""

    def __init__(self, root_mark: int, marks: MarkTree | None) -> None:
        super().__init__()
        self._root = root_mark
        self._marks = marks

    def _find(self, wanted: list[Tokens]) -> dict[Tokens, Position | None]:
        return {tokens: self._find_one(tokens) for tokens in wanted}

    def _find_one(self, tokens: Tokens) -> Position | None:
        mark, tree = self._root, self._marks
        for token in tokens:
            if tree is None:
                return None
            positions, kids = tree
            key: str | int = token
            if key not in positions:
                if not _ARRAY_INDEX.fullmatch(token) or int(token) not in positions:
                    return None
                key = int(token)
            mark = positions[key]
            tree = kids.get(key) if kids is not None else None
        return unpack_mark(mark)


class JsonLocator(_Locator):
    """Scans JSON text for pointers: object members at their key, array items at the item."""

    def __init__(self, text: str, *, has_duplicate_keys: bool = False) -> None:
        super().__init__()
        self._text = text
        self._newlines: list[int] | None = None
        # With duplicate keys the data holds the last occurrence, so the scan cannot stop at the first.
        self._scan_all = has_duplicate_keys
        # Where each container near the top that a scan has passed opens (`_RECORDED_DEPTH`): a later batch starts
        # at the deepest one on the way to each of its paths, not at the top of the text.
        self._starts: dict[Tokens, int] = {}

    def _position(self, offset: int) -> Position:
        if self._newlines is None:
            self._newlines = [m.start() for m in re.finditer("\n", self._text)]
        line = bisect.bisect_left(self._newlines, offset)
        line_start = self._newlines[line - 1] + 1 if line else 0
        return line + 1, offset - line_start + 1

    def _find(self, wanted: list[Tokens]) -> dict[Tokens, Position | None]:
        found: dict[Tokens, Position | None] = dict.fromkeys(wanted)
        by_start: dict[Tokens, set[Tokens]] = {}
        for path in wanted:
            by_start.setdefault(self._known_container(path), set()).add(path)
        for container, paths in by_start.items():
            depth = len(container)
            start = self._starts[container] if container else 0
            for suffix, offset in self._scan({path[depth:] for path in paths}, start, container).items():
                found[(*container, *suffix)] = self._position(offset)
        return found

    def _known_container(self, path: Tokens) -> Tokens:
        """The deepest container above `path` whose start a scan recorded; () for the whole text."""
        starts = self._starts
        for depth in range(min(len(path) - 1, _RECORDED_DEPTH), 0, -1):
            if path[:depth] in starts:
                return path[:depth]
        return ()

    def _scan(self, wanted: set[Tokens], start: int = 0, container: Tokens = ()) -> dict[Tokens, int]:
        """Offsets of the wanted paths below the container at `container` that opens at `start` (by default the
        whole text), from one pass over the tokens that ends when all have been seen or the container closes.
        The paths are relative to the container."""
        offsets: dict[Tokens, int] = {}
        if () in wanted:
            first = _NON_SPACE.search(self._text, start)
            offsets[()] = first.start() if first else 0
        # The wanted paths as a trie of tokens: each followed container keeps its trie node, so telling
        # whether a member is wanted or on the way to one is a dict lookup by its key, not a path built
        # and hashed (a JSON report locates tens of thousands of findings).
        trie: dict[Any, Any] = {}
        for wanted_path in wanted:
            node = trie
            for token in wanted_path:
                node = node.setdefault(token, {})
            node[_WANTED] = wanted_path
        remaining = len(wanted) - len(offsets) if not self._scan_all else -1
        # One entry per followed container: [is_object, expecting a key (objects) / index of the next item
        # (arrays), its trie node, its path while within _RECORDED_DEPTH else None]. Only containers on the way
        # to a wanted path are followed; any other is skipped by counting brackets until it closes.
        stack: list[list[Any]] = []
        starts = self._starts
        key = ""
        key_offset = 0
        text = self._text
        search = _TOKENS.search
        pos = start
        while remaining != 0:
            match = search(text, pos)
            if match is None:
                break
            pos = match.end()
            token = match.group()
            first = token[0]
            if first == "}" or first == "]":
                stack.pop()
                if not stack:
                    break  # the container scanned has closed
                continue
            if first == ",":
                frame = stack[-1]
                frame[1] = True if frame[0] else frame[1] + 1
                continue
            if first == ":":
                continue
            if stack and stack[-1][0] and stack[-1][1] is True:  # an object key
                stack[-1][1] = False
                key = json.loads(token) if "\\" in token else token[1:-1]
                key_offset = match.start()
                continue
            # A value starts here.
            path = None
            if stack:
                is_object, index, node, above = stack[-1]
                token_here = key if is_object else str(index)
                sub = node.get(token_here)
                if sub is not None and _WANTED in sub:
                    found = sub[_WANTED]
                    if found not in offsets:
                        remaining -= 1
                    offsets[found] = key_offset if is_object else match.start()
                if above is not None and len(above) < _RECORDED_DEPTH and (first == "{" or first == "["):
                    path = (*above, token_here)
                    starts[path] = match.start()
            else:
                sub = trie
                path = container if len(container) <= _RECORDED_DEPTH else None
            if first == "{" or first == "[":
                if sub is not None and len(sub) > (_WANTED in sub):  # on the way to a wanted path
                    stack.append([first == "{", True if first == "{" else 0, sub, path])
                elif len(stack) < _WALKED_LEVELS:
                    stack.append([first == "{", True if first == "{" else 0, _NOTHING_WANTED, path])
                else:
                    pos = _skip_value(text, match.start())
            elif not stack:
                break  # a scalar where a container was expected: nothing below it
        return offsets


# Containers this close to the root are walked member by member even when nothing is wanted inside, so that
# _skip_value only ever parses one path item, one component or smaller: `components/responses` whole would
# briefly double the memory its part of the document takes.
_WALKED_LEVELS = 2
# The depth down to which a scan records where containers open (JsonLocator._starts): a path item's operations,
# one component (`/components/schemas/User`).
_RECORDED_DEPTH = 3
_NOTHING_WANTED: dict[Any, Any] = {}
_SCAN_ONCE = json.JSONDecoder().scan_once


def _skip_value(text: str, start: int) -> int:
    """The offset just past the container that opens at `start`. json's C scanner parses it and the result
    is dropped: twice as fast as finding the closing bracket with regular expressions, string by string."""
    try:
        return _SCAN_ONCE(text, start)[1]
    except (StopIteration, ValueError):  # not JSON after all (a truncated text): count brackets instead
        return _skip_container(text, start + 1)


def _skip_container(text: str, pos: int) -> int:
    """The offset just past the container whose opening bracket ends at `pos`."""
    depth = 1
    to_bracket = _TO_BRACKET.match
    end = len(text)
    while depth and pos < end:
        pos = to_bracket(text, pos).end()
        if pos >= end or text[pos] == '"':  # an unterminated string: not valid JSON, nothing more to find
            break
        depth += 1 if text[pos] in "{[" else -1
        pos += 1
    return pos
