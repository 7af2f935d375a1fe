"""Models of a small shop service, split across modules the way teams write them."""

from __future__ import annotations

from typing import Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

T = TypeVar("T")


class CustomerBase(BaseModel):
    id: int
    email: str = Field(max_length=254)
    password_hash: str  # declared on the base class: the location must name CustomerBase


class Customer(CustomerBase):
    model_config = ConfigDict(populate_by_name=True)

    display_name: str
    api_secret: str = Field(alias="apiSecret")


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int


class ServerError(BaseModel):
    detail: str
    stack_trace: list[str] = Field(default_factory=list)
