#!/usr/bin/env python3
"""Regenerate the sample OpenAPI documents from the FastAPI apps beside this file.

    python samples/regenerate.py            # rewrite samples/<name>.openapi.json (+ YAML copies)
    python samples/regenerate.py --check    # exit 1 if a committed document is stale

For every ``samples/<name>_app.py`` the module-level ``app`` is imported and
``json.dumps(app.openapi(), indent=2)`` plus a newline is written to
``samples/<name>.openapi.json``.  The apps listed in ``YAML_COPIES`` also get a
``<name>.openapi.yaml`` written with ``yaml.safe_dump(sort_keys=False)`` so that
YAML input is exercised with the very same content.

Works from any working directory; needs fastapi and pydantic 2 (pyyaml for the YAML copies).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import logging
import sys
from pathlib import Path
from types import ModuleType

HERE = Path(__file__).resolve().parent
YAML_COPIES = ("userauth",)


def load_app_module(path: Path) -> ModuleType:
    """Import ``path`` as a fresh module (no package, no relative imports)."""
    name = f"_specreview_sample_{path.stem}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot import {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    finally:
        sys.modules.pop(name, None)
    return module


def render(path: Path) -> dict[str, str]:
    """Return {output file name: text} for one ``<name>_app.py``."""
    name = path.stem[: -len("_app")]
    document = load_app_module(path).app.openapi()
    out = {f"{name}.openapi.json": json.dumps(document, indent=2) + "\n"}
    if name in YAML_COPIES:
        import yaml

        out[f"{name}.openapi.yaml"] = yaml.safe_dump(document, sort_keys=False)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="compare instead of writing; exit 1 on any difference")
    args = parser.parse_args(argv)

    # FastAPI warns that email-validator is missing when it validates info.contact; irrelevant here.
    logging.getLogger("fastapi").setLevel(logging.ERROR)
    apps = sorted(HERE.glob("*_app.py"))
    if not apps:
        print(f"no *_app.py in {HERE}", file=sys.stderr)
        return 2
    stale: list[str] = []
    for app_path in apps:
        for file_name, text in render(app_path).items():
            target = HERE / file_name
            if args.check:
                current = target.read_text(encoding="utf-8") if target.exists() else None
                if current != text:
                    stale.append(file_name)
                    print(f"stale: samples/{file_name} (run: python samples/regenerate.py)", file=sys.stderr)
            else:
                target.write_text(text, encoding="utf-8")
                print(f"wrote samples/{file_name}")
    if args.check:
        if stale:
            return 1
        print("samples are up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
