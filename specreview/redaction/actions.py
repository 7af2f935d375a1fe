"""What the engine asks the redactor to do (`Action`), and what the redactor reports it did (`Change`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

ActionKind = Literal["remove", "mask"]

ChangeKind = Literal[
    "remove",  # an Action's node was deleted
    "mask",  # spans inside an Action's string were replaced by MASK
    "remove-required",  # a removed property's name left its schema's `required`
    "remove-ref",  # a reference to removed things was deleted (or what held it, up to the nearest removable node)
    "rewrite-ref",  # a reference into a list whose earlier items were removed now names the same node's new index
    "remove-mapping",  # a discriminator mapping entry to a removed schema
    "remove-empty",  # a container emptied by the redaction (or an operation left without responses, ...)
    "prune-unused",  # a component used before the redaction and no longer used after it
    "remove-security",  # a security requirement entry naming a removed security scheme
    "remove-tag",  # a top-level tag no operation uses any more
    "drop-extension",  # an `x-...` key named in `drop_extensions`
]

CHANGE_KINDS: tuple[str, ...] = get_args(ChangeKind)

MASK = "[REDACTED]"

# The `rule` of changes with no single originating action.
REPAIR_RULE = "redaction-integrity"
DROP_EXTENSION_RULE = "drop-extensions"


@dataclass(frozen=True)
class Action:
    """Remove the node at `pointer` (a dict member or a list item), or mask `spans` in the string there.

    `pointer` is an RFC 6901 pointer into the document as loaded (before redaction).
    """

    pointer: str
    kind: ActionKind
    rule: str
    spans: tuple[str, ...] = ()


@dataclass(frozen=True)
class Change:
    """One change made to the document. `pointer` points into the input document; never carries a value."""

    pointer: str
    action: str  # a ChangeKind
    rule: str
