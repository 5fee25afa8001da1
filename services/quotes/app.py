"""Quotes stage: reads `news.articles.annotated.v1` (article + its one parse) and writes
`news.quotes.v1`, one message per quote, keyed by article id. The logic is the pure
function in `pipeline.py`; this file is wiring only.

Run: `faust -A services.quotes.app worker -l info`
"""

from __future__ import annotations

from typing import Any

from services.extractors import BY_NAME
from shared import kafka, metrics
from shared.extract import extractor_stage
from shared.logging import setup_logging
from shared.settings import QuotesSettings, load_settings


def count(quote: Any) -> None:
    metrics.QUOTES_FOUND.labels(quote.kind).inc()


settings = load_settings(QuotesSettings)
setup_logging(settings.log_level)
stage = extractor_stage("quotes", kafka.QUOTES, BY_NAME["quotes"].load(), settings, count)
app = stage.app
