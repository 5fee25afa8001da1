"""Entity linking within one article: spaCy's entity spans and the time expressions become
canonical, typed, placed entities with every mention, shared by the entities, quotes and events
stages.

Consumes an `Article` and its one parse (a `Doc` whose text is the body; offsets index the body).
Produces an `EntityIndex`: entities in order of first mention, each with its mentions (body
offsets, plus headline mentions), a type decided across mentions, a place for GPE/LOC/NORP/FAC,
roles for people, and a TIMEX3 value for time expressions; then the entities named only in the
headline, when they are clearly names (the headline's own parse rides on the body doc, see
`shared.nlp.docs.headline_doc`). `link_entities` is deterministic and memoised on the doc, so
every caller in one process sees the same ids.

What it fixes in the raw model output, in order:
1. spans: leading 'the', possessives and stray punctuation trimmed ("South Korea's", "Korea-"),
   and the page furniture the model runs into a name ("Invalid Email Christian Horner", "Photo
   KUNDUZ", "Media caption", "World Series Getty Images"); a span that is only a sign-up prompt's
   or photo label's words ("Invalid Email") is no name;
2. ALL-CAPS headlines and datelines, where the model is weak: names there are matched against
   the names the rest of the article uses and against the gazetteer, not trusted as tagged;
3. recall: names found once are found again wherever else they occur in the article, people by
   their surname or given name too;
4. types: a majority vote over all mentions of one name (the model's labels plus cues from the
   context: 'Mr', a title, ', who', a country gazetteer), then over all names of one entity;
5. identity: 'Kishida' -> 'Fumio Kishida' (a surname two people share goes to the nearest
   preceding full name, or stays alone), 'LDP' -> 'Liberal Democratic Party', 'US' -> 'United
   States';
6. wire-copy layouts: a dateline names a place; in results tables and fixtures a city is a team,
   a capitalised run before a score is a team (or, with an initial, a player), and a name before
   a bracketed country is a competitor;
7. the headline: the body's names found there (also in capitals, or by surname, place or
   acronym), new entities only for what is clearly a name (see `_Headline`).

Speed: token attributes are read once with `Doc.to_array`, never through per-token objects.

Measured on CoNLL-2003 dev by `python -m evaluation.conll`.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections import Counter, defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Protocol

import numpy
from spacy.attrs import (
    ENT_IOB,
    ENT_TYPE,
    IDX,
    IS_ALPHA,
    IS_PUNCT,
    IS_SPACE,
    IS_STOP,
    IS_UPPER,
    LOWER,
    ORTH,
    SENT_START,
    TAG,
)
from spacy.tokens import Doc, Token

from shared.nlp.docs import doc_text, headline_doc
from shared.nlp.geo import is_demonym, is_place_name, place_key, resolve_place
from shared.nlp.roles import TITLE_HEADS, TITLE_MODIFIERS, find_roles
from shared.schemas.article import Article
from shared.schemas.common import message_id
from shared.schemas.entity import Entity, Mention, Place, Role, Salience

NAME_TYPES = frozenset({"PERSON", "NORP", "FAC", "ORG", "GPE", "LOC", "PRODUCT", "EVENT",
                        "WORK_OF_ART", "LAW", "LANGUAGE"})
TIME_TYPES = frozenset({"DATE", "TIME", "DURATION", "SET"})
PLACE_TYPES = frozenset({"GPE", "LOC", "NORP", "FAC"})
_USER_DATA_KEY = "newsflash.entities"
#: The first four are strings, decoded once per distinct value.
_TOKEN_ATTRS = [ORTH, LOWER, TAG, ENT_TYPE, IS_ALPHA, IS_UPPER, IS_PUNCT, IS_SPACE, IS_STOP, SENT_START, IDX,
                ENT_IOB]
_DATELINE = "\x00dateline"

# How much one mention's model label counts in the vote on its name's type.
_W_MODEL = 1.0
_W_SHOUTY = 0.3       # the model's label on an ALL-CAPS token: a weak hint at best
_W_GAZETTEER = 0.8
_W_PROPAGATED = 0.0   # a propagated mention repeats a vote, it does not add one
#: Cities at least this big are recognised by name alone in headlines and datelines.
_CAPS_CITY_POPULATION = 100_000
_LEADING = frozenset({"the", "a", "an"})
_INITIAL = re.compile(r"^[A-Z]\.$")
#: Words for people that, right before a name, make it a person's: 'dissident Wang Donghai'.
_PERSON_NOUNS = frozenset("""
dissident activist veteran finalist player star boy girl man woman singer actor actress writer
author poet artist businessman businesswoman tycoon billionaire millionaire rebel guerrilla
commander fighter soldier striker midfielder defender goalkeeper batsman bowler pitcher rider
driver runner sprinter swimmer cyclist skier golfer boxer jockey champion winner seed
opponent teammate colleague rival wife husband son daughter brother sister mother father uncle
nephew cousin widow friend lawyer doctor professor student teacher priest monk journalist
reporter photographer analyst economist trader dealer broker banker investor novelist teenager
youngster newcomer rookie compatriot countryman countrywoman chef designer producer composer
musician playwright comedian presenter broadcaster entrepreneur
""".split())
_ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
_FIXTURE_JOINERS = frozenset({"at", "v", "v.", "vs", "vs.", "versus"})
#: Labels whose names may end in a number ('Windows 95', 'Euro 96', 'Apollo 11').
_NUMBERED = frozenset({"PRODUCT", "EVENT", "WORK_OF_ART", "LAW", "FAC"})
#: Labels whose names never contain a lower-case word other than a particle.
_SPLIT_ON_LOWERCASE = frozenset({"PERSON", "GPE", "LOC", "NORP"})
_NAME_PARTICLES = frozenset({"of", "the", "de", "du", "des", "la", "le", "van", "von", "der",
                             "den", "da", "di", "del", "bin", "al", "el", "and", "y", "upon",
                             "on", "am", "sur", "en"})
_POSSESSIVE = frozenset({"'s", "\u2019s", "'", "\u2019"})
_HONORIFICS = frozenset({"mr", "mrs", "ms", "miss", "dr", "sir", "dame", "lady", "lord", "rev",
                         "prof", "gen", "col", "sen", "rep", "gov", "lt", "sgt", "capt"})
_GENDERED_HONORIFICS = {"mr": "m", "sir": "m", "lord": "m", "mrs": "f", "ms": "f", "miss": "f",
                        "dame": "f", "lady": "f"}
_UK_NATIONS = frozenset({"england", "scotland", "wales", "northern ireland"})
_ACRONYM = re.compile(r"^[A-Z][A-Z&.]{1,7}$")
_ACRONYM_SKIP = frozenset({"of", "the", "and", "for", "&", "de", "du", "des", "la", "le", "in",
                           "on", "to", "at"})
#: Page furniture the model runs into a name at its start: a sign-up prompt's 'Invalid Email',
#: a photo label ('Photo LONDON', 'Photos Hillary Clinton'); 'Getty' only as a credit, see
#: `_Linker._furniture_end`.
_FURNITURE_WORDS = frozenset({"invalid", "email", "e-mail", "photo", "photos"})
#: Credits and photo buttons the model runs into a name at its end ('World Series Getty Images').
_FURNITURE_TAILS = (("getty", "images"), ("view", "photos"), ("buy", "photo"))
_SLIDE_COUNTER = re.compile(r"^\d{1,3}/\d{1,3}$")
#: Name particles and titles never taken alone as a person's short name.
_NOT_A_SHORT_NAME = frozenset({"de", "van", "von", "der", "den", "da", "di", "del", "la", "le",
                               "bin", "al", "el", "jr", "jr.", "sr", "sr.", "mr", "mrs", "ms",
                               "dr", "st", "ii", "iii"})


@dataclass
class LinkedEntity:
    """One distinct entity of an article; `id` is the Entity message id."""

    id: str
    type: str
    name: str
    mentions: list[Mention]
    roles: list[Role] = field(default_factory=list)
    place: Place | None = None
    value: str | None = None

    def body_mentions(self) -> list[Mention]:
        return [m for m in self.mentions if m.field == "body"]

    def to_message(self, article: Article) -> Entity:
        body = self.body_mentions()
        return Entity(
            id=self.id, article_id=article.id, content_hash=article.content_hash, type=self.type,
            name=self.name, mentions=list(self.mentions),
            salience=Salience(mentions=len(body), first_offset=body[0].start if body else -1,
                              in_headline=any(m.field == "headline" for m in self.mentions)),
            roles=list(self.roles), place=self.place, value=self.value,
        )


@dataclass
class EntityIndex:
    """The entities of one article, and lookups by body offset."""

    entities: list[LinkedEntity]
    _by_id: dict[str, LinkedEntity] = field(default_factory=dict, repr=False)
    _body: list[tuple[Mention, LinkedEntity]] = field(default_factory=list, repr=False)
    #: The furthest end of `_body`'s mentions up to each one: those before the first that ends
    #: past a position all end at or before it, so `mention_at` skips them.
    _reach: list[int] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        self._by_id = {e.id: e for e in self.entities}
        self._body = sorted(((m, e) for e in self.entities for m in e.body_mentions()),
                            key=lambda pair: (pair[0].start, pair[0].end))
        self._reach = list(itertools.accumulate((m.end for m, _ in self._body), max))

    def mention_at(self, start: int, end: int) -> tuple[LinkedEntity, Mention] | None:
        """The body mention overlapping [start, end) the most (ties: the shorter mention)."""
        best: tuple[LinkedEntity, Mention] | None = None
        best_key = (0, 0)
        first = bisect.bisect_right(self._reach, start)
        for mention, entity in itertools.islice(self._body, first, None):
            if mention.start >= end:
                break
            overlap = min(end, mention.end) - max(start, mention.start)
            if overlap <= 0 and not (start == end and mention.start <= start < mention.end):
                continue
            key = (max(overlap, 1), -(mention.end - mention.start))
            if key > best_key:
                best, best_key = (entity, mention), key
        return best

    def at(self, start: int, end: int) -> LinkedEntity | None:
        found = self.mention_at(start, end)
        return found[0] if found else None

    def before(self, pos: int, types: Collection[str] = ("PERSON",)) -> list[tuple[LinkedEntity, Mention]]:
        """Body mentions of these types ending at or before `pos`, nearest first."""
        found = [(e, m) for m, e in self._body if m.end <= pos and e.type in types]
        found.sort(key=lambda pair: (-pair[1].end, -pair[1].start))
        return found

    def by_id(self, entity_id: str) -> LinkedEntity | None:
        return self._by_id.get(entity_id)


def link_entities(article: Article, doc: Doc) -> EntityIndex:
    """The article's entities, computed once per doc (memoised in `doc.user_data`)."""
    cached = doc.user_data.get(_USER_DATA_KEY)
    if cached is not None and cached[0] == (article.id, article.content_hash):
        return cached[1]
    index = _Linker(article, doc).run()
    doc.user_data[_USER_DATA_KEY] = ((article.id, article.content_hash), index)
    return index


# --- internals -------------------------------------------------------------------------------


@dataclass
class _Mention:
    """A name mention being linked: token span [ts, te) and the label evidence it carries."""

    ts: int
    te: int
    label: str
    weight: float
    shouty: bool
    key: tuple[str, ...]


class _Linker:
    """One pass of linking over one article; token attributes are read once into lists."""

    def __init__(self, article: Article, doc: Doc) -> None:
        self.article = article
        self.doc = doc
        # One C-level read of every token attribute: creating a Token object per token per
        # attribute costs more than all the linking after it. The strings are decoded once per
        # distinct hash, and spread over the tokens by numpy: the hashes are 64-bit, which makes
        # them slow Python ints to hash, set and look up.
        columns = doc.to_array(_TOKEN_ATTRS).reshape(len(doc), len(_TOKEN_ATTRS)).T
        keys, inverse = numpy.unique(columns[:4], return_inverse=True)
        inverse = inverse.reshape(columns[:4].shape)
        strings = doc.vocab.strings
        distinct = [strings[key] for key in keys.tolist()]
        decoded: list[list[str]] = numpy.array(distinct, dtype=object)[inverse].tolist()
        self.words, self.lower, self.tag, self.ent_type = decoded
        self.text = doc_text(doc, self.words)
        #: Each word once, for what is asked of a word rather than of a token.
        self.forms: list[str] = [distinct[k] for k in numpy.unique(inverse[0]).tolist()]
        flags: list[list[bool]] = columns[4:9].astype(bool).tolist()
        self.alpha, self.upper, self.punct, self.space, self.stop = flags
        self.starts: list[bool] = (columns[9] == 1).tolist()
        self.idx: list[int] = columns[10].tolist()
        self.ent_iob: list[int] = columns[11].tolist()
        self.n = len(self.words)
        digit = [not w.isalpha() and any(map(str.isdigit, w)) for w in distinct]
        self.digit: list[bool] = numpy.array(digit, dtype=bool)[inverse[0]].tolist()
        capital = [w[:1].isupper() for w in distinct]
        self.capital: list[bool] = numpy.array(capital, dtype=bool)[inverse[0]].tolist()
        self.line_of: list[int] = []
        self.lines: list[tuple[int, int]] = []
        self._split_lines()
        self.shouty = self._shouty_tokens()
        self.tabular = [self._is_tabular(a, b) for a, b in self.lines]
        self.covered = [False] * self.n
        self.mentions: list[_Mention] = []
        self.cues: dict[tuple[str, ...], Counter[str]] = defaultdict(Counter)
        self._place_names: dict[str, bool] = {}

    # helpers --------------------------------------------------------------------------------

    def span_text(self, ts: int, te: int) -> str:
        return self.text[self.idx[ts]:self.idx[te - 1] + len(self.words[te - 1])]

    def key(self, ts: int, te: int) -> tuple[str, ...]:
        return tuple(self.lower[ts:te])

    def _sentence_start(self, i: int) -> bool:
        return self.starts[i] or i == 0 or self.space[i - 1]

    def _split_lines(self) -> None:
        """Lines between whitespace tokens with a line break; a break belongs to the next line."""
        start = 0
        for i in [i for i, space in enumerate(self.space) if space and "\n" in self.words[i]]:
            self.line_of.extend([len(self.lines)] * (i - start))
            if i > start:
                self.lines.append((start, i))
            self.line_of.append(len(self.lines))
            start = i + 1
        self.line_of.extend([len(self.lines)] * (self.n - start))
        if start < self.n:
            self.lines.append((start, self.n))

    def _shouty_tokens(self) -> list[bool]:
        """Tokens of ALL-CAPS lines (headlines, datelines) and an upper-case dateline city."""
        flags = [False] * self.n
        for a, b in self.lines:
            letters = [i for i in range(a, b) if self.alpha[i]]
            upper = [i for i in letters if self.upper[i]]
            if letters and len(upper) >= 0.8 * len(letters) and any(
                    len(self.words[i]) > 1 for i in upper):
                for i in range(a, b):
                    flags[i] = True
                continue
            # 'SEOUL, Sept 3, 2024 (AFP) -': the dateline city opens an ordinary line.
            j = a
            while j < b and j - a < 4 and self.alpha[j] and self.upper[j]:
                j += 1
            if a < j < b and self.words[j] in {",", "-", "(", "\u2013", "\u2014"} and len(
                    self.span_text(a, j)) >= 3:
                for i in range(a, j):
                    flags[i] = True
        return flags

    def _is_tabular(self, a: int, b: int) -> bool:
        """A results or listings line ('Chicago 5 Houston 3'): numbers are a third of its words."""
        words = [i for i in range(a, b) if not self.punct[i] and not self.space[i]]
        digits = sum(1 for i in words if self.digit[i])
        if digits >= 2 and digits >= 0.3 * len(words):
            return not _ISO_DATE.search(self.span_text(a, b)) or digits >= 4
        # A fixture: 'NEW YORK AT CALIFORNIA', 'Somerset v Leicestershire'.
        if len(words) > 9:
            return False
        joins = [k for k, i in enumerate(words) if self.lower[i] in _FIXTURE_JOINERS]
        return len(joins) == 1 and 0 < joins[0] < len(words) - 1 and all(
            self.capital[i] or self.digit[i]
            for k, i in enumerate(words) if k != joins[0])

    def _add(self, ts: int, te: int, label: str, weight: float) -> _Mention | None:
        if te <= ts or any(self.covered[ts:te]):
            return None
        mention = _Mention(ts, te, label, weight, all(self.shouty[ts:te]), self.key(ts, te))
        self.mentions.append(mention)
        for i in range(ts, te):
            self.covered[i] = True
        return mention

    def _remove(self, mention: _Mention) -> None:
        self.mentions.remove(mention)
        for i in range(mention.ts, mention.te):
            self.covered[i] = False

    # pipeline -------------------------------------------------------------------------------

    def run(self) -> EntityIndex:
        times = self._time_entities()
        self._model_mentions()
        self._join_adjacent()
        self._extend_people()
        self._propagate()
        self._gazetteer_mentions()
        self._results_pattern()
        self._table_names()
        self.mentions.sort(key=lambda m: (m.ts, m.te))
        self._acronym_mentions()
        self._dateline_places()
        self._collect_cues()
        labels = self._vote_by_name()
        clusters = self._cluster(labels)
        names = self._build(clusters, labels)
        entities = sorted(names + times, key=lambda e: (e.body_mentions()[0].start, e.type))
        entities += self._headline_entities(entities)
        return EntityIndex(entities)

    # 1. candidates --------------------------------------------------------------------------

    def _time_entities(self) -> list[LinkedEntity]:
        """Time expressions from `shared.nlp.timex`, one entity per distinct value."""
        groups: dict[tuple[str, str], list[Mention]] = {}
        for expr in _find_times(self.doc, self.article):
            mention = Mention(start=expr.start, end=expr.end, text=self.text[expr.start:expr.end],
                              value=expr.value)
            ident = expr.value if expr.value is not None else expr.text.casefold()
            groups.setdefault((expr.type, ident), []).append(mention)
            first = bisect.bisect_right(self.idx, expr.start) - 1
            for i in range(max(first, 0), self.n):
                if self.idx[i] >= expr.end:
                    break
                self.covered[i] = True
        entities: list[LinkedEntity] = []
        used: set[tuple[str, str]] = set()
        for (kind, _), mentions in groups.items():
            # The most explicit wording names the date: 'Sept 3, 2024' rather than 'Tuesday'.
            name = max((m.text for m in mentions), key=len)
            if (kind, name) in used:
                name = f"{name} ({mentions[0].value})"
            used.add((kind, name))
            entities.append(LinkedEntity(
                id=message_id(self.article.id, self.article.content_hash, "entity", kind, name),
                type=kind, name=name, mentions=mentions, value=mentions[0].value))
        return entities

    def _spaced(self, i: int) -> bool:
        """Whether token i stands apart ('Yorkshire at Headingley', not 'Ata-ur-Rehman')."""
        return i > 0 and self.idx[i] > self.idx[i - 1] + len(self.words[i - 1])

    def _trim(self, ts: int, te: int, label: str = "") -> tuple[int, int]:
        """Drop a leading article, possessives, stray punctuation, half a parenthesis, and
        the scores and common nouns that trail a name ('Durham 114', 'Interfax news agency')."""
        for i in range(ts, te):
            if self.words[i] == "(" and ")" not in self.words[i:te]:
                te = i
                break
        for i in range(te - 1, ts - 1, -1):
            if self.words[i] == ")" and "(" not in self.words[ts:i]:
                ts = i + 1
                break
        while ts < te and (self.lower[ts] in _LEADING or self.space[ts]
                           or (self.punct[ts] and self.words[ts] != "$")):
            ts += 1
        ts = self._furniture_end(ts, te)
        for tail in _FURNITURE_TAILS:
            if te - ts > len(tail) and tuple(self.lower[te - len(tail):te]) == tail:
                te -= len(tail)
        if te - ts > 1 and self.words[te - 1] == "GETTY" and not self.shouty[te - 1]:
            te -= 1
        # 'Mr Blair', 'Novelist Andrea Levy', 'President Yoon': the name starts after the
        # honorific, the noun or (for a person) the title.
        while te - ts > 1 and self.alpha[ts + 1] and self.capital[ts + 1] and (
                self.lower[ts].rstrip(".") in _HONORIFICS or self.lower[ts] in _PERSON_NOUNS
                or (label == "PERSON" and (self.lower[ts] in TITLE_HEADS
                                           or self.lower[ts] in TITLE_MODIFIERS))):
            ts += 1
        while te > ts:
            last = te - 1
            if self.tag[last] == "POS" or self.lower[last] in _POSSESSIVE or self.space[last]:
                te -= 1
            elif label not in _NUMBERED and not any(ch.isalpha() for ch in self.words[last]):
                te -= 1
            elif self.alpha[last] and self.words[last].islower() and last > ts:
                te -= 1
            elif self.punct[last] and not (self.words[last] == "." and last > ts):
                te -= 1
            else:
                break
        return ts, te

    def _furniture(self, i: int) -> bool:
        """Whether token i is page furniture, not a word of a name: a sign-up prompt's or a
        photo label's word, a caption marker's, or a photo credit 'Getty Images' / 'GETTY' (in
        mixed-case text)."""
        if self.lower[i] in _FURNITURE_WORDS:
            return True
        if self.lower[i] in ("media", "image") and i + 1 < self.n and self.lower[i + 1] in (
                "caption", "copyright"):
            return True  # a caption marker: 'Media caption Donald Trump: ...'
        return self.lower[i] == "getty" and (
            (self.words[i] == "GETTY" and not self.shouty[i])
            or (i + 1 < self.n and (self.lower[i + 1] == "images"
                                    or _SLIDE_COUNTER.match(self.words[i + 1]) is not None)))

    def _furniture_end(self, ts: int, te: int) -> int:
        """Where a span starts once the page furniture at its start is dropped ('Invalid Email
        Christian Horner', 'Getty 5/29 Mosul'); `te` when it is all sign-up prompt or photo label
        ('Invalid Email'); a photo agency named alone ('Getty Images') stays a name."""
        i = ts
        while i < te and self._furniture(i):
            i += 1
            while i < te and (self.lower[i] == "images" or _SLIDE_COUNTER.match(self.words[i])):
                i += 1
        return ts if i == te > ts and self.lower[ts] == "getty" else i

    def _ents(self) -> list[tuple[int, int, str]]:
        """`doc.ents` as (start, end, label), read off the IOB and type arrays as spaCy reads
        them, without a Span object per entity."""
        found: list[tuple[int, int, str]] = []
        start, label = -1, ""
        for i, iob in enumerate(self.ent_iob):
            if iob == 1:  # I: inside the open entity
                if start == -1:
                    raise ValueError(f"entity tags start inside an entity at token {i}")
            elif iob == 3 and self.ent_type[i]:  # B: a new entity
                if start != -1:
                    found.append((start, i, label))
                start, label = i, self.ent_type[i]
            elif start != -1:  # O, missing, or a B with no type
                found.append((start, i, label))
                start = -1
        if start != -1:
            found.append((start, self.n, label))
        return found

    def _model_mentions(self) -> None:
        for start, end, label in self._ents():
            if label not in NAME_TYPES:
                continue
            for a, b in self._split(start, end, label):
                ts, te = self._trim(a, b, label)
                if te <= ts or not any(ch.isalpha() for ch in self.span_text(ts, te)):
                    continue
                shouty = all(self.shouty[ts:te])
                if self._not_a_name(ts, te, shouty, label):
                    continue
                self._add(ts, te, label, _W_SHOUTY if shouty else _W_MODEL)

    def _not_a_name(self, ts: int, te: int, shouty: bool, label: str) -> bool:
        """A lone common noun taken for a person or place ('Attendance', 'Automakers'; a
        company may well be 'Apple'), or a wire headline's topic slug ('SOCCER - CANADA BEAT
        PANAMA'): tagged by the model, but not names."""
        if te - ts != 1 or self._is_place_or_people(ts, te):
            return False
        if not shouty:
            return self.tag[ts] in ("NN", "NNS") and (
                label in ("PERSON", "GPE", "LOC", "NORP") or self.words[ts].islower())
        a, _ = self.lines[self.line_of[ts]]
        return ts == a and ts + 1 < self.n and self.words[ts + 1] in {"-", "\u2013", "\u2014"}

    def _split(self, ts: int, te: int, label: str) -> list[tuple[int, int]]:
        """Names run together by the model: 'Lithuania - Danius Gleveckas', 'Grace Road ,
        Leicestershire', 'Yorkshire at Headingley', or across a line break."""
        parts: list[tuple[int, int]] = []
        start = ts
        for i in range(ts, te):
            word = self.words[i]
            breaks = (self.space[i] or word in {",", ";", "|"}
                      or (word in {"-", "\u2013", "\u2014"} and i > ts and self.idx[i] > self.idx[i - 1]
                          + len(self.words[i - 1]))
                      or (label in _SPLIT_ON_LOWERCASE and self.alpha[i] and word.islower()
                          and word not in _NAME_PARTICLES and self._spaced(i))
                      # 'SAN FRANCISCO AT NEW YORK': in capitals, function words still split.
                      or (self.shouty[i] and self.stop[i] and self.lower[i] not in _NAME_PARTICLES))
            if breaks:
                if i > start:
                    parts.append((start, i))
                start = i + 1
        if te > start:
            parts.append((start, te))
        return parts

    def _is_place_or_people(self, ts: int, te: int) -> bool:
        """A known place or demonym; asked about the same few names again and again."""
        text = self.span_text(ts, te)
        known = self._place_names.get(text)
        if known is None:
            known = self._place_names[text] = is_place_name(text) or is_demonym(text)
        return known

    def _join_adjacent(self) -> None:
        """'Lindsay' (LOC) + 'Davenport' (PERSON), tagged apart but written as one name."""
        self.mentions.sort(key=lambda m: m.ts)
        k = 0
        while k + 1 < len(self.mentions):
            a, b = self.mentions[k], self.mentions[k + 1]
            if (a.te == b.ts and not a.shouty and not b.shouty and a.label == b.label == "NORP"
                    and self.idx[b.ts] == self.idx[a.te - 1] + len(self.words[a.te - 1]) + 1):
                # 'Iraqi Kurds', 'Iraqi Kurdish'.
                self._remove(a)
                self._remove(b)
                self._add(a.ts, b.te, "NORP", _W_MODEL)
                self.mentions.sort(key=lambda m: m.ts)
                continue
            if (a.te == b.ts and not a.shouty and not b.shouty and "PERSON" in (a.label, b.label)
                    and self.idx[b.ts] == self.idx[a.te - 1] + len(self.words[a.te - 1]) + 1
                    and not self._is_place_or_people(*((a.ts, a.te) if b.label == "PERSON"
                                                       else (b.ts, b.te)))):
                self._remove(a)
                self._remove(b)
                self._add(a.ts, b.te, "PERSON", _W_MODEL)
                self.mentions.sort(key=lambda m: m.ts)
                continue
            k += 1

    def _extend_people(self) -> None:
        """'Sandrine Testud' where the model tagged only 'Testud': take a given name on the left."""
        for m in list(self.mentions):
            if m.label != "PERSON" or m.shouty:
                continue
            i = m.ts - 1
            if (i >= 0 and not self.covered[i] and self.tag[i] == "NNP" and self.alpha[i]
                    and self.capital[i] and not self.upper[i]
                    and self.lower[i] not in TITLE_HEADS and self.lower[i] not in TITLE_MODIFIERS
                    and self.lower[i] not in _HONORIFICS and self.lower[i] not in _PERSON_NOUNS
                    and not self._furniture(i) and self.line_of[i] == self.line_of[m.ts]
                    and self.idx[m.ts] == self.idx[i] + len(self.words[i]) + 1
                    and not self._is_place_or_people(i, i + 1)):
                self._remove(m)
                self._add(i, m.te, "PERSON", m.weight)

    def _propagate(self) -> None:
        """Find again, anywhere in the article, the names the model found in ordinary text."""
        forms: dict[tuple[str, ...], Counter[str]] = defaultdict(Counter)
        spellings: dict[tuple[str, ...], set[tuple[str, ...]]] = defaultdict(set)
        for m in self.mentions:
            if m.shouty:
                continue
            forms[m.key][m.label] += m.weight
            spellings[m.key].add(tuple(self.words[m.ts:m.te]))
            if m.label == "PERSON" and m.te - m.ts >= 2:
                for i in (m.ts, m.te - 1):
                    if (self.alpha[i] and self.capital[i] and not self.upper[i]
                            and len(self.words[i]) > 1 and self.lower[i] not in _NOT_A_SHORT_NAME
                            and not self._is_place_or_people(i, i + 1)):
                        # A short name votes weakly: 'Wang' may also be a company.
                        forms[(self.lower[i],)]["PERSON"] += 0.5
                        spellings[(self.lower[i],)].add((self.words[i],))
        by_first: dict[str, list[tuple[str, ...]]] = defaultdict(list)
        for key in forms:
            by_first[key[0]].append(key)
        for keys in by_first.values():
            keys.sort(key=len, reverse=True)
        for i in [i for i, lower in enumerate(self.lower) if lower in by_first]:
            if self.covered[i] or not self.capital[i]:
                continue
            for key in by_first[self.lower[i]]:
                j = i + len(key)
                if j > self.n or self.key(i, j) != key:
                    continue
                if tuple(self.words[i:j]) not in spellings[key] and not all(self.shouty[i:j]):
                    continue
                if j < self.n and self.capital[j] and self.alpha[j] and not self.shouty[j] \
                        and not self.covered[j]:
                    # Part of a longer name the model missed: 'Kishida' in 'Kishida Corp'.
                    continue
                label = forms[key].most_common(1)[0][0]
                if self._add(i, j, label, _W_PROPAGATED):
                    break

    def _gazetteer_mentions(self) -> None:
        """Countries, cities and demonyms the model missed, chiefly in ALL-CAPS lines."""
        # A run found covers its tokens, so the next one is looked for after it.
        for i in [i for i, cap in enumerate(self.capital) if cap and self.alpha[i]]:
            shouty = self.shouty[i]
            if self.covered[i] or (not shouty and self.tag[i] not in ("NNP", "NNPS")):
                continue
            for n in (3, 2, 1):
                j = i + n
                if j > self.n or any(self.covered[i:j]) or not all(
                        self.alpha[k] and self.capital[k] for k in range(i, j)):
                    continue
                if not shouty and ((i > 0 and self.capital[i - 1] and self.alpha[i - 1]
                                    and not self._sentence_start(i - 1))
                                   or (j < self.n and self.capital[j] and self.alpha[j])):
                    # Part of a longer name: 'Cambridge United', 'Port Vale'.
                    continue
                text = self.span_text(i, j)
                if is_place_name(text, _CAPS_CITY_POPULATION if shouty else 0):
                    label = "GPE"
                elif is_demonym(text):
                    label = "NORP"
                else:
                    continue
                if self._add(i, j, label, _W_GAZETTEER):
                    break

    def _results_pattern(self) -> None:
        """'Lindsay Davenport ( U.S. )': in results and line-ups a name before a bracketed
        country is a competitor; the model often tags it as a place or an organisation."""
        for m in self.mentions:
            if m.label in ("GPE", "NORP") and m.ts >= 2 and m.te < self.n \
                    and self.words[m.ts - 1] == "(" and self.words[m.te] == ")":
                end = m.ts - 1
                start = end
                while start > 0 and end - start < 4 and self.capital[start - 1] and (
                        self.alpha[start - 1] or "-" in self.words[start - 1]
                        or "'" in self.words[start - 1]):
                    start -= 1
                if end - start < 2:
                    continue
                owner = next((x for x in self.mentions if x.ts < end and start < x.te), None)
                if owner is None:
                    self._add(start, end, "PERSON", _W_MODEL)
                elif owner.ts == start and owner.te == end:
                    self.cues[owner.key]["PERSON"] += 1.5

    def _table_names(self) -> None:
        """Names the model misses in results tables: a capitalised run right before a score
        ('Warwickshire 195 , Surrey 429-7', 'J. Ratcliffe 63') is a team or, with an initial,
        a player."""
        for line, (a, b) in enumerate(self.lines):
            if not self.tabular[line] or self.shouty[a]:
                continue
            i = a
            while i < b:
                j = i
                while j < b and not self.covered[j] and self.capital[j] and not self.stop[j] \
                        and (self.alpha[j] or _INITIAL.match(self.words[j])):
                    j += 1
                if j > i and j < b and self.words[j][:1].isdigit() and j - i <= 4 \
                        and any(self.alpha[k] and len(self.words[k]) > 2 for k in range(i, j)):
                    person = bool(_INITIAL.match(self.words[i]))
                    self._add(i, j, "PERSON" if person else "ORG", 0.5)
                i = max(j, i + 1)

    def _acronym_mentions(self) -> None:
        """'Liberal Democratic Party (LDP)': the bracketed acronym names the same thing."""
        for m in list(self.mentions):
            i = m.te
            if (i + 2 < self.n and self.words[i] == "(" and self.words[i + 2] == ")"
                    and not self.covered[i + 1] and self._abbreviates(self.words[i + 1], m)):
                self._add(i + 1, i + 2, m.label, _W_PROPAGATED)
        self.mentions.sort(key=lambda m: (m.ts, m.te))

    def _abbreviates(self, word: str, m: _Mention) -> bool:
        """'LDP' for 'Liberal Democratic Party': the acronym's letters are, in order, capitals of
        the name, starting with its first; 'Doug Flach ( U.S. )' is not an acronym."""
        letters = word.replace(".", "").replace("&", "")
        if m.te - m.ts < 2 or not _ACRONYM.match(word) or len(letters) < 2:
            return False
        capitals = [ch for ch in self.span_text(m.ts, m.te) if ch.isupper()]
        if not capitals or capitals[0] != letters[0]:
            return False
        pos = 0
        for ch in letters:
            try:
                pos = capitals.index(ch, pos) + 1
            except ValueError:
                return False
        return True

    def _dateline_places(self) -> None:
        """'NEW YORK 1996-08-30', 'SEOUL, Sept 3 (AFP) -': a dateline names a place, even in an
        article where the same name is a team. Its own key keeps it out of the name's vote."""
        line_start = {a for a, _ in self.lines}
        for m in self.mentions:
            if m.ts not in line_start or not m.shouty:
                continue
            a, b = self.lines[self.line_of[m.ts]]
            rest = [i for i in range(m.te, b) if not self.space[i]]
            dated = bool(rest) and all(self.digit[i] for i in rest)
            if (dated or (rest and self.words[rest[0]] in {",", "(", "-", "\u2013", "\u2014"})) \
                    and is_place_name(self.span_text(m.ts, m.te)):
                m.label, m.weight, m.key = "GPE", _W_MODEL, (_DATELINE, *m.key)

    # 2. types -------------------------------------------------------------------------------

    def _collect_cues(self) -> None:
        """Evidence for a name's type from its context, beyond the model's label."""
        places: dict[str, Place | None] = {}
        for m in self.mentions:
            text = self.span_text(m.ts, m.te)
            before = m.ts - 1
            if before >= 0 and (self.lower[before].rstrip(".") in _HONORIFICS
                                or self.lower[before] in TITLE_HEADS
                                or self.lower[before] in _PERSON_NOUNS):
                # 'Mr Wang', 'President Yoon', 'dissident Wang Donghai'.
                self.cues[m.key]["PERSON"] += 1.5
            if m.te + 1 < self.n and self.words[m.te] == "," and self.lower[m.te + 1] in (
                    "who", "whose"):
                self.cues[m.key]["PERSON"] += 1.0
            after = m.te
            if after < self.n and self.lower[after] in TITLE_HEADS and self.words[after].islower():
                # 'Surrey captain Chris Lewis', 'Eagles owner Jeffrey Lurie': an employer.
                self.cues[m.key]["ORG"] += 1.0
            if text not in places:
                places[text] = resolve_place(text)  # a name recurs: look it up once
            place = places[text]
            if place is None:
                continue
            if place.kind in ("country", "continent"):
                self.cues[m.key]["GPE" if place.kind == "country" else "LOC"] += 1.0
            elif place.kind == "demonym":
                self.cues[m.key]["NORP"] += 1.0
            elif self.tabular[self.line_of[m.ts]]:
                # A city in a results line is a team: 'Chicago 5 Houston 3'.
                self.cues[m.key]["ORG"] += 1.5
            elif m.shouty and is_place_name(text, _CAPS_CITY_POPULATION):
                self.cues[m.key]["GPE"] += _W_GAZETTEER

    def _vote_by_name(self) -> dict[tuple[str, ...], str]:
        votes: dict[tuple[str, ...], Counter[str]] = defaultdict(Counter)
        for m in self.mentions:
            votes[m.key][m.label] += m.weight
        for key, cues in self.cues.items():
            votes[key].update(cues)
        labels: dict[tuple[str, ...], str] = {}
        for m in self.mentions:
            if m.key not in labels:
                counts = votes[m.key]
                best = max(counts.values())
                # Ties go to the label of the first mention.
                labels[m.key] = m.label if counts[m.label] == best else min(
                    label for label, n in counts.items() if n == best)
        return labels

    # 3. identity ----------------------------------------------------------------------------

    def _cluster(self, labels: dict[tuple[str, ...], str]) -> list[list[_Mention]]:
        by_key: dict[tuple[str, ...], list[_Mention]] = {}
        for m in self.mentions:
            by_key.setdefault(m.key, []).append(m)
        parent: dict[tuple[str, ...], tuple[str, ...]] = {k: k for k in by_key}

        def find(k: tuple[str, ...]) -> tuple[str, ...]:
            while parent[k] != k:
                parent[k] = parent[parent[k]]
                k = parent[k]
            return k

        def union(short: tuple[str, ...], long: tuple[str, ...]) -> None:
            a, b = find(short), find(long)
            if a != b:
                parent[a] = b

        # Acronyms: 'Liberal Democratic Party (LDP)', or initials matching one longer name.
        for m in self.mentions:
            i = m.te
            if (i + 2 < self.n and self.words[i] == "(" and self.words[i + 2] == ")"
                    and (self.lower[i + 1],) in by_key and self._abbreviates(self.words[i + 1], m)):
                union((self.lower[i + 1],), m.key)
        initials: dict[str, list[tuple[str, ...]]] = defaultdict(list)
        for key, ms in by_key.items():
            if len(key) >= 2 and labels[key] != "PERSON" and not ms[0].shouty:
                letters = "".join(self.words[i][0] for i in range(ms[0].ts, ms[0].te)
                                  if self.alpha[i] and self.lower[i] not in _ACRONYM_SKIP)
                if len(letters) >= 2:
                    initials[letters.upper()].append(key)
        for key, ms in by_key.items():
            word = self.words[ms[0].ts]
            if len(key) == 1 and _ACRONYM.match(word):
                owners = initials.get(word.replace(".", ""), [])
                if len(owners) == 1:
                    union(key, owners[0])

        # Places: 'US', 'U.S.' and 'the United States' are one country.
        by_place: dict[str, tuple[str, ...]] = {}
        for key, ms in by_key.items():
            if labels[key] in ("GPE", "LOC"):
                text = self.span_text(ms[0].ts, ms[0].te)
                place = resolve_place(text, labels[key])
                if place is not None and place.kind == "country" and place.country_code:
                    country = _country_identity(text, place.country_code)
                    if country in by_place:
                        union(key, by_place[country])
                    else:
                        by_place[country] = key

        groups: dict[tuple[str, ...], list[_Mention]] = defaultdict(list)
        for m in self.mentions:
            groups[find(m.key)].append(m)
        return self._link_people(list(groups.values()), labels)

    def _link_people(self, clusters: list[list[_Mention]],
                     labels: dict[tuple[str, ...], str]) -> list[list[_Mention]]:
        """Attach 'Kishida' to 'Fumio Kishida', per mention, so two Wangs stay two people."""
        kinds = [_majority(c, labels) for c in clusters]
        full = {i for i, c in enumerate(clusters)
                if kinds[i] == "PERSON" and max(len(m.key) for m in c) >= 2}
        full_keys = [(i, {m.key for m in clusters[i] if len(m.key) >= 2}) for i in sorted(full)]
        # Who has each leading or trailing part as a name ('Kishida': the 'Fumio Kishida's).
        part_of: dict[tuple[str, ...], list[int]] = defaultdict(list)
        for j, keys in full_keys:
            for part in {part for k in keys for part in _parts(k)}:
                part_of[part].append(j)
        moved: dict[int, list[tuple[int, _Mention]]] = defaultdict(list)
        for i, cluster in enumerate(clusters):
            if i in full or kinds[i] not in ("PERSON", "GPE", "ORG") or max(
                    len(m.key) for m in cluster) > 2:
                continue
            if kinds[i] != "PERSON" and self._is_place_or_people(cluster[0].ts, cluster[0].te):
                continue
            rest: list[_Mention] = []
            for m in cluster:
                owners = part_of.get(m.key, [])
                owner = owners[0] if len(owners) == 1 else (
                    self._nearest_preceding(m, [(j, clusters[j]) for j in owners])
                    if owners else None)
                if owner is None:
                    rest.append(m)
                else:
                    moved[owner].append((i, m))
            clusters[i] = rest
        for owner, taken in moved.items():
            # 'Mr Howard' and 'Mrs Howard' are two people: the minority honorific stays apart.
            genders = Counter(g for m in clusters[owner] if (g := self._gender(m)))
            if not genders:
                genders = Counter(g for _, m in taken if (g := self._gender(m)))
            if len(genders) < 2 and not any(self._gender(m) not in (None, *genders)
                                            for _, m in taken):
                continue
            keep = genders.most_common(1)[0][0]
            for i, m in taken:
                if self._gender(m) not in (None, keep):
                    clusters[i].append(m)
            moved[owner] = [(i, m) for i, m in taken if self._gender(m) in (None, keep)]
        out: list[list[_Mention]] = []
        for i, cluster in enumerate(clusters):
            if i in full:
                out.append(sorted(cluster + [m for _, m in moved.get(i, [])],
                                  key=lambda m: m.ts))
            elif cluster:
                out.append(sorted(cluster, key=lambda m: m.ts))
        return out

    def _gender(self, m: _Mention) -> str | None:
        """'m' after 'Mr', 'f' after 'Mrs', 'Ms' or 'Miss', else None."""
        if m.ts == 0:
            return None
        return _GENDERED_HONORIFICS.get(self.lower[m.ts - 1].rstrip("."))

    @staticmethod
    def _nearest_preceding(m: _Mention, owners: list[tuple[int, list[_Mention]]]) -> int | None:
        best: tuple[int, int] | None = None
        for j, cluster in owners:
            starts = [x.ts for x in cluster if len(x.key) >= 2 and x.te <= m.ts]
            if starts and (best is None or max(starts) > best[1]):
                best = (j, max(starts))
        return best[0] if best else None

    # 4. entities ----------------------------------------------------------------------------

    def _build(self, clusters: list[list[_Mention]],
               labels: dict[tuple[str, ...], str]) -> list[LinkedEntity]:
        drafts: dict[tuple[str, str], tuple[list[_Mention], Place | None]] = {}
        for cluster in clusters:
            label = _majority(cluster, labels)
            name = self._canonical(cluster, label)
            place = None
            if label in PLACE_TYPES:
                place = resolve_place(name, label) or next(
                    (p for m in cluster
                     if (p := resolve_place(self.span_text(m.ts, m.te), label)) is not None), None)
            if (label, name) in drafts:
                drafts[(label, name)][0].extend(cluster)
            else:
                drafts[(label, name)] = (list(cluster), place)
        entities: list[LinkedEntity] = []
        owners: dict[int, LinkedEntity] = {}
        spans: dict[str, list[tuple[int, int]]] = {}
        for (label, name), (cluster, place) in drafts.items():
            cluster.sort(key=lambda m: m.ts)
            mentions = []
            for m in cluster:
                start = self.idx[m.ts]
                end = self.idx[m.te - 1] + len(self.words[m.te - 1])
                # Validated: pydantic-core builds a model three times faster than `model_construct`.
                mentions.append(Mention(start=start, end=end, text=self.text[start:end]))
            entity = LinkedEntity(
                id=message_id(self.article.id, self.article.content_hash, "entity", label, name),
                type=label, name=name, mentions=mentions, place=place)
            entities.append(entity)
            spans[entity.id] = [(m.ts, m.te) for m in cluster]
            for m in cluster:
                for i in range(m.ts, m.te):
                    owners[i] = entity
        for entity in entities:
            if entity.type == "PERSON":
                entity.roles = find_roles(self.doc, spans[entity.id], owners)
        return entities

    def _canonical(self, cluster: list[_Mention], label: str) -> str:
        written = [self.span_text(m.ts, m.te) for m in cluster if not m.shouty]
        if not written:
            only = self.span_text(cluster[0].ts, cluster[0].te)
            if len(only) <= 4 and _ACRONYM.match(only.replace(" ", "")):
                return only
            return " ".join(w.capitalize() if w.isalpha() else w for w in only.split())
        counts = Counter(written)
        if label in ("PERSON", "ORG") or any(len(m.key) > 1 for m in cluster):
            # The fullest form names it: 'Fumio Kishida', 'Liberal Democratic Party'.
            return max(written, key=lambda w: (len(w.split()), counts[w], len(w)))
        return max(written, key=lambda w: (counts[w], len(w)))

    def _headline_entities(self, entities: list[LinkedEntity]) -> list[LinkedEntity]:
        """Adds the headline's mentions to `entities`; returns the headline-only entities."""
        headline = self.article.headline
        if not headline or not headline.strip():
            return []
        parse = headline_doc(self.doc)
        if parse is not None and len(doc_text(parse)) != len(headline):
            parse = None  # not this headline's parse: its offsets would not index it
        common = {w for w in self.forms if w.isalpha() and w.islower()}
        return _Headline(self.article, headline, parse, entities, common).run()


def _parts(full: tuple[str, ...]) -> set[tuple[str, ...]]:
    """Every leading and trailing part of a name, short of the whole: 'Kishida' of 'Fumio
    Kishida'; 'Yoon' and 'Yoon Suk' of 'Yoon Suk Yeol'."""
    return {part for n in range(1, len(full)) for part in (full[:n], full[-n:])}


def _is_part(short: tuple[str, ...], full: tuple[str, ...]) -> bool:
    return short in _parts(full)


def _majority(cluster: list[_Mention], labels: dict[tuple[str, ...], str]) -> str:
    """The cluster's type: each mention votes its name's type; ALL-CAPS mentions count half."""
    votes: dict[str, float] = {}
    for m in cluster:
        label = labels.get(m.key, m.label)
        votes[label] = votes.get(label, 0.0) + (0.5 if m.shouty else 1.0)
    if len(votes) == 1:
        return label
    best = max(votes.values())
    # Ties go to the fullest name: 'Fumio Kishida' (PERSON) over 'Kishida' (ORG).
    return next(labels.get(m.key, m.label) for m in sorted(cluster, key=lambda m: m.ts - m.te)
                if votes[labels.get(m.key, m.label)] == best)


@dataclass(frozen=True)
class _Word:
    start: int
    end: int
    text: str
    tag: str | None  # None when the headline has no parse


_WORD = re.compile(r"\w+(?:[-'’.]\w+)*\.?|\S")


class _Headline:
    """The article's entities in its headline, by character offsets into the headline.

    In order: names the body uses (its mentions, and a person's surname) found as written, or in
    capitals in an ALL-CAPS headline; the parse's names in a sentence-case headline, linked to a
    body entity as a place, part of a person's name or an acronym, or else new; countries, cities
    and demonyms from the gazetteer (big cities only where capitals say nothing); and time
    expressions, the same entity as a body one with the same value. Only the names that are
    clearly names become headline-only entities: a Title Case or ALL-CAPS headline capitalises
    every word, so there only the gazetteer counts.
    """

    def __init__(self, article: Article, headline: str, parse: Doc | None,
                 entities: list[LinkedEntity], common: Collection[str] = ()) -> None:
        self.article = article
        self.common = common  # words the body writes in lower case: 'digital', 'jobs'
        self.text = headline
        self.parse = parse
        self.entities = entities
        self.new: list[LinkedEntity] = []
        self.taken: list[tuple[int, int]] = []
        if parse is not None:
            self.words = [_Word(t.idx, t.idx + len(t.text), headline[t.idx:t.idx + len(t.text)],
                                t.tag_) for t in parse if not t.is_space]
        else:
            self.words = [_Word(m.start(), m.end(), m.group(), None)
                          for m in _WORD.finditer(headline)]
        letters = [w.text for w in self.words if w.text.isalpha()]
        self.shouty = bool(letters) and sum(w.isupper() for w in letters) >= 0.8 * len(letters)
        long_words = [w for w in letters if len(w) >= 4]
        self.title_case = len(long_words) >= 3 and sum(
            w[0].isupper() for w in long_words) >= 0.8 * len(long_words)

    def run(self) -> list[LinkedEntity]:
        self._known_forms()
        if self.parse is not None and not self.shouty and not self.title_case:
            self._model_names()
        self._gazetteer_names()
        if self.parse is not None:
            self._time_expressions()
        for entity in self.entities:
            if any(m.field == "headline" for m in entity.mentions):
                entity.mentions.sort(key=lambda m: (m.field, m.start))
        return self.new

    # --- helpers ---------------------------------------------------------------------------

    def _free(self, start: int, end: int) -> bool:
        return not any(start < e and s < end for s, e in self.taken)

    def _mention(self, entity: LinkedEntity, start: int, end: int, value: str | None = None) -> None:
        self.taken.append((start, end))
        entity.mentions.append(Mention(start=start, end=end, text=self.text[start:end],
                                       field="headline", value=value))

    def _create(self, start: int, end: int, label: str, place: Place | None,
                value: str | None = None) -> None:
        written = self.text[start:end]
        name = written
        if written.isupper() and not (len(written) <= 4 and _ACRONYM.match(written)):
            name = " ".join(w.capitalize() for w in written.split())
        known = self.entities + self.new
        for entity in known:
            if entity.type == label and (entity.value == value if value is not None
                                         else entity.name == name):
                self._mention(entity, start, end, value)
                return
        if any(e.type == label and e.name == name for e in known):
            name = f"{name} ({value})"  # another date written alike: 'Friday' last week
        ident = message_id(self.article.id, self.article.content_hash, "entity", label, name)
        entity = LinkedEntity(id=ident, type=label, name=name, mentions=[], place=place,
                              value=value)
        self.new.append(entity)
        self._mention(entity, start, end, value)

    def _matches(self, found: str, form: str) -> bool:
        """A form as the body writes it, or in capitals: 'Seoul', 'SEOUL'; never 'us' for 'US'."""
        return found == form or ((self.shouty or found.isupper()) and len(found) > 1)

    # --- passes ----------------------------------------------------------------------------

    def _known_forms(self) -> None:
        """The body's own spellings, then a part of a person's name, longest first."""
        exact: dict[str, set[int]] = defaultdict(set)
        surnames: dict[str, set[int]] = defaultdict(set)
        for k, entity in enumerate(self.entities):
            if entity.type in TIME_TYPES:
                continue
            for form in {entity.name} | {m.text for m in entity.mentions}:
                if len(form) > 1:
                    exact[form].add(k)
            parts = entity.name.split()
            if entity.type == "PERSON" and len(parts) >= 2:
                # The family name comes first in some names ('Yoon Suk Yeol'), last in others.
                for part in {parts[0], parts[-1]}:
                    if (part.isalpha() and part[0].isupper() and len(part) > 1
                            and part.lower() not in _NOT_A_SHORT_NAME
                            and part.lower() not in self.common):
                        surnames[part].add(k)
        lowered = self.text.lower()
        for tier in (exact, surnames):
            for form in sorted(tier, key=lambda f: (-len(f), f)):
                owners = tier[form]
                if len(owners) > 1:
                    # Two entities written alike: the one named so, or neither.
                    owners = {k for k in owners if self.entities[k].name == form}
                    if len(owners) != 1:
                        continue
                (owner,) = owners
                self._find(lowered, form, self.entities[owner])

    def _find(self, lowered: str, form: str, entity: LinkedEntity) -> None:
        key = form.lower()
        start = lowered.find(key)
        while start >= 0:
            end = start + len(key)
            bounded = (start == 0 or not lowered[start - 1].isalnum()) and (
                end == len(lowered) or not lowered[end].isalnum())
            if bounded and self._free(start, end) and self._matches(self.text[start:end], form) \
                    and not self._opens_as_common_word(start, end):
                self._mention(entity, start, end)
            start = lowered.find(key, start + 1)

    def _opens_as_common_word(self, start: int, end: int) -> bool:
        """'Jobs growth still slow': the first word is capitalised whatever it is, so there a
        word the body writes in lower case is no name (the tagger, misled by the capital,
        cannot tell)."""
        first = self.words[0] if self.words else None
        return first is not None and first.start == start and first.end == end and \
            first.text.lower() in self.common

    def _model_names(self) -> None:
        assert self.parse is not None
        for ent in self.parse.ents:
            if ent.label_ not in NAME_TYPES:
                continue
            tokens = [t for t in ent if not t.is_space]
            while tokens and (tokens[0].lower_ in _LEADING or tokens[0].is_punct):
                tokens = tokens[1:]
            while tokens and (tokens[-1].tag_ == "POS" or tokens[-1].lower_ in _POSSESSIVE
                              or tokens[-1].is_punct):
                tokens = tokens[:-1]
            if not tokens:
                continue
            start, end = tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)
            if not self._free(start, end) or self._opens_as_common_word(start, end):
                continue
            text = self.text[start:end]
            entity = self._body_entity(text, ent.label_)
            if entity is not None:
                self._mention(entity, start, end)
            elif self._clearly_a_name(tokens):
                place = resolve_place(text, ent.label_) if ent.label_ in PLACE_TYPES else None
                if place is None and ent.label_ in ("GPE", "LOC"):
                    continue  # 'in Worlds': a place no gazetteer knows is no clear name
                self._create(start, end, _place_label(place) or ent.label_, place)

    def _clearly_a_name(self, tokens: list[Token]) -> bool:
        """Two or more capitalised words (particles aside), or an acronym; not a title."""
        if not any(t.is_alpha for t in tokens):
            return False
        for t in tokens:
            if t.is_alpha and not t.text[0].isupper() and t.lower_ not in _NAME_PARTICLES:
                return False
        if all(t.is_stop or not t.is_alpha for t in tokens):
            return False
        if len(tokens) == 1 and not _ACRONYM.match(tokens[0].text):
            # One capitalised word the body never names ('Euro', 'Booker') may be anything.
            return False
        return not _is_title_run(tokens)

    def _body_entity(self, text: str, label: str | None) -> LinkedEntity | None:
        """The body entity a headline name refers to: the same place, a part of one person's
        name, or the expansion of an acronym; None when there is not exactly one."""
        place = resolve_place(text, label if label in PLACE_TYPES else None)
        if place is not None and label in (None, *PLACE_TYPES):
            if place.kind in ("country", "demonym") and place.country_code:
                country = _country_identity(text, place.country_code)
                same = [e for e in self.entities if e.place is not None
                        and e.place.kind == place.kind and e.place.country_code is not None
                        and _country_identity(e.name, e.place.country_code) == country]
            else:
                same = [e for e in self.entities if e.place is not None
                        and e.place.kind == place.kind and place.geonames_id is not None
                        and e.place.geonames_id == place.geonames_id]
            if len(same) == 1:
                return same[0]
        key = tuple(text.lower().split())
        if label in (None, "PERSON", "ORG", "GPE"):
            people = [e for e in self.entities if e.type == "PERSON"
                      and _is_part(key, tuple(e.name.lower().split()))]
            if len(people) == 1:
                return people[0]
        if _ACRONYM.match(text):
            letters = text.replace(".", "")
            expansions = [e for e in self.entities if e.type not in TIME_TYPES
                          and e.type != "PERSON" and _initials(e.name) == letters]
            if len(expansions) == 1:
                return expansions[0]
        return None

    def _gazetteer_names(self) -> None:
        """Countries, cities and demonyms in runs of one to three capitalised words."""
        trust_case = not self.shouty and not self.title_case and self.parse is not None
        words = self.words
        i = 0
        while i < len(words):
            for n in (3, 2, 1):
                run = words[i:i + n]
                if len(run) < n or not all(w.text.isalpha() and w.text[0].isupper() for w in run):
                    continue
                start, end = run[0].start, run[-1].end
                if not self._free(start, end) or self._opens_as_common_word(start, end):
                    continue
                text = self.text[start:end]
                if trust_case and not is_demonym(text) and (
                        run[0].tag not in ("NNP", "NNPS") or (
                            i + n < len(words) and words[i + n].text[:1].isupper()
                            and words[i + n].text.isalpha())):
                    # Not a proper noun, or part of a longer name ('Manchester United'); a
                    # demonym is tagged an adjective ('Greek sprinters') and still counts.
                    continue
                population = 0 if trust_case else _CAPS_CITY_POPULATION
                if not (is_place_name(text, population) or is_demonym(text)):
                    continue
                place = resolve_place(text)
                entity = self._body_entity(text, None)
                if entity is not None:
                    self._mention(entity, start, end)
                elif place is not None:
                    self._create(start, end, _place_label(place) or "GPE", place)
                i += n - 1
                break
            i += 1

    def _time_expressions(self) -> None:
        assert self.parse is not None
        for expr in _find_times(self.parse, self.article):
            if expr.value is None or not self._free(expr.start, expr.end):
                continue
            same = [e for e in self.entities if e.type == expr.type and e.value == expr.value]
            if same:
                self._mention(same[0], expr.start, expr.end, expr.value)
            else:
                self._create(expr.start, expr.end, expr.type, None, expr.value)


def _country_identity(name: str, code: str) -> str:
    """What makes two names one country: the code, except for the UK's nations, which share
    GB's code in the gazetteer but are places of their own ('England' is not 'Wales')."""
    key = place_key(name)
    return key if key in _UK_NATIONS else code


def _place_label(place: Place | None) -> str | None:
    if place is None:
        return None
    return {"demonym": "NORP", "continent": "LOC"}.get(place.kind, "GPE")


def _initials(name: str) -> str:
    return "".join(w[0] for w in name.split() if w[:1].isalpha() and w[0].isupper()
                   and w.lower() not in _ACRONYM_SKIP)


def _is_title_run(tokens: list[Token]) -> bool:
    """'Prime Minister', 'Chief Executive': titles, which the model often tags as names."""
    return all(t.lower_ in TITLE_HEADS or t.lower_ in TITLE_MODIFIERS for t in tokens)


class _Time(Protocol):
    start: int
    end: int
    text: str
    type: str
    value: str | None


@dataclass(frozen=True)
class _ModelTime:
    start: int
    end: int
    text: str
    type: str
    value: str | None = None


def _find_times(doc: Doc, article: Article) -> list[_Time]:
    """Time expressions from the TIMEX module; the model's DATE/TIME spans while it is absent."""
    try:
        from shared.nlp.timex import find_time_expressions
    except ImportError:
        return [_ModelTime(e.start_char, e.end_char, e.text, e.label_) for e in doc.ents
                if e.label_ in ("DATE", "TIME")]
    return list(find_time_expressions(doc, article.reference_date.date))
