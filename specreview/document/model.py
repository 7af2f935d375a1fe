"""A loaded document: the parsed data plus what is needed to point back into its source text."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, Protocol

if TYPE_CHECKING:
    from specreview.document.key_index import KeyIndex

Format = Literal["json", "yaml"]


class _Locating(Protocol):
    def locate(self, pointer: str) -> tuple[int, int] | None: ...

    def locate_many(self, pointers: Iterable[str]) -> dict[str, tuple[int, int]]: ...

    def locate_paths(self, paths: Iterable[tuple[str | int, ...]]) -> dict[tuple[str | int, ...], tuple[int, int]]: ...


@dataclass
class Document:
    """One OpenAPI document as loaded, before any `$ref` is followed.

    `data` is plain dicts/lists/scalars with string keys, in source key order.
    `locate` maps a JSON pointer to (line, column), 1-based, or None when unknown.
    """

    source: str
    data: dict[str, Any]
    format: Format
    text: str = ""
    path: str | None = None  # filesystem path when loaded from a file
    warnings: list[str] = field(default_factory=list)
    _locator: _Locating | None = field(default=None, repr=False)
    # The key index built while loading `data` (key_index.py), so a review need not walk it again; None when
    # there is none. Whatever changes `data` after loading must set it to None.
    key_index: KeyIndex | None = field(default=None, repr=False, compare=False)
    # Whether `data` may hold a number that is not finite (NaN, infinity): true unless it was parsed from JSON
    # text that wrote none. The fast JSON writer writes those as null, so it is only used when this is false.
    non_finite: bool = field(default=True, repr=False, compare=False)

    @property
    def version(self) -> str:
        """The declared version: "3.1.0", "3.0.3", "2.0"."""
        return str(self.data.get("openapi") or self.data.get("swagger") or "")

    @property
    def is_swagger2(self) -> bool:
        return "swagger" in self.data and "openapi" not in self.data

    @property
    def title(self) -> str:
        info = self.data.get("info")
        return str(info.get("title", "")) if isinstance(info, dict) else ""

    def locate(self, pointer: str) -> tuple[int, int] | None:
        if self._locator is None:
            return None
        return self._locator.locate(pointer)

    def locate_many(self, pointers: Iterable[str]) -> dict[str, tuple[int, int]]:
        """Positions of the pointers that are in the document. One pass over a JSON text for the whole batch,
        so a report with thousands of findings does not rescan the text per finding."""
        if self._locator is None:
            return {}
        return self._locator.locate_many(pointers)

    def locate_paths(self, paths: Iterable[tuple[str | int, ...]]) -> dict[tuple[str | int, ...], tuple[int, int]]:
        """Like `locate_many`, for paths of reference tokens (what the engine holds): nothing to parse."""
        if self._locator is None:
            return {}
        return self._locator.locate_paths(paths)
