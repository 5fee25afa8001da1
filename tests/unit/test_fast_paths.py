"""The extractors' fast paths give exactly what the plain code they stand for gives: the time
grammar's trigger scan, the entity index's mention lookup, and the quote cues' candidates and
sentences."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.quotes.pipeline import _Extractor
from shared.nlp import timex
from shared.nlp.docs import decode_doc, encode_doc
from shared.nlp.entities import EntityIndex, LinkedEntity
from shared.schemas import Article, Mention, ReferenceDate

# Pieces of text around every trigger's words, their edges and look-alikes.
_PIECES = ["jan", "may day", "day", "today", "per", "xper", "_per", "mondays", "sundays", "new  year",
           "week of", "weekly", "tonight", "0s", "90's", "ties", "year-", "century", "centur", "1999",
           "\u0663\u0664\u0665\u0666", "q1", "h2", "a.m.", "pm", "12:30", "2024-01", "now", "run",
           "quarter", "spring", "christmas", " ", "\n", "-", "'", "\u2019", "_", "x", "\u0130"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=30).map("".join))
def test_trigger_matches_are_finditers(text: str) -> None:
    for rule in timex._RULES:
        assert [m.span() for m in timex._matches(text, rule.trigger)] == [
            m.span() for m in rule.trigger.finditer(text)], rule.name


@pytest.mark.parametrize(("pattern", "needles"), [
    (r"week|month", ("week", "month")),
    (r"\b(?:jan|feb)|day\b|tonight", ("jan", "feb", "day", "tonight")),
    (r"new\s+year|boxing", ("new", "boxing")),
    (r"(?:abc|(?:def|ghi)x)yz|\bqqq\b", ("abc", "def", "ghi", "qqq")),
    (r"0'?s\b|ties\b", None),  # "0" is too short to look for
    (r"abcd?e", ("abc",)),  # "d" may be absent
    (r"(?:abc|def)?xyz", None),  # the group may be absent
    (r"[ap]\.?m\b|noon", None),
    (r"\d\d{3}", None),
    (r"(?i)abc", None),
])
def test_needles(pattern: str, needles: tuple[str, ...] | None) -> None:
    assert timex._needles(pattern) == needles
    if needles is not None:
        trigger = re.compile(pattern)
        for text in ["xx abcde qqq newyear new year yz abcyz defxyz", "tonight jan-feb weekmonth"]:
            assert [m.span() for m in timex._matches(text, trigger)] == [
                m.span() for m in trigger.finditer(text)]


# Trigger words, words they are inside of, pieces that make them overlap ("fortnightly"), and the
# starts of triggers that are not words ("p.m.", "12:30:45", "in the morning").
_NEEDLE_PIECES = st.sampled_from([*timex._ALL_NEEDLES, "s", "ly", "to", "over", "bi", "mid", "for",
                                  "t", "n", "ight", "ies", " ", "\n", "İ", "a", "p", ".", "m", "am",
                                  "1", "2:", "30", ":", "in the", "morning", "q", "h", "0", "'"])


@settings(max_examples=300, deadline=None)
@given(st.lists(_NEEDLE_PIECES, max_size=20).map("".join))
def test_trigger_scan_on_shared_occurrences_is_finditer(text: str) -> None:
    """The needles every rule shares, found once (longer ones inside shorter ones' occurrences),
    are where they start in the text, and give each trigger exactly its `finditer`."""
    found = timex._occurrences(text, timex._ALL_NEEDLES)
    for needle in timex._ALL_NEEDLES:
        assert found[needle] == [i for i in range(len(text)) if text.startswith(needle, i)], needle
    for rule in timex._RULES:
        assert [m.span() for m in timex._matches(text, rule.trigger, found)] == [
            m.span() for m in rule.trigger.finditer(text)], rule.name



def _plain_mention_at(index: EntityIndex, start: int, end: int) -> object:
    best, best_key = None, (0, 0)
    for mention, entity in index._body:
        if mention.start >= end:
            break
        overlap = min(end, mention.end) - max(start, mention.start)
        if overlap <= 0 and not (start == end and mention.start <= start < mention.end):
            continue
        key = (max(overlap, 1), -(mention.end - mention.start))
        if key > best_key:
            best, best_key = (entity, mention), key
    return best


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 60), st.integers(1, 30)), max_size=12),
       st.integers(0, 90), st.integers(0, 10))
def test_mention_at_is_the_plain_scan(spans: list[tuple[int, int]], start: int, width: int) -> None:
    entities = [LinkedEntity(id=f"e{k}", type="ORG", name=f"e{k}",
                             mentions=[Mention(start=s, end=s + n, text="x" * n)])
                for k, (s, n) in enumerate(spans)]
    index = EntityIndex(entities)
    assert index.mention_at(start, start + width) == _plain_mention_at(index, start, start + width)


def _article(body: str) -> Article:
    return Article(id="a1", body=body, content_hash="h",
                   reference_date=ReferenceDate(date=date(2024, 9, 3), source="dateline"),
                   ingested_at=datetime.now(UTC))


def test_quote_cues_and_sentences(nlp, afp_text: str) -> None:
    body = afp_text + '\nAccording to officials, it reportedly hoped to win. "We will go," he said.'
    doc = decode_doc(encode_doc(nlp(body)))
    extractor = _Extractor(_article(body), doc)
    cues = [tok.i for tok in doc if extractor._is_cue(tok)]
    assert cues and set(cues) <= set(extractor._maybe_cues())
    assert extractor._maybe_cues() == sorted(extractor._maybe_cues())
    for tok in doc:
        assert extractor._sentence_chars(tok) == (tok.sent.start_char, tok.sent.end_char)
