"""Entities on `news.entities.v1`: one message per distinct entity per article."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from shared.schemas.common import Message, Span

ENTITY_VERSION = 1


class Mention(Span):
    """One mention; offsets index the body, or the headline when `field` is `headline`."""

    field: Literal["body", "headline"] = "body"
    value: str | None = Field(default=None, description="TIMEX3 value, for time expressions")


class Role(Message):
    """A person's role as the text gives it: 'Japan's outgoing Prime Minister'."""

    title: str
    qualifier: str | None = None
    affiliation: str | None = None
    country_code: str | None = None


class Place(Message):
    """Where a GPE/LOC/NORP/FAC is, resolved offline from GeoNames data."""

    country_code: str | None = Field(default=None, description="ISO 3166-1 alpha-2")
    country_name: str | None = None
    kind: Literal["country", "city", "region", "demonym", "continent", "other"] = "other"
    latitude: float | None = None
    longitude: float | None = None
    geonames_id: int | None = None


class Salience(Message):
    mentions: int
    first_offset: int
    in_headline: bool


class Entity(Message):
    schema_version: int = ENTITY_VERSION
    id: str
    article_id: str
    content_hash: str
    type: str = Field(description="OntoNotes label, plus DURATION for time spans")
    name: str = Field(description="Canonical form within the article")
    mentions: list[Mention]
    salience: Salience
    roles: list[Role] = Field(default_factory=list)
    place: Place | None = None
    value: str | None = Field(default=None, description="TIMEX3 value for DATE/TIME/DURATION/SET")
