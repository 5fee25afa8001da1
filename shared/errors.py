"""Reason codes for dead letters, and the exception that carries one.

One policy per class of error: bad input becomes a dead letter with one of these codes and the stage
carries on; broker or infrastructure failures raise and the supervisor restarts the stage.
"""

from __future__ import annotations

INVALID_UTF8 = "invalid_utf8"
INVALID_JSON = "invalid_json"
NOT_AN_OBJECT = "not_an_object"
MISSING_ID = "missing_id"
EMPTY_ID = "empty_id"
MISSING_BODY = "missing_body"
EMPTY_BODY = "empty_body"
WRONG_TYPE = "wrong_type"
INVALID_FIELD = "invalid_field"
BODY_TOO_LARGE = "body_too_large"
NO_LETTERS = "no_letters"
INVALID_PUBLISHED_AT = "invalid_published_at"
UNDECODABLE_MESSAGE = "undecodable_message"
EXTRACTOR_FAILED = "extractor_failed"
PARSE_FAILED = "parse_failed"
INTERNAL_ERROR = "internal_error"
UNREADABLE = "unreadable"  # offline only: a file that cannot be read
NOT_ENGLISH = "not_english"

#: Every reason a dead letter can carry; also the bounded label set of `news_dead_letters_total`.
REASONS = (
    INVALID_UTF8, INVALID_JSON, NOT_AN_OBJECT, MISSING_ID, EMPTY_ID, MISSING_BODY, EMPTY_BODY,
    WRONG_TYPE, INVALID_FIELD, BODY_TOO_LARGE, NO_LETTERS, INVALID_PUBLISHED_AT,
    UNDECODABLE_MESSAGE, EXTRACTOR_FAILED, PARSE_FAILED, INTERNAL_ERROR,
)


class Rejected(Exception):
    """Input that cannot be processed: it goes to the dead-letter topic with `reason`."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message
