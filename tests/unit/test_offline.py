"""`newsflash extract` without Kafka: one line per article, bad input counted and skipped, and the
same messages as the stream, which extracts from the decoded wire form of the parse."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from services.annotate.pipeline import annotate
from shared.extract import decode_parse, run_extractor
from shared.offline import extract_files, load_articles, load_extractors

SAMPLES = Path(__file__).resolve().parents[2] / "samples"


def test_lines_and_rejections(tmp_path):
    good = SAMPLES / "geneva-trade-talks.txt"
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x1", "body": ""}\nnot json\n', encoding="utf-8")
    rejected: list[tuple[str, str]] = []
    summary = extract_files([good, bad], tmp_path / "out.jsonl", on_reject=lambda o, r, m: rejected.append((o, r)))
    lines = [json.loads(x) for x in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert summary.written == 1 and len(lines) == 1
    assert sum(summary.rejected.values()) == 2 and len(rejected) == 2
    assert all(":" in origin for origin, _ in rejected)  # file:line, so the user can find it
    line = lines[0]
    assert line["article"]["id"] == line["article_id"]
    assert line["entities"] and line["events"]
    assert all(m["article_id"] == line["article_id"] for stage in ("entities", "quotes", "events") for m in line[stage])


def test_extract_equals_extraction_from_the_wire_form(tmp_path):
    paths = sorted(SAMPLES.glob("*.txt"))
    summary = extract_files(paths, tmp_path / "out.jsonl")
    offline = {x["article_id"]: x for x in map(json.loads, (tmp_path / "out.jsonl").read_text().splitlines())}
    assert summary.written == len(paths)
    extractors = load_extractors()
    for annotated in annotate(load_articles(paths)):
        doc = decode_parse(annotated)  # what an extractor stage works on
        for name, fn in extractors:
            streamed = [json.loads(m.model_dump_json()) for m in run_extractor(fn, annotated.article, doc)]
            assert streamed == offline[annotated.article.id][name], f"{name} differs on {annotated.article.id}"


def test_an_extractor_failure_skips_the_article_with_its_reason(tmp_path, monkeypatch):
    from shared import errors, offline

    def broken(article, doc):
        if "Geneva" in article.body:
            raise ValueError("boom")
        return []

    monkeypatch.setattr(offline, "load_extractors", lambda: [("entities", broken), ("quotes", None), ("events", None)])
    paths = sorted(SAMPLES.glob("*.txt"))
    rejected: list[tuple[str, str, str]] = []
    summary = extract_files(paths, tmp_path / "out.jsonl", on_reject=lambda o, r, m: rejected.append((o, r, m)))
    lines = [json.loads(x) for x in (tmp_path / "out.jsonl").read_text().splitlines()]
    failing = [p for p in paths if "Geneva" in p.read_text(encoding="utf-8")]
    assert failing, "a sample must mention Geneva for this test to mean anything"
    assert summary.written == len(lines) == len(paths) - len(failing)
    assert summary.rejected == {errors.EXTRACTOR_FAILED: len(failing)}
    assert [(r, m) for _, r, m in rejected] == [(errors.EXTRACTOR_FAILED, "ValueError: boom")] * len(failing)
    assert all(line["entities"] == [] and line["quotes"] == [] for line in lines)


def test_two_processes_write_what_one_writes(tmp_path):
    paths = sorted(SAMPLES.glob("*.txt"))
    now = datetime(2026, 11, 28, tzinfo=UTC)  # the ingestion time each line carries
    one = extract_files(paths, tmp_path / "one.jsonl", processes=1, now=now)
    two = extract_files(paths, tmp_path / "two.jsonl", processes=2, batch_size=1, now=now)  # a chunk a process
    assert one.written == two.written == len(paths)
    assert (tmp_path / "one.jsonl").read_text() == (tmp_path / "two.jsonl").read_text()
