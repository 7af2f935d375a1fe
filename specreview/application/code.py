"""Point findings in a generated document back at the code that produced it.

FastAPI builds `/openapi.json` from Pydantic models and route functions, so a finding at
`/components/schemas/UserInDB/properties/hashed_password` is fixed in `class UserInDB`, on the line that
declares `hashed_password`, and a finding under `/paths/~1internal~1debug/get` in the function behind that
route. The map is built once per application from its routes (FastAPI's own model discovery when available)
and resolves pointers to file, line and symbol; anything it cannot place is simply left without a location.
"""

from __future__ import annotations

import ast
import dataclasses
import enum
import functools
import inspect
import os
import re
import sys
import textwrap
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from specreview.document.pointer import parse_pointer
from specreview.findings import Finding, SourceLocation

_HTTP_METHODS = frozenset({"get", "put", "post", "delete", "options", "head", "patch", "trace"})
_DOCUMENT_LEVEL = frozenset({"info", "servers", "tags", "externalDocs", "security"})
# FastAPI (pydantic 2) splits a model used both ways into two components.
_DIRECTION_SUFFIX = re.compile(r"-(?:Input|Output)$")
_UNSAFE_NAME = re.compile(r"[^a-zA-Z0-9.\-_]")


@dataclasses.dataclass(frozen=True)
class _Route:
    path: str
    methods: frozenset[str]
    endpoint: Any


def _global_names_of(app: Any) -> list[str]:
    """`module:name` of each module-level variable that holds `app` (a test suite passes the object, not its
    import path; the module that assigns it and every one that imports it); none for an app built in a function."""
    names = []
    for module_name, module in list(sys.modules.items()):
        namespace = getattr(module, "__dict__", None)
        if isinstance(namespace, dict):
            names += [f"{module_name}:{n}" for n, v in list(namespace.items()) if v is app and not n.startswith("_")]
    return names


class CodeMap:
    """Resolves JSON pointers of an application's document to source locations."""

    def __init__(self, app: Any, app_path: str = "", relative_to: Path | None = None) -> None:
        self.base = (relative_to or Path.cwd()).resolve()
        self.routes = list(_api_routes(app))
        self.models = _component_models(app, self.routes)
        candidates = [app_path] if app_path else _global_names_of(app)
        self.app_location = next(filter(None, map(self._app_location, candidates)), None)

    def locate(self, pointer: str) -> SourceLocation | None:
        try:
            tokens = parse_pointer(pointer)
        except (ValueError, KeyError):
            return None
        if len(tokens) >= 3 and tokens[0] == "components" and tokens[1] == "schemas":
            return self._schema_location(tokens[2], tokens[3:])
        if len(tokens) >= 2 and tokens[0] == "paths":
            method = tokens[2].lower() if len(tokens) >= 3 and tokens[2].lower() in _HTTP_METHODS else None
            return self._route_location(tokens[1], method)
        if tokens and tokens[0] in _DOCUMENT_LEVEL:
            return self.app_location
        return None

    def attach(self, findings: Iterable[Finding]) -> list[Finding]:
        """The findings, each with its code location when one is known."""
        out = []
        for finding in findings:
            location = finding.code_location or self.locate(finding.pointer)
            out.append(dataclasses.replace(finding, code_location=location) if location else finding)
        return out

    # ---- schemas ---------------------------------------------------------------------------------------
    def _schema_location(self, component: str, rest: Sequence[str]) -> SourceLocation | None:
        model = self.models.get(component) or self.models.get(_DIRECTION_SUFFIX.sub("", component))
        if model is None:
            return None
        if len(rest) >= 2 and rest[0] == "properties":
            located = _field_location(model, rest[1])
            if located is not None:
                path, line, owner, field_name = located
                return SourceLocation(self._display(path), line, f"{owner}.{field_name}")
        if rest and rest[0] in ("example", "examples"):
            # Model-level examples come from `model_config = ConfigDict(json_schema_extra=...)`.
            located_config = _config_location(model)
            if located_config is not None:
                path, line, name = located_config
                return SourceLocation(self._display(path), line, name)
        located_class = _class_location(model)
        if located_class is None:
            return None
        path, line, name = located_class
        return SourceLocation(self._display(path), line, name)

    # ---- routes ----------------------------------------------------------------------------------------
    def _route_location(self, path: str, method: str | None) -> SourceLocation | None:
        candidates = [r for r in self.routes if r.path == path]
        if method is not None:
            candidates = [r for r in candidates if method.upper() in r.methods] or candidates
        for route in candidates:
            located = _function_location(route.endpoint)
            if located is not None:
                file, line, name = located
                return SourceLocation(self._display(file), line, name)
        return None

    # ---- the application object itself (info, servers, tags) ---------------------------------------------
    def _app_location(self, app_path: str) -> SourceLocation | None:
        module_name, _, attribute = app_path.partition(":")
        if not module_name or not attribute:
            return None
        module = _loaded_module(module_name)
        if module is None:
            return None
        try:
            file = inspect.getsourcefile(module)
            source = inspect.getsource(module)
        except (OSError, TypeError):
            return None
        if file is None:
            return None
        name = attribute.split(".")[0]
        for node in ast.walk(ast.parse(source)):
            targets = (
                node.targets
                if isinstance(node, ast.Assign)
                else [node.target]
                if isinstance(node, ast.AnnAssign)
                else []
            )
            if any(isinstance(t, ast.Name) and t.id == name for t in targets):
                return SourceLocation(self._display(file), node.lineno, name)
        return None

    def _display(self, file: str) -> str:
        """Relative to the working directory when inside it (what code scanning expects), else absolute."""
        path = Path(file).resolve()
        try:
            return path.relative_to(self.base).as_posix()
        except ValueError:
            return str(path)


def _loaded_module(name: str) -> Any:
    import sys

    return sys.modules.get(name)


def _api_routes(app: Any) -> Iterator[_Route]:
    """The routes that appear in the document: path template, methods and endpoint function."""
    routes = list(getattr(app, "routes", None) or [])
    try:  # FastAPI versions that keep included routers as nodes expose a flattening helper
        from fastapi.routing import iter_route_contexts  # type: ignore[attr-defined]

        items: Iterable[Any] = iter_route_contexts(routes)
    except ImportError:
        items = routes
    except Exception:
        items = routes
    for item in items:
        path = getattr(item, "path_format", None)
        methods = getattr(item, "methods", None)
        endpoint = getattr(item, "endpoint", None)
        if isinstance(path, str) and methods and callable(endpoint) and getattr(item, "include_in_schema", True):
            yield _Route(path, frozenset(m.upper() for m in methods), endpoint)


def _component_models(app: Any, routes: Sequence[_Route]) -> dict[str, type]:
    """Component name -> the model or enum class FastAPI generated it from."""
    classes = _models_from_fastapi(app) or _models_by_subclass_scan()
    by_name: dict[str, list[type]] = {}
    for cls in classes:
        for name in _component_names(cls):
            by_name.setdefault(name, [])
            if cls not in by_name[name]:
                by_name[name].append(cls)
    # A name two classes could have produced is ambiguous: better no location than a wrong one.
    return {name: found[0] for name, found in by_name.items() if len(found) == 1}


def _models_from_fastapi(app: Any) -> list[type]:
    """The models and enums FastAPI itself collects for the document (the same walk it uses to name them)."""
    try:
        from fastapi.openapi import utils

        fields = utils.get_fields_from_routes(list(getattr(app, "routes", [])))
        return list(utils.get_flat_models_from_fields(fields, known_models=set()))
    except Exception:  # an internal API of FastAPI: fall back to scanning classes
        return []


def _models_by_subclass_scan() -> list[type]:
    found: list[type] = []
    bases: list[type] = [enum.Enum]
    try:
        from pydantic import BaseModel

        bases.append(BaseModel)
    except ImportError:
        pass
    for base in bases:
        stack = list(base.__subclasses__())
        while stack:
            cls = stack.pop()
            stack.extend(cls.__subclasses__())
            if not cls.__module__.startswith(("pydantic", "fastapi", "starlette", "enum")):
                found.append(cls)
    return found


def _component_names(cls: type) -> list[str]:
    names = [_UNSAFE_NAME.sub("_", cls.__name__)]
    title = getattr(cls, "model_config", {}).get("title") if hasattr(cls, "model_config") else None
    if isinstance(title, str):
        names.append(_UNSAFE_NAME.sub("_", title))
    # Name clashes between modules are resolved with the long form (fastapi.utils and pydantic alike).
    names.append(_UNSAFE_NAME.sub("_", f"{cls.__module__}__{cls.__qualname__}".replace(".", "__")))
    return names


def _source_class(cls: type) -> type:
    """A parametrised generic (`Page[User]`) has no source of its own; its origin (`Page`) has."""
    metadata = getattr(cls, "__pydantic_generic_metadata__", None)
    if isinstance(metadata, dict) and metadata.get("origin") is not None:
        return _source_class(metadata["origin"])
    return cls


def _class_location(cls: type) -> tuple[str, int, str] | None:
    parsed = _parsed_class(_source_class(cls))
    if parsed is None:
        return None
    file, start, node = parsed
    return file, start + node.lineno - 1, _source_class(cls).__qualname__


def _config_location(cls: type) -> tuple[str, int, str] | None:
    """Where the nearest class in the hierarchy assigns `model_config`."""
    for klass in _source_class(cls).__mro__:
        if klass.__module__.startswith("pydantic") or "model_config" not in klass.__dict__:
            continue
        parsed = _parsed_class(klass)
        if parsed is None:
            return None
        file, start, node = parsed
        for statement in node.body:
            targets = statement.targets if isinstance(statement, ast.Assign) else []
            if isinstance(statement, ast.AnnAssign):
                targets = [statement.target]
            if any(isinstance(t, ast.Name) and t.id == "model_config" for t in targets):
                return file, start + statement.lineno - 1, f"{klass.__qualname__}.model_config"
        return None
    return None


def _field_location(cls: type, property_name: str) -> tuple[str, int, str, str] | None:
    """(file, line, class that declares it, field name) for the schema property `property_name`."""
    field_name = _field_for_property(cls, property_name)
    for klass in _source_class(cls).__mro__:
        if field_name not in _own_annotations(klass):
            continue
        parsed = _parsed_class(klass)
        if parsed is None:
            return None
        file, start, node = parsed
        for statement in node.body:
            if (
                isinstance(statement, ast.AnnAssign)
                and isinstance(statement.target, ast.Name)
                and statement.target.id == field_name
            ):
                return file, start + statement.lineno - 1, klass.__qualname__, field_name
        return None
    return None


def _field_for_property(cls: type, property_name: str) -> str:
    """Schema properties carry the alias; the class declares the field name."""
    fields = getattr(cls, "model_fields", None)
    if isinstance(fields, dict):
        for name, info in fields.items():
            aliases = (getattr(info, "alias", None), getattr(info, "serialization_alias", None))
            validation = getattr(info, "validation_alias", None)
            if property_name == name or property_name in aliases or property_name == validation:
                return str(name)
    return property_name


def _own_annotations(klass: type) -> dict[str, Any]:
    try:
        return dict(inspect.get_annotations(klass))
    except Exception:
        return dict(klass.__dict__.get("__annotations__", {}))


@functools.lru_cache(maxsize=1024)
def _parsed_class(klass: type) -> tuple[str, int, ast.ClassDef] | None:
    """The class's file, first source line, and its parsed definition (None for classes without source)."""
    try:
        file = inspect.getsourcefile(klass)
        lines, start = inspect.getsourcelines(klass)
    except (OSError, TypeError):
        return None
    if file is None:
        return None
    try:
        tree = ast.parse(textwrap.dedent("".join(lines)))
    except SyntaxError:
        return None
    node = next((n for n in tree.body if isinstance(n, ast.ClassDef)), None)
    if node is None:
        return None
    # Line numbers in `node` count from `start`, the first line of the class's source (its first decorator).
    return os.fspath(file), start, node


def _function_location(function: Any) -> tuple[str, int, str] | None:
    target = inspect.unwrap(function)
    try:
        file = inspect.getsourcefile(target)
        lines, start = inspect.getsourcelines(target)
    except (OSError, TypeError):
        return None
    if file is None:
        return None
    # Land on the `def` line, below decorators such as @router.get(...).
    offset = next((i for i, line in enumerate(lines) if re.match(r"\s*(async\s+)?def\s", line)), 0)
    return os.fspath(file), start + offset, getattr(target, "__qualname__", getattr(target, "__name__", "?"))
