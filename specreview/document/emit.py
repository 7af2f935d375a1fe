"""Writing data back out as JSON or YAML, in the style of the text it came from."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any, Literal

import yaml

from specreview.document.yaml12 import is_core_non_string
from specreview.errors import OutputError

_BaseDumper: type = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
_INDENT = re.compile(r"\n([ \t]+)\S")
_WIDTH = 1 << 30  # never fold long strings: the output should differ from the input only where redacted


class _Dumper(_BaseDumper):  # type: ignore[misc, valid-type]
    """PyYAML quotes strings a YAML 1.1 reader would misread ("yes", "on", "0777"); this also quotes those a
    YAML 1.2 reader would misread ("0o17", "1e3", "-.5"), so either kind of reader gets the strings back."""

    def represent_str(self, data: str) -> yaml.ScalarNode:
        if is_core_non_string(data):
            return self.represent_scalar("tag:yaml.org,2002:str", data, style="'")
        return super().represent_str(data)


_Dumper.add_representer(str, _Dumper.represent_str)


def detect_indent(like_text: str) -> int | str | None:
    """The indentation unit of JSON text: spaces as an int, a tab as "\\t", None for one-line (minified) text."""
    if like_text and "\n" not in like_text.strip():
        return None
    match = _INDENT.search(like_text)
    if match is None:
        return 2
    indent = match.group(1)
    return "\t" if indent.startswith("\t") else len(indent)


def dump(data: Any, fmt: Literal["json", "yaml"], *, like_text: str = "", finite: bool = False) -> str:
    """Serialise data as JSON or YAML, keeping key order; JSON follows the indentation of `like_text`."""
    return "".join(dump_pieces(data, fmt, indent=detect_indent(like_text), finite=finite))


def dump_pieces(
    data: Any, fmt: Literal["json", "yaml"], *, indent: int | str | None = 2, finite: bool = False
) -> Iterator[str]:
    """`dump`, piece by piece, JSON indented by `indent` (see detect_indent).

    Indented JSON is made by orjson when the caller knows every number in `data` is finite (`finite`: orjson
    writes NaN and infinity as null; Document.non_finite tells): on Graph 0.1 s, where the json module's
    Python encoder (the C one cannot indent) takes 1.2 s. orjson writes the same text, but for the shortest
    form of some floats (`0.00001` for `1e-05`: the same number). What it cannot write (an integer beyond 64
    bits, a string that is not valid Unicode) goes to the json module, whose millions of small pieces take
    three times the size of the text when joined at once (100 MB for Graph's 32 MB): written as they come
    (specreview.output.write_atomic), they never exist together."""
    try:
        if fmt == "json":
            if indent is None:  # one line: the C encoder makes it at once, and fast
                yield json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n"
                return
            fast = _orjson_text(data, indent) if finite else None
            if fast is not None:
                yield fast
                return
            encoder = json.JSONEncoder(ensure_ascii=False, indent=indent, separators=(",", ": "))
            yield from encoder.iterencode(data)
            yield "\n"
            return
        yield yaml.dump(
            data,
            Dumper=_Dumper,
            sort_keys=False,
            allow_unicode=True,
            default_flow_style=False,
            width=_WIDTH,
        )
    except (TypeError, ValueError, RecursionError, yaml.YAMLError) as exc:
        raise OutputError(f"cannot write the document as {fmt.upper()}: {type(exc).__name__}") from None


_LEADING_SPACES = re.compile(r"\n( +)")


def _orjson_text(data: Any, indent: int | str) -> str | None:
    """`data` as indented JSON made by orjson, or None when orjson cannot write it (or is not installed)."""
    try:
        import orjson
    except ImportError:  # pragma: no cover - a dependency; only a broken install lacks it
        return None
    try:
        text = orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS).decode()
    except (orjson.JSONEncodeError, TypeError):
        return None
    if indent != 2:
        # orjson indents by two spaces. Every line of its output starts with its indentation (a string holds no
        # raw newline), so each run of 2n leading spaces becomes n units of the wanted indentation.
        unit = indent if isinstance(indent, str) else " " * indent
        text = _LEADING_SPACES.sub(lambda m: "\n" + unit * (len(m.group(1)) // 2), text)
    return text + "\n"


def ascii_json(data: Any) -> str:
    """`json.dumps(data, indent=2)` plus a newline: JSON of plain data (reports), ASCII only, so any terminal or CI
    log can carry it. orjson writes it when the text comes out ASCII anyway, as a report almost always does
    (Graph's SARIF report, 37 MB: 0.2 s instead of 2 s); otherwise the json module escapes what is not."""
    text = _orjson_text(data, 2)
    if text is not None and text.isascii():
        return text
    return json.dumps(data, indent=2) + "\n"
