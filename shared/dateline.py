"""Wire-style datelines at the top of an article body.

Recognised shapes (place, optional date, optional agencies, then a dash or colon):
`SEOUL, Sept 3, 2024 (BSS/AFP) -`, `WASHINGTON (Reuters) -`, `LONDON, March 5 (Reuters) -`,
`KYIV, Ukraine (AP) —`, `NEW YORK, Jan. 12, 2023 /PRNewswire/ --`, `Geneva, 12 March 2024 (AFP) –`,
and the CoNLL/Reuters form `ROME 1996-12-06`; a page's media label left before an all-caps place
(`Photo LONDON --`) is skipped. `byline_dateline` finds the dateline of a page that repeats the
headline and a byline before the wire copy (`Bank holds rates By Jane Roe and Tom Poe LISBON,
Sept 2 (Reuters) -`). A date without a year takes the year that puts it
closest to (and not far after) the fallback date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

MONTHS = {
    "jan": 1,
    "january": 1,
    "feb": 2,
    "february": 2,
    "mar": 3,
    "march": 3,
    "apr": 4,
    "april": 4,
    "may": 5,
    "jun": 6,
    "june": 6,
    "jul": 7,
    "july": 7,
    "aug": 8,
    "august": 8,
    "sep": 9,
    "sept": 9,
    "september": 9,
    "oct": 10,
    "october": 10,
    "nov": 11,
    "november": 11,
    "dec": 12,
    "december": 12,
}
_WEEKDAYS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}
_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_WEEKDAY = r"(?:Mon|Tues?|Wed(?:nes)?|Thu(?:rs)?|Fri|Sat(?:ur)?|Sun)(?:day)?"

# A place: an all-caps run ("NEW YORK", "ST. LOUIS", "WASHINGTON, D.C.") or Title Case words.
_CAPS_WORD = r"[A-Z][A-Z.'\u2019-]*[A-Z.]|[A-Z]"
_CAPS_PLACE = rf"(?:{_CAPS_WORD})(?:[ ](?:{_CAPS_WORD}))*(?:,[ ]D\.C\.)?"
_TITLE_WORD = r"[A-Z][a-z\u00e0-\u00ff'\u2019.-]+"
_TITLE_PLACE = rf"{_TITLE_WORD}(?:[ ]{_TITLE_WORD}){{0,3}}"
_REGION = (
    rf"(?:,[ ](?!{_WEEKDAY}\b|{_MONTH}[ ]\d)(?:{_TITLE_PLACE}|[A-Z]{{2,}}(?:[ ][A-Z]{{2,}})?|[A-Z][a-z]{{1,4}}\.))"
)

_DATE = (
    rf"(?P<date>(?:{_WEEKDAY},?[ ])?(?:{_MONTH}[ ]\d{{1,2}}(?:st|nd|rd|th)?(?:,?[ ]\d{{4}})?"
    rf"|\d{{1,2}}[ ]{_MONTH}(?:[ ]\d{{4}})?|\d{{4}}-\d{{2}}-\d{{2}})|{_WEEKDAY})"
)
_AGENCY = r"(?:\((?P<agency>[A-Za-z][A-Za-z0-9&.,/' -]{0,60})\)|/(?P<agency2>[A-Za-z][A-Za-z0-9 .-]{0,40})/)"
_DASH = r"[ ]*(?:--|-|\u2013|\u2014|:)[ ]*"

# A page's media label left before the dateline ("Photo LONDON -- The peaks ..."): only before
# an all-caps place, so "Photo Paris" or "Video shows" is never taken for one.
_MEDIA_LABEL = r"(?:(?:Photo|Image|Video)[ ]+(?=[A-Z]{2,}[ ,]))?"

_WIRE = re.compile(
    rf"^(?P<lead>\s*{_MEDIA_LABEL})(?P<place>{_CAPS_PLACE}|{_TITLE_PLACE})(?P<region>{_REGION}{{0,2}})"
    rf"(?:,?[ ]{_DATE})?(?:[ ]*{_AGENCY})?(?P<dash>{_DASH})"
)
# All-caps openers that are labels, not places ("BREAKING: ...", "UPDATE - ...").
_NOT_PLACES = {
    "BREAKING",
    "BREAKING NEWS",
    "UPDATE",
    "UPDATED",
    "URGENT",
    "FLASH",
    "ALERT",
    "EXCLUSIVE",
    "ANALYSIS",
    "OPINION",
    "EDITORIAL",
    "CORRECTION",
    "CORRECTED",
    "ADVISORY",
    "BULLETIN",
    "WATCH",
    "LIVE",
    "VIDEO",
    "PHOTOS",
    "REVIEW",
    "INTERVIEW",
    "FACTBOX",
    "EXPLAINER",
    "NEWS FLASH",
}
# CoNLL / Reuters 1996 style: "ROME 1996-12-06" on a line of its own or before the text.
_ISO_LINE = re.compile(
    rf"^(?P<lead>\s*)(?P<place>{_CAPS_PLACE})[ ]+(?P<date>\d{{4}}-\d{{2}}-\d{{2}})(?:[ \t]*\n|[ \t]+)"
)

_AGENCY_NAMES = {
    "AFP",
    "AP",
    "REUTERS",
    "BSS",
    "XINHUA",
    "UPI",
    "DPA",
    "ANSA",
    "EFE",
    "KYODO",
    "YONHAP",
    "TASS",
    "BBC",
    "CNN",
    "BLOOMBERG",
    "PRNEWSWIRE",
    "IANS",
    "PTI",
    "ANI",
}


# A byline: "By" and one or more Title Case names ("By Jane Doe and John Smith, "), up to what
# follows it.
_NAME_WORD = r"[A-Z](?:[a-z][\w'\u2019-]*|\.)"
_BYLINE = re.compile(
    rf"\bBy[ ]+{_NAME_WORD}(?:(?:[ ]+|,[ ]+|[ ]+and[ ]+|[ ]*&[ ]*){_NAME_WORD})*[ ]+(?=[A-Z]{{2}})"
)


@dataclass(frozen=True)
class ParsedDateline:
    place: str | None
    date: date | None
    agencies: tuple[str, ...]
    start: int
    end: int


def _parse_date(text: str, fallback: date | None) -> date | None:
    text = text.strip().rstrip(",")
    iso = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", text)
    if iso:
        try:
            return date(int(iso[1]), int(iso[2]), int(iso[3]))
        except ValueError:
            return None
    weekday = re.fullmatch(rf"({_WEEKDAY})", text)
    if weekday:
        if fallback is None:
            return None
        wanted = _WEEKDAYS[weekday[1][:3].lower()]
        return fallback - timedelta(days=(fallback.weekday() - wanted) % 7)
    text = re.sub(rf"^{_WEEKDAY},?\s*", "", text)
    m = re.fullmatch(rf"({_MONTH})\s+(\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(\d{{4}}))?", text)
    if m:
        month_word, day, year = m[1], int(m[2]), m[3]
    else:
        m = re.fullmatch(rf"(\d{{1,2}})\s+({_MONTH})(?:\s+(\d{{4}}))?", text)
        if not m:
            return None
        day, month_word, year = int(m[1]), m[2], m[3]
    month = MONTHS.get(month_word.rstrip(".").lower())
    if month is None:
        return None
    try:
        if year:
            return date(int(year), month, day)
        if fallback is None:
            return None
        # No year: the candidate nearest the fallback, allowing a few days of clock skew forward.
        candidates = [date(fallback.year + k, month, day) for k in (-1, 0, 1)]
        return min(candidates, key=lambda d: abs((d - fallback).days) + (1000 if (d - fallback).days > 7 else 0))
    except ValueError:
        return None


def _split_agencies(raw: str | None) -> tuple[str, ...]:
    if not raw:
        return ()
    parts = [p.strip() for p in re.split(r"[/,&]| and ", raw) if p.strip()]
    return tuple(parts)


def _looks_like_place(place: str, has_agency: bool, has_date: bool) -> bool:
    words = place.split()
    if len(words) > 5 or len(place) < 2:
        return False
    if place.isupper():
        return True
    # A Title Case opening is only a dateline when something else confirms it.
    return has_agency or has_date


_INITIALS = re.compile(r"(?:[A-Z]\.){2,}")


def _clean_place(place: str) -> str:
    place = place.strip().rstrip(",")
    if place.isupper():
        return " ".join(w if _INITIALS.fullmatch(w.strip(",")) else w.capitalize() for w in place.split())
    return place


def parse_dateline(body: str, fallback: date | None = None) -> ParsedDateline | None:
    """The dateline at the start of `body`, or None. Offsets index `body`."""
    head = body[:300]
    m = _ISO_LINE.match(head)
    if m:
        return ParsedDateline(
            place=_clean_place(m["place"]),
            date=_parse_date(m["date"], fallback),
            agencies=(),
            start=len(m["lead"]),
            end=m.end(),
        )
    m = _WIRE.match(head)
    if not m:
        return None
    return _parsed(m, 0, fallback)


def byline_dateline(body: str, fallback: date | None = None) -> ParsedDateline | None:
    """The dateline straight after a byline near the top of `body` (a page that repeats its
    headline and byline before the wire copy), or None. Only an all-caps place with an agency
    counts: a byline is followed by ordinary text as often. Offsets index `body`.

    Not part of `parse_dateline`: what comes before such a dateline is the page's headline,
    which readers of `Article.dateline` would then skip.
    """
    head = body[:300]
    for byline in _BYLINE.finditer(head):
        m = _WIRE.match(head[byline.end():])
        if m and m["place"].isupper() and (m["agency"] or m["agency2"]):
            return _parsed(m, byline.end(), fallback)
    return None


def _parsed(m: re.Match[str], offset: int, fallback: date | None) -> ParsedDateline | None:
    """The dateline `_WIRE` matched at `offset`, or None when it is a label, not a place."""
    agency_raw = m["agency"] or m["agency2"]
    agencies = _split_agencies(agency_raw)
    place = m["place"]
    if place.upper() in _AGENCY_NAMES or place.upper() in _NOT_PLACES:
        return None
    # "US: Inflation eases" is a label; a bare colon only makes a dateline with a date or agency.
    if ":" in m["dash"] and not (agencies or m["date"]) and len(place.replace(".", "")) <= 3:
        return None
    if not _looks_like_place(place, bool(agencies), bool(m["date"])):
        return None
    parsed_date = _parse_date(m["date"], fallback) if m["date"] else None
    return ParsedDateline(
        place=_clean_place(place),
        date=parsed_date,
        agencies=agencies,
        start=offset + len(m["lead"]),
        end=offset + m.end(),
    )
