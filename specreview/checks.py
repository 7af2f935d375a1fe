"""Structural checks on schema nodes that a rule's `match.check` names (values use detectors.py instead)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from specreview.document.pointer import Path, parse_pointer
from specreview.words import name_words, split_words

Check = Callable[[Any, Any, Mapping[str, Any]], str | None]  # (node, doc, options) -> reason or None
PlacedCheck = Callable[[Any, Any, Mapping[str, Any], Path], str | None]  # also told where the node is
CHECKS: dict[str, Check | PlacedCheck] = {}
PLACED: set[str] = set()  # the checks that take the node's path
# Checks that can only pass on a node holding one of some `x-` extensions set to true, by the rule's options: the
# engine skips the rule when the document has none (its key index tells without a look at any node).
FLAG_CHECKS: dict[str, Callable[[Mapping[str, Any]], tuple[str, ...]]] = {}


def check(name: str, flags: Callable[[Mapping[str, Any]], tuple[str, ...]] | None = None) -> Callable[[Check], Check]:
    def register(func: Check) -> Check:
        CHECKS[name] = func
        if flags is not None:
            FLAG_CHECKS[name] = flags
        return func

    return register


def placed_check(name: str) -> Callable[[PlacedCheck], PlacedCheck]:
    """A check that also needs to know where the node is (a property's examples live in its parent schema)."""

    def register(func: PlacedCheck) -> PlacedCheck:
        CHECKS[name] = func
        PLACED.add(name)
        return func

    return register


def run_check(name: str, node: Any, doc: Any, options: Mapping[str, Any], path: Path) -> str | None:
    func = CHECKS[name]
    if name in PLACED:
        return func(node, doc, options, path)  # type: ignore[call-arg]
    return func(node, doc, options)  # type: ignore[call-arg]


def _deref(doc: Any, schema: Any) -> tuple[Any, bool]:
    """Follow a local `$ref` once; the flag says whether it was a reference (a named type)."""
    ref = schema.get("$ref") if isinstance(schema, dict) else None
    if not isinstance(ref, str) or not ref.startswith("#"):
        return schema, False
    node = doc
    try:
        for token in parse_pointer(ref):
            node = node[int(token)] if isinstance(node, list) else node[token]
    except (KeyError, IndexError, ValueError, TypeError):
        return None, True
    return node, True


def descriptions(node: Any, doc: Any) -> list[str]:
    """The descriptions a schema node carries: its own, and that of the schema its `$ref` names."""
    found = [node.get("description")] if isinstance(node, dict) else []
    target, referenced = _deref(doc, node)
    if referenced and isinstance(target, dict):
        found.append(target.get("description"))
    return [text for text in found if isinstance(text, str)]


def unbounded_reason(schema: Any, doc: Any, options: Mapping[str, Any], depth: int = 0) -> str | None:
    """Why an input schema accepts unbounded data, or None when it is bounded.

    A `$ref` to an object is a named type whose own properties are checked where they are defined;
    compositions are unbounded when any branch is.
    """
    if not isinstance(schema, dict) or depth > 8:
        return None
    target, was_ref = _deref(doc, schema)
    if was_ref:
        if not isinstance(target, dict) or target.get("type") == "object" or "properties" in target:
            return None
        return unbounded_reason(target, doc, options, depth + 1)
    if "enum" in schema or "const" in schema:
        return None
    for key in ("anyOf", "oneOf"):
        branches = schema.get(key)
        if isinstance(branches, list):
            for branch in branches:
                reason = unbounded_reason(branch, doc, options, depth + 1)
                if reason:
                    return reason
            return None
    kind = schema.get("type")
    if isinstance(kind, list):
        kinds = [k for k in kind if k != "null"]
        kind = kinds[0] if len(kinds) == 1 else None
    if kind == "string":
        if any(k in schema for k in ("maxLength", "pattern")):
            return None
        if schema.get("format") in options.get("bounded_formats", ()):
            return None
        return "string without maxLength, pattern, enum or a bounded format"
    if kind in ("integer", "number"):
        if any(k in schema for k in ("maximum", "exclusiveMaximum")):
            return None
        return f"{kind} without maximum"
    if kind == "array":
        if "maxItems" not in schema:
            return "array without maxItems"
        return unbounded_reason(schema.get("items"), doc, options, depth + 1)
    values = schema.get("additionalProperties")
    # `dict[str, Any]` is `additionalProperties: true`; `dict[str, str]` a schema for the values.
    if kind == "object" and (isinstance(values, dict) or values is True) and "properties" not in schema:
        if "maxProperties" not in schema:
            return "map without maxProperties"
    return None


@check("unbounded-input")
def check_unbounded(node: Any, doc: Any, options: Mapping[str, Any]) -> str | None:
    """A property schema, or a parameter (whose bounds sit on its `schema`, or on itself in Swagger 2.0)."""
    if isinstance(node, dict) and "in" in node and "name" in node:
        if node.get("in") == "body":
            # Swagger 2.0 body: an object's properties are checked as schema properties, so this only finds a
            # body that is a map, a string or an array as a whole.
            return unbounded_reason(node.get("schema"), doc, options)
        schema = node.get("schema", node)
        return unbounded_reason(schema, doc, options)
    return unbounded_reason(node, doc, options)


@check("flag", flags=lambda options: tuple(options.get("flags", ())))
def check_flag(node: Any, doc: Any, options: Mapping[str, Any]) -> str | None:
    """A vendor-extension flag set to true on the node, such as `x-internal: true`."""
    if isinstance(node, dict):
        for name in options.get("flags", ()):
            if node.get(name) is True:
                return f"marked {name}: true"
    return None


_NOT_TEXT = frozenset({"boolean", "integer", "number", "null"})


def _type_names(value: Any) -> list[str]:
    """A schema's `type` as a list of names; a malformed one (a number, a mapping) says nothing ([]), and a
    non-string entry in a list is unknown ("?"), so neither is mistaken for a type that cannot hold text."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v if isinstance(v, str) else "?" for v in value]
    return []


@check("can-hold-text")
def check_can_hold_text(node: Any, doc: Any, options: Mapping[str, Any], depth: int = 0) -> str | None:
    """A property that can carry a string (or a structure of them): a boolean `has_secret` cannot leak one, nor
    can a field restricted to an enum or const (a permission's `secrets: read | write`): its every value is
    already printed in the document. `allOf` narrows: one branch that holds no text (AWS's
    `Rfc4180: allOf [$ref BooleanOptional, {description}]`) is enough."""
    schema, _ = _deref(doc, node)
    if not isinstance(schema, dict):
        return "untyped"
    if "const" in schema or (isinstance(schema.get("enum"), list) and schema["enum"]):
        return None
    all_of = schema.get("allOf")
    if isinstance(all_of, list) and depth < 8:
        for branch in all_of:
            if isinstance(branch, dict) and branch and check_can_hold_text(branch, doc, options, depth + 1) is None:
                return None
    kinds = _type_names(schema.get("type"))
    if kinds == ["array"] and isinstance(schema.get("items"), dict) and depth < 8:
        # Vercel's `permissions.secret: [ACLAction]`: a list of choices holds no more text than one choice
        return check_can_hold_text(schema["items"], doc, options, depth + 1)
    branches = _alternatives(schema)
    if not kinds and branches:
        kinds = [k for b in branches for k in _type_names(b.get("type")) or ["?"]]
    if kinds and all(k in _NOT_TEXT for k in kinds):
        return None
    return "may hold text"


# What a schema may say besides its type and still mean "or null" (FastAPI's `Optional[Model]` is
# `anyOf: [{$ref: Model}, {type: null}]`; OpenAPI 3.0 writes `{type: object, nullable: true}`).
_NULL_BRANCH_KEYS = frozenset({"type", "nullable", "description", "title"})


def _alternatives(schema: dict[str, Any]) -> list[dict[str, Any]]:
    """The `anyOf` and `oneOf` branches of a schema that are schemas (a document may hold anything there)."""
    return [
        b for key in ("anyOf", "oneOf") if isinstance(schema.get(key), list) for b in schema[key] if isinstance(b, dict)
    ]


def _is_null_branch(schema: Any) -> bool:
    return (
        isinstance(schema, dict)
        and set(schema) <= _NULL_BRANCH_KEYS
        and (schema.get("nullable") is True or schema.get("type") == "null")
    )


def structure_fields(schema: Any, doc: Any, depth: int = 0) -> dict[str, Any] | None:
    """The declared fields of a structured value: an object with `properties`, an array of them, or a
    composition of them (`allOf` merged; every non-null `anyOf`/`oneOf` branch a structure). None when the value
    may be a scalar, an opaque object or a map, which hold their value without naming it."""
    schema, _ = _deref(doc, schema)
    if not isinstance(schema, dict) or depth > 8:
        return None
    if "$ref" in schema:  # a reference to a reference
        return structure_fields(schema, doc, depth + 1)
    if "items" in schema:
        return structure_fields(schema["items"], doc, depth + 1)
    if isinstance(schema.get("additionalProperties"), dict) or schema.get("additionalProperties") is True:
        return None  # map values are anonymous: the map's own name is all that says what they are
    fields: dict[str, Any] = {}
    if isinstance(schema.get("properties"), dict):
        fields.update(schema["properties"])
    for branch in schema.get("allOf") if isinstance(schema.get("allOf"), list) else ():
        fields.update(structure_fields(branch, doc, depth + 1) or {})
    for key in ("anyOf", "oneOf"):
        branches = schema.get(key)
        for branch in branches if isinstance(branches, list) else ():
            if _is_null_branch(branch):
                continue
            sub = structure_fields(branch, doc, depth + 1)
            if sub is None:
                return None  # one branch holds a value directly
            fields.update(sub)
    return fields or None


@check("holds-value")
def check_holds_value(node: Any, doc: Any, options: Mapping[str, Any]) -> str | None:
    """A property that holds its value itself, rather than a structure whose fields each say what they hold.

    `credentials: oneOf [S3Credentials, GcsCredentials]`, `imagePullSecrets: [{name}]` and
    `MasterUserSecret: {SecretArn, KmsKeyId}` describe secrets: the secret, if any, is one of their fields, judged
    and reported by its own name. A structure still counts when a field is named only by `options.value_fields`
    (`api_keys: [{id, key}]`, `{isEncrypted, value}`): such a field takes its meaning from the property holding
    the structure, so that property is the place to report.
    """
    if check_can_hold_text(node, doc, options) is None:
        return None
    fields = structure_fields(node, doc)
    if fields is None:
        return "may hold text"
    value_words = frozenset(options.get("value_fields", ()))
    for name, field in fields.items():
        words = split_words(str(name))
        if words and value_words.issuperset(words) and check_can_hold_text(field, doc, options) is not None:
            if structure_fields(field, doc) is None:
                return f"a structure whose '{name}' holds the value"
    return None


# `booking/service.py:418`, `File "app/db.py", line 88`, `at Main.java:42`: a source file and line.
_SOURCE_LOCATION = re.compile(
    r"\b[\w./\\-]+\.(?:py|pyx|js|mjs|cjs|ts|tsx|java|kt|scala|go|rb|php|cs|rs|c|cc|cpp|h|swift|ex|exs|erl)"
    r"(?:\"?, line \d+|:\d+)\b"
)


@check("shows-source-location")
def check_shows_source_location(node: Any, doc: Any, options: Mapping[str, Any]) -> str | None:
    """A property whose examples, default or description show a source file and line: whatever its name
    (`origin`, `where`, `at`), it tells callers where the code is."""
    schema, _ = _deref(doc, node)
    if not isinstance(schema, dict):
        return None
    for branch in [schema, *_alternatives(schema)]:
        texts: list[Any] = [branch.get("description"), branch.get("example"), branch.get("default")]
        if isinstance(branch.get("examples"), list):
            texts.extend(branch["examples"])
        if any(isinstance(t, str) and _SOURCE_LOCATION.search(t) for t in texts):
            return "shows a source file and line"
    return None


@placed_check("documents-credential-url")
def check_documents_credential_url(node: Any, doc: Any, options: Mapping[str, Any], path: Path) -> str | None:
    """A property named for a URL or a connection string (its last word is one of `options.heads`) whose
    documented values (its own example, examples and default, and its value in the examples of the schema that
    holds it) match one of `options.patterns`, or whose description says it holds a password: a `broker_uri`
    shown as `mqtt://user:pw@host` stores credentials. A property named for something else (a `repository`
    shown as a clone URL with a token) stores that thing: only its example leaks, and the example rules say so."""
    from specreview.detectors import is_placeholder

    words = name_words(str(path[-1])) if path else ()
    if not words or words[-1] not in options.get("heads", ()):  # a name may have no words
        return None
    patterns = options.get("patterns", ())
    for value in _documented_values(node, doc, path):
        for pattern in patterns:
            found = pattern["regex"].search(value)
            if found is not None and not is_placeholder(found.group(0)):
                return f"its example is a {pattern['name']}"
    # `Connection URI (including AUTH password)`; a `password_policy` described as "includes password rules" is
    # no URL.
    described = options.get("_described")
    if described is not None:
        schema, _ = _deref(doc, node)
        texts = [schema.get("description")] if isinstance(schema, dict) else []
        if any(isinstance(text, str) and described.search(text) for text in texts):
            return "its description says it holds a password"
    return None


def _documented_values(node: Any, doc: Any, path: Path) -> Iterator[str]:
    return _strings([value for _, value in documented_values(node, doc, path)])


def documented_values(node: Any, doc: Any, path: Path) -> Iterator[tuple[Path | None, Any]]:
    """The values a schema property at `path` is documented with, each with where it is: its own `example`,
    `default` and `examples` (and those of its `anyOf`/`oneOf` branches), and its member of the examples of the
    schema holding it (`.../S/example/p`, `.../S/examples/0/p`). A value in a schema the property only points at
    (`$ref`) has no place of its own here: None."""
    schema, referenced = _deref(doc, node)
    if isinstance(schema, dict):
        base = None if referenced else path
        branches = [(base, schema)]
        for key in ("anyOf", "oneOf"):
            listed = schema.get(key)
            for i, branch in enumerate(listed if isinstance(listed, list) else ()):
                if isinstance(branch, dict):
                    branches.append((None if base is None else (*base, key, i), branch))
        for at, branch in branches:
            for key in ("example", "default"):
                if key in branch:
                    yield (None if at is None else (*at, key)), branch[key]
            examples = branch.get("examples")
            for i, item in enumerate(examples if isinstance(examples, list) else ()):
                yield (None if at is None else (*at, "examples", i)), item
    if len(path) < 2 or path[-2] != "properties":
        return
    holder = _schema_holding(doc, path)
    if holder is None:
        return
    holder_path, name = path[:-2], path[-1]
    single = holder.get("example")
    if isinstance(single, dict) and name in single:
        yield (*holder_path, "example", name), single[name]
    many = holder.get("examples")
    for i, item in enumerate(many if isinstance(many, list) else ()):
        if isinstance(item, dict) and name in item:
            yield (*holder_path, "examples", i, name), item[name]


def _strings(values: list[Any]) -> Iterator[str]:
    for value in values:
        if isinstance(value, str):
            yield value
        elif isinstance(value, list):
            yield from (v for v in value if isinstance(v, str))


@placed_check("in-named-structure")
def check_in_named_structure(node: Any, doc: Any, options: Mapping[str, Any], path: Path) -> str | None:
    """A property named only for what it is (`number`, `value`) of a schema whose name says what that is:
    `CardSnapshot.number` beside an expiry is a card number, `IdentityDocument.documentNumber` an id number,
    `PipelineSecretOut.value` a secret. The schema's name (or title) needs one of `options.holder_words` and none
    of `not_holder_words`; the property's words must all be `own_words`; with `sibling_words`, another property
    of the schema must have one of them (a gift card has a number too, but no expiry or CVC)."""
    # A named schema only (`components/schemas/X`, Swagger's `definitions/X`): an inline object's meaning is its
    # property's name, which the rules judge themselves (`passport: {number, country}` is the passport).
    if len(path) < 4 or path[-2] != "properties" or path[-4] not in ("schemas", "definitions"):
        return None
    if not set(split_words(str(path[-1]))) <= set(options.get("own_words", ())):
        return None  # `cardNumber` is named for what it is already; `eventNumber` is something else
    if check_can_hold_text(node, doc, options) is None or structure_fields(node, doc) is not None:
        return None  # Azure's `{value: [Credential]}` list: each item's fields say what they hold
    holder = _schema_holding(doc, path)
    if holder is None or not isinstance(holder.get("properties"), dict):
        return None
    named = {word for name in (str(path[-3]), str(holder.get("title") or "")) for word in split_words(name)}
    if not named & set(options.get("holder_words", ())) or named & set(options.get("not_holder_words", ())):
        return None
    wanted = set(options.get("sibling_words", ()))
    if wanted:
        siblings = {word for other in holder["properties"] if other != path[-1] for word in split_words(str(other))}
        if not siblings & wanted:
            return None
    return f"in {path[-3]}"


def _schema_holding(doc: Any, path: Path) -> dict[str, Any] | None:
    """The schema whose `properties` hold the property at `path` (`.../S/properties/p` -> S), if it is a mapping."""
    holder: Any = doc
    for token in path[:-2]:
        holder = holder[token] if isinstance(holder, (dict, list)) else None
    return holder if isinstance(holder, dict) else None


@placed_check("beside-identity-document-kind")
def check_beside_identity_document_kind(node: Any, doc: Any, options: Mapping[str, Any], path: Path) -> str | None:
    """A property named only for a number (`document_number`, `number`) beside a `type` or `kind` whose enum lists
    identity documents (`passport`, `national_id`, `driving_licence`): the number of that document, whatever the
    schema is called (`IdVerificationRecord`, `KycDocument`). `options.document_kinds` are the word combinations
    an enum value must have one of."""
    if len(path) < 2 or path[-2] != "properties":
        return None
    if not set(split_words(str(path[-1]))) <= set(options.get("own_words", ())):
        return None
    if check_can_hold_text(node, doc, options) is None:
        return None
    holder = _schema_holding(doc, path)
    properties = holder.get("properties") if holder is not None else None
    if not isinstance(properties, dict):
        return None
    kinds = [{combo} if isinstance(combo, str) else set(combo) for combo in options.get("document_kinds", ())]
    for name, sibling in properties.items():
        words = split_words(str(name))
        if name == path[-1] or not words or words[-1] not in ("type", "kind"):
            continue
        for value in _enum_values(doc, sibling):
            value_words = set(split_words(value))
            if any(combo <= value_words for combo in kinds):
                return f"beside {name} {value!r}"
    return None


def _enum_values(doc: Any, schema: Any, depth: int = 0) -> Iterator[str]:
    """The string values an enum schema allows, through `$ref`s and `anyOf`/`oneOf` (an optional `DocumentType`)."""
    resolved, _ = _deref(doc, schema)
    if not isinstance(resolved, dict) or depth > 4:
        return
    enum = resolved.get("enum")
    if isinstance(enum, list):
        yield from (value for value in enum if isinstance(value, str))
    for branch in _alternatives(resolved):
        yield from _enum_values(doc, branch, depth + 1)
