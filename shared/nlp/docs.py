"""The parse's wire form: one spaCy DocBin per article, base64 inside the annotated message."""

from __future__ import annotations

import base64
import functools
from typing import Any

import catalogue
import numpy
import spacy
import srsly.msgpack
from spacy.attrs import DEP, ENT_ID, ENT_KB_ID, ENT_TYPE, LEMMA, MORPH, NORM, ORTH, SPACY, TAG
from spacy.tokens import Doc, DocBin
from spacy.vocab import Vocab

# Everything the extractors read: tags, morphology, lemmas, the dependency tree, entities, sentences.
ATTRS = ["ORTH", "NORM", "TAG", "POS", "MORPH", "LEMMA", "HEAD", "DEP", "ENT_IOB", "ENT_TYPE",
         "ENT_KB_ID", "SENT_START"]


class _ReadOnce:
    """One of srsly's msgpack hook registries, read again only when something registers. srsly
    asks for its hooks on every pack and unpack, and the registry answers by scanning every
    installed package's entry points and catalogue's whole table: about 0.9 ms a call, once to
    encode an article's parse and once in each of the three stages that decode it."""

    def __init__(self, registry: Any) -> None:
        self._registry = registry
        self._size = -1
        self._all: dict[str, Any] = {}

    def get_all(self) -> dict[str, Any]:
        size = len(catalogue.REGISTRY)
        if size != self._size:
            self._all, self._size = self._registry.get_all(), size
        return self._all

    def __getattr__(self, name: str) -> Any:
        return getattr(self._registry, name)


for _name in ("msgpack_encoders", "msgpack_decoders"):
    if not isinstance(getattr(srsly.msgpack, _name), _ReadOnce):
        setattr(srsly.msgpack, _name, _ReadOnce(getattr(srsly.msgpack, _name)))

#: The token attributes whose strings a DocBin carries (as `DocBin.add` collects them).
_STRING_ATTRS = [ORTH, TAG, LEMMA, NORM, DEP, ENT_TYPE, ENT_KB_ID, ENT_ID]


class _WireBin(DocBin):
    """A DocBin whose `add` reads the strings off the token arrays, once per distinct value,
    instead of building a Token object per token and asking it nine times (1.7 of the 2.2 ms
    it took to encode an article). Same bytes as `DocBin` (tests/unit/test_annotate.py)."""

    def add(self, doc: Doc) -> None:
        if doc.spans or doc.cats or self.store_user_data:
            super().add(doc)  # what the parse never has: the general path
            return
        self.tokens.append(doc.to_array(self.attrs).reshape(len(doc), len(self.attrs)))
        self.spaces.append(numpy.asarray(doc.to_array(SPACY).reshape(len(doc), 1), dtype=bool))
        self.flags.append({"has_unknown_spaces": doc.has_unknown_spaces})
        strings = doc.vocab.strings
        self.strings.update(strings[int(key)] for key in numpy.unique(doc.to_array(_STRING_ATTRS)))
        # A token's morphology goes in as `str(token.morph)`, which is "" where the store has "_".
        self.strings.update("" if (feats := strings[int(key)]) == "_" else feats
                            for key in numpy.unique(doc.to_array(MORPH)))
        self.cats.append(doc.cats)
        self.span_groups.append(doc.spans.to_bytes())


@functools.lru_cache(maxsize=1)
def shared_vocab() -> Vocab:
    """A vocabulary for decoding; the parse carries its own strings, so a blank English one does."""
    return spacy.blank("en").vocab


#: Where a decoded body doc carries the parse of the article's headline, when it has one.
HEADLINE_KEY = "newsflash.headline"


def encode_doc(doc: Doc, headline: Doc | None = None) -> bytes:
    """The body's parse, then the headline's when there is one, in one DocBin."""
    bin_ = _WireBin(attrs=ATTRS, store_user_data=False)
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
#: What follows a token, by its SPACY flag.
_GAPS = numpy.array(["", " "], dtype=object)


def doc_text(doc: Doc, words: list[str] | None = None) -> str:
    """`doc.text`, computed once per doc: spaCy rebuilds it from every token on each access. A
    caller that has read every token's text already (`words`, as `Token.text`) saves building a
    Token object per token: the text is joined from them and the trailing-space flags."""
    text = doc.user_data.get(_TEXT_KEY)
    if text is None:
        if words is None:
            text = doc.text
        else:
            if len(words) != len(doc):
                raise ValueError(f"{len(words)} words for a doc of {len(doc)} tokens")
            pieces = [""] * (2 * len(words))
            pieces[::2] = words
            pieces[1::2] = _GAPS[doc.to_array(SPACY)].tolist()
            text = "".join(pieces)
        doc.user_data[_TEXT_KEY] = text
    return text


def headline_doc(doc: Doc) -> Doc | None:
    """The parse of the article's headline (offsets index `article.headline`), or None."""
    return doc.user_data.get(HEADLINE_KEY)


def encode_doc_b64(doc: Doc, headline: Doc | None = None) -> str:
    return base64.b64encode(encode_doc(doc, headline)).decode("ascii")


def decode_doc_b64(data: str, vocab: Vocab | None = None) -> Doc:
    return decode_doc(base64.b64decode(data), vocab)
