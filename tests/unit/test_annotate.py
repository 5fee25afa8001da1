"""Annotate's pure logic: one parse per article (body + headline), faithful on the wire."""

from __future__ import annotations

from datetime import UTC, date, datetime

from services.annotate.pipeline import annotate
from shared.nlp.docs import decode_doc_b64, headline_doc
from shared.schemas import Article, ReferenceDate


def article(body: str, headline: str | None = None, language: str | None = None) -> Article:
    return Article(id="a", body=body, headline=headline, language=language, content_hash="h",
                   reference_date=ReferenceDate(date=date(2024, 9, 3), source="dateline"),
                   ingested_at=datetime(2024, 9, 3, tzinfo=UTC), language_detected="en")


def test_body_and_headline_are_parsed_once_and_travel_together(nlp):
    arts = [article("Kishida will visit Seoul on Friday.", "JAPAN PM TO VISIT SEOUL"),
            article("No headline here, the minister said.")]
    first, second = annotate(arts, nlp=nlp)
    doc = decode_doc_b64(first.doc_b64)
    assert doc.text == arts[0].body
    assert headline_doc(doc).text == "JAPAN PM TO VISIT SEOUL"
    assert [t.dep_ for t in doc] == [t.dep_ for t in nlp(arts[0].body)]
    assert [e.text for e in doc.ents] == [e.text for e in nlp(arts[0].body).ents]
    assert headline_doc(decode_doc_b64(second.doc_b64)) is None


def test_markup_is_blanked_for_the_parse_and_offsets_hold(nlp):
    body = "<p>The <b>mayor</b> of Lyon spoke.</p>"
    doc = decode_doc_b64(next(annotate([article(body)], nlp=nlp)).doc_b64)
    assert len(doc.text) == len(body)
    lyon = next(e for e in doc.ents if e.text == "Lyon")
    assert body[lyon.start_char:lyon.end_char] == "Lyon"


def test_non_english_is_passed_on_unparsed_with_a_reason(nlp):
    out = next(annotate([article("Texte en français.", language="fr")], nlp=nlp))
    assert out.doc_b64 is None and out.skipped_reason == "not_english"
