"""Dateline parsing on real wire shapes (AFP, AP, Reuters, Xinhua, PR Newswire, CoNLL/Reuters 1996)."""

from __future__ import annotations

from datetime import date

import pytest

from shared.dateline import byline_dateline, parse_dateline

FALLBACK = date(2024, 9, 10)

CASES = [
    # (opening, place, date, agencies)
    ("SEOUL, Sept 3, 2024 (BSS/AFP) - Japan's outgoing", "Seoul", date(2024, 9, 3), ("BSS", "AFP")),
    ("ROME 1996-12-06\nItaly's", "Rome", date(1996, 12, 6), ()),
    ("LONDON 1996-08-30 West Indian all-rounder", "London", date(1996, 8, 30), ()),
    ("WASHINGTON (Reuters) - The Senate", "Washington", None, ("Reuters",)),
    ("LONDON, March 5 (Reuters) - Shares", "London", date(2024, 3, 5), ("Reuters",)),
    ("KYIV, Ukraine (AP) \u2014 Russian drones", "Kyiv", None, ("AP",)),
    ("NEW YORK, Jan. 12, 2023 /PRNewswire/ -- Acme Corp", "New York", date(2023, 1, 12), ("PRNewswire",)),
    ("Geneva, 12 March 2024 (AFP) \u2013 Trade ministers", "Geneva", date(2024, 3, 12), ("AFP",)),
    ("BEIJING, Dec 1 (Xinhua) -- China's", "Beijing", date(2023, 12, 1), ("Xinhua",)),
    ("SAN FRANCISCO, California, Oct. 5 (Reuters) - Apple", "San Francisco", date(2023, 10, 5), ("Reuters",)),
    ("UNITED NATIONS (AP) \u2014 The Security Council", "United Nations", None, ("AP",)),
    ("WASHINGTON, D.C. \u2014 The White House", "Washington, D.C.", None, ()),
    ("MANILA, Philippines (CNN) -- A typhoon", "Manila", None, ("CNN",)),
    ("Cairo, 2 May 2024 (Reuters) - Egypt", "Cairo", date(2024, 5, 2), ("Reuters",)),
    ("JERUSALEM, Sunday (AFP) - Israel", "Jerusalem", date(2024, 9, 8), ("AFP",)),
    ("LONDON (Thomson Reuters Foundation) - Charities", "London", None, ("Thomson Reuters Foundation",)),
    ("NAIROBI, Kenya, May 3 (AP) \u2014 Kenya's", "Nairobi", date(2024, 5, 3), ("AP",)),
    ("ST. LOUIS (AP) \u2014 A jury", "St. Louis", None, ("AP",)),
    ("TOKYO: Japan's economy", "Tokyo", None, ()),
    ("PARIS, Sept. 12 (AFP) - France", "Paris", date(2024, 9, 12), ("AFP",)),
    ("PARIS, Sept. 30 (AFP) - France", "Paris", date(2023, 9, 30), ("AFP",)),  # weeks ahead: last year
]


@pytest.mark.parametrize(("text", "place", "when", "agencies"), CASES, ids=[c[0][:24] for c in CASES])
def test_wire_datelines(text, place, when, agencies):
    parsed = parse_dateline(text, FALLBACK)
    assert parsed is not None
    assert parsed.place == place
    assert parsed.date == when
    assert parsed.agencies == agencies
    assert parsed.start == 0
    # the span ends where the story starts
    assert not text[parsed.end:].startswith((" ", "-", "\u2014", "\u2013"))


@pytest.mark.parametrize("text", [
    "Quarterly profits at US media giant TimeWarner jumped 76%",
    "The East Asian neighbours, both key security allies",
    "Kishida has said he will not seek re-election.",
    "AFP - reports",
    "",
    "IT WAS A DARK AND STORMY NIGHT, and then",
])
def test_ordinary_openings_are_not_datelines(text):
    assert parse_dateline(text, FALLBACK) is None


def test_year_less_date_takes_the_year_nearest_the_fallback():
    assert parse_dateline("LONDON, Jan 2 (Reuters) - x", date(2024, 12, 30)).date == date(2025, 1, 2)
    assert parse_dateline("LONDON, Dec 30 (Reuters) - x", date(2025, 1, 2)).date == date(2024, 12, 30)


def test_year_less_date_without_fallback_is_unknown_not_guessed():
    assert parse_dateline("LONDON, March 5 (Reuters) - x", None).date is None


def test_invalid_calendar_date_is_dropped_not_raised():
    parsed = parse_dateline("LONDON, Feb 30, 2024 (Reuters) - x", FALLBACK)
    assert parsed is not None and parsed.date is None


def test_leading_whitespace_is_skipped_and_offsets_index_the_body():
    body = "\n  SEOUL, Sept 3, 2024 (BSS/AFP) - Japan"
    parsed = parse_dateline(body, FALLBACK)
    assert body[parsed.start:parsed.end].startswith("SEOUL")


@pytest.mark.parametrize("text", ["BREAKING: Parliament votes tonight", "UPDATE - Markets fall", "US: Inflation eases",
                                  "EXCLUSIVE: The memo shows"])
def test_labels_are_not_places(text):
    assert parse_dateline(text, FALLBACK) is None


def test_a_media_label_before_an_all_caps_dateline_is_skipped():
    body = "Photo LONDON -- The peaks are slimmer"
    parsed = parse_dateline(body, FALLBACK)
    assert parsed is not None and parsed.place == "London"
    assert body[parsed.start:parsed.end] == "LONDON -- "
    assert parse_dateline("Photo KUNDUZ, Afghanistan -- Taliban insurgents", FALLBACK).place == "Kunduz"
    assert parse_dateline("Video shows the moment - a crash", FALLBACK) is None
    assert parse_dateline("Photo Paris - the city", FALLBACK) is None


def test_a_dateline_after_a_repeated_headline_and_byline():
    body = ("Central bank holds rates steady By Jane Roe and Tom Poe LISBON, Sept 9 (Reuters) - The "
            "bank said on Wednesday")
    parsed = byline_dateline(body, FALLBACK)
    assert parsed is not None and parsed.place == "Lisbon"
    assert parsed.date == date(2024, 9, 9) and parsed.agencies == ("Reuters",)
    assert body[parsed.start:parsed.end] == "LISBON, Sept 9 (Reuters) - "
    assert parse_dateline(body, FALLBACK) is None  # the top of the page is still its headline


@pytest.mark.parametrize("text", [
    "By Jane Roe The council met on Monday.",  # a byline, then the story
    "By Jane Roe LISBON - The council met.",  # no agency to confirm a place
    "By JANE ROE (AP) - The council met.",  # an all-caps byline is no place
    "Prices fell by NYSE (AP) - rules.",
])
def test_a_byline_without_a_wire_dateline_after_it_gives_none(text):
    assert byline_dateline(text, FALLBACK) is None
