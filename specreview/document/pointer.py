"""RFC 6901 JSON pointers. Paths inside specreview are tuples of keys (str) and indexes (int)."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import Any
from urllib.parse import unquote

Path = tuple[str | int, ...]

_MISSING = object()


def escape(token: str | int) -> str:
    return str(token).replace("~", "~0").replace("/", "~1")


def unescape(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def token_text(token: str | int) -> str:
    """A path token as it is written in a pointer. Most tokens need no escaping: a review writes a pointer for
    each of tens of thousands of findings."""
    return token if type(token) is str and "~" not in token and "/" not in token else escape(token)


def to_pointer(path: Iterable[str | int]) -> str:
    tokens = [token_text(t) for t in path]
    return "/" + "/".join(tokens) if tokens else ""


def parse_pointer(pointer: str) -> list[str]:
    """Split a pointer (or a `#/...` fragment, percent-decoded) into unescaped tokens."""
    return list(_parse(pointer))


@functools.lru_cache(maxsize=65536)
def _parse(pointer: str) -> tuple[str, ...]:
    # Cached: a document repeats the same few thousand `$ref`s hundreds of thousands of times.
    if pointer.startswith("#"):
        pointer = unquote(pointer[1:]) if "%" in pointer else pointer[1:]
    if pointer == "":
        return ()
    if not pointer.startswith("/"):
        raise ValueError(f"not a JSON pointer: {pointer!r}")
    return tuple(unescape(t) for t in pointer[1:].split("/")) if "~" in pointer else tuple(pointer[1:].split("/"))


def resolve_tokens(doc: Any, tokens: Iterable[str | int]) -> Any:
    """Follow tokens from doc; return the node or raise KeyError."""
    node = doc
    for token in tokens:
        if isinstance(node, dict):
            if token not in node:
                raise KeyError(token)
            node = node[token]
        elif isinstance(node, list):
            text = str(token)
            if not text.isdigit() or (len(text) > 1 and text[0] == "0") or int(text) >= len(node):
                raise KeyError(token)
            node = node[int(text)]
        else:
            raise KeyError(token)
    return node


def get(doc: Any, pointer: str, default: Any = None) -> Any:
    try:
        return resolve_tokens(doc, parse_pointer(pointer))
    except (KeyError, ValueError):
        return default


def exists(doc: Any, pointer: str) -> bool:
    return get(doc, pointer, _MISSING) is not _MISSING


def path_of(pointer: str) -> Path:
    """Pointer -> path tuple; numeric tokens stay strings (the document decides if they are indexes)."""
    return tuple(parse_pointer(pointer))


def is_at_or_below(pointer: str, base: str) -> bool:
    return pointer == base or pointer.startswith(base + "/")
