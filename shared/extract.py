"""Extraction over an annotated article: the one code path behind the extractor stages and
`newsflash extract`. Decodes the parse, calls a stage's pure function, and turns any failure into
a rejection with a reason, so one bad article never stops a stage or a backfill."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, ValidationError

from shared import errors, kafka
from shared.errors import Rejected
from shared.nlp import geo
from shared.nlp.docs import decode_doc_b64, shared_vocab
from shared.schemas import AnnotatedArticle, Article
from shared.stage import Outcome

log = logging.getLogger("newsflash")

ExtractFn = Callable[[Article, Any], list[BaseModel]]


def decode_annotated(raw: bytes) -> AnnotatedArticle:
    try:
        return kafka.decode(AnnotatedArticle, raw)
    except (ValidationError, ValueError) as exc:
        raise Rejected(errors.UNDECODABLE_MESSAGE, f"not an annotated article: {str(exc)[:300]}") from None


def decode_parse(annotated: AnnotatedArticle) -> Any | None:
    """The annotated article's parse as a spaCy doc; None when the article was not parsed."""
    if annotated.doc_b64 is None:
        return None
    try:
        return decode_doc_b64(annotated.doc_b64)
    except Exception as exc:  # noqa: BLE001 - a corrupt parse is bad input, not a crash
        raise Rejected(errors.UNDECODABLE_MESSAGE, f"the parse does not decode: {exc}") from None


def run_extractor(extract: ExtractFn, article: Article, doc: Any) -> list[BaseModel]:
    """The stage's messages for one parsed article; an extractor's failure becomes a rejection."""
    try:
        return list(extract(article, doc))
    except Exception as exc:  # noqa: BLE001 - an extractor bug must dead-letter, not crash the stage
        log.exception("extractor failed on article %s", article.id)
        raise Rejected(errors.EXTRACTOR_FAILED, f"{type(exc).__name__}: {exc}") from None


def extractor_batch(extract: ExtractFn, topic: str) -> Callable[[list[bytes]], list[Outcome]]:
    """The batch function an extractor stage runs off the event loop."""

    def process(values: list[bytes]) -> list[Outcome]:
        outcomes = []
        for value in values:
            try:
                annotated = decode_annotated(value)
                doc = decode_parse(annotated)
                if doc is None:
                    outcomes.append(Outcome(skipped=True))
                    continue
                found = run_extractor(extract, annotated.article, doc)
            except Rejected as rej:
                outcomes.append(Outcome(reason=rej.reason, error=rej.message))
                continue
            key = kafka.key_for(annotated.article.id)
            outcomes.append(Outcome(
                messages=[(topic, key, kafka.encode(m)) for m in found],
                ingested_at=annotated.article.ingested_at,
                counted=found,
            ))
        return outcomes

    return process


def load_resources() -> None:
    """What every extractor builds on first use: the gazetteer (about a second) and the decoding
    vocabulary. Loaded at start-up, so the first article is not seconds late and a stage reports
    ready only when it can work at full speed."""
    geo.load()
    shared_vocab()


def extractor_stage(name: str, topic: str, extract: ExtractFn, settings: Any,
                    count: Callable[[BaseModel], None]) -> Any:
    """The whole Faust wiring of an extractor stage: annotated articles in, `topic` out."""
    from shared.stage import Stage

    stage = Stage(name, settings, kafka.ANNOTATED, (topic,))
    stage.load_at_start(load_resources)

    def counted(outcome: Outcome) -> None:
        for message in outcome.counted:
            count(message)

    stage.batch_agent(extractor_batch(extract, topic), settings.batch_size, settings.batch_within_s, after=counted)
    return stage
