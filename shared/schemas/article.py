"""Articles: what users publish (`RawArticle`) and what the ingest stage emits (`Article`)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import AwareDatetime, Field, field_validator

from shared.schemas.common import Message, Span

RAW_ARTICLE_VERSION = 1
ARTICLE_VERSION = 1


class RawArticle(Message):
    """Published by users on `news.articles.raw.v1`. Offsets everywhere index `body` as received."""

    schema_version: int = RAW_ARTICLE_VERSION
    id: str = Field(min_length=1, max_length=512)
    body: str = Field(min_length=1)
    headline: str | None = None
    url: str | None = None
    source: str | None = None
    published_at: AwareDatetime | None = None
    language: str | None = None

    @field_validator("id")
    @classmethod
    def _id_not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("id is blank")
        return value


class Dateline(Message):
    """A wire-style opening such as `SEOUL, Sept 3, 2024 (BSS/AFP) -`."""

    place: str | None = None
    date: dt.date | None = None
    agencies: list[str] = Field(default_factory=list)
    span: Span


class ReferenceDate(Message):
    """The date relative expressions are resolved against, and where it came from."""

    date: dt.date
    source: Literal["dateline", "published_at", "ingested_at"]


class Article(Message):
    """A validated, normalised article on `news.articles.v1`."""

    schema_version: int = ARTICLE_VERSION
    id: str
    body: str
    headline: str | None = None
    url: str | None = None
    source: str | None = None
    published_at: dt.datetime | None = None
    language: str | None = None
    language_detected: str | None = None
    dateline: Dateline | None = None
    reference_date: ReferenceDate
    content_hash: str
    ingested_at: dt.datetime
