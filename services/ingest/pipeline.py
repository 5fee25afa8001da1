"""Ingest's pure logic: raw bytes -> validated `RawArticle` -> normalised `Article`.

Every failure raises `Rejected` with a specific reason code; nothing here knows about Kafka.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

from pydantic import ValidationError

from shared import errors
from shared.dateline import parse_dateline
from shared.errors import Rejected
from shared.language import detect_language
from shared.nlp.text import has_letters
from shared.schemas import Article, Dateline, RawArticle, ReferenceDate, Span


def content_hash(raw: RawArticle) -> str:
    """Identifies one version of an article: same headline and body, same hash."""
    digest = hashlib.sha256()
    digest.update((raw.headline or "").encode("utf-8"))
    digest.update(b"\x00")
    digest.update(raw.body.encode("utf-8"))
    return digest.hexdigest()[:32]


def _field_reason(err: dict[str, Any]) -> tuple[str, str]:
    field = str(err["loc"][0]) if err["loc"] else ""
    kind = err["type"]
    if field == "id":
        if kind == "missing":
            return errors.MISSING_ID, "the article has no `id`"
        if kind in ("string_too_short", "value_error"):
            return errors.EMPTY_ID, "the article's `id` is empty"
    if field == "body":
        if kind == "missing":
            return errors.MISSING_BODY, "the article has no `body`"
        if kind == "string_too_short":
            return errors.EMPTY_BODY, "the article's `body` is empty"
    if field == "published_at":
        return errors.INVALID_PUBLISHED_AT, f"`published_at` is not an ISO 8601 time with a zone: {err['msg']}"
    if kind.endswith("_type") or kind == "string_type":
        return errors.WRONG_TYPE, f"`{field}` has the wrong type: {err['msg']}"
    return errors.INVALID_FIELD, f"`{field}`: {err['msg']}"


def validate_raw(value: bytes, *, max_body_bytes: int) -> RawArticle:
    """Parse and validate what a user published; raises `Rejected` with a precise reason."""
    try:
        text = value.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Rejected(errors.INVALID_UTF8, f"not valid UTF-8 at byte {exc.start}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise Rejected(errors.INVALID_JSON, f"not JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from None
    return validate_object(data, max_body_bytes=max_body_bytes)


def validate_object(data: Any, *, max_body_bytes: int) -> RawArticle:
    if not isinstance(data, dict):
        raise Rejected(errors.NOT_AN_OBJECT, f"JSON {type(data).__name__} where an object was expected")
    for field, value in data.items():
        if isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError as exc:
                # Valid JSON can still escape a lone surrogate, which is no character at all.
                raise Rejected(errors.INVALID_FIELD, f"`{field}` holds an invalid character at {exc.start}") from None
    body = data.get("body")
    if isinstance(body, str) and len(body.encode("utf-8")) > max_body_bytes:
        raise Rejected(
            errors.BODY_TOO_LARGE, f"body of {len(body.encode('utf-8'))} bytes is over the {max_body_bytes}-byte limit"
        )
    try:
        raw = RawArticle.model_validate(data, strict=False)
    except ValidationError as exc:
        # The first error decides the reason; the message lists them all.
        reason, message = _field_reason(exc.errors()[0])
        extra = len(exc.errors()) - 1
        raise Rejected(reason, message + (f" (and {extra} more)" if extra else "")) from None
    if not raw.body.strip():
        raise Rejected(errors.EMPTY_BODY, "the article's `body` is blank")
    if not has_letters(raw.body):
        raise Rejected(errors.NO_LETTERS, "the body has no letters")
    return raw


def normalise_article(raw: RawArticle, *, now: datetime | None = None) -> Article:
    """The validated article plus dateline, reference date, language and content hash."""
    now = now or datetime.now(UTC)
    fallback = (raw.published_at or now).date()
    parsed = parse_dateline(raw.body, fallback)
    dateline = None
    if parsed is not None:
        dateline = Dateline(
            place=parsed.place,
            date=parsed.date,
            agencies=list(parsed.agencies),
            span=Span(start=parsed.start, end=parsed.end, text=raw.body[parsed.start : parsed.end]),
        )
    if dateline is not None and dateline.date is not None:
        reference = ReferenceDate(date=dateline.date, source="dateline")
    elif raw.published_at is not None:
        reference = ReferenceDate(date=raw.published_at.date(), source="published_at")
    else:
        reference = ReferenceDate(date=now.date(), source="ingested_at")
    source = raw.source
    if source is None and dateline is not None and dateline.agencies:
        source = dateline.agencies[-1]
    return Article(
        id=raw.id,
        body=raw.body,
        headline=raw.headline,
        url=raw.url,
        source=source,
        published_at=raw.published_at,
        language=raw.language,
        language_detected=detect_language(raw.body),
        dateline=dateline,
        reference_date=reference,
        content_hash=content_hash(raw),
        ingested_at=now,
    )


def ingest(value: bytes, *, max_body_bytes: int, now: datetime | None = None) -> Article:
    return normalise_article(validate_raw(value, max_body_bytes=max_body_bytes), now=now)
