"""Parse once, measured: bare `nlp.pipe` (the limit) against `newsflash extract` on the same
articles, plus the size of the annotated message and the cost to decode it.

`make bench-nlp` (BENCH_NLP_N articles, default 200) prints a table and writes
bench/results/nlp.json.
"""

from __future__ import annotations

import json
import os
import statistics
import time
from pathlib import Path
from typing import Any

from spacy.language import Language

from bench.corpus import bbc_paths, machine
from shared.extract import load_resources
from shared.nlp.docs import decode_doc_b64
from shared.nlp.model import load_nlp, parse_bodies
from shared.offline import extract_articles, load_articles
from shared.schemas import Article

RESULTS = Path(__file__).resolve().parent / "results"


def parse_and_extract_rates(
    articles: list[Article], nlp: Language, processes: int, rounds: int = 2
) -> tuple[float, float, list[dict[str, Any]]]:
    """Articles/s of bare `nlp.pipe` (bodies and headlines, what the pipeline parses) and of
    `extract` on the same articles, after warming both up; interleaved, best of `rounds`, since
    one run of each swings by 10-20% on a shared machine. Also returns extract's lines."""
    texts = [a.body for a in articles] + [a.headline for a in articles if a.headline]
    list(parse_bodies(texts[:10], nlp=nlp))
    load_resources()
    list(extract_articles(articles[:10], processes=processes, batch_size=32))
    bare = extract = 0.0
    lines: list[dict[str, Any]] = []
    for _ in range(rounds):
        started = time.perf_counter()
        list(parse_bodies(texts, nlp=nlp, batch_size=32, n_process=processes))
        bare = max(bare, len(articles) / (time.perf_counter() - started))
        started = time.perf_counter()
        lines = list(extract_articles(articles, processes=processes, batch_size=32))
        extract = max(extract, len(lines) / (time.perf_counter() - started))
    return bare, extract, lines


def main() -> None:
    n = int(os.environ.get("BENCH_NLP_N", "200"))
    processes = int(os.environ.get("BENCH_NLP_PROCESSES", "1"))
    articles = list(load_articles(bbc_paths(n)))
    bodies = [a.body for a in articles]
    words = sum(len(b.split()) for b in bodies) / len(bodies)
    nlp = load_nlp()
    bare, extract, _ = parse_and_extract_rates(articles, nlp, processes)

    from services.annotate.pipeline import annotate

    annotated = list(annotate(articles[:100], nlp=nlp))
    # A running stage's vocabulary already holds the common words: decode 50 other articles first,
    # then time articles it has not seen (their new names and numbers still cost).
    for a in annotated[50:]:
        decode_doc_b64(a.doc_b64)
    annotated = annotated[:50]
    sizes = [len(a.model_dump_json().encode()) for a in annotated]
    doc_sizes = [len(a.doc_b64 or "") * 3 // 4 for a in annotated]
    decode_times = []
    for a in annotated:
        t = time.perf_counter()
        decode_doc_b64(a.doc_b64)
        decode_times.append(time.perf_counter() - t)

    result = {
        "articles": len(articles), "mean_words": round(words), "processes": processes,
        "bare_nlp_pipe_articles_per_s": round(bare, 2),
        "extract_articles_per_s": round(extract, 2),
        "extract_over_bare": round(extract / bare, 3),
        "annotated_message_bytes_mean": round(statistics.mean(sizes)),
        "docbin_bytes_mean": round(statistics.mean(doc_sizes)),
        "body_bytes_mean": round(statistics.mean(len(a.article.body.encode()) for a in annotated)),
        "decode_ms_per_article_mean": round(1000 * statistics.mean(decode_times), 3),
        "decode_ms_per_article_p95": round(1000 * sorted(decode_times)[int(0.95 * len(decode_times))], 3),
        "machine": machine(),
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "nlp.json").write_text(json.dumps(result, indent=2) + "\n")
    width = max(len(k) for k in result)
    for key, value in result.items():
        print(f"{key:<{width}}  {value}")
    print(f"target: extract_over_bare >= 0.95 -> {'met' if result['extract_over_bare'] >= 0.95 else 'NOT met'}")


if __name__ == "__main__":
    main()
