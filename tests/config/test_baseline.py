"""Baselines: which findings are new, and which accepted ones went away, in the documents a run reviewed."""

from __future__ import annotations

import json
from pathlib import Path

from cli_run import run

from specreview.baseline import compare, entry_for, load_baseline, render_baseline
from specreview.findings import Finding, Severity

SAMPLES = Path(__file__).resolve().parents[2] / "samples"


def finding(source: str, pointer: str, value: str = "") -> Finding:
    return Finding("secret-in-response", "sensitive-field", Severity.ERROR, pointer, "m", source, value_hash=value)


def test_a_written_baseline_reads_back_and_accepts_the_same_findings(tmp_path: Path) -> None:
    found = [finding("a.json", "/p/1"), finding("a.json", "/p/2"), finding("b.json", "/p/1")]
    path = tmp_path / "baseline.json"
    path.write_text(render_baseline(found, "0"))
    comparison = compare(found, load_baseline(path))
    assert (comparison.new, comparison.fixed, comparison.accepted) == ([], [], 3)


def test_two_identical_findings_need_two_entries() -> None:
    twice = [finding("a.json", "/p"), finding("a.json", "/p")]
    comparison = compare(twice, [entry_for(twice[0])])
    assert comparison.new == [twice[1]] and comparison.accepted == 1


def test_only_the_reviewed_documents_entries_can_be_gone() -> None:
    entries = [
        entry_for(finding("a.json", "/p/1")),
        entry_for(finding("a.json", "/p/2")),
        entry_for(finding("b.json", "/q")),
    ]
    comparison = compare([finding("a.json", "/p/1")], entries)
    assert [e.pointer for e in comparison.gone({"a.json"})] == ["/p/2"]  # b.json was not looked at
    assert [e.pointer for e in comparison.gone({"a.json", "b.json"})] == ["/p/2", "/q"]


def test_a_renamed_document_still_matches_and_its_fixed_entries_are_gone() -> None:
    entries = [entry_for(finding("old.json", "/p/1")), entry_for(finding("old.json", "/p/2"))]
    entries.append(entry_for(finding("other.json", "/q")))
    comparison = compare([finding("new.json", "/p/1"), finding("other.json", "/q")], entries)
    assert comparison.new == [] and comparison.renamed == {"old.json"}
    assert [e.pointer for e in comparison.gone({"new.json", "other.json"})] == ["/p/2"]


def test_a_new_service_sharing_a_schema_with_an_accepted_one_is_new() -> None:
    # FastAPI services share model names: one accepted `UserInDB.hashed_password` must not hide another service's.
    pointer = "/components/schemas/UserInDB/properties/hashed_password"
    entries = [entry_for(finding("pets.yaml", pointer)), entry_for(finding("billing.yaml", "/q"))]
    alone = compare([finding("newsvc.yaml", pointer)], entries)  # which of two unreviewed documents was renamed?
    assert [f.source for f in alone.new] == ["newsvc.yaml"] and alone.renamed == frozenset()
    beside = compare([finding("newsvc.yaml", pointer), finding("pets.yaml", pointer)], entries)
    assert [f.source for f in beside.new] == ["newsvc.yaml"]  # pets.yaml is still there, under its own name


def test_a_one_document_baseline_against_a_one_document_run_is_the_same_document() -> None:
    # Everything was fixed, so nothing matched by fingerprint; the rename is still the only reading.
    comparison = compare([], [entry_for(finding("openapi.json", "/p"))])
    assert [e.source for e in comparison.gone({"http://127.0.0.1:8000/openapi.json"})] == ["openapi.json"]


def test_checking_one_document_against_a_repository_baseline(tmp_path: Path) -> None:
    baseline = tmp_path / "baseline.json"
    billing, userauth = str(SAMPLES / "billing.openapi.json"), str(SAMPLES / "userauth.openapi.json")
    made = run("baseline", billing, userauth, "-o", str(baseline))
    assert made.returncode == 0, made.stderr
    assert "accepted in 2 documents" in made.stderr
    checked = run("check", userauth, "--baseline", str(baseline), "--format", "json")
    assert checked.returncode == 0, checked.stderr
    assert json.loads(checked.stdout)["findings"] == []
    assert "0 new, 0 no longer occur" in checked.stderr and "billing" not in checked.stderr


def test_a_fingerprint_cannot_be_searched_back_to_a_short_value() -> None:
    # sha256 of a nine-digit SSN beside its rule and pointer gave the SSN back in seconds of trying candidates.
    from specreview.api import review

    def fingerprint(value: str) -> str:
        schema = {"type": "object", "properties": {"ssn": {"type": "string"}}, "examples": [{"ssn": value}]}
        doc = {"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {}}
        doc["components"] = {"schemas": {"Person": schema}}
        (found,) = [f for f in review(doc).findings if f.rule == "personal-data-in-example"]
        return found.fingerprint

    assert fingerprint("512-84-3197") == fingerprint("536-22-1234")  # only the length is in it
    long_keys = [
        "sk_live_51Hx9kLkdIwHu7ixQ3vN8cR2tY6uI0oP4aS7dF1gH5jK9lZ",
        "sk_live_9f2KqL7vX3mN8pR4tW6yZ1bC5dE0gH2jA7sD",
    ]
    assert len({_key_fingerprint(key) for key in long_keys}) == 2  # a random key changes its fingerprint


def _key_fingerprint(value: str) -> str:
    from specreview.api import review

    schema = {"type": "object", "properties": {"note": {"type": "string"}}, "examples": [{"note": value}]}
    doc = {"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {}}
    doc["components"] = {"schemas": {"Person": schema}}
    (found,) = [f for f in review(doc).findings if f.rule == "credential-in-example"]
    return found.fingerprint


def test_a_document_spelled_another_way_is_the_same_document(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    accepted = [finding("specs/a.json", "/p/1"), finding("specs/b.json", "/p/1")]
    entries = [entry_for(f) for f in accepted]
    for spelling in ("./specs/a.json", str(tmp_path / "specs" / "a.json"), "specs/x/../a.json"):
        comparison = compare([finding(spelling, "/p/1")], entries)
        assert (comparison.new, comparison.accepted) == ([], 1), spelling
        # b.json was not reviewed: its entry is not gone; a.json's was matched, so nothing is.
        assert comparison.gone([spelling, "other.json"]) == []
    # Another document whose path merely ends alike is another document.
    assert compare([finding("other/specs/a.json", "/p/1")], entries).new != []
