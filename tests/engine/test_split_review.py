"""A review split over two processes (forked.py) finds exactly what one process finds, in the same order.

The value rules run in a forked child while the parent runs the rest; a child that fails costs time, never a
finding. Forking is Linux-only here, so these tests are too.
"""

from __future__ import annotations

import copy
import json
import os
import signal
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest

from specreview import engine, forked
from specreview.api import default_rules
from specreview.document.load import parse_document
from specreview.engine import SPLIT_MIN_CHARS, review_document
from specreview.forked import Forked, can_fork

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="reviews are only split where fork is safe: Linux")


def large_document() -> bytes:
    """The billing and user samples' paths and schemas, copied under new names until the text passes the size
    from which a review is split: findings of every kind, many times over."""
    base = json.loads((ROOT / "samples" / "userauth.openapi.json").read_text(encoding="utf-8"))
    doc = copy.deepcopy(base)
    copies = 0
    while len(json.dumps(doc)) < SPLIT_MIN_CHARS * 1.2:
        copies += 1
        text = json.dumps({"paths": base["paths"], "schemas": base["components"]["schemas"]})
        text = text.replace("#/components/schemas/", f"#/components/schemas/C{copies}")
        part = json.loads(text)
        doc["paths"].update({f"/v{copies}{path}": item for path, item in part["paths"].items()})
        doc["components"]["schemas"].update({f"C{copies}{name}": schema for name, schema in part["schemas"].items()})
    return json.dumps(doc, indent=1).encode()


def summary(found: list[Any]) -> list[tuple[Any, ...]]:
    return [(r.finding.rule, r.finding.pointer, r.finding.message, r.finding.line, r.finding.column) for r in found]


@pytest.fixture(scope="module")
def document_text() -> bytes:
    return large_document()


@pytest.mark.parametrize("locate", ["all", "no-info", "none"])
def test_a_split_review_finds_what_one_process_finds(document_text: bytes, locate: Any, monkeypatch) -> None:
    monkeypatch.setattr(forked, "can_fork", lambda: True)  # even on a one-core machine
    monkeypatch.setattr(engine, "can_fork", lambda: True)
    rules = default_rules()
    forks = []
    monkeypatch.setattr(engine, "Forked", lambda task: forks.append(task) or Forked(task))
    split = review_document(parse_document(document_text, "big.json"), rules, locate=locate, split=True)
    assert len(forks) == 1
    whole = review_document(parse_document(document_text, "big.json"), rules, locate=locate)
    assert summary(split) == summary(whole)
    assert {r.finding.category for r in whole} >= {"sensitive-field", "secret-in-example", "weak-input"}


def test_a_small_document_is_reviewed_in_one_process(monkeypatch) -> None:
    monkeypatch.setattr(engine, "can_fork", lambda: True)
    monkeypatch.setattr(engine, "Forked", lambda task: pytest.fail("forked for a small document"))
    text = (ROOT / "samples" / "userauth.openapi.json").read_bytes()
    assert review_document(parse_document(text, "s.json"), default_rules(), split=True)


def test_when_the_child_fails_the_parent_does_its_work(document_text: bytes, monkeypatch) -> None:
    monkeypatch.setattr(engine, "can_fork", lambda: True)

    def failing(task):
        def crash():
            os.kill(os.getpid(), signal.SIGKILL)

        return Forked(crash)

    monkeypatch.setattr(engine, "Forked", failing)
    rules = default_rules()
    split = review_document(parse_document(document_text, "big.json"), rules, split=True)
    assert summary(split) == summary(review_document(parse_document(document_text, "big.json"), rules))


def test_forked_returns_the_task_s_value_or_none() -> None:
    with Forked(lambda: {"n": [1, 2, 3]}) as child:
        assert child.result() == {"n": [1, 2, 3]}
    with Forked(lambda: 1 / 0) as child:
        assert child.result() is None  # the task raised
    with Forked(lambda: lambda: None) as child:
        assert child.result() is None  # a value that does not pickle
    big = "x" * (3 << 20)  # more than a pipe holds at once
    with Forked(lambda: big) as child:
        assert child.result() == big


def test_a_child_is_never_left_behind_when_the_parent_fails() -> None:
    with pytest.raises(RuntimeError), Forked(lambda: __import__("time").sleep(60)) as child:
        pid = child._pid
        raise RuntimeError("the parent's own work failed")
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)  # reaped: no such child any more


def test_forking_needs_linux_two_cores_and_one_thread(monkeypatch) -> None:
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
    assert can_fork()
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0}, raising=False)
    assert not can_fork()


def test_the_runner_lets_one_document_split_unless_told_to_use_one_process(monkeypatch) -> None:
    from specreview.config import Allowances
    from specreview.document.fetch import FetchOptions
    from specreview.runner import Settings, expand_sources, review_jobs

    asked: list[bool] = []
    real = engine.review_document
    monkeypatch.setattr(engine, "review_document", lambda *a, **k: asked.append(k["split"]) or real(*a, **k))
    jobs = expand_sources([str(ROOT / "samples" / "userauth.openapi.json")])
    settings = Settings(FetchOptions(), 1 << 24)
    for processes in (None, 2, 1):
        (outcome,) = review_jobs(jobs, settings, Allowances(), default_rules(), processes=processes)
        assert outcome.ok and outcome.findings
    assert asked == [True, True, False]


def test_a_split_redaction_writes_what_one_process_writes(document_text: bytes, monkeypatch) -> None:
    from specreview.redactor import redact_document

    monkeypatch.setattr("specreview.redactor.can_fork", lambda: True)
    forks = []
    real = engine.Forked
    monkeypatch.setattr(engine, "Forked", lambda task: forks.append(task) or real(task))
    rules = default_rules()
    split = redact_document(parse_document(document_text, "big.json"), rules, split=True)
    assert len(forks) == 2  # the review of the input and the review of the output
    whole = redact_document(parse_document(document_text, "big.json"), rules)
    assert json.dumps(split.data) == json.dumps(whole.data)
    assert [(c.pointer, c.action, c.rule) for c in split.changes] == [
        (c.pointer, c.action, c.rule) for c in whole.changes
    ]
    assert split.redacted == whole.redacted > 0


def test_a_child_does_not_outlive_a_parent_killed_outright(tmp_path: Path) -> None:
    # SIGKILL leaves the parent no chance to reap its child: the child must end with it, not work on for nobody.
    import subprocess
    import time

    script = (
        "import os, sys, time\n"
        "from specreview.forked import Forked\n"
        "child = Forked(lambda: time.sleep(60))\n"
        "print(child._pid, flush=True)\n"
        "time.sleep(60)\n"
    )
    with subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True) as parent:
        assert parent.stdout is not None
        child_pid = int(parent.stdout.readline())
        parent.kill()
        parent.wait(timeout=10)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and Path(f"/proc/{child_pid}").exists():
        status = Path(f"/proc/{child_pid}/status").read_text() if Path(f"/proc/{child_pid}").exists() else ""
        if "State:\tZ" in status:
            break  # ended; a zombie until init reaps it
        time.sleep(0.05)
    status = Path(f"/proc/{child_pid}/status").read_text() if Path(f"/proc/{child_pid}").exists() else ""
    assert not status or "State:\tZ" in status


def test_redact_jobs_1_writes_what_the_split_redaction_writes(document_text: bytes, tmp_path: Path) -> None:
    import subprocess

    source = tmp_path / "big.json"
    source.write_bytes(document_text)
    outputs = []
    for extra in ([], ["-j", "1"]):
        out = tmp_path / f"out{len(outputs)}.json"
        done = subprocess.run(
            [sys.executable, "-m", "specreview", "redact", str(source), "-o", str(out), *extra],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]


# -- a large JSON file parsed by both processes (engine.review_json_split) ------------------------------------


def loaded_and_reviewed(text: bytes, locate: Any = "all") -> tuple[Any, list[Any]]:
    """What the usual load (its reference checks included) and a review in one process give."""
    from specreview.document.load import load_document

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder, "big.json")
        path.write_bytes(text)
        document = load_document(str(path))
    document.source = "big.json"
    return document, review_document(document, default_rules(), locate=locate)


def split_from_the_text(text: bytes, locate: Any = "all") -> tuple[Any, list[Any]] | None:
    done = engine.review_json_split(text.decode(), "big.json", default_rules(), locate=locate)
    return (done.document, done.findings) if done is not None else None


@pytest.mark.parametrize("locate", ["all", "no-info"])
def test_a_text_parsed_in_both_processes_gives_what_one_load_and_review_give(
    document_text: bytes, locate: Any, monkeypatch
) -> None:
    monkeypatch.setattr(engine, "can_fork", lambda: True)
    # A reference to nothing: the child's warnings come back with its findings.
    text = document_text.replace(b'"#/components/schemas/C1ApiError"', b'"#/components/schemas/Nowhere"', 1)
    done = split_from_the_text(text, locate)
    assert done is not None
    document, found = done
    expected_document, expected = loaded_and_reviewed(text, locate)
    assert summary(found) == summary(expected)
    assert document.warnings == expected_document.warnings and any("Nowhere" in w for w in document.warnings)
    assert (document.version, document.title, document.format) == (
        expected_document.version,
        expected_document.title,
        "json",
    )


def test_an_ignore_key_spelt_with_escapes_still_suppresses(document_text: bytes, monkeypatch) -> None:
    # The process without the key index tells from the text whether the document may suppress anything.
    monkeypatch.setattr(engine, "can_fork", lambda: True)
    doc = json.loads(document_text)
    doc["x-specreview-ignore"] = ["unbounded-input"]
    text = json.dumps(doc, indent=1).replace("x-specreview-ignore", "x-specreview-\\u0069gnore").encode()
    assert b"x-specreview-ignore" not in text
    _, expected = loaded_and_reviewed(text)
    _, unsuppressed = loaded_and_reviewed(document_text)
    assert any(r.finding.rule == "unbounded-input" for r in unsuppressed)
    assert not any(r.finding.rule == "unbounded-input" for r in expected)
    done = split_from_the_text(text)
    assert done is not None and summary(done[1]) == summary(expected)


def test_what_the_checks_would_warn_about_is_left_to_the_usual_load(document_text: bytes, monkeypatch) -> None:
    monkeypatch.setattr(engine, "can_fork", lambda: True)
    duplicated = document_text.replace(b'"openapi":', b'"info": {"title": "t", "version": "1"}, "openapi":', 1)
    assert split_from_the_text(duplicated) is None  # a duplicate key: the usual load warns
    assert split_from_the_text(b"[" + document_text + b"]") is None  # not an object
    assert split_from_the_text(document_text.replace(b'"openapi":', b'"swagger-not":', 1)) is None  # no version
    assert split_from_the_text(b'{"openapi": "3.1.0"}') is None  # too short to gain


def test_a_failed_child_leaves_the_text_to_the_usual_load(document_text: bytes, monkeypatch) -> None:
    monkeypatch.setattr(engine, "can_fork", lambda: True)
    monkeypatch.setattr(engine, "Forked", lambda task: Forked(lambda: os.kill(os.getpid(), signal.SIGKILL)))
    assert split_from_the_text(document_text) is None


def test_the_runner_parses_a_large_file_in_both_processes_unless_told_to_use_one(
    document_text: bytes, tmp_path: Path, monkeypatch
) -> None:
    from specreview.config import Allowances
    from specreview.document.fetch import FetchOptions
    from specreview.runner import Settings, expand_sources, review_jobs

    monkeypatch.setattr(engine, "can_fork", lambda: True)
    source = tmp_path / "big.json"
    source.write_bytes(document_text)
    splits: list[int] = []
    real = engine.review_json_split
    monkeypatch.setattr(engine, "review_json_split", lambda *a, **k: splits.append(1) or real(*a, **k))
    jobs = expand_sources([str(source)])
    settings = Settings(FetchOptions(), 1 << 26)
    outcomes = []
    for processes in (None, 1):
        (outcome,) = review_jobs(jobs, settings, Allowances(), default_rules(), processes=processes)
        assert outcome.ok
        outcomes.append(outcome)
    assert splits == [1]
    split, single = outcomes
    assert split.findings == single.findings and split.findings
    assert (split.document, split.warnings) == (single.document, single.warnings)


def test_a_child_that_delivered_is_reaped_once_it_has_ended() -> None:
    with Forked(lambda: 42) as child:
        assert child.result() == 42
    pid = child._pid
    deadline = __import__("time").monotonic() + 10
    while pid in forked._ending and __import__("time").monotonic() < deadline:
        forked._reap_ended()
    assert pid not in forked._ending
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)  # no zombie left behind


def test_a_command_ends_after_the_children_it_forked() -> None:
    # Their time and memory then count in the command's own resource usage, and none is left an orphan.
    with Forked(lambda: 7) as child:
        assert child.result() == 7
    forked.reap_before_exit()
    assert not forked._ending
    with pytest.raises(ChildProcessError):
        os.waitpid(child._pid, os.WNOHANG)


FLAG_RULE = """id: x-{slug}-marked
category: internal-path
severity: error
summary: An operation marked {flag}
message: "{{name}} is marked {flag}"
given: ["#Operation"]
match:
  on: node
  check: [flag]
redact: remove
options:
  flags: ["{flag}"]
docs:
  what: Finds operations marked {flag}.
  why: They are not for the public.
  fix: Remove them.
"""


@pytest.mark.parametrize(("flag", "slug"), [("x-privé", "prive"), ("x-a/b", "slash"), ("x-\U0001f512", "lock")])
def test_a_custom_flag_spelt_with_escapes_is_still_found(
    document_text: bytes, flag: str, slug: str, tmp_path: Path, monkeypatch
) -> None:
    # The process without the key index tells from the text whether a flag may be set: `json.dumps` writes
    # `x-privé` as `x-priv\u00e9`, and `/` may be written `\/`.
    from specreview.ruleset.load import load_rules

    monkeypatch.setattr(engine, "can_fork", lambda: True)
    rules_dir = tmp_path / "rules"
    rules_dir.mkdir()
    (rules_dir / f"x-{slug}-marked.yaml").write_text(FLAG_RULE.format(flag=flag, slug=slug), encoding="utf-8")
    rules = load_rules([rules_dir])
    doc = json.loads(document_text)
    first_path = next(iter(doc["paths"]))
    next(iter(doc["paths"][first_path].values()))[flag] = True
    text = json.dumps(doc, indent=1).replace('"x-a/b"', '"x-a\\/b"')  # json.dumps escapes non-ASCII itself
    assert f'"{flag}"' not in text  # spelt with an escape only
    expected = review_document(parse_document(text.encode(), "big.json"), rules)
    assert any(r.finding.rule == f"x-{slug}-marked" for r in expected)
    done = engine.review_json_split(text, "big.json", rules)
    assert done is not None and summary(done.findings) == summary(expected)


# -- redaction of a large JSON text parsed by both processes (redactor.redact_json_text) ----------------------


def marked_document(text: bytes) -> bytes:
    """The large document with an operation and a schema marked x-internal: marks the input review must see."""
    doc = json.loads(text)
    first_path = next(iter(doc["paths"]))
    next(iter(doc["paths"][first_path].values()))["x-internal"] = True
    next(iter(doc["components"]["schemas"].values()))["x-internal"] = True
    return json.dumps(doc, indent=1).encode()


@pytest.mark.parametrize("marked", [False, True])
def test_a_text_redacted_by_both_processes_gives_what_one_load_and_redaction_give(
    document_text: bytes, marked: bool, monkeypatch
) -> None:
    from specreview.redactor import redact_document, redact_json_text

    monkeypatch.setattr(engine, "can_fork", lambda: True)
    text = marked_document(document_text) if marked else document_text
    rules = default_rules()
    done = redact_json_text(text.decode(), "big.json", rules)
    assert done is not None
    document, split = done
    expected_document, _ = loaded_and_reviewed(text)
    whole = redact_document(expected_document, rules)
    assert json.dumps(split.data) == json.dumps(whole.data)
    assert [(c.pointer, c.action, c.rule) for c in split.changes] == [
        (c.pointer, c.action, c.rule) for c in whole.changes
    ]
    assert split.redacted == whole.redacted > 0
    assert document.text == "" and document.warnings == expected_document.warnings
    assert any(c.rule == "x-internal-marked" for c in whole.changes) == marked


def test_a_text_the_split_cannot_prove_is_redacted_the_usual_way(document_text: bytes, monkeypatch) -> None:
    from specreview.redactor import redact_json_text

    monkeypatch.setattr(engine, "can_fork", lambda: True)
    duplicated = document_text.replace(b'"openapi":', b'"info": {"title": "t", "version": "1"}, "openapi":', 1)
    assert redact_json_text(duplicated.decode(), "big.json", default_rules()) is None


def test_the_redact_command_parses_a_large_file_in_both_processes_unless_told_to_use_one(
    document_text: bytes, tmp_path: Path, monkeypatch
) -> None:
    from specreview import redactor
    from specreview.cli import run

    monkeypatch.setattr(engine, "can_fork", lambda: True)
    source = tmp_path / "big.json"
    source.write_bytes(marked_document(document_text))
    calls: list[int] = []
    real = redactor.redact_json_text
    monkeypatch.setattr(redactor, "redact_json_text", lambda *a, **k: calls.append(1) or real(*a, **k))
    written = []
    for extra in ([], ["-j", "1"]):
        out, log = tmp_path / f"out{len(written)}.json", tmp_path / f"log{len(written)}.json"
        assert run(["redact", str(source), "-o", str(out), "--changes", str(log), *extra]) == 0
        written.append((out.read_bytes(), log.read_bytes()))
    assert calls == [1]
    assert written[0] == written[1]


def test_a_property_called_like_the_ignore_key_suppresses_nothing_in_either_path(
    document_text: bytes, monkeypatch
) -> None:
    # Keys of a name map are names: `properties: {"x-specreview-ignore": [...]}` declares a (broken) property,
    # as the key index reads it; the process without an index must not read it as a suppression either.
    monkeypatch.setattr(engine, "can_fork", lambda: True)
    doc = json.loads(document_text)
    schemas = doc["components"]["schemas"]
    name = "UserInDB"  # its hashed_password and totp_secret are findings (sensitive-field)
    schemas[name]["properties"]["x-specreview-ignore"] = ["sensitive-field", "weak-input"]
    text = json.dumps(doc, indent=1)
    _, expected = loaded_and_reviewed(text.encode())
    _, unchanged = loaded_and_reviewed(document_text)
    prefix = f"/components/schemas/{name}/properties/"
    assert [r.finding.pointer for r in expected if r.finding.pointer.startswith(prefix)] == [
        r.finding.pointer for r in unchanged if r.finding.pointer.startswith(prefix)
    ]
    assert any(r.finding.pointer.startswith(prefix) for r in expected)
    done = engine.review_json_split(text, "big.json", default_rules())
    assert done is not None and summary(done.findings) == summary(expected)
