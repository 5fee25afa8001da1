"""Events stage: reads `news.articles.annotated.v1` (article + its one parse) and writes
`news.events.v1`, one message per event, the main event first, keyed by article id. The logic is the pure
function in `pipeline.py`; this file is wiring only.

Run: `faust -A services.events.app worker -l info`
"""

from __future__ import annotations

from typing import Any

from services.extractors import BY_NAME
from shared import kafka, metrics
from shared.extract import extractor_stage
from shared.logging import setup_logging
from shared.settings import EventsSettings, load_settings


def count(event: Any) -> None:
    metrics.EVENTS_FOUND.labels(event.type, event.status).inc()


settings = load_settings(EventsSettings)
setup_logging(settings.log_level)
stage = extractor_stage("events", kafka.EVENTS, BY_NAME["events"].load(), settings, count)
app = stage.app
