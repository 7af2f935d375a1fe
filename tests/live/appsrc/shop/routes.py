"""Routes, on a router with a prefix."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter

from shop.models import Customer, Page, ServerError

router = APIRouter(prefix="/v1")


def audited(function: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return function(*args, **kwargs)

    return wrapper


@router.get("/customers", response_model=Page[Customer], responses={500: {"model": ServerError}})
def list_customers() -> Any:
    return {"items": [], "total": 0}


@router.post("/internal/reindex")
@audited
def reindex_everything() -> dict[str, str]:
    return {}
