"""Import an application from `package.module:attribute` (as uvicorn does) and take the document it generates.

Anything with an `openapi()` method returning a mapping works (FastAPI, or a Starlette/Litestar wrapper);
every failure, including an exception raised by the application's own import, is one SpecreviewError line.
"""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path
from typing import Any

from specreview.document.model import Document
from specreview.errors import SpecreviewError

APP_FORMAT = "--app takes 'module:attribute', e.g. 'myservice.main:app'"


class AppError(SpecreviewError):
    """The application could not be imported, or it does not generate an OpenAPI document."""


def import_app(app_path: str, app_dir: str | Path | None = None) -> Any:
    """The object `app_path` names; `app_dir` (default: the working directory) is searched first."""
    module_name, sep, attribute = app_path.partition(":")
    if not sep or not module_name.strip() or not attribute.strip():
        raise AppError(APP_FORMAT)
    module_name, attribute = module_name.strip(), attribute.strip()
    directory = Path(app_dir) if app_dir is not None else Path.cwd()
    if not directory.is_dir():
        raise AppError(f"--app-dir {directory}: no such directory")
    _search_first(directory.resolve())
    module = _import(module_name)
    target: Any = module
    for part in attribute.split("."):
        try:
            target = getattr(target, part)
        except AttributeError:
            raise AppError(f"{app_path}: module {module_name!r} has no attribute {attribute!r}") from None
    return target


def _search_first(directory: Path) -> None:
    # Like uvicorn's --app-dir: the directory stays importable, since openapi() may import modules lazily.
    entry = str(directory)
    if entry not in sys.path:
        sys.path.insert(0, entry)


def _import(module_name: str) -> Any:
    try:
        return importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name and (module_name == exc.name or module_name.startswith(exc.name + ".")):
            raise AppError(f"cannot import {module_name!r}: no module named {exc.name!r} (see --app-dir)") from None
        raise AppError(f"importing {module_name!r} failed: {_one_line(exc)}") from None
    except SystemExit:
        raise AppError(f"importing {module_name!r} failed: the module called sys.exit()") from None
    except Exception as exc:  # the application's own import code: any exception is its failure, not ours
        raise AppError(f"importing {module_name!r} failed: {_one_line(exc)}") from None


def app_source_files(app_path: str) -> list[str]:
    """The source file of the module an imported `app_path` names (empty before its import, or for a module
    without a file): a report written over it would replace the application's code."""
    module = sys.modules.get(app_path.partition(":")[0].strip())
    source = getattr(module, "__file__", None)
    return [source] if isinstance(source, str) else []


def app_document(app: Any, app_path: str) -> Document:
    """The document `app.openapi()` generates, as plain JSON data (what `/openapi.json` would serve)."""
    openapi = getattr(app, "openapi", None)
    # Behind serve_redacted: review what the code generates, so the safety net does not hide what to fix.
    openapi = getattr(openapi, "__specreview_original__", openapi)
    if not callable(openapi):
        raise AppError(f"{app_path} is not an application with an openapi() method ({type(app).__name__})")
    try:
        generated = openapi()
    except Exception as exc:
        raise AppError(f"{app_path}: openapi() failed: {_one_line(exc)}") from None
    if not isinstance(generated, dict):
        raise AppError(f"{app_path}: openapi() returned {type(generated).__name__}, not a mapping")
    try:
        # Through JSON, as a server would send it: enums, datetimes and tuples become what a client sees.
        data = json.loads(json.dumps(generated, default=_jsonable))
    except (TypeError, ValueError) as exc:
        raise AppError(f"{app_path}: openapi() returned data that is not JSON ({_one_line(exc)})") from None
    if "openapi" not in data and "swagger" not in data:
        raise AppError(f"{app_path}: openapi() returned a mapping without an 'openapi' or 'swagger' version key")
    return Document(source=app_path, data=data, format="json")


def _jsonable(value: Any) -> Any:
    if hasattr(value, "model_dump"):  # a pydantic model left in the document (FastAPI normally dumps them)
        return value.model_dump(mode="json", by_alias=True, exclude_none=True)
    if hasattr(value, "value"):  # enum members
        return value.value
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    return str(value)


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0][:200]}" if text else type(exc).__name__
