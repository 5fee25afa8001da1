"""Quotes on `news.quotes.v1`: one message per quote, with its cue and resolved speaker."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from shared.schemas.common import Message, Span
from shared.schemas.entity import Role

QUOTE_VERSION = 1


class Cue(Span):
    """The reporting verb or phrase ('said', 'according to')."""

    lemma: str


class Speaker(Message):
    mention: Span | None = Field(default=None, description="The speaker as written ('he', 'Hayashi')")
    entity_id: str | None = None
    name: str | None = Field(default=None, description="Canonical name; null for an unresolved description")
    type: str | None = None
    role: Role | None = None


class Quote(Message):
    schema_version: int = QUOTE_VERSION
    id: str
    article_id: str
    content_hash: str
    kind: Literal["direct", "indirect", "mixed"]
    text: str
    start: int
    end: int
    fragments: list[Span] = Field(default_factory=list)
    cue: Cue | None = None
    speaker: Speaker
