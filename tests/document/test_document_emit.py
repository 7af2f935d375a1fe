"""emit.dump: JSON in the input's indentation, YAML that YAML 1.1 and 1.2 readers both read back unchanged."""

from __future__ import annotations

import json
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from specreview.document.emit import detect_indent, dump, dump_pieces
from specreview.document.load import parse_document
from specreview.document.yaml12 import load_yaml
from specreview.errors import OutputError

DATA = {"openapi": "3.1.0", "info": {"title": "Café ☃", "version": "1"}, "paths": {"/b": {}, "/a": {}}}


@pytest.mark.parametrize(
    ("like_text", "indent"),
    [
        ("", 2),
        ('{\n    "a": 1\n}', 4),
        ('{\n\t"a": 1\n}', "\t"),
        ('{\n  "a": {\n    "b": 1\n  }\n}\n', 2),
        ('{"a": 1}\n', None),
    ],
)
def test_detect_indent(like_text: str, indent: int | str | None) -> None:
    assert detect_indent(like_text) == indent


def test_json_keeps_order_unicode_and_indentation() -> None:
    text = dump(DATA, "json", like_text='{\n    "x": 1\n}\n')
    assert text.endswith("}\n")
    assert '    "openapi": "3.1.0"' in text
    assert "Café ☃" in text
    assert list(json.loads(text)["paths"]) == ["/b", "/a"]


def test_json_minified_input_gives_minified_output() -> None:
    assert dump({"a": [1, 2]}, "json", like_text='{"a":[]}') == '{"a":[1,2]}\n'


def test_yaml_keeps_order_and_unicode() -> None:
    text = dump(DATA, "yaml")
    assert text.startswith("openapi: 3.1.0\n")
    assert "title: Café ☃" in text
    assert text.index("/b") < text.index("/a")


@pytest.mark.parametrize("word", ["200", "yes", "on", "no", "off", "true", "null", "~", "0777", "1:20", "2001-01-01"])
def test_pyyaml_already_quotes_yaml11_lookalikes(word: str) -> None:
    assert dump({word: word}, "yaml") == f"'{word}': '{word}'\n"


@pytest.mark.parametrize("word", ["0o17", "1e3", "-.5", "+1e-3", "1E5"])
def test_yaml12_lookalikes_are_quoted_too(word: str) -> None:
    assert dump({"v": word}, "yaml") == f"v: '{word}'\n"


def test_plain_strings_stay_plain() -> None:
    assert dump({"summary": "List pets"}, "yaml") == "summary: List pets\n"


def test_long_strings_are_not_folded() -> None:
    text = dump({"description": "word " * 200 + "end"}, "yaml")
    assert text.count("\n") == 1


def test_yaml_round_trip_of_tricky_values() -> None:
    data: dict[str, Any] = {
        "200": {"description": "ok"},
        "on": ["yes", "no", "0o17", "1e3", "0x1F", ".inf", "=", "<<", "", " lead", "trail ", "a: b", "- x", "#c"],
        "numbers": [0, -1, 15, 1.5, 1e300, float("inf"), -float("inf")],
        "other": [True, False, None, "True", "NULL"],
        "multi": "line one\nline two\n",
        "controls": "tab\there\x07bell\u2028sep",
    }
    text = dump(data, "yaml")
    assert load_yaml(text, "out.yaml").data == data
    assert yaml.safe_load(text) == data  # a YAML 1.1 reader agrees


def test_shared_values_round_trip() -> None:
    shared = {"type": "string"}
    data = {"a": shared, "b": shared}
    assert load_yaml(dump(data, "yaml"), "out.yaml").data == data


def test_unserialisable_data_is_an_output_error() -> None:
    with pytest.raises(OutputError):
        dump({"a": object()}, "json")
    with pytest.raises(OutputError):
        dump({"a": object()}, "yaml")


_scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text()
    | st.sampled_from(["yes", "on", "0o7", "1e3", "~", "-.inf", "0777", "1:20", "<<", "null"])
)
_documents = st.recursive(
    _scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=20,
)


@settings(max_examples=100, deadline=None, database=None)
@given(st.dictionaries(st.text(max_size=8), _documents, max_size=5))
def test_round_trip_property(data: dict[str, Any]) -> None:
    assert load_yaml(dump(data, "yaml"), "out.yaml").data == data
    assert json.loads(dump(data, "json")) == data


@settings(max_examples=100, deadline=None, database=None)
@given(st.dictionaries(st.text(max_size=8), _documents, max_size=5), st.sampled_from([2, 4, "\t", None]))
def test_json_pieces_join_to_what_the_json_module_writes(data: dict[str, Any], indent: int | str | None) -> None:
    separators = (",", ":") if indent is None else (",", ": ")
    expected = json.dumps(data, ensure_ascii=False, indent=indent, separators=separators) + "\n"
    assert "".join(dump_pieces(data, "json", indent=indent)) == expected


def test_unserialisable_data_is_an_output_error_when_its_piece_is_made() -> None:
    pieces = dump_pieces({"a": 1, "b": object()}, "json", indent=2)
    with pytest.raises(OutputError):
        list(pieces)


# The fast JSON writer (orjson) for data whose numbers are all finite: the json module's text, and its fallbacks.

SAMPLE_DATA = {
    "openapi": "3.1.0",
    "info": {"title": 'Ünïcode \u2028 "quoted" \\ /', "version": "1"},
    "paths": {"/a": {"get": {"responses": {"200": {"description": "ok\n\ttab", "content": {}}}, "x-n": [1, -2, 0.5]}}},
    "components": {"schemas": {"E": {"type": "object", "properties": {}, "enum": [True, False, None, ""]}}},
}


@pytest.mark.parametrize("indent", [2, 4, 1, "\t"])
def test_the_fast_writer_writes_what_the_json_module_writes(indent: int | str) -> None:
    slow = "".join(dump_pieces(SAMPLE_DATA, "json", indent=indent))
    assert "".join(dump_pieces(SAMPLE_DATA, "json", indent=indent, finite=True)) == slow


def test_the_fast_writer_keeps_a_float_s_value_not_always_its_spelling() -> None:
    fast = "".join(dump_pieces({"multipleOf": 1e-05}, "json", indent=2, finite=True))
    assert json.loads(fast) == {"multipleOf": 1e-05}


@pytest.mark.parametrize("data", [{"big": 10**30}, {"bad": "\ud800"}])
def test_what_the_fast_writer_cannot_write_goes_to_the_json_module(data: dict) -> None:
    assert "".join(dump_pieces(data, "json", indent=2, finite=True)) == "".join(dump_pieces(data, "json", indent=2))


def test_a_json_text_with_a_number_that_is_not_finite_is_never_given_to_the_fast_writer() -> None:
    head = '{"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {}'
    assert not parse_document((head + ', "x": 1.5}').encode(), "a.json").non_finite
    for number in ("NaN", "Infinity", "-Infinity", "1e999"):
        assert parse_document((head + f', "x": {number}}}').encode(), "a.json").non_finite, number
    assert parse_document(b"openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\n", "a.yaml").non_finite


@pytest.mark.parametrize("data", [{"a": [1, {"b": None}], "c": "plain"}, {"title": "Café ☃", "n": 10**30}, []])
def test_a_report_s_json_is_the_json_module_s_ascii_text(data: Any) -> None:
    from specreview.document.emit import ascii_json

    assert ascii_json(data) == json.dumps(data, indent=2) + "\n"
    assert ascii_json(data).isascii()
