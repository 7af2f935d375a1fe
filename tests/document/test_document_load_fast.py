"""The fast load path: plain `json.loads`, then the counts of the walk that indexes the data (key_index.py)
instead of a duplicate-noting parse and a depth walk, and refs.py's cheap check before the walk that builds
paths. Each must give exactly what the slow path gives: the same data, warnings and errors. Where the fast path
cannot prove a document clean it hands it to the slow one, so the tests also check which path ran."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis_profiles import FUZZ_HEALTH_CHECKS

from specreview.document import load as load_module
from specreview.document import refs as refs_module
from specreview.document.duplicate_keys import key_tokens
from specreview.document.key_index import index_json, index_keys
from specreview.document.load import MAX_DEPTH, load_document, parse_data, parse_document
from specreview.document.refs import ref_holders, ref_warnings
from specreview.errors import DocumentError

QUICK = settings(max_examples=300, deadline=None, suppress_health_check=FUZZ_HEALTH_CHECKS)
HEAD = '{"openapi": "3.0.0", "info": {"title": "t", "version": "1"}'


@pytest.fixture
def exact_parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The texts that went to the exact (duplicate-noting) parse."""
    seen: list[str] = []
    exact = load_module._parse_json_exact

    def counting(text: str, source: str, warnings: list[str], *numbers: Any) -> Any:
        seen.append(text)
        return exact(text, source, warnings, *numbers)

    monkeypatch.setattr(load_module, "_parse_json_exact", counting)
    return seen


def detailed_warnings(data: Any) -> list[str]:
    """ref_warnings as it was before the cheap check: always the walk that builds paths."""
    clear = refs_module._all_clear
    refs_module._all_clear = lambda data, holders: False
    try:
        return ref_warnings(data)
    finally:
        refs_module._all_clear = clear


def write(tmp_path: Path, text: str) -> str:
    path = tmp_path / "spec.json"
    path.write_text(text, encoding="utf-8")
    return str(path)


# Duplicate keys: the counts differ, and the exact parse words the warning as before.


def test_duplicate_key_is_still_warned_about(exact_parses: list[str]) -> None:
    doc = parse_document(f'{HEAD}, "paths": {{"/a": {{}}, "/b": {{}}, "/a": {{"get": {{}}}}}}}}'.encode(), "spec")
    assert doc.warnings == ["duplicate key '/a'; the later value is used"]
    assert doc.data["paths"] == {"/a": {"get": {}}, "/b": {}}
    assert len(exact_parses) == 1


def test_duplicate_key_spelled_with_an_escape_is_found() -> None:
    doc = parse_document(f'{HEAD}, "x-a": 1, "x-\\u0061": 2}}'.encode(), "spec")
    assert doc.warnings == ["duplicate key 'x-a'; the later value is used"]


def test_duplicate_key_in_a_pretty_printed_document(tmp_path: Path) -> None:
    text = json.dumps(json.loads(HEAD + "}"), indent=2, separators=(",", " : "))
    text = text.replace('"title" :', '"title" : "dup",\n    "title" :')
    assert load_document(write(tmp_path, text)).warnings == ["duplicate key 'title'; the later value is used"]


# Key tokens that are not keys, and keys that look like escapes: still the fast path, still exact.


def test_escaped_quote_and_colon_inside_a_value_is_not_a_key(exact_parses: list[str]) -> None:
    text = HEAD[:-1] + ', "description": "a\\":b and {\\"id\\" : 1}"}}'
    doc = parse_document(text.encode(), "spec")
    assert doc.data["info"]["description"] == 'a":b and {"id" : 1}'
    assert doc.warnings == []
    assert exact_parses == []  # proven clean by counting


def test_key_ending_in_a_backslash_is_a_key(exact_parses: list[str]) -> None:
    doc = parse_document(f'{HEAD}, "x\\\\": {{"k\\\\\\\\": "v\\\\"}}}}'.encode(), "spec")
    assert doc.data["x\\"] == {"k\\\\": "v\\"}
    assert doc.warnings == [] and exact_parses == []
    duplicated = parse_document(f'{HEAD}, "x\\\\": 1, "x\\\\": 2}}'.encode(), "spec")
    assert duplicated.warnings == ["duplicate key 'x\\\\'; the later value is used"]


def test_pretty_printed_with_space_before_the_colon(tmp_path: Path, exact_parses: list[str]) -> None:
    data = {"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {"/a": {"get": {}}}}
    for separator in (" : ", "\t:\t", "\n:\n", ":"):
        text = json.dumps(data, indent=2, separators=(",", separator))
        doc = load_document(write(tmp_path, text.replace("\n", "\r\n")))
        assert doc.data == data and doc.warnings == []
    assert exact_parses == []


def test_string_starting_with_a_colon_goes_to_the_exact_parse(exact_parses: list[str]) -> None:
    # Its opening quote counts as a key token: the counts cannot prove anything, so the exact parse decides.
    doc = parse_document(f'{HEAD}, "x-scope": ":ALL:"}}'.encode(), "spec")
    assert doc.data["x-scope"] == ":ALL:" and doc.warnings == []
    assert len(exact_parses) == 1


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ('{"a": 1, "b" : {"c"\t:\n2}}', 3),
        ('{"a": "x\\":y"}', 1),  # escaped quote: inside the string
        ('{"a\\\\": "y"}', 1),  # escaped backslash: the quote ends the key
        ('{"a\\\\\\":b": 1}', 1),  # three backslashes: the first quote is escaped
        ('{"a": ": b"}', 2),  # an opening quote followed by a colon counts too (never fewer than the keys)
        ("[1, 2]", 0),
        ('"' + "\\" * 100 + '\\":"', 0),  # a long odd run, looked back through in doubling windows
        ('{"' + "\\" * 100 + '":1}', 1),
    ],
)
def test_key_tokens(text: str, count: int) -> None:
    json.loads(text)
    assert key_tokens(text) == count


# Nesting: the shape walk stops past MAX_DEPTH and the exact parse raises the error it always raised.


def nested(levels: int) -> str:
    return HEAD + ', "x": ' + "[" * (levels - 1) + "]" * (levels - 1) + "}"


def test_nesting_deeper_than_the_limit_is_still_an_error() -> None:
    assert parse_document(nested(MAX_DEPTH).encode(), "spec").data["x"]
    with pytest.raises(DocumentError) as info:
        parse_document(nested(MAX_DEPTH + 1).encode(), "spec")
    assert info.value.reason == f"nesting too deep (more than {MAX_DEPTH} levels)"


def test_index_json_counts_members_finds_ref_holders_and_limits_depth() -> None:
    data = json.loads('{"a": [{"$ref": "#/b"}, [], {"c": 1, "d": {}}], "$ref": 5}')
    index = index_json(data, 4)
    assert index is not None and index.members == 5
    assert sorted(id(h) for h in index.ref_holders) == sorted([id(data), id(data["a"][0])])
    assert index_json(data, 3) is None
    scalar, empty = index_json("scalar", 1), index_json([], 1)
    assert scalar is not None and empty is not None and scalar.members == empty.members == 0


def test_a_loaded_json_document_comes_with_the_index_a_review_would_build() -> None:
    text = (
        HEAD + ', "servers": [{"url": "https://api.example.com", "x-env": "prod"}],'
        ' "paths": {"/a": {"get": {"description": "d", "x-internal": true, "responses": {"200": {'
        '"description": "ok", "content": {"application/json": {"schema": {"properties": {"example": {'
        '"type": "string", "example": "e"}}}}}}}}}}}'
    )
    document = parse_document(text.encode(), "spec")
    assert document.key_index is not None
    fresh = index_keys(json.loads(text))
    assert document.key_index.entries == fresh.entries and document.key_index.extensions == fresh.extensions
    # A property named `example` is a name, not a keyword; its schema's `example` is one.
    examples = [path for path, _ in fresh.entries["example"]]
    assert examples == [
        (
            "paths",
            "/a",
            "get",
            "responses",
            "200",
            "content",
            "application/json",
            "schema",
            "properties",
            "example",
            "example",
        )
    ]
    assert sorted(path[-1] for path, _, _ in fresh.extensions) == ["x-env", "x-internal"]


def test_a_yaml_document_has_no_loaded_index_and_int_keys_are_indexed() -> None:
    document = parse_document(b"openapi: 3.0.0\ninfo: {title: t, version: '1'}\npaths: {}\n", "spec.yaml")
    assert document.key_index is None
    # Documents built in Python may key responses by int status codes.
    index = index_keys({"paths": {"/a": {"get": {"responses": {200: {"description": "ok", "x-a": 1}}}}}})
    assert [path for path, _ in index.entries["description"]] == [
        ("paths", "/a", "get", "responses", 200, "description")
    ]
    assert [path for path, _, _ in index.extensions] == [("paths", "/a", "get", "responses", 200, "x-a")]


@pytest.mark.parametrize(
    "text",
    ["{", '{"a": ' + "9" * 5000 + "}", "[" * 100_000 + "]" * 100_000, '{"a": [1,]}', '{"a": 1} x', '{"a": "\x01"}'],
)
def test_parse_errors_are_unchanged(text: str) -> None:
    with pytest.raises(DocumentError) as fast:
        parse_data(text.encode(), "spec")
    with pytest.raises(DocumentError) as exact:
        load_module._parse_json_exact(text, "spec", [])
    assert str(fast.value) == str(exact.value)


# `$ref`s: dangling ones and pure cycles are still reported word for word; loading a JSON file passes the
# holders its shape walk found, so the warnings must be the same as from a fresh walk.


def components(schemas: dict[str, Any]) -> str:
    return json.dumps({"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "components": {"schemas": schemas}})


def test_dangling_ref_is_warned_about(tmp_path: Path) -> None:
    text = components({"A": {"type": "object"}, "B": {"$ref": "#/components/schemas/Gone"}})
    assert load_document(write(tmp_path, text)).warnings == [
        "/components/schemas/B/$ref: $ref '#/components/schemas/Gone' does not resolve (no 'Gone' there)"
    ]


def test_pure_ref_cycle_is_warned_about(tmp_path: Path) -> None:
    refs = {"A": {"$ref": "#/components/schemas/B"}, "B": {"$ref": "#/components/schemas/A"}}
    text = components({**refs, "C": {"$ref": "#/components/schemas/A"}, "D": {"$ref": "#/components/schemas/D"}})
    assert load_document(write(tmp_path, text)).warnings == [
        "/components/schemas/A: $ref cycle that never reaches a definition",
        "/components/schemas/D: $ref cycle that never reaches a definition",
    ]


def test_ref_chains_that_reach_a_definition_are_fine(tmp_path: Path) -> None:
    schemas = {
        "Real": {"type": "object"},
        "Alias": {"$ref": "#/components/schemas/Real"},
        "Alias2": {"$ref": "#/components/schemas/Alias"},
        "Root": {"$ref": "#"},
        "Use": {"type": "array", "items": {"$ref": "#/components/schemas/Alias2"}},
        "Prop": {"properties": {"$ref": {"type": "string"}}},  # a property named `$ref`: not a reference
    }
    assert load_document(write(tmp_path, components(schemas))).warnings == []


def test_external_ref_is_warned_about(tmp_path: Path) -> None:
    warnings = load_document(write(tmp_path, components({"A": {"$ref": "other.json#/A"}}))).warnings
    assert warnings == [
        "1 external $ref not followed ('other.json#/A' at /components/schemas/A/$ref); their targets are not "
        "reviewed (allow them with --allow-remote-refs)"
    ]


def test_ref_holders_visits_shared_nodes_once() -> None:
    shared = {"$ref": "#/a"}
    data: dict[str, Any] = {"a": {}, "b": [shared, shared], "c": {"d": shared}}
    data["c"]["self"] = data["c"]  # a YAML alias can make a node contain itself
    assert ref_holders(data) == [shared]


# Properties: random JSON texts with tricky keys and duplicates, and random `$ref` graphs.

# Keys as written between the quotes: escaped quotes and backslashes, colons, `\u0061` (a duplicate of `a`).
_KEYS = st.sampled_from(["a", "b", "$ref", 'q\\"', "s\\\\", ":", " :", "\\u0061", 'a\\":', "b\\\\\\\\"])
_SCALARS = st.sampled_from(['"x"', '": y"', '"\\":"', '"\\\\"', "1", "null", '"#/a"', "[]", "{}"])
_SEPARATORS = st.sampled_from([":", ": ", " : ", "\n:\t"])


def _object(members: list[tuple[str, str, str]]) -> str:
    return "{" + ", ".join(f'"{key}"{separator}{value}' for key, separator, value in members) + "}"


_json_texts = st.recursive(
    _SCALARS,
    lambda inner: (
        st.lists(st.tuples(_KEYS, _SEPARATORS, inner), max_size=4).map(_object)
        | st.lists(inner, max_size=3).map(lambda items: "[" + ", ".join(items) + "]")
    ),
    max_leaves=12,
)


@QUICK
@given(_json_texts)
def test_fast_parse_is_the_exact_parse(text: str) -> None:
    expected_warnings: list[str] = []
    expected = load_module._parse_json_exact(text, "spec", expected_warnings)
    warnings: list[str] = []
    data, index = load_module._parse_json(text, "spec", warnings)
    assert json.dumps(data) == json.dumps(expected) and warnings == expected_warnings
    if index is not None:  # the fast path ran: its holders are the ones a fresh walk finds, its index a fresh one
        assert sorted(map(id, index.ref_holders)) == sorted(map(id, ref_holders(data)))
        assert index.entries == index_keys(data).entries


_REFS = st.sampled_from(["#/s/A", "#/s/B", "#/s/C", "#/s/Gone", "#/s", "#", "#%2Fs%2FA", "#anchor", "x.json", 3])
_SCHEMAS = st.dictionaries(
    st.sampled_from(["A", "B", "C"]),
    st.one_of(
        st.builds(lambda r: {"$ref": r}, _REFS),
        st.builds(lambda r: {"$ref": r, "description": "d"}, _REFS),
        st.just({"type": "object", "$anchor": "anchor"}),
        st.builds(lambda r: {"items": {"$ref": r}}, _REFS),
    ),
)


@QUICK
@given(_SCHEMAS)
def test_cheap_ref_check_agrees_with_the_detailed_walk(schemas: dict[str, Any]) -> None:
    data = {"openapi": "3.1.0", "s": schemas}
    assert ref_warnings(data) == detailed_warnings(data)
    parsed = json.loads(json.dumps(data))
    index = index_json(parsed, MAX_DEPTH)
    assert index is not None
    assert ref_warnings(parsed, holders=index.ref_holders) == detailed_warnings(parsed)


def test_an_entry_of_a_name_map_holds_keywords_whatever_its_name() -> None:
    # A property named `content` (or a component parameter named `headers`) is a schema, not a map of media
    # types: its `example` and its extensions are indexed like any other's.
    schema = {"properties": {"content": {"example": "a", "x-internal": True}, "body": {"example": "b"}}}
    doc = {"components": {"schemas": {"Msg": schema}, "parameters": {"headers": {"name": "h", "x-internal": True}}}}
    index = index_keys(doc)
    assert sorted(path[-2] for path, _ in index.entries["example"]) == ["body", "content"]
    assert sorted(path[-2] for path, _, _ in index.extensions) == ["content", "headers"]
    assert all(
        holder is doc["components"]["parameters"]["headers"] or "example" in holder for _, _, holder in index.extensions
    )
