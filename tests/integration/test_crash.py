"""Crash mid-stream: SIGKILL one stage while it works, restart it, and every article's outputs
still arrive; de-duplicated by message id, they are exactly what a run without the crash gives.

The figures (sent, expected, received, duplicates) are printed per stage (`pytest -s`)."""

from __future__ import annotations

import json
import signal
import time
from pathlib import Path

import pytest

from shared import client, kafka
from shared.offline import extract_files
from shared.runner import STAGES, Pipeline
from tests.conftest import SHARED
from tests.integration.conftest import REPO

N_ARTICLES = 200


def crash_articles(tag: str) -> list[dict]:
    """A few hundred short real articles (BBC openings) when ../shared is here, else variants of
    the project's samples; ids are unique to the test."""
    bodies: list[str] = []
    bbc = SHARED / "corpus" / "bbc"
    if bbc.is_dir():
        for path in sorted(bbc.rglob("*.txt"))[:: max(1, 2225 // (N_ARTICLES + 20))]:
            paragraphs = [p for p in path.read_text(encoding="utf-8", errors="replace").split("\n\n")[1:] if p.strip()]
            body = "\n\n".join(paragraphs[:2])
            # The corpus repeats some stories; ingest rightly drops exact duplicates, so skip them.
            if body not in bodies:
                bodies.append(body)
        bodies = bodies[:N_ARTICLES]
    else:
        samples = [p.read_text(encoding="utf-8").split("\n\n", 1)[-1] for p in sorted((REPO / "samples").glob("*.txt"))]
        bodies = [f"{samples[i % len(samples)]}\nThis is copy {i} of the story." for i in range(N_ARTICLES)]
    return [{"id": f"crash-{tag}-{i:04d}", "body": b} for i, b in enumerate(bodies)]


def expected_outputs(articles: list[dict], tmp_path: Path) -> dict[str, set[str]]:
    src = tmp_path / "articles.jsonl"
    src.write_text("\n".join(json.dumps(a) for a in articles) + "\n")
    out = tmp_path / "expected.jsonl"
    extract_files([src], out)
    expected: dict[str, set[str]] = {t: set() for t in kafka.OUTPUT_TOPICS}
    names = {"entities": kafka.ENTITIES, "quotes": kafka.QUOTES, "events": kafka.EVENTS}
    for line in map(json.loads, out.read_text().splitlines()):
        for stage, topic in names.items():
            expected[topic].update(json.dumps(m, sort_keys=True) for m in line[stage])
    return expected


CASES = [(stage, signal.SIGKILL) for stage in STAGES] + [("annotate", signal.SIGTERM)]


@pytest.mark.parametrize(("stage", "sig"), CASES, ids=[f"{s}-{g.name}" for s, g in CASES])
def test_stopped_mid_stream_loses_nothing(isolated_pipeline, stage, sig, tmp_path):
    """SIGKILL: a crash. SIGTERM: a graceful stop, which must finish or hand back its in-flight
    batch, never acknowledge it unsent."""
    articles = crash_articles(f"{stage}-{sig.name.lower()}")
    expected = expected_outputs(articles, tmp_path)
    ids = {a["id"] for a in articles}
    settings = isolated_pipeline.settings()
    client.publish(settings, kafka.RAW_ARTICLES, [(a["id"].encode(), json.dumps(a).encode()) for a in articles])

    # Kill the stage once it has visibly started on this batch: its first output for these ids.
    watch = {
        "ingest": kafka.ARTICLES,
        "annotate": kafka.ANNOTATED,
        "entities": kafka.ENTITIES,
        "quotes": kafka.QUOTES,
        "events": kafka.EVENTS,
    }[stage]
    started = time.monotonic()
    for record in client.consume(settings, [watch], from_beginning=True, follow=True, max_wait_s=120):
        data = json.loads(record.value)
        article_id = data.get("article_id") or data.get("id") or data.get("article", {}).get("id")
        if article_id in ids:
            break
    victim = isolated_pipeline.workers[stage][-1]
    Pipeline.stop_worker(victim, sig=sig)
    killed_after = time.monotonic() - started
    isolated_pipeline.workers[stage].remove(victim)
    restarted = isolated_pipeline.start_worker(stage)
    isolated_pipeline.wait_ready(timeout_s=120, workers=[restarted])

    received: dict[str, list[str]] = {t: [] for t in kafka.OUTPUT_TOPICS}
    unique: dict[str, set[str]] = {t: set() for t in kafka.OUTPUT_TOPICS}
    deadline = time.monotonic() + 300

    def complete(idle: float) -> bool:
        return all(expected[t] <= unique[t] for t in kafka.OUTPUT_TOPICS) and idle > 2 or time.monotonic() > deadline

    for record in client.consume(settings, kafka.OUTPUT_TOPICS, from_beginning=True, follow=True, until=complete):
        data = json.loads(record.value)
        if data.get("article_id") in ids:
            received[record.topic].append(data["id"])
            unique[record.topic].add(json.dumps(data, sort_keys=True))

    for topic in kafka.OUTPUT_TOPICS:
        duplicates = len(received[topic]) - len(set(received[topic]))
        print(
            f"\ncrash[{stage}] {topic}: sent {len(articles)} articles, expected {len(expected[topic])}, "
            f"received {len(received[topic])} ({duplicates} duplicates), killed after {killed_after:.1f}s"
        )
        assert unique[topic] == expected[topic], (
            f"{topic}: missing {len(expected[topic] - unique[topic])}, extra {len(unique[topic] - expected[topic])}"
        )
