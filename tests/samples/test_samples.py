"""The bundled FastAPI samples: reviewed straight from `app.openapi()`, and kept in sync with their documents."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from labelling import label_mismatches
from regenerate import load_app_module

from specreview.api import review

SAMPLES = Path(__file__).resolve().parents[2] / "samples"

EXPECTATIONS = yaml.safe_load((SAMPLES / "expectations.yaml").read_text(encoding="utf-8"))["documents"]
APPS = sorted({labels["app"] for labels in EXPECTATIONS.values()})


def labels_for_app(app_file: str) -> dict:
    return next(labels for labels in EXPECTATIONS.values() if labels["app"] == app_file)


@pytest.mark.parametrize("app_file", APPS)
def test_review_of_the_live_app_document_matches_the_expectations(app_file):
    app = load_app_module(SAMPLES / app_file).app
    report = review(app.openapi())
    assert label_mismatches(labels_for_app(app_file), {(f.category, f.pointer) for f in report.findings}) == []


@pytest.mark.parametrize("app_file", APPS)
def test_findings_never_repeat_example_values(app_file):
    document = load_app_module(SAMPLES / app_file).app.openapi()
    report = review(document)
    text = json.dumps([f.message for f in report.findings])
    for finding in report.findings:
        if finding.category == "secret-in-example":
            from specreview.document.pointer import get

            value = get(document, finding.pointer)
            if isinstance(value, str) and len(value) > 6:
                assert value not in text


def test_committed_documents_are_what_the_apps_generate():
    result = subprocess.run([sys.executable, str(SAMPLES / "regenerate.py"), "--check"], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
