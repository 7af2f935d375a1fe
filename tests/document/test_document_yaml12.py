"""yaml12: YAML 1.2 core-schema typing, merge keys, duplicates, tags, alias bombs and deep nesting."""

from __future__ import annotations

import math
import time

import pytest
import yaml

from specreview.document import yaml12
from specreview.document.yaml12 import is_core_non_string, load_yaml, unpack_mark
from specreview.errors import DocumentError


def load(text: str) -> object:
    return load_yaml(text, "spec.yaml").data


def error(text: str) -> DocumentError:
    with pytest.raises(DocumentError) as info:
        load_yaml(text, "spec.yaml")
    return info.value


def test_keys_stay_strings_as_written() -> None:
    data = load("200: a\non: b\nyes: c\nno: d\nnull: e\ntrue: f\n1.5: g\n0x1F: h\n~: i\n")
    assert list(data) == ["200", "on", "yes", "no", "null", "true", "1.5", "0x1F", "~"]


@pytest.mark.parametrize("word", ["yes", "no", "on", "off", "y", "n", "Yes", "NO", "On", "OFF"])
def test_yaml11_booleans_stay_strings(word: str) -> None:
    assert load(f"v: {word}") == {"v": word}


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("true", True),
        ("True", True),
        ("TRUE", True),
        ("false", False),
        ("FALSE", False),
        ("null", None),
        ("Null", None),
        ("NULL", None),
        ("~", None),
        ("", None),
        ("0", 0),
        ("-17", -17),
        ("+3", 3),
        ("0o17", 15),
        ("0x1F", 31),
        ("1.5", 1.5),
        ("-.5", -0.5),
        ("1e3", 1000.0),
        ("1.", 1.0),
        (".inf", math.inf),
        ("-.Inf", -math.inf),
        ("+.INF", math.inf),
        ("123456789012345678901234567890", 123456789012345678901234567890),
    ],
)
def test_core_schema_values(text: str, value: object) -> None:
    assert load(f"v: {text}") == {"v": value}


def test_nan() -> None:
    assert math.isnan(load("v: .NaN")["v"])


@pytest.mark.parametrize(
    "text",
    ["0777", "007.5", "1:20", "1_000", "2001-12-14", "0b101", "-0x1F", "TrUe", "nULL", ".5.5", "0o8", "=", "1e", "+"],
)
def test_other_plain_scalars_stay_strings(text: str) -> None:
    assert load(f"v: {text}") == {"v": text}


@pytest.mark.parametrize("text", ["'true'", '"123"', "'null'", "''", "|\n  yes\n", ">-\n  0x1F\n"])
def test_quoted_and_block_scalars_are_strings(text: str) -> None:
    assert isinstance(load(f"v: {text}")["v"], str)


def test_core_tags() -> None:
    assert load("a: !!str 123\nb: !!int '12'\nc: !!float 1\nd: !!bool 'true'\ne: !!null ''\nf: !!int 0777\n") == {
        "a": "123",
        "b": 12,
        "c": 1.0,
        "d": True,
        "e": None,
        "f": 777,
    }
    assert load("!!map {a: !!seq [x]}") == {"a": ["x"]}


def test_invalid_core_tag_value() -> None:
    assert error("a: !!int abc").reason == "'abc' is not a valid !!int"


@pytest.mark.parametrize(
    ("text", "tag"),
    [
        ("a: !!python/object:os.system {}\n", "!!python/object:os.system"),
        ("a: !!python/object/apply:os.system ['id']\n", "!!python/object/apply:os.system"),
        ("a:\n  b: !custom x\n", "!custom"),
        ("a: !!binary aGVsbG8=\n", "!!binary"),
        ("a: !!set {x}\n", "!!set"),
        ("a: !!timestamp 2001-12-14\n", "!!timestamp"),
        ("? !!python/name:os.system x\n: 1\n", "!!python/name:os.system"),
        ("a: !!seq {x: 1}\n", "!!seq"),
    ],
)
def test_other_tags_are_rejected(text: str, tag: str) -> None:
    problem = error(text)
    assert problem.reason.startswith(f"unsupported tag {tag} ")
    assert problem.line == text.count("\n", 0, text.index("!")) + 1


def test_merge_key_single_map() -> None:
    data = load("base: &b {a: 1, b: 2}\nderived:\n  <<: *b\n  b: 3\n  c: 4\n")
    assert data["derived"] == {"a": 1, "b": 3, "c": 4}
    assert data["base"] == {"a": 1, "b": 2}


def test_merge_key_list_of_maps_earlier_wins() -> None:
    data = load("x: &x {a: 1, b: 1}\ny: &y {b: 2, c: 2}\nz:\n  <<: [*x, *y]\n  c: 3\n")
    assert data["z"] == {"a": 1, "b": 1, "c": 3}


def test_merge_key_inline_map() -> None:
    assert load("z:\n  <<: {a: 1}\n  b: 2\n") == {"z": {"a": 1, "b": 2}}


def test_quoted_merge_key_is_an_ordinary_key() -> None:
    assert load("'<<': {a: 1}") == {"<<": {"a": 1}}


def test_merge_of_a_scalar_is_an_error() -> None:
    assert "merge key" in error("a:\n  <<: 3\n").reason


def test_duplicate_keys_warn_with_line_and_later_wins() -> None:
    result = load_yaml("a: 1\nb: 2\na: 3\n", "spec.yaml")
    assert result.data == {"a": 3, "b": 2}
    assert result.warnings == ["duplicate key 'a' at line 3; the later value is used"]


def test_aliases_reuse_the_anchored_value() -> None:
    data = load("a: &x {k: [1, 2]}\nb: *x\nc: &s text\nd: *s\n")
    assert data["b"] is data["a"]
    assert data["d"] == "text"


def test_alias_as_key_uses_the_written_text() -> None:
    assert load("a: &k 200\n*k : x\n") == {"a": 200, "200": "x"}


def test_billion_laughs_is_rejected_fast() -> None:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 10)]
    started = time.monotonic()
    problem = error("\n".join(lines) + "\n")
    assert time.monotonic() - started < 30  # a hang guard, not a speed target
    assert "alias bomb" in problem.reason


def test_moderate_alias_use_is_fine() -> None:
    text = "base: &b {type: object, properties: {a: {type: string}}}\n" + "".join(f"s{i}: *b\n" for i in range(1000))
    assert len(load(text)) == 1001


def test_many_aliases_relative_to_a_small_document_are_rejected() -> None:
    big = "[" + ", ".join(["x"] * 1000) + "]"
    text = f"a: &a {big}\n" + "".join(f"b{i}: *a\n" for i in range(150))
    assert "alias bomb" in error(text).reason


def test_recursive_alias_is_rejected() -> None:
    assert "refers to a node that contains it" in error("a: &x\n  b: *x\n").reason


def test_undefined_alias() -> None:
    assert error("a: *nope\n").reason == "undefined alias *nope"


def test_multiple_documents_are_rejected() -> None:
    problem = error("a: 1\n---\nb: 2\n")
    assert "more than one" in problem.reason and problem.line == 2


def test_collection_keys_are_rejected() -> None:
    assert "mapping keys must be" in error("? [a, b]\n: 1\n").reason


def test_syntax_error_has_line_and_column() -> None:
    problem = error("a: 1\nb: [1, 2\nc: 3\n")
    assert problem.reason.startswith("invalid YAML: ")
    assert (problem.line, problem.column) == (3, 2)


def test_control_character_is_reported_with_its_line() -> None:
    problem = error("a: 1\nb: x\x07y\n")
    assert "characters are not allowed (U+0007)" in problem.reason
    assert (problem.line, problem.column) == (2, 5)


@pytest.mark.parametrize("depth", [100_000])
def test_deep_flow_nesting(depth: int) -> None:
    started = time.monotonic()
    problem = error("[" * depth + "]" * depth)
    # Ours (200 levels) or libyaml's own limit, whichever the installed PyYAML hits first.
    assert problem.reason.startswith("nesting too deep")
    assert time.monotonic() - started < 30  # a hang guard, not a speed target


def test_max_depth_is_configurable() -> None:
    assert load_yaml("a: [[1]]", "s", max_depth=3).data == {"a": [[1]]}
    with pytest.raises(DocumentError, match="nesting too deep"):
        load_yaml("a: [[[1]]]", "s", max_depth=3)


def test_empty_stream() -> None:
    assert load("") is None
    assert load("# comment\n") is None
    assert load("---\n") is None


def test_marks_are_recorded() -> None:
    result = load_yaml("a:\n  b: [x, {c: 1}]\n", "s")
    assert result.marks is not None
    positions, kids = result.marks
    assert unpack_mark(positions["a"]) == (1, 1)
    assert kids is not None
    inner_positions, inner_kids = kids["a"]
    assert unpack_mark(inner_positions["b"]) == (2, 3)
    assert inner_kids is not None
    assert unpack_mark(inner_kids["b"][0][1]) == (2, 10)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0o17", True),
        ("1e3", True),
        ("0777", True),
        ("-.5", True),
        (".NaN", True),
        ("~", True),
        ("", True),
        ("FALSE", True),
        ("yes", False),
        ("1:20", False),
        ("abc", False),
        ("2001-01-01", False),
    ],
)
def test_is_core_non_string(text: str, expected: bool) -> None:
    assert is_core_non_string(text) is expected


def test_pure_python_fallback(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(yaml12, "_Loader", yaml.SafeLoader)
    result = load_yaml("on: yes\n200: 0o17\nb: &b {x: 1}\nc: {<<: *b, y: 2}\nc: 1\n", "spec.yaml")
    assert result.data == {"on": "yes", "200": 15, "b": {"x": 1}, "c": 1}
    assert result.warnings == ["duplicate key 'c' at line 5; the later value is used"]
    assert "nesting too deep" in error("[" * 100_000).reason
    assert error("a: \x07").line == 1
