"""Value detectors: named functions a rule's `match.detect` refers to (Spectral calls these "functions").

Each detector takes the string to test, the context of the node (the field name that holds the value, and
sibling values) and the rule's `options`, and yields `Hit`s: what kind of thing was found and the exact
substring (so redaction can mask it inside longer text). Hits never leave the process except masked.
Regex-only credential formats live in rule YAML (`options.patterns`), not here; only what needs logic
(checksums, address ranges, reserved domains, placeholders) is code.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from specreview.regex_literals import literal_filter
from specreview.string_scan import StringScan, whole_pattern
from specreview.words import name_words, split_words


@dataclass(frozen=True)
class Hit:
    kind: str
    span: str  # the matched substring; never printed


@dataclass(frozen=True)
class ValueContext:
    """What a detector may know about a value besides the value."""

    field: str = ""  # the property/parameter name holding the value ("" if unknown)
    siblings: Mapping[str, Any] | None = None  # the example object the value sits in, if any
    in_text: bool = False  # the value is prose (description/summary), not a literal example value


Detector = Callable[[str, ValueContext, Mapping[str, Any]], Iterator[Hit]]
DETECTORS: dict[str, Detector] = {}
# Detectors whose answer depends on the field name, so the engine must work it out for them.
FIELD_DETECTORS = frozenset({"secret-field-value", "phone", "card-number", "card-security-code", "government-id"})


@dataclass(frozen=True)
class Gate:
    """What a string must have for a detector to find anything in it: a cheap necessary condition, checked for all
    of a document's strings at once (string_scan.py), so that a detector runs only on the few that may hold
    something.

    A detector can hit a string only if the string contains one of `literals`, or its casefold one of
    `folded_literals`, or `pattern` matches in it, or `folded_pattern` in its casefold, or `whole` matches all of
    it, or (for a value that is not prose) the name of its field passes `field`. A part left out admits nothing."""

    literals: frozenset[str] = frozenset()
    folded_literals: frozenset[str] = frozenset()
    pattern: str = ""
    folded_pattern: str = ""
    whole: str = ""
    field: Callable[[str], bool] | None = None


GateFactory = Callable[[Mapping[str, Any]], Gate]
# How to gate each detector, from the rule's options. A detector without one is run on every string.
GATES: dict[str, GateFactory] = {}


def detector(name: str, gate: GateFactory | None = None) -> Callable[[Detector], Detector]:
    def register(func: Detector) -> Detector:
        DETECTORS[name] = func
        if gate is not None:
            GATES[name] = gate
        return func

    return register


class RuleGate:
    """The gates of a rule's detectors together: a string passes when any detector's gate lets it through."""

    def __init__(self, gates: list[Gate]) -> None:
        self.literals = frozenset().union(*(g.literals for g in gates))
        self.folded_literals = frozenset().union(*(g.folded_literals for g in gates))
        self.pattern = _union(g.pattern for g in gates)
        self.folded_pattern = _union(g.folded_pattern for g in gates)
        wholes = _union(g.whole for g in gates)
        self.whole = whole_pattern(wholes.pattern) if wholes is not None else None
        self._fields = [g.field for g in gates if g.field is not None]
        self._field_verdicts: dict[str, bool] = {}  # a document repeats its field names

    def admitted(self, scan: StringScan) -> set[int]:
        """The indexes of the strings of `scan` that some detector may hit whatever their field."""
        return scan.matching(
            literals=self.literals,
            folded_literals=self.folded_literals,
            pattern=self.pattern,
            folded_pattern=self.folded_pattern,
            whole=self.whole,
        )

    def admits_field(self, field: str) -> bool:
        """Whether a literal value in a field of this name may be hit for its field alone."""
        if not field or not self._fields:
            return False
        verdict = self._field_verdicts.get(field)
        if verdict is None:
            verdict = self._field_verdicts[field] = any(check(field) for check in self._fields)
        return verdict


def rule_gate(detect: tuple[str, ...], options: Mapping[str, Any]) -> RuleGate | None:
    """The gate of a rule that runs `detect`; None when one of them has no gate (every string is judged)."""
    if not detect or any(name not in GATES for name in detect):
        return None
    return RuleGate([GATES[name](options) for name in detect])


def _union(patterns: Iterator[str]) -> re.Pattern[str] | None:
    parts = [f"(?:{p})" for p in dict.fromkeys(patterns) if p]
    return re.compile("|".join(parts)) if parts else None


def _fixed(**parts: Any) -> GateFactory:
    """A gate that does not depend on the rule's options."""
    gate = Gate(**parts)
    return lambda _options: gate


# --------------------------------------------------------------------------- placeholders

_PLACEHOLDER_WORDS = (
    "example",
    "placeholder",
    "redacted",
    "your-",
    "your_",
    "yourpassword",
    "changeit",
    "dummy",
    "sample",
    "xxxx",
    "<",
    "{{",
    "${",
    "...",
    "…",
    "fake",
    "test_",
    "lorem",
    "replace",
    "***",  # partly masked: `1****6`, `sk_live_****4242`
    "•••",
)
_MASK = re.compile(r"^[\s*xX•#._-]*$|^(.)\1{5,}$")
_TYPE_NAMES = {
    "string",
    "strings",
    "str",
    "password",
    "secret",
    "token",
    "null",
    "none",
    "true",
    "false",
    "bearer",
    "n/a",
    "tbd",
    "pwd",
    "passwd",
    "pass",
    "apikey",
    "api_key",
    "key",
}


def _one_character(text: str) -> bool:
    """`00000000-0000-0000-0000-000000000000`, `0000 0000`: one character repeated between separators."""
    return len(text) >= 6 and len(set(re.sub(r"[\s._:/-]", "", text))) == 1


def is_placeholder(value: str) -> bool:
    """`<jwt>`, `********`, `XXX-XX-XXXX`, `string`, `your-api-key`, anything saying example/placeholder/redacted."""
    text = value.strip().strip("\"'").strip()  # `"********"`, quotes and all
    low = text.lower()
    if not text or low in _TYPE_NAMES or _MASK.match(text) or _one_character(text):
        return True
    if any(word in low for word in _PLACEHOLDER_WORDS):
        return True
    if text[0] in "[(" and text[-1] in "])":  # "[authentication secret]"
        return True
    if re.fullmatch(r"\{[\w.-]+\}", text):  # "{password}", a template's slot
        return True
    return bool(re.fullmatch(r"[A-Z_]{4,}", text))  # an environment variable name such as STRIPE_KEY


# --------------------------------------------------------------------------- credentials


def _pattern_gate(options: Mapping[str, Any]) -> Gate:
    """The patterns' fixed markers (regex_literals.py); no gate when one pattern has none."""
    prefilter = options.get("_prefilter")
    if prefilter is None or None in prefilter.gates:
        return Gate(pattern=r"[\s\S]")  # any string at all (the empty one holds no credential)
    gates = [gate for gate in prefilter.gates if gate is not None]
    return Gate(
        literals=frozenset(s for literals, folded in gates if not folded for s in literals),
        folded_literals=frozenset(s for literals, folded in gates if folded for s in literals),
    )


@detector("pattern", gate=_pattern_gate)
def detect_patterns(value: str, ctx: ValueContext, options: Mapping[str, Any]) -> Iterator[Hit]:
    """Credential formats from the rule's `options.patterns` (compiled by the rule loader)."""
    # A pattern runs only on a string that holds one of its fixed markers (`AKIA`, `eyJ`, `://`, `password`):
    # one C-level search over all of them rejects almost every string (regex_literals.py).
    patterns = options.get("patterns", ())
    prefilter = options.get("_prefilter")
    for index in prefilter.patterns_for(value) if prefilter is not None else range(len(patterns)):
        pattern = patterns[index]
        # A pattern with a `value` group reports that part: the credential, not the words that introduce it.
        group = "value" if "value" in pattern["regex"].groupindex else 0
        for match in pattern["regex"].finditer(value):
            span = match.group(group)
            if not is_placeholder(span):
                yield Hit(pattern["name"], span)


_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)


def _looks_random(value: str) -> bool:
    """A token-like string: long, no spaces, mixing letters and digits, not a URL (`…/emoji/1f36a.png`) and not a
    UUID (an id, not a secret)."""
    return (
        len(value) >= 16
        and " " not in value
        and "://" not in value
        and any(c.isdigit() for c in value)
        and any(c.isalpha() for c in value)
        and not _UUID.match(value)
    )


_TOKEN_RUN = re.compile(r"[A-Za-z0-9._~+/=;:-]{32,}")


def _random_run(value: str) -> bool:
    """A token written with a scheme or prefix before it (`XBL3.0 x=2535…;eyJlbmMi…`): some run of 32 or more
    token characters in it looks random."""
    return any(_looks_random(run) for run in _TOKEN_RUN.findall(value))


_PLAIN_URL = re.compile(r"^https?://[^\s:@/?#]+(?:/[^\s?#@]*)?(?:\?[\w.-]{0,12})?$")  # no userinfo, no long query

# `/subscriptions/…/credentials/cred0`, `/v1/secrets/db-password`: where a secret is kept, named by its path.
_RESOURCE_PATH = re.compile(r"(?:/[\w.~%@-]+){3,}/?")


def _secret_head(words: tuple[str, ...], options: Mapping[str, Any]) -> bool:
    """Whether a field with these name words can hold a secret by the options' words: its last word names one,
    alone or with a qualifier, and no word rules it out."""
    if not words or words[-1] in options.get("not_head", ()) or set(words) & set(options.get("never", ())):
        return False
    head = words[-1]
    return (
        head in options.get("strong", ())
        or head in options.get("qualified", {})
        or head in options.get("weak", ())
        or head in options.get("value_shapes", {})
        or head in options.get("key_words", ())
    )


def _secret_field_gate(options: Mapping[str, Any]) -> Gate:
    return Gate(field=lambda field: _secret_head(name_words(field), options))


@detector("secret-field-value", gate=_secret_field_gate)
def detect_secret_field_value(value: str, ctx: ValueContext, options: Mapping[str, Any]) -> Iterator[Hit]:
    """Any non-placeholder value of a field whose name says it holds a password, secret, token or key.

    `options.strong` words (password, secret…) flag any value; `options.weak` words (token) only flag values
    that look random; `options.key_words` (key) also need a qualifier such as `api` or `private`, because a
    `key` field more often holds a setting name, a period or a stream id.
    """
    if ctx.in_text or not ctx.field or is_placeholder(value) or _RESOURCE_PATH.fullmatch(value):
        return
    if _PLAIN_URL.match(value) and not any(_looks_random(part) for part in value.split("/")[3:]):
        return  # GitHub's `secret` emoji is an image URL; a webhook URL's token segment is still a secret
    words = name_words(ctx.field)
    if not _secret_head(words, options):
        return
    head = words[-1]
    qualifiers = options.get("qualified", {}).get(head)
    if head in options.get("strong", ()) or (qualifiers and set(words[:-1]) & set(qualifiers)):
        yield Hit(f"{head} value", value)
    elif head in options.get("weak", ()) and (_looks_random(value) or _random_run(value)):
        yield Hit(f"{head} value", value)
    elif head in options.get("value_shapes", {}) and re.fullmatch(options["value_shapes"][head], value.strip()):
        yield Hit(f"{head} value", value)  # a bare `pin` of four digits: a PIN, not a postal code
    elif (
        head in options.get("key_words", ())
        and set(words) & set(options.get("key_qualifiers", ()))
        and _looks_random(value)
    ):
        yield Hit(f"{head} value", value)


# --------------------------------------------------------------------------- personal data

# Not after `:` or `/` (`sip:user@host` and `https://user@host` are URIs, not mailboxes) unless after `mailto:`;
# not before `:path` either: `git@github.com:octocat/Hello-World.git` is an SSH location (scp syntax).
_EMAIL = re.compile(
    r"(?:(?<=mailto:)|(?<![\w.+:/-]))([A-Za-z0-9._%+-]{1,64})@((?:[A-Za-z0-9-]{1,63}\.)+[A-Za-z]{2,24})\b(?!:[\w~/.-])"
)


def is_reserved_domain(domain: str, reserved: Mapping[str, Any]) -> bool:
    domain = domain.lower().rstrip(".")
    if domain in reserved.get("reserved_domains", ()):
        return True
    return any(domain == s[1:] or domain.endswith(s) for s in reserved.get("reserved_suffixes", ()))


# What comes after the last dot of a file name, never of a mail domain.
_FILE_EXTENSIONS = frozenset(
    "png jpg jpeg gif svg webp ico bmp tif tiff pdf json js mjs css html htm txt zip gz tar xml yaml yml csv mp3 mp4"
    " mov wav woff woff2 ttf md".split()
)


@detector("email", gate=_fixed(literals=frozenset("@")))
def detect_email(value: str, ctx: ValueContext, options: Mapping[str, Any]) -> Iterator[Hit]:
    """E-mail addresses at a real-looking domain; reserved domains and role mailboxes are fine."""
    if "@" not in value:
        return
    for match in _EMAIL.finditer(value):
        local, domain = match.group(1).lower(), match.group(2)
        if domain.rsplit(".", 1)[-1].lower() in _FILE_EXTENSIONS:
            continue  # `sprites@2x.png`: a file name
        roles = options.get("role_mailboxes", ())
        if is_reserved_domain(domain, options) or any(part in roles for part in re.split(r"[-._+]", local)):
            continue
        if match.group(0).lower() in options.get("_own_emails", ()):
            continue  # the API's own published contact
        yield Hit("e-mail address", match.group(0))


_PHONE = re.compile(r"^\+?[\d\s().-]{7,22}$")


def _is_fictional_phone(digits: str) -> bool:
    # NANP 555-0100..0199 are reserved for fiction; UK Ofcom drama ranges 07700 900000..900999.
    nanp = digits[1:] if len(digits) == 11 and digits.startswith("1") else digits
    if len(nanp) == 10 and nanp[3:6] == "555" and 100 <= int(nanp[6:]) <= 199:
        return True
    uk = "0" + digits[2:] if digits.startswith("44") else digits
    return uk.startswith("07700900") or uk.startswith("0113496") or uk.startswith("0207946")


# In prose only a number written in international form (`+44 7911 123456`) is taken for a phone.
_PHONE_IN_TEXT = re.compile(r"(?<![\w+])\+\d[\d ().-]{8,20}\d(?!\d)")


def _real_phone(written: str) -> bool:
    """10-15 digits, not one repeated, outside the fictional ranges; `+1` numbers have exactly 11 digits (a shorter
    one, `+1202555010`, is a prefix to search by)."""
    digits = re.sub(r"\D", "", written)
    if not 10 <= len(digits) <= 15 or len(set(digits)) <= 2 or "1234567890" in digits:  # `+1.1234567890`: a format
        return False
    if written.lstrip().startswith("+1") and len(digits) != 11:
        return False
    return not _is_fictional_phone(digits)


# In prose a phone number starts with `+` and a digit; a literal value is one as a whole.
@detector("phone", gate=_fixed(pattern=r"\+\d", whole=r"\s*\+?[\d\s().-]{7,22}\s*"))
def detect_phone(value: str, ctx: ValueContext, options: Mapping[str, Any]) -> Iterator[Hit]:
    """Phone numbers outside the fictional ranges: in phone-named fields, written with a leading `+`, or in
    international form inside prose."""
    if ctx.in_text:
        if "+" in value:
            for match in _PHONE_IN_TEXT.finditer(value):
                if _real_phone(match.group(0)):
                    yield Hit("phone number", match.group(0))
        return
    if not _PHONE.match(value.strip()):
        return
    words = name_words(ctx.field)
    named = bool(set(words) & set(options.get("phone_fields", ()))) and words[-1] not in options.get(
        "not_phone_heads", ()
    )
    if (named or value.strip().startswith("+")) and _real_phone(value):
        yield Hit("phone number", value)


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch)
        if i % 2:
            n = n * 2 - 9 if n > 4 else n * 2
        total += n
    return total % 10 == 0


# 13-19 digits written solid, in groups of four, or Amex-style 4-6-5; never part of a longer id or UUID.
_CARD = re.compile(
    r"(?<![\w.-])(?:\d{13,19}|\d{4}(?:[ -]\d{4}){2,3}(?:[ -]?\d{1,3})?|\d{4}[ -]\d{6}[ -]\d{4,5})(?![\w.-])"
)


_FOUR_DIGITS = re.compile(r"\d{4}")


# The major networks' number ranges (IIN prefixes) and lengths. Maestro is left out: its ranges cover most
# numbers starting 5 or 6, so it would admit as many ids as it does cards.
_BRANDS: tuple[tuple[tuple[int, int], frozenset[int]], ...] = (
    ((4, 4), frozenset({13, 16, 19})),  # Visa
    ((51, 55), frozenset({16})),  # Mastercard
    ((2221, 2720), frozenset({16})),  # Mastercard 2-series
    ((34, 34), frozenset({15})),  # American Express
    ((37, 37), frozenset({15})),
    ((6011, 6011), frozenset(range(16, 20))),  # Discover
    ((644, 649), frozenset(range(16, 20))),
    ((65, 65), frozenset(range(16, 20))),
    ((3528, 3589), frozenset(range(16, 20))),  # JCB
    ((300, 305), frozenset(range(14, 20))),  # Diners Club
    ((36, 36), frozenset(range(14, 20))),
    ((38, 39), frozenset(range(16, 20))),
    ((62, 62), frozenset(range(16, 20))),  # UnionPay
)


def is_major_brand_number(digits: str) -> bool:
    """Whether a run of digits has the prefix and length of a Visa, Mastercard, Amex, Discover, JCB, Diners or
    UnionPay card."""
    for (low, high), lengths in _BRANDS:
        width = len(str(low))
        if len(digits) in lengths and low <= int(digits[:width]) <= high:
            return True
    return False


def _real_cards(value: str, test_cards: frozenset[str], card_field: bool = False) -> Iterator[str]:
    """Luhn-valid card numbers that are not test cards. Written in groups (`4539 1488 0343 6467`) it is a card
    number; a solid run of digits is one only in a card-named field or with a major network's prefix and length:
    Luhn alone passes one random number in ten, and ids, ISBNs and millisecond timestamps are runs of 13-19
    digits."""
    for match in _CARD.finditer(value):
        span = match.group(0)
        digits = re.sub(r"\D", "", span)
        if not (13 <= len(digits) <= 19 and luhn_ok(digits) and digits not in test_cards and len(set(digits)) > 2):
            continue
        if card_field or not span.isdigit() or is_major_brand_number(digits):
            yield span


@detector("card-number", gate=_fixed(pattern=r"\d{4}"))
def detect_card(value: str, ctx: ValueContext, options: Mapping[str, Any]) -> Iterator[Hit]:
    """Luhn-valid card numbers that are not processor test cards."""
    if not _FOUR_DIGITS.search(value):
        return  # every card pattern has a run of four digits; one C-level search rejects almost all strings
    card_field = bool(set(split_words(ctx.field)) & set(options.get("card_fields", ())))
    for span in _real_cards(value, options.get("_test_cards", frozenset()), card_field):
        yield Hit("card number", span)


@detector("card-security-code", gate=_fixed(whole=r"\s*\d{3,4}\s*"))
def detect_cvc(value: str, ctx: ValueContext, options: Mapping[str, Any]) -> Iterator[Hit]:
    """A CVC next to a real card number in the same example (a test card's dummy CVC is fine)."""
    if not re.fullmatch(r"\d{3,4}", value.strip()) or not set(split_words(ctx.field)) & {"cvc", "cvv", "csc", "cvv2"}:
        return
    siblings = ctx.siblings or {}
    test_cards = options.get("_test_cards", frozenset())
    if any(isinstance(v, str) and any(True for _ in _real_cards(v, test_cards)) for v in siblings.values()):
        yield Hit("card security code", value)


# Not inside a longer dashed run: `234-15-4021-117` is a cell id.
_SSN = re.compile(r"(?<![\d-])(?!000|666|9\d\d)(\d{3})-(?!00)(\d{2})-(?!0000)(\d{4})(?!-?\d)")


def _id_field_test(options: Mapping[str, Any]) -> Callable[[str], bool]:
    """Whether a field holds an id number, by its name: it has all the words of one of `id_fields` and none of
    `not_id_words` (`ssn_last4`, `passport_country`, `tax_id_type` are about the number, not the number). The
    word lists become sets once: the gate asks this of every distinct field of a document."""
    never = frozenset(options.get("not_id_words", ()))
    combos = options.get("id_fields", ())
    singles = frozenset(combo for combo in combos if isinstance(combo, str))
    groups = [frozenset(combo) for combo in combos if not isinstance(combo, str)]

    def id_field(field: str) -> bool:
        words = set(split_words(field))
        return bool(words) and not words & never and (bool(words & singles) or any(g <= words for g in groups))

    return id_field


def _id_field(options: Mapping[str, Any]) -> Callable[[str], bool]:
    """The rule's id-field test, made when its options were prepared (or now, for options that were not)."""
    return options.get("_id_field") or _id_field_test(options)


def _government_id_gate(options: Mapping[str, Any]) -> Gate:
    return Gate(pattern=r"\d{3}-\d{2}-\d{4}", field=_id_field(options))


@detector("government-id", gate=_government_id_gate)
def detect_government_id(value: str, ctx: ValueContext, options: Mapping[str, Any]) -> Iterator[Hit]:
    """US SSNs in their written form anywhere; other id numbers when the field says what they are."""
    dummies = options.get("dummy_ids", ())
    for match in _SSN.finditer(value) if "-" in value else ():
        if match.group(0) not in dummies:
            yield Hit("social security number", match.group(0))
    if ctx.in_text or is_placeholder(value) or value in dummies or not _id_field(options)(ctx.field):
        return
    # `JT 48 21 93 B`, `529.982.247-25`: grouped, so the digits are counted; a URL or prose is not an id number.
    digits = sum(c.isdigit() for c in value)
    if digits < 4 or sum(c.isalnum() for c in value) < 6 or len(value) > 32 or "/" in value:
        return  # `0108` is the last digits of one, not an id number
    if not _SSN.search(value):
        yield Hit("government id number", value)


# --------------------------------------------------------------------------- hosts

_URL_HOST = re.compile(r"\b[a-z][a-z0-9+.-]*://(?:[^@/\s\"'<>]*@)?(\[[0-9A-Fa-f:.]+\]|[^/:\s?#\"'<>`)\]]+)", re.I)
_BARE_HOST = re.compile(
    r"(?<![\w@.-])((?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]|\d{1,3}(?:\.\d{1,3}){3})"
    r"(?![\w-]|\.[\w-])",
    re.I,
)
# A run of hex groups and colons; ipaddress decides whether it is an address (`fd4e:7a21:9c00::15`) or a time or
# MAC address.
_IPV6 = re.compile(r"(?<![\w:.])\[?([0-9a-f]{0,4}(?::[0-9a-f]{0,4}){2,7})\]?(?![\w:])", re.I)


def candidate_hosts(value: str) -> Iterator[str]:
    """Host names and addresses mentioned in a string: in URLs, and bare ones in prose.

    An address in CIDR notation (`10.0.0.0/8`) or ending in `.0` names a network, not a host: configuration
    docs explain ranges all the time, and that reveals no machine. A dotted name right after a single `/` is a
    path segment (`/resourceGroups/System.local/`, `/Bus.svc`), not a host; after `//` it is one.
    """
    for match in _URL_HOST.finditer(value):
        yield match.group(1)
    for match in _BARE_HOST.finditer(value):
        host, start = match.group(1), match.start()
        if host[-1].isdigit() and (host.endswith(".0") or value[match.end() : match.end() + 1] == "/"):
            continue
        if start and value[start - 1] == "/" and value[start - 2 : start] != "//":
            continue
        yield host
    if ":" in value:
        for match in _IPV6.finditer(value):
            if value[match.end() : match.end() + 1] != "/":  # `fd20::/20` is a network prefix, like IPv4 CIDR
                yield match.group(1)


def is_internal_host(host: str, options: Mapping[str, Any]) -> bool:
    """Private, link-local and unique-local addresses; internal-only DNS names. Never localhost or doc ranges."""
    name = host.strip("[]").rstrip(".").lower()
    try:
        address = ipaddress.ip_address(name)
    except ValueError:
        address = None
    if address is not None:
        if address.is_loopback or address.is_unspecified:
            return False
        return any(address in net for net in options.get("_internal_networks", ()))
    if name in ("localhost",) or name.endswith(".localhost") or "." not in name:
        return False
    if any(name.endswith(suffix) for suffix in options.get("internal_suffixes", ())):
        return True
    labels = name.split(".")[:-1]  # the last label is the TLD, handled by the suffixes
    internal_labels = set(options.get("internal_labels", ()))
    for label in labels:
        if label in internal_labels:
            return True
        if any(label.startswith(p) for p in options.get("internal_label_prefixes", ())):
            return True
        if any(label.endswith(s) for s in options.get("internal_label_suffixes", ())):
            return True
    return False


def _internal_host_gate(options: Mapping[str, Any]) -> Gate:
    """An internal host is an address (dotted digits, or an IPv6 run of colons) or a name holding one of the
    options' internal suffixes or labels, in any case: is_internal_host lowercases the name, and what a lowercase
    name holds its casefold holds too."""
    words = {
        *options.get("internal_suffixes", ()),
        *options.get("internal_labels", ()),
        *options.get("internal_label_prefixes", ()),
        *options.get("internal_label_suffixes", ()),
    }
    return Gate(
        folded_literals=frozenset(str(word).casefold() for word in words),
        folded_pattern=r"\d\.\d{1,3}\.\d|:[0-9a-f]{0,4}:",
    )


@detector("internal-host", gate=_internal_host_gate)
def detect_internal_host(value: str, ctx: ValueContext, options: Mapping[str, Any]) -> Iterator[Hit]:
    if "." not in value and ":" not in value:
        return
    seen: set[str] = set()
    for host in candidate_hosts(value):
        if host not in seen and is_internal_host(host, options):
            seen.add(host)
            yield Hit("internal host", host)


def prepare_options(options: dict[str, Any]) -> dict[str, Any]:
    """Precompute derived option values once at rule load (networks, test-card sets)."""
    prepared = dict(options)
    if "internal_networks" in options:
        prepared["_internal_networks"] = tuple(ipaddress.ip_network(n) for n in options["internal_networks"])
    if "patterns" in options:
        prepared["_prefilter"] = literal_filter([p["regex"] for p in options["patterns"]])
    if "described" in options:
        prepared["_described"] = re.compile(str(options["described"]))
    if "not_described" in options:
        prepared["_not_described"] = re.compile(str(options["not_described"]))
    if "id_fields" in options:
        prepared["_id_field"] = _id_field_test(prepared)
    if "test_cards" in options:
        prepared["_test_cards"] = frozenset(re.sub(r"\D", "", str(c)) for c in options["test_cards"])
    return prepared
