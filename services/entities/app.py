"""Entities stage: reads `news.articles.annotated.v1` (article + its one parse) and writes
`news.entities.v1`, one message per distinct entity per article, keyed by article id. The logic is the pure
function in `pipeline.py`; this file is wiring only.

Run: `faust -A services.entities.app worker -l info`
"""

from __future__ import annotations

from typing import Any

from services.extractors import BY_NAME
from shared import kafka, metrics
from shared.extract import extractor_stage
from shared.logging import setup_logging
from shared.settings import EntitiesSettings, load_settings


def count(entity: Any) -> None:
    metrics.ENTITIES_FOUND.labels(entity.type).inc()
    if entity.place is not None and entity.place.country_code:
        metrics.COUNTRY_MENTIONS.labels(entity.place.country_code).inc(len(entity.mentions))


settings = load_settings(EntitiesSettings)
setup_logging(settings.log_level)
stage = extractor_stage("entities", kafka.ENTITIES, BY_NAME["entities"].load(), settings, count)
app = stage.app
