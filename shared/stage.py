"""The thin Faust wiring every stage shares: decode, call the pure function, publish, dead-letter
on failure, count metrics, expose /metrics, /healthz and /readyz, and report consumer lag.

A stage's `app.py` only says what it reads, what it writes and which pure function it calls.
"""

from __future__ import annotations

import asyncio
import base64
import logging
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel

from shared import errors, kafka, metrics
from shared.schemas import DeadLetter
from shared.settings import Settings

log = logging.getLogger("newsflash")


@dataclass
class Outcome:
    """What the pure side made of one input message: messages to publish, or a rejection."""

    messages: list[tuple[str, bytes, bytes]] = field(default_factory=list)  # (topic, key, value)
    reason: str | None = None
    error: str | None = None
    skipped: bool = False
    ingested_at: datetime | None = None
    counted: Sequence[BaseModel] = ()


@dataclass
class _Batch:
    """A batch taken from the stream and handed to the executor, not yet published."""

    events: list[Any]
    work: asyncio.Future[tuple[list[Outcome], float]]
    taken_at: float


def _timed(process: Callable[[list[bytes]], list[Outcome]], values: list[bytes]) -> tuple[list[Outcome], float]:
    """`process(values)` and the seconds it took, measured where it runs (a batch may queue
    behind another in the executor first)."""
    started = time.perf_counter()
    outcomes = process(values)
    return outcomes, time.perf_counter() - started


def _child_start(initializer: Callable[[], Any] | None) -> None:
    """In the work process: die with the stage, leave Ctrl-C and SIGTERM to it (it stops the
    work in order), then load what the work needs."""
    from shared.broker import die_with_parent

    die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    if initializer is not None:
        initializer()


class ProcessExecutor(Executor):
    """One work process beside the stage's event loop, for CPU-bound work that releases and
    retakes the GIL often (spaCy's parser does, thousands of times a batch): in a thread it
    queues behind Faust's threads for the GIL at every retake. Spawned (forking a threaded
    process is unsafe), killed with the stage, and replaced when it dies, so a batch that
    killed it fails alone and is retried message by message like any failed batch."""

    def __init__(self, initializer: Callable[[], Any] | None = None) -> None:
        self._initializer = initializer
        self._pool: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()
        self.started = 0  # work processes started so far (1 unless one died)

    def _fresh(self) -> ProcessPoolExecutor:
        self.started += 1
        return ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=_child_start, initargs=(self._initializer,))

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        with self._lock:
            if self._pool is None:
                self._pool = self._fresh()
            try:
                return self._pool.submit(fn, *args, **kwargs)
            except BrokenProcessPool:
                log.warning("work process died; starting a new one")
                self._pool.shutdown(wait=False, cancel_futures=True)
                self._pool = self._fresh()
                return self._pool.submit(fn, *args, **kwargs)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        with self._lock:
            if self._pool is not None:
                self._pool.shutdown(wait=wait, cancel_futures=cancel_futures)


def describe(event: Any) -> str:
    msg = event.message
    return f"{msg.topic}[{msg.partition}]@{msg.offset}"


def dead_letter_for(stage: str, event: Any, reason: str, error: str) -> DeadLetter:
    msg = event.message
    key = msg.key
    value = msg.value if isinstance(msg.value, bytes) else bytes(msg.value or b"")
    return DeadLetter(
        stage=stage,
        reason=reason,
        error=error,
        topic=msg.topic,
        partition=msg.partition,
        offset=msg.offset,
        key_b64=base64.b64encode(key).decode("ascii") if isinstance(key, bytes) else None,
        value_b64=base64.b64encode(value).decode("ascii"),
        failed_at=datetime.now(UTC),
    )


class Stage:
    """One Faust app = one consumer group = one stage, with its topics, metrics and web views."""

    def __init__(self, name: str, settings: Settings, source: str, outputs: Sequence[str]) -> None:
        from faust.sensors.prometheus import setup_prometheus_sensors

        self.name = name
        self.settings = settings
        self.app = kafka.make_app(name, settings)
        setup_prometheus_sensors(self.app, name_prefix="news_faust")
        self.source = kafka.app_topic(self.app, source)
        self.dead_letters = kafka.app_topic(self.app, kafka.DEAD_LETTERS)
        self.outputs = frozenset(outputs)
        self.joined = False
        self.loaded = True
        self.executor: Executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"{name}-work")
        # Every series exists from the start (at zero), so rates and alerts see no gaps.
        for outcome in metrics.OUTCOMES:
            metrics.MESSAGES_IN.labels(name, outcome)
        for reason in errors.REASONS:
            metrics.DEAD_LETTERS.labels(name, reason)
        metrics.READY.labels(name).set(0)
        self._wire()

    def _wire(self) -> None:
        app, stage = self.app, self

        @app.page("/healthz")
        async def healthz(view: Any, request: Any) -> Any:
            return view.json({"stage": stage.name, "alive": True})

        @app.page("/readyz")
        async def readyz(view: Any, request: Any) -> Any:
            ready = stage.joined and stage.loaded
            body = {"stage": stage.name, "ready": ready, "joined": stage.joined, "loaded": stage.loaded}
            return view.json(body, status=200 if ready else 503)

        @app.on_rebalance_complete.connect
        async def on_rebalanced(sender: Any, **kwargs: Any) -> None:
            stage.joined = True
            metrics.REBALANCES.labels(stage.name).inc()
            metrics.READY.labels(stage.name).set(1 if stage.loaded else 0)

        @app.timer(interval=2.0)
        async def report_lag() -> None:
            stage.update_lag()

    def update_lag(self) -> None:
        consumer = getattr(self.app, "_consumer", None)
        if consumer is None:
            return
        source = self.source.get_topic_name()
        per_topic: dict[str, int] = {source: 0}  # no partitions assigned: no lag of ours
        try:
            read = getattr(consumer, "_read_offset", {})
            committed = getattr(consumer, "_committed_offset", {})
            for tp in consumer.assignment():
                if tp.topic != source:
                    continue
                high = consumer.highwater(tp)
                if high is None:
                    continue
                position = read.get(tp)
                if position is None:
                    position = committed.get(tp)  # nothing read since (re)start: where we resume
                done = (position + 1) if position is not None else 0
                per_topic[tp.topic] += max(0, high - done)
        except Exception:  # noqa: BLE001 - lag is best effort and must never break the stage
            return
        for topic, lag in per_topic.items():
            metrics.CONSUMER_LAG.labels(self.name, topic).set(lag)

    def work_in_process(self, initializer: Callable[[], Any] | None = None) -> None:
        """Run `run_blocking` work (and so `load_at_start` and batch processing) in a work
        process instead of a thread; the functions given must then be importable by name."""
        self.executor = ProcessExecutor(initializer)

        @self.app.on_before_shutdown.connect
        async def stop_work_process(sender: Any, **kwargs: Any) -> None:
            self.executor.shutdown(wait=False, cancel_futures=True)

    def load_at_start(self, load: Callable[[], Any]) -> None:
        """Run `load` off the loop when the worker starts; the stage is ready only after it."""
        self.set_loaded(False)

        @self.app.task
        async def load_resources() -> None:
            await self.run_blocking(load)
            self.set_loaded(True)

    def set_loaded(self, loaded: bool) -> None:
        self.loaded = loaded
        metrics.READY.labels(self.name).set(1 if loaded and self.joined else 0)

    async def run_blocking(self, fn: Callable[..., Any], *args: Any) -> Any:
        """CPU-bound work off the event loop, so heartbeats and commits keep flowing."""
        return await asyncio.get_running_loop().run_in_executor(self.executor, fn, *args)

    async def send_dead_letter(self, event: Any, reason: str, error: str) -> Any:
        """Hand a dead letter to the producer; returns its pending delivery."""
        letter = dead_letter_for(self.name, event, reason, error)
        log.warning("%s: dead letter %s from %s: %s", self.name, reason, describe(event), error)
        pending = await self.dead_letters.send(key=event.message.key, value=kafka.encode(letter))
        metrics.DEAD_LETTERS.labels(self.name, reason).inc()
        metrics.MESSAGES_IN.labels(self.name, "dead_letter").inc()
        return pending

    async def apply(self, event: Any, outcome: Outcome) -> list[Any]:
        """Hand an outcome's messages, or its dead letter, to the producer; returns the pending
        deliveries, which `deliver` must see through before the input is acknowledged."""
        if outcome.reason is not None:
            return [await self.send_dead_letter(event, outcome.reason, outcome.error or outcome.reason)]
        if outcome.skipped:
            metrics.MESSAGES_IN.labels(self.name, "skipped").inc()
            return []
        now = datetime.now(UTC)
        pending = []
        producer = self.app.producer
        for topic, key, value in outcome.messages:
            if topic not in self.outputs:
                raise KeyError(f"{self.name} does not write to {topic}")
            # Straight to the producer: Faust's Topic.send (message futures, callbacks, sensor
            # hooks) cost the events stage 10 of its 37 ms of CPU an article (30 messages).
            pending.append(await producer.send(topic, key, value, None, None, None))
            metrics.MESSAGES_OUT.labels(self.name, topic).inc()
            if outcome.ingested_at is not None:
                latency = (now - outcome.ingested_at).total_seconds()
                metrics.END_TO_END_SECONDS.labels(self.name, topic).observe(max(0.0, latency))
        metrics.MESSAGES_IN.labels(self.name, "ok").inc()
        return pending

    async def deliver(self, pending: list[Any]) -> None:
        """Wait until the broker has every message. A failed delivery is an infrastructure
        failure: the worker stops at once, before the inputs are acknowledged or committed."""
        try:
            await asyncio.gather(*pending)
        except Exception as exc:  # noqa: BLE001 - any failure here means outputs may be missing
            self.fail_hard(f"delivery failed: {type(exc).__name__}: {exc}")

    def fail_hard(self, why: str) -> None:
        """Exit without acknowledging the inputs in hand: whoever takes the partitions over reads
        them again (at-least-once). Raising instead would let Faust acknowledge them and lose them."""
        log.critical("%s: %s; exiting so the inputs are read again", self.name, why)
        for handler in log.handlers:
            handler.flush()
        os._exit(70)

    async def _finish_batches(self, stream: Any, taken: asyncio.Queue[_Batch], slots: asyncio.Semaphore,
                              process: Callable[[list[bytes]], list[Outcome]],
                              after: Callable[[Outcome], None] | None, failure_reason: str,
                              work_seconds: Any) -> None:
        """Publish the batches `batch_agent` took, in order, and acknowledge each once delivered.
        Anything unexpected here stops the worker (`fail_hard`): unacknowledged inputs are read
        again by whoever takes the partitions over, and a dead finisher would stall the stage."""
        while True:
            batch = await taken.get()
            try:
                try:
                    outcomes, seconds = await batch.work
                    if work_seconds is not None:
                        work_seconds.labels(self.name).observe(seconds)
                except Exception:  # noqa: BLE001 - one bad batch must not lose messages
                    log.exception("%s: batch failed, retrying one by one", self.name)
                    outcomes = []
                    for value in (e.message.value for e in batch.events):
                        try:
                            outcomes.extend(await self.run_blocking(process, [value]))
                        except Exception as one:  # noqa: BLE001
                            outcomes.append(Outcome(reason=failure_reason, error=f"{type(one).__name__}: {one}"))
                pending = []
                for event, outcome in zip(batch.events, outcomes, strict=True):
                    pending.extend(await self.apply(event, outcome))
                    if after is not None and outcome.reason is None:
                        after(outcome)
                await self.deliver(pending)
                for event in batch.events:
                    await stream.ack(event)
            except Exception as exc:  # noqa: BLE001 - never acknowledge unsent work
                self.fail_hard(f"publishing failed: {type(exc).__name__}: {exc}")
            slots.release()
            elapsed = time.perf_counter() - batch.taken_at
            metrics.BATCH_SECONDS.labels(self.name).observe(elapsed)
            metrics.BATCH_SIZE.labels(self.name).observe(len(batch.events))
            for _ in batch.events:
                metrics.PROCESSING_SECONDS.labels(self.name).observe(elapsed / len(batch.events))

    def batch_agent(self, process: Callable[[list[bytes]], list[Outcome]], batch_size: int,
                    within_s: float, after: Callable[[Outcome], None] | None = None,
                    failure_reason: str = errors.INTERNAL_ERROR, work_seconds: Any = None,
                    in_flight: int = 2) -> Any:
        """An agent that takes batches, runs `process` off the loop, publishes each outcome and
        waits for delivery before the batch is acknowledged. If `process` fails on the batch it is
        retried one message at a time; a message that still fails is dead-lettered with
        `failure_reason`. `work_seconds`, a histogram, times `process` per batch.

        Up to `in_flight` batches are handed to the executor at once: while the loop publishes
        one batch, the executor already works on the next, so a work process never waits for the
        broker. Batches are still published and acknowledged one by one, in order, and only
        after delivery (events are taken with `noack_take` and acknowledged by hand)."""
        stage = self

        async def agent(stream: Any) -> None:
            loop = asyncio.get_running_loop()
            taken: asyncio.Queue[_Batch] = asyncio.Queue()
            slots = asyncio.Semaphore(max(1, in_flight))
            finisher = loop.create_task(stage._finish_batches(
                stream, taken, slots, process, after, failure_reason, work_seconds))
            try:
                async for events in stream.noack_take(batch_size, within=within_s):
                    taken_at = time.perf_counter()
                    await slots.acquire()  # released by `_finish_batches` once it is published
                    values = [e.message.value for e in events]
                    # Handed to the executor now; `_finish_batches` awaits it in turn.
                    work = loop.run_in_executor(stage.executor, _timed, process, values)
                    taken.put_nowait(_Batch(events, work, taken_at))
            finally:
                finisher.cancel()

        agent.__name__ = f"{self.name}_agent"
        agent.__qualname__ = agent.__name__
        return self.app.agent(self.source, name=f"news-{self.name}.agent")(agent)
