"""Time expressions: the grammar on its own, on parsed sentences, and on the AFP reference story."""

from __future__ import annotations

from datetime import date

import pytest
import spacy
from hypothesis import given, settings
from hypothesis import strategies as st

from evaluation.tempeval import GoldTimex, score_document
from shared.nlp.docs import decode_doc, encode_doc
from shared.nlp.timex import TimeExpression, find_time_expressions, normalise_expression

TUESDAY = date(2024, 9, 3)  # the AFP sample's reference date


def _found(nlp, text: str, reference: date = TUESDAY) -> dict[str, str | None]:
    return {te.text: te.value for te in find_time_expressions(nlp(text), reference)}


# --- the normaliser alone ----------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "tense", "expected"),
    [
        ("Sept 3, 2024", None, ("DATE", "2024-09-03")),
        ("3 September 2024", None, ("DATE", "2024-09-03")),
        ("1996-12-06", None, ("DATE", "1996-12-06")),
        ("Dec. 6", None, ("DATE", "2024-12-06")),
        ("September 27", "future", ("DATE", "2024-09-27")),
        ("Friday", "future", ("DATE", "2024-09-06")),
        ("Friday", "past", ("DATE", "2024-08-30")),
        ("on Tuesday", "past", ("DATE", "2024-09-03")),
        ("in May", "past", ("DATE", "2024-05")),
        ("in May", "future", ("DATE", "2025-05")),
        ("last May", None, ("DATE", "2024-05")),
        ("2023", None, ("DATE", "2023")),
        ("today", None, ("DATE", "2024-09-03")),
        ("yesterday", None, ("DATE", "2024-09-02")),
        ("tomorrow", None, ("DATE", "2024-09-04")),
        ("this month", None, ("DATE", "2024-09")),
        ("last month", None, ("DATE", "2024-08")),
        ("last week", None, ("DATE", "2024-W35")),
        ("next week", None, ("DATE", "2024-W37")),
        ("this year", None, ("DATE", "2024")),
        ("last year", None, ("DATE", "2023")),
        ("next year", None, ("DATE", "2025")),
        ("two years ago", None, ("DATE", "2022")),
        ("the past year", None, ("DURATION", "P1Y")),
        ("the last three months", None, ("DURATION", "P3M")),
        ("two-day", None, ("DURATION", "P2D")),
        ("16-hour", None, ("DURATION", "PT16H")),
        ("2 1/2 years", None, ("DURATION", "P2Y6M")),
        ("several years", None, ("DURATION", "PXY")),
        ("from 1910 to 1945", None, ("DATE", "1910/1945")),
        ("the fourth quarter", None, ("DATE", "2024-Q4")),
        ("third-quarter", None, ("DATE", "2024-Q3")),
        ("the first half of 2023", None, ("DATE", "2023-H1")),
        ("last summer", None, ("DATE", "2024-SU")),
        ("the 1990s", None, ("DATE", "199")),
        ("the 20th century", None, ("DATE", "19")),
        ("now", None, ("DATE", "PRESENT_REF")),
        ("currently", None, ("DATE", "PRESENT_REF")),
        ("recently", None, ("DATE", "PAST_REF")),
        ("soon", None, ("DATE", "FUTURE_REF")),
        ("the future", None, ("DATE", "FUTURE_REF")),
        ("3 p.m.", None, ("TIME", "2024-09-03T15:00")),
        ("10:35 a.m. Friday", "past", ("TIME", "2024-08-30T10:35")),
        ("this morning", None, ("TIME", "2024-09-03TMO")),
        ("last night", None, ("TIME", "2024-09-02TNI")),
        ("every week", None, ("SET", "P1W")),
        ("annually", None, ("SET", "P1Y")),
        ("every Thursday", None, ("SET", "XXXX-WXX-4")),
        ("Christmas", "future", ("DATE", "2024-12-25")),
        ("nineteen ninety-six", None, ("DATE", "1996")),
    ],
)
def test_normalise_expression(text: str, tense, expected: tuple[str, str]) -> None:
    assert normalise_expression(text, TUESDAY, tense) == expected


def test_weekday_equal_to_reference_is_that_day_unless_next_or_last() -> None:
    assert normalise_expression("Tuesday", TUESDAY, "future") == ("DATE", "2024-09-03")
    assert normalise_expression("Tuesday", TUESDAY, "past") == ("DATE", "2024-09-03")
    assert normalise_expression("next Tuesday", TUESDAY) == ("DATE", "2024-09-10")
    assert normalise_expression("last Tuesday", TUESDAY) == ("DATE", "2024-08-27")


def test_month_rolls_over_the_year_boundary() -> None:
    december = date(2024, 12, 10)
    assert normalise_expression("in January", december, "future") == ("DATE", "2025-01")
    assert normalise_expression("in January", december, "past") == ("DATE", "2024-01")
    # No tense: the nearest month; a date within two months is that one, whatever the tense.
    assert normalise_expression("in January", december, None) == ("DATE", "2025-01")
    assert normalise_expression("Jan. 5", december, "past") == ("DATE", "2025-01-05")


@pytest.mark.parametrize(
    ("text", "reference", "expected"),
    [
        ("last week", date(2021, 1, 6), "2020-W53"),
        ("this week", date(2024, 12, 31), "2025-W01"),
        ("next week", date(2024, 12, 28), "2025-W01"),
        ("last week", date(2025, 1, 2), "2024-W52"),
    ],
)
def test_iso_weeks_at_year_boundaries(text: str, reference: date, expected: str) -> None:
    assert normalise_expression(text, reference) == ("DATE", expected)


@pytest.mark.parametrize("text", ["", "   ", "hello world", "the", "May I", "99999", "Feb 30",
                                  "13 p.m.", "from 1945 to 1910", "Q9"])
def test_non_expressions_normalise_to_none(text: str) -> None:
    assert normalise_expression(text, TUESDAY) is None


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=60), st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)))
def test_normalise_never_raises(text: str, reference: date) -> None:
    result = normalise_expression(text, reference, "past")
    assert result is None or (isinstance(result, tuple) and len(result) == 2)


_BLANK = spacy.blank("en")
_WORDS = st.sampled_from(["Friday", "May", "2024", "last", "week", "the", "12", "p.m.", "in",
                          "Sept.", "3,", "ago", "two-day", "now", "from", "to", "1910", "x", "-",
                          "every", "year", "quarter", "third", "'s", "\n", "9999", "Feb", "31"])


@settings(max_examples=120, deadline=None)
@given(st.lists(_WORDS, max_size=25), st.dates(min_value=date(1, 1, 1)))
def test_find_never_raises_and_keeps_its_contract(words: list[str], reference: date) -> None:
    doc = _BLANK(" ".join(words))  # no parser, no entities: the grammar alone
    found = find_time_expressions(doc, reference)
    assert all(doc.text[t.start:t.end] == t.text for t in found)
    assert all(a.end <= b.start for a, b in zip(found, found[1:], strict=False))


# --- parsed sentences: the tense of the governing verb -------------------------------------------

def test_future_verb_looks_ahead_and_past_verb_looks_back(nlp) -> None:
    assert _found(nlp, "The minister will arrive in Tokyo on Friday.")["Friday"] == "2024-09-06"
    assert _found(nlp, "The minister arrived in Tokyo on Friday.")["Friday"] == "2024-08-30"
    assert _found(nlp, "The spokesman said on Tuesday that talks would go on.")["Tuesday"] \
        == "2024-09-03"
    assert _found(nlp, "The party is expected to decide on October 27.")["October 27"] \
        == "2024-10-27"
    assert _found(nlp, "The two leaders met at a summit in May.")["May"] == "2024-05"
    assert _found(nlp, "The two leaders will meet at a summit in May.")["May"] == "2025-05"


def test_spans_are_trimmed_sorted_and_offsets_index_the_text(nlp) -> None:
    text = ("The occupation lasted from 1910 to 1945. Prices rose 3% over the past year, "
            "and the company's third-quarter profit, reported Wednesday, fell.")
    found = find_time_expressions(nlp(text), TUESDAY)
    assert [(t.text, t.value) for t in found] == [
        ("1910 to 1945", "1910/1945"), ("the past year", "P1Y"), ("third-quarter", "2024-Q3"),
        ("Wednesday", "2024-08-28")]
    assert all(text[t.start:t.end] == t.text for t in found)


def test_a_24_hour_clock_time_after_at(nlp) -> None:
    assert _found(nlp, "At 00:48 in Leeds, the last bus left.") == {"00:48": "2024-09-03T00:48"}
    assert _found(nlp, "The ferry sailed at 21:05 on Monday.") == {
        "21:05 on Monday": "2024-09-02T21:05"}
    # "at 10:30" may be morning or evening, and a score is no time
    assert _found(nlp, "The talks began at 10:30.") == {}
    assert _found(nlp, "The home side led 13:10 at half time.") == {}


def test_ages_and_amounts_are_not_times(nlp) -> None:
    found = _found(nlp, "A 44-year-old man paid $2024 for 1,500 shares, a 15% rise.")
    assert found == {}


# --- the AFP reference story ---------------------------------------------------------------------

AFP_EXPECTED = {
    "Sept 3, 2024": "2024-09-03",
    "Friday": "2024-09-06",
    "two-day": "P2D",
    "1910 to 1945": "1910/1945",
    "2023": "2023",
    "Tuesday": "2024-09-03",
    "this month": "2024-09",
    "September 27": "2024-09-27",
    "May": "2024-05",
    "the past year": "P1Y",
    "last week": "2024-W35",
}


@pytest.fixture(scope="module")
def afp_doc(nlp, afp_text):
    body = afp_text.split("\n", 1)[1]  # the pipeline drops the "News Flash" line
    return nlp(body)


@pytest.mark.shared_data
def test_afp_sample_expressions(afp_doc) -> None:
    found = find_time_expressions(afp_doc, TUESDAY)
    values = {t.text: t.value for t in found}
    for text, value in AFP_EXPECTED.items():
        assert values.get(text) == value, text
    # "the future direction" is an adjective, not a time
    assert all(afp_doc.text[t.end:t.end + 10] != " direction" for t in found)
    assert all(afp_doc.text[t.start:t.end] == t.text for t in found)


@pytest.mark.shared_data
def test_afp_sample_same_result_from_the_wire_form(afp_doc) -> None:
    decoded = decode_doc(encode_doc(afp_doc))
    assert find_time_expressions(decoded, TUESDAY) == find_time_expressions(afp_doc, TUESDAY)


# --- the evaluation's scoring ------------------------------------------------------------------

def test_tempeval_scoring_is_one_to_one_by_overlap() -> None:
    gold = [GoldTimex(0, 6, "Friday", "DATE", "2024-09-06"),
            GoldTimex(20, 24, "2023", "DATE", "2023")]
    predicted = [(0, 6, "Friday", "2024-08-30"), (2, 5, "rid", "X"), (18, 24, "n 2023", "2023"),
                 (40, 44, "none", None)]
    score = score_document(gold, predicted)
    assert (score.gold, score.predicted, score.matched, score.value_correct) == (2, 4, 2, 1)


def test_time_expression_is_a_value_object() -> None:
    a = TimeExpression(0, 3, "now", "DATE", "PRESENT_REF")
    assert a == TimeExpression(0, 3, "now", "DATE", "PRESENT_REF")
