"""Property: every pure extractor, on arbitrary text, never raises, and every offset it returns
lies inside the body and slices to the text it claims."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from services.extractors import EXTRACTORS
from shared.nlp.docs import decode_doc, encode_doc
from shared.nlp.model import parse_bodies
from shared.schemas import Article, ReferenceDate

WORDS = ["Kishida", "said", "Seoul", "on", "Friday", '"', "\u201c", "\u201d", "'", "he", "will", "not",
         "visit", "the", "President", "Yoon", "Japan's", "LDP", "(", ")", ",", ".", "\n", "\n\n", "met",
         "in", "May", "2023", "according", "to", "attack", "—", "-", "told", "reporters", "last", "week",
         "<b>", "</b>", "\x00", "é", "SEOUL", "(AFP)", "Sept", "3", "Tuesday", "summit", "United", "States"]

texts = st.one_of(
    st.text(min_size=1, max_size=400),
    st.lists(st.sampled_from(WORDS), min_size=1, max_size=80).map(" ".join),
)


def spans(obj: Any, path: str = "") -> list[tuple[str, dict[str, Any]]]:
    found = []
    if isinstance(obj, dict):
        if {"start", "end", "text"} <= obj.keys() and isinstance(obj["start"], int):
            found.append((path, obj))
        for key, value in obj.items():
            found.extend(spans(value, f"{path}.{key}"))
    elif isinstance(obj, list):
        for i, value in enumerate(obj):
            found.extend(spans(value, f"{path}[{i}]"))
    return found


@pytest.fixture(scope="module")
def extractors():
    return [(e.name, e.load()) for e in EXTRACTORS]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=texts, ref=st.dates(min_value=date(1990, 1, 1), max_value=date(2030, 12, 31)))
def test_extractors_never_raise_and_offsets_hold(nlp, extractors, body, ref):
    article = Article(id="prop", body=body, reference_date=ReferenceDate(date=ref, source="dateline"),
                      content_hash="h", ingested_at=datetime(2024, 1, 1, tzinfo=UTC), headline="Headline")
    doc = decode_doc(encode_doc(next(parse_bodies([body], nlp=nlp))))
    for name, extract in extractors:
        for message in extract(article, doc):
            data = message.model_dump(mode="json")
            for path, span in spans(data):
                if span.get("field") == "headline":
                    text = article.headline or ""
                else:
                    text = body
                assert 0 <= span["start"] <= span["end"] <= len(text), (name, path, span)
                assert text[span["start"]:span["end"]] == span["text"], (name, path, span)
