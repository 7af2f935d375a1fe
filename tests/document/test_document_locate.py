"""Pointer -> (line, column) for JSON (lazy scan) and YAML (marks recorded while loading)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from specreview.document.locate import JsonLocator, YamlLocator
from specreview.document.yaml12 import load_yaml

JSON_TEXT = """{
  "openapi": "3.1.0",
  "paths": {
    "/pets/{id}": {
      "get": {"tags": ["a", 7, {"deep": true}], "x": null}
    },
    "a~b/c": 1,
    "caf\\u00e9": {"k": "v"},
    "quote\\"key": [[], {}, "s"]
  }
}
"""

YAML_TEXT = """openapi: 3.1.0
paths:
  /pets/{id}:
    get: {tags: [a, 7, {deep: true}], x: null}
  a~b/c: 1
  café:
    k: v
  quote"key:
    - []
    - {}
    - s
"""

CASES = {
    "": ((1, 1), (1, 1)),
    "/openapi": ((2, 3), (1, 1)),
    "/paths": ((3, 3), (2, 1)),
    "/paths/~1pets~1{id}": ((4, 5), (3, 3)),
    "/paths/~1pets~1{id}/get": ((5, 7), (4, 5)),
    "/paths/~1pets~1{id}/get/tags/0": ((5, 24), (4, 18)),
    "/paths/~1pets~1{id}/get/tags/1": ((5, 29), (4, 21)),
    "/paths/~1pets~1{id}/get/tags/2/deep": ((5, 33), (4, 25)),
    "/paths/~1pets~1{id}/get/x": ((5, 49), (4, 39)),
    "/paths/a~0b~1c": ((7, 5), (5, 3)),
    "/paths/café/k": ((8, 19), (7, 5)),
    '/paths/quote"key/2': ((9, 28), (11, 7)),
    "#/paths/caf%C3%A9": ((8, 5), (6, 3)),
}
MISSING = ["/nope", "/paths/~1pets~1{id}/get/tags/3", "/paths/~1pets~1{id}/get/tags/01", "/openapi/x", "no-slash"]


@pytest.mark.parametrize(("pointer", "expected"), [(p, e[0]) for p, e in CASES.items()])
def test_json_locate(pointer: str, expected: tuple[int, int]) -> None:
    assert JsonLocator(JSON_TEXT).locate(pointer) == expected


@pytest.mark.parametrize(("pointer", "expected"), [(p, e[1]) for p, e in CASES.items()])
def test_yaml_locate(pointer: str, expected: tuple[int, int]) -> None:
    result = load_yaml(YAML_TEXT, "spec.yaml")
    assert YamlLocator(result.root_mark, result.marks).locate(pointer) == expected


def test_same_data_in_both() -> None:
    assert json.loads(JSON_TEXT) == load_yaml(YAML_TEXT, "spec.yaml").data


@pytest.mark.parametrize("pointer", MISSING)
def test_missing_pointers(pointer: str) -> None:
    result = load_yaml(YAML_TEXT, "spec.yaml")
    assert JsonLocator(JSON_TEXT).locate(pointer) is None
    assert YamlLocator(result.root_mark, result.marks).locate(pointer) is None


def test_json_locate_many_in_one_batch() -> None:
    locator = JsonLocator(JSON_TEXT)
    found = locator.locate_many([*CASES, *MISSING])
    assert found == {pointer: positions[0] for pointer, positions in CASES.items()}
    assert locator("/paths") == (3, 3)  # answered from the cache, and callable like Document._locator


def test_locate_many_accepts_a_generator() -> None:
    # The engine passes a generator of pointers; it must not be exhausted before the answer is built.
    found = JsonLocator(JSON_TEXT).locate_many(pointer for pointer in CASES)
    assert found == {pointer: positions[0] for pointer, positions in CASES.items()}


def test_findings_are_located_in_one_pass(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A report with many findings scans the JSON text once, not once per finding (Stripe took 100 s that way).
    from specreview.document.load import load_document
    from specreview.engine import review_document
    from specreview.ruleset.load import load_rules

    properties = {f"note_{i}": {"type": "string"} for i in range(50)}
    document = {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/notes": {
                "post": {
                    "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/N"}}}},
                    "responses": {"204": {"description": "ok"}},
                }
            }
        },
        "components": {"schemas": {"N": {"type": "object", "properties": properties}}},
    }
    path = tmp_path / "notes.json"
    path.write_text(json.dumps(document, indent=2))
    loaded = load_document(str(path))
    scans = 0
    original = JsonLocator._scan

    def counting_scan(self, wanted, *where):  # type: ignore[no-untyped-def]
        nonlocal scans
        scans += 1
        return original(self, wanted, *where)

    monkeypatch.setattr(JsonLocator, "_scan", counting_scan)
    findings = [raw.finding for raw in review_document(loaded, load_rules())]
    unbounded = [f for f in findings if f.rule == "unbounded-input"]
    assert len(unbounded) == 50
    assert all(f.line is not None and f.column is not None for f in findings)
    assert scans == 1

    # A report that only counts info findings (the default text report) does not pay for their positions.
    scans = 0
    counted = [raw.finding for raw in review_document(load_document(str(path)), load_rules(), locate="no-info")]
    assert {f.pointer for f in counted} == {f.pointer for f in findings}
    assert all(f.line is None for f in counted if f.severity == "info")
    assert scans == 0


def test_json_scan_stops_early_and_skips_unrelated_containers() -> None:
    # Text after the wanted value is not even valid JSON: the scan must stop before reaching it.
    text = '{"a": {"b": [1, {"c": 2}]}, "z": 1, "broken": [}'
    assert JsonLocator(text).locate("/z") == (1, 29)


def test_json_minified_single_line_columns() -> None:
    text = json.dumps({"openapi": "3.0.0", "paths": {"/x": {"get": {}}}}, separators=(",", ":"))
    assert JsonLocator(text).locate("/paths/~1x/get") == (1, 35)


def test_json_crlf_line_endings() -> None:
    assert JsonLocator('{\r\n  "a": {\r\n    "b": 1\r\n  }\r\n}').locate("/a/b") == (3, 5)


def test_yaml_merged_and_aliased_paths_point_at_the_source() -> None:
    text = "base: &b\n  x: 1\n  y: [2]\nd:\n  <<: *b\n  z: 3\ne: *b\n"
    result = load_yaml(text, "spec.yaml")
    locator = YamlLocator(result.root_mark, result.marks)
    assert locator.locate("/d/x") == (2, 3)
    assert locator.locate("/d/z") == (6, 3)
    assert locator.locate("/d/y/0") == (3, 7)
    assert locator.locate("/e") == (7, 1)
    assert locator.locate("/e/y/0") == (3, 7)


def test_yaml_duplicate_key_points_at_the_later_one() -> None:
    result = load_yaml("a: {x: 1}\na: 2\n", "spec.yaml")
    locator = YamlLocator(result.root_mark, result.marks)
    assert locator.locate("/a") == (2, 1)
    assert locator.locate("/a/x") is None


def test_json_duplicate_keys_locate_the_later_one() -> None:
    text = '{"a": {"x": 1},\n "a": {"y": 2}}'
    assert JsonLocator(text).locate("/a") == (1, 2)  # without the hint, the scan stops at the first
    locator = JsonLocator(text, has_duplicate_keys=True)
    assert locator.locate("/a") == (2, 2)
    assert locator.locate("/a/y") == (2, 8)


# -- a later batch starts inside a container an earlier scan passed -------------------------------------------


def every_path(node: object, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every member and item of a JSON value, as locate_paths takes them, in document order."""
    paths = [path]
    if isinstance(node, dict):
        for key, child in node.items():
            paths += every_path(child, (*path, key))
    elif isinstance(node, list):
        for i, child in enumerate(node):
            paths += every_path(child, (*path, str(i)))
    return paths


SAMPLE = (Path(__file__).resolve().parents[2] / "samples" / "userauth.openapi.json").read_text(encoding="utf-8")


@pytest.mark.parametrize("seed", range(6))
def test_a_second_batch_is_located_where_one_batch_would_locate_it(seed: int) -> None:
    import random

    paths = every_path(json.loads(SAMPLE))
    rng = random.Random(seed)
    first, second = rng.sample(paths, 40), rng.sample(paths, 300)
    expected = JsonLocator(SAMPLE).locate_paths(second)
    locator = JsonLocator(SAMPLE)
    locator.locate_paths(first)
    assert locator.locate_paths(second) == expected
    assert len(expected) == len(set(second))


def test_a_second_batch_scans_only_the_containers_it_needs(monkeypatch: pytest.MonkeyPatch) -> None:
    locator = JsonLocator(SAMPLE)
    data = json.loads(SAMPLE)
    last_schema = list(data["components"]["schemas"])[-1]
    locator.locate_paths([("components", "schemas", last_schema, "type")])  # passes every schema on its way
    scanned: list[tuple[int, tuple[str, ...]]] = []
    original = JsonLocator._scan

    def recording(self, wanted, start=0, container=()):  # type: ignore[no-untyped-def]
        scanned.append((start, container))
        return original(self, wanted, start, container)

    target = ("components", "schemas", "UserInDB", "properties", "hashed_password")
    expected = JsonLocator(SAMPLE).locate_paths([target])
    monkeypatch.setattr(JsonLocator, "_scan", recording)
    assert locator.locate_paths([target]) == expected
    ((start, container),) = scanned
    assert container == ("components", "schemas", "UserInDB") and SAMPLE[start] == "{"


def test_with_duplicate_keys_a_second_batch_still_finds_the_occurrence_the_data_holds() -> None:
    text = '{"a": {"x": {"k": 1}}, "b": 2, "a": {"x": {"k": 3}, "y": [4]}}'
    locator = JsonLocator(text, has_duplicate_keys=True)
    assert locator.locate_paths([("b",)]) == {("b",): (1, 24)}
    found = locator.locate_paths([("a", "x", "k"), ("a", "y", "0")])
    assert found == JsonLocator(text, has_duplicate_keys=True).locate_paths([("a", "x", "k"), ("a", "y", "0")])
    assert found[("a", "x", "k")] == (1, text.index('"k": 3') + 1)
