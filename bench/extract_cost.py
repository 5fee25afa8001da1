"""What extraction costs per article on top of the parse, component by component, in CPU time.

Parses BBC articles once (or reads the parses from `--parses`, so that two checkouts are timed on
the very same docs). Then, per article and per extractor stage, decodes the parse as a stage does
and times with `time.process_time`: entity linking (`link_entities`, which every stage computes
on its own decoded doc, and `newsflash extract` once per article), each extractor net of linking,
and the offline JSON line (`extract_parsed`, from messages already found).
Prints the medians over `--blocks` passes over every article, and two totals: `offline_total`
(linking once, every extractor, the line) and `stream_total` (each stage decoding and linking on
its own). The machine is shared, so compare checkouts in alternating runs:

    python -m bench.extract_cost --parses /tmp/parses.jsonl --blocks 2 --out /tmp/after.jsonl
    PYTHONPATH=../main python bench/extract_cost.py --parses /tmp/parses.jsonl ... (the other)
"""

from __future__ import annotations

import argparse
import cProfile
import json
import statistics
import time
from pathlib import Path
from typing import Any

COMPONENTS = ("decode", "linking", "entities", "quotes", "events", "json")


def _load(parses: Path | None, n: int) -> list[tuple[Any, str]]:
    from shared.schemas import AnnotatedArticle

    if parses is not None and parses.exists():
        return [(a.article, a.doc_b64) for a in
                map(AnnotatedArticle.model_validate_json, parses.read_text().splitlines())]
    from bench.corpus import bbc_paths
    from services.annotate.pipeline import annotate
    from shared.offline import load_articles

    annotated = [a for a in annotate(load_articles(bbc_paths(n)), batch_size=32) if a.doc_b64]
    if parses is not None:
        parses.write_text("".join(a.model_dump_json() + "\n" for a in annotated))
    return [(a.article, a.doc_b64) for a in annotated]


def _block(items: list[tuple[Any, str]], profile: cProfile.Profile | None) -> dict[str, float]:
    """ms/article of each component over one pass; `profile` records all but the decoding."""
    from shared import offline
    from shared.extract import run_extractor
    from shared.nlp.docs import decode_doc_b64
    from shared.nlp.entities import link_entities

    extractors = offline.load_extractors()
    spent = dict.fromkeys(COMPONENTS, 0.0)
    clock = time.process_time
    for article, doc_b64 in items:
        found = {}
        for name, fn in extractors:
            t0 = clock()
            doc = decode_doc_b64(doc_b64)
            t1 = clock()
            if profile:
                profile.enable()
            link_entities(article, doc)
            t2 = clock()
            found[fn] = run_extractor(fn, article, doc)
            t3 = clock()
            if profile:
                profile.disable()
            spent["decode"] += (t1 - t0) / len(extractors)
            spent["linking"] += (t2 - t1) / len(extractors)
            spent[name] += t3 - t2
        # The offline line from the messages found above, so that it times only the dumping.
        offline.run_extractor = lambda fn, article, doc, found=found: found[fn]
        try:
            t0 = clock()
            if profile:
                profile.enable()
            offline.extract_parsed(article, doc, None, extractors)
            if profile:
                profile.disable()
            spent["json"] += clock() - t0
        finally:
            offline.run_extractor = run_extractor
    return {k: 1000 * v / len(items) for k, v in spent.items()}


def totals(block: dict[str, float]) -> dict[str, float]:
    extract = block["entities"] + block["quotes"] + block["events"]
    return {"offline_total": block["linking"] + extract + block["json"],
            "stream_total": 3 * (block["decode"] + block["linking"]) + extract}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--parses", type=Path, default=None, help="read (or write) the parses here")
    parser.add_argument("--n", type=int, default=200, help="BBC articles, when parsing")
    parser.add_argument("--blocks", type=int, default=5)
    parser.add_argument("--profile", type=Path, default=None, help="write cProfile stats here")
    parser.add_argument("--out", type=Path, default=None, help="append each block as a JSON line")
    args = parser.parse_args()

    from shared.extract import load_resources

    items = _load(args.parses, args.n)
    load_resources()
    _block(items[:20], None)  # warm up: lazy tables, the decoding vocabulary's common words
    profile = cProfile.Profile() if args.profile else None
    blocks = [_block(items, profile) for _ in range(args.blocks)]
    if profile is not None:
        profile.dump_stats(str(args.profile))
    medians = {k: statistics.median(b[k] for b in blocks) for k in COMPONENTS}
    medians |= {k: statistics.median(totals(b)[k] for b in blocks) for k in totals(blocks[0])}
    print(json.dumps({k: round(v, 3) for k, v in medians.items()}))
    if args.out is not None:
        with args.out.open("a") as fh:
            for b in blocks:
                fh.write(json.dumps(b) + "\n")


if __name__ == "__main__":
    main()
