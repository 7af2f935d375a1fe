"""Review many documents at once: one job per document, spread over a process pool, results in job order.

Rule loading is the expensive part of starting a worker, so the parent's rules are handed to workers through
`fork` when the platform forks; under `spawn` each worker loads the same config and rule directories itself.
A document that cannot be loaded becomes an `Outcome` with an error: one bad target never stops the others.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from specreview.config import Allowances
from specreview.document.fetch import FetchOptions
from specreview.document.ref_allow import RefAllowList
from specreview.errors import SpecreviewError
from specreview.findings import DocumentInfo, Finding
from specreview.forked import usable_cores
from specreview.ruleset.model import Rule

if TYPE_CHECKING:  # the engine is imported by workers when they review, not when the CLI starts
    from specreview.document.model import Document
    from specreview.engine import Locate, RawFinding

# Files a directory argument contributes; other files in it are not OpenAPI documents.
DOCUMENT_SUFFIXES = (".json", ".yaml", ".yml")
_SKIPPED_DIRS = frozenset({"node_modules", "__pycache__", "venv", ".venv"})
_NOT_OPENAPI = "not an OpenAPI document"


@dataclass(frozen=True)
class Job:
    """One document to review: `name` is what reports call it, `location` what is loaded."""

    name: str
    location: str
    headers: tuple[tuple[str, str], ...] = field(default=(), repr=False)  # resolved values: secrets, never shown
    discovered: bool = False  # found by walking a directory: a file that is not OpenAPI is skipped, not an error


@dataclass
class Outcome:
    """What reviewing one job gave: the document and its findings, or the one-line reason it could not load."""

    job: Job
    document: DocumentInfo | None = None
    findings: list[Finding] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    error: str | None = None
    skipped: bool = False  # a discovered file that is not an OpenAPI document

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass(frozen=True)
class Settings:
    """What a worker needs besides the job: how to load, and (under spawn) how to rebuild the rules."""

    fetch: FetchOptions
    max_bytes: int
    config_path: str | None = None
    rules_dirs: tuple[Path, ...] = ()
    allow_refs: RefAllowList | None = None  # external $ref targets that may be read (none by default)
    locate: Locate = "all"  # "no-info" when no report lists info findings one by one: they are only counted
    split: bool = False  # a large document may be reviewed in two processes (engine.review_document)


# The rules a worker reviews with: set in the parent before the pool starts, so forked workers inherit them.
_STATE: tuple[Allowances, Sequence[Rule]] | None = None


def expand_sources(sources: Iterable[str]) -> list[Job]:
    """Files, URLs and `-` as given; a directory becomes every JSON/YAML file under it, in sorted order."""
    jobs = []
    for source in sources:
        if source != "-" and "://" not in source and os.path.isdir(source):
            jobs += [Job(path, path, discovered=True) for path in _walk(source)]
        else:
            jobs.append(Job(source, source))
    return jobs


def _walk(directory: str) -> list[str]:
    found = []
    for root, dirs, files in os.walk(directory):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in _SKIPPED_DIRS)
        # Regular files only: a named pipe or socket called `x.json` would block the run forever.
        paths = (os.path.join(root, f) for f in sorted(files) if f.lower().endswith(DOCUMENT_SUFFIXES))
        found += [path for path in paths if os.path.isfile(path)]
    return found


def review_job(job: Job, settings: Settings, allow: Allowances, rules: Sequence[Rule]) -> Outcome:
    """Load and review one document; every user-caused failure becomes the outcome's error."""
    from specreview.document.load import load_document
    from specreview.engine import review_document

    outcome = Outcome(job)
    try:
        done = _review_split_from_the_text(job, settings, allow, rules) if settings.split else None
        if done is None:
            fetch = replace(settings.fetch, headers=job.headers) if job.headers else settings.fetch
            document = load_document(
                job.location, max_bytes=settings.max_bytes, fetch_options=fetch, allow_refs=settings.allow_refs
            )
            if job.name != job.location:
                document.source = job.name  # reports name the target, not a temporary or absolute path
            found = review_document(document, rules, allow, locate=settings.locate, split=settings.split)
        else:
            document, found = done
        outcome.warnings = list(document.warnings)
        outcome.document = DocumentInfo(document.source, document.version, document.title)
        outcome.findings = [raw.finding for raw in found]
    except SpecreviewError as exc:
        outcome.error = str(exc)
        outcome.skipped = job.discovered and _NOT_OPENAPI in outcome.error
    except RecursionError:
        outcome.error = f"{job.name}: too deeply nested to review"
    return outcome


def _review_split_from_the_text(
    job: Job, settings: Settings, allow: Allowances, rules: Sequence[Rule]
) -> tuple[Document, list[RawFinding]] | None:
    """A large local JSON file reviewed by two processes that each parse it (engine.review_json_split); None
    when that is not done, and the usual load and review follow (a file read twice then is a small one, or one
    that will not load as it is)."""
    from specreview.engine import review_json_split, text_to_split

    text = text_to_split(job.location, settings.max_bytes) if not settings.allow_refs else None
    if text is None:  # what bundling adds is read by the usual load
        return None
    done = review_json_split(text, job.location, rules, allow, path=job.location, name=job.name, locate=settings.locate)
    return (done.document, done.findings) if done is not None else None


def _init_worker(settings: Settings) -> None:
    global _STATE
    if _STATE is None:  # spawned, not forked: rebuild the rules the parent had
        from specreview.cli.app import setup

        config, rules = setup(settings.config_path, settings.rules_dirs)
        _STATE = (config.allow, rules)


def _work(job: Job, settings: Settings) -> Outcome:
    assert _STATE is not None
    allow, rules = _STATE
    return review_job(job, settings, allow, rules)


def _size(job: Job) -> int:
    """A job's size in bytes when it is a local file (a URL's is unknown until fetched: 0)."""
    try:
        return os.stat(job.location).st_size if "://" not in job.location else 0
    except OSError:
        return 0


def default_processes() -> int:
    return usable_cores()


def review_jobs(
    jobs: Sequence[Job],
    settings: Settings,
    allow: Allowances,
    rules: Sequence[Rule],
    *,
    processes: int | None = None,
    on_done: Callable[[Outcome], None] | None = None,
) -> list[Outcome]:
    """Review every job and return the outcomes in job order (whatever order they finish in).

    Several documents use a process pool of `processes` workers (default: the usable cores); one document,
    or standard input (which only this process can read), is reviewed here, and one large document's review
    may use a second core unless `processes` is 1.
    """
    global _STATE
    workers = min(processes or default_processes(), len(jobs))
    if workers <= 1 or any(job.location == "-" for job in jobs):
        if len(jobs) == 1 and processes != 1:
            settings = replace(settings, split=True)
        outcomes = []
        for job in jobs:
            outcomes.append(review_job(job, settings, allow, rules))
            if on_done is not None:
                on_done(outcomes[-1])
        return outcomes
    _STATE = (allow, rules)
    results: dict[int, Outcome] = {}
    try:
        # Imported here: one document (the common case) needs no pool, and its import is start-up time.
        from concurrent.futures import ProcessPoolExecutor, as_completed

        with ProcessPoolExecutor(max_workers=workers, initializer=_init_worker, initargs=(settings,)) as pool:
            # Largest first: a large document left for last would keep one worker busy while the others idle.
            order = sorted(range(len(jobs)), key=lambda index: -_size(jobs[index]))
            futures = {pool.submit(_work, jobs[index], settings): index for index in order}
            for future in as_completed(futures):
                results[futures[future]] = future.result()
                if on_done is not None:
                    on_done(results[futures[future]])
    finally:
        _STATE = None
    return [results[i] for i in range(len(jobs))]
