"""The Faust app every stage gets: the consumer settings that matter on the embedded broker."""

from __future__ import annotations

import asyncio

import pytest
from aiokafka.structs import TopicPartition
from faust.types import TP
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


def test_ingest_uses_the_common_fetch_wait():
    from shared.settings import IngestSettings

    assert worker_consumer_fetch_wait(kafka.make_app("test-fetch-ingest", IngestSettings())) == Settings().fetch_wait_ms


def test_table_recovery_keeps_messages_fetched_while_it_hands_the_stream_back():
    # Recovery resumes the stream partitions, seeks, then resumes flow control, which empties the
    # agents' queues. A message the fetcher delivered during the seek was emptied away with its
    # offset already read: a crash-restarted ingest lost articles (crash test, 50 ms fetch wait).
    app = kafka.make_app("test-resume", Settings())
    delivered: list[asyncio.Future] = []

    async def nothing() -> None:
        return None

    async def hand_back() -> int:
        queue = app.FlowControlQueue(maxsize=10, clear_on_resume=True)  # an agent's input buffer
        stream_tp = TP(kafka.RAW_ARTICLES, 0)

        async def conductor_delivers() -> None:  # what Faust's conductor does with a fetched message
            await app.flow_control.acquire()
            queue.put_nowait("article")

        async def perform_seek() -> None:  # the fetcher hands a message over while the seek waits
            delivered.append(asyncio.ensure_future(conductor_delivers()))
            await asyncio.sleep(0.01)

        app.consumer.perform_seek = perform_seek
        app.consumer.assignment = lambda: {stream_tp}
        app._fetcher.maybe_start = nothing
        app.flow_control.resume()  # recovery opened the flow to read the changelog
        await app.tables.recovery.on_recovery_completed(app.consumer_generation_id)
        await asyncio.gather(*delivered)
        return queue.qsize()

    assert asyncio.run(hand_back()) == 1


class FakeAIOKafkaConsumer:
    def __init__(self, committed: dict[TopicPartition, int | None]) -> None:
        self.committed = committed
        self.rewound: list[TopicPartition] = []

    async def seek_to_committed(self) -> dict[TopicPartition, int | None]:
        return dict(self.committed)

    def assignment(self) -> set[TopicPartition]:
        return set(self.committed)

    async def seek_to_beginning(self, *partitions: TopicPartition) -> None:
        self.rewound.extend(partitions)


def test_seeking_to_committed_rewinds_partitions_with_no_commit():
    # Faust drops messages it has fetched whenever it stops a partition's flow and counts on the
    # seek to committed offsets to read them again; aiokafka's seek leaves a partition with no
    # commit where it is, past them.
    app = kafka.make_app("test-rewind", Settings())
    app.Table("seen", default=int)
    (changelog,) = app.tables.changelog_topics
    fresh, done, table = (TopicPartition(kafka.RAW_ARTICLES, 0), TopicPartition(kafka.RAW_ARTICLES, 1),
                          TopicPartition(changelog, 0))
    consumer = FakeAIOKafkaConsumer({fresh: None, done: 7, table: None})
    thread = app.consumer._thread
    thread._consumer = consumer

    async def on_this_thread(fun, *args, **kwargs):  # the consumer thread is not started here
        return await fun(*args, **kwargs)

    thread.call_thread = on_this_thread
    assert asyncio.run(thread.seek_to_committed()) == {fresh: None, done: 7, table: None}
    assert consumer.rewound == [fresh]  # the committed one was sought by aiokafka; the changelog is recovery's
