"""Time expressions against TempEval-3 TBAQ-cleaned (TimeBank + AQUAINT).

Reads `../shared/eval/tempeval3/TBAQ-cleaned/{TimeBank,AQUAINT}/*.tml` (or `$NEWSFLASH_SHARED_DIR`),
resolves each document against its `<DCT>` date, and prints span and value precision/recall/F1
per corpus and overall, then the most frequent value errors. Scoring follows
`../shared/eval/README.md`: a prediction matches a gold expression when they overlap (one-to-one);
a match counts for value when the TIMEX3 values are equal.

    python -m evaluation.tempeval [--limit N] [--errors 10] [--show missed|spurious|value]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

CORPORA = ("TimeBank", "AQUAINT")


@dataclass(frozen=True)
class GoldTimex:
    start: int
    end: int
    text: str
    type: str
    value: str


@dataclass
class TmlDocument:
    name: str
    corpus: str
    dct: date
    text: str
    gold: list[GoldTimex]


@dataclass
class Score:
    gold: int = 0
    predicted: int = 0
    matched: int = 0
    value_correct: int = 0
    errors: Counter[tuple[str, str, str]] = field(default_factory=Counter)
    missed: Counter[tuple[str, str]] = field(default_factory=Counter)
    spurious: Counter[tuple[str, str]] = field(default_factory=Counter)

    def add(self, other: Score) -> None:
        self.gold += other.gold
        self.predicted += other.predicted
        self.matched += other.matched
        self.value_correct += other.value_correct
        self.errors.update(other.errors)
        self.missed.update(other.missed)
        self.spurious.update(other.spurious)


def shared_dir() -> Path:
    env = os.environ.get("NEWSFLASH_SHARED_DIR")
    return Path(env) if env else Path(__file__).resolve().parents[1] / ".." / "shared"


def _plain_text(element: ET.Element) -> tuple[str, list[GoldTimex]]:
    """The element's text with inline tags removed, and the TIMEX3 spans in that text."""
    parts: list[str] = []
    gold: list[GoldTimex] = []
    length = 0

    def walk(node: ET.Element) -> None:
        nonlocal length
        start = length
        if node.text:
            parts.append(node.text)
            length += len(node.text)
        for child in node:
            walk(child)
            if child.tail:
                parts.append(child.tail)
                length += len(child.tail)
        if node.tag == "TIMEX3" and node is not element:
            text = "".join(parts)[start:length]
            gold.append(GoldTimex(start, length, text, node.get("type", ""), node.get("value", "")))

    walk(element)
    return "".join(parts), gold


def read_tml(path: Path, corpus: str) -> TmlDocument:
    root = ET.parse(path).getroot()
    dct_timex = root.find("DCT/TIMEX3")
    text_el = root.find("TEXT")
    if dct_timex is None or text_el is None:
        raise ValueError(f"{path}: no DCT or TEXT")
    dct = date.fromisoformat(dct_timex.get("value", "")[:10])
    text, gold = _plain_text(text_el)
    return TmlDocument(path.stem, corpus, dct, text, gold)


def load_corpus(root: Path, limit: int | None = None) -> list[TmlDocument]:
    docs: list[TmlDocument] = []
    for corpus in CORPORA:
        paths = sorted((root / corpus).glob("*.tml"))
        if limit is not None:
            paths = paths[:limit]
        docs.extend(read_tml(p, corpus) for p in paths)
    return docs


def _overlap(a_start: int, a_end: int, b_start: int, b_end: int) -> int:
    return max(0, min(a_end, b_end) - max(a_start, b_start))


def score_document(
    gold: Sequence[GoldTimex], predicted: Sequence[tuple[int, int, str, str | None]]
) -> Score:
    """One-to-one matching by overlap: each gold takes the free prediction overlapping it most."""
    score = Score(gold=len(gold), predicted=len(predicted))
    used: set[int] = set()
    for g in gold:
        best, best_overlap = -1, 0
        for i, (start, end, _, _) in enumerate(predicted):
            if i in used:
                continue
            ov = _overlap(g.start, g.end, start, end)
            if ov > best_overlap:
                best, best_overlap = i, ov
        if best < 0:
            score.missed[(g.text.lower(), g.value)] += 1
            continue
        used.add(best)
        score.matched += 1
        value = predicted[best][3]
        if value == g.value:
            score.value_correct += 1
        else:
            score.errors[(g.text, g.value, str(value))] += 1
    for i, (_, _, text, value) in enumerate(predicted):
        if i not in used:
            score.spurious[(text.lower(), str(value))] += 1
    return score


def _prf(correct: int, predicted: int, gold: int) -> tuple[float, float, float]:
    p = correct / predicted if predicted else 0.0
    r = correct / gold if gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def report(name: str, score: Score) -> str:
    sp, sr, sf = _prf(score.matched, score.predicted, score.gold)
    vp, vr, vf = _prf(score.value_correct, score.predicted, score.gold)
    return (f"{name:<9} gold={score.gold:<5} pred={score.predicted:<5} "
            f"span P={sp:.3f} R={sr:.3f} F1={sf:.3f} | value P={vp:.3f} R={vr:.3f} F1={vf:.3f}")


def evaluate(docs: Iterable[TmlDocument]) -> tuple[dict[str, Score], float]:
    """Parse with the pipeline's model and score; returns scores per corpus and seconds in timex."""
    from shared.nlp.model import parse_bodies
    from shared.nlp.timex import find_time_expressions

    docs = list(docs)
    scores = {c: Score() for c in CORPORA}
    timex_seconds = 0.0
    for tml, doc in zip(docs, parse_bodies((d.text for d in docs), batch_size=8), strict=True):
        t0 = time.perf_counter()
        found = find_time_expressions(doc, tml.dct)
        timex_seconds += time.perf_counter() - t0
        predicted = [(t.start, t.end, t.text, t.value) for t in found]
        scores[tml.corpus].add(score_document(tml.gold, predicted))
    return scores, timex_seconds


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--limit", type=int, default=None, help="documents per corpus")
    parser.add_argument("--errors", type=int, default=10, help="value errors to list")
    parser.add_argument("--show", choices=("missed", "spurious", "value"), action="append",
                        default=[], help="also list the 40 most frequent of these")
    args = parser.parse_args(argv)

    root = shared_dir() / "eval" / "tempeval3" / "TBAQ-cleaned"
    if not root.is_dir():
        print(f"{root} is absent: the evaluation data lives in ../shared", file=sys.stderr)
        return 2
    docs = load_corpus(root, args.limit)
    t0 = time.perf_counter()
    scores, timex_seconds = evaluate(docs)
    elapsed = time.perf_counter() - t0

    total = Score()
    for corpus in CORPORA:
        total.add(scores[corpus])
        print(report(corpus, scores[corpus]))
    print(report("overall", total))
    print(f"{len(docs)} documents in {elapsed:.1f}s; find_time_expressions "
          f"{1000 * timex_seconds / max(1, len(docs)):.2f} ms/doc")

    print("\nmost frequent value errors (gold text | gold value -> predicted):")
    for (text, gold, pred), n in total.errors.most_common(args.errors):
        print(f"  {n:>3}  {text!r:<32} {gold:<14} -> {pred}")
    for kind in args.show:
        value_errors = Counter({(t, f"{g} -> {p}"): n for (t, g, p), n in total.errors.items()})
        counter = {"missed": total.missed, "spurious": total.spurious, "value": value_errors}[kind]
        print(f"\n{kind}:")
        for (text, value), n in counter.most_common(40):
            print(f"  {n:>3}  {text!r:<32} {value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
