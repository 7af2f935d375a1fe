"""Loading, reviewing and redacting pause the cyclic garbage collector; a caller's process must get it back
exactly as it was, also when the work fails."""

from __future__ import annotations

import gc
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

import specreview
from specreview.document.load import load_document
from specreview.errors import DocumentError
from specreview.gc_pause import gc_paused

SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "userauth.openapi.json"


@pytest.fixture
def restore_gc() -> Iterator[None]:
    was_enabled = gc.isenabled()
    yield
    (gc.enable if was_enabled else gc.disable)()


@pytest.mark.parametrize("enabled", [True, False])
def test_review_and_redact_restore_the_collector(enabled: bool, restore_gc: None) -> None:
    (gc.enable if enabled else gc.disable)()
    document = json.loads(SAMPLE.read_text())
    assert specreview.review(document).findings  # the sample leaks: the review really ran
    assert gc.isenabled() is enabled
    specreview.redact(document)
    assert gc.isenabled() is enabled


def test_a_failed_load_restores_the_collector(tmp_path: Path, restore_gc: None) -> None:
    gc.enable()
    broken = tmp_path / "broken.json"
    broken.write_text('{"openapi": "3.1.0", ')
    with pytest.raises(DocumentError):
        load_document(str(broken))
    assert gc.isenabled()


def test_pauses_nest(restore_gc: None) -> None:
    gc.enable()
    with gc_paused():
        with gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the outer pause is still on
    assert gc.isenabled()
