"""Words, not substrings; values by format and checksum; hosts by address range and DNS suffix."""

from __future__ import annotations

import pytest

from specreview.detectors import ValueContext, is_internal_host, is_placeholder, luhn_ok
from specreview.ruleset.load import builtin_rule_dir, load_rule_file
from specreview.words import name_words, split_words


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("hashed_password", ("hashed", "password")),
        ("hashedPassword", ("hashed", "password")),
        ("APIKey", ("api", "key")),
        ("x-api-key", ("x", "api", "key")),
        ("max_tokens", ("max", "tokens")),
        ("tokenizer", ("tokenizer",)),
        ("keyboard_shortcuts_enabled", ("keyboard", "shortcuts", "enabled")),
        ("lineno", ("line", "number")),
    ],
)
def test_split_words(name, words):
    assert split_words(name) == words


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("cvv2", ("cvv",)),  # a trailing number or version is not what the name is
        ("password_2", ("password",)),
        ("signing_secret_v2", ("signing", "secret")),
        ("accessTok", ("access", "token")),  # abbreviations teams write
        ("privKey", ("private", "key")),
        ("admin_pw", ("admin", "password")),
        ("ssnFull", ("ssn",)),  # a form word is not what the name is
        ("secretText", ("secret",)),
        ("serviceAccountKeyJson", ("service", "account", "key")),
        ("connStr", ("connection", "string")),
        ("pin1", ("sim", "pin")),  # whole names that splitting would break
        ("OPc", ("opc",)),
        ("v2", ("v",)),  # never empty
    ],
)
def test_name_words(name, words):
    assert name_words(name) == words


@pytest.mark.parametrize(
    "value",
    [
        "<jwt>",
        "********",
        "XXX-XX-XXXX",
        "string",
        "your-api-key",
        "<choose-a-strong-password>",
        "REDACTED",
        "sk_live_EXAMPLE_KEY",
        "STRIPE_SECRET_KEY",
    ],
)
def test_placeholders_are_recognised(value):
    assert is_placeholder(value)


@pytest.mark.parametrize("value", ["Summer2023!", "sk_live_51Hx9kLkdIwHu7ixQ3vN8cR2tY6uI0oP4aS7dF1gH5jK9lZ", "hunter2"])
def test_real_values_are_not_placeholders(value):
    assert not is_placeholder(value)


def test_luhn():
    assert luhn_ok("4539148803436467")
    assert not luhn_ok("4539148803436468")


def _host_options():
    return load_rule_file(builtin_rule_dir() / "internal-host.yaml").options


@pytest.mark.parametrize(
    "host",
    [
        "10.8.0.21",
        "172.20.4.11",
        "192.168.1.10",
        "169.254.169.254",
        "fd12:3456::1",
        "db.corp.internal",
        "support-api.helpwise.lan",
        "vllm-0.inference.svc.cluster.local",
        "consul.service.dc1.consul",
        "imap.corp.helpwise.app",
        "internal-api.acme.com",
        "billing-internal.acme.com",
    ],
)
def test_internal_hosts(host):
    assert is_internal_host(host, _host_options())


@pytest.mark.parametrize(
    "host",
    [
        "localhost",
        "127.0.0.1",
        "::1",
        "203.0.113.24",
        "198.51.100.7",
        "192.0.2.1",
        "api.acme.io",
        "sandbox.api.shopwave.io",
        "internalization.acme.com",
        "8.8.8.8",
    ],
)
def test_public_hosts(host):
    assert not is_internal_host(host, _host_options())


def _detect(rule_id, value, field="", in_text=False):
    from specreview.detectors import DETECTORS

    rule = load_rule_file(builtin_rule_dir() / f"{rule_id}.yaml")
    ctx = ValueContext(field=field, in_text=in_text)
    hits = [hit for name in rule.match.detect for hit in DETECTORS[name](value, ctx, rule.options)]
    veto = rule.match.except_regex
    return [hit.kind for hit in hits if veto is None or not veto.search(hit.span)]


@pytest.mark.parametrize(
    ("value", "field"),
    [
        ("sk_live_51Hx9kLkdIwHu7ixQ3vN8cR2tY6uI0oP4aS7dF1gH5jK9lZ", ""),
        ("sk-proj-4fVh2KqL9mX8pR3tW7yZ1bC6dE0gH5jN2sU9vA4xF7kM3qP8", ""),
        ("AKIAZ7Q3XK5N2M4P6R8T", ""),
        ("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U", ""),
        ("$2b$12$KIXQ1mZ0p8y3b7WcV9zq8uQ9Yb0c1Vf5mJqKpE3sT7rN2aL4dH6eG", ""),
        ("postgres://app:S3cr3tPass@db.acme.io/app", ""),
        ("Summer2023!", "current_password"),
        ("acme_live_9f2KqL7vX3mN8pR4tW6yZ1bC5dE0gH2j", "key"),
        ("curl -H 'X-Api-Secret: lgr_sk_live_8N2QxV4bT7mK3pR9wZ1cF5hJ0sL6dQ7dX' https://api.ledgerly.io", ""),
        ("curl -H 'X-API-Key: 8N2QxV4bT7mK3pR9wZ1c' https://api.acme.io/v1/runs", ""),
        ("CorrectHorse42!", "wifiPsk"),  # a pre-shared key is the network's password
        ("ya29.a0AfB_byC3kLmN8pQ", "accessTok"),
        ("Gr@debook2024", "smtpPass"),  # `pass` after a service word is its password
        ("Server=sis.db;Database=grades;User Id=sa;Password=Gr@debook2024;", "notes"),
        ("otpauth://totp/Campusly:ana?secret=KZXW6YTBOI4TEMRT&issuer=Campusly", "uri"),
        ("curl -H 'X-Pipewright-Token: pw_pat_4Lq9Zx2Wv7Nb3Tk8Rm1Hs6Jd0Fc5Ga' https://api.pw.dev", ""),
        ("8f3k-2k9d-77qa", "recoveryCodes"),
        ("redis://:Fc4che-Pa55@10.12.0.5:6379/0", "cache_url"),  # a URL with an empty user and a password
        ("Alerts go to https://alerts.orbitel.net/hooks/prov?key=7f3c9a2e5b8d4f1a6c0e9b2d.", ""),
        ("4821", "port_out_pin"),
        ("live_sk_4f9d2c7a8b1e6f3d", "stream_key"),
        ("https://d1.cloudfront.net/v.m3u8?Expires=1717&Signature=Hx7~Qm2kL9pR4tW8yZ1c~F5&Key-Pair-Id=K2ABC", "url"),
        ("Kiosks sign in with the default account `kiosk` / `Springfield#1` until the clerk changes it.", ""),
        ("The default user 'ops' and 'changeme' are created on first boot.", ""),
        ("Log in to the demo with the password `Tr0ub4dor&3`.", ""),
        ('Body: {"username": "bob", "password": "Summer2023!"}', ""),
        ("Fresh installs ship with the operator account `root` / `Tollgate!2023`; change it.", ""),
        ('curl -H "Ocp-Apim-Subscription-Key: 3f9c2a7d41b84e0f9a6c5d2e1b7f8a90" https://api.acme.io/v3', ""),
        ("Tr0ub4dor&3", "senha"),
        (
            "XBL3.0 x=2535415836427117;eyJlbmMiOiJBMTI4Q0JDK0hTMjU2IiwiYWxnIjoiUlNBLU9BRVAifQ.kq8F2mVx9Lr4Tp7W",
            "XboxToken",
        ),
        ("2580", "pin"),  # four digits: a PIN; a postal PIN code has six
        (
            "-----BEGIN PGP PRIVATE KEY BLOCK-----\n\nlQOYBGXz3q4BCADJ9uR2k1Lw8hZ0yVq3cT7pN5sE4fG6hJ8kL0mO2qS4uW6yA8cE",
            "",
        ),
    ],
)
def test_credentials_are_detected(value, field):
    assert _detect("credential-in-example", value, field)


@pytest.mark.parametrize(
    ("value", "field"),
    [
        ("pk_live_51Hx9kLkdIwHu7ixQbV4nWq8yZ2mT6rP0sK3dF5gH7jL9", "stripe_publishable_key"),
        ("acme_live_9f2K", "key_prefix"),
        ("<jwt>", "access_token"),
        ("********", "imap_password"),
        ("postgres://user:password@localhost/app", "dsn"),
        ("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", "sha256"),
        ("theme", "key"),
        ("5b0e4d52-8b0a-4d7c-9f61-1a2f0c9d7e11", "idempotency_key"),
        ("bearer", "token_type"),
        ("curl -H 'X-API-Key: YOUR_API_KEY' https://api.acme.io/v1/runs", ""),
        ("Send the X-Api-Key: header with every request.", ""),
        ("spring.datasource.password=1****6", "generatedProperties"),  # partly masked
        ("https://app.io/login?user={user}&password={password}", "url_template"),
        ("boarding", "pass"),  # `pass` alone is a boarding or bus pass
        ("110001", "pin"),  # an Indian postal PIN code
        ("<iframe src='https://embed.api.video/v1?token=831a9bd9-9f50-464c-a369-8e9d914371ae'>", ""),
        ("Send the `password` field with the request; it must be at least 8 characters.", ""),
        ('Body: {"username": "bob", "password": "string"}', ""),  # FastAPI's placeholder
        ('password: "********"', ""),
        ("The default account `kiosk` is disabled until a clerk enables it.", ""),  # no credential given
        ("Link the GitHub account `acme` / `widgets` to the workspace.", ""),  # an owner and a repository
        ("https://github.githubassets.com/images/icons/emoji/unicode/3299.png?v8", "secret"),  # the ㊙ emoji
        ("pwd", "resourceOwnerPassword"),  # the word itself
        ('curl -H "Idempotency-Key: 5f1c9a2e7b3d4f8a9c0e1b2d3f4a5b6c" https://api.acme.io/v1/charges', ""),
    ],
)
def test_near_miss_credentials_are_not_detected(value, field):
    assert _detect("credential-in-example", value, field) == []


@pytest.mark.parametrize(
    ("value", "field"),
    [
        ("maria.gonzalez@gmail.com", "email"),
        ("+1 312 847 2290", "phone"),
        ("4539148803436467", "card_number"),
        ("4539148803436467", "reference"),  # a Visa number needs no card-named field
        ("6759649826438453", "card_number"),  # Maestro: a card in a card-named field
        ("1234 5678 9012 3452", "memo"),  # written in groups of four: a card wherever it is
        ("Escalate to [Priya](mailto:priya.raman@gmail.com).", "description"),
        ("536-22-1234", "ssn"),
        ("JT 48 21 93 B", "NATIONAL_INSURANCE_NO"),  # grouped digits still make an id number
        ("529.982.247-25", "taxIdNum"),
        ("BELLO802154A99KT", "dl_number"),
        ("7251801126", "TaxIdentificationNumber"),
        ("529.982.247-25", "cpf"),
        ("WHITF703149GR9AB", "drivers_licence_no"),
    ],
)
def test_personal_data_is_detected(value, field):
    assert _detect("personal-data-in-example", value, field)


@pytest.mark.parametrize(
    ("value", "field"),
    [
        ("sam.rivera@example.org", "email"),
        ("+1-202-555-0148", "phone"),
        ("4242424242424242", "number"),
        ("support@acme-cloud.com", "email"),
        ("XXX-XX-XXXX", "ssn"),
        ("+44 7700 900123", "mobile"),
        ("2024-03-02T10:00:00Z", "created_at"),
        ("git@github.com:octocat/Hello-World.git", "ssh_url"),  # an SSH location, not a mailbox
        ("8876", "ssn_last4"),  # the last four digits say which number, they are not one
        ("US", "passport_country"),
        ("234-15-4021-117", "cell_id"),  # a cell id, neither a phone (`_id`) nor an SSN (a longer dashed run)
        ("+1202555010", "number_prefix"),  # too short for a +1 number: a prefix to search by
        ("+11234567890", "phone_number"),  # a format sample
        ("https://github.githubassets.com/images/icons/emoji/unicode/1f6c2.png?v8", "passport_control"),
        ("https://deploy@gitlab.com/team/app.git", "clone_url"),
        ("4212345678901237", "number"),  # Adyen's test card
        ("0108", "socialSecurityNumber"),  # four digits: the end of one, not an id number
        ("2025-10-15T13:51:11.752Z", "DateTimeRFC3339"),  # RFC 3339, not Mexico's RFC
        ("See sprites@2x.png for the high-resolution sprite sheet.", "description"),  # a file name
    ],
)
def test_reserved_and_test_personal_data_is_not_detected(value, field):
    assert _detect("personal-data-in-example", value, field) == []


@pytest.mark.parametrize(
    ("value", "field"),
    [
        ('W/"636462502180261858"', "etag"),
        ("9780307476463", "isbn13"),
        ("1700000000004", "created_ms"),
        ("6631945550173363", "merchant_acceptor_id"),
        ("https://pbs.twimg.com/profile_images/632233890594299904/DgRDU6dx_400x400.png", "url"),
        ("6759649826438453", "reference"),
    ],
)
def test_luhn_valid_ids_and_timestamps_are_not_card_numbers(value, field):
    # Each passes the Luhn check (one random number in ten does) but has no major network's prefix and length.
    assert _detect("personal-data-in-example", value, field) == []


@pytest.mark.parametrize(
    ("value", "hosts"),
    [
        ("/subscriptions/1/resourceGroups/System.local/providers/Microsoft.Storage", []),  # a path segment
        ("http://api.wmata.com/Bus.svc/json/jStops", []),  # a WCF endpoint file, not a .svc host
        ("//kubernetes.local", ["kubernetes.local"]),  # protocol-relative URL: a host
        ("PLC at fd4e:7a21:9c00::15 on the plant network", ["fd4e:7a21:9c00::15"]),  # a bare IPv6 ULA
        ("runs at 10:30:00 every day", []),  # a time, not an address
        ("Syncs with ledger.corp.internal/v2 nightly", ["ledger.corp.internal"]),
    ],
)
def test_dotted_path_segments_are_not_hosts(value, hosts):
    assert _detect("internal-host", value) == ["internal host"] * len(hosts)


def test_a_phone_written_in_international_form_in_prose_is_personal_data():
    assert _detect("personal-data-in-example", "VIPs keep +44 7911 123456 forever.", in_text=True) == ["phone number"]
    assert _detect("personal-data-in-example", "Call +1 202-555-0148 (fictional).", in_text=True) == []
