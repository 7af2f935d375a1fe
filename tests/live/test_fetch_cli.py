"""`specreview check URL` against real FastAPI apps under uvicorn: the fetch limits, credentials and TLS.

Every failure must be exit 2 with one line on stderr, and no credential may ever appear in any output.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path

from live_support import DOCS_PASSWORD, assert_one_line_error, free_port, specreview

BASIC = "Basic " + base64.b64encode(f"docs:{DOCS_PASSWORD}".encode()).decode()


def test_header_env_sends_the_credential_and_never_shows_it(docs_auth: str) -> None:
    run = specreview(
        ["check", docs_auth + "/openapi.json", "--header-env", "Authorization:DOCS_AUTH", "-f", "json"],
        env={"DOCS_AUTH": BASIC},
    )
    assert run.code == 1, run.output  # reviewed: the app leaks a password hash
    report = json.loads(run.stdout)
    assert "password-in-response" in {f["rule"] for f in report["findings"]}
    assert DOCS_PASSWORD not in run.output and BASIC not in run.output


def test_protected_description_without_credentials_is_a_401(docs_auth: str) -> None:
    run = specreview(["check", docs_auth + "/openapi.json"])
    assert_one_line_error(run, "the server answered HTTP 401 (Unauthorized)")


def test_header_env_with_an_unset_variable_names_the_variable(docs_auth: str) -> None:
    run = specreview(["check", docs_auth + "/openapi.json", "--header-env", "Authorization:NOT_SET_ANYWHERE"])
    assert_one_line_error(run, "environment variable NOT_SET_ANYWHERE is not set")


def test_wrong_credentials_are_not_echoed(docs_auth: str) -> None:
    wrong = "Basic d3Jvbmc6d3Jvbmctc2VjcmV0LXZhbHVl"
    run = specreview(["check", docs_auth + "/openapi.json", "-H", f"Authorization: {wrong}"])
    assert_one_line_error(run, "HTTP 401")
    assert wrong not in run.output


def test_slow_server_times_out(limits: str) -> None:
    run = specreview(["check", limits + "/slow/openapi.json", "--timeout", "0.5"])
    assert_one_line_error(run, "timed out waiting for the server after 0.5 s")


def test_streamed_oversized_body_is_cut_at_the_cap(limits: str) -> None:
    run = specreview(["check", limits + "/big/openapi.json", "--max-bytes", "100000"])
    assert_one_line_error(run, "larger than the size limit of 100,000 bytes")


def test_under_the_cap_the_same_body_loads(limits: str) -> None:
    run = specreview(["check", limits + "/big/openapi.json", "-f", "json"])
    assert run.code == 0, run.output
    assert json.loads(run.stdout)["documents"][0]["title"] == "Big"


def test_html_page_is_not_a_document(docs_on: str) -> None:
    run = specreview(["check", docs_on + "/docs"])
    assert_one_line_error(run, "the server sent an HTML page, not a JSON or YAML document")


def test_plain_text_that_is_not_openapi(limits: str) -> None:
    assert_one_line_error(specreview(["check", limits + "/spec.txt"]), "not an OpenAPI document")


def test_catch_all_html_is_not_a_document(docs_off: str) -> None:
    # With docs off, the single-page app's catch-all answers 200 with HTML for /openapi.json.
    assert_one_line_error(specreview(["check", docs_off + "/openapi.json"]), "HTML page")


def test_non_200_answer_and_url_credentials_are_hidden(docs_off: str) -> None:
    run = specreview(["check", docs_off.replace("http://", "http://user:hunter2@") + "/accounts/x"])
    assert_one_line_error(run, "the server answered HTTP 422 (Unprocessable", "http://***@127.0.0.1")
    assert "hunter2" not in run.output


def test_redirect_to_a_file_url_is_refused(limits: str) -> None:
    assert_one_line_error(specreview(["check", limits + "/to-file"]), "redirected to a file: URL")


def test_redirect_loop_is_bounded(limits: str) -> None:
    assert_one_line_error(specreview(["check", limits + "/loop"]), "too many redirects (more than 5)")


def test_connection_refused() -> None:
    port = free_port()
    run = specreview(["check", f"http://127.0.0.1:{port}/openapi.json"])
    assert_one_line_error(run, f"connection refused by 127.0.0.1:{port}")


def test_tls_verification_is_on_by_default(tls_docs_on: str) -> None:
    run = specreview(["check", tls_docs_on + "/openapi.json"])
    assert_one_line_error(run, "TLS certificate verification failed for 127.0.0.1", "--ca-bundle", "--insecure")


def test_tls_with_the_ca_bundle(tls_docs_on: str, certificate: tuple[Path, Path]) -> None:
    run = specreview(["check", tls_docs_on + "/openapi.json", "--ca-bundle", str(certificate[0]), "-f", "json"])
    assert run.code == 1, run.output
    assert json.loads(run.stdout)["documents"][0]["title"] == "Accounts"


def test_tls_insecure_is_explicit(tls_docs_on: str) -> None:
    run = specreview(["check", tls_docs_on + "/openapi.json", "--insecure", "-f", "json"])
    assert run.code == 1, run.output


def test_ca_bundle_that_is_not_pem(tls_docs_on: str, tmp_path: Path) -> None:
    bundle = tmp_path / "ca.pem"
    bundle.write_text("not a certificate")
    run = specreview(["check", tls_docs_on + "/openapi.json", "--ca-bundle", str(bundle)])
    assert_one_line_error(run, "cannot use CA bundle")
