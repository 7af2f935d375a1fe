"""Strict loading of rule files: unknown keys, bad regexes, bad JSONPath and unknown detectors fail at load
with the rule file and line, before any document is read (Spectral validates rulesets the same way)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from specreview.checks import CHECKS
from specreview.detectors import DETECTORS, prepare_options
from specreview.errors import RuleLoadError
from specreview.findings import CATEGORIES, Severity
from specreview.ruleset.model import Docs, ExampleValues, Match, Rule, Where, WordPattern
from specreview.selectors import compile_selector

_RULE_KEYS = {
    "id",
    "category",
    "severity",
    "summary",
    "message",
    "given",
    "where",
    "match",
    "options",
    "redact",
    "metadata",
    "docs",
    "examples",
    "enabled",
    "example_values",
}
_REQUIRED = ("id", "category", "severity", "summary", "message", "given", "match", "redact", "docs")
_MATCH_KEYS = {"on", "words", "regex", "flags", "detect", "check", "except"}
_WORD_KEYS = {"head", "with", "without", "anywhere", "before"}
_WHERE_KEYS = {"flow", "not_issued"}
_DOCS_KEYS = {"what", "why", "fix", "references"}
_FLOWS = {"response", "request", "error", "error-debug", "success", "any"}
_ON = {"key", "value", "text", "path", "node"}
_REDACT = {"remove", "remove-parent", "mask", "none"}
_FLAGS = {"i": re.IGNORECASE, "m": re.MULTILINE, "s": re.DOTALL, "x": re.VERBOSE}
_ID = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")


class _RuleLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """YAML 1.2 booleans: only true/false. Under PyYAML's 1.1 default, `on:` would load as the key True.
    libyaml's parser when PyYAML has it: rules load at every start, and the pure-Python one took most of it."""


_RuleLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_RuleLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


class _Lines:
    """Line numbers of mapping keys, from the composed YAML node tree, for error messages. Composed only
    when an error asks for a line: a valid rule never needs one."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._lines: dict[tuple[str, ...], int] | None = None

    @property
    def lines(self) -> dict[tuple[str, ...], int]:
        if self._lines is None:
            self._lines = _key_lines(self._text)
        return self._lines

    def of(self, *path: str) -> int | None:
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return None


def _key_lines(text: str) -> dict[tuple[str, ...], int]:
    lines: dict[tuple[str, ...], int] = {}
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return lines
    stack: list[tuple[tuple[str, ...], Any]] = [((), root)]
    while stack:
        path, node = stack.pop()
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                child = (*path, str(key.value))
                lines[child] = key.start_mark.line + 1
                stack.append((child, value))
    return lines


# Word lists that several rules share live in a rule directory's vocabulary file, not in each rule: a rule writes
# `"@name"` where a word list goes (`with: "@service-words"`, or an item of a list) and gets the file's list.
VOCABULARY_FILE = "vocabulary.yaml"
_REFERENCE = re.compile(r"^@([a-z][a-z0-9]*(?:-[a-z0-9]+)*)$")
Vocabulary = dict[str, tuple[str, ...]]


def load_vocabulary(directory: Path, shared: Vocabulary | None = None) -> Vocabulary:
    """The word lists of `directory`'s vocabulary file over those of `shared` (a user's directory may use the
    shipped lists, and may not redefine them); `shared` alone when the directory has none."""
    vocabulary = dict(shared or {})
    path = directory / VOCABULARY_FILE
    if not path.is_file():
        return vocabulary
    text, data = _load_yaml(path)
    lines = _Lines(text)
    if not isinstance(data, dict):
        raise RuleLoadError(str(path), "a vocabulary file maps names to lists of words")
    for name, words in data.items():
        if not isinstance(name, str) or not _REFERENCE.match(f"@{name}"):
            raise RuleLoadError(str(path), f"word list name {name!r} must be kebab-case", lines.of(str(name)))
        if not isinstance(words, list) or not words or not all(isinstance(w, str) for w in words):
            raise RuleLoadError(str(path), f"word list {name!r} must be a list of words", lines.of(name))
        if name in vocabulary:
            raise RuleLoadError(str(path), f"word list {name!r} is already defined", lines.of(name))
        vocabulary[name] = tuple(words)
    return vocabulary


def _expand(value: Any, vocabulary: Vocabulary, fail: Any, *key: str) -> Any:
    """`value` with every `"@name"` (a whole value, or an item of a list) replaced by that word list."""
    if isinstance(value, str):
        found = _REFERENCE.match(value)
        if found is None:
            return value
        if found.group(1) not in vocabulary:
            known = ", ".join(sorted(vocabulary)) or "none"
            raise fail(f"unknown word list {value!r} (known: {known})", *key)
        return list(vocabulary[found.group(1)])
    if isinstance(value, list):
        items: list[Any] = []
        for item in value:
            expanded = _expand(item, vocabulary, fail, *key)
            if isinstance(item, str) and isinstance(expanded, list):
                items.extend(expanded)
            else:
                items.append(expanded)
        return items
    if isinstance(value, dict):
        return {k: _expand(v, vocabulary, fail, *key, str(k)) for k, v in value.items()}
    return value


def load_rule_file(path: Path, vocabulary: Vocabulary | None = None) -> Rule:
    """One rule; `vocabulary` defaults to the shipped word lists and those of the rule's own directory."""
    if vocabulary is None:
        vocabulary = _directory_vocabulary(path.parent)
    text, data = _load_yaml(path)
    if not isinstance(data, dict):
        raise RuleLoadError(str(path), "a rule file must be a mapping")
    return build_rule(data, str(path), _Lines(text), vocabulary)


def _load_yaml(path: Path) -> tuple[str, Any]:
    """A rule directory's file, its text and what it holds; RuleLoadError with the line for invalid YAML."""
    text = _read(path)
    try:
        return text, yaml.load(text, Loader=_RuleLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise RuleLoadError(
            str(path), f"not valid YAML: {getattr(exc, 'problem', exc)}", mark.line + 1 if mark else None
        ) from None


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RuleLoadError(str(path), f"cannot read rule file: {exc}") from None


def build_rule(
    data: dict[str, Any], origin: str, lines: _Lines | None = None, vocabulary: Vocabulary | None = None
) -> Rule:
    lines = lines or _Lines("")

    def fail(reason: str, *key: str) -> RuleLoadError:
        return RuleLoadError(origin, reason, lines.of(*key))

    # Only word positions take references: a regex or a message that is `@something` stays what it says.
    vocabulary = vocabulary or {}
    if isinstance(data.get("match"), dict):
        match = dict(data["match"])
        if "words" in match:
            match["words"] = _expand(match["words"], vocabulary, fail, "match", "words")
        if isinstance(match.get("except"), dict) and "words" in match["except"]:
            words = _expand(match["except"]["words"], vocabulary, fail, "match", "except")
            match["except"] = {**match["except"], "words": words}
        data = {**data, "match": match}
    if isinstance(data.get("options"), dict):
        options = data["options"]
        expanded = {k: v if k == "patterns" else _expand(v, vocabulary, fail, "options", k) for k, v in options.items()}
        data = {**data, "options": expanded}

    unknown = set(data) - _RULE_KEYS
    if unknown:
        name = sorted(unknown)[0]
        raise fail(f"unknown key {name!r} (allowed: {', '.join(sorted(_RULE_KEYS))})", name)
    for key in _REQUIRED:
        if key not in data:
            raise fail(f"missing required key {key!r}")
    rule_id = _str(data, "id", fail)
    if not _ID.match(rule_id):
        raise fail(f"rule id {rule_id!r} must be kebab-case", "id")
    if origin.endswith((".yaml", ".yml")) and Path(origin).stem != rule_id:
        raise fail(f"rule id {rule_id!r} must equal the file name stem {Path(origin).stem!r}", "id")
    category = _str(data, "category", fail)
    if category not in CATEGORIES:
        raise fail(f"unknown category {category!r} (allowed: {', '.join(CATEGORIES)})", "category")
    try:
        severity = Severity(_str(data, "severity", fail))
    except ValueError:
        raise fail("severity must be one of error, warning, info", "severity") from None

    given = data["given"]
    given_list = [given] if isinstance(given, str) else given
    if not isinstance(given_list, list) or not given_list or not all(isinstance(g, str) for g in given_list):
        raise fail("given must be a JSONPath string or a list of them", "given")
    try:
        selectors = [compile_selector(expression) for expression in given_list]
    except ValueError as exc:
        raise fail(str(exc), "given") from None

    options = data.get("options") or {}
    if not isinstance(options, dict):
        raise fail("options must be a mapping", "options")
    options = _compile_options(options, fail)

    match = _match(data["match"], fail)
    if match.on == "path" and match.regex is None:
        raise fail("match on path needs a regex applied to each path segment", "match")
    where = _where(data.get("where") or {}, fail)
    redact = _str(data, "redact", fail)
    if redact not in _REDACT:
        raise fail(f"redact must be one of {', '.join(sorted(_REDACT))}", "redact")

    docs = data["docs"]
    if not isinstance(docs, dict) or set(docs) - _DOCS_KEYS or not all(k in docs for k in ("what", "why", "fix")):
        raise fail("docs needs what, why and fix (and optional references)", "docs")
    metadata = data.get("metadata") or {}
    if not isinstance(metadata, dict) or set(metadata) - {"cwe", "owasp"}:
        raise fail("metadata takes cwe and owasp lists", "metadata")
    examples = data.get("examples") or {}
    if not isinstance(examples, dict) or set(examples) - {"fail", "pass"}:
        raise fail("examples takes a failing ('fail') and a passing ('pass') document", "examples")
    example_values = _example_values(data.get("example_values"), match.on, fail)
    return Rule(
        id=rule_id,
        category=category,
        severity=severity,
        summary=_str(data, "summary", fail),
        message=_str(data, "message", fail),
        docs=Docs(
            str(docs["what"]).strip(),
            str(docs["why"]).strip(),
            str(docs["fix"]).strip(),
            tuple(str(r) for r in docs.get("references") or ()),
        ),
        given=tuple(given_list),
        selectors=tuple(selectors),
        match=match,
        where=where,
        redact=redact,  # type: ignore[arg-type]
        cwe=tuple(str(c) for c in metadata.get("cwe") or ()),
        owasp=tuple(str(o) for o in metadata.get("owasp") or ()),
        origin=origin,
        enabled=bool(data.get("enabled", True)),
        options=options,
        examples=examples,
        example_values=example_values,
    )


def _example_values(data: Any, on: str, fail: Any) -> ExampleValues | None:
    if data is None:
        return None
    if on != "key" or not isinstance(data, dict) or set(data) != {"rule", "kind", "looks"}:
        raise fail("example_values takes rule, kind and looks (a regex), on a rule matching keys", "example_values")
    rule, kind = data["rule"], data["kind"]
    if not isinstance(rule, str) or not isinstance(kind, str):
        raise fail("example_values.rule and .kind must be strings", "example_values")
    return ExampleValues(rule, kind, _regex(data["looks"], 0, fail, "example_values", "looks"))


def _str(data: dict[str, Any], key: str, fail: Any) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise fail(f"{key} must be a non-empty string", key)
    return value


def _regex(source: Any, flags: int, fail: Any, *key: str) -> re.Pattern[str]:
    if not isinstance(source, str):
        raise fail("a regex must be a string", *key)
    try:
        return re.compile(source, flags)
    except re.error as exc:
        raise fail(f"invalid regex {source!r}: {exc}", *key) from None


def _words(values: Any, fail: Any, *key: str) -> frozenset[str]:
    if isinstance(values, str):
        values = [values]
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise fail("word lists must be lists of strings", *key)
    return frozenset(v.lower() for v in values)


def _match(data: Any, fail: Any) -> Match:
    if not isinstance(data, dict):
        raise fail("match must be a mapping", "match")
    unknown = set(data) - _MATCH_KEYS
    if unknown:
        raise fail(f"unknown key {sorted(unknown)[0]!r} in match", "match", sorted(unknown)[0])
    on = data.get("on")
    if on not in _ON:
        raise fail(f"match.on must be one of {', '.join(sorted(_ON))}", "match", "on")
    flags = 0
    for flag in data.get("flags") or []:
        if flag not in _FLAGS:
            raise fail(f"unknown regex flag {flag!r} (allowed: i, m, s, x)", "match", "flags")
        flags |= _FLAGS[flag]
    patterns = []
    for i, item in enumerate(data.get("words") or []):
        if not isinstance(item, dict) or set(item) - _WORD_KEYS or "head" not in item:
            raise fail(f"match.words[{i}] needs head (and optional with, without, before, anywhere)", "match", "words")
        patterns.append(
            WordPattern(
                head=_words(item["head"], fail, "match", "words"),
                with_any=_words(item.get("with", []), fail, "match", "words"),
                without=_words(item.get("without", []), fail, "match", "words"),
                anywhere=bool(item.get("anywhere", False)),
                before=_words(item.get("before", []), fail, "match", "words"),
            )
        )
    detect = tuple(data.get("detect") or ())
    for name in detect:
        if name not in DETECTORS:
            raise fail(f"unknown detector {name!r} (known: {', '.join(sorted(DETECTORS))})", "match", "detect")
    check = tuple(data.get("check") or ())
    for name in check:
        if name not in CHECKS:
            raise fail(f"unknown check {name!r} (known: {', '.join(sorted(CHECKS))})", "match", "check")
    exc = data.get("except") or {}
    if not isinstance(exc, dict) or set(exc) - {"words", "regex"}:
        raise fail("match.except takes words and regex", "match", "except")
    return Match(
        on=on,
        words=tuple(patterns),
        regex=_regex(data["regex"], flags, fail, "match", "regex") if "regex" in data else None,
        detect=detect,
        check=check,
        except_words=_words(exc.get("words", []), fail, "match", "except"),
        except_regex=_regex(exc["regex"], flags, fail, "match", "except") if "regex" in exc else None,
    )


def _where(data: Any, fail: Any) -> Where:
    if not isinstance(data, dict) or set(data) - _WHERE_KEYS:
        raise fail(f"where takes {', '.join(sorted(_WHERE_KEYS))}", "where")
    flow = data.get("flow", [])
    flow = [flow] if isinstance(flow, str) else flow
    if not isinstance(flow, list) or set(flow) - _FLOWS:
        raise fail(f"where.flow must be among {', '.join(sorted(_FLOWS))}", "where", "flow")
    issued = data.get("not_issued", False)
    if isinstance(issued, dict):
        if set(issued) != {"except"}:
            raise fail("where.not_issued is true, false or {except: [words]}", "where", "not_issued")
        never = _words(issued["except"], fail, "where", "not_issued", "except")
        return Where(flow=tuple(flow), not_issued=True, issued_never=never)
    return Where(flow=tuple(flow), not_issued=bool(issued))


def _compile_options(options: dict[str, Any], fail: Any) -> dict[str, Any]:
    compiled = dict(options)
    patterns = options.get("patterns")
    if patterns is not None:
        if not isinstance(patterns, list):
            raise fail("options.patterns must be a list of {name, regex}", "options", "patterns")
        out = []
        for item in patterns:
            if not isinstance(item, dict) or set(item) != {"name", "regex"}:
                raise fail("each options.patterns entry needs exactly name and regex", "options", "patterns")
            out.append({"name": str(item["name"]), "regex": _regex(item["regex"], 0, fail, "options", "patterns")})
        compiled["patterns"] = tuple(out)
    try:
        return prepare_options(compiled)
    except ValueError as exc:
        raise fail(f"invalid option: {exc}", "options") from None


def load_rule_dir(directory: Path) -> list[Rule]:
    if not directory.is_dir():
        found = directory.exists()
        raise RuleLoadError(str(directory), "not a directory of rules" if found else "rule directory not found")
    vocabulary = _directory_vocabulary(directory)
    return [load_rule_file(p, vocabulary) for p in rule_files(directory)]


def rule_files(directory: Path) -> list[Path]:
    """The rule files of a directory: every `*.yaml` but its vocabulary and `*.test.yaml` fixtures."""
    return [
        p for p in sorted(directory.glob("*.yaml")) if not p.name.endswith(".test.yaml") and p.name != VOCABULARY_FILE
    ]


def _directory_vocabulary(directory: Path) -> Vocabulary:
    """The shipped word lists, and a user directory's own on top of them."""
    builtin = builtin_rule_dir()
    shipped = load_vocabulary(builtin)
    same = directory.resolve() == builtin.resolve() if directory.exists() else False
    return shipped if same else load_vocabulary(directory, shipped)


def builtin_rule_dir() -> Path:
    """The shipped rules: inside the wheel as specreview/builtin_rules, in a checkout as ../rules."""
    package = Path(__file__).resolve().parent.parent
    installed = package / "builtin_rules"
    return installed if installed.is_dir() else package.parent / "rules"


def load_rules(extra_dirs: Iterable[Path] = (), *, builtin: bool = True) -> list[Rule]:
    rules: list[Rule] = []
    dirs = [builtin_rule_dir()] if builtin else []
    dirs.extend(extra_dirs)
    seen: dict[str, str] = {}
    for directory in dirs:
        for rule in load_rule_dir(directory):
            if rule.id in seen:
                raise RuleLoadError(rule.origin, f"duplicate rule id {rule.id!r} (also in {seen[rule.id]})")
            seen[rule.id] = rule.origin
            rules.append(rule)
    for rule in rules:
        if rule.example_values is not None and rule.example_values.rule not in seen:
            reason = f"example_values.rule {rule.example_values.rule!r} is no loaded rule"
            raise RuleLoadError(rule.origin, reason)
    return rules
