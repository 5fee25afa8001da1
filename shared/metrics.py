"""Every metric the project defines, in one place. Labels take values from fixed sets only:
never an article id, a name or any other text from an article."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

#: Outcomes of one input message in one stage.
OUTCOMES = ("ok", "dead_letter", "skipped_duplicate", "skipped")

_LATENCY_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 0.75, 1.0, 1.5, 2.5, 5.0, 10.0, 30.0, 60.0)
_WORK_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)

MESSAGES_IN = Counter(
    "news_messages_in_total", "Messages consumed by a stage, by outcome", ["stage", "outcome"]
)
MESSAGES_OUT = Counter(
    "news_messages_out_total", "Messages produced by a stage, by output topic", ["stage", "topic"]
)
DEAD_LETTERS = Counter(
    "news_dead_letters_total", "Messages sent to the dead-letter topic, by reason", ["stage", "reason"]
)
PROCESSING_SECONDS = Histogram(
    "news_processing_seconds", "Time to process one message", ["stage"], buckets=_WORK_BUCKETS
)
BATCH_SECONDS = Histogram(
    "news_batch_seconds", "Time to process one batch", ["stage"], buckets=_WORK_BUCKETS
)
BATCH_SIZE = Histogram(
    "news_batch_size", "Messages per batch", ["stage"], buckets=(1, 2, 4, 8, 16, 32, 64, 128)
)
PARSE_SECONDS = Histogram(
    "news_parse_seconds", "Annotate: time to parse one batch (decode, nlp.pipe, DocBin encode)", ["stage"],
    buckets=_WORK_BUCKETS,
)
END_TO_END_SECONDS = Histogram(
    "news_end_to_end_latency_seconds",
    "From ingest to publication on an output topic",
    ["stage", "topic"],
    buckets=_LATENCY_BUCKETS,
)
ENTITIES_FOUND = Counter("news_entities_total", "Entities published, by type", ["type"])
QUOTES_FOUND = Counter("news_quotes_total", "Quotes published, by kind", ["kind"])
EVENTS_FOUND = Counter("news_events_total", "Events published, by type and status", ["type", "status"])
COUNTRY_MENTIONS = Counter(
    "news_country_mentions_total", "Places published, by ISO 3166 country code", ["country"]
)
ARTICLES_BY_SOURCE = Counter(
    "news_articles_total", "Articles accepted by ingest, by source (bounded: see settings)", ["source"]
)
CONSUMER_LAG = Gauge(
    "news_consumer_lag_messages", "Messages behind the log end, per stage and topic", ["stage", "topic"]
)
READY = Gauge("news_ready", "1 when the stage joined its group and loaded what it needs", ["stage"])
REBALANCES = Counter("news_rebalances_total", "Consumer group rebalances seen by a stage", ["stage"])
