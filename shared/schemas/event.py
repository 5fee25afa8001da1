"""Events on `news.events.v1`: one message per event, the article's main event first."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from shared.schemas.common import Message, Span

EVENT_VERSION = 1

EventStatus = Literal["occurred", "ongoing", "planned", "negated", "hypothetical"]


class Trigger(Span):
    """The word that names the event; offsets index the body, or the headline when `field` is
    `headline` (the main event as the headline states it, when the body does not restate it)."""

    lemma: str
    field: Literal["body", "headline"] = "body"


class Actor(Message):
    role: Literal["agent", "patient", "participant", "recipient"]
    mention: Span
    entity_id: str | None = None
    name: str | None = None
    type: str | None = None


class EventLocation(Message):
    mention: Span | None = None
    name: str
    entity_id: str | None = None
    country_code: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    geonames_id: int | None = None
    source: Literal["text", "dateline"] = "text"


class EventTime(Message):
    mention: Span | None = None
    value: str = Field(description="TIMEX3 value resolved against the reference date")
    source: Literal["text", "reference_date"] = "text"


class Event(Message):
    schema_version: int = EVENT_VERSION
    id: str
    article_id: str
    content_hash: str
    rank: int = Field(description="0 for the article's main event, then by importance")
    type: str = Field(description="Newsflash event type; see services/events/TAXONOMY.md")
    cameo: str | None = Field(default=None, description="CAMEO root code, where one exists")
    trigger: Trigger
    actors: list[Actor] = Field(default_factory=list)
    location: EventLocation | None = None
    time: EventTime
    status: EventStatus
    evidence: Span
    confidence: float = Field(ge=0.0, le=1.0)
