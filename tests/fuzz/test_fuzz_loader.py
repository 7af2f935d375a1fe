"""Fuzzing the loader: whatever the bytes, `parse_document` returns a Document or raises DocumentError, and
the `$ref` warnings never fail on what it returns. `-m slow` runs the same properties much longer."""

from __future__ import annotations

import codecs
import json
from typing import Any

import pytest
import yaml
from fuzz_strategies import json_values, yaml_text
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis_profiles import FUZZ_HEALTH_CHECKS

from specreview.document.load import parse_data, parse_document
from specreview.document.refs import ref_warnings
from specreview.errors import DocumentError

QUICK = settings(max_examples=150, deadline=None, suppress_health_check=FUZZ_HEALTH_CHECKS)
LONG = settings(max_examples=5000, deadline=None, suppress_health_check=FUZZ_HEALTH_CHECKS)

_PREFIXES = (
    b"",
    b"openapi: 3.1.0\n",
    b"openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  ",
    b'{"openapi": "3.1.0", "x": ',
    b"swagger: '2.0'\n",
    codecs.BOM_UTF8,
    codecs.BOM_UTF16_LE,
    codecs.BOM_UTF32_BE,
)
raw_inputs = st.tuples(st.sampled_from(_PREFIXES), st.binary(max_size=400)).map(b"".join) | yaml_text.map(
    lambda text: b"openapi: 3.0.0\nx: " + text.encode("utf-8", "surrogatepass")
)


def load_or_refuse(raw: bytes) -> None:
    """The property: a Document whose data is a mapping, or DocumentError; nothing else escapes."""
    try:
        document = parse_document(raw, "fuzz")
    except DocumentError as exc:
        assert str(exc).startswith("fuzz") and "\n" not in exc.reason.strip("\n")
        return
    assert isinstance(document.data, dict)
    ref_warnings(document.data)
    document.locate("/openapi")


@QUICK
@given(raw_inputs)
def test_random_bytes_load_or_raise_document_error(raw: bytes) -> None:
    load_or_refuse(raw)


@QUICK
@given(st.dictionaries(st.text(max_size=10), json_values, max_size=5), st.sampled_from(["3.1.0", "2.0", 7]))
def test_random_structures_as_json_and_yaml(extra: dict[str, Any], version: Any) -> None:
    doc = {"openapi" if version != "2.0" else "swagger": version, **extra}
    text = json.dumps(doc)
    load_or_refuse(text.encode())
    try:
        assert parse_document(text.encode(), "fuzz").data == doc  # JSON is read back exactly
    except DocumentError:
        pass
    load_or_refuse(yaml.safe_dump(doc, allow_unicode=True).encode("utf-8", "surrogatepass"))


@QUICK
@given(st.binary(max_size=300) | yaml_text.map(lambda t: t.encode("utf-8", "surrogatepass")))
def test_external_documents_parse_or_raise_document_error(raw: bytes) -> None:
    # What an allowed $ref target goes through: any JSON/YAML value, not only an OpenAPI document.
    try:
        parse_data(raw, "target")
    except DocumentError:
        pass


@pytest.mark.slow
@LONG
@given(raw_inputs)
def test_random_bytes_long_run(raw: bytes) -> None:
    load_or_refuse(raw)
