"""CoNLL-2003 NER on the dev split (`eng.testa`): how well `link_entities` finds and types names.

Run: `python -m evaluation.conll [--baseline] [--limit N] [--errors N]`.

Each document's text is rebuilt by joining tokens with spaces and sentences with newlines, parsed
once with the pipeline's model, and passed through `link_entities`. Predicted body mentions are
mapped to CoNLL types (PERSON->PER; ORG->ORG; GPE, LOC, FAC->LOC; NORP, EVENT, PRODUCT,
WORK_OF_ART, LAW, LANGUAGE->MISC; everything else dropped) and scored by exact character-span
match against the gold IOB1 chunks, as ../shared/eval/README.md prescribes. `--baseline` scores
the model's own `doc.ents` instead, to show what the linking adds.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from spacy.tokens import Doc

from shared.schemas.article import Article, ReferenceDate

CONLL_TYPES: dict[str, str] = {
    "PERSON": "PER", "ORG": "ORG", "GPE": "LOC", "LOC": "LOC", "FAC": "LOC",
    "NORP": "MISC", "EVENT": "MISC", "PRODUCT": "MISC", "WORK_OF_ART": "MISC", "LAW": "MISC",
    "LANGUAGE": "MISC",
}
_DATELINE_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
#: CoNLL's dev split is Reuters copy from late August 1996; used when a document has no dateline.
_FALLBACK_DATE = date(1996, 8, 30)

Chunk = tuple[int, int, str]


@dataclass
class ConllDoc:
    text: str
    gold: set[Chunk] = field(default_factory=set)


def shared_dir() -> Path:
    env = os.environ.get("NEWSFLASH_SHARED_DIR")
    return Path(env) if env else Path(__file__).resolve().parents[1] / ".." / "shared"


def _chunks(tokens: list[tuple[int, int, str]]) -> Iterator[Chunk]:
    """IOB1 chunks: `I-X` continues a chunk of type X, `B-X` starts a new one next to it."""
    current: list[int] | None = None
    ctype = ""
    for start, end, tag in tokens:
        prefix, _, kind = tag.partition("-")
        if tag == "O":
            if current:
                yield current[0], current[1], ctype
            current = None
        elif current is None or prefix == "B" or kind != ctype:
            if current:
                yield current[0], current[1], ctype
            current, ctype = [start, end], kind
        else:
            current[1] = end
    if current:
        yield current[0], current[1], ctype


def read_conll(path: Path) -> list[ConllDoc]:
    """Documents of a CoNLL-2003 file, with gold chunks as character spans of the rebuilt text."""
    docs: list[ConllDoc] = []
    sentences: list[list[tuple[str, str]]] = []
    sentence: list[tuple[str, str]] = []

    def flush_doc() -> None:
        if sentence:
            sentences.append(list(sentence))
            sentence.clear()
        if not sentences:
            return
        parts: list[str] = []
        tagged: list[tuple[int, int, str]] = []
        offset = 0
        for i, sent in enumerate(sentences):
            if i:
                parts.append("\n")
                offset += 1
            for j, (token, tag) in enumerate(sent):
                if j:
                    parts.append(" ")
                    offset += 1
                parts.append(token)
                tagged.append((offset, offset + len(token), tag))
                offset += len(token)
            # Sentence breaks end chunks, whatever the tags say.
            tagged.append((offset, offset, "O"))
        docs.append(ConllDoc("".join(parts), set(_chunks(tagged))))
        sentences.clear()

    for line in path.read_text(encoding="utf-8").splitlines():
        cols = line.split()
        if not cols:
            if sentence:
                sentences.append(list(sentence))
                sentence.clear()
        elif cols[0] == "-DOCSTART-":
            flush_doc()
        else:
            sentence.append((cols[0], cols[-1]))
    flush_doc()
    return docs


def article_for(index: int, text: str) -> Article:
    found = _DATELINE_DATE.search(text[:400])
    day = date(*map(int, found.groups())) if found else _FALLBACK_DATE
    return Article(
        id=f"conll-testa-{index}", body=text, content_hash=f"conll-{index}",
        reference_date=ReferenceDate(date=day, source="dateline" if found else "ingested_at"),
        ingested_at=datetime.now(UTC),
    )


def predict(article: Article, doc: Doc, baseline: bool = False) -> set[Chunk]:
    if baseline:
        return {(e.start_char, e.end_char, CONLL_TYPES[e.label_]) for e in doc.ents
                if e.label_ in CONLL_TYPES}
    from shared.nlp.entities import link_entities

    chunks: set[Chunk] = set()
    for entity in link_entities(article, doc).entities:
        kind = CONLL_TYPES.get(entity.type)
        if kind is None:
            continue
        chunks.update((m.start, m.end, kind) for m in entity.mentions if m.field == "body")
    return chunks


@dataclass
class Score:
    tp: Counter[str] = field(default_factory=Counter)
    fp: Counter[str] = field(default_factory=Counter)
    fn: Counter[str] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    examples: Counter[str] = field(default_factory=Counter)

    def add(self, text: str, predicted: set[Chunk], gold: set[Chunk]) -> None:
        for chunk in predicted & gold:
            self.tp[chunk[2]] += 1
        for start, end, kind in predicted - gold:
            self.fp[kind] += 1
            cls = _error_class((start, end, kind), gold, "spurious")
            self.errors[cls] += 1
            self.examples[f"{cls}: {text[start:end]!r}"] += 1
        for start, end, kind in gold - predicted:
            self.fn[kind] += 1
            cls = _error_class((start, end, kind), predicted, "missed")
            if cls.startswith("missed"):
                self.errors[cls] += 1
                self.examples[f"{cls}: {text[start:end]!r}"] += 1

    @staticmethod
    def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)

    def report(self, out: Iterable[str] = ()) -> list[str]:
        lines = list(out)
        kinds = sorted(set(self.tp) | set(self.fp) | set(self.fn))
        total = self.prf(sum(self.tp.values()), sum(self.fp.values()), sum(self.fn.values()))
        lines.append(f"{'type':6} {'P':>6} {'R':>6} {'F1':>6} {'tp':>6} {'fp':>6} {'fn':>6}")
        for kind in kinds:
            p, r, f = self.prf(self.tp[kind], self.fp[kind], self.fn[kind])
            lines.append(f"{kind:6} {p:6.3f} {r:6.3f} {f:6.3f} {self.tp[kind]:6d} "
                         f"{self.fp[kind]:6d} {self.fn[kind]:6d}")
        lines.append(f"{'ALL':6} {total[0]:6.3f} {total[1]:6.3f} {total[2]:6.3f} "
                     f"{sum(self.tp.values()):6d} {sum(self.fp.values()):6d} "
                     f"{sum(self.fn.values()):6d}")
        return lines


def _error_class(chunk: Chunk, others: set[Chunk], alone: str) -> str:
    """Why a chunk has no exact partner: wrong type (same span), wrong boundary, or nothing near."""
    start, end, kind = chunk
    for o_start, o_end, o_kind in others:
        if (o_start, o_end) == (start, end):
            # Counted once, from the predicted side.
            return f"type {o_kind}->{kind}" if alone == "spurious" else "type (counted)"
        if o_start < end and start < o_end:
            return "boundary" if alone == "spurious" else "boundary (counted)"
    return f"{alone} {kind}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", type=Path, default=shared_dir() / "eval" / "conll2003" / "eng.testa")
    parser.add_argument("--baseline", action="store_true", help="score the model's doc.ents")
    parser.add_argument("--limit", type=int, default=0, help="only the first N documents")
    parser.add_argument("--errors", type=int, default=25, help="how many frequent errors to list")
    args = parser.parse_args(argv)
    if not args.file.exists():
        print(f"{args.file} is absent: ../shared holds the evaluation data", file=sys.stderr)
        return 2

    from shared.nlp.docs import decode_doc, encode_doc
    from shared.nlp.model import load_nlp

    docs = read_conll(args.file)
    if args.limit:
        docs = docs[: args.limit]
    nlp = load_nlp()
    score = Score()
    started = time.perf_counter()
    link_seconds = 0.0
    for i, (item, doc) in enumerate(zip(docs, nlp.pipe((d.text for d in docs), batch_size=32),
                                        strict=True)):
        # What the streaming path does: the extractors get the parse back from its DocBin.
        doc = decode_doc(encode_doc(doc))
        article = article_for(i, item.text)
        t0 = time.perf_counter()
        predicted = predict(article, doc, baseline=args.baseline)
        link_seconds += time.perf_counter() - t0
        score.add(item.text, predicted, item.gold)
    elapsed = time.perf_counter() - started
    print(f"CoNLL-2003 {args.file.name}: {len(docs)} documents, "
          f"{sum(len(d.gold) for d in docs)} gold chunks, "
          f"{'doc.ents baseline' if args.baseline else 'link_entities'}")
    print("\n".join(score.report()))
    print("\nerror classes (fp side: spurious/type/boundary; fn side: missed):")
    for cls, n in score.errors.most_common():
        print(f"  {n:5d}  {cls}")
    if args.errors:
        print("\nmost common errors:")
        for example, n in score.examples.most_common(args.errors):
            print(f"  {n:4d}  {example}")
    print(f"\n{elapsed:.1f}s total, link_entities {1000 * link_seconds / max(len(docs), 1):.2f} ms/doc")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
