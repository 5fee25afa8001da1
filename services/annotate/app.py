"""Annotate stage: reads `news.articles.v1`, parses each article once with spaCy in batches
(`stream.take`, then `nlp.pipe` on a worker thread so heartbeats and commits keep flowing), and
writes `AnnotatedArticle`s (article + DocBin) to `news.articles.annotated.v1`.

Run: `faust -A services.annotate.app worker -l info`
"""

from __future__ import annotations

import time

from pydantic import ValidationError

from services.annotate.pipeline import annotate
from shared import errors, kafka, metrics
from shared.logging import setup_logging
from shared.nlp.model import load_nlp
from shared.schemas import Article
from shared.settings import AnnotateSettings, load_settings
from shared.stage import Outcome, Stage

settings = load_settings(AnnotateSettings)
setup_logging(settings.log_level)
stage = Stage("annotate", settings, kafka.ARTICLES, (kafka.ANNOTATED,))
app = stage.app
stage.load_at_start(load_nlp)


def parse_batch(values: list[bytes]) -> list[Outcome]:
    """Decode, parse the decodable ones in one `nlp.pipe`, and keep each outcome in input order."""
    outcomes: list[Outcome | None] = [None] * len(values)
    articles: list[tuple[int, Article]] = []
    for i, value in enumerate(values):
        try:
            articles.append((i, kafka.decode(Article, value)))
        except (ValidationError, ValueError) as exc:
            outcomes[i] = Outcome(reason=errors.UNDECODABLE_MESSAGE, error=f"not an article: {str(exc)[:300]}")
    started = time.perf_counter()
    annotated = list(annotate([a for _, a in articles], batch_size=settings.batch_size))
    metrics.PARSE_SECONDS.labels(stage.name).observe(time.perf_counter() - started)
    for (i, article), result in zip(articles, annotated, strict=True):
        outcomes[i] = Outcome(
            messages=[(kafka.ANNOTATED, kafka.key_for(article.id), kafka.encode(result))],
            ingested_at=article.ingested_at,
        )
    return [o for o in outcomes if o is not None]


parse = stage.batch_agent(parse_batch, settings.batch_size, settings.batch_within_s,
                          failure_reason=errors.PARSE_FAILED)
