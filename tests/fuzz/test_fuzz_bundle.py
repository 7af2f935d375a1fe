"""Fuzzing bundling: allowed external files with random content and random `$ref`s (local to them, to each
other, to the reviewed document, outside the allowed directory, dangling). Loading either raises
DocumentError or gives a document whose bundled references all resolve and which nothing outside the
allowed directory went into."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import pytest
from fuzz_strategies import json_values
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis_profiles import FUZZ_HEALTH_CHECKS

from specreview.document.bundle import BUNDLE_KEY
from specreview.document.load import load_document
from specreview.document.pointer import exists
from specreview.document.ref_allow import parse_allow_list
from specreview.document.refs import iter_refs
from specreview.errors import DocumentError

QUICK = settings(max_examples=60, deadline=None, suppress_health_check=FUZZ_HEALTH_CHECKS)
LONG = settings(max_examples=3000, deadline=None, suppress_health_check=FUZZ_HEALTH_CHECKS)
MARKER = "x-read-from-outside-7731"
OUTSIDE = {"Leak": {MARKER: True}}

_REFS = st.sampled_from(
    ["#", "#/A", "#/A/b", "#/B", "#/Missing", "a.json#/A", "b.json", "b.json#/B", "../outside.json#/Leak",
     "../spec.json#/info", "missing.json#/X", "http://127.0.0.1:9/x.json", "a.json#/A/%7E0", "#/a~1b"]
)  # fmt: skip


@st.composite
def external_documents(draw: Any) -> Any:
    def node(depth: int) -> Any:
        if depth > 3 or draw(st.integers(0, 3)) == 0:
            return {"$ref": draw(_REFS)} if draw(st.booleans()) else draw(json_values)
        return {draw(st.sampled_from(["A", "B", "b", "a/b", "~", "properties"])): node(depth + 1) for _ in range(2)}

    return {"A": node(0), "B": node(0)}


def bundled(root_refs: list[str], a: Any, b: Any) -> None:
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        (base / "lib").mkdir()
        (base / "outside.json").write_text(json.dumps(OUTSIDE))
        (base / "lib" / "a.json").write_text(json.dumps(a))
        (base / "lib" / "b.json").write_text(json.dumps(b))
        schemas = {
            f"S{i}": {"$ref": "lib/" + r if not r.startswith(("#", "http", "..")) else r}
            for i, r in enumerate(root_refs)
        }
        spec = {
            "openapi": "3.1.0",
            "info": {"title": "t", "version": "1"},
            "paths": {},
            "components": {"schemas": schemas},
        }
        (base / "spec.json").write_text(json.dumps(spec))
        try:
            document = load_document(str(base / "spec.json"), allow_refs=parse_allow_list([str(base / "lib")]))
        except DocumentError:
            return
    assert MARKER not in json.dumps(document.data)
    for site in iter_refs(document.data):
        if site.ref.startswith(f"#/{BUNDLE_KEY}/"):
            assert exists(document.data, site.ref), site.ref


@QUICK
@given(st.lists(_REFS, max_size=4), external_documents(), external_documents())
def test_bundling_random_external_documents(root_refs: list[str], a: Any, b: Any) -> None:
    bundled(root_refs, a, b)


@pytest.mark.slow
@LONG
@given(st.lists(_REFS, max_size=4), external_documents(), external_documents())
def test_bundling_random_external_documents_long_run(root_refs: list[str], a: Any, b: Any) -> None:
    bundled(root_refs, a, b)
