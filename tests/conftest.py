"""Shared fixtures. Paths are fixtures too: pytest keeps one module named `conftest`, so never import from it."""

from __future__ import annotations

from pathlib import Path

import hypothesis_profiles  # noqa: F401 - loads the hypothesis profile before any test module builds settings
import pytest

from specreview.ruleset.load import load_rules
from specreview.ruleset.model import Rule

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO / "samples"
SHARED = REPO.parent / "shared"


@pytest.fixture(scope="session")
def builtin_rules() -> list[Rule]:
    return load_rules()
