"""The extractor stages, by name: their output topic and their pure function.

The streaming stages and `newsflash extract` both run extractors through this table, so the two
paths cannot drift apart. Functions are imported lazily: a stage loads only its own.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from shared import kafka


@dataclass(frozen=True)
class Extractor:
    name: str
    topic: str
    target: str  # "module:function", a pure (Article, Doc) -> list[Message]

    def load(self) -> Callable[..., list[Any]]:
        module, _, function = self.target.partition(":")
        return getattr(importlib.import_module(module), function)


EXTRACTORS = (
    Extractor("entities", kafka.ENTITIES, "services.entities.pipeline:extract_entities"),
    Extractor("quotes", kafka.QUOTES, "services.quotes.pipeline:extract_quotes"),
    Extractor("events", kafka.EVENTS, "services.events.pipeline:extract_events"),
)
BY_NAME = {e.name: e for e in EXTRACTORS}
