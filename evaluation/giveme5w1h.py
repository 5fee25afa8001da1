"""Main-event who / what / when / where on the Giveme5W1H news set, against a lead baseline.

Reads `../shared/eval/giveme5w1h/data/*.json` (or `$NEWSFLASH_SHARED_DIR/...`) at run time.
Each article goes through the stream's steps (`normalise_article`: headline = title, body = text,
published_at = date_publish; `annotate`, which parses body and headline once and serialises the
parse; `decode_doc_b64`, so the extractor sees exactly what the stream gives it, headline parse
included; `extract_events`), and the main event (rank 0) answers:

    who    the names of its actors (the mention text when an actor is unresolved)
    what   its trigger (text and lemma)
    when   its time: the mention text and the TIMEX3 value
    where  its location: the name and the mention text

An answer is right when it shares a content word (lower-cased, stop words removed) with one of the
annotated phrases for that question. Words are compared after the same crude suffix stripping on
both sides ("blamed", "blames" -> "blam"), since the annotators copied headline and body wording
in any tense; both the exact (words as written, the issue's rule) and the stemmed figures are
printed. Articles without an annotated phrase for a question are left out of that question's
denominator (n). The lead baseline (the issue's "first verb, first person, first date, first
place") answers from the first VERB token, the first PERSON, the first DATE/TIME and the first
GPE/LOC/FAC entity of the body, scored the same way; "lead+headline" reads the headline first
(Giveme5W1H's own documents are title + text).

    python -m evaluation.giveme5w1h [--show 5]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import time
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

from spacy.lang.en.stop_words import STOP_WORDS
from spacy.tokens import Doc

from services.annotate.pipeline import annotate
from services.events.pipeline import extract_events
from shared.nlp.docs import decode_doc_b64, headline_doc
from shared.nlp.model import load_nlp
from shared.schemas.article import Article, RawArticle
from shared.schemas.event import Event

QUESTIONS = ("who", "what", "when", "where")
_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def shared_dir() -> Path:
    return Path(os.environ.get("NEWSFLASH_SHARED_DIR",
                               Path(__file__).resolve().parents[1] / ".." / "shared"))


def stem(word: str) -> str:
    """Strip one inflectional suffix, then a final e/i/y or doubled consonant ("stopped" -> "stop")."""
    for suffix, replacement in (("ies", "y"), ("ied", "y"), ("ing", ""), ("ed", ""), ("es", ""),
                                ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3 and not word.endswith("ss"):
            word = word[: len(word) - len(suffix)] + replacement
            break
    if len(word) > 4 and word[-1] in "eiy":
        word = word[:-1]
    if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "aeiouls":
        word = word[:-1]
    return word


def content_words(texts: Iterable[str | None], exact: bool = False) -> set[str]:
    words: set[str] = set()
    for text in texts:
        if text:
            words.update(w if exact else stem(w) for w in _WORD.findall(text.lower())
                         if w not in STOP_WORDS)
    return words


def load_articles() -> list[tuple[Article, dict[str, list[str]]]]:
    from services.ingest.pipeline import normalise_article

    data = sorted((shared_dir() / "eval" / "giveme5w1h" / "data").glob("*.json"))
    loaded = []
    for path in data:
        record = json.loads(path.read_text(encoding="utf-8"))
        published = None
        if record.get("date_publish") not in (None, "", "None"):
            published = datetime.fromisoformat(record["date_publish"]).replace(tzinfo=UTC)
        raw = RawArticle(id=path.stem, body=record["text"], headline=record.get("title"),
                         url=record.get("url"), published_at=published)
        gold = {q: [a["text"] for a in record["fiveWoneH"][q]["annotated"] if a.get("text")]
                for q in QUESTIONS}
        loaded.append((normalise_article(raw, now=published or datetime.now(UTC)), gold))
    return loaded


def event_answers(event: Event | None) -> dict[str, list[str]]:
    if event is None:
        return {q: [] for q in QUESTIONS}
    location = event.location
    return {
        "who": [a.name or a.mention.text for a in event.actors],
        "what": [event.trigger.text, event.trigger.lemma],
        "when": [event.time.mention.text if event.time.mention else None, event.time.value],
        "where": [location.name, location.mention.text if location.mention else None]
        if location else [],
    }


def lead_answers(*docs: Doc | None) -> dict[str, list[str]]:
    """The first verb, person, date and place, reading `docs` in order (body; or headline, body)."""
    parsed = [d for d in docs if d is not None]

    def first(labels: tuple[str, ...]) -> list[str]:
        return next(([e.text] for d in parsed for e in d.ents if e.label_ in labels), [])

    verb = next((t.text for d in parsed for t in d if t.pos_ == "VERB"), None)
    return {"who": first(("PERSON",)), "what": [verb] if verb else [],
            "when": first(("DATE", "TIME")), "where": first(("GPE", "LOC", "FAC"))}


def right(answer: list[str], gold: list[str], exact: bool = False) -> bool:
    mine = content_words(answer, exact)
    return any(mine & content_words([phrase], exact) for phrase in gold)


def score(show: int = 0) -> dict[str, dict[str, dict[str, float]]]:
    """Exact and stemmed hit rates of the main event and of the lead baseline, per question."""
    articles = load_articles()
    nlp = load_nlp()
    systems = ("events", "lead", "lead+headline")
    hits = {(s, m): dict.fromkeys(QUESTIONS, 0) for s in systems for m in ("exact", "stemmed")}
    counts = dict.fromkeys(QUESTIONS, 0)
    extract_seconds = 0.0
    shown = 0
    # The ISO value's digits can share a "word" with a wrong date ('2016-02-08' with 'November 8,
    # 2016'), so "when" is also scored on the mention text alone.
    when_mention = {"exact": 0, "stemmed": 0}
    annotated = annotate((a for a, _ in articles), nlp=nlp)
    for (article, gold), ann in zip(articles, annotated, strict=True):
        assert ann.doc_b64 is not None, f"{article.id} was not parsed: {ann.skipped_reason}"
        doc = decode_doc_b64(ann.doc_b64)
        t0 = time.perf_counter()
        events = extract_events(article, doc)
        extract_seconds += time.perf_counter() - t0
        main = events[0] if events else None
        answers = {"events": event_answers(main), "lead": lead_answers(doc),
                   "lead+headline": lead_answers(headline_doc(doc), doc)}
        wrong: list[str] = []
        mention = [main.time.mention.text] if main is not None and main.time.mention else []
        for mode in when_mention:
            when_mention[mode] += bool(gold["when"]) and right(mention, gold["when"], exact=mode == "exact")
        for q in QUESTIONS:
            if not gold[q]:
                continue
            counts[q] += 1
            for system, given in answers.items():
                for mode in ("exact", "stemmed"):
                    if right(given[q], gold[q], exact=mode == "exact"):
                        hits[system, mode][q] += 1
                    elif system == "events" and mode == "stemmed":
                        wrong.append(q)
        if show and wrong and shown < show:
            shown += 1
            _show(article, main, gold, wrong)
    results: dict[str, dict[str, dict[str, float]]] = {}
    print(f"Giveme5W1H: {len(articles)} articles; main event (rank 0) vs lead baseline")
    print(f"{'':22s}" + "".join(f"{q:>10s}" for q in QUESTIONS))
    print(f"{'n':22s}" + "".join(f"{counts[q]:>10d}" for q in QUESTIONS))
    for mode in ("exact", "stemmed"):
        for system in systems:
            rates = {q: hits[system, mode][q] / counts[q] if counts[q] else 0.0 for q in QUESTIONS}
            results.setdefault(system, {})[mode] = rates
            print(f"{system + ' ' + mode:22s}" + "".join(f"{rates[q]:>10.3f}" for q in QUESTIONS))
    n_when = max(counts["when"], 1)
    print(f"events, when from the mention text alone (no TIMEX3 value): exact "
          f"{when_mention['exact'] / n_when:.3f}, stemmed {when_mention['stemmed'] / n_when:.3f}")
    results["events"]["when_mention_only"] = {m: v / n_when for m, v in when_mention.items()}
    print(f"extract_events: {1000 * extract_seconds / max(len(articles), 1):.1f} ms/article "
          "(entity linking included)")
    return results


def _show(article: Article, event: Event | None, gold: dict[str, list[str]], wrong: list[str]) -> None:
    print(f"--- {article.id[:12]} {article.headline!r}")
    if event is None:
        print("    no event")
        return
    given = event_answers(event)
    print(f"    main: {event.type} {event.trigger.text!r} [{event.status}] "
          f"{event.evidence.text[:160]!r}")
    for q in wrong:
        print(f"    {q}: {given[q]} vs {gold[q][:3]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show", type=int, default=0, help="print this many articles with misses")
    args = parser.parse_args()
    score(args.show)


if __name__ == "__main__":
    main()
