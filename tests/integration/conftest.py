"""One embedded broker and one running pipeline per test session; tests isolate themselves by
article id (every id is unique to its test) and read with group-less consumers, waiting on a
condition with a deadline instead of sleeping."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest

from shared import client, kafka
from shared.runner import STAGES, Pipeline

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "samples"


def pytest_collection_modifyitems(items):
    for item in items:
        if "integration" in str(item.fspath):
            item.add_marker(pytest.mark.integration)


def cli(*args: str, bootstrap: str | None = None) -> subprocess.CompletedProcess[str]:
    """Run `newsflash ARGS...` as a user would, against `bootstrap` when given."""
    env = dict(os.environ, NEWSFLASH_KAFKA_BOOTSTRAP=bootstrap) if bootstrap else None
    return subprocess.run([sys.executable, "-m", "shared.cli", *args], capture_output=True, text=True,
                          env=env, cwd=REPO, timeout=120)


class RunningPipeline:
    """The session's pipeline, with the helpers tests need."""

    def __init__(self, pipeline: Pipeline) -> None:
        self.pipeline = pipeline
        self.settings = pipeline.settings()
        self.sample_ids: set[str] = set()

    @property
    def bootstrap(self) -> str:
        return self.pipeline.bootstrap or ""

    @property
    def metrics_targets(self) -> dict[str, str]:
        return self.pipeline.metrics_targets()

    def publish(self, items: Iterable[tuple[bytes | None, bytes]], topic: str = kafka.RAW_ARTICLES) -> int:
        return client.publish(self.settings, topic, list(items))

    def publish_articles(self, articles: Iterable[dict[str, Any]]) -> list[str]:
        articles = list(articles)
        self.publish((a["id"].encode(), json.dumps(a).encode()) for a in articles)
        return [a["id"] for a in articles]

    def publish_samples(self) -> int:
        from shared.cli import prepare_publish

        items, _, _ = prepare_publish([SAMPLES], True, 1_000_000)
        # Fresh ids on every call, so the samples really flow again (ingest drops exact repeats).
        run = uuid.uuid4().hex[:6]
        fresh = []
        for _, value in items:
            data = json.loads(value)
            data["id"] = f"{data['id']}-{run}"
            fresh.append((data["id"].encode(), json.dumps(data).encode()))
        self.sample_ids = {key.decode() for key, _ in fresh}
        return self.publish(fresh)

    def collect(
        self,
        topics: Iterable[str],
        done: Callable[[dict[str, list[dict[str, Any]]]], bool],
        timeout: float = 120.0,
        keep: Callable[[str, dict[str, Any]], bool] | None = None,
    ) -> dict[str, list[dict[str, Any]]]:
        """Read `topics` from the beginning until `done(seen)` holds; fail after `timeout`."""
        seen: dict[str, list[dict[str, Any]]] = defaultdict(list)
        finished = False

        def stop(_idle: float) -> bool:
            return finished

        for record in client.consume(
            self.settings, list(topics), from_beginning=True, follow=True, max_wait_s=timeout, until=stop
        ):
            data = json.loads(record.value)
            if keep is None or keep(record.topic, data):
                seen[record.topic].append(data)
                if done(seen):
                    finished = True
                    break
        if not finished and not done(seen):
            counts = {t: len(v) for t, v in seen.items()}
            raise AssertionError(f"condition not met within {timeout}s; seen {counts}")
        return seen

    def outputs_for(
        self, article_ids: Iterable[str], timeout: float = 120.0, quiet_s: float = 3.0,
        expected: dict[str, set[str]] | None = None,
    ) -> dict[str, list[dict[str, Any]]]:
        """Every output message of these articles: waits until each has its entities and, per
        topic, every message id in `expected` has arrived (a slower stage may still be busy
        with earlier input), then until the output topics stay quiet for `quiet_s`."""
        ids = set(article_ids)
        seen: dict[str, list[dict[str, Any]]] = defaultdict(list)
        with_entities: set[str] = set()
        deadline = time.monotonic() + timeout

        def complete() -> bool:
            return all(want <= {m["id"] for m in seen[topic]} for topic, want in (expected or {}).items())

        def stop(idle: float) -> bool:
            return (ids <= with_entities and idle > quiet_s and complete()) or time.monotonic() > deadline

        for record in client.consume(self.settings, kafka.OUTPUT_TOPICS, from_beginning=True, follow=True, until=stop):
            data = json.loads(record.value)
            if data.get("article_id") in ids:
                seen[record.topic].append(data)
                if record.topic == kafka.ENTITIES:
                    with_entities.add(data["article_id"])
        missing = ids - with_entities
        assert not missing, f"no entities within {timeout}s for {sorted(missing)[:5]}"
        return seen

    def wait_outputs(self, n: int, timeout: float = 120.0) -> None:
        """Until the n articles of the last `publish_samples` have entities, quotes and events."""
        wanted = set(self.sample_ids)
        assert len(wanted) >= n

        def done(seen: dict[str, list[dict[str, Any]]]) -> bool:
            return all(wanted <= {m["article_id"] for m in seen[t]} for t in kafka.OUTPUT_TOPICS)

        self.collect(kafka.OUTPUT_TOPICS, done, timeout, keep=lambda _topic, data: data.get("article_id") in wanted)


@pytest.fixture(scope="session")
def pipeline(tmp_path_factory) -> RunningPipeline:
    workdir = tmp_path_factory.mktemp("pipeline")
    stages = tuple(s for s in os.environ.get("NEWSFLASH_TEST_STAGES", ",".join(STAGES)).split(",") if s)
    running = Pipeline(workdir=workdir, stages=stages)
    started = time.monotonic()
    running.start(timeout_s=120)
    print(f"\npipeline ready in {time.monotonic() - started:.1f}s at {running.bootstrap}")
    try:
        yield RunningPipeline(running)
    finally:
        running.stop()


@pytest.fixture(scope="module")
def isolated_pipeline(tmp_path_factory) -> Pipeline:
    """A pipeline of the module's own, for tests that kill stages or the broker."""
    running = Pipeline(workdir=tmp_path_factory.mktemp("isolated"))
    running.start(timeout_s=120)
    try:
        yield running
    finally:
        running.stop()
