"""The Faust app every stage gets: the consumer settings that matter on the embedded broker."""

from __future__ import annotations

import asyncio

import pytest
from pydantic import ValidationError

from shared import kafka
from shared.settings import Settings


def worker_consumer_fetch_wait(app) -> int:
    """The fetch wait of the aiokafka consumer Faust builds for `app`'s worker."""

    async def build() -> int:
        consumer = app.consumer._thread._create_consumer(asyncio.get_running_loop())
        try:
            return consumer._fetch_max_wait_ms
        finally:
            await consumer.stop()  # never started; closes what the constructor opened

    return asyncio.run(build())


def test_worker_consumers_use_the_configured_fetch_wait():
    # Tansu answers a fetch only when its wait is over, so the wait is latency at every hop.
    assert worker_consumer_fetch_wait(kafka.make_app("test-fetch-a", Settings(fetch_wait_ms=40))) == 40
    assert worker_consumer_fetch_wait(kafka.make_app("test-fetch-b", Settings())) == Settings().fetch_wait_ms
    assert Settings().fetch_wait_ms <= 100


def test_the_fetch_wait_is_bounded(monkeypatch):
    monkeypatch.setenv("NEWSFLASH_FETCH_WAIT_MS", "0")
    with pytest.raises(ValidationError, match="fetch_wait_ms"):
        Settings()


def test_ingest_keeps_fausts_fetch_wait():
    # A shorter wait lost articles when a crashed ingest recovered its table (crash test).
    from shared.settings import IngestSettings

    assert worker_consumer_fetch_wait(kafka.make_app("test-fetch-ingest", IngestSettings())) == 1500
