"""Quote extraction against PolNeAR dev: `python -m evaluation.polnear [--limit N] [--split dev]`.

Reads `../shared/eval/polnear` (or `$NEWSFLASH_SHARED_DIR/eval/polnear`) at run time; nothing is
copied or cached. Scoring follows `../shared/eval/README.md`:

* One annotator file per article: the first `<name>_<annotator>.ann` in sorted order.
* The article body given to the extractor is the text file as it is (the title is its first
  line, a paragraph like any other), so every gold attribution counts, including title ones.
* A content span is the set of its characters after trimming each piece of spaces, quotation
  marks and final punctuation. A predicted and a gold content match when characters in common /
  characters in either >= 0.5; pairs are taken one-to-one, best overlap first.
* Direct quotes, as the README defines them: a gold content is direct when its text holds a
  double quotation mark (straight, curly, guillemet, or the doubled apostrophe some outlets use).
  The same criterion is applied to the predictions, so both sides are judged alike: a prediction
  counts as direct when its content holds a quotation mark, i.e. its `kind` is `direct` or
  `mixed` (a third of these gold contents are mixed, `called them "deplorables"`). Gold direct
  and predicted direct are matched among themselves; that is the headline `direct quotes` line.
  A secondary line, labelled `strict kind==direct`, scores only predictions whose `kind` is
  `direct` against the same gold, for comparison with earlier runs.
* All attributions: every gold content against every prediction, whatever the kind.
* Speaker accuracy over the matched pairs (all attributions) whose gold has a Source: correct
  when the predicted speaker mention overlaps a gold Source span, or when the gold Source's head
  (its last word before any comma or parenthesis, if capitalised: "Flynn" in "Flynn, a top Trump
  surrogate,") is a word of the predicted resolved name. The span-only figure is printed too.
"""

from __future__ import annotations

import argparse
import csv
import os
import re
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from shared.nlp.model import load_nlp
from shared.schemas import Article, Quote, ReferenceDate

DOUBLE_MARKS = re.compile(r"[\"\u201c\u201d\u201e\u00ab\u00bb]|''|``")
TRIM = " \t\r\n\"'`\u201c\u201d\u2018\u2019\u00ab\u00bb\u201e.,;:!?\u2014\u2013-"
THRESHOLD = 0.5


def shared_dir() -> Path:
    env = os.environ.get("NEWSFLASH_SHARED_DIR")
    return Path(env) if env else Path(__file__).resolve().parents[1] / ".." / "shared"


@dataclass
class GoldAttribution:
    content: list[tuple[int, int]]
    source: list[tuple[int, int]]
    cue: list[tuple[int, int]]
    chars: frozenset[int] = frozenset()
    direct: bool = False


@dataclass
class Document:
    name: str
    text: str
    published: date
    gold: list[GoldAttribution] = field(default_factory=list)


def char_set(text: str, spans: list[tuple[int, int]]) -> frozenset[int]:
    chars: set[int] = set()
    for start, end in spans:
        while start < end and text[start] in TRIM:
            start += 1
        while end > start and text[end - 1] in TRIM:
            end -= 1
        chars.update(range(start, end))
    return frozenset(chars)


def _spans(field_: str) -> list[tuple[int, int]]:
    return [(int(a), int(b)) for a, b in (piece.split() for piece in field_.split(";"))]


def load(split: str, limit: int | None) -> list[Document]:
    root = shared_dir() / "eval" / "polnear"
    dates = {}
    with open(root / "metadata.tsv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            dates[row["filename"]] = row["publication_date"]
    chosen: dict[str, Path] = {}
    for ann in sorted((root / split / "attributions").glob("*.ann")):
        name = re.sub(r"_[0-9a-f]{4}$", "", ann.stem)
        chosen.setdefault(name, ann)
    docs = []
    for name, ann in sorted(chosen.items())[:limit]:
        text = (root / split / "text" / f"{name}.txt").read_text(encoding="utf-8")
        spans: dict[str, tuple[str, list[tuple[int, int]]]] = {}
        relations = []
        for line in ann.read_text(encoding="utf-8").splitlines():
            if line.startswith("T"):
                tid, middle, _ = line.split("\t", 2)
                label, where = middle.split(" ", 1)
                spans[tid] = (label, _spans(where))
            elif line.startswith("E"):
                relations.append(dict(part.split(":", 1) for part in line.split("\t")[1].split()))
        published = date.fromisoformat(dates.get(name, "2016-01-01"))
        doc = Document(name, text, published)
        for rel in relations:
            if "Content" not in rel or rel["Content"] not in spans:
                continue
            content = spans[rel["Content"]][1]
            gold = GoldAttribution(
                content=content,
                source=spans[rel["Source"]][1] if rel.get("Source") in spans else [],
                cue=spans[rel["Cue"]][1] if rel.get("Cue") in spans else [],
            )
            gold.chars = char_set(text, content)
            gold.direct = any(DOUBLE_MARKS.search(text[s:e]) for s, e in content)
            if gold.chars:
                doc.gold.append(gold)
        docs.append(doc)
    return docs


def similarity(a: frozenset[int], b: frozenset[int]) -> float:
    union = len(a | b)
    return len(a & b) / union if union else 0.0


def match(golds: list[GoldAttribution], preds: list[tuple[Quote, frozenset[int]]]) -> list[tuple[int, int, float]]:
    """One-to-one pairs (gold index, prediction index, similarity), best overlap first."""
    candidates = []
    for gi, gold in enumerate(golds):
        for pi, (_, chars) in enumerate(preds):
            if gold.chars & chars:
                sim = similarity(gold.chars, chars)
                if sim >= THRESHOLD:
                    candidates.append((sim, gi, pi))
    used_g, used_p, pairs = set(), set(), []
    for sim, gi, pi in sorted(candidates, reverse=True):
        if gi not in used_g and pi not in used_p:
            used_g.add(gi)
            used_p.add(pi)
            pairs.append((gi, pi, sim))
    return pairs


def speaker_ok(text: str, gold: GoldAttribution, quote: Quote) -> tuple[bool, bool]:
    """(correct by span overlap, correct by span overlap or resolved name)."""
    mention = quote.speaker.mention
    span_ok = mention is not None and any(mention.start < e and s < mention.end for s, e in gold.source)
    if span_ok:
        return True, True
    name = quote.speaker.name
    if not name or not gold.source:
        return False, False
    s, e = gold.source[0]
    source_text = re.split(r"[,(]", text[s:e])[0].strip()
    words = source_text.split()
    head = words[-1].strip("'\u2019s.") if words else ""
    name_words = {w.lower() for w in re.findall(r"[\w'-]+", name)}
    return False, bool(head) and head[:1].isupper() and head.lower() in name_words


def prf(tp: int, n_pred: int, n_gold: int) -> tuple[float, float, float]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def _clip(text: str, n: int = 150) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 3] + "..."


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="dev")
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--examples", type=int, default=1, help="examples per error class")
    args = parser.parse_args(argv)

    from services.quotes.pipeline import extract_quotes
    from shared.nlp.entities import link_entities

    docs = load(args.split, args.limit)
    if not docs:
        print("no PolNeAR documents found under", shared_dir(), file=sys.stderr)
        return 1
    nlp = load_nlp()
    t_parse = t_extract = t_link = 0.0
    counts = Counter()
    errors: dict[str, list[str]] = {}
    words = 0

    def note(kind: str, message: str) -> None:
        counts["err:" + kind] += 1
        errors.setdefault(kind, []).append(message)

    start = time.perf_counter()
    parsed = nlp.pipe((d.text for d in docs), batch_size=8)
    for doc_data in docs:
        t0 = time.perf_counter()
        doc = next(parsed)
        t1 = time.perf_counter()
        article = Article(
            id=doc_data.name, body=doc_data.text, content_hash="eval",
            reference_date=ReferenceDate(date=doc_data.published, source="published_at"),
            ingested_at=datetime.now(UTC),
        )
        try:
            # Entity linking is memoised on the doc; timed apart so the quote rules' own cost shows.
            link_entities(article, doc)
            t_linked = time.perf_counter()
            t_link += t_linked - t1
            quotes = extract_quotes(article, doc)
        except Exception as exc:  # noqa: BLE001 - one failing article must not hide the others' figures
            counts["failed"] += 1
            note("exception", f"{doc_data.name}: {type(exc).__name__}: {exc}")
            quotes = []
        t2 = time.perf_counter()
        t_parse += t1 - t0
        t_extract += t2 - t1
        words += len(doc)
        text = doc_data.text
        preds = [(q, char_set(text, [(f.start, f.end) for f in q.fragments] or [(q.start, q.end)])) for q in quotes]
        gold = doc_data.gold
        pairs = match(gold, preds)
        counts["gold"] += len(gold)
        counts["pred"] += len(preds)
        counts["tp"] += len(pairs)
        for gi, pi, _ in pairs:
            g, (q, _) = gold[gi], preds[pi]
            if not g.source:
                counts["matched_no_source"] += 1
                continue
            counts["speaker_n"] += 1
            by_span, by_any = speaker_ok(text, g, q)
            counts["speaker_span"] += by_span
            counts["speaker_ok"] += by_any
            if not by_any:
                gs = " / ".join(text[s:e] for s, e in g.source)
                note("speaker", f"gold {gs!r} vs predicted {q.speaker.mention.text if q.speaker.mention else None!r}"
                     f" ({q.speaker.name}) for {_clip(q.text, 80)!r}")
        gold_direct = [g for g in gold if g.direct]
        pred_direct = [p for p in preds if p[0].kind == "direct"]
        direct_pairs = match(gold_direct, pred_direct)
        pred_quoted = [p for p in preds if p[0].kind in ("direct", "mixed")]
        counts["pred_quoted"] += len(pred_quoted)
        counts["tp_quoted"] += len(match(gold_direct, pred_quoted))
        counts["gold_direct"] += len(gold_direct)
        counts["pred_direct"] += len(pred_direct)
        counts["tp_direct"] += len(direct_pairs)
        for kind in ("direct", "indirect", "mixed"):
            counts["pred_" + kind + "_all"] += sum(1 for q, _ in preds if q.kind == kind)
            counts["tp_" + kind + "_all"] += sum(1 for _, pi, _ in pairs if preds[pi][0].kind == kind)
        matched_g = {gi for gi, _, _ in pairs}
        matched_p = {pi for _, pi, _ in pairs}
        for gi, g in enumerate(gold):
            if gi in matched_g:
                continue
            gtext = " | ".join(text[s:e] for s, e in g.content)
            cue = " ".join(text[s:e] for s, e in g.cue)
            overlapping = [p for pi, p in enumerate(preds) if pi not in matched_p and p[1] & g.chars]
            if overlapping:
                q = overlapping[0][0]
                note("boundary", f"gold {_clip(gtext)!r} vs predicted {_clip(q.text)!r}")
            elif g.direct:
                note("missed direct", f"cue {cue!r}: {_clip(gtext)!r}")
            else:
                note("missed indirect", f"cue {cue!r}: {_clip(gtext)!r}")
        for pi, (q, chars) in enumerate(preds):
            if pi in matched_p or any(chars & g.chars for g in gold):
                continue
            note(f"spurious {q.kind}", f"cue {q.cue.text if q.cue else None!r}: {_clip(q.text)!r}")
    elapsed = time.perf_counter() - start

    print(f"PolNeAR {args.split}: {len(docs)} articles, {counts['gold']} gold attributions "
          f"({counts['gold_direct']} direct), {counts['pred']} predicted, {counts['failed']} articles failed")
    p, r, f = prf(counts["tp_quoted"], counts["pred_quoted"], counts["gold_direct"])
    print(f"direct quotes    P {p:.3f}  R {r:.3f}  F1 {f:.3f}  "
          f"(tp {counts['tp_quoted']}, pred {counts['pred_quoted']}, gold {counts['gold_direct']}; "
          f"content holds a quotation mark on both sides: kind direct or mixed)")
    p, r, f = prf(counts["tp_direct"], counts["pred_direct"], counts["gold_direct"])
    print(f"  strict kind==direct (secondary): P {p:.3f}  R {r:.3f}  F1 {f:.3f}  "
          f"(tp {counts['tp_direct']}, pred {counts['pred_direct']}, gold {counts['gold_direct']})")
    p, r, f = prf(counts["tp"], counts["pred"], counts["gold"])
    print(f"all attributions P {p:.3f}  R {r:.3f}  F1 {f:.3f}  "
          f"(tp {counts['tp']}, pred {counts['pred']}, gold {counts['gold']})")
    for kind in ("direct", "indirect", "mixed"):
        n, tp = counts["pred_" + kind + "_all"], counts["tp_" + kind + "_all"]
        print(f"  predicted {kind:8s} {n:5d}, matched any gold {tp:5d} ({tp / n if n else 0:.2f})")
    n = counts["speaker_n"]
    print(f"speaker accuracy {counts['speaker_ok'] / n if n else 0:.3f} over {n} matched pairs with a gold "
          f"source (span overlap only {counts['speaker_span'] / n if n else 0:.3f}; "
          f"{counts['matched_no_source']} matched pairs have no gold source)")
    own = t_extract - t_link
    print(f"time: parse {t_parse:.1f}s, extract {t_extract:.2f}s "
          f"({1000 * t_extract / len(docs):.1f} ms/article, {1000 * 400 * t_extract / max(words, 1):.2f} ms "
          f"per 400 tokens), of which entity linking {t_link:.2f}s and the quote rules {own:.2f}s "
          f"({1000 * own / len(docs):.1f} ms/article); total {elapsed:.1f}s")
    print("\nerror classes (count, then example):")
    for kind, examples in sorted(errors.items(), key=lambda kv: -len(kv[1])):
        print(f"  {kind}: {len(examples)}")
        for example in examples[: args.examples]:
            print(f"      {example}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
