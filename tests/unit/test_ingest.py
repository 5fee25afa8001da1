"""Ingest's pure logic: every bad input gets its own reason; odd but valid input goes through."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest

from services.ingest.pipeline import content_hash, ingest, normalise_article, validate_object
from shared import errors
from shared.errors import Rejected
from shared.schemas import RawArticle

NOW = datetime(2024, 9, 10, 12, 0, tzinfo=UTC)
LIMIT = 1_000_000


def reason_for(value: bytes, limit: int = LIMIT) -> str:
    with pytest.raises(Rejected) as info:
        ingest(value, max_body_bytes=limit, now=NOW)
    assert info.value.message  # a human-readable explanation always comes with the code
    return info.value.reason


@pytest.mark.parametrize(("value", "reason"), [
    (b"this is not json", errors.INVALID_JSON),
    (b'{"id": "a", "body": ', errors.INVALID_JSON),
    (b"[1, 2, 3]", errors.NOT_AN_OBJECT),
    (b'"just a string"', errors.NOT_AN_OBJECT),
    (b'{"body": "Some text here."}', errors.MISSING_ID),
    (b'{"id": "", "body": "Some text here."}', errors.EMPTY_ID),
    (b'{"id": "   ", "body": "Some text here."}', errors.EMPTY_ID),
    (b'{"id": "a"}', errors.MISSING_BODY),
    (b'{"id": "a", "body": ""}', errors.EMPTY_BODY),
    (b'{"id": "a", "body": "   \\n  "}', errors.EMPTY_BODY),
    (b'{"id": 42, "body": "Some text here."}', errors.WRONG_TYPE),
    (b'{"id": "a", "body": ["Some", "text"]}', errors.WRONG_TYPE),
    (b'{"id": "a", "body": "Some text.", "headline": 7}', errors.WRONG_TYPE),
    (b'{"id": "a", "body": "12 345 67.8 -- !!"}', errors.NO_LETTERS),
    (b'{"id": "a", "body": "Text.", "published_at": "last Tuesday"}', errors.INVALID_PUBLISHED_AT),
    (b'{"id": "a", "body": "Text.", "published_at": "2024-09-03T10:00:00"}', errors.INVALID_PUBLISHED_AT),
    (b'\xff\xfe{"id": "a"}', errors.INVALID_UTF8),
    (b'{"id": "a", "body": "caf\xe9"}', errors.INVALID_UTF8),
])
def test_bad_input_gets_a_specific_reason(value, reason):
    assert reason_for(value) == reason


def test_body_over_the_limit():
    value = json.dumps({"id": "a", "body": "word " * 300}).encode()
    assert reason_for(value, limit=1000) == errors.BODY_TOO_LARGE
    assert ingest(value, max_body_bytes=2000, now=NOW).id == "a"


def test_odd_but_valid_input_is_processed():
    body = "<p>The <b>minister</b> said\x07 \"we will act\u201d.</p> " + "word " * 5000
    article = ingest(json.dumps({"id": "odd", "body": body}).encode(), max_body_bytes=LIMIT, now=NOW)
    assert article.body == body  # offsets keep indexing the body as received


def test_reference_date_prefers_dateline_then_published_at_then_ingest():
    with_dateline = RawArticle(id="a", body="SEOUL, Sept 3, 2024 (BSS/AFP) - Text.",
                               published_at=datetime(2024, 9, 4, tzinfo=UTC))
    art = normalise_article(with_dateline, now=NOW)
    assert (art.reference_date.date, art.reference_date.source) == (date(2024, 9, 3), "dateline")
    assert art.dateline.agencies == ["BSS", "AFP"] and art.source == "AFP"
    published = RawArticle(id="b", body="Text without dateline.", published_at=datetime(2024, 9, 4, 23, tzinfo=UTC))
    art = normalise_article(published, now=NOW)
    assert (art.reference_date.date, art.reference_date.source) == (date(2024, 9, 4), "published_at")
    art = normalise_article(RawArticle(id="c", body="Nothing at all."), now=NOW)
    assert (art.reference_date.date, art.reference_date.source) == (NOW.date(), "ingested_at")


def test_content_hash_tells_versions_apart():
    a = RawArticle(id="x", body="First version.")
    b = RawArticle(id="x", body="Second version.")
    assert content_hash(a) == content_hash(RawArticle(id="y", body="First version."))
    assert content_hash(a) != content_hash(b)


def test_language_is_detected_and_marked():
    french = ("Le président de la République a annoncé mardi que le gouvernement allait présenter "
              "un nouveau projet de loi sur les retraites dans les prochains jours.")
    art = normalise_article(validate_object({"id": "fr", "body": french}, max_body_bytes=LIMIT), now=NOW)
    assert art.language_detected == "fr"


def test_a_lone_surrogate_is_an_invalid_field_not_a_crash():
    assert reason_for(b'{"id": "a", "body": "Hello \\ud800 world"}') == errors.INVALID_FIELD
    assert reason_for(b'{"id": "a", "body": "Hello", "headline": "\\udfff"}') == errors.INVALID_FIELD
