"""Plain Kafka clients for the CLI and the tests: publish bytes, read topics back."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from shared.kafka import MAX_MESSAGE_BYTES, kafka_python_config
from shared.settings import Settings


@dataclass(frozen=True)
class Record:
    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes
    timestamp_ms: int


def producer(settings: Settings):  # type: ignore[no-untyped-def]
    from kafka import KafkaProducer

    # acks=all and one in flight keep order per partition; not the idempotent producer (the
    # embedded broker rejects it).
    return KafkaProducer(acks="all", linger_ms=5, max_in_flight_requests_per_connection=1,
                         max_request_size=MAX_MESSAGE_BYTES,
                         **kafka_python_config(settings))


def publish(settings: Settings, topic: str, items: Iterable[tuple[bytes | None, bytes]],
            on_sent: Callable[[], None] | None = None) -> int:
    """Send every item and wait until the broker has each one; returns how many were sent."""
    prod = producer(settings)
    sent = 0
    try:
        futures = [prod.send(topic, key=key, value=value) for key, value in items]
        for fut in futures:
            fut.get(timeout=30)
            sent += 1
            if on_sent is not None:
                on_sent()
    finally:
        prod.close()
    return sent


def consume(settings: Settings, topics: Iterable[str], *, from_beginning: bool = True,
            follow: bool = False, idle_timeout_s: float = 2.0, max_wait_s: float | None = None,
            until: Callable[[float], bool] | None = None) -> Iterator[Record]:
    """Read topics without a group. Without `follow`, stops at the end offsets seen at the start
    (or after `idle_timeout_s` without data); with `follow`, runs until `max_wait_s`, until
    `until(seconds since the last record)` is true, or forever."""
    from kafka import KafkaConsumer, TopicPartition

    consumer = KafkaConsumer(enable_auto_commit=False, group_id=None, **kafka_python_config(settings))
    try:
        tps = []
        for topic in topics:
            parts = consumer.partitions_for_topic(topic) or set()
            tps.extend(TopicPartition(topic, p) for p in sorted(parts))
        if not tps:
            return
        consumer.assign(tps)
        if from_beginning:
            consumer.seek_to_beginning(*tps)
        else:
            consumer.seek_to_end(*tps)
        ends = consumer.end_offsets(tps)
        started = time.monotonic()
        last_data = time.monotonic()
        while True:
            batch = consumer.poll(timeout_ms=200)
            for records in batch.values():
                for r in records:
                    yield Record(r.topic, r.partition, r.offset, r.key, r.value, r.timestamp)
                last_data = time.monotonic()
            if max_wait_s is not None and time.monotonic() - started > max_wait_s:
                return
            if until is not None and until(time.monotonic() - last_data):
                return
            if not follow:
                done = all(consumer.position(tp) >= ends[tp] for tp in tps)
                if done or time.monotonic() - last_data > idle_timeout_s:
                    return
    finally:
        consumer.close()
