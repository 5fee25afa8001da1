"""Offline place resolution: countries, aliases, cities, demonyms (shared.nlp.geo)."""

from __future__ import annotations

import time

import pytest

from shared.nlp.geo import is_demonym, is_place_name, place_key, resolve_place


@pytest.mark.parametrize(
    ("name", "code"),
    [("Japan", "JP"), ("the United States", "US"), ("US", "US"), ("U.S.", "US"), ("America", "US"),
     ("Britain", "GB"), ("South Korea", "KR"), ("North Korea", "KP"), ("Russia", "RU"),
     ("Ivory Coast", "CI"), ("SOUTH KOREA", "KR"), ("South Korea's", "KR")],
)
def test_countries_and_aliases(name: str, code: str) -> None:
    place = resolve_place(name, "GPE")
    assert place is not None and place.kind == "country"
    assert place.country_code == code
    assert place.geonames_id is not None


def test_city_has_coordinates_and_geonames_id() -> None:
    seoul = resolve_place("Seoul", "GPE")
    assert seoul is not None and seoul.kind == "city" and seoul.country_code == "KR"
    assert seoul.country_name == "South Korea"
    assert seoul.latitude == pytest.approx(37.57, abs=0.1)
    assert seoul.longitude == pytest.approx(126.98, abs=0.1)
    assert seoul.geonames_id == 1835848
    assert resolve_place("SEOUL") == seoul


def test_most_populous_city_of_a_name_wins() -> None:
    paris = resolve_place("Paris", "GPE")
    london = resolve_place("London", "GPE")
    assert paris is not None and paris.country_code == "FR"
    assert london is not None and london.country_code == "GB"


def test_big_city_beats_state_of_the_same_name_but_a_state_beats_a_small_town() -> None:
    washington = resolve_place("Washington", "GPE")
    assert washington is not None and washington.kind == "city"
    texas = resolve_place("Texas", "GPE")
    assert texas is not None and texas.kind == "region" and texas.country_code == "US"


@pytest.mark.parametrize(
    ("demonym", "code"),
    [("Japanese", "JP"), ("South Korean", "KR"), ("North Korean", "KP"), ("Nigerian", "NG"),
     ("German", "DE"), ("Italian", "IT"), ("French", "FR"), ("Iraqi", "IQ"), ("Koreans", "KR"),
     ("Americans", "US"), ("Mexican", "MX"), ("Polish", "PL")],
)
def test_demonyms(demonym: str, code: str) -> None:
    place = resolve_place(demonym, "NORP")
    assert place is not None and place.kind == "demonym"
    assert place.country_code == code
    assert is_demonym(demonym)


def test_continents_and_historic_states() -> None:
    europe = resolve_place("Europe", "LOC")
    assert europe is not None and europe.kind == "continent" and europe.latitude is not None
    yugoslavia = resolve_place("Yugoslavia", "GPE")
    assert yugoslavia is not None and yugoslavia.kind == "country"
    assert yugoslavia.country_code is None


def test_non_place_labels_and_unknown_names_do_not_resolve() -> None:
    assert resolve_place("Tokyo", "PERSON") is None
    assert resolve_place("Kishida", "GPE") is None
    assert resolve_place("", None) is None
    assert not is_place_name("Kishida")
    assert is_place_name("Tokyo")
    # A small town is not a place for ALL-CAPS recognition with a population floor.
    assert is_place_name("Seoul", min_city_population=1_000_000)


def test_place_key_trims_article_possessive_and_punctuation() -> None:
    assert place_key("the United States") == "united states"
    assert place_key("South Korea's") == "south korea"
    assert place_key("South Korea-") == "south korea"
    assert place_key("U.S.") == "u.s."
    assert place_key("Zürich") == "zurich"


def test_lookups_are_fast_once_loaded() -> None:
    resolve_place("Seoul")
    started = time.perf_counter()
    for _ in range(2000):
        resolve_place("Seoul", "GPE")
        resolve_place("Japanese", "NORP")
    assert time.perf_counter() - started < 1.0


def test_countries_have_coordinates():
    from shared.nlp.geo import resolve_place

    for name, code in (("Japan", "JP"), ("North Korea", "KP"), ("the United States", "US"), ("China", "CN")):
        place = resolve_place(name, "GPE")
        assert place is not None and place.country_code == code
        assert place.latitude is not None and -90 <= place.latitude <= 90
        assert place.longitude is not None and -180 <= place.longitude <= 180
    # roughly where they are
    assert 30 < resolve_place("Japan", "GPE").latitude < 46 and 128 < resolve_place("Japan", "GPE").longitude < 146
