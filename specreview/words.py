"""Split identifiers into lower-case words: `hashed_password`, `hashedPassword`, `APIKey`, `x-api-key`.

Rules match on words, never on substrings, so `max_tokens` is not `token` and `keyboard` is not `key`.
"""

from __future__ import annotations

import re
from functools import lru_cache

# An acronym run (API in APIKey), a capitalised word, a lower-case run, or digits.
_WORD = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")

# Words that are written as one but mean two; splitting them lets rules stay short.
_COMPOUNDS = {
    "apikey": ("api", "key"),
    "apikeys": ("api", "keys"),
    "accesskey": ("access", "key"),
    "secretkey": ("secret", "key"),
    "privatekey": ("private", "key"),
    "clientsecret": ("client", "secret"),
    "passwd": ("password",),
    "pwd": ("password",),
    "passwordhash": ("password", "hash"),
    "stacktrace": ("stack", "trace"),
    "backtrace": ("stack", "trace"),
    "accesstoken": ("access", "token"),
    "refreshtoken": ("refresh", "token"),
    "authtoken": ("auth", "token"),
    "lineno": ("line", "number"),
    # Abbreviations teams write in field names (`accessTok`, `privKey`, `admin_pw`, `awsCreds`).
    "tok": ("token",),
    "toks": ("tokens",),
    "priv": ("private",),
    "privkey": ("private", "key"),
    "pw": ("password",),
    "creds": ("credentials",),
    "conn": ("connection",),
    "connstr": ("connection", "string"),
    "str": ("string",),
    "filename": ("file", "name"),
}


# Whole names that splitting would break: a SIM card's PIN1/PIN2, PUK1/PUK2 and its OPc key (`OPc` is not O + Pc).
_WHOLE_NAMES = {
    "pin1": ("sim", "pin"),
    "pin2": ("sim", "pin"),
    "puk1": ("sim", "puk"),
    "puk2": ("sim", "puk"),
    "opc": ("opc",),
}


@lru_cache(maxsize=65536)
def split_words(name: str) -> tuple[str, ...]:
    """`hashedPassword_v2` -> ("hashed", "password", "v", "2"); compounds like `apikey` are split."""
    whole = _WHOLE_NAMES.get(name.lower())
    if whole is not None:
        return whole
    words: list[str] = []
    for raw in _WORD.findall(name):
        low = raw.lower()
        words.extend(_COMPOUNDS.get(low, (low,)))
    return tuple(words)


# Trailing words that say how a value is written, not what it is: `ssnFull`, `secretText`, `password_plain`,
# `serviceAccountKeyJson`, `privateKeyPem` are an ssn, a secret, a password and two keys.
FORM_WORDS = frozenset(
    {
        "full",
        "raw",
        "plain",
        "plaintext",
        "clear",
        "cleartext",
        "value",
        "text",
        "json",
        "pem",
        "b64",
        "base64",
        "hex",
        "der",
        "p",  # of p8 and p12, the key files of Apple and PKCS #12 (`PrivateKeyP8`)
        # the hash a secret is kept as (`secret_bcrypt`): derived from it, and as sensitive
        "bcrypt",
        "argon",  # argon2 and pbkdf2 split before their digit
        "scrypt",
        "pbkdf",
    }
)


@lru_cache(maxsize=65536)
def name_words(name: str) -> tuple[str, ...]:
    """The words of a name without a trailing number, version or form word: `cvv2`, `password_2`,
    `signing_secret_v2` and `secretText` are a cvv, a password, a signing secret and a secret, and rules look at the
    last word. Never empty."""
    words = split_words(name)
    end = len(words)
    while end > 1 and (words[end - 1].isdigit() or words[end - 1] in FORM_WORDS):
        end -= 1
        if end > 1 and words[end - 1] == "v" and words[end].isdigit():
            end -= 1
    return words[:end]


def singular(word: str) -> str:
    """A crude singular so `tokens` and `keys` match `token` and `key` where a rule wants it."""
    if len(word) > 3 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word
