"""Every span an extractor publishes slices the body as received.

Extractors read the parse, whose text is the body with markup and control characters blanked
(same length, same offsets). Before they publish, `with_body_texts` re-takes each span's `text`
from the original body, so `body[start:end] == text` holds for subscribers, markup included.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from pydantic import BaseModel

M = TypeVar("M", bound=BaseModel)


def _restore(model: BaseModel, body: str) -> None:
    fields = type(model).model_fields
    if {"start", "end", "text"} <= fields.keys() and getattr(model, "field", "body") == "body":
        model.text = body[model.start:model.end]  # type: ignore[attr-defined]
    for name in fields:
        value = getattr(model, name)
        if isinstance(value, BaseModel):
            _restore(value, body)
        elif isinstance(value, list):
            for item in value:
                if isinstance(item, BaseModel):
                    _restore(item, body)


def with_body_texts(messages: Sequence[M], body: str, parsed_text: str) -> list[M]:
    """`messages` with every body span's text taken from `body` (a no-op when nothing was blanked)."""
    if parsed_text == body:
        return list(messages)
    for message in messages:
        _restore(message, body)
    return list(messages)
