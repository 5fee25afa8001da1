"""Time expressions (TIMEX3) found in a parsed article and normalised against its reference date.

Consumes a spaCy `Doc` (tags, morphology, dependencies, entities; a doc decoded from the annotate
stage's DocBin is enough) and the article's reference date; produces `TimeExpression`s whose
`value` follows TimeML/TempEval-3 conventions: `2024-09-06`, `2024-09`, `2024`, `2024-W35`,
`2024-Q4`, `2024-SU`, `199` (the 1990s), `2024-09-03T15:00`, `2024-09-03TMO`, `P2D`, `PT3H`, `PXY`,
`1910/1945`, `PRESENT_REF`, `PAST_REF`, `FUTURE_REF`, and SET values (`P1W`, `XXXX-WXX-4`).

Candidates come from a hand-written grammar (regular expressions compiled once) plus spaCy's
DATE/TIME entities the grammar did not find, kept when the grammar can normalise their text
(the rest are mostly ages and bare numbers, so they are dropped). Expressions that name a day, month or weekday
without a year are placed before or after the reference date by the tense of the verb governing
them: `Tense=Past` looks back, `will`/`shall`/`to` + base form looks ahead.
"""

from __future__ import annotations

import calendar
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Literal

from spacy.tokens import Doc, Span, Token

from shared.nlp.docs import doc_text

TimexType = Literal["DATE", "TIME", "DURATION", "SET"]
Tense = Literal["past", "present", "future"]


@dataclass(frozen=True)
class TimeExpression:
    """One time expression: `doc.text[start:end] == text`; `value` is None when not normalisable."""

    start: int
    end: int
    text: str
    type: TimexType
    value: str | None


# --- vocabulary --------------------------------------------------------------------------------

_MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
_MONTHS.update({"jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
                "sept": 9, "oct": 10, "nov": 11, "dec": 12})
_WEEKDAYS = {name.lower(): i for i, name in enumerate(calendar.day_name)}
_SMALL = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen".split())}
_TENS = {w: 10 * (i + 2) for i, w in enumerate(
    "twenty thirty forty fifty sixty seventy eighty ninety".split())}
_ORDINALS = {w: i + 1 for i, w in enumerate(
    "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth "
    "thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth twentieth"
    .split())}
_ORDINALS["twenty-first"] = 21
_VAGUE = {"a few", "few", "several", "some", "many", "a number of", "dozens of", "numerous"}
_SEASONS = {"spring": "SP", "summer": "SU", "fall": "FA", "autumn": "FA", "winter": "WI"}
_PARTS_OF_DAY = {"morning": "MO", "afternoon": "AF", "evening": "EV", "night": "NI",
                 "mid-afternoon": "AF", "midafternoon": "AF", "mid afternoon": "AF",
                 "overnight": "NI", "tonight": "NI", "midday": "MI"}
_UNIT_CODES = {"second": "S", "minute": "M", "hour": "H", "day": "D", "week": "W", "month": "M",
               "quarter": "Q", "year": "Y", "decade": "E", "century": "C", "weekend": "WE",
               "fortnight": "W"}
_SET_ADVERBS = {"daily": "P1D", "nightly": "P1D", "weekly": "P1W", "monthly": "P1M",
                "yearly": "P1Y", "annually": "P1Y", "hourly": "PT1H", "quarterly": "P3M",
                "biweekly": "P2W", "fortnightly": "P2W", "biannually": "P6M"}
_REFS = {"now": "PRESENT_REF", "right now": "PRESENT_REF", "just now": "PRESENT_REF",
         "currently": "PRESENT_REF", "at present": "PRESENT_REF", "nowadays": "PRESENT_REF",
         "these days": "PRESENT_REF", "presently": "PRESENT_REF", "current": "PRESENT_REF",
         "for now": "PRESENT_REF", "the present": "PRESENT_REF",
         "recently": "PAST_REF", "lately": "PAST_REF", "the past": "PAST_REF", "recent": "PAST_REF",
         "previously": "PAST_REF", "formerly": "PAST_REF", "more recently": "PAST_REF",
         "most recently": "PAST_REF", "until recently": "PAST_REF", "the recent past": "PAST_REF",
         "soon": "FUTURE_REF", "shortly": "FUTURE_REF", "future": "FUTURE_REF",
         "the future": "FUTURE_REF", "the near future": "FUTURE_REF",
         "the distant future": "FUTURE_REF", "the foreseeable future": "FUTURE_REF",
         "the near term": "FUTURE_REF", "the short term": "FUTURE_REF",
         "the long term": "FUTURE_REF", "the long run": "FUTURE_REF",
         "the short run": "FUTURE_REF", "as soon as possible": "FUTURE_REF",
         "a later date": "FUTURE_REF", "the coming years": "FUTURE_REF"}
_HOLIDAYS: dict[str, tuple[int, int]] = {
    "christmas day": (12, 25), "christmas eve": (12, 24), "christmas": (12, 25),
    "new year's day": (1, 1), "new year's eve": (12, 31), "boxing day": (12, 26),
    "independence day": (7, 4), "halloween": (10, 31), "valentine's day": (2, 14),
    "bastille day": (7, 14), "may day": (5, 1)}

# --- grammar fragments -------------------------------------------------------------------------
# Month and weekday names must be capitalised: "may", "march" and "sat" are ordinary words.
_MONTH_FULL = (r"(?-i:January|February|March|April|May|June|July|August|September|October|"
               r"November|December)")
_MONTH_ABBR = r"(?-i:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?"
_MONTH = rf"(?:{_MONTH_FULL}|{_MONTH_ABBR})"
_WEEKDAY = r"(?-i:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_NUMWORD = (r"(?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[- ](?:one|two|three|"
            r"four|five|six|seven|eight|nine))?|one|two|three|four|five|six|seven|eight|nine|ten|"
            r"eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen)")
_NUM = (rf"(?:\d+(?:[.,]\d+)?(?:\s+\d/\d|\s*½)?|(?:a\s+|one\s+)?hundred"
        rf"|{_NUMWORD}(?:\s+and\s+a\s+half)?"
        r"|an?(?:\s+and\s+a\s+half)?|a\s+couple\s+of|couple\s+of|a\s+few|few|several|some|many"
        r"|a\s+dozen|dozens\s+of|a\s+number\s+of|half\s+an?|a\s+half|numerous)")
_APPROX = (r"(?:about|around|roughly|approximately|nearly|almost|some|over|under|more\s+than|"
           r"less\s+than|fewer\s+than|at\s+least|at\s+most|up\s+to|no\s+more\s+than|no\s+less\s+than|"
           r"just|only|barely|well\s+over|just\s+over|just\s+under|close\s+to|the\s+better\s+part\s+of)")
_UNIT = (r"(?:second|minute|hour|day|week|weekend|fortnight|month|quarter|year|decade|century)")
_UNITS_PL = r"(?:seconds|minutes|hours|days|weeks|weekends|months|quarters|years|decades|centuries)"
_ANY_UNIT = rf"(?:{_UNITS_PL}|{_UNIT})"
_TZ = r"(?:\s+(?-i:[ECMP][SD]T|GMT|UTC|BST|CET|JST|KST)|\s+local\s+time)?"
_CLOCK = (r"(?:(?P<hour>\d{1,2})(?:[:.](?P<minute>\d{2}))?\s*(?P<ampm>[ap]\.\s?m\b\.?|[ap]m\b)"
          r"|(?P<hour24>[01]?\d|2[0-3]):(?P<minute24>[0-5]\d)(?!\d)(?=\s*(?:[ECMP][SD]T|GMT|UTC|local|hours|h\b))"
          # "at 00:48", "at 21:05": after "at", an hour only the 24-hour clock writes so
          r"|(?<=\bat\s)(?P<hour24at>0\d|1[3-9]|2[0-3]):(?P<minute24at>[0-5]\d)(?![\d:])"
          r"|(?P<noon>noon|midnight|midday)"
          r"|(?P<hourw>\d{1,2}|" + _NUMWORD + r")\s+"
          r"(?:o'clock|in\s+the\s+(?P<inthe>morning|afternoon|evening))"
          r")")
_DAY_NAMED = (r"(?:today|tonight|yesterday|tomorrow|the\s+day\s+before\s+yesterday"
              r"|the\s+day\s+after\s+tomorrow)")
_DATE_MD = (rf"(?:{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?(?!\d)(?:,?\s+\d{{4}}(?!\d))?"
            rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}(?:,?\s+\d{{4}}(?!\d))?)")
_DAYREF = (rf"(?:(?:(?:last|next|this|this\s+past|this\s+coming|coming|early|late)\s+)?{_WEEKDAY}"
           rf"(?:,?\s+{_DATE_MD})?|{_DATE_MD}|{_DAY_NAMED})")
_PART = r"(?:morning|afternoon|evening|night|mid-?\s?afternoon|midday)"


@dataclass
class _Context:
    reference: date
    tense: Tense | None = None
    last_quarter: tuple[int, int] | None = None
    since: bool = False
    last_month: tuple[int, int | None] | None = None  # (year, month) of the latest absolute date


_Handler = Callable[[re.Match[str], _Context], tuple[TimexType, str] | None]


@dataclass(frozen=True)
class _Rule:
    name: str
    trigger: re.Pattern[str]
    pattern: re.Pattern[str]
    handler: _Handler


_RULES: list[_Rule] = []


def _rule(name: str, trigger: str, pattern: str) -> Callable[[_Handler], _Handler]:
    """Register a grammar rule; matched on word boundaries, case-insensitively except names.

    Every match must contain a match of `trigger` (a cheap pattern, lower case): the rule runs
    only near one.
    """
    compiled = re.compile(rf"(?<![\w'’-])(?:{pattern})(?!\w|-\w|['’](?!s\b)\w)", re.I | re.X)

    def register(handler: _Handler) -> _Handler:
        # Triggers run over the lower-cased text: without re.I, re finds literal prefixes, 3x faster.
        _RULES.append(_Rule(name, re.compile(trigger), compiled, handler))
        return handler

    return register


# --- value helpers -----------------------------------------------------------------------------

def _parse_number(text: str) -> float | None:
    """'two' -> 2, 'twenty-five' -> 25, '2 1/2' -> 2.5, 'a' -> 1; None for vague amounts."""
    t = re.sub(r"\s+", " ", text.strip().lower())
    if t in _VAGUE or t in {"a few", "dozens of", "a number of"}:
        return None
    half = 0.0
    if t.endswith(" and a half"):
        t, half = t[: -len(" and a half")], 0.5
    elif t.endswith("½"):
        t, half = t[:-1].strip(), 0.5
    if t in {"a", "an", "one"}:
        return 1 + half
    if t in {"half a", "half an", "a half"}:
        return 0.5
    if t in {"a couple of", "couple of"}:
        return 2
    if t == "a dozen":
        return 12
    if t in {"hundred", "a hundred", "one hundred"}:
        return 100
    m = re.fullmatch(r"(\d+(?:[.,]\d+)?)(?: (\d)/(\d))?", t)
    if m:
        digits = m.group(1)
        # "1,000" groups thousands; "2,5" is a decimal comma.
        thousands = "," in digits and len(digits.split(",")[-1]) == 3
        whole = digits.replace(",", "") if thousands else digits.replace(",", ".")
        value = float(whole)
        if m.group(2):
            value += int(m.group(2)) / int(m.group(3))
        return value + half
    parts = re.split(r"[- ]", t)
    total = 0
    for p in parts:
        if p in _SMALL:
            total += _SMALL[p]
        elif p in _TENS:
            total += _TENS[p]
        else:
            return None
    return total + half


def _fmt_num(n: float) -> str:
    return str(int(n)) if n == int(n) else f"{n:g}"


def _duration(n: float | None, unit: str) -> str:
    """TIMEX3 duration: (2, 'day') -> P2D, (1.5, 'hour') -> PT1H30M, (None, 'year') -> PXY."""
    unit = unit.lower().rstrip("s")
    if unit == "centurie":
        unit = "century"
    if unit == "weekend":
        return "P2D" if n == 1 else ("PXWE" if n is None else f"P{_fmt_num(n)}WE")
    if unit == "fortnight":
        return "PXW" if n is None else f"P{_fmt_num(2 * n)}W"
    code = _UNIT_CODES.get(unit, "X")
    time_unit = unit in {"second", "minute", "hour"}
    prefix = "PT" if time_unit else "P"
    if n is None:
        return f"{prefix}X{code}"
    if unit == "decade":
        return f"P{_fmt_num(10 * n)}Y" if n == int(n) else f"P{_fmt_num(10 * n)}Y"
    if unit == "century":
        return f"P{_fmt_num(100 * n)}Y"
    if n != int(n):
        whole, frac = int(n), n - int(n)
        if unit == "year" and round(frac * 12) == frac * 12:
            return f"P{whole}Y{round(frac * 12)}M" if whole else f"P{round(frac * 12)}M"
        if unit == "hour" and round(frac * 60) == frac * 60:
            return f"PT{whole}H{round(frac * 60)}M" if whole else f"PT{round(frac * 60)}M"
        if unit == "minute" and round(frac * 60) == frac * 60:
            return f"PT{whole}M{round(frac * 60)}S" if whole else f"PT{round(frac * 60)}S"
        if unit == "day" and round(frac * 24) == frac * 24:
            return f"P{whole}DT{round(frac * 24)}H" if whole else f"PT{round(frac * 24)}H"
        if unit == "week" and round(frac * 7) == frac * 7:
            return f"P{round(n * 7)}D"
    return f"{prefix}{_fmt_num(n)}{code}"


def _iso_week(d: date) -> str:
    year, week, _ = d.isocalendar()
    return f"{year}-W{week:02d}"


def _add_months(year: int, month: int, delta: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


def _quarter(d: date) -> int:
    return (d.month - 1) // 3 + 1


def _shift(ref: date, n: int, unit: str) -> str | None:
    """The date `n` units after `ref` (negative: before), at the unit's granularity."""
    unit = unit.lower().rstrip("s")
    if unit == "centurie":
        unit = "century"
    try:
        if unit == "day":
            return (ref + timedelta(days=n)).isoformat()
        if unit in {"week", "weekend", "fortnight"}:
            days = 14 * n if unit == "fortnight" else 7 * n
            return _iso_week(ref + timedelta(days=days)) + ("-WE" if unit == "weekend" else "")
        if unit == "month":
            y, m = _add_months(ref.year, ref.month, n)
            return f"{y:04d}-{m:02d}"
        if unit == "quarter":
            y, m = _add_months(ref.year, ref.month, 3 * n)
            return f"{y:04d}-Q{(m - 1) // 3 + 1}"
        if unit == "year":
            return f"{ref.year + n:04d}"
        if unit == "decade":
            return f"{(ref.year + 10 * n) // 10:03d}"
        if unit == "century":
            return f"{(ref.year + 100 * n) // 100:02d}"
        if unit in {"hour", "minute", "second"}:
            return ref.isoformat()
    except (ValueError, OverflowError):
        return None
    return None


def _resolve_weekday(ref: date, weekday: int, tense: Tense | None, modifier: str = "") -> date:
    """The weekday nearest `ref` in the direction the tense or a modifier ('last', 'next') gives."""
    modifier = re.sub(r"\s+", " ", modifier.lower().strip())
    back = (ref.weekday() - weekday) % 7
    ahead = (weekday - ref.weekday()) % 7
    if modifier == "last":
        return ref - timedelta(days=back or 7)
    if modifier == "next":
        return ref + timedelta(days=ahead or 7)
    if modifier == "this past":
        return ref - timedelta(days=back)
    if modifier in {"this coming", "coming"}:
        return ref + timedelta(days=ahead)
    if back == 0:
        return ref
    if tense == "future":
        return ref + timedelta(days=ahead)
    return ref - timedelta(days=back)


def _year_for(ref: date, month: int, day: int | None, tense: Tense | None) -> int:
    """The year of a month (and day) given without one: looking back, ahead, or the nearest.

    Past tense looks back, future ahead; otherwise the next month is the coming one and anything
    else the nearest, preferring the past.
    """
    here = (month, day or 1)
    now = (ref.month, ref.day if day else 1)
    if here == now:
        return ref.year
    ahead = (month - ref.month) % 12
    coming = ref.year if here > now else ref.year + 1
    previous = ref.year if here < now else ref.year - 1
    if ahead == 0:
        return ref.year if tense != "future" or here > now else ref.year + 1
    if (ahead <= 1 and tense != "past") or tense == "future":
        return coming
    if tense == "past":
        return previous
    return coming if ahead <= 4 else previous


def _month_number(text: str) -> int:
    return _MONTHS[text.lower().rstrip(".")]


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _date_md(text: str, ctx: _Context) -> date | str | None:
    """'Sept 3, 2024', '3 September', 'Dec. 6' -> a date; a month-day without year resolved."""
    m = re.fullmatch(
        r"(?P<m1>[A-Za-z]+)\.?\s+(?P<d1>\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(?P<y1>\d{4}))?"
        r"|(?P<d2>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m2>[A-Za-z]+)\.?(?:,?\s+(?P<y2>\d{4}))?",
        text.strip())
    if not m:
        return None
    month = _MONTHS.get((m.group("m1") or m.group("m2") or "").lower())
    day = int(m.group("d1") or m.group("d2"))
    if month is None or _safe_date(2000, month, day) is None:
        return None
    year_text = m.group("y1") or m.group("y2")
    if year_text:
        return _safe_date(int(year_text), month, day)
    ref = ctx.reference
    # A date within two months of the reference is that one whatever the tense says: "set
    # Nov. 10 as the deadline" (past verb, coming date).
    for year in (ref.year, ref.year - 1, ref.year + 1):
        near = _safe_date(year, month, day)
        if near is not None and abs((near - ref).days) <= 60:
            return near
    return _safe_date(_year_for(ref, month, day, ctx.tense), month, day) or \
        f"XXXX-{month:02d}-{day:02d}"


def _dayref(text: str, ctx: _Context) -> str | None:
    """A day: weekday (with 'last'/'next'), month-day, 'today', 'yesterday', 'tomorrow'."""
    t = re.sub(r"\s+", " ", text.strip())
    low = t.lower()
    ref = ctx.reference
    named = {"today": 0, "tonight": 0, "yesterday": -1, "tomorrow": 1,
             "the day before yesterday": -2, "the day after tomorrow": 2}
    if low in named:
        return (ref + timedelta(days=named[low])).isoformat()
    m = re.fullmatch(r"(?:(last|next|this|this past|this coming|coming|early|late) )?"
                     r"([A-Za-z]+day)(?:,? (.+))?", t, re.I)
    if m and m.group(2).lower() in _WEEKDAYS:
        if m.group(3):
            resolved = _date_md(m.group(3), ctx)
            return resolved.isoformat() if isinstance(resolved, date) else resolved
        modifier = m.group(1) or ""
        if modifier.lower() in {"early", "late"}:
            modifier = ""
        return _resolve_weekday(ref, _WEEKDAYS[m.group(2).lower()], ctx.tense, modifier).isoformat()
    resolved = _date_md(t, ctx)
    return resolved.isoformat() if isinstance(resolved, date) else resolved


# --- grammar rules (the scanner keeps the longest match; ties go to the earlier rule) ----------

@_rule("range",
       r"\d\d{3}",  # `\d{4}`, spelled so that `re` skips to digits: twice as fast
       r"""
    (?:(?:from|between)\s+)?(?:(?:the\s+)?years?\s+)?
    (?P<a>1\d{3}|20\d{2})\s*(?P<sep>to|through|until|till|and|-|–|—)\s*(?P<b>\d{4}|\d{2})(?![\d,.%]\d|%)
""")
def _range(m: re.Match[str], ctx: _Context) -> tuple[TimexType, str] | None:
    """Year ranges, kept as one interval: 'from 1910 to 1945' -> 1910/1945."""
    a, b = m.group("a"), m.group("b")
    if m.group("sep").lower() == "and" and not m.group(0).lower().startswith("between"):
        return None
    if len(b) == 2:
        b = a[:2] + b
    if not int(a) < int(b) <= ctx.reference.year + 100:
        return None
    return "DATE", f"{a}/{b}"


@_rule("clock",
       r"[ap]\.?\s?m\b|noon|midnight|midday|o'clock|in\s+the\s+(?:morning|"
       r"afternoon|evening)|\d:\d\d",
       rf"""
    (?:{_APPROX}\s+)?(?:(?P<dayfirst>{_DAYREF})\s*,?\s+(?:at\s+)?)?
    {_CLOCK}{_TZ}
    (?:\s*,?\s+(?:on\s+)?(?P<day>{_DAYREF}))?
""")
def _clock(m: re.Match[str], ctx: _Context) -> tuple[TimexType, str] | None:
    if m.group("noon"):
        hour, minute = (12, 0) if m.group("noon").lower() in {"noon", "midday"} else (24, 0)
    elif m.group("hour24"):
        hour, minute = int(m.group("hour24")), int(m.group("minute24"))
    elif m.group("hour24at"):
        hour, minute = int(m.group("hour24at")), int(m.group("minute24at"))
    elif m.group("hourw"):
        number = _parse_number(m.group("hourw"))
        if number is None or not 1 <= number <= 12:
            return None
        hour, minute = int(number), 0
        if m.group("inthe") and m.group("inthe").lower() != "morning" and hour < 12:
            hour += 12
    else:
        hour, minute = int(m.group("hour")), int(m.group("minute") or 0)
        if not 1 <= hour <= 12 or minute > 59:
            return None
        pm = m.group("ampm").lower().startswith("p")
        hour = (hour % 12) + (12 if pm else 0)
    day = m.group("day") or m.group("dayfirst")
    base = _dayref(day, ctx) if day else ctx.reference.isoformat()
    if base is None:
        return None
    if hour == 24:
        return "TIME", f"{base}T24:00"
    return "TIME", f"{base}T{hour:02d}:{minute:02d}"


@_rule("part_of_day",
       r"morning|afternoon|evening|night|tonight|overnight|midday",
       rf"""
    (?:(?P<early>early|late)\s+)?
    (?:(?P<day>{_DAYREF}|this|last|the)\s+(?P<part>{_PART})
      |(?P<tonight>tonight|overnight)
      |(?P<part2>{_PART})\s+(?P<day2>today|yesterday|tomorrow|{_WEEKDAY}))
""")
def _part_of_day(m: re.Match[str], ctx: _Context) -> tuple[TimexType, str] | None:
    ref = ctx.reference
    if m.group("tonight"):
        return "TIME", f"{ref.isoformat()}TNI"
    day = (m.group("day") or m.group("day2") or "").lower()
    part = (m.group("part") or m.group("part2")).lower()
    code = _PARTS_OF_DAY.get(re.sub(r"\s+", " ", part), _PARTS_OF_DAY.get(part.replace(" ", "")))
    if code is None:
        return None
    if day in {"this", "the"}:
        base = ref.isoformat()
    elif day == "last":
        base = (ref - timedelta(days=1)).isoformat() if code in {"NI", "EV"} else None
        if base is None:
            return None
    else:
        base = _dayref(m.group("day") or m.group("day2"), ctx)
        if base and re.search(r"\d|day\b", day) and day not in {"today", "yesterday", "tomorrow"}:
            # TempEval annotates "Friday night" as the day itself, "last night" as a time.
            return "DATE", base
    return ("TIME", f"{base}T{code}") if base else None


@_rule("date",
       r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)|day\b|tonight|"
       r"tomorrow",
       rf"""
    (?:(?P<mod>early|late|mid)[\s-]+)?
    (?P<date>{_DAYREF})
""")
def _date(m: re.Match[str], ctx: _Context) -> tuple[TimexType, str] | None:
    value = _dayref(m.group("date"), ctx)
    return ("DATE", value) if value else None


@_rule("iso_date",
       r"\d[-/]\d",
       r"""
    (?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})|(?P<mm>\d{1,2})/(?P<dd>\d{1,2})/(?P<yy>\d{4}|\d{2})
""")
def _iso_date(m: re.Match[str], ctx: _Context) -> tuple[TimexType, str] | None:
    if m.group("y"):
        d = _safe_date(int(m.group("y")), int(m.group("m")), int(m.group("d")))
    else:
        year = int(m.group("yy"))
        if year < 100:
            year += 1900 if year > (ctx.reference.year % 100) + 10 else 2000
        d = _safe_date(year, int(m.group("mm")), int(m.group("dd")))
    return ("DATE", d.isoformat()) if d else None


@_rule("week_of",
       r"week\s+of",
       rf"""
    (?:the\s+)?week\s+of\s+(?P<date>{_DATE_MD})
""")
def _week_of(m: re.Match[str], ctx: _Context) -> tuple[TimexType, str] | None:
    d = _date_md(m.group("date"), ctx)
    return ("DATE", _iso_week(d)) if isinstance(d, date) else None


@_rule("month",
       r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)",
       rf"""
    (?:(?P<mod>early|late|mid|the\s+end\s+of|the\s+beginning\s+of|the\s+start\s+of|the\s+middle\s+of
        |the\s+first\s+half\s+of|the\s+second\s+half\s+of|end|the\s+last\s+week\s+of|the\s+first\s+week\s+of)
       [\s-]+(?:(?:last|next|this)\s+)?)?
    (?:(?P<rel>last|next|this|this\s+past|this\s+coming|coming)\s+)?
    (?P<month>{_MONTH_FULL}|{_MONTH_ABBR}(?=,?\s+\d{{4}}))(?:\s+of)?
    (?:,?\s+(?P<year>\d{{4}})(?!\d)|\s+(?:of\s+)?(?P<yrel>this|last|next)\s+year)?
""")
def _month(m: re.Match[str], ctx: _Context) -> tuple[TimexType, str] | None:
    month = _month_number(m.group("month"))
    ref = ctx.reference
    if m.group("year"):
        year = int(m.group("year"))
    elif m.group("yrel"):
        year = ref.year + {"this": 0, "last": -1, "next": 1}[m.group("yrel").lower()]
    else:
        rel = re.sub(r"\s+", " ", (m.group("rel") or "").lower())
        prefix = m.group(0)[: m.start("month") - m.start(0)].lower()
        if "last" in prefix.split() and not rel:
            rel = "last"
        if "next" in prefix.split() and not rel:
            rel = "next"
        if rel in {"last", "this past"}:
            year = ref.year if month < ref.month else ref.year - 1
        elif rel in {"next", "this coming", "coming"}:
            year = ref.year if month > ref.month else ref.year + 1
        elif rel == "this":
            year = ref.year
        else:
            year = _year_for(ref, month, None, ctx.tense)
    return "DATE", f"{year:04d}-{month:02d}"


@_rule("holiday",
       r"christmas|new\s+year|thanksgiving|easter|halloween|valentine|bastille|"
       r"independence|boxing|may\s+day",
       r"""
    (?:(?P<rel>last|next|this)\s+)?
    (?P<name>(?-i:Christmas\s+Day|Christmas\s+Eve|Christmas|New\s+Year's\s+Day|New\s+Year's\s+Eve
      |Boxing\s+Day|Independence\s+Day|Halloween|Valentine's\s+Day|Bastille\s+Day|May\s+Day
      |Thanksgiving(?:\s+Day)?|Easter(?:\s+Sunday)?))
    (?:,?\s+(?P<year>\d{4})(?!\d))?
""")
def _holiday(m: re.Match[str], ctx: _Context) -> tuple[TimexType, str] | None:
    name = re.sub(r"\s+", " ", m.group("name").lower())
    ref = ctx.reference
    rel = (m.group("rel") or "").lower()

    def on(year: int) -> date:
        if name.startswith("thanksgiving"):
            first = date(year, 11, 1)
            return first + timedelta(days=(3 - first.weekday()) % 7 + 21)
        if name.startswith("easter"):
            a, b, c = year % 19, year // 100, year % 100
            d, e = b // 4, b % 4
            g = (8 * b + 13) // 25
            h = (19 * a + b - d - g + 15) % 30
            i, k = c // 4, c % 4
            l_ = (32 + 2 * e + 2 * i - h - k) % 7
            n = (a + 11 * h + 19 * l_) // 433
            month = (h + l_ - 7 * n + 90) // 25
            return date(year, month, (h + l_ - 7 * n + 33 * month + 19) % 32)
        month, day = _HOLIDAYS[name]
        return date(year, month, day)

    if m.group("year"):
        return "DATE", on(int(m.group("year"))).isoformat()
    this_year = on(ref.year)
    if rel == "last" or (not rel and ctx.tense == "past" and this_year > ref):
        year = ref.year if this_year < ref else ref.year - 1
    elif rel == "next" or (not rel and ctx.tense == "future" and this_year < ref):
        year = ref.year if this_year > ref else ref.year + 1
    elif rel == "this":
        year = ref.year
    else:
        year = min((ref.year - 1, ref.year, ref.year + 1), key=lambda y: abs((on(y) - ref).days))
    return "DATE", on(year).isoformat()


@_rule("quarter",
       r"quarter|half|q[1-4]|h[12]",
       r"""
    (?:the\s+)?
    (?:(?P<pre>fiscal|calendar|this\s+year's|last\s+year's|next\s+year's|year-earlier|year-ago
        |(?:fiscal\s+)?(?P<y1>\d{4})(?:'s)?)[\s-]+)?
    (?:(?P<q>first|second|third|fourth|1st|2nd|3rd|4th)[\s-]+(?:fiscal\s+)?(?P<unit>quarter|half)
      |(?P<h>first|second|last)[\s-]+half)
    (?:\s+of\s+(?:fiscal\s+|the\s+)?(?:(?P<y2>\d{4})(?!\d)|(?P<rel>this|last|next)\s+year))?
    |(?-i:Q(?P<qn>[1-4]))(?:\s+(?P<y3>\d{4}))?
    |(?-i:(?P<hn>H[12]))(?:\s+(?P<y4>\d{4}))?
""")
def _quarter_rule(m: re.Match[str], ctx: _Context) -> tuple[TimexType, str] | None:
    ref = ctx.reference
    ordinals = {"first": 1, "second": 2, "third": 3, "fourth": 4, "1st": 1, "2nd": 2, "3rd": 3,
                "4th": 4, "last": 2}
    half = bool(m.group("h")) or (m.group("unit") or "").lower() == "half" or bool(m.group("hn"))
    if m.group("qn"):
        n = int(m.group("qn"))
    elif m.group("hn"):
        n = int(m.group("hn")[1])
    else:
        n = ordinals[(m.group("q") or m.group("h")).lower()]
    if half and n > 2:
        return None
    pre = re.sub(r"\s+", " ", (m.group("pre") or "").lower())
    rel = (m.group("rel") or "").lower()
    year_text = m.group("y1") or m.group("y2") or m.group("y3") or m.group("y4")
    current = (ref.month - 1) // 6 + 1 if half else _quarter(ref)
    if year_text:
        year = int(year_text)
    elif pre.startswith("last") or rel == "last":
        year = ref.year - 1
    elif pre.startswith("next") or rel == "next":
        year = ref.year + 1
    elif pre in {"year-earlier", "year-ago"}:
        year = (ctx.last_quarter[0] if ctx.last_quarter else ref.year) - 1
    elif pre.startswith("this") or rel == "this":
        year = ref.year
    elif ctx.tense == "past" and n > current:
        year = ref.year - 1
    else:
        year = ref.year
    if half:
        return "DATE", f"{year:04d}-H{n}"
    if pre not in {"year-earlier", "year-ago"}:
        ctx.last_quarter = (year, n)
    return "DATE", f"{year:04d}-Q{n}"


@_rule("anaphoric_quarter",
       r"quarter|period",
       r"""
    (?:the\s+)?(?P<mod>latest|last|past|previous|prior|current|this|next|coming|same|year-earlier|year-ago
        |fiscal|recent|most\s+recent|just-ended|just\s+ended|final)?[\s-]*(?P<what>quarter|period)
""")
def _anaphoric_quarter(m: re.Match[str], ctx: _Context) -> tuple[TimexType, str] | None:
    mod = re.sub(r"\s+", " ", (m.group("mod") or "").lower())
    ref = ctx.reference
    text = m.group(0).lower()
    if not text.startswith("the") and not mod:
        return None
    if m.group("what").lower() == "period":
        # "the latest period" in an earnings story is the quarter it reports on.
        if not ctx.last_quarter:
            return None
        y, q = ctx.last_quarter
        if mod in {"year-earlier", "year-ago"}:
            return "DATE", f"{y - 1:04d}-Q{q}"
        if mod in {"latest", "current", "recent", "most recent", "same"}:
            return "DATE", f"{y:04d}-Q{q}"
        return None
    current = (ref.year, _quarter(ref))
    previous = (ref.year - 1, 4) if current[1] == 1 else (ref.year, current[1] - 1)
    if mod in {"current", "this"}:
        y, q = current
    elif mod in {"next", "coming"}:
        y, q = (ref.year + 1, 1) if current[1] == 4 else (ref.year, current[1] + 1)
    elif mod in {"year-earlier", "year-ago"}:
        y, q = ctx.last_quarter or previous
        return "DATE", f"{y - 1:04d}-Q{q}"
    elif mod in {"latest", "last", "past", "previous", "prior", "recent", "most recent",
                 "just-ended", "just ended"}:
        y, q = previous
    else:
        y, q = ctx.last_quarter or previous
    ctx.last_quarter = (y, q)
    return "DATE", f"{y:04d}-Q{q}"


@_rule("season",
       r"spring|summer|fall|autumn|winter",
       r"""
    (?:(?P<mod>early|late|mid|the\s+end\s+of|the\s+beginning\s+of)[\s-]+)?
    (?P<rel>this|last|next|the|this\s+past|this\s+coming|coming|past)\s+(?P<season>spring|summer|fall|autumn|winter)
    (?:\s+(?:of\s+)?(?P<year>\d{4})(?!\d))?
    |(?P<season2>spring|summer|fall|autumn|winter)\s+(?:of\s+)?(?P<year2>\d{4})(?!\d)
""")
def _season(m: re.Match[str], ctx: _Context) -> tuple[TimexType, str] | None:
    season = (m.group("season") or m.group("season2")).lower()
    code = _SEASONS[season]
    ref = ctx.reference
    year_text = m.group("year") or m.group("year2")
    if year_text:
        return "DATE", f"{year_text}-{code}"
    rel = re.sub(r"\s+", " ", (m.group("rel") or "").lower())
    # Seasons start in months 3, 6, 9, 12; winter belongs to the year it starts in.
    starts = {"SP": 3, "SU": 6, "FA": 9, "WI": 12}
    here = ref.month if ref.month != 1 and ref.month != 2 else ref.month + 12
    current_start = max(s for s in starts.values() if s <= here) if here >= 3 else 12
    current_code = next(k for k, v in starts.items() if v == current_start)
    current_year = ref.year if ref.month >= 3 or current_code != "WI" else ref.year - 1
    if rel in {"last", "past", "this past"}:
        year = current_year if starts[code] < starts[current_code] else current_year - 1
    elif rel in {"next", "coming", "this coming"}:
        year = current_year if starts[code] > starts[current_code] else current_year + 1
    elif rel == "the" and ctx.tense == "past":
        year = current_year if starts[code] <= starts[current_code] else current_year - 1
    elif rel == "the" and ctx.tense == "future":
        year = current_year if starts[code] >= starts[current_code] else current_year + 1
    else:
        year = ref.year
    return "DATE", f"{year:04d}-{code}"


@_rule("decade",
       r"0'?s\b|ties\b",
       r"""
    (?:the\s+)?(?:(?:early|mid|late)[\s-]+)?
    (?:(?P<c>1[0-9]|20)(?P<d>\d)0'?s|'(?P<d2>\d)0s
      |(?P<w>twenties|thirties|forties|fifties|sixties|seventies|eighties|nineties))
""")
def _decade(m: re.Match[str], ctx: _Context) -> tuple[TimexType, str] | None:
    if m.group("c"):
        return "DATE", f"{m.group('c')}{m.group('d')}"
    words = ["twenties", "thirties", "forties", "fifties", "sixties", "seventies", "eighties",
             "nineties"]
    digit = int(m.group("d2")) if m.group("d2") else words.index(m.group("w").lower()) + 2
    century = 19 if digit * 10 + 1900 <= ctx.reference.year else 18
    if m.group("d2") and digit * 10 + 2000 <= ctx.reference.year:
        century = 20
    return "DATE", f"{century}{digit}"


@_rule("century",
       r"century",
       r"""
    (?:the\s+)?(?:(?:early|mid|late)[\s-]+)?
    (?:(?P<n>\d{1,2})(?:st|nd|rd|th)|(?P<w>first|second|third|fourth|fifth|sixth|seventh|eighth|ninth
       |tenth|eleventh|twelfth|thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth
       |nineteenth|twentieth|twenty-first))[\s-]+century
    |(?P<rel>this|last|next|the\s+last|the\s+next|the\s+past|the\s+previous)\s+century
""")
def _century(m: re.Match[str], ctx: _Context) -> tuple[TimexType, str] | None:
    if m.group("rel"):
        rel = m.group("rel").lower()
        if rel.startswith("the"):
            return "DURATION", "P100Y"
        shift = {"this": 0, "last": -1, "next": 1}[rel]
        return "DATE", f"{ctx.reference.year // 100 + shift:02d}"
    n = int(m.group("n")) if m.group("n") else _ORDINALS[m.group("w").lower()]
    return "DATE", f"{n - 1:02d}"


# "the year ended March 31" is a fiscal year: a span of one year, not the current year.
_ENDED = re.compile(r"\s+(?:ended|ending|that\s+ended|which\s+ended|through|to\s+(?-i:[A-Z]))",
                    re.I)


@_rule("relative_unit",
       r"week|month|year|decade",
       r"""
    (?:(?P<mod>early|late|mid|earlier|later|the\s+end\s+of|the\s+beginning\s+of|the\s+start\s+of
        |the\s+middle\s+of|the\s+rest\s+of|the\s+remainder\s+of|the\s+balance\s+of)[\s-]+)?
    (?P<rel>this|last|next|past|previous|coming|current|the\s+past|the\s+last|the\s+next|the\s+coming
        |the\s+previous|the\s+current|the\s+latest|this\s+past|the\s+following|the\s+same|the|that|fiscal
        |the\s+fiscal|the\s+full|the\s+calendar|the\s+entire|the\s+whole|a\s+full)
    \s+(?P<unit>week|weekend|month|year|decade)
""")
def _relative_unit(m: re.Match[str], ctx: _Context) -> tuple[TimexType, str] | None:
    rel = re.sub(r"\s+", " ", m.group("rel").lower())
    unit = m.group("unit").lower()
    ref = ctx.reference
    anchor = ctx.last_month
    if anchor and unit in {"year", "month"} and rel in {"that", "the same", "the following",
                                                      "the previous"}:
        # "later that year", "the following month": counted from the last date the story gave.
        shift = {"the following": 1, "the previous": -1}.get(rel, 0)
        if unit == "year":
            return "DATE", f"{anchor[0] + shift:04d}"
        if anchor[1] is not None:
            y, mo = _add_months(anchor[0], anchor[1], shift)
            return "DATE", f"{y:04d}-{mo:02d}"
    if rel in {"the past", "the last", "past", "the next", "the coming", "the previous",
               "the following", "a full", "the entire", "the whole"}:
        if unit == "weekend" and rel in {"the past", "the last", "past", "the previous"}:
            return "DATE", _shift(ref, -1, "weekend") or ""
        return "DURATION", _duration(1, unit)
    if rel in {"the", "that", "the same", "fiscal", "the fiscal", "the full", "the calendar"}:
        if unit == "weekend":
            shift = 0 if ref.weekday() >= 5 else (-1 if ctx.tense == "past" else 0)
            return "DATE", _shift(ref, shift, "weekend") or ""
        if unit == "year" and not _ENDED.match(m.string, m.end()):
            # "for the year", "the first nine months of the year": the current one.
            return "DATE", f"{ref.year:04d}"
        if rel in {"that", "the same"}:
            return None
        return "DURATION", _duration(1, unit)
    shift = {"this": 0, "current": 0, "the current": 0, "the latest": 0, "last": -1,
             "previous": -1, "this past": -1, "next": 1, "coming": 1}.get(rel)
    if shift is None:
        return None
    if unit == "decade" and rel in {"last", "previous"}:
        return "DURATION", "P10Y"
    value = _shift(ref, shift, unit)
    return ("DATE", value) if value else None


@_rule("duration",
       r"second|minute|hour|day|week|fortnight|month|quarter|year|decade|centur",
       rf"""
    (?:{_APPROX}\s+)?
    (?:(?P<rel>the\s+past|the\s+last|the\s+next|the\s+coming|the\s+previous|the\s+first|the\s+final
        |the\s+latest|the\s+following|the\s+remaining|the\s+same|the\s+initial|the|past|last|next|first
        |each\s+of\s+the\s+past|each\s+of\s+the\s+last|another|an\s+additional|a\s+further)\s+)?
    (?:(?:{_APPROX}|another|more)\s+)?
    (?P<num>{_NUM})(?:\s+(?:more|additional|straight|consecutive|full|long|trading|business|working|calendar))?
    (?P<sep>[\s-]+)(?P<unit>{_ANY_UNIT})
    (?P<suffix>\s+(?:ago|earlier|from\s+now|hence|old|running|in\s+a\s+row)
      |-old|-long|\s+and\s+a\s+half)?
""")
def _duration_rule(m: re.Match[str], ctx: _Context) -> tuple[TimexType, str] | None:
    unit = m.group("unit").lower()
    number_text = m.group("num")
    number = _parse_number(number_text)
    low_num = re.sub(r"\s+", " ", number_text.lower())
    plural = unit.endswith("s") and unit != "centuries" or unit == "centuries"
    if number is None and low_num not in {"a few", "few", "several", "some", "many", "dozens of",
                                          "a number of", "numerous"}:
        return None
    if number is not None and number == 1 and plural and low_num not in {"1"}:
        return None
    if unit in {"quarters", "quarter"} and "-" in m.group("sep") and number is not None \
            and number < 4 and m.group("suffix") is None:
        return None  # "three-quarters of": a fraction
    suffix = (m.group("suffix") or "").strip().lower()
    if suffix in {"old", "-old"}:
        return None  # an age, not a time
    if suffix == "and a half" and number is not None:
        number += 0.5
        suffix = ""
    if unit.rstrip("s") == "second" and low_num in {"a", "one"}:
        return None
    base_unit = unit.rstrip("s") if unit != "centuries" else "century"
    if suffix == "earlier" and base_unit not in {"year", "quarter"}:
        # "three days earlier" counts from an event in the story, not from the article's date.
        return "DURATION", _duration(number, unit)
    if suffix in {"ago", "earlier", "from now", "hence"}:
        sign = -1 if suffix in {"ago", "earlier"} else 1
        if number is None:
            return "DATE", "PAST_REF" if sign < 0 else "FUTURE_REF"
        if number != int(number):
            return "DURATION", _duration(number, unit)
        if base_unit in {"year", "quarter"} and int(number) == 1 and ctx.last_quarter \
                and suffix in {"ago", "earlier"}:
            y, q = ctx.last_quarter
            return "DATE", f"{y - 1:04d}-Q{q}"
        value = _shift(ctx.reference, sign * int(number), base_unit)
        return ("DATE", value) if value else None
    return "DURATION", _duration(number, unit)


@_rule("vague_units",
       r"seconds|minutes|hours|days|weeks|months|quarters|years|decades|centuries",
       rf"""
    (?:(?P<rel>recent|the\s+past|the\s+last|the\s+next|the\s+coming|coming|past|the\s+previous|the\s+early
        |the\s+first|the\s+final|in\s+recent|for|in)\s+)?(?P<unit>{_UNITS_PL})(?P<ago>\s+ago)?
""")
def _vague_units(m: re.Match[str], ctx: _Context) -> tuple[TimexType, str] | None:
    unit = m.group("unit").lower()
    if m.group("ago"):
        return "DATE", "PAST_REF"
    rel = re.sub(r"\s+", " ", (m.group("rel") or "").lower())
    if not rel:
        return None
    if rel in {"coming", "the coming", "the next"}:
        return "DATE", "FUTURE_REF" if unit != "years" else "FUTURE_REF"
    if rel in {"recent", "in recent"} and unit == "years":
        return "DATE", "PAST_REF"
    return "DURATION", _duration(None, unit)


@_rule("ref",
       r"now|current|recent|past|futur|present|soon|shortly|previous|former|"
       r"lately|days|term|run|later\s+date",
       r"""
    right\s+now|just\s+now|for\s+now|now|currently|at\s+present|nowadays|these\s+days|presently
    |the\s+present|(?:more\s+|most\s+|until\s+)?recently|lately|the\s+(?:recent\s+)?past|previously|formerly
    |soon|shortly|as\s+soon\s+as\s+possible|the\s+(?:near\s+|distant\s+|foreseeable\s+)?future
    |future|current|recent|a\s+later\s+date|the\s+(?:near|short|long)\s+(?:term|run)
""")
def _ref(m: re.Match[str], ctx: _Context) -> tuple[TimexType, str] | None:
    value = _REFS.get(re.sub(r"\s+", " ", m.group(0).lower()))
    return ("DATE", value) if value else None


@_rule("set",
       r"daily|nightly|weekly|monthly|yearly|annually|hourly|quarterly|biweekly|"
       r"fortnightly|every|each|\bper\b|(?:mon|tues|wednes|thurs|fri|satur|"
       r"sun)days|once|twice|times",
       rf"""
    (?P<adv>daily|nightly|weekly|monthly|yearly|annually|hourly|quarterly|biweekly|fortnightly)
    |(?:(?P<freq>once|twice|\w+\s+times)\s+)?(?P<every>every|each|per|a)\s+(?P<other>other\s+)?
      (?P<unit>{_UNIT}|{_WEEKDAY}|morning|night|evening)
    |(?P<weekdays>(?-i:Mondays|Tuesdays|Wednesdays|Thursdays|Fridays|Saturdays|Sundays))
""")
def _set(m: re.Match[str], ctx: _Context) -> tuple[TimexType, str] | None:
    if m.group("adv"):
        return "SET", _SET_ADVERBS[m.group("adv").lower()]
    if m.group("weekdays"):
        return "SET", f"XXXX-WXX-{_WEEKDAYS[m.group('weekdays').lower()[:-1]] + 1}"
    every = m.group("every").lower()
    unit = m.group("unit")
    if every == "a" and not m.group("freq"):
        return None
    n = 2 if m.group("other") else 1
    if unit.lower() in _WEEKDAYS:
        return "SET", f"XXXX-WXX-{_WEEKDAYS[unit.lower()] + 1}"
    if unit.lower() in {"morning", "night", "evening"}:
        return "SET", "P1D"
    return "SET", _duration(n, unit)


@_rule("year",
       r"\d\d{3}",  # as "range"
       r"""
    (?:(?P<mod>fiscal|calendar|early|mid|late|the\s+end\s+of|the\s+beginning\s+of|the\s+start\s+of
       |the\s+middle\s+of|the\s+first\s+half\s+of|the\s+second\s+half\s+of|the\s+year|the\s+summer\s+of)[\s-]+)?
    (?<![$£€#])(?P<year>1[0-9]{3}|20[0-9]{2})(?![\d,.%]\d|%|\s*(?:percent|per\s+cent))
""")
def _year(m: re.Match[str], ctx: _Context) -> tuple[TimexType, str] | None:
    year = int(m.group("year"))
    if not 1000 <= year <= ctx.reference.year + 100:
        return None
    return "DATE", f"{year:04d}"


@_rule("spelled_year",
       r"nineteen|eighteen|twenty|thousand",
       rf"""
    (?:(?P<season>spring|summer|fall|autumn|winter)\s+of\s+|(?P<month>{_MONTH_FULL})\s+|the\s+year\s+)?
    (?:(?P<hi>nineteen|eighteen|twenty)\s+(?P<lo>(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)
        (?:[-\s](?:one|two|three|four|five|six|seven|eight|nine))?|ten|eleven|twelve|thirteen|fourteen
        |fifteen|sixteen|seventeen|eighteen|nineteen|(?:oh|o)[-\s](?:one|two|three|four|five|six|seven|eight|nine))
      |(?P<thousand>two\s+thousand(?:\s+and\s+(?P<lo2>one|two|three|four|five|six|seven|eight|nine|ten))?))
    (?!\s+(?:{_ANY_UNIT}|people|dollars|men|women|troops))
""")
def _spelled_year(m: re.Match[str], ctx: _Context) -> tuple[TimexType, str] | None:
    """Years read out, as transcripts write them: 'nineteen ninety-six', 'two thousand'."""
    if m.group("thousand"):
        year = 2000 + int(_parse_number(m.group("lo2")) or 0) if m.group("lo2") else 2000
    else:
        high = _parse_number(m.group("hi"))
        low = _parse_number(re.sub(r"^(?:oh|o)[-\s]", "", m.group("lo").lower()))
        if high is None or low is None:
            return None
        year = int(high) * 100 + int(low)
    if m.group("season"):
        return "DATE", f"{year:04d}-{_SEASONS[m.group('season').lower()]}"
    if m.group("month"):
        return "DATE", f"{year:04d}-{_month_number(m.group('month')):02d}"
    return "DATE", f"{year:04d}"


@_rule("year_compound",
       r"(?:year|month|week|quarter)-",
       r"""
    (?P<what>year|month|week|quarter)-(?P<rel>earlier|ago|end|long|old|to-date|ago)
""")
def _year_compound(m: re.Match[str], ctx: _Context) -> tuple[TimexType, str] | None:
    what, rel = m.group("what").lower(), m.group("rel").lower()
    if rel in {"long", "old"}:
        return "DURATION", _duration(1, what)
    if rel == "end" and what == "year":
        year = ctx.reference.year - (1 if ctx.tense == "past" or ctx.since else 0)
        return "DATE", f"{year:04d}-12-31"
    if rel in {"earlier", "ago"}:
        if what == "year" and ctx.last_quarter:
            y, q = ctx.last_quarter
            return "DATE", f"{y - 1:04d}-Q{q}"
        value = _shift(ctx.reference, -1, what)
        return ("DATE", value) if value else None
    return None


# --- tense of the governing verb ---------------------------------------------------------------

# Words just before an expression that point it ahead whatever the verb: "as early as Tuesday".
_FUTURE_CUE = re.compile(r"\b(?:as\s+(?:soon|early)\s+as|until|till|no\s+later\s+than|starting|"
                         r"beginning|effective|due|scheduled\s+for|set\s+for)\s+(?:on\s+)?$", re.I)
_SINCE = re.compile(r"\bsince\s+$", re.I)
_INTENT = {"plan", "expect", "schedule", "intend", "want", "hope", "agree", "decide", "promise",
           "vow", "threaten", "aim", "seek", "prepare", "try", "say", "tell", "ask", "urge",
           "call", "order", "offer", "set", "pledge", "propose", "vote", "move", "arrange"}
_FUTURE_AUX = {"will", "'ll", "ll", "shall", "wo", "going"}


def _verb_tense(verb: Token) -> Tense | None:
    auxes = [c for c in verb.children if c.dep_ in {"aux", "auxpass"}]
    for aux in auxes:
        low = aux.lower_
        if low in _FUTURE_AUX or aux.lemma_.lower() in {"will", "shall"}:
            return "future"
        if low == "to" and verb.tag_ == "VB":
            # "staged celebrations to mark the entry on Friday" looks back; "planned to visit
            # on Friday" and "is expected to decide on September 27" look ahead.
            head = verb.head
            if head.i != verb.i and head.tag_ == "VBD" and head.lemma_.lower() not in _INTENT:
                return "past"
            return "future"
    for aux in auxes:
        if "Past" in aux.morph.get("Tense") and aux.lower_ not in {"would", "could", "might",
                                                                  "should"}:
            return "past"
        if aux.lemma_.lower() == "have" and verb.tag_ == "VBN":
            return "past"
    for aux in auxes:
        if aux.lower_ in {"would", "could", "might", "should", "may", "can", "must"}:
            return "future" if aux.lower_ == "would" else None
    if verb.tag_ == "VBD" or (verb.tag_ != "VBN" and "Past" in verb.morph.get("Tense")):
        return "past"
    if verb.tag_ == "VBN" and not auxes:
        # "the ruling, announced Friday": a bare participle reports what has happened.
        return "past"
    if verb.tag_ in {"VBZ", "VBP"} or "Pres" in verb.morph.get("Tense"):
        return "present"
    return None


def _tense(span: Span | None) -> Tense | None:
    """Tense of the verb governing `span`: climbs from its root to the first finite verb."""
    if span is None or len(span) == 0:
        return None
    token = span.root
    for _ in range(10):
        head = token.head  # a new Token on each access
        if head.i == token.i:  # the sentence root, or a doc without a parse
            break
        token = head
        if token.pos_ in {"VERB", "AUX"}:
            tense = _verb_tense(token)
            if tense is not None or token.tag_ not in {"VBG", "VBN"}:
                return tense
    return None


# --- scanning ----------------------------------------------------------------------------------

_LEADING_PREPOSITION = re.compile(
    r"^(?:in|on|at|during|for|since|from|by|until|till|through|over|within|of|before|after|"
    r"between|around|about|as\s+of|starting|beginning|ending)\s+", re.I)
_SPACY_LABELS = {"DATE", "TIME"}
_AMOUNT_END = re.compile(r"(?:\d|%|percent|cents?|dollars?|times|once|twice|illion)$", re.I)
# Normalised when asked, but too often not time expressions in running text ("current account",
# "previously unknown", "quarterly dividend") to be found by the scanner.
_NOT_SCANNED = {"previously", "formerly", "soon", "shortly", "recent", "quarterly"}
_NOT_TIME_LABELS = {"CARDINAL", "MONEY", "QUANTITY", "PERCENT", "ORDINAL", "PRODUCT", "LAW",
                    "FAC", "ORG", "WORK_OF_ART", "EVENT"}


@dataclass(order=True)
class _Candidate:
    start: int
    end: int
    rule_index: int = field(compare=False)
    match: re.Match[str] | None = field(compare=False, default=None)


_BEFORE, _AFTER = 60, 50  # longer than any expression's stretch before and after its trigger


def _split(pattern: str) -> tuple[list[str], str]:
    """The top-level alternatives of a regular expression, up to a `)` closing a group it is
    in, and what follows that `)` (or "")."""
    branches, depth, start, i = [], 0, 0, 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            i += 1
        elif ch == "[":  # a class ends at the first "]" not right after "[" or "[^"
            i += 2 if pattern[i + 1] == "^" else 1
            i = pattern.index("]", i + 1 if pattern[i] == "]" else i)
        elif ch == "(":
            depth += 1
        elif ch == ")":
            if depth == 0:
                return [*branches, pattern[start:i]], pattern[i + 1:]
            depth -= 1
        elif ch == "|" and depth == 0:
            branches.append(pattern[start:i])
            start = i + 1
        i += 1
    return [*branches, pattern[start:]], ""


_LEADING_LITERAL = re.compile(r"([a-z0-9' ]*)(.?)")


@functools.cache
def _needles(trigger: str) -> tuple[str, ...] | None:
    """Words one of which every match of `trigger` starts with: each alternative's first word
    (after a `\\b`), or the first words of a group of alternatives it starts with; None unless
    each is three letters or more."""
    needles: list[str] = []
    for branch in _split(trigger)[0]:
        branch = branch.removeprefix("\\b")
        if branch.startswith("(?:"):
            inner, after = _split(branch[3:])
            found = _needles("|".join(inner))
            if found is None or after[:1] in ("?", "*", "{"):
                return None
            needles.extend(found)
            continue
        m = _LEADING_LITERAL.match(branch)
        assert m is not None
        word = m.group(1)[:-1] if m.group(2) in ("?", "*", "{", "+") else m.group(1)
        if len(word) < 3:
            return None
        needles.append(word)
    return tuple(needles)


@functools.cache
def _inside(needles: tuple[str, ...]) -> dict[str, tuple[str, int]]:
    """For each needle that contains a shorter one, the shortest such (so it contains none) and
    its offset: the longer one's occurrences are among the shorter one's, so they are picked out
    from those instead of searched for in the whole text again ('weeks' from 'week')."""
    by_length = sorted(set(needles), key=lambda n: (len(n), n))
    inside: dict[str, tuple[str, int]] = {}
    for needle in by_length:
        shorter = next((s for s in by_length if len(s) < len(needle) and s in needle), None)
        if shorter is not None:
            inside[needle] = (shorter, needle.index(shorter))
    return inside


def _occurrences(text: str, needles: tuple[str, ...]) -> dict[str, list[int]]:
    """Where each of `needles` starts in `text`, ascending."""
    inside = _inside(needles)
    found: dict[str, list[int]] = {}
    for needle in needles:
        if needle in inside or needle in found:
            continue
        starts = found[needle] = []
        at = text.find(needle)
        while at >= 0:
            starts.append(at)
            at = text.find(needle, at + 1)
    for needle, (shorter, offset) in inside.items():
        found[needle] = [at - offset for at in found[shorter]
                         if at >= offset and text.startswith(needle, at - offset)]
    return found


@functools.cache
def _starters(trigger: str) -> tuple[tuple[str, ...], tuple[re.Pattern[str], ...]] | None:
    """`trigger`'s alternatives made of words, as their `_needles`, and the others compiled alone
    (`re` skips to their first character); None when none is made of words."""
    needles: list[str] = []
    others: list[re.Pattern[str]] = []
    for alternative in _split(trigger)[0]:
        found = _needles(alternative)
        if found is None:
            others.append(re.compile(alternative))
        else:
            needles.extend(found)
    return (tuple(needles), tuple(others)) if needles else None


def _matches(text: str, trigger: re.Pattern[str],
             occurrences: dict[str, list[int]] | None = None) -> list[re.Match[str]]:
    """`trigger.finditer(text)`, found faster: the trigger is only tried where one of its
    alternatives matches (`_starters`); those made of words are found by `str.find`, far sooner
    than `re` tries every position. Same matches: the search from a position is the match at the
    first position from there where the trigger matches, and every position where it matches is
    one where an alternative does. `occurrences` holds those of its words, if the caller has them."""
    starters = _starters(trigger.pattern)
    if starters is None:
        return list(trigger.finditer(text))
    needles, others = starters
    if occurrences is None:
        occurrences = _occurrences(text, needles)
    starts: set[int] = set()
    for needle in needles:
        starts.update(occurrences[needle])
    for other in others:  # every start, also one inside the previous match
        m = other.search(text)
        while m is not None:
            starts.add(m.start())
            m = other.search(text, m.start() + 1)
    found: list[re.Match[str]] = []
    pos = 0
    for at in sorted(starts):
        if at >= pos and (m := trigger.match(text, at)) is not None:
            found.append(m)
            pos = m.end()  # never empty: no trigger matches the empty string
    return found


def _windows(text: str, trigger: re.Pattern[str],
             occurrences: dict[str, list[int]] | None = None) -> list[tuple[int, int]]:
    """Merged stretches of text around a rule's trigger: the rule runs only there (speed)."""
    windows: list[tuple[int, int]] = []
    for m in _matches(text, trigger, occurrences):
        start, end = max(0, m.start() - _BEFORE), min(len(text), m.end() + _AFTER)
        if windows and start <= windows[-1][1]:
            windows[-1] = (windows[-1][0], end)
        else:
            windows.append((start, end))
    return windows


def _lower(text: str) -> str:
    """`text` lower-cased, offset for offset ('İ' lowers to two characters, so it stays)."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(low if len(low := ch.lower()) == 1 else ch for ch in text)


def _rule_needles() -> tuple[str, ...]:
    """Every rule's trigger words, looked for once per text: rules share many ('week', 'may')."""
    needles: set[str] = set()
    for rule in _RULES:
        starters = _starters(rule.trigger.pattern)
        if starters is not None:
            needles.update(starters[0])
    return tuple(sorted(needles))


_ALL_NEEDLES = _rule_needles()


def _scan(text: str) -> list[_Candidate]:
    """All grammar matches; overlaps resolved to the longest, then the earliest rule."""
    found: list[_Candidate] = []
    lowered = _lower(text)
    occurrences = _occurrences(lowered, _ALL_NEEDLES)
    windows: dict[str, list[tuple[int, int]]] = {}  # rules sharing a trigger scan once
    for index, rule in enumerate(_RULES):
        if rule.trigger.pattern not in windows:
            windows[rule.trigger.pattern] = _windows(lowered, rule.trigger, occurrences)
        for start, end in windows[rule.trigger.pattern]:
            for m in rule.pattern.finditer(text, start, end):
                if m.end() > m.start():
                    found.append(_Candidate(m.start(), m.end(), index, m))
    found.sort(key=lambda c: (-(c.end - c.start), c.rule_index, c.start))
    chosen: list[_Candidate] = []
    taken: list[tuple[int, int]] = []
    for cand in found:
        if any(cand.start < e and s < cand.end for s, e in taken):
            continue
        chosen.append(cand)
        taken.append((cand.start, cand.end))
    chosen.sort()
    return chosen


def _strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Trim spaces, possessives and punctuation at the ends of a spaCy entity."""
    while start < end and not text[start].isalnum() and text[start] not in "'’":
        start += 1
    while end > start and (not text[end - 1].isalnum() and text[end - 1] != "."):
        end -= 1
    for suffix in ("'s", "’s"):
        if text.endswith(suffix, start, end):
            end -= len(suffix)
    return start, end


def _rejected_by_parse(doc: Doc, text: str, cand: _Candidate, rule: _Rule,
                       span: Span | None) -> bool:
    """Parse evidence that a grammar match is not a time expression ('current account');
    `span` is the candidate's, expanded to whole tokens."""
    if span is None or len(span) == 0:
        return False
    if rule.name == "year":
        token = span[-1]
        if token.ent_type_ in {"MONEY", "QUANTITY", "PERCENT"}:
            return True
    if rule.name == "ref":
        low = span.text.lower()
        if low.split()[-1] in {"current", "recent", "future"}:
            token = span[-1]
            nxt = doc[token.i + 1] if token.i + 1 < len(doc) else None
            if token.lower_ == "future":
                return token.dep_ in {"amod", "compound"} or (
                    nxt is not None and nxt.pos_ in {"NOUN", "PROPN"})
            if low == "current":
                return nxt is None or nxt.lower_ in {"account", "accounts", "affairs", "events"} \
                    or nxt.pos_ not in {"NOUN", "PROPN", "ADJ"} or token.dep_ not in {"amod"}
            if low == "recent":
                return nxt is None or nxt.lower_ in {"years", "months", "weeks", "days"} \
                    or token.dep_ not in {"amod"}
    if rule.name == "set" and cand.match is not None and cand.match.group("every"):
        every = cand.match.group("every").lower()
        if every in {"per", "a"}:
            prev = text[: cand.start].rstrip()
            after_amount = _AMOUNT_END.search(prev) is not None
            if not after_amount and not cand.match.group("freq"):
                return True
    if rule.name in {"date", "month"} and cand.match is not None:
        token = span[0]
        if token.ent_type_ in {"PERSON", "ORG", "FAC", "PRODUCT", "WORK_OF_ART"} and \
                token.text in {"May", "June", "April", "August", "Jan", "Sept"}:
            return True
    return False


def find_time_expressions(doc: Doc, reference: date) -> list[TimeExpression]:
    """Time expressions in `doc`, sorted by start and non-overlapping, resolved against `reference`.

    Offsets index `doc.text`; spans hold the expression proper (no leading preposition, no
    possessive). Only normalisable expressions are returned, so `value` is always set here.
    Never raises on odd text.
    """
    text = doc_text(doc)
    candidates = _scan(text)
    covered = [(c.start, c.end) for c in candidates]
    for ent in doc.ents:
        if ent.label_ not in _SPACY_LABELS:
            continue
        start, end = _strip_span(text, ent.start_char, ent.end_char)
        if end <= start or any(start < e and s < end for s, e in covered):
            continue
        candidates.append(_Candidate(start, end, -1))
    candidates.sort()

    ctx = _Context(reference)
    results: list[TimeExpression] = []
    for cand in candidates:
        span = doc.char_span(cand.start, cand.end, alignment_mode="expand")
        ctx.tense = _tense(span)
        if ctx.tense != "future" and text.startswith(("'s", "’s"), cand.end):
            ctx.tense = "past"  # "Wednesday's ruling" reports what happened
        elif _FUTURE_CUE.search(text, max(0, cand.start - 24), cand.start):
            ctx.tense = "future"
        ctx.since = _SINCE.search(text, max(0, cand.start - 8), cand.start) is not None
        if cand.rule_index < 0:
            normalised = _normalise(text[cand.start:cand.end], ctx)
            if normalised is None:
                continue
            kind, value = normalised
        else:
            rule = _RULES[cand.rule_index]
            if cand.match.group(0).lower() in _NOT_SCANNED or \
                    _rejected_by_parse(doc, text, cand, rule, span):
                continue
            assert cand.match is not None
            try:
                normalised = rule.handler(cand.match, ctx)
            except (ValueError, OverflowError, KeyError, IndexError):
                normalised = None
            if normalised is None:
                continue
            kind, value = normalised
        if not value:
            continue
        lead = _RANGE_LEAD.match(text, cand.start, cand.end) if "/" in value else None
        if lead:
            cand.start = lead.end()
        results.append(TimeExpression(cand.start, cand.end, text[cand.start:cand.end], kind, value))
        anchor = _ANCHOR.match(value)
        if anchor and kind in {"DATE", "TIME"}:
            month = int(anchor.group(2)) if anchor.group(2) else None
            ctx.last_month = (int(anchor.group(1)), month)
    return results


_ANCHOR = re.compile(r"(\d{4})(?:-(\d{2}))?(?![\d/])")
_RANGE_LEAD = re.compile(r"(?:from|between)\s+", re.I)
def _normalise(text: str, ctx: _Context) -> tuple[TimexType, str] | None:
    """The first rule that matches all of `text` (after a leading preposition), else the longest."""
    t = re.sub(r"\s+", " ", text.strip())
    t = _LEADING_PREPOSITION.sub("", t)
    t = re.sub(r"(?:'s|’s)$", "", t).rstrip(",;:")
    if not t:
        return None
    for rule in _RULES:
        m = rule.pattern.fullmatch(t)
        if m:
            try:
                result = rule.handler(m, ctx)
            except (ValueError, OverflowError, KeyError, IndexError):
                result = None
            if result is not None and result[1]:
                return result
    return None


def normalise_expression(
    text: str, reference: date, tense: Tense | None = None
) -> tuple[str, str] | None:
    """(type, TIMEX3 value) for a time expression on its own, or None; never raises.

    `normalise_expression("in May", date(2024, 9, 3), "past") == ("DATE", "2024-05")`.
    """
    try:
        return _normalise(text, _Context(reference, tense))
    except Exception:  # noqa: BLE001 - the contract is "None for what can't be normalised"
        return None

