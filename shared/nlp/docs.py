"""The parse's wire form: one spaCy DocBin per article, base64 inside the annotated message."""

from __future__ import annotations

import base64
import functools

import spacy
from spacy.tokens import Doc, DocBin
from spacy.vocab import Vocab

# Everything the extractors read: tags, morphology, lemmas, the dependency tree, entities, sentences.
ATTRS = ["ORTH", "NORM", "TAG", "POS", "MORPH", "LEMMA", "HEAD", "DEP", "ENT_IOB", "ENT_TYPE",
         "ENT_KB_ID", "SENT_START"]


@functools.lru_cache(maxsize=1)
def shared_vocab() -> Vocab:
    """A vocabulary for decoding; the parse carries its own strings, so a blank English one does."""
    return spacy.blank("en").vocab


#: Where a decoded body doc carries the parse of the article's headline, when it has one.
HEADLINE_KEY = "newsflash.headline"


def encode_doc(doc: Doc, headline: Doc | None = None) -> bytes:
    """The body's parse, then the headline's when there is one, in one DocBin."""
    bin_ = DocBin(attrs=ATTRS, store_user_data=False)
    bin_.add(doc)
    if headline is not None:
        bin_.add(headline)
    return bin_.to_bytes()


#: Strings the decoding vocabulary may hold before a fresh one replaces it. Every article adds
#: its new names and numbers for good (about 35 an article on BBC news), so a stage that runs for
#: months would grow without bound; 100,000 strings are a few tens of MB.
MAX_VOCAB_STRINGS = 100_000


def decoding_vocab() -> Vocab:
    """The shared decoding vocabulary, replaced once it holds `MAX_VOCAB_STRINGS` strings. Docs
    decoded before keep the old one alive only as long as they live themselves."""
    vocab = shared_vocab()
    if len(vocab.strings) > MAX_VOCAB_STRINGS:
        shared_vocab.cache_clear()
        vocab = shared_vocab()
    return vocab


def decode_doc(data: bytes, vocab: Vocab | None = None) -> Doc:
    """The body's doc; the headline's doc, if any, is at `doc.user_data[HEADLINE_KEY]`."""
    docs = list(DocBin().from_bytes(data).get_docs(vocab or decoding_vocab()))
    if len(docs) not in (1, 2):
        raise ValueError(f"expected the body's parse and at most a headline's, found {len(docs)} docs")
    return with_headline(docs[0], docs[1] if len(docs) == 2 else None)


def with_headline(doc: Doc, headline: Doc | None) -> Doc:
    """`doc`, carrying `headline` where `headline_doc` finds it: what decoding a parse gives."""
    if headline is not None:
        doc.user_data[HEADLINE_KEY] = headline
    return doc


_TEXT_KEY = "newsflash.text"


def doc_text(doc: Doc) -> str:
    """`doc.text`, computed once per doc: spaCy rebuilds it from every token on each access."""
    text = doc.user_data.get(_TEXT_KEY)
    if text is None:
        text = doc.user_data[_TEXT_KEY] = doc.text
    return text


def headline_doc(doc: Doc) -> Doc | None:
    """The parse of the article's headline (offsets index `article.headline`), or None."""
    return doc.user_data.get(HEADLINE_KEY)


def encode_doc_b64(doc: Doc, headline: Doc | None = None) -> str:
    return base64.b64encode(encode_doc(doc, headline)).decode("ascii")


def decode_doc_b64(data: str, vocab: Vocab | None = None) -> Doc:
    return decode_doc(base64.b64decode(data), vocab)
