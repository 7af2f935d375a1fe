"""How load.py tells, without a slower parse, that a JSON text parsed by plain `json.loads` (the C fast path)
writes no key twice in one object.

A duplicate key leaves no trace in the parsed data except one member fewer, so it is found by counting:
the text's key tokens (`key_tokens`) against the data's object members (counted by the walk that indexes the
data, key_index.py, which also checks the nesting depth and finds the `$ref` holders for refs.py). Every key
yields a token and a token can be more than a key, never less; members can only be fewer than keys. So
equal counts prove there is no duplicate, and unequal ones send load.py to the exact parse.
"""

from __future__ import annotations

import re

# A key's closing quote, then JSON whitespace, then the colon. `":` alone is counted with str.count (much
# faster than a regex); the regex only has to find the rare keys spaced from their colon.
_SPACED_KEY_END = re.compile(r'"[ \t\n\r]+:')
# The same with a backslash before the quote: an escaped quote inside a string (`"a\":b"`) or a key that
# ends in an escaped backslash (`"a\\":`). Rare, and told apart by the length of the backslash run.
_BACKSLASH_KEY_END = re.compile(r'\\"[ \t\n\r]*:')


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
