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


def encode_doc(doc: Doc) -> bytes:
    bin_ = DocBin(attrs=ATTRS, store_user_data=False)
    bin_.add(doc)
    return bin_.to_bytes()


def decode_doc(data: bytes, vocab: Vocab | None = None) -> Doc:
    docs = list(DocBin().from_bytes(data).get_docs(vocab or shared_vocab()))
    if len(docs) != 1:
        raise ValueError(f"expected one parsed doc, found {len(docs)}")
    return docs[0]


def encode_doc_b64(doc: Doc) -> str:
    return base64.b64encode(encode_doc(doc)).decode("ascii")


def decode_doc_b64(data: str, vocab: Vocab | None = None) -> Doc:
    return decode_doc(base64.b64decode(data), vocab)
