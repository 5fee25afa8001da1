"""Faults other than a crash: a stage paused for a minute (back-pressure), the broker going away
and coming back, and replaying dead letters."""

from __future__ import annotations

import json
import os
import signal
import time
import uuid
from datetime import UTC, datetime

import psutil

from shared import client, kafka
from shared.broker import EmbeddedBroker
from tests.integration.conftest import cli

PAUSE_S = float(os.environ.get("NEWSFLASH_TEST_PAUSE_S", "60"))


def rss_mb(pid: int) -> float:
    return psutil.Process(pid).memory_info().rss / 2**20


def articles(tag: str, n: int) -> list[tuple[bytes, bytes]]:
    out = []
    for i in range(n):
        aid = f"{tag}-{i:04d}"
        body = (
            f"The mayor of Lyon said on Tuesday that market number {i} would reopen next week, "
            f"according to a statement from the city council."
        )
        out.append((aid.encode(), json.dumps({"id": aid, "body": body}).encode()))
    return out


def wait_events(settings, ids: set[str], timeout: float) -> set[str]:
    got: set[str] = set()
    for record in client.consume(
        settings, [kafka.EVENTS], from_beginning=True, follow=True, max_wait_s=timeout, until=lambda _idle: ids <= got
    ):
        article_id = json.loads(record.value).get("article_id")
        if article_id in ids:
            got.add(article_id)
    return got


def test_a_stage_stopped_for_a_minute_holds_back_pressure(isolated_pipeline):
    """Events is frozen (SIGSTOP) while 300 articles flow in: upstream memory stays bounded, and
    once it resumes it rejoins its group and catches up with nothing lost."""
    settings = isolated_pipeline.settings()
    tag = f"bp-{uuid.uuid4().hex[:6]}"
    victim = isolated_pipeline.workers["events"][0]
    upstream = [w for w in isolated_pipeline.all_workers() if w.stage != "events"]
    before = {w.stage: rss_mb(w.process.pid) for w in upstream}
    os.killpg(victim.process.pid, signal.SIGSTOP)
    try:
        items = articles(tag, 300)
        started = time.monotonic()
        client.publish(settings, kafka.RAW_ARTICLES, items)
        peak = dict(before)
        while time.monotonic() - started < PAUSE_S:
            for w in upstream:
                peak[w.stage] = max(peak[w.stage], rss_mb(w.process.pid))
            time.sleep(1)
    finally:
        os.killpg(victim.process.pid, signal.SIGCONT)
    growth = {stage: peak[stage] - before[stage] for stage in before}
    print(
        f"\nback-pressure: RSS growth over {PAUSE_S:.0f}s with events stopped (MB): "
        + ", ".join(f"{k} {v:+.0f}" for k, v in growth.items())
    )
    assert all(g < 150 for g in growth.values()), growth
    ids = {key.decode() for key, _ in items}
    got = wait_events(settings, ids, timeout=240)
    assert got == ids, f"{len(ids - got)} articles have no events after the stage resumed"
    assert victim.process.poll() is None


def test_replay_republishes_dead_letters_to_their_source_topic(isolated_pipeline):
    settings = isolated_pipeline.settings()
    key = f"replay-{uuid.uuid4().hex[:8]}".encode()
    client.publish(settings, kafka.RAW_ARTICLES, [(key, b"{not json")])

    def letters() -> int:
        n = 0
        for record in client.consume(settings, [kafka.DEAD_LETTERS], idle_timeout_s=1):
            if record.key == key:
                n += 1
        return n

    deadline = time.monotonic() + 60
    while letters() < 1:
        assert time.monotonic() < deadline, "the bad message was not dead-lettered"
    bootstrap = isolated_pipeline.bootstrap
    dry = cli("replay", "--dead-letters", "--reason", "invalid_json", "--dry-run", bootstrap=bootstrap)
    assert dry.returncode == 0 and "would replay" in dry.stdout, dry.stderr
    done = cli("replay", "--dead-letters", "--reason", "invalid_json", bootstrap=bootstrap)
    assert done.returncode == 0 and "replayed" in done.stdout, done.stderr
    # Still broken, so the replayed copy comes back to the dead-letter topic: it went to its source.
    deadline = time.monotonic() + 60
    while letters() < 2:
        assert time.monotonic() < deadline, "the replayed message did not go through ingest again"


def test_reprocess_reruns_articles_and_outputs_keep_their_ids(isolated_pipeline):
    settings = isolated_pipeline.settings()
    since = datetime.now(UTC).isoformat()
    items = articles(f"reprocess-{uuid.uuid4().hex[:6]}", 2)
    ids = {key.decode() for key, _ in items}
    client.publish(settings, kafka.RAW_ARTICLES, items)
    assert wait_events(settings, ids, timeout=120) == ids

    def event_ids() -> list[str]:
        return [json.loads(r.value)["id"] for r in client.consume(settings, [kafka.EVENTS], idle_timeout_s=1)
                if json.loads(r.value).get("article_id") in ids]

    before = event_ids()
    done = cli("reprocess", "--since", since, bootstrap=isolated_pipeline.bootstrap)
    assert done.returncode == 0 and "re-sent 2 articles" in done.stdout, (done.stdout, done.stderr)
    deadline = time.monotonic() + 120
    after = event_ids()
    while len(after) < 2 * len(before):
        assert time.monotonic() < deadline, "the re-run articles gave no second set of events"
        after = event_ids()
    assert set(after) == set(before)  # the same ids: a consumer de-duplicating by id sees no change


def test_every_stage_survives_the_broker_going_away_and_coming_back(isolated_pipeline):
    """Memory-only broker: a restart loses every message; the stages reconnect, rejoin and go on."""
    settings = isolated_pipeline.settings()
    pids = {w.stage: w.process.pid for w in isolated_pipeline.all_workers()}
    port = isolated_pipeline.broker.port
    isolated_pipeline.broker.stop()
    time.sleep(3)  # the broker is really gone for a while: every client sees connection errors
    log_path = isolated_pipeline.workdir / "broker-restarted.log"
    isolated_pipeline.broker = EmbeddedBroker(port=port, log_path=log_path).start()
    kafka.create_topics(settings)
    items = articles(f"after-restart-{uuid.uuid4().hex[:6]}", 3)
    client.publish(settings, kafka.RAW_ARTICLES, items)
    ids = {key.decode() for key, _ in items}
    assert wait_events(settings, ids, timeout=180) == ids
    for worker in isolated_pipeline.all_workers():
        assert worker.process.poll() is None, f"{worker.stage} died"
        assert worker.process.pid == pids[worker.stage]
