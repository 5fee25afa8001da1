"""Dead letters on `news.dead-letters.v1`: what a stage could not process, with the original bytes."""

from __future__ import annotations

import base64
from datetime import datetime

from pydantic import Field

from shared.schemas.common import Message

DEAD_LETTER_VERSION = 1


class DeadLetter(Message):
    schema_version: int = DEAD_LETTER_VERSION
    stage: str
    reason: str = Field(description="A stable reason code such as `invalid_json` or `body_too_large`")
    error: str = Field(description="Human-readable explanation")
    topic: str
    partition: int | None = None
    offset: int | None = None
    key_b64: str | None = None
    value_b64: str = Field(description="The original message bytes, base64")
    failed_at: datetime

    def original_bytes(self) -> bytes:
        return base64.b64decode(self.value_b64)

    def original_key(self) -> bytes | None:
        return base64.b64decode(self.key_b64) if self.key_b64 is not None else None
