"""What load.py needs to know about a JSON document parsed by plain `json.loads` (the C fast path) that it
used to get from a slower parse and two more walks: whether a key is written twice in one object, whether
containers nest too deep, and which objects hold a `$ref` (for refs.py).

A duplicate key leaves no trace in the parsed data except one member fewer, so it is found by counting:
the text's key tokens (`key_tokens`) against the data's object members (`JsonShape.members`). Every key
yields a token and a token can be more than a key, never less; members can only be fewer than keys. So
equal counts prove there is no duplicate, and unequal ones send load.py to the exact parse.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

# A key's closing quote, then JSON whitespace, then the colon. `":` alone is counted with str.count (much
# faster than a regex); the regex only has to find the rare keys spaced from their colon.
_SPACED_KEY_END = re.compile(r'"[ \t\n\r]+:')
# The same with a backslash before the quote: an escaped quote inside a string (`"a\":b"`) or a key that
# ends in an escaped backslash (`"a\\":`). Rare, and told apart by the length of the backslash run.
_BACKSLASH_KEY_END = re.compile(r'\\"[ \t\n\r]*:')

RefHolders = list[dict[str, Any]]  # the objects of a document that have a "$ref" key, each once


def key_tokens(text: str) -> int:
    """How many unescaped `"`s in the JSON text are followed by optional whitespace and a colon.

    For valid JSON that is the number of object keys (each key's closing quote) plus the strings whose text
    starts with optional whitespace and a colon (their opening quote, as in `": x"`). A quote inside a string
    is always escaped, so no other quote counts."""
    count = text.count('":') + len(_SPACED_KEY_END.findall(text))
    for match in _BACKSLASH_KEY_END.finditer(text):
        quote = match.start() + 1
        if _backslashes_before(text, quote) % 2:  # an odd run escapes the quote: it is inside a string
            count -= 1
    return count


def _backslashes_before(text: str, end: int) -> int:
    """The length of the run of backslashes that ends just before `end`. Looks back through windows that
    double in size, so even a pathological run costs linear time in C, not a Python loop per character."""
    width = 16
    while True:
        start = max(0, end - width)
        window = text[start:end]
        run = len(window) - len(window.rstrip("\\"))
        if run < len(window) or start == 0:
            return run
        width *= 2


@dataclass(frozen=True)
class JsonShape:
    members: int  # object members in the data: a key written twice in one object counts once
    ref_holders: RefHolders  # refs.py checks what the `$ref` values are


def json_shape(data: Any, max_depth: int) -> JsonShape | None:
    """Count the members and collect the `$ref` holders of freshly parsed JSON in one walk; None as soon as
    containers nest more than `max_depth` levels (the top one is level 1, as load._deeper_than counts).

    Only for what plain `json.loads` returned: it builds a new dict or list for every `{` or `[`, so each
    container is reached exactly once (no seen-set needed, unlike YAML with aliases) and only exact dicts
    and lists occur. The walk goes level by level, so the depth is the level count and the stack stays flat."""
    members = 0
    holders: RefHolders = []
    level = [data] if type(data) is dict or type(data) is list else []
    depth = 0
    while level:
        depth += 1
        if depth > max_depth:
            return None
        values: list[Any] = []  # the whole level's children, then filtered in one comprehension
        for node in level:
            if type(node) is dict:
                members += len(node)
                if "$ref" in node:
                    holders.append(node)
                values += node.values()
            else:
                values += node
        level = [v for v in values if type(v) is dict or type(v) is list]
    return JsonShape(members, holders)
