"""Annotate stage: reads `news.articles.v1`, parses each article once with spaCy in batches
(`stream.take`, then `nlp.pipe` in a work process, so heartbeats and commits keep flowing and
the parser never waits on Faust's threads for the GIL), and writes `AnnotatedArticle`s (article
+ DocBin) to `news.articles.annotated.v1`.

Run: `faust -A services.annotate.app worker -l info`
"""

from __future__ import annotations

from functools import partial

from services.annotate.pipeline import parse_batch, warm_up
from shared import errors, kafka, metrics
from shared.logging import setup_logging
from shared.settings import AnnotateSettings, load_settings
from shared.stage import Stage

settings = load_settings(AnnotateSettings)
setup_logging(settings.log_level)
stage = Stage("annotate", settings, kafka.ARTICLES, (kafka.ANNOTATED,))
app = stage.app
if settings.parse_in == "process":
    stage.work_in_process(warm_up)
stage.load_at_start(warm_up)

parse = stage.batch_agent(partial(parse_batch, batch_size=settings.batch_size), settings.batch_size,
                          settings.batch_within_s, failure_reason=errors.PARSE_FAILED,
                          work_seconds=metrics.PARSE_SECONDS)
