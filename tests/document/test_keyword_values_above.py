"""The values of a keyword on the way down to a node, read as the key index reads keys: not in name maps."""

from __future__ import annotations

from specreview.document.key_index import keyword_values_above

KEY = "x-specreview-ignore"


def test_objects_on_the_way_down_give_their_values_top_first() -> None:
    doc = {KEY: ["a"], "paths": {"/p": {KEY: ["b"], "get": {"parameters": [{KEY: ["c"], "name": "q"}]}}}}
    path = ("paths", "/p", "get", "parameters", 0, "name")
    assert list(keyword_values_above(doc, path, KEY)) == [["a"], ["b"], ["c"]]


def test_a_name_map_s_key_is_a_name_not_the_keyword() -> None:
    doc = {
        "components": {
            "schemas": {
                KEY: {"type": "string"},  # a schema called so
                "User": {"properties": {KEY: ["x"], "email": {KEY: ["y"], "type": "string"}}},
            },
            "parameters": {KEY: ["z"]},  # components.parameters is a map of names
        }
    }
    email = ("components", "schemas", "User", "properties", "email")
    assert list(keyword_values_above(doc, email, KEY)) == [["y"]]
    assert list(keyword_values_above(doc, ("components", "parameters"), KEY)) == []


def test_a_property_called_properties_holds_keywords_again() -> None:
    # Inside a name map the entries are schemas: their keys are keywords, whatever the entry is called.
    doc = {"properties": {"properties": {KEY: ["kept"], "type": "object"}}}
    assert list(keyword_values_above(doc, ("properties", "properties", "type"), KEY)) == [["kept"]]


def test_a_path_that_leaves_the_document_stops() -> None:
    assert list(keyword_values_above({KEY: [1], "a": 3}, ("a", "b", "c"), KEY)) == [[1]]
    assert list(keyword_values_above({KEY: [1]}, ("missing",), KEY)) == [[1]]
