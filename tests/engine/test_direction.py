"""Direction: what a response sends is judged differently from what a request receives."""

from __future__ import annotations

from typing import Any

import pytest

from specreview.api import review


def doc(paths: dict[str, Any], schemas: dict[str, Any], version: str = "3.1.0") -> dict[str, Any]:
    return {
        "openapi": version,
        "info": {"title": "t", "version": "1"},
        "paths": paths,
        "components": {"schemas": schemas},
    }


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def body(schema: dict[str, Any]) -> dict[str, Any]:
    return {"content": {"application/json": {"schema": schema}}}


def returns(schema: dict[str, Any], status: str = "200") -> dict[str, Any]:
    return {"responses": {status: {"description": "x", **body(schema)}}}


def accepts(schema: dict[str, Any]) -> dict[str, Any]:
    return {"requestBody": body(schema), "responses": {"204": {"description": "x"}}}


SECRET = {"type": "object", "properties": {"name": {"type": "string"}, "client_secret": {"type": "string"}}}
POINTER = "/components/schemas/App/properties/client_secret"


def sensitive(document: dict[str, Any]) -> set[str]:
    return {f.pointer for f in review(document).findings if f.category == "sensitive-field"}


def test_request_only_secret_is_not_a_disclosure():
    assert sensitive(doc({"/apps": {"post": accepts(ref("App"))}}, {"App": SECRET})) == set()


@pytest.mark.parametrize(
    "wrap",
    [
        lambda s: s,
        lambda s: {"type": "array", "items": s},
        lambda s: {"allOf": [s]},
        lambda s: {"anyOf": [s, {"type": "null"}]},
        lambda s: {"type": "object", "properties": {"data": {"oneOf": [s]}}},
        lambda s: {"type": "object", "additionalProperties": s},
        lambda s: {"type": "array", "prefixItems": [s]},
    ],
    ids=["direct", "items", "allOf", "anyOf", "nested-oneOf", "additionalProperties", "prefixItems"],
)
def test_secret_reached_from_a_response_is_found_through_any_composition(wrap):
    assert sensitive(doc({"/apps": {"get": returns(wrap(ref("App")))}}, {"App": SECRET})) == {POINTER}


def test_discriminator_mapping_is_followed():
    schemas = {
        "Base": {
            "type": "object",
            "properties": {"kind": {"type": "string"}},
            "discriminator": {"propertyName": "kind", "mapping": {"app": "#/components/schemas/App"}},
        },
        "App": SECRET,
    }
    assert sensitive(doc({"/things": {"get": returns(ref("Base"))}}, schemas)) == {POINTER}


def test_credential_issued_by_a_post_only_is_not_a_leak_but_a_get_reusing_it_is():
    issued = {"/apps": {"post": {**accepts({"type": "object"}), **returns(ref("App"), "201")}}}
    assert sensitive(doc(issued, {"App": SECRET})) == set()
    reused = {
        **issued,
        "/apps/{id}": {
            "get": {
                "parameters": [
                    {"name": "id", "in": "path", "required": True, "schema": {"type": "string", "format": "uuid"}}
                ],
                **returns(ref("App")),
            }
        },
    }
    assert sensitive(doc(reused, {"App": SECRET})) == {POINTER}


def test_an_rpc_post_that_reads_does_not_issue_what_it_returns():
    # AWS-style APIs send every action as a POST: only the one that creates the key issues it.
    create = {"/#X-Amz-Target=Kms.CreateKey": {"post": returns(ref("App"))}}
    assert sensitive(doc(create, {"App": SECRET})) == set()
    describe = {**create, "/#X-Amz-Target=Kms.DescribeKey": {"post": returns(ref("App"))}}
    assert sensitive(doc(describe, {"App": SECRET})) == {POINTER}


def test_password_hash_is_never_exempt_as_issuance():
    user = {"type": "object", "properties": {"hashed_password": {"type": "string"}}}
    found = sensitive(doc({"/users": {"post": returns(ref("User"), "201")}}, {"User": user}))
    assert found == {"/components/schemas/User/properties/hashed_password"}


@pytest.mark.parametrize("name", ["mqtt_password", "initialPassword", "device_pin"])
def test_a_password_issued_by_a_post_only_is_not_a_leak_but_its_hash_is(name):
    # A provisioning bundle returned once by the POST that creates the device hands the device its password.
    bundle = {"type": "object", "properties": {name: {"type": "string"}, "password_hash": {"type": "string"}}}
    found = sensitive(doc({"/devices/{id}/provision": {"post": returns(ref("Bundle"), "201")}}, {"Bundle": bundle}))
    assert found == {"/components/schemas/Bundle/properties/password_hash"}
    paths = {
        "/devices/{id}/provision": {"post": returns(ref("Bundle"), "201")},
        "/devices/{id}/bundle": {"get": returns(ref("Bundle"))},  # fetched again: no longer issued once
    }
    assert f"/components/schemas/Bundle/properties/{name}" in sensitive(doc(paths, {"Bundle": bundle}))


def test_write_only_property_is_not_sent_in_responses():
    user = {"type": "object", "properties": {"password": {"type": "string", "writeOnly": True}}}
    assert sensitive(doc({"/users": {"get": returns(ref("User"))}}, {"User": user})) == set()


def test_fastapi_input_output_split_only_output_counts():
    schemas = {"Cred-Input": SECRET, "Cred-Output": SECRET}
    paths = {"/creds": {"put": {**accepts(ref("Cred-Input")), **returns(ref("Cred-Output"))}}}
    assert sensitive(doc(paths, schemas)) == {"/components/schemas/Cred-Output/properties/client_secret"}


def test_webhook_payload_flows_out_of_the_api():
    document = {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "webhooks": {"appCreated": {"post": accepts(ref("App"))}},
        "components": {"schemas": {"App": SECRET}},
    }
    assert sensitive(document) == {POINTER}


@pytest.mark.parametrize(
    "name",
    [
        "max_tokens",
        "token_count",
        "tokenizer",
        "keyboard_layout",
        "password_reset_url",
        "password_policy",
        "public_key",
        "key_prefix",
        "password_changed_at",
        "key_id",
        "secret_santa_enabled",
        "card_last4",
        "monthly_token_budget",
        "token_type",
        # Microsoft Graph: ids of access reviews and packages are resource ids, not access key ids.
        "accessReviewId",
        "accessPackageId",
        "api_key_id",
    ],
)
def test_words_that_merely_contain_a_keyword_are_not_sensitive(name):
    schema = {"type": "object", "properties": {name: {"type": "string"}}}
    assert sensitive(doc({"/x": {"get": returns(ref("S"))}}, {"S": schema})) == set()


@pytest.mark.parametrize(
    "name",
    [
        "hashed_password",
        "passwordHash",
        "api_key",
        "apiKey",
        "webhook_signing_secret",
        "refresh_token",
        "totp_secret",
        "aws_access_key_id",
        "AccessKeyId",
        "card_number",
        "cvv",
        "ssn",
        "passport_number",
        "tax_id",
        "database_url",
        "connection_string",
    ],
)
def test_sensitive_names_in_responses_are_found(name):
    schema = {"type": "object", "properties": {name: {"type": "string"}}}
    assert sensitive(doc({"/x": {"get": returns(ref("S"))}}, {"S": schema})) == {
        f"/components/schemas/S/properties/{name}"
    }


def verbose(document: dict[str, Any]) -> set[str]:
    return {f.pointer for f in review(document).findings if f.category == "verbose-error"}


def test_error_words_only_count_in_error_responses():
    query = {"type": "object", "properties": {"sql": {"type": "string"}, "exception_dates": {"type": "array"}}}
    assert verbose(doc({"/queries": {"get": returns(ref("Q"))}}, {"Q": query})) == set()
    assert verbose(doc({"/queries": {"get": returns(ref("Q"), "500")}}, {"Q": query})) == {
        "/components/schemas/Q/properties/sql"
    }


def test_a_resource_an_error_embeds_is_not_an_error_model():
    # Stripe's error object carries the failed payment intent; the intent's `file` and `amount_received` describe
    # the resource (the success responses return it too), not the server's internals.
    schemas = {
        "Err": {"type": "object", "properties": {"traceback": {"type": "string"}, "intent": ref("Intent")}},
        "Intent": {
            "type": "object",
            "properties": {"file": {"type": "string"}, "amount_received": {"type": "integer"}},
        },
    }
    both = {"responses": {**returns(ref("Intent"))["responses"], **returns(ref("Err"), "402")["responses"]}}
    paths = {"/intents/{id}": {"get": both}}
    assert verbose(doc(paths, schemas)) == {"/components/schemas/Err/properties/traceback"}
    # Returned by errors only, the same schema is part of the error model.
    error_only = {"/intents/{id}": {"get": returns(ref("Err"), "402")}}
    assert verbose(doc(error_only, schemas)) == {
        "/components/schemas/Err/properties/traceback",
        "/components/schemas/Intent/properties/file",
        "/components/schemas/Intent/properties/amount_received",
    }


def test_every_field_of_a_debug_object_in_an_error_is_flagged():
    schemas = {
        "Err": {"type": "object", "properties": {"detail": {"type": "string"}, "debug": ref("Dbg")}},
        "Dbg": {"type": "object", "properties": {"host": {"type": "string"}, "elapsed_ms": {"type": "integer"}}},
    }
    assert verbose(doc({"/x": {"get": returns(ref("Err"), "default")}}, schemas)) == {
        "/components/schemas/Err/properties/debug",
        "/components/schemas/Dbg/properties/host",
        "/components/schemas/Dbg/properties/elapsed_ms",
    }


def test_an_error_property_whose_schema_is_named_for_diagnostics_is_a_debug_object():
    # `db: DbDiagnostics | None`: the property says nothing, its schema's name says it all.
    schemas = {
        "Problem": {
            "type": "object",
            "properties": {"title": {"type": "string"}, "db": {"anyOf": [ref("DbDiagnostics"), {"type": "null"}]}},
        },
        "DbDiagnostics": {"type": "object", "properties": {"bind_params": {"type": "object"}}},
    }
    assert verbose(doc({"/x": {"get": returns(ref("Problem"), "500")}}, schemas)) == {
        "/components/schemas/Problem/properties/db",
        "/components/schemas/DbDiagnostics/properties/bind_params",
    }
    assert verbose(doc({"/x": {"get": returns(ref("Problem"))}}, schemas)) == set()  # not in an error response


def test_problem_details_and_correlation_ids_are_fine():
    problem = {
        "type": "object",
        "properties": {
            k: {"type": "string"}
            for k in (
                "type",
                "title",
                "status",
                "detail",
                "instance",
                "request_id",
                "trace_id",
                "code",
                "error_code",
                "retry_after",
                "message",
            )
        },
    }
    assert verbose(doc({"/x": {"get": returns(ref("P"), "404")}}, {"P": problem})) == set()


def test_inline_suppression():
    schema = {
        "type": "object",
        "x-specreview-ignore": ["secret-in-response"],
        "properties": {"api_key": {"type": "string"}},
    }
    assert sensitive(doc({"/x": {"get": returns(ref("S"))}}, {"S": schema})) == set()


def test_swagger2_body_parameters_and_definitions():
    document = {
        "swagger": "2.0",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/u": {
                "get": {"responses": {"200": {"description": "x", "schema": {"$ref": "#/definitions/U"}}}},
                "post": {
                    "parameters": [{"name": "b", "in": "body", "schema": {"$ref": "#/definitions/In"}}],
                    "responses": {"204": {"description": "x"}},
                },
            }
        },
        "definitions": {
            "U": {"type": "object", "properties": {"hashed_password": {"type": "string"}}},
            "In": {"type": "object", "properties": {"password": {"type": "string"}}},
        },
    }
    assert sensitive(document) == {"/definitions/U/properties/hashed_password"}


def test_non_schema_members_of_a_schema_list_are_ignored():
    # `items: [null]` and `allOf: [3]` hold no schema: the flow walk skips them instead of crashing.
    odd = {"type": "array", "items": [None], "allOf": [3, ref("App")]}
    schemas = {"Odd": odd, "Unused": odd, "App": SECRET}  # reachable from a response, and not at all
    assert sensitive(doc({"/odd": {"get": returns(ref("Odd"))}}, schemas)) == {POINTER}
