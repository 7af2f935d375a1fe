"""A detector's gate never turns away a string the detector would find something in (detectors.Gate).

Gates only decide which strings the detectors run on, so a gated review must find exactly what an ungated one
finds: checked on every document of the labelled corpora and the samples, and, detector by detector, on strings
made to look like what each one looks for.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis_profiles import FUZZ_HEALTH_CHECKS

from specreview import engine
from specreview.api import as_document, default_rules
from specreview.detectors import (
    _CARD,
    _EMAIL,
    _SSN,
    _URL_HOST,
    DETECTORS,
    GATES,
    RuleGate,
    ValueContext,
    rule_gate,
)
from specreview.engine import review_document
from specreview.string_scan import StringScan

ROOT = Path(__file__).resolve().parents[2]
SHARED_CORPUS = ROOT.parent / "shared" / "corpus" / "labelled"
DOCUMENTS = sorted(
    [
        *ROOT.glob("samples/*.openapi.json"),
        *(ROOT / "tests" / "corpus" / "labelled").glob("*.openapi.json"),
        *(SHARED_CORPUS.glob("*.openapi.json") if SHARED_CORPUS.is_dir() else []),
    ]
)
RULES = {rule.id: rule for rule in default_rules()}
VALUE_RULES = [rule for rule in RULES.values() if rule.match.on in ("value", "text")]


def findings(document: dict[str, Any]) -> list[tuple[str, str, str]]:
    return [
        (r.finding.rule, r.finding.pointer, r.finding.message)
        for r in review_document(as_document(document), RULES.values())
    ]


def test_every_value_rule_that_ships_is_gated() -> None:
    # An ungated rule is still correct, only slow on a large document: a new detector should come with a gate.
    assert VALUE_RULES and all(rule_gate(rule.match.detect, rule.options) is not None for rule in VALUE_RULES)
    assert set(GATES) == set(DETECTORS)


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: p.name.split(".")[0])
def test_a_gated_review_finds_what_an_ungated_one_finds(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    document = json.loads(path.read_text(encoding="utf-8"))
    gated = findings(document)
    monkeypatch.setattr(engine, "rule_gate", lambda detect, options: None)
    assert gated == findings(document)


def admitted(gate: RuleGate, value: str, ctx: ValueContext) -> bool:
    return 0 in gate.admitted(StringScan([value])) or (not ctx.in_text and gate.admits_field(ctx.field))


# Fields the rules' options name, and some they do not.
FIELDS = st.sampled_from(
    [
        "",
        "password",
        "client_secret",
        "api_key",
        "refresh_token",
        "pin",
        "smtp_pass",
        "phone",
        "mobile_number",
        "card_number",
        "cvc",
        "ssn",
        "passport_number",
        "tax_id",
        "national_id",
        "driver_license_number",
        "description",
        "name",
        "id",
        "token_type",
    ]
)
LOOKALIKES = st.one_of(
    st.from_regex(_EMAIL),
    st.from_regex(_CARD),
    st.from_regex(_SSN),
    st.from_regex(_URL_HOST),
    st.from_regex(r"\+?[\d\s().-]{7,22}", fullmatch=True),
    st.from_regex(r"\s*\d{3,4}\s*", fullmatch=True),
    st.from_regex(r"(?:10|172\.16|192\.168)\.\d{1,3}\.\d{1,3}(?:\.\d{1,3})?"),
    st.from_regex(r"[a-z]{2,8}\.(?:internal|corp|local|svc\.cluster\.local)", fullmatch=True),
    st.from_regex(r"[0-9a-f]{0,4}(?::[0-9a-f]{0,4}){2,7}", fullmatch=True),
    st.sampled_from(["4539 1488 0343 6467", "4539148803436467", "+44 7911 123456", "AB123456C", "DB.CORP.Example"]),
    st.text(),
)


@settings(max_examples=400, deadline=None, suppress_health_check=FUZZ_HEALTH_CHECKS)
@given(
    rule=st.sampled_from(VALUE_RULES),
    value=LOOKALIKES,
    field=FIELDS,
    in_text=st.booleans(),
    affix=st.tuples(st.sampled_from(["", "see ", "x", "\n", "key: "]), st.sampled_from(["", ".", " now", "x"])),
)
def test_a_string_a_detector_hits_passes_its_gate(
    rule: Any, value: str, field: str, in_text: bool, affix: tuple[str, str]
) -> None:
    value = affix[0] + value + affix[1]
    ctx = ValueContext(field="" if in_text else field, in_text=in_text)
    gate = rule_gate(rule.match.detect, rule.options)
    assert gate is not None
    for name in rule.match.detect:
        if list(DETECTORS[name](value, ctx, rule.options)):
            assert admitted(gate, value, ctx), (name, value, ctx)


def test_credentials_pass_their_gate_whatever_their_case() -> None:
    gate = rule_gate(RULES["credential-in-example"].match.detect, RULES["credential-in-example"].options)
    assert gate is not None
    prose = ValueContext(in_text=True)
    for value in ("PASSWORD: `Tr0ub4dor&3`", "AKIA" + "Z7QX4M2P9L3K8JWT", "postgres://app:s3cr3t@db:5432/x"):
        assert admitted(gate, value, prose), value
    assert not admitted(gate, "Lists the groups of the tenant.", prose)


def test_internal_hosts_pass_their_gate_in_any_case() -> None:
    rule = RULES["internal-host"]
    gate = rule_gate(rule.match.detect, rule.options)
    assert gate is not None
    for value in ("https://DB.CORP/x", "10.0.3.7", "[fd12::1]", "api.Internal.acme.io", "K8S.svc.cluster.local"):
        assert admitted(gate, value, ValueContext(in_text=True)), value
    assert not admitted(gate, "Lists the users. See the docs.", ValueContext(in_text=True))
    assert re.search(r"\.corp", "x.CORP".casefold())
