"""Event trigger precision and recall on the ECB+ dev topics.

Reads `../shared/eval/ecbplus` (or `$NEWSFLASH_SHARED_DIR/eval/ecbplus`) at run time; nothing
from it is stored in the repository. Each document's text is rebuilt from its tokens (joined by
spaces, one sentence per line) with a token -> character map, parsed once, and run through
`extract_events`. Scoring follows the corpus README: only the validated sentences listed in
`ECBplus_coreference_sentences.csv` count, on both sides. A gold mention is any ACTION_* or
NEG_ACTION_* markable; a predicted trigger matches a gold mention when their tokens overlap.

    python -m evaluation.ecbplus [--topics 2,5,12] [--show-errors 20]
"""

from __future__ import annotations

import argparse
import csv
import os
import time
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from services.events.pipeline import extract_events
from shared.nlp.model import load_nlp
from shared.schemas.article import Article, ReferenceDate

DEV_TOPICS = (2, 5, 12, 18, 21, 23, 34, 35)
#: ECB+ documents carry no reliable date; status and time are not scored here.
_REFERENCE = datetime(2013, 1, 1, tzinfo=UTC).date()


def shared_dir() -> Path:
    return Path(os.environ.get("NEWSFLASH_SHARED_DIR",
                               Path(__file__).resolve().parents[1] / ".." / "shared"))


@dataclass
class Document:
    name: str
    text: str
    #: character span of every token, by token id
    tokens: dict[str, tuple[int, int]]
    #: character spans of the validated sentences
    sentences: list[tuple[int, int]]
    #: gold action mentions, each a set of token ids, inside validated sentences
    gold: list[frozenset[str]]


def validated_sentences(root: Path, topics: tuple[int, ...]) -> dict[tuple[str, str], set[int]]:
    wanted = {str(t) for t in topics}
    selected: dict[tuple[str, str], set[int]] = defaultdict(set)
    with open(root / "ECBplus_coreference_sentences.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["Topic"] in wanted:
                selected[(row["Topic"], row["File"])].add(int(row["Sentence Number"]))
    return selected


def load_documents(topics: tuple[int, ...] = DEV_TOPICS) -> Iterator[Document]:
    root = shared_dir() / "eval" / "ecbplus"
    for (topic, name), sentence_ids in sorted(validated_sentences(root, topics).items()):
        path = root / "ECB+" / topic / f"{topic}_{name}.xml"
        if not path.exists():
            continue
        yield _read(path, sentence_ids)


def _read(path: Path, sentence_ids: set[int]) -> Document:
    tree = ET.parse(path).getroot()
    parts: list[str] = []
    spans: dict[str, tuple[int, int]] = {}
    sentence_of: dict[str, int] = {}
    bounds: dict[int, list[int]] = {}
    pos, current = 0, None
    for token in tree.iter("token"):
        sentence = int(token.get("sentence", "0"))
        text = token.text or ""
        if current is not None:
            parts.append("\n" if sentence != current else " ")
            pos += 1
        tid = token.get("t_id", "")
        spans[tid] = (pos, pos + len(text))
        sentence_of[tid] = sentence
        bound = bounds.setdefault(sentence, [pos, pos + len(text)])
        bound[1] = pos + len(text)
        parts.append(text)
        pos += len(text)
        current = sentence
    gold = []
    markables = tree.find("Markables")
    for markable in markables if markables is not None else []:
        if not markable.tag.startswith(("ACTION_", "NEG_ACTION_")):
            continue
        ids = frozenset(a.get("t_id", "") for a in markable.findall("token_anchor"))
        if ids and all(i in spans for i in ids) and sentence_of[min(ids, key=int)] in sentence_ids:
            gold.append(ids)
    sentences = [tuple(bounds[s]) for s in sorted(sentence_ids) if s in bounds]
    return Document(name=path.stem, text="".join(parts), tokens=spans,
                    sentences=sentences, gold=gold)  # type: ignore[arg-type]


def score(topics: tuple[int, ...] = DEV_TOPICS, show_errors: int = 0) -> dict[str, float]:
    docs = list(load_documents(topics))
    nlp = load_nlp()
    tp_pred = n_pred = tp_gold = n_gold = 0
    missed: Counter[str] = Counter()
    spurious: Counter[str] = Counter()
    started = time.perf_counter()
    extract_seconds = 0.0
    for document, doc in zip(docs, nlp.pipe(d.text for d in docs), strict=True):
        article = Article(id=document.name, body=document.text, content_hash=document.name,
                          reference_date=ReferenceDate(date=_REFERENCE, source="ingested_at"),
                          ingested_at=datetime.now(UTC))
        t0 = time.perf_counter()
        events = extract_events(article, doc)
        extract_seconds += time.perf_counter() - t0
        gold_spans = [[document.tokens[i] for i in ids] for ids in document.gold]
        predicted = [(e.trigger.start, e.trigger.end, e.trigger.text) for e in events
                     if e.trigger.field == "body"
                     and any(s <= e.trigger.start < t for s, t in document.sentences)]
        hit_gold: set[int] = set()
        for start, end, text in predicted:
            matches = [g for g, spans in enumerate(gold_spans)
                       if any(start < b and a < end for a, b in spans)]
            n_pred += 1
            if matches:
                tp_pred += 1
                hit_gold.update(matches)
            else:
                spurious[text.lower()] += 1
        n_gold += len(gold_spans)
        tp_gold += len(hit_gold)
        for g, spans in enumerate(gold_spans):
            if g not in hit_gold:
                missed[" ".join(document.text[a:b] for a, b in sorted(spans)).lower()] += 1
    precision = tp_pred / n_pred if n_pred else 0.0
    recall = tp_gold / n_gold if n_gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    print(f"ECB+ dev topics {','.join(map(str, topics))}: {len(docs)} documents, "
          f"{n_gold} gold action mentions in validated sentences, {n_pred} predicted triggers")
    print(f"trigger precision {precision:.3f}  recall {recall:.3f}  F1 {f1:.3f}")
    print(f"extract_events: {1000 * extract_seconds / max(len(docs), 1):.2f} ms/document; "
          f"total {time.perf_counter() - started:.1f} s with parsing")
    if show_errors:
        print("most frequent misses:", missed.most_common(show_errors))
        print("most frequent false triggers:", spurious.most_common(show_errors))
    return {"precision": precision, "recall": recall, "f1": f1}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--topics", default=",".join(map(str, DEV_TOPICS)))
    parser.add_argument("--show-errors", type=int, default=0)
    args = parser.parse_args()
    score(tuple(int(t) for t in args.topics.split(",")), args.show_errors)


if __name__ == "__main__":
    main()
