"""The streaming path and `newsflash extract` give identical output, message for message."""

from __future__ import annotations

import json
from pathlib import Path

from shared import kafka
from shared.articles import read_articles
from shared.offline import extract_files
from tests.conftest import shared_path
from tests.integration.conftest import REPO

STAGE_TOPICS = {"entities": kafka.ENTITIES, "quotes": kafka.QUOTES, "events": kafka.EVENTS}


def bbc_sample(n: int) -> list[Path]:
    root = shared_path("corpus", "bbc")
    categories = sorted(p for p in root.iterdir() if p.is_dir())
    per = n // len(categories)
    return [f for c in categories for f in sorted(c.glob("*.txt"))[:per]]


def compare(pipeline, paths: list[Path], tmp_path: Path) -> int:
    out = tmp_path / "extract.jsonl"
    summary = extract_files(paths, out)
    offline = {line["article_id"]: line for line in map(json.loads, out.read_text().splitlines())}
    assert summary.written == len(paths) == len(offline)

    items, ids = [], []
    for loaded in read_articles(paths):
        items.append((loaded.data["id"].encode(), loaded.raw))
        ids.append(loaded.data["id"])
    pipeline.publish(items)
    expected = {topic: {m["id"] for line in offline.values() for m in line[stage]}
                for stage, topic in STAGE_TOPICS.items()}
    streamed = pipeline.outputs_for(ids, timeout=300, expected=expected)

    compared = 0
    for article_id in ids:
        for stage, topic in STAGE_TOPICS.items():
            stream_msgs = [m for m in streamed.get(topic, []) if m["article_id"] == article_id]
            # De-duplicate by id (at-least-once), keeping the stream's order.
            unique = list({m["id"]: m for m in stream_msgs}.values())
            assert unique == offline[article_id][stage], f"{stage} differ for {article_id}"
            compared += len(unique)
    return compared


def test_project_samples_stream_equals_extract(pipeline, tmp_path):
    paths = sorted((REPO / "samples").glob("*.txt"))
    assert compare(pipeline, paths, tmp_path) > 0


def test_afp_sample_and_50_bbc_articles_stream_equals_extract(pipeline, tmp_path):
    paths = [shared_path("samples", "afp-2024-09-03-kishida-seoul.txt"), *bbc_sample(50)]
    assert compare(pipeline, paths, tmp_path) > 100
