"""`make bench`: the pipeline against the physical limit, bare `nlp.pipe`, all in one run.

On BENCH_N articles from ../shared/corpus/bbc (default 500):
1. baseline: bare nlp.pipe, 1 and 2 processes, at the start and again at the end (every ratio
   to it takes the faster reading), and in fresh processes before each streaming run (the
   limit for a pipeline that meets every article for the first time, bench/cold.py);
2. offline: extract, 1 and 2 processes;
3. streaming: the whole pipeline on the embedded broker, 1 and 2 annotate workers, publish as fast
   as the broker takes it, first publish to last output on every output topic;
4. latency: at half the streaming capacity, a steady rate for BENCH_LATENCY_S seconds (default 60);
5. scaling: the annotate stage alone, 1 and 2 workers;   6. memory: peak RSS of every service.
Prints a table, writes bench/results/pipeline.json and bench/results/pipeline.png.
"""

from __future__ import annotations

import json
import os
import statistics
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import psutil

from bench.cold import time_bare_cold
from bench.corpus import bbc_paths, machine
from bench.nlp import bare_texts, parse_and_extract_rates, time_bare
from shared import client, kafka
from shared.articles import read_articles
from shared.nlp.model import load_nlp
from shared.offline import load_articles
from shared.runner import Pipeline

RESULTS = Path(__file__).resolve().parent / "results"


class RssSampler:
    """Peak resident memory and CPU seconds of every worker process (with its children) and of the
    broker, sampled twice a second; CPU seconds count from when sampling starts."""

    def __init__(self, pipeline: Pipeline) -> None:
        self.pipeline = pipeline
        self.peak: dict[str, float] = defaultdict(float)
        self.cpu: dict[str, float] = defaultdict(float)
        self._cpu_at: dict[int, float] = {}  # pid -> CPU seconds when first seen
        self._cpu_now: dict[int, tuple[str, float]] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _processes(self) -> list[tuple[str, int]]:
        found = [(w.stage, w.process.pid) for w in self.pipeline.all_workers()]
        broker = self.pipeline.broker
        if broker is not None and broker.process is not None:
            found.append(("broker", broker.process.pid))
        return found

    def _sample(self) -> None:
        for stage, pid in self._processes():
            try:
                proc = psutil.Process(pid)
                family = [proc, *proc.children(recursive=True)]
                rss = sum(p.memory_info().rss for p in family)
                cpu = sum(sum(p.cpu_times()[:2]) for p in family)
            except psutil.Error:
                continue
            if stage != "broker":
                self.peak[stage] = max(self.peak[stage], rss / 2**20)
            self._cpu_at.setdefault(pid, cpu)
            self._cpu_now[pid] = (stage, cpu)

    def _run(self) -> None:
        while not self._stop.is_set():
            self._sample()
            self._stop.wait(0.5)
        self._sample()
        for pid, (stage, cpu) in self._cpu_now.items():
            self.cpu[stage] += cpu - self._cpu_at[pid]

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def expected_counts(lines: list[dict[str, Any]]) -> dict[str, int]:
    return {
        kafka.ENTITIES: sum(len(line["entities"]) for line in lines),
        kafka.QUOTES: sum(len(line["quotes"]) for line in lines),
        kafka.EVENTS: sum(len(line["events"]) for line in lines),
    }


def drain(
    settings: Any, ids: set[str], expected: dict[str, int], sent_at: dict[str, float], timeout: float = 900.0
) -> tuple[float, dict[str, list[float]]]:
    """Read the output topics until every expected message has arrived; returns the time of the
    last arrival and, per topic, publish-to-output latencies in seconds."""
    seen: dict[str, set[str]] = {t: set() for t in expected}
    latencies: dict[str, list[float]] = {t: [] for t in expected}
    last = 0.0
    deadline = time.monotonic() + timeout

    def done(_idle: float) -> bool:
        return all(len(seen[t]) >= expected[t] for t in expected) or time.monotonic() > deadline

    for record in client.consume(settings, list(expected), from_beginning=True, follow=True, until=done):
        data = json.loads(record.value)
        article_id = data.get("article_id")
        if article_id not in ids or data["id"] in seen[record.topic]:
            continue
        seen[record.topic].add(data["id"])
        produced = record.timestamp_ms / 1000.0
        latencies[record.topic].append(produced - sent_at[article_id])
        last = max(last, produced)
    missing = {t: expected[t] - len(seen[t]) for t in expected if len(seen[t]) < expected[t]}
    if missing:
        raise RuntimeError(f"outputs missing after {timeout}s: {missing}")
    return last, latencies


def run_streaming(
    items: list[tuple[bytes, bytes]], expected: dict[str, int], annotate_workers: int, tag: str
) -> tuple[float, dict[str, float], dict[str, float]]:
    """Throughput (articles/s), peak RSS per service (MB) and CPU per article per process (ms)."""
    with tempfile.TemporaryDirectory() as tmp, Pipeline(workdir=Path(tmp)) as pipeline:
        for _ in range(annotate_workers - 1):
            pipeline.wait_ready(workers=[pipeline.start_worker("annotate")])
        with RssSampler(pipeline) as rss:
            items = [
                (key.replace(b"bbc-", f"{tag}-".encode()), value.replace(b'"bbc-', f'"{tag}-'.encode()))
                for key, value in items
            ]
            ids = {key.decode() for key, _ in items}
            started = time.time()
            client.publish(pipeline.settings(), kafka.RAW_ARTICLES, items)
            sent_at = dict.fromkeys(ids, started)
            last, _ = drain(pipeline.settings(), ids, expected, sent_at)
        cpu_ms = {stage: round(1000 * seconds / len(items), 1) for stage, seconds in sorted(rss.cpu.items())}
        return len(items) / (last - started), dict(rss.peak), cpu_ms


def run_latency(
    items: list[tuple[bytes, bytes]], expected_per_article: dict[str, dict[str, int]], rate: float, seconds: float
) -> tuple[dict[str, dict[str, float]], dict[str, float]]:
    with tempfile.TemporaryDirectory() as tmp, Pipeline(workdir=Path(tmp)) as pipeline:
        settings = pipeline.settings()
        prod = client.producer(settings)
        sent_at: dict[str, float] = {}
        n = min(int(rate * seconds), len(items))  # repeats would be dropped as exact duplicates
        chosen = [items[i % len(items)] for i in range(n)]
        with RssSampler(pipeline) as rss:
            started = time.time()
            for i, (key, value) in enumerate(chosen):
                target = started + i / rate
                delay = target - time.time()
                if delay > 0:
                    time.sleep(delay)
                new_id = f"lat{i:05d}-{key.decode()}"
                data = json.loads(value)
                data["id"] = new_id
                sent_at[new_id] = time.time()
                prod.send(kafka.RAW_ARTICLES, key=new_id.encode(), value=json.dumps(data).encode())
            prod.flush()
            prod.close()
            expected = defaultdict(int)
            for chosen_key, _ in chosen:
                for topic, count in expected_per_article[chosen_key.decode()].items():
                    expected[topic] += count
            _, latencies = drain(settings, set(sent_at), dict(expected), sent_at)
        summary = {}
        for topic, values in latencies.items():
            values.sort()
            summary[topic] = {
                "p50": values[len(values) // 2],
                "p95": values[int(0.95 * (len(values) - 1))],
                "p99": values[int(0.99 * (len(values) - 1))],
                "max": values[-1],
                "n": len(values),
            }
        return summary, dict(rss.peak)


def run_annotate_scaling(items: list[tuple[bytes, bytes]], workers: int, tag: str,
                         env: dict[str, str] | None = None) -> float:
    """The annotate stage alone: validated articles straight onto news.articles.v1."""
    from services.ingest.pipeline import ingest

    articles = []
    for _, value in items:
        article = ingest(value, max_body_bytes=1_000_000)
        article.id = f"{tag}-{article.id}"
        articles.append((article.id.encode(), kafka.encode(article)))
    with tempfile.TemporaryDirectory() as tmp, \
            Pipeline(workdir=Path(tmp), stages=("annotate",), extra_env=env or {}) as pipeline:
        for _ in range(workers - 1):
            pipeline.wait_ready(workers=[pipeline.start_worker("annotate")])
        settings = pipeline.settings()
        ids = {key.decode() for key, _ in articles}
        started = time.time()
        client.publish(settings, kafka.ARTICLES, articles)
        seen: set[str] = set()
        last = started
        for record in client.consume(
            settings,
            [kafka.ANNOTATED],
            from_beginning=True,
            follow=True,
            until=lambda _idle: seen >= ids,
            max_wait_s=900,
        ):
            article_id = json.loads(record.value)["article"]["id"]
            if article_id in ids:
                seen.add(article_id)
                last = max(last, record.timestamp_ms / 1000.0)
        return len(ids) / (last - started)


def chart(result: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    t = result["throughput_articles_per_s"]
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.5))
    names = list(t)
    left.bar(
        names,
        [t[k] for k in names],
        color=["#888", "#888", "#4a7", "#4a7", "#37c", "#37c", "#c73", "#c73", "#e9b"][: len(names)],
    )
    left.set_ylabel("articles / s")
    left.set_title(f"Throughput on {result['articles']} BBC articles")
    left.tick_params(axis="x", rotation=35)
    lat = result["latency_s"]
    topics = list(lat)
    for i, q in enumerate(("p50", "p95", "p99", "max")):
        right.bar([x + i * 0.2 for x in range(len(topics))], [lat[tp][q] for tp in topics], width=0.2, label=q)
    right.set_xticks([x + 0.3 for x in range(len(topics))], [tp.split(".")[1] for tp in topics])
    right.set_ylabel("seconds, publish to output")
    right.set_title(f"Latency at {result['latency_rate_per_s']:.1f} articles/s")
    right.legend()
    fig.suptitle(f"{result['machine']['cpu']} x {result['machine']['cores']}", fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=100)


def main() -> None:
    n = int(os.environ.get("BENCH_N", "500"))
    latency_s = float(os.environ.get("BENCH_LATENCY_S", "60"))
    # The corpus repeats a few stories word for word: same content, same id, which ingest rightly
    # drops as duplicates. Keep one copy of each, then top up to n.
    loaded, paths, seen_ids = [], [], set()
    for path in bbc_paths(n + 40):
        item = next(read_articles([path]))
        if item.data["id"] not in seen_ids and len(loaded) < n:
            seen_ids.add(item.data["id"])
            loaded.append(item)
            paths.append(path)
    for item in loaded:
        item.data["id"] = f"bbc-{item.data['id']}"
    items = [(x.data["id"].encode(), json.dumps(x.data).encode()) for x in loaded]
    articles = list(load_articles(paths))
    for article, item in zip(articles, loaded, strict=True):
        article.id = item.data["id"]
    bodies = [a.body for a in articles]
    nlp = load_nlp()
    throughput: dict[str, float] = {}
    print(f"{len(articles)} articles, {statistics.mean(len(b.split()) for b in bodies):.0f} words on average")
    offline_cpu: dict[str, float] = {}
    for procs in (1, 2):
        rates = parse_and_extract_rates(articles, nlp, procs)
        throughput[f"nlp.pipe x{procs}"], throughput[f"extract x{procs}"] = rates.bare, rates.extract
        offline_cpu[f"nlp.pipe x{procs}"], offline_cpu[f"extract x{procs}"] = rates.bare_cpu_ms, rates.extract_cpu_ms
        lines = rates.lines
        print(f"  bare nlp.pipe, {procs} process(es): {rates.bare:.2f}/s; extract: {rates.extract:.2f}/s "
              f"(best of 2); CPU per article {rates.bare_cpu_ms:.1f} / {rates.extract_cpu_ms:.1f} ms", flush=True)
    expected = expected_counts(lines)
    per_article = {
        line["article_id"]: {
            kafka.ENTITIES: len(line["entities"]),
            kafka.QUOTES: len(line["quotes"]),
            kafka.EVENTS: len(line["events"]),
        }
        for line in lines
    }
    memory: dict[str, float] = defaultdict(float)
    cpu_per_article: dict[str, dict[str, float]] = {}
    texts = bare_texts(articles)
    fresh: dict[str, float] = {}  # bare nlp.pipe in fresh processes: the streaming runs' limit
    # Interleaved and best of 2, like the offline rows: one streaming run swings by 10% or more.
    # Each streaming run starts a new pipeline, whose work processes meet every article for the
    # first time; so each is preceded by bare nlp.pipe in fresh processes (bench/cold.py).
    for round_ in range(2):
        for workers in (1, 2):
            cold, _ = time_bare_cold(texts, workers, len(articles))
            fresh[f"nlp.pipe x{workers}"] = max(fresh.get(f"nlp.pipe x{workers}", 0.0), cold)
            print(f"  bare nlp.pipe, {workers} fresh process(es): {cold:.2f}/s", flush=True)
            rate, peak, cpu_ms = run_streaming(items, expected, workers, f"s{workers}r{round_}")
            name = f"streaming x{workers}"
            if rate > throughput.get(name, 0.0):
                throughput[name], cpu_per_article[name] = rate, cpu_ms
            for stage, mb in peak.items():
                memory[stage] = max(memory[stage], mb)
            print(f"  streaming, {workers} annotate worker(s) (round {round_ + 1}): {rate:.2f}/s", flush=True)
    # The annotate stage alone with 1 and 2 workers, and (for comparison) parsing in a thread of
    # its event loop instead of its work process: interleaved, best of 2, like the offline rows.
    runs = {"annotate x1": (1, None), "annotate x2": (2, None),
            "annotate x1 (thread)": (1, {"NEWSFLASH_PARSE_IN": "thread"})}
    for round_ in range(2):
        for i, (name, (workers, env)) in enumerate(runs.items()):
            rate_ = run_annotate_scaling(items, workers, f"a{i}r{round_}", env)
            throughput[name] = max(throughput.get(name, 0.0), rate_)
            print(f"  {name} (round {round_ + 1}): {rate_:.2f}/s", flush=True)
    best_streaming = max(throughput["streaming x1"], throughput["streaming x2"])
    rate = best_streaming / 2
    latency, peak = run_latency(items, per_article, rate, latency_s)
    for stage, mb in peak.items():
        memory[stage] = max(memory[stage], mb)

    # The machine's speed drifts over a 20-minute run, as other tenants' load comes and goes: in
    # one run bare nlp.pipe read 9.66/s at the start while the annotate stage alone later read
    # 11.58/s. So the bare parse is timed again at the end, and every ratio to it is taken
    # against the faster of the two readings, never flattered by a slow start.
    limit_at_end: dict[str, float] = {}
    for procs in (1, 2):
        rate_at_end, _ = time_bare(texts, nlp, procs, len(articles))
        limit_at_end[f"nlp.pipe x{procs}"] = rate_at_end
        print(f"  bare nlp.pipe, {procs} process(es), at the end: {rate_at_end:.2f}/s", flush=True)
    limit = {k: max(throughput[k], v) for k, v in limit_at_end.items()}
    # The streaming runs and the annotate stage alone parse as fresh processes do: their limit
    # is `fresh`. They are also shown against the warm limit, the stricter reading.
    ratios = {
        "streaming x1 / nlp.pipe x1, fresh process": throughput["streaming x1"] / fresh["nlp.pipe x1"],
        "streaming x2 / nlp.pipe x2, fresh process": throughput["streaming x2"] / fresh["nlp.pipe x2"],
        "streaming x1 / nlp.pipe x1": throughput["streaming x1"] / limit["nlp.pipe x1"],
        "streaming x2 / nlp.pipe x2": throughput["streaming x2"] / limit["nlp.pipe x2"],
        "extract x1 / nlp.pipe x1": throughput["extract x1"] / limit["nlp.pipe x1"],
        "extract x2 / nlp.pipe x2": throughput["extract x2"] / limit["nlp.pipe x2"],
        "extract x1 / nlp.pipe x1, by CPU time": offline_cpu["nlp.pipe x1"] / offline_cpu["extract x1"],
        "extract x2 / nlp.pipe x2, by CPU time": offline_cpu["nlp.pipe x2"] / offline_cpu["extract x2"],
        "annotate x2 / annotate x1": throughput["annotate x2"] / throughput["annotate x1"],
        "annotate x1 / nlp.pipe x1, fresh process": throughput["annotate x1"] / fresh["nlp.pipe x1"],
        "annotate x1 / nlp.pipe x1": throughput["annotate x1"] / limit["nlp.pipe x1"],
        "annotate x1 thread / nlp.pipe x1": throughput["annotate x1 (thread)"] / limit["nlp.pipe x1"],
    }
    result = {
        "articles": len(articles),
        "machine": machine(),
        "throughput_articles_per_s": {k: round(v, 2) for k, v in throughput.items()},
        "bare_nlp_pipe_at_the_end_articles_per_s": {k: round(v, 2) for k, v in limit_at_end.items()},
        "bare_nlp_pipe_fresh_process_articles_per_s": {k: round(v, 2) for k, v in fresh.items()},
        "ratios": {k: round(v, 3) for k, v in ratios.items()},
        "latency_rate_per_s": round(rate, 2),
        "latency_seconds_of_load": latency_s,
        "latency_s": {
            t: {k: round(v, 3) if isinstance(v, float) else v for k, v in q.items()} for t, q in latency.items()
        },
        "peak_rss_mb": {k: round(v) for k, v in sorted(memory.items())},
        "offline_cpu_ms_per_article": {k: round(v, 1) for k, v in offline_cpu.items()},
        "streaming_cpu_ms_per_article": cpu_per_article,
        "targets": {
            "streaming >= 0.85 x nlp.pipe (same processes, fresh)": min(
                ratios["streaming x1 / nlp.pipe x1, fresh process"],
                ratios["streaming x2 / nlp.pipe x2, fresh process"],
            )
            >= 0.85,
            "extract >= 0.95 x nlp.pipe": min(ratios["extract x1 / nlp.pipe x1"], ratios["extract x2 / nlp.pipe x2"])
            >= 0.95,
            "2 annotate workers >= 1.7 x one": ratios["annotate x2 / annotate x1"] >= 1.7,
            "p99 latency at half capacity < 1.5 s": max(q["p99"] for q in latency.values()) < 1.5,
            "no service above 500 MB RSS": max(memory.values()) < 500,
        },
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "pipeline.json").write_text(json.dumps(result, indent=2) + "\n")
    chart(result, RESULTS / "pipeline.png")
    print(f"\nmachine: {result['machine']}")
    print(f"{'throughput':<28} articles/s")
    for k, v in result["throughput_articles_per_s"].items():
        print(f"  {k:<26} {v:8.2f}")
    for k, v in result["bare_nlp_pipe_at_the_end_articles_per_s"].items():
        print(f"  {k + ', at the end':<26} {v:8.2f}")
    for k, v in result["bare_nlp_pipe_fresh_process_articles_per_s"].items():
        print(f"  {k + ', fresh process':<26} {v:8.2f}")
    print("ratios (to the faster bare nlp.pipe reading, start or end; or to the faster fresh one)")
    for k, v in result["ratios"].items():
        print(f"  {k:<44} {v:8.3f}")
    print(f"latency at {rate:.2f} articles/s for {latency_s:.0f}s (publish -> output, s)")
    for t, q in result["latency_s"].items():
        print(f"  {t:<26} p50 {q['p50']:.3f}  p95 {q['p95']:.3f}  p99 {q['p99']:.3f}  max {q['max']:.3f}  (n={q['n']})")
    print("peak RSS (MB)")
    for k, v in result["peak_rss_mb"].items():
        print(f"  {k:<26} {v:8d}")
    print("CPU per article while streaming (ms, by process)")
    for run, per_stage in cpu_per_article.items():
        total = sum(per_stage.values())
        print(f"  {run:<26} " + "  ".join(f"{k} {v:.0f}" for k, v in per_stage.items()) + f"  total {total:.0f}")
    print("targets")
    for k, ok in result["targets"].items():
        print(f"  {'met    ' if ok else 'NOT met'} {k}")
    print(f"\nwrote {RESULTS / 'pipeline.json'} and {RESULTS / 'pipeline.png'}")


if __name__ == "__main__":
    main()
