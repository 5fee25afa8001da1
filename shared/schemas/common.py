"""Building blocks shared by every message: the versioned base model and text spans."""

from __future__ import annotations

import hashlib

from pydantic import BaseModel, ConfigDict, Field


class Message(BaseModel):
    """Base of every message on a topic. Unknown fields are ignored so old readers keep working."""

    model_config = ConfigDict(extra="ignore", frozen=False)


class Span(BaseModel):
    """A stretch of the article body: `body[start:end] == text`."""

    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str


def message_id(article_id: str, content_hash: str, kind: str, *parts: object) -> str:
    """Deterministic id: the same article version and the same thing described give the same id."""
    raw = "\x1f".join([article_id, content_hash, kind, *(str(p) for p in parts)])
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:24]
