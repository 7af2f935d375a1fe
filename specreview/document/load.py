"""Reading a document: bytes from a file, stdin or a URL -> text -> JSON or YAML data -> a checked Document."""

from __future__ import annotations

import codecs
import dataclasses
import json
import math
import os
import re
import sys
from typing import TYPE_CHECKING, Any, BinaryIO

from specreview.document.duplicate_keys import key_tokens
from specreview.document.fetch import FetchOptions, display_url, fetch, size_text, url_scheme
from specreview.document.key_index import KeyIndex, index_json
from specreview.document.locate import JsonLocator, YamlLocator
from specreview.document.model import Document, Format
from specreview.document.refs import ref_warnings
from specreview.document.yaml12 import DEFAULT_MAX_DEPTH, load_yaml
from specreview.errors import DocumentError
from specreview.gc_pause import gc_paused

if TYPE_CHECKING:
    from specreview.document.ref_allow import RefAllowList

DEFAULT_MAX_BYTES = 64 * 1024 * 1024
# Deeper documents are refused: code that walks them (deepcopy, jsonpath, the spec validator) recurses.
MAX_DEPTH = DEFAULT_MAX_DEPTH
SUPPORTED = "OpenAPI 3.0, 3.1 and Swagger 2.0 are supported"

# Longest BOMs first: the UTF-32-LE BOM starts with the UTF-16-LE one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32", "UTF-32"),
    (codecs.BOM_UTF8, "utf-8-sig", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16", "UTF-16"),
)
_NON_SPACE = re.compile(r"\S")
_OPENAPI_3 = re.compile(r"3\.[01]\.\d+(?:-[0-9A-Za-z.-]+)?")


def load_document(
    source: str,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    fetch_options: FetchOptions | None = None,
    stdin: BinaryIO | None = None,
    allow_refs: RefAllowList | None = None,
) -> Document:
    """Load a file path, `-` (standard input) or an http(s) URL. Raises DocumentError.

    External `$ref`s are only read when `allow_refs` allows their target; they are then bundled into the
    document (see bundle.py). Dangling, cyclic and unread references become warnings."""
    with gc_paused():  # parsing builds millions of objects and no garbage
        return _load_document(source, max_bytes, fetch_options, stdin, allow_refs)


def _load_document(
    source: str,
    max_bytes: int,
    fetch_options: FetchOptions | None,
    stdin: BinaryIO | None,
    allow_refs: RefAllowList | None,
) -> Document:
    scheme = url_scheme(source)
    options = fetch_options or FetchOptions(max_bytes=max_bytes)
    options = dataclasses.replace(options, max_bytes=min(options.max_bytes, max_bytes))
    base = source
    if scheme in ("http", "https"):
        raw, base = fetch(source, options)
        document = _parse_document(raw, display_url(source))
    elif scheme:
        reason = f"unsupported URL scheme {scheme!r}: give an http(s) URL or a file path"
        raise DocumentError(display_url(source), reason)
    elif source == "-":
        stream = stdin if stdin is not None else sys.stdin.buffer
        document = _parse_document(_read_capped(stream, "<stdin>", max_bytes), "<stdin>")
    else:
        document = _parse_document(read_file(source, max_bytes), source, path=source)
    if allow_refs:
        _bundle(document, base if scheme else None, allow_refs, options, max_bytes)
    index = document.key_index
    # The `$ref` holders were found while indexing, unless bundling added and rewrote references since.
    holders = index.ref_holders if index is not None else None
    document.warnings.extend(ref_warnings(document.data, holders=holders))
    return document


def _bundle(document: Document, url: str | None, allow: RefAllowList, options: FetchOptions, max_bytes: int) -> None:
    """Copy the allowed external `$ref` targets into the document (bundle.py imports this module)."""
    from specreview.document.bundle import BUNDLE_KEY, BundleLimits, bundle_external_refs, file_base

    base = url or file_base(document.path)
    limits = BundleLimits(max_bytes=max_bytes)
    count = bundle_external_refs(
        document.data, document.source, base=base, allow=allow, fetch_options=options, limits=limits
    )
    if count:
        document.key_index = None  # the index is of the data as parsed, without what was bundled into it
        document.warnings.append(f"bundled {count} external $ref target{'s' if count != 1 else ''} under /{BUNDLE_KEY}")


def _too_large(source: str, max_bytes: int) -> DocumentError:
    return DocumentError(source, f"larger than the size limit of {size_text(max_bytes)}")


def _read_capped(stream: BinaryIO, source: str, max_bytes: int) -> bytes:
    try:
        raw = stream.read(max_bytes + 1)
    except OSError as exc:
        raise DocumentError(source, f"cannot read: {exc.strerror or exc}") from None
    if len(raw) > max_bytes:
        raise _too_large(source, max_bytes)
    return raw


def read_file(path: str, max_bytes: int, source: str | None = None) -> bytes:
    """The bytes of a file, at most `max_bytes`; errors name it as `source` (default: the path)."""
    source = source or path
    try:
        with open(path, "rb") as file:
            # Check the size first so a huge file is refused without reading it; still read at most one byte
            # past the cap, since special files report no size.
            if os.fstat(file.fileno()).st_size > max_bytes:
                raise _too_large(source, max_bytes)
            return _read_capped(file, source, max_bytes)
    except FileNotFoundError:
        raise DocumentError(source, "no such file") from None
    except IsADirectoryError:
        raise DocumentError(source, "is a directory, not a file") from None
    except PermissionError:
        raise DocumentError(source, "permission denied") from None
    except OSError as exc:
        raise DocumentError(source, f"cannot read: {exc.strerror or exc}") from None


def decode(raw: bytes, source: str) -> str:
    """UTF-8 (with or without a BOM), or UTF-16/UTF-32 when a BOM says so."""
    with_bom = next(((codec, label) for bom, codec, label in _BOMS if raw.startswith(bom)), None)
    if with_bom is None:
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = raw.count(b"\n", 0, exc.start) + 1
            reason = f"not UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start}); save the file as UTF-8"
            raise DocumentError(source, reason, line) from None
    codec, label = with_bom
    try:
        return raw.decode(codec)
    except UnicodeDecodeError as exc:
        raise DocumentError(source, f"not valid {label} despite its {label} byte order mark ({exc.reason})") from None


def parse_document(raw: bytes, source: str, *, path: str | None = None) -> Document:
    """Decode and parse bytes into a Document, checking that it is a supported OpenAPI document."""
    with gc_paused():  # parsing builds millions of objects and no garbage
        return _parse_document(raw, source, path=path)


def _parse_document(raw: bytes, source: str, *, path: str | None = None) -> Document:
    """parse_document without pausing the collector. A JSON text's document comes with its key index, built by
    the walk that checked it (key_index.py)."""
    text = decode(raw, source)
    first = _NON_SPACE.search(text)
    fmt: Format = "json" if first is not None and first.group() in "{[" else "yaml"
    warnings: list[str] = []
    index = None
    numbers = _NumberWatch()
    if fmt == "json":
        data, index = _parse_json(text, source, warnings, numbers)
        locator: JsonLocator | YamlLocator = JsonLocator(text, has_duplicate_keys=bool(warnings))
    else:
        result = load_yaml(text, source, max_depth=MAX_DEPTH)
        data, warnings = result.data, result.warnings
        locator = YamlLocator(result.root_mark, result.marks)
    if not isinstance(data, dict):
        if fmt == "yaml" and first is not None and (path or source).lower().endswith(".json"):
            # `not json {` is a YAML string; for a file named .json, what is wrong is the JSON, and where.
            _parse_json_exact(text, source, [])
        # Where the top-level value starts (or 1:1 for an empty document), so the message has a position.
        line, column = _position(text, first.start() if first is not None and data is not None else 0)
        reason = f"not an OpenAPI document: expected a mapping at the top, found {_kind(data)}"
        raise DocumentError(source, reason, line, column)
    _check_version(data, source, locator)
    document = Document(source=source, data=data, format=fmt, text=text, path=path, warnings=warnings, _locator=locator)
    document.key_index = index
    document.non_finite = fmt == "yaml" or numbers.non_finite
    return document


def parse_json_unproven(text: str, source: str, *, path: str | None = None, indexed: bool = False) -> Document | None:
    """The document plain `json.loads` makes of a JSON text, without the proof that no key is written twice: for
    review_json_split (engine.py), whose two processes each parse the text and share one proof. `indexed`: with
    the key index, whose walk also proves that nothing nests too deep and counts the object members, for the
    caller to compare with `key_tokens(text)` (duplicate_keys.py) before it trusts the data. None when the text
    is no OpenAPI document parsed so, or nests too deep: `parse_document` then tells why. The caller pauses the
    collector."""
    numbers = _NumberWatch()
    try:
        data = json.loads(text, parse_float=numbers.parse_float, parse_constant=numbers.parse_constant)
    except (ValueError, RecursionError):
        return None
    if not isinstance(data, dict):
        return None
    index = index_json(data, MAX_DEPTH) if indexed else None
    if indexed and index is None:
        return None
    locator = JsonLocator(text)
    try:
        _check_version(data, source, locator)
    except DocumentError:
        return None
    document = Document(source=source, data=data, format="json", text=text, path=path, _locator=locator)
    document.key_index = index
    document.non_finite = numbers.non_finite
    return document


def parse_data(raw: bytes, source: str) -> Any:
    """Decode and parse bytes as JSON or YAML with the same limits as a document, without requiring an
    OpenAPI document (for what an external `$ref` names: a bare schema is fine)."""
    text = decode(raw, source)
    first = _NON_SPACE.search(text)
    if first is not None and first.group() in "{[":
        return _parse_json(text, source, [])[0]
    return load_yaml(text, source, max_depth=MAX_DEPTH).data


def _position(text: str, offset: int) -> tuple[int, int]:
    line_start = text.rfind("\n", 0, offset) + 1
    return text.count("\n", 0, offset) + 1, offset - line_start + 1


class _NumberWatch:
    """Parses JSON numbers as `json` does, noting any that is not finite (`NaN`, `Infinity`, or a literal too
    large for a float): the fast JSON writer cannot write those back (emit.py). The parser calls it for the few
    non-integer numbers a document has, never for integers or strings."""

    def __init__(self) -> None:
        self.non_finite = False

    def parse_float(self, text: str) -> float:
        value = float(text)
        if value in (math.inf, -math.inf):
            self.non_finite = True
        return value

    def parse_constant(self, name: str) -> float:
        self.non_finite = True
        return float(name)  # "NaN", "Infinity", "-Infinity": what json.loads makes of them


def _parse_json(
    text: str, source: str, warnings: list[str], numbers: _NumberWatch | None = None
) -> tuple[Any, KeyIndex | None]:
    """The data, and its key index when the fast path built one (None otherwise).

    Plain `json.loads` is the C fast path; the walk that indexes the data (key_index.py) then proves, with
    the text, that no key is duplicated and nothing nests too deep (duplicate_keys.py says how). Whatever it
    cannot prove clean (a duplicate, a string starting with a colon, deep nesting, a parse error) is parsed
    again by `_parse_json_exact`, which decides: its warnings and errors are exactly what they always were."""
    numbers = numbers or _NumberWatch()
    try:
        data = json.loads(text, parse_float=numbers.parse_float, parse_constant=numbers.parse_constant)
    except (ValueError, RecursionError):  # JSONDecodeError and "too many digits" are ValueErrors
        pass
    else:
        index = index_json(data, MAX_DEPTH)
        if index is not None and index.members == key_tokens(text):
            return data, index
        del data, index  # free the first parse before the second
    return _parse_json_exact(text, source, warnings, numbers), None


def _parse_json_exact(text: str, source: str, warnings: list[str], numbers: _NumberWatch | None = None) -> Any:
    """Parse noting each duplicate key (slower: every object's pairs go through Python), and raise
    DocumentError for invalid JSON and nesting deeper than MAX_DEPTH."""
    duplicates: list[str] = []

    def no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        result = dict(pairs)
        if len(result) != len(pairs):
            seen: set[str] = set()
            for key, _ in pairs:
                if key in seen:
                    duplicates.append(key)
                seen.add(key)
        return result

    try:
        numbers = numbers or _NumberWatch()
        data = json.loads(
            text,
            object_pairs_hook=no_duplicates,
            parse_float=numbers.parse_float,
            parse_constant=numbers.parse_constant,
        )
    except json.JSONDecodeError as exc:
        # The json module's reasons that end in " at" ("Unterminated string starting at") expect the position
        # after them; ours comes first (source:line:column), so the reason ends before it.
        reason = exc.msg.removesuffix(" starting at").removesuffix(" at")
        raise DocumentError(source, f"invalid JSON: {reason}", exc.lineno, exc.colno) from None
    except RecursionError:
        raise DocumentError(source, "nesting too deep") from None
    except ValueError:  # an integer with more digits than int() accepts (sys.get_int_max_str_digits)
        raise DocumentError(source, "invalid JSON: a number has too many digits") from None
    if _deeper_than(data, MAX_DEPTH):
        raise DocumentError(source, f"nesting too deep (more than {MAX_DEPTH} levels)")
    # The later value wins, as in most JSON parsers; a reviewer should still know another reader may differ.
    warnings.extend(f"duplicate key {key!r}; the later value is used" for key in dict.fromkeys(duplicates))
    return data


def _deeper_than(data: Any, limit: int) -> bool:
    """Whether containers nest more than `limit` levels (YAML checks this while loading)."""
    stack = [(data, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            return True
        children = node.values() if type(node) is dict else node if type(node) is list else ()
        stack.extend((child, depth + 1) for child in children if type(child) is dict or type(child) is list)
    return False


def _kind(data: Any) -> str:
    if data is None:
        return "an empty document"
    if isinstance(data, list):
        return "a list"
    if isinstance(data, dict):
        return "a mapping"
    if isinstance(data, bool):
        return "a boolean"
    if isinstance(data, (int, float)):
        return "a number"
    return "a string"


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def check_openapi_data(data: Any, source: str) -> None:
    """Raise DocumentError unless `data`, built in Python rather than read from a file, is an OpenAPI document:
    a mapping with a supported `openapi` or `swagger` version, as a file must be."""
    if not isinstance(data, dict):
        raise DocumentError(source, f"not an OpenAPI document: expected a mapping at the top, found {_kind(data)}")
    _check_version(data, source, JsonLocator("", has_duplicate_keys=False))  # no text, so no positions


def _check_version(data: dict[str, Any], source: str, locator: JsonLocator | YamlLocator) -> None:
    if "openapi" in data:
        key, name, version = "openapi", "OpenAPI", data["openapi"]
        if isinstance(version, str) and _OPENAPI_3.fullmatch(version):
            return
    elif "swagger" in data:
        key, name, version = "swagger", "Swagger", data["swagger"]
        # An unquoted `swagger: 2.0` is a float in YAML; accept it, as other Swagger tools do.
        if version == "2.0" or (type(version) is float and version == 2.0):
            return
    elif "swaggerVersion" in data:
        position = locator.locate("/swaggerVersion") or (None, None)
        version = _short(data["swaggerVersion"])
        raise DocumentError(source, f"Swagger 1.x (swaggerVersion: {version}) is not supported; {SUPPORTED}", *position)
    else:
        reason = f"not an OpenAPI document: no 'openapi' or 'swagger' key at the top; {SUPPORTED}"
        raise DocumentError(source, reason, *(locator.locate("") or (None, None)))
    position = locator.locate(f"/{key}") or (None, None)
    shown = _short(version) if isinstance(version, str) else f"{_short(version)} ({_kind(version)}, not a string)"
    raise DocumentError(source, f"unsupported {name} version {shown}; {SUPPORTED}", *position)
