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


def test_the_decoding_vocabulary_is_replaced_before_it_grows_without_bound(nlp, monkeypatch):
    from shared.nlp import docs

    encoded = [a.doc_b64 for a in annotate(
        [article(f"Minister Zorbanek{i} met envoy Quillery{i} in Vaduz on day {i}.") for i in range(6)], nlp=nlp)]
    monkeypatch.setattr(docs, "MAX_VOCAB_STRINGS", len(docs.shared_vocab().strings) + 10)
    decoded = [decode_doc_b64(data) for data in encoded]
    assert len({id(d.vocab) for d in decoded}) > 1  # a fresh vocabulary took over on the way
    assert len(docs.shared_vocab().strings) <= docs.MAX_VOCAB_STRINGS + 50
    for i, doc in enumerate(decoded):  # and every doc still reads right
        assert f"Zorbanek{i}" in doc.text and [e.text for e in doc.ents if e.label_ == "GPE"] == ["Vaduz"]


def test_the_wire_form_is_byte_for_byte_spacys_docbin(nlp):
    """The faster encoder writes exactly what `DocBin` writes, so any spaCy reads it."""
    from spacy.tokens import DocBin

    from shared.nlp import docs

    body = ("Fumio Kishida will visit Seoul on Friday, the ministry said. \"We're ready,\" "
            "Hayashi told reporters at 10:30 a.m. -- 3.5% higher than in 2023!\n\nIt rained.")
    parsed = list(nlp.pipe([body, "Kishida to visit Seoul"]))
    reference = DocBin(attrs=docs.ATTRS, store_user_data=False)
    for doc in parsed:
        reference.add(doc)
    assert docs.encode_doc(parsed[0], parsed[1]) == reference.to_bytes()
    assert docs.encode_doc(parsed[0]) != reference.to_bytes()  # the comparison can fail


def test_srsly_msgpack_hooks_are_read_once_and_still_complete():
    import catalogue
    import srsly

    hooks = srsly.msgpack.msgpack_decoders
    first = hooks.get_all()
    assert "numpy" in first and hooks.get_all() is first  # not scanned again
    hooks.register("newsflash_test", func=lambda obj, chain=None: obj if chain is None else chain(obj))
    try:
        assert "newsflash_test" in hooks.get_all()  # a new registration is seen
    finally:
        catalogue.REGISTRY.pop((*hooks.namespace, "newsflash_test"))
    assert "newsflash_test" not in hooks.get_all()
