"""FastAPI apps in the configurations the live tests serve under uvicorn (`live_apps:<name>`).

Each is a small, realistic service: the same leaky models, served with docs on, docs off, docs behind HTTP
basic auth, docs at custom URLs, and routes that misbehave for the fetch limits.
"""

from __future__ import annotations

import asyncio
import os
import secrets
from typing import Annotated

from fastapi import Depends, FastAPI, HTTPException, status
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response, StreamingResponse
from fastapi.security import HTTPBasic, HTTPBasicCredentials
from pydantic import BaseModel

from specreview.fastapi import serve_redacted

# The password the basic-auth app expects: tests pass it through the environment, never on a command line.
DOCS_PASSWORD = os.environ.get("LIVE_DOCS_PASSWORD", "")


class Account(BaseModel):
    id: int
    email: str
    hashed_password: str


class Health(BaseModel):
    status: str


def leaky_routes(app: FastAPI) -> FastAPI:
    @app.get("/accounts/{account_id}", response_model=Account)
    def get_account(account_id: int) -> Account:
        return Account(id=account_id, email="a@example.com", hashed_password="x")

    @app.get("/internal/debug/config")
    def debug_config() -> dict[str, str]:
        return {}

    @app.get("/health", response_model=Health)
    def health() -> Health:
        return Health(status="ok")

    return app


# Docs on: FastAPI's defaults, as most services ship.
docs_on = leaky_routes(FastAPI(title="Accounts"))

# Docs off, and a single-page-app catch-all answering 200 HTML on every other path (a probe must not count it).
docs_off = leaky_routes(FastAPI(title="Accounts", docs_url=None, redoc_url=None, openapi_url=None))


@docs_off.get("/{anything:path}", include_in_schema=False)
def spa_index(anything: str) -> HTMLResponse:
    return HTMLResponse("<!doctype html><html><body><div id='root'></div><script src='/app.js'></script></body></html>")


# Docs behind HTTP basic auth: the documented FastAPI recipe (docs_url=None, then protected routes).
basic = HTTPBasic()
docs_auth = leaky_routes(FastAPI(title="Accounts", docs_url=None, redoc_url=None, openapi_url=None))


def docs_user(credentials: Annotated[HTTPBasicCredentials, Depends(basic)]) -> str:
    ok = (
        bool(DOCS_PASSWORD)
        and secrets.compare_digest(credentials.username, "docs")
        and secrets.compare_digest(credentials.password, DOCS_PASSWORD)
    )
    if not ok:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, headers={"WWW-Authenticate": "Basic"})
    return credentials.username


@docs_auth.get("/openapi.json", include_in_schema=False)
def protected_openapi(user: Annotated[str, Depends(docs_user)]) -> JSONResponse:
    return JSONResponse(docs_auth.openapi())


@docs_auth.get("/docs", include_in_schema=False)
def protected_docs(user: Annotated[str, Depends(docs_user)]) -> HTMLResponse:
    return get_swagger_ui_html(openapi_url="/openapi.json", title="Accounts")


# Docs at custom URLs: the description is only found through the Swagger UI page that loads it.
custom_docs = leaky_routes(
    FastAPI(title="Accounts", openapi_url="/api/v1/spec.json", docs_url="/api/docs", redoc_url=None)
)


@custom_docs.get("/internal/apidocs", include_in_schema=False)
def internal_redoc() -> HTMLResponse:
    return get_redoc_html(openapi_url="/api/v1/spec.json", title="Accounts")


# Routes that misbehave, for the fetch limits.
limits = leaky_routes(FastAPI(title="Limits"))


@limits.get("/slow/openapi.json", include_in_schema=False)
async def slow_openapi() -> JSONResponse:
    await asyncio.sleep(30)
    return JSONResponse(limits.openapi())


@limits.get("/big/openapi.json", include_in_schema=False)
def big_openapi() -> StreamingResponse:
    # No Content-Length: the size cap must hold while streaming, not only when the server declares a size.
    def chunks():  # type: ignore[no-untyped-def]
        yield b'{"openapi": "3.1.0", "info": {"title": "Big", "version": "1"}, "x-padding": "'
        for _ in range(256):
            yield b"x" * 1024
        yield b'"}'

    return StreamingResponse(chunks(), media_type="application/json")


@limits.get("/to-file", include_in_schema=False)
def redirect_to_file() -> RedirectResponse:
    return RedirectResponse("file:///etc/passwd")


@limits.get("/loop", include_in_schema=False)
def redirect_loop() -> RedirectResponse:
    return RedirectResponse("/loop")


@limits.get("/spec.txt", include_in_schema=False)
def plain_text() -> Response:
    return Response("this is not an API description", media_type="text/plain")


# The in-app helper: the same leaky app, serving its redacted description.
redacted = serve_redacted(leaky_routes(FastAPI(title="Accounts")))
