"""Events: what happened, who did it to whom, where, when, and whether it happened at all.

Consumes an `Article` and its spaCy parse (offsets index the body); produces `Event` messages,
the article's main event first (rank 0). Pure: no Kafka, Faust or metrics here.

A trigger is a content verb, or an eventive noun from the lexicon in `taxonomy.py` ("summit",
"visit", "attack"); a light verb ("made a trip", "hold talks") hands its clause to its noun, and
a framing verb ("is expected to decide", "sought to visit") hands it to its infinitive and only
sets the status. Actors come from the dependency tree and are resolved through
`shared.nlp.entities.link_entities`; times are the `shared.nlp.timex` expressions the entity
index carries; places come from the entity index and `shared.nlp.geo.resolve_place`. When the
doc carries the headline's parse (`shared.nlp.docs.headline_doc`), the main event is the body
event that best restates the headline; when no body event near the top restates the headline's
main predicate, the main event is the headline's own, its trigger a headline span
(`Trigger.field == "headline"`); every other published span is a body span.
"""

from __future__ import annotations

import functools
import re
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date

from spacy import symbols as spacy_symbols
from spacy.attrs import HEAD, LEMMA, LOWER, MORPH, POS
from spacy.tokens import Doc, Token
from spacy.tokens import Span as SpacySpan

from services.events.taxonomy import (
    ADJECTIVES,
    CONDITIONAL,
    FRAMING,
    FRAMING_NOUNS,
    INCHOATIVE,
    KNOWN_LEMMAS,
    LIGHT_VERBS,
    MARKET_NOUNS,
    MARKET_VERBS,
    MODALS,
    NON_EVENTS,
    NOUNS,
    OFFENCE_MODIFIERS,
    OFFICE_NOUNS,
    REPORTING,
    VERBS,
    WEAK_VERBS,
    WEAPON_NOUNS,
    type_of,
)
from shared.dateline import byline_dateline
from shared.nlp.docs import doc_text, headline_doc
from shared.nlp.entities import EntityIndex, LinkedEntity, link_entities
from shared.nlp.geo import resolve_place
from shared.schemas.article import Article
from shared.schemas.common import Span, message_id
from shared.schemas.entity import Mention, Place
from shared.schemas.event import Actor, Event, EventLocation, EventStatus, EventTime, Trigger

_SUBJECTS = {"nsubj", "csubj"}
_PASSIVE_SUBJECTS = {"nsubjpass", "csubjpass"}
_LOCATIVE = {"in", "at", "to", "near", "into", "inside", "outside", "across", "throughout",
             "within", "around", "off", "onto", "towards", "toward", "along"}
_PLACE_TYPES = {"GPE", "LOC", "FAC"}
_AT = {"at", "outside", "inside", "near"}
#: Types the small model gives a named building ("at the White House", "outside Trump Towers"):
#: after one of `_AT` they name a place.
_BUILDING_TYPES = {"ORG", "WORK_OF_ART", "PRODUCT"}
#: Nouns whose "of" names a place: "the city of Mazar-e-Sharif".
_PLACE_NOUNS = {"city", "town", "village", "province", "region", "district", "county", "state",
                "capital", "suburb", "port", "island", "municipality", "hub", "neighbourhood",
                "neighborhood"}
_ACTOR_TYPES = {"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC"}
_NAME_TYPES = {"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC"}
# Clauses that do not assert their own tense: they take status, time and place from their head.
_DEPENDENT = {"xcomp", "advcl", "conj", "relcl", "acl", "pcomp", "ccomp", "dep"}
_OBJECT_CONTROL = {"ask", "urge", "order", "tell", "invite", "persuade", "force", "allow",
                   "encourage", "call", "appeal", "help", "want", "expect", "require"}
_HYPOTHETICAL_MARKS = {"if", "unless", "whether", "lest"}
_PERSONAL = {"he", "she", "him", "her", "his", "hers"}
#: Pronouns an organisation goes by ("the company said it would").
_COLLECTIVE = {"it", "its", "they", "their"}
_PATIENT_POSSESSOR = {"arrest", "killing", "death", "injury", "dismissal", "charge", "sentence",
                      "attack", "appointment"}
_AGENT_OF = {"visit", "statement", "resignation", "protest", "appeal", "meeting", "election",
             "cooperation", "threat", "criticism", "rejection", "demand", "release", "earnings",
             "other"}
_WORDS = re.compile(r"[^\W_]+")
_BOILERPLATE = re.compile(r"\b(?:subscrib\w*|newsletter|inbox|click to|share on|opens in new|"
                          r"image (?:copyright|caption)|media caption|sign up|read more|"
                          r"all rights reserved|cookies?|try again later|"
                          r"invalid email)(?!\w)", re.I)
#: Markers a caption follows: what comes after them in their sentence is the caption.
_CAPTION = re.compile(r"\b(?:image (?:copyright|caption)|media caption)(?!\w)", re.I)
#: A photo agency's credit in capitals opening a sentence ("GETTY Trump meets Obama in the Oval
#: Office", "EPA 9 Trump hugs the flag", "AP:Associated Press 3 Police near the scene"): a
#: picture caption, page furniture. Agencies whose capitals also open real sentences ("EPA
#: Administrator X said", "AP Moller-Maersk", "PA Consulting") count only with a gallery number
#: or a second credit after them.
_CREDIT = re.compile(r"\s*(?:(?:GETTY(?: IMAGES)?|REUTERS)(?:[*/:][A-Z]\w*)*(?=\s+[A-Z0-9])"
                     r"|(?:GETTY|REUTERS|EPA|AFP|AP|PA)(?:[*/:][A-Z]\w*)+(?=\s+[A-Z0-9])"
                     r"|(?:EPA|AFP|AP|PA)(?=\s+\d))")
#: Capitalised articles that open a sentence glued to a heading before it (`_Context._heading_end`).
_GLUED_OPENERS = {"The", "A", "An"}
#: At most this many tokens of a heading glued to a sentence.
_HEADING_WORDS = 8
#: Tags of a finite verb: a heading has none, the sentence glued after it has one.
_FINITE_TAGS = {"VBD", "VBZ", "VBP", "MD"}
#: How a sentence ends when it is one: a caption or a button label ends without a stop.
_SENTENCE_END = re.compile(r"[.!?][\"'\u201d\u2019)\]]*\s*$")
#: Types whose object is the one addressed ("told X", "urged X to").
_ADDRESSED = {"statement", "appeal", "demand", "threat"}
_WEAPONS = {"bomb", "device", "explosive", "grenade", "mine", "shell", "rocket", "missile",
            "bomber", "ied", "charge"}
_KIDS_KEY = "newsflash.events.children"
_LEMMAS_KEY = "newsflash.events.lemmas"
_HEADS_KEY = "newsflash.events.heads"
_CONTENT_KEY = "newsflash.events.content"
#: The children of a leaf in the per-doc table (`_kids`).
_NO_KIDS: tuple[Token, ...] = ()
#: Parts of speech a trigger can have (`_find_candidates`), as spaCy's POS ids.
_CANDIDATE_POS = {spacy_symbols.VERB, spacy_symbols.NOUN, spacy_symbols.PROPN, spacy_symbols.ADJ}
#: Whether untyped events on `WEAK_VERBS` are found at all (off: see services/events/README.md).
PUBLISH_WEAK = False
#: Event types too general to say two mentions are of one event.
_VAGUE_TYPES = {"other", "statement"}
#: The share of a headline predicate's weight a body trigger of the same type gets.
_SAME_TYPE = 0.6
#: How many sentences from the lead a restatement of the main event may be to date it.
_RESTATED_WITHIN = 8
#: Sentence openers that turn to another story: its dates are not the main event's.
_ASIDE = {"separately", "meanwhile", "elsewhere"}
_DATE_VALUE = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?")


@dataclass
class _Candidate:
    trigger: Token
    type: str
    nominal: bool
    clause: Token
    lemma: str
    actors: list[Actor] = field(default_factory=list)
    location: EventLocation | None = None
    time: EventTime | None = None
    status: str = "occurred"
    score: float = 0.0
    #: Nouns merged into this event ("met at a summit"): their modifiers count as its own.
    absorbed: list[Token] = field(default_factory=list)


class _Context:
    """What every candidate in one article reads: the entity index, time expressions, dateline."""

    def __init__(self, article: Article, doc: Doc) -> None:
        self.article = article
        self.doc = doc
        self.text = doc_text(doc)
        # The parse is of the cleaned body (markup blanked, same length); spans quote the body.
        self.body = article.body if len(article.body) == len(self.text) else self.text
        self.index: EntityIndex = link_entities(article, doc)
        self.reference: date = article.reference_date.date
        #: The time of every event the text gives no date for, one message for all of them.
        self.reference_time = EventTime(value=self.reference.isoformat(), source="reference_date")
        self.dateline_end = article.dateline.span.end if article.dateline is not None else 0
        self.times_by_token: dict[int, list[Mention]] = {}
        self.time_tokens: set[int] = set()
        times = _time_mentions(self.index)
        for mention in times:
            if mention.start < self.dateline_end:
                continue
            span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
            if span is None or not len(span):
                continue
            self.time_tokens.update(t.i for t in span)
            self.times_by_token.setdefault(span.root.i, []).append(mention)
        self.owner: dict[int, _Candidate] = {}
        self._mentions: dict[int, tuple[LinkedEntity, Mention] | None] = {}
        self.sents = list(doc.sents)
        #: `doc.ents` builds its spans anew on every read.
        self.ents = list(doc.ents)
        self.sent_starts = [sent.start for sent in self.sents]
        first = bisect_right(self.sent_starts, doc[0].i if len(doc) else 0)
        if self.dateline_end:
            span = doc.char_span(0, self.dateline_end, alignment_mode="expand")
            first = bisect_right(self.sent_starts, span.end - 1) if span is not None else 1
        self.first_sentence = max(first - 1, 0)
        self._boilerplate: dict[int, bool] = {}
        self._evidence: dict[int, Span] = {}
        # Sign-up prompts, share buttons and captions before the story are not its lead.
        last = min(self.first_sentence + 4, len(self.sents) - 1)
        while self.first_sentence < last and self.furniture_only(self.first_sentence):
            self.first_sentence += 1
        lead_end = (self.sents[min(self.first_sentence + 1, len(self.sents) - 1)].end_char
                    if self.sents else 0)
        self.year = _story_year(self.reference.year, article.reference_date.source, [
            article.headline or "", *(self.text[m.start:m.end] for m in times
                                      if m.start < lead_end and not _SINCE.search(
                                          self.text[max(m.start - 8, 0):m.start]))])
        self.headline_words = set(_WORDS.findall((article.headline or "").lower()))
        self.headline_predicates, self.headline_types = _headline_predicates(headline_doc(doc))
        self.headline_main = _headline_main(headline_doc(doc))
        self.headline_main_words = ({_lemma(self.headline_main), self.headline_main.lower_}
                                    if self.headline_main is not None else set())
        self.headline_main_type = (_headline_type(self.headline_main)
                                   if self.headline_main is not None else None)
        self.headline_entities = {e.id for e in self.index.entities
                                  if any(m.field == "headline" for m in e.mentions)}
        self.headline_places = _headline_places(self.index, headline_doc(doc))
        #: Time expressions by the candidate whose clause they modify.
        self.times_of: dict[int, list[Mention]] = {}
        self.attached_times: set[int] = set()
        self.governors: dict[int, _Candidate | None] = {}
        self._places: dict[str, Place | None] = {}
        self._town_tokens: set[int] | None = None
        self._furniture_ends: dict[int, int] = {}
        self.restatements: dict[tuple[str, str], float] = {}
        self._morphs = doc.to_array(MORPH).tolist()  # each token's morphology, as its hash id
        self._verb_forms: dict[int, tuple[bool, tuple[str, ...]]] = {}

    def verb_form(self, tok: Token) -> tuple[bool, tuple[str, ...]]:
        """Whether `tok` is finite, and its tenses: read once per distinct morphology in the doc,
        as `tok.morph.get` builds an analysis and an array on every call."""
        key = self._morphs[tok.i]
        found = self._verb_forms.get(key)
        if found is None:
            morph = tok.morph
            found = ("Fin" in morph.get("VerbForm"), tuple(morph.get("Tense")))
            self._verb_forms[key] = found
        return found

    def news_year(self, year: int) -> bool:
        """Whether a date in `year` can be the news, not background: within a year of the
        story's year (`_story_year`), or of the reference date's, where relative dates
        ("on Friday") resolve."""
        return abs(year - self.year) <= 1 or abs(year - self.reference.year) <= 1

    def sentence(self, tok: Token) -> tuple[int, SpacySpan]:
        """The index and span of the sentence `tok` is in (Token.sent rescans the doc)."""
        index = bisect_right(self.sent_starts, tok.i) - 1
        return index, self.sents[index]

    def span(self, start: int, end: int) -> Span:
        """A `Span` of the article body: `body[start:end] == text`."""
        return Span(start=start, end=end, text=self.body[start:end])

    def evidence(self, trigger: Token) -> Span:
        """The trigger's sentence, trailing space left out: what an event cites as its evidence.
        Built once per sentence: an article has about 30 events in about 20 sentences, and
        building the span was 6% of what events cost."""
        index, sent = self.sentence(trigger)
        found = self._evidence.get(index)
        if found is None:
            text = self.body[sent.start_char:sent.end_char].rstrip()
            found = self._evidence[index] = self.span(sent.start_char, sent.start_char + len(text))
        return found

    def boilerplate(self, sentence: int) -> bool:
        """Page furniture caught in the body: share buttons, captions, sign-up prompts."""
        if sentence not in self._boilerplate:
            sent = self.sents[sentence]
            first = sent[0]
            imperative = first.tag_ == "VB" and first.dep_ == "ROOT" and not any(
                c.dep_ in _SUBJECTS for c in _kids(first))
            text = self.text[sent.start_char:sent.end_char]
            self._boilerplate[sentence] = (imperative or bool(_BOILERPLATE.search(text))
                                           or bool(_CREDIT.match(text)))
        return self._boilerplate[sentence]

    def furniture_only(self, sentence: int) -> bool:
        """Whether the sentence is page furniture through and through: no more than a few words
        follow its last sign-up prompt or caption marker, or what follows does not end as a
        sentence does (a caption has no full stop; a caption can run into the lead, which has)."""
        if not self.boilerplate(sentence):
            return False
        sent = self.sents[sentence]
        text = self.text[sent.start_char:sent.end_char]
        if _CREDIT.match(text):
            return True  # a caption runs on with no stop to tell where it ends
        ends = [m.end() for m in _BOILERPLATE.finditer(text)]
        return (not ends or len(_WORDS.findall(text[ends[-1]:])) <= 6
                or not _SENTENCE_END.search(text))

    def in_furniture(self, tok: Token) -> bool:
        """Whether `tok` is page furniture: in a furniture-only sentence, or before the last
        sign-up prompt of a sentence the story's own text runs on from ("Could not subscribe,
        try again later Invalid Email At least seven people died"), or in a heading glued to the
        start of a sentence (`_heading_end`). After a caption marker the caption runs on with no
        stop to tell where it ends, so that sentence is furniture."""
        sentence, sent = self.sentence(tok)
        if sentence not in self._furniture_ends:
            end = self._heading_end(sent)
            if self.boilerplate(sentence):
                end = sent.end_char
                if not self.furniture_only(sentence):
                    text = self.text[sent.start_char:sent.end_char]
                    markers = list(_BOILERPLATE.finditer(text))
                    if markers and not _CAPTION.fullmatch(markers[-1].group()):
                        end = sent.start_char + markers[-1].end()
            self._furniture_ends[sentence] = end
        return tok.idx < self._furniture_ends[sentence]

    def _heading_end(self, sent: SpacySpan) -> int:
        """Where a heading glued to the start of a sentence ends ("US election: The essentials
        The Republican nominee cried foul"): a short verbless fragment with a colon, or in Title
        Case throughout, then a capitalised article straight after a word, where a sentence of the
        story starts without its full stop; `sent.start_char` when there is none."""
        doc = self.doc
        for i in range(sent.start + 2, min(sent.start + _HEADING_WORDS + 1, sent.end - 2)):
            tok = doc[i]
            if tok.text not in _GLUED_OPENERS or not doc[i - 1].is_alpha:
                continue
            prefix = doc[sent.start:i]
            if any(t.tag_ in _FINITE_TAGS for t in prefix):
                return sent.start_char
            words = [t for t in prefix if t.is_alpha]
            if not (any(t.text == ":" for t in prefix)
                    or all(t.text[:1].isupper() for t in words)):
                return sent.start_char
            if any(t.tag_ in _FINITE_TAGS for t in doc[i:sent.end]):
                return tok.idx
            return sent.start_char
        return sent.start_char

    def place_of(self, entity: LinkedEntity) -> Place | None:
        """Where a place entity is; for an organisation, where it is when the name is a known
        town that the text never calls "the X": the small model often types a town it does not
        know as an organisation ("the Croydon tram crash"), never "the White House" a town."""
        if entity.id not in self._places:
            place = None
            if entity.type in _PLACE_TYPES:
                place = entity.place or resolve_place(entity.name, entity.type)
                if place is None:
                    # a name the model cut short at a hyphen: "Mazar" of "Mazar-e-Sharif"
                    whole = {self.text[m.start:_whole_name_end(self, m.end)]
                             for m in entity.body_mentions()}
                    place = next((p for p in map(resolve_place, sorted(whole - {entity.name}))
                                  if p is not None), None)
            elif entity.type == "ORG":
                found = resolve_place(entity.name, "GPE")
                if (found is not None and found.kind in ("city", "region")
                        and not any(self._determined(m) for m in entity.body_mentions())):
                    place = found
            self._places[entity.id] = place
        return self._places[entity.id]

    def _determined(self, mention: Mention) -> bool:
        """Whether the name itself takes "the" ("the White House"; not "the Croydon tram")."""
        span = self.doc.char_span(mention.start, mention.end, alignment_mode="expand")
        if span is None:
            return False
        root = span.root
        return any(c.dep_ == "det" and c.lower_ == "the" for c in _kids(root)) or (
            root.i > 0 and self.doc[root.i - 1].lower_ == "the" and root.dep_ != "compound")

    def place_token(self, tok: Token) -> bool:
        """Whether `tok` names a place: the model says so, or its entity is a town (`place_of`)."""
        if tok.ent_type_ in _PLACE_TYPES:
            return True
        if tok.ent_type_ != "ORG":
            return False
        if self._town_tokens is None:
            self._town_tokens = set()
            for entity in self.index.entities:
                if entity.type == "ORG" and self.place_of(entity) is not None:
                    for m in entity.body_mentions():
                        span = self.doc.char_span(m.start, m.end, alignment_mode="expand")
                        if span is not None:
                            self._town_tokens.update(range(span.start, span.end))
        return tok.i in self._town_tokens

    def mention_at(self, tok: Token) -> tuple[LinkedEntity, Mention] | None:
        """The entity mention covering `tok` (memoised: actors and places ask repeatedly)."""
        if tok.i not in self._mentions:
            self._mentions[tok.i] = self.index.mention_at(tok.idx, tok.idx + len(tok.text))
        return self._mentions[tok.i]

    def attach_times(self) -> None:
        for root_i, mentions in self.times_by_token.items():
            tok = self.doc[root_i]
            for _ in range(4):
                if tok.head == tok:
                    break
                tok = tok.head
                owner = self.owner.get(tok.i)
                if owner is not None:
                    self.times_of.setdefault(id(owner), []).extend(mentions)
                    self.attached_times.update(m.start for m in mentions)
                    break
                if tok.pos_ in ("VERB", "AUX"):
                    break


#: What puts a date before the news: "the first title since 1948".
_SINCE = re.compile(r"\b(?:since|before|from)\s+$", re.I)
_YEAR = re.compile(r"\b(1[89]\d\d|2\d\d\d)\b")


def _story_year(reference: int, source: str, written: list[str]) -> int:
    """The year the story is news in, for telling background dates from the news: the reference
    date's, unless that is only when the article was ingested (an archive without a date or a
    dateline), then the latest year up to it that the headline or the lead's dates write out
    (`written`: "Gadget market 'to grow in 2005'"); a year further down is as likely history
    ("was suspended in 1998")."""
    if source != "ingested_at":
        return reference
    years = [int(y) for text in written for y in _YEAR.findall(text) if int(y) <= reference]
    return max(years, default=reference)


def _time_mentions(index: EntityIndex) -> list[Mention]:
    """The article's DATE and TIME expressions with their TIMEX3 values.

    The entity index holds every `shared.nlp.timex.find_time_expressions` result as a time
    entity's mention; reading them there saves a second pass of the time grammar per article.
    """
    return [m for e in index.entities if e.type in ("DATE", "TIME")
            for m in e.body_mentions() if m.value]


def _headline_predicates(headline: Doc | None) -> tuple[dict[str, float], dict[str, float]]:
    """What the headline says happened: the lemmas and forms of its verbs and eventive nouns,
    weighted 1.0 for a main predicate (a root, or a clause joined to one), less for the rest;
    and the same weights by the predicates' event types ("attack" for "Taliban strike").

    Headlines drop auxiliaries and articles ("Taliban strike German consulate", "Seven killed
    as tram derails"), so any content verb counts, and a root noun counts when it is eventive
    ("Croydon tram crash: ...").
    """
    if headline is None:
        return {}, {}
    found: dict[str, float] = {}
    types: dict[str, float] = {}
    for tok in headline:
        if tok.pos_ == "VERB" and _lemma(tok) not in NON_EVENTS:
            weight = 1.0 if tok.dep_ in ("ROOT", "conj", "ccomp", "parataxis") else 0.7
            kind: str | None = _classify_verb(tok, _phrasal(tok))
        elif tok.pos_ in ("NOUN", "PROPN", "ADJ") and _noun_type(tok) is not None:
            weight = 0.8 if tok.dep_ in ("ROOT", "nsubj", "dobj") else 0.5
            kind = _noun_type(tok)
        else:
            continue
        for word in (_lemma(tok), tok.lower_):
            found[word] = max(found.get(word, 0.0), weight)
        if kind is not None and kind not in _VAGUE_TYPES:
            types[kind] = max(types.get(kind, 0.0), weight)
    return found, types


#: Marks that open a quote in a headline.
_HEADLINE_QUOTES = "'\"\u2018\u201c"
#: Subjects that make a headline clause a quote ("'I will never forget this day'").
_SPEAKERS = {"i", "we", "you"}
#: How a headline's main predicate may hang below a root that is not one: a topic before a
#: colon ("Croydon tram crash: Driver arrested"), a subject left as the root ("Bill Murray and
#: Barack Obama lead celebrations as ..."), a framing noun ("Mystery of the boy who fell").
_HEADLINE_CLAUSES = {"ROOT", "conj", "ccomp", "advcl", "acl", "relcl", "appos", "xcomp",
                     "parataxis", "dep", "pcomp", "acomp"}


#: Light verbs whose outcome is a headline's news: "Yukos loses bankruptcy battle" is a loss,
#: not a battle.
_OUTCOME_VERBS = {"win", "lose"}


def _headline_main(headline: Doc | None) -> Token | None:
    """The headline's main predicate: the predicate nearest the root of the headline's first
    sentence, leftmost first; after a rubric and its colon, the predicate of what follows
    ("US election: Trump cries foul"). A content verb ("Trump lands in Washington"), a
    participle or outcome adjective in headlinese ("Toblerone fans outraged", "seven dead"),
    a verb of becoming's adjective ("gets more gappy"), an eventive noun ("Croydon tram
    crash"), or a present-tense verb or participle the tagger took for a noun, which a subject
    precedes and a complement follows ("Lady Gaga protests outside Trump Tower", "Five shot in
    Seattle"); a light verb hands it to its eventive object ("hold talks"), an effort noun to
    its infinitive ("Race to reach boy"). None without a headline or a predicate."""
    if headline is None or not len(headline):
        return None
    root = next(iter(headline.sents)).root
    level = [root]
    colon = next((t.i for t in headline if t.text == ":"), None)
    if colon is not None and root.i < colon:
        # a rubric before a colon names the story, what follows says what happened
        after = [t for t in headline[colon + 1:] if t.head.i <= colon or t.head == t]
        if any(_headline_predicate(t) for a in after for t in a.subtree):
            level = after
    for _ in range(6):
        found = next((t for t in level if _headline_predicate(t)), None)
        if found is not None and found.pos_ == "NOUN" and _lemma(found) in FRAMING_NOUNS:
            # "Race to reach trapped boy", "Bid to oust leader": the effort frames its infinitive
            found = next((c for c in found.children if c.dep_ in ("acl", "relcl")
                          and c.pos_ == "VERB" and any(a.dep_ == "aux" and a.lower_ == "to"
                                                       for a in c.children)), found)
        if found is not None:
            obj = _light_object(found) if found.pos_ == "VERB" else None
            light = _lemma(found) in LIGHT_VERBS and _lemma(found) not in _OUTCOME_VERBS
            return obj if obj is not None and light else found
        level = sorted((c for t in level for c in t.children), key=lambda t: t.i)
        if not level:
            break
    return None


def _headline_predicate(tok: Token) -> bool:
    """Whether a headline token can be its main predicate (`_headline_main`)."""
    if tok.dep_ not in _HEADLINE_CLAUSES and not (tok.dep_ in ("nsubj", "dobj", "pobj")
                                                  and tok.pos_ == "NOUN"
                                                  and not _verb_complement(tok)):
        # an eventive noun the tagger took for a gerund ("Seattle shooting leaves five hurt"),
        # a participle the parser hung on its subject as a modifier ("Race red-flagged")
        return _gerund_subject(tok) or (tok.dep_ in ("npadvmod", "advmod")
                                        and _headlinese_participle(tok))
    if tok.pos_ == "VERB":
        # Headlines put verbs in the present or participle; a bare infinitive without "to",
        # a modal or a subject, or a verb inside a name below the root, is a name the tagger
        # took for a verb ("Trump rally shooting: ...")
        bare = tok.tag_ == "VB" and not any(c.dep_ in ("aux", "nsubj") for c in tok.children)
        named = tok.ent_type_ in _NAME_TYPES and tok.dep_ != "ROOT"
        # "I will never forget", "You knew it": a quote in the headline, not its news
        quoted = any(c.dep_ in _SUBJECTS and c.lower_ in _SPEAKERS for c in tok.children)
        weak = _lemma(tok) in WEAK_VERBS and _classify_verb(tok, _phrasal(tok)) == "other"
        return (_lemma(tok) not in NON_EVENTS and _lemma(tok) not in REPORTING
                and not bare and not named and not quoted and not weak)
    if tok.pos_ in ("NOUN", "PROPN", "ADJ") and _noun_type(tok) is not None:
        return not _entity_name_part(tok)
    if tok.pos_ == "ADJ":
        return _headline_adjective(tok)
    # headlinese present tense tagged as a plural noun: "Trump slams FBI", "world reacts to";
    # a participle tagged as a noun after its subject: "Five shot in Seattle"
    return (tok.dep_ == "ROOT" and tok.tag_ in ("NNS", "NN") and tok.i > 0
            and any(c.dep_ == "nsubj" or (c.dep_ == "compound" and tok.tag_ == "NNS")
                    for c in tok.lefts)
            and any(c.dep_ in ("prep", "dobj", "appos") for c in tok.rights))


def _verb_complement(tok: Token) -> bool:
    """Whether a headline noun is the goal of a verb ("LSE sets date for takeover deal", "fights
    for survival"): the verb says what is done towards it, which has not happened."""
    head = tok.head
    if tok.dep_ != "pobj" or head.dep_ != "prep" or head.lower_ not in ("for", "towards"):
        return False
    governor = head.head.head if head.head.dep_ == "dobj" else head.head
    return governor.pos_ == "VERB"


def _gerund_subject(tok: Token) -> bool:
    """Whether a headline verb is an eventive noun in "-ing" as its clause's subject, which the
    tagger took for a gerund ("Seattle shooting leaves five hurt")."""
    return (tok.pos_ == "VERB" and tok.tag_ == "VBG" and tok.dep_ in ("nsubj", "nsubjpass")
            and NOUNS.get(tok.lower_) is not None)


def _headline_adjective(tok: Token) -> bool:
    """Whether a headline adjective outside the lexicon is a predicate: an outcome adjective in
    any clause ("Tram derailment: several dead"); a past participle the tagger took for an
    adjective, as headlines drop the auxiliary ("Fans are outraged", "race red-flagged after
    crash"), not one before its noun; or the complement of a verb of becoming ("Toblerone
    gets more gappy"), where the change of state is the news."""
    if tok.lower_ in ADJECTIVES or _headlinese_participle(tok):
        return True
    return tok.dep_ == "acomp" and _lemma(tok.head) in INCHOATIVE


def _headlinese_participle(tok: Token) -> bool:
    """Whether a headline adjective is a past participle without its auxiliary ("outraged",
    "red-flagged"), or after "be" ("Fans are outraged"); not one before its noun ("alleged
    fraud"), after a verb of seeming ("sounds sophisticated") or in a quote ("I am horrified")."""
    if not (tok.pos_ == "ADJ" and tok.tag_ == "JJ" and tok.lower_.endswith("ed") and len(tok) > 4
            and tok.dep_ != "amod"):
        return False
    if tok.dep_ != "acomp":
        return True
    head = tok.head
    return head.lemma_.lower() == "be" and not any(
        c.dep_ in _SUBJECTS and c.lower_ in _SPEAKERS for c in head.children)


def _headline_places(index: EntityIndex, headline: Doc | None) -> set[str]:
    """The entities the headline names after a locative preposition ("meets Obama at the White
    House", "protest in Croydon"): where the headline says it happened."""
    if headline is None:
        return set()
    found = set()
    for entity in index.entities:
        for mention in entity.mentions:
            if mention.field != "headline":
                continue
            span = headline.char_span(mention.start, mention.end, alignment_mode="expand")
            if span is not None and span.root.dep_ == "pobj" and span.root.head.lower_ in _LOCATIVE:
                found.add(entity.id)
    return found


def extract_events(article: Article, doc: Doc) -> list[Event]:
    """Events in `doc` (the parse of `article.body`), most important first.

    Deterministic; ids are `message_id(article.id, content_hash, "event", start, end)` of the
    trigger. Every event has a time (the reference date when the text gives none) and a status.
    """
    # One Token object per token for the whole call: spaCy builds a new one on every `doc[i]`,
    # `tok.head` and `tok.children`, and events walk the tree tens of thousands of times.
    # The tables hold as few objects as they can: a full garbage collection walks every object
    # alive, and the tables' lists and Tokens were what made one start during events.
    tokens = list(doc)
    # one flat list per attribute: `tolist()` of the 2-D array makes a list per token
    pos, lemmas, lowers = doc.to_array([POS, LEMMA, LOWER]).T.tolist()
    offsets = doc.to_array(HEAD).astype("int64").tolist()  # relative to the token, signed
    heads: list[Token] = []
    # a leaf shares one empty tuple
    kids: list[Sequence[Token]] = [_NO_KIDS] * len(tokens)
    for tok, offset in zip(tokens, offsets, strict=True):
        head = tok.i + offset
        heads.append(tokens[head])
        if offset:
            if kids[head]:
                kids[head].append(tok)  # type: ignore[union-attr]
            else:
                kids[head] = [tok]
    doc.user_data[_KIDS_KEY] = kids
    doc.user_data[_HEADS_KEY] = heads
    doc.user_data[_LEMMAS_KEY] = _Lemmas(doc, lemmas, lowers)
    doc.user_data[_CONTENT_KEY] = [tok for tok, tag in zip(tokens, pos, strict=True)
                                   if tag in _CANDIDATE_POS]
    try:
        return _extract(article, doc)
    finally:
        for key in (_KIDS_KEY, _HEADS_KEY, _LEMMAS_KEY, _CONTENT_KEY):
            del doc.user_data[key]


class _Lemmas(dict[int, str]):
    """`_lemma` by token index, each repaired on its first read: events read fewer than half the
    tokens' lemmas, and reading a lemma's strings from the vocabulary is what a table costs."""

    def __init__(self, doc: Doc, lemmas: list[int], lowers: list[int]) -> None:
        super().__init__()
        self.strings = doc.vocab.strings
        self.lemmas = lemmas  # LEMMA and LOWER ids by token
        self.lowers = lowers

    def __missing__(self, i: int) -> str:
        strings = self.strings
        found = self[i] = _repair_lemma(strings[self.lemmas[i]].lower(), strings[self.lowers[i]])
        return found


def _extract(article: Article, doc: Doc) -> list[Event]:
    ctx = _Context(article, doc)
    candidates = _absorb_nominals(list(_find_candidates(ctx)))
    for cand in candidates:
        ctx.owner[cand.clause.i] = cand
        ctx.owner.setdefault(cand.trigger.i, cand)
        for noun in cand.absorbed:
            ctx.owner.setdefault(noun.i, cand)
    for cand in candidates:
        _register_framers(ctx, cand)
    ctx.attach_times()
    for cand in candidates:
        cand.actors = _actors(ctx, cand)
        cand.location = _location(ctx, cand, set())
        cand.time = _time(ctx, cand, set())
        cand.status = _status(ctx, cand.clause, cand)
        cand.score = _importance(ctx, cand)
    ranked = sorted(candidates, key=lambda c: (-c.score, c.trigger.i))
    # After the main event, typed events come before the untyped rest.
    ranked[1:] = sorted(ranked[1:], key=lambda c: (c.type == "other", -c.score, c.trigger.i))
    _fill_fallbacks(ctx, ranked)
    headline = _headline_event(ctx, ranked)
    first = 0 if headline is None else 1
    events = [_to_event(ctx, cand, rank + first) for rank, cand in enumerate(ranked)]
    return events if headline is None else [headline, *events]


# --- triggers ---------------------------------------------------------------------------------

def _find_candidates(ctx: _Context) -> Iterator[_Candidate]:
    for tok in ctx.doc.user_data[_CONTENT_KEY]:
        if tok.idx < ctx.dateline_end or tok.i in ctx.time_tokens:
            continue
        if tok.pos_ == "VERB":
            cand = _verbal(ctx, tok)
        elif tok.pos_ in ("NOUN", "PROPN", "ADJ"):
            cand = _nominal(tok)
        else:
            cand = None
        if cand is not None:
            yield cand


def _verbal(ctx: _Context, tok: Token) -> _Candidate | None:
    lemma = _lemma(tok)
    if lemma in NON_EVENTS or not _wordlike(tok):
        return None
    if lemma in FRAMING and _complement(tok) is not None:
        return None
    if lemma in LIGHT_VERBS and _light_object(tok) is not None:
        return None
    if tok.dep_ in ("amod", "compound", "nmod", "npadvmod"):
        return None
    phrase = _phrasal(tok)
    kind = _classify_verb(tok, phrase)
    if kind == "other" and not PUBLISH_WEAK and (lemma in WEAK_VERBS or "'" in tok.text):
        return None  # "use", "see", "'m": too general to report, and a third of the cost
    return _Candidate(trigger=tok, type=kind, nominal=False, clause=tok, lemma=phrase)


def _wordlike(tok: Token) -> bool:
    """A word, not a hyphen or the prefix of a split compound ("re" in "re - election")."""
    if not any(map(str.isalpha, tok.text)):
        return False
    following = tok.nbor(1) if tok.i + 1 < len(tok.doc) else None
    return not (following is not None and following.text == "-" and not tok.whitespace_
                and len(tok.text) <= 4 and tok.is_lower)


def _same_word(a: Token, b: Token) -> bool:
    """Whether two tokens are pieces of one hyphenated word ("re", "-", "election")."""
    lo, hi = sorted((a.i, b.i))
    return hi - lo <= 3 and all(not t.whitespace_ for t in a.doc[lo:hi])


def _noun_type(tok: Token) -> str | None:
    """The type of an eventive noun or outcome adjective, or None."""
    if tok.pos_ == "ADJ":
        if tok.dep_ in ("acomp", "oprd", "ROOT", "conj", "attr", "xcomp", "advcl", "amod"):
            return ADJECTIVES.get(tok.lower_)
        return None
    lemma = _lemma(tok)
    if lemma == "driving":
        offence = any(c.lower_ in OFFENCE_MODIFIERS for c in _kids(tok))
        return "charge" if offence else None
    return NOUNS.get(lemma) or NOUNS.get(tok.lower_)


def _entity_name_part(tok: Token) -> bool:
    """Whether `tok` is inside a multi-word name ("Liberal Democratic Party")."""
    if tok.ent_type_ not in ("PERSON", "ORG", "GPE", "NORP", "LOC", "FAC"):
        return False
    if tok.ent_iob_ == "I":
        return True
    following = tok.nbor(1) if tok.i + 1 < len(tok.doc) else None
    return following is not None and following.ent_iob_ == "I"


def _nominal(tok: Token) -> _Candidate | None:
    lemma = _lemma(tok)
    kind = _noun_type(tok)
    if kind is None or not _wordlike(tok):
        return None
    if tok.pos_ == "ADJ" and tok.dep_ == "amod" and tok.head.pos_ not in ("NOUN", "PRON", "NUM"):
        return None
    # Idioms that use an eventive noun without an event: "in charge of", "in the event of".
    if tok.dep_ == "pobj" and tok.head.lower_ == "in" and not any(
            c.dep_ in ("det", "amod", "poss") for c in _kids(tok)):
        return None
    if _entity_name_part(tok) or tok.ent_type_ == "PERSON":
        return None
    clause = tok
    head = tok.head
    if (tok.dep_ in ("dobj", "attr", "oprd", "acomp") and head.pos_ in ("VERB", "AUX")
            and (_lemma(head) in LIGHT_VERBS or head.lemma_ == "be")
            and _light_object(head) == tok):
        clause = head
    elif _undergone(tok):
        # "came under fire", "is under investigation": the verb's subject undergoes the event
        clause = head.head
        if lemma == "fire":
            kind = "criticism"
    if kind == "market_move" or lemma in MARKET_VERBS:
        kind = "market_move" if _about_market(tok) else kind
    return _Candidate(trigger=tok, type=kind, nominal=True, clause=clause, lemma=lemma)


def _undergone(tok: Token) -> bool:
    """Whether an eventive noun is what its clause's subject is under ("X came under fire",
    "Y is under investigation", "Z remains under arrest")."""
    head = tok.head
    return (tok.dep_ == "pobj" and head.lower_ == "under" and head.dep_ == "prep"
            and head.head.pos_ in ("VERB", "AUX") and head.head != head)


def _absorb_nominals(candidates: list[_Candidate]) -> list[_Candidate]:
    """Drop a noun that restates its verb's event ("head ... for a visit", "met at a summit")."""
    verbal = {c.trigger.i: c for c in candidates if not c.nominal}
    kept = []
    for cand in candidates:
        if cand.nominal and cand.clause == cand.trigger and cand.type != "other":
            tok = cand.trigger
            for _ in range(3):
                if tok.head == tok or tok.dep_ not in ("pobj", "prep", "dobj", "npadvmod"):
                    break
                tok = tok.head
                governor = verbal.get(tok.i)
                if governor is not None:
                    if governor.type == cand.type:
                        governor.absorbed.append(cand.trigger)
                        cand = governor
                    break
            if not cand.nominal:
                continue
        kept.append(cand)
    return kept


def _complement(tok: Token) -> Token | None:
    """The infinitive a framing verb governs ("expected [to decide]"), if any."""
    for child in _kids(tok):
        if child.dep_ == "xcomp" and child.pos_ in ("VERB", "AUX"):
            return child
    return None


def _light_object(tok: Token) -> Token | None:
    """The eventive object a light verb carries ("made [a trip]", "found [dead]"), if any."""
    for child in _kids(tok):
        if child.dep_ in ("dobj", "attr", "oprd", "acomp") and child.pos_ in ("NOUN", "PROPN",
                                                                              "ADJ"):
            kind = _noun_type(child)
            if kind is not None and kind != "other" and not _entity_name_part(child):
                return child
    return None


def _phrasal(tok: Token) -> str:
    lemma = _lemma(tok)
    for child in _kids(tok):
        if child.dep_ in ("prt", "prep"):
            phrase = f"{lemma} {child.lower_}"
            if phrase in VERBS:
                return phrase
        if child.dep_ == "dobj":
            phrase = f"{lemma} {_lemma(child)}"
            if phrase in VERBS:
                return phrase
    return lemma


def _lemma(tok: Token) -> str:
    """The token's lemma, repaired from its form when the lexicon knows only the repair
    (the small model lemmatises "staged" as "stag"); read from a per-doc table when there is one
    (events read lemmas tens of thousands of times per article)."""
    table = tok.doc.user_data.get(_LEMMAS_KEY)
    if table is not None:
        return table[tok.i]  # type: ignore[no-any-return]
    return _repair_lemma(tok.lemma_.lower(), tok.lower_)


@functools.lru_cache(maxsize=4096)
def _repair_lemma(lemma: str, form: str) -> str:
    if lemma in KNOWN_LEMMAS:
        return lemma
    for suffix, ending in (("ied", "y"), ("ies", "y"), ("ed", "e"), ("ed", ""), ("es", ""),
                           ("s", ""), ("ing", "e"), ("ing", ""), ("d", "")):
        if form.endswith(suffix) and len(form) - len(suffix) >= 3:
            repaired = form[: len(form) - len(suffix)] + ending
            if repaired in KNOWN_LEMMAS:
                return repaired
    return lemma


def _kids(tok: Token) -> Sequence[Token]:
    """`tok.children` in order, from a per-doc table built once per `extract_events` call
    (spaCy builds new Token objects on every `children` walk; events read them hundreds of times).
    """
    table = tok.doc.user_data.get(_KIDS_KEY)
    if table is None:
        return list(tok.children)
    return table[tok.i]  # type: ignore[no-any-return]


def _head(tok: Token) -> Token:
    """`tok.head`, from the per-doc table `extract_events` builds (see `_kids`)."""
    table = tok.doc.user_data.get(_HEADS_KEY)
    if table is None:
        return tok.head
    return table[tok.i]  # type: ignore[no-any-return]


def _children(tok: Token, *deps: str) -> list[Token]:
    return [c for c in _kids(tok) if c.dep_ in deps]


def _about_market(tok: Token) -> bool:
    """Whether what moves is a price or quantity ("shares fell", "a fall in prices")."""
    related = _children(tok, "nsubj", "nsubjpass", "dobj", "npadvmod", "prep", "compound")
    for rel in related:
        targets = [rel, *_children(rel, "pobj")] if rel.dep_ == "prep" else [rel]
        for target in targets:
            lemma = _lemma(target)
            if lemma in MARKET_NOUNS or target.like_num or target.ent_type_ in ("PERCENT", "MONEY"):
                return True
            if any(_lemma(c) in MARKET_NOUNS for c in _kids(target)
                   if c.dep_ == "compound"):
                return True
    return False


def _classify_verb(tok: Token, phrase: str) -> str:
    lemma = _lemma(tok)
    objects = _children(tok, "dobj")
    obj = _lemma(objects[0]) if objects else None
    if lemma in MARKET_VERBS and _about_market(tok):
        return "market_move"
    if lemma == "fire":
        if obj is None or obj in WEAPON_NOUNS or _children(tok, "prep") and not objects:
            return "attack"
        return "dismissal"
    if obj is not None and lemma in ("decide", "choose", "elect", "pick", "select", "vote"):
        if obj in OFFICE_NOUNS:
            return "election"
    if lemma in ("see", "visit", "host", "receive", "welcome") and objects and (
            objects[0].ent_type_ == "PERSON"):
        return "meeting"
    if lemma in ("host", "stage", "organise", "organize", "hold") and objects:
        hosted = _noun_type(objects[0])
        if hosted is not None and hosted != "other":
            return hosted
    if lemma == "try" and not _children(tok, "nsubjpass") and not any(
            o.ent_type_ == "PERSON" or _lemma(o) in ("case", "suspect", "defendant")
            for o in objects):
        return "other"  # "whatever he tries", "try again": an attempt, not a trial
    if lemma in ("explode", "detonate", "go") and any(
            _lemma(c) in _WEAPONS for c in _children(tok, "nsubj", "nsubjpass", "dobj")):
        return "attack"  # "a bomb exploded" is an attack, "a boiler exploded" an accident
    if lemma == "release" and objects and (objects[0].ent_type_ == "PERSON"
                                           or obj in ("prisoner", "hostage", "detainee")):
        return "concession"
    if phrase != lemma and phrase in VERBS:
        return VERBS[phrase]
    if lemma in CONDITIONAL:
        kind, fitting = CONDITIONAL[lemma]
        if any(_lemma(o) in fitting or o.lower_ in fitting for o in objects):
            return kind
        if lemma == "win":
            return "match"  # "won the final", "Hamilton wins at Interlagos"
        return "other"
    return VERBS.get(lemma, "other")


def _register_framers(ctx: _Context, cand: _Candidate) -> None:
    """Let a framing verb's own modifiers (its subject, its date) count for its complement."""
    tok = cand.clause
    while tok.dep_ == "xcomp" and _lemma(tok.head) in FRAMING and tok.head != tok:
        tok = tok.head
        ctx.owner.setdefault(tok.i, cand)


# --- actors -----------------------------------------------------------------------------------

def _subject(ctx: _Context, tok: Token, depth: int = 0) -> tuple[list[Token], list[Token]]:
    """(agents, patients) of the clause headed by `tok`, following control and coordination."""
    agents = [_undateline(ctx, c) for c in _children(tok, *_SUBJECTS)]
    patients = list(_children(tok, *_PASSIVE_SUBJECTS))
    for agent_prep in _children(tok, "agent"):
        agents.extend(_children(agent_prep, "pobj"))
    if agents or patients or depth > 4 or tok.head == tok:
        return [a for a in agents if a is not None], patients
    head = tok.head
    if tok.dep_ == "xcomp" and _lemma(head) in _OBJECT_CONTROL:
        objects = _children(head, "dobj")
        if objects:
            return objects, []
    if tok.dep_ in ("xcomp", "conj", "advcl", "ccomp") and head.pos_ in ("VERB", "AUX", "ADJ"):
        if tok.dep_ == "ccomp" and not any(c.lower_ == "to" for c in _kids(tok)):
            return [], []
        agents, patients = _subject(ctx, head, depth + 1)
        if tok.dep_ == "xcomp" and _lemma(head) in FRAMING:
            # "The LDP is expected to decide": the framing verb's passive subject decides.
            return agents + patients, []
        return agents, patients
    if tok.dep_ in ("relcl", "acl") and head.pos_ in ("NOUN", "PROPN"):
        if any(c.lower_ == "to" for c in _kids(tok)) or tok.tag_ == "VBG":
            owner = ctx.owner.get(head.i)
            if owner is not None and owner.nominal:
                return _nominal_agents(ctx, owner, depth + 1), []
            if _lemma(head) in NOUNS:
                # "a visit to meet X" where the visit was folded into "head (to Seoul)"
                governor = head.head.head if head.head.dep_ == "prep" else head.head
                if governor.pos_ in ("VERB", "AUX") and governor != head:
                    return _subject(ctx, governor, depth + 1)
                return [], []
            return [head], []
    if tok.dep_ in ("relcl", "acl") and tok.tag_ == "VBN":
        return [], [head]
    return [], []


def _undateline(ctx: _Context, tok: Token) -> Token | None:
    """A subject parsed onto the dateline ("SEOUL, ... - Kishida will") stands for its apposition."""
    if tok.idx >= ctx.dateline_end:
        return tok
    for child in tok.subtree:
        if child.dep_ == "appos" and child.idx >= ctx.dateline_end:
            return child
    return None


def _nominal_agents(ctx: _Context, cand: _Candidate, depth: int = 0) -> list[Token]:
    trigger = cand.trigger
    agents = []
    for child in _kids(trigger):
        if child.dep_ == "poss" and cand.type not in _PATIENT_POSSESSOR:
            agents.append(child)
        elif child.dep_ in ("compound", "amod", "nmod") and child.ent_type_ in _ACTOR_TYPES:
            agents.append(child)
        elif child.dep_ == "prep" and child.lower_ == "by":
            agents.extend(_children(child, "pobj"))
        elif child.dep_ == "prep" and child.lower_ == "of" and cand.type in _AGENT_OF:
            agents.extend(_children(child, "pobj"))
    if not agents and cand.clause != trigger and not _undergone(trigger):
        agents, _ = _subject(ctx, cand.clause, depth)
    elif not agents and trigger.dep_ == "pobj" and trigger.head.dep_ == "prep":
        governor = trigger.head.head
        owner = ctx.owner.get(governor.i)
        if owner is not None and not owner.nominal and owner.type == cand.type:
            agents, _ = _subject(ctx, governor, depth)
    return agents


def _actors(ctx: _Context, cand: _Candidate) -> list[Actor]:
    kind = type_of(cand.type)
    found: list[tuple[str, Token]] = []
    if cand.nominal:
        found += [("agent", t) for t in _nominal_agents(ctx, cand)]
        if cand.clause != cand.trigger:
            agents, patients = _subject(ctx, cand.clause)
            found += [("patient", t) for t in patients]
            if _undergone(cand.trigger):
                found += [("patient", t) for t in agents]
        for child in _kids(cand.trigger):
            if child.dep_ == "poss" and cand.type in _PATIENT_POSSESSOR:
                found.append(("patient", child))
            elif child.dep_ == "prep" and child.lower_ in ("of", "on", "against"):
                if child.lower_ != "of" or cand.type not in _AGENT_OF:
                    found += [("patient", t) for t in _children(child, "pobj")]
        heads = [cand.trigger] if cand.clause == cand.trigger else [cand.trigger, cand.clause]
    else:
        agents, patients = _subject(ctx, cand.clause)
        found += [("agent", t) for t in agents] + [("patient", t) for t in patients]
        heads = [cand.clause, *cand.absorbed]
    for head in heads:
        for child in _kids(head):
            if child.dep_ == "dobj" and child != cand.trigger and not _same_word(child, cand.trigger):
                if cand.type == "visit" and child.ent_type_ in _PLACE_TYPES:
                    continue
                if child.i in [t.i for t in cand.absorbed]:
                    continue
                addressee = (child.ent_type_ in ("PERSON", "ORG", "NORP", "GPE")
                             or child.pos_ == "PRON" or _lemma(child) in OFFICE_NOUNS)
                role = ("participant" if kind.symmetric else
                        "recipient" if cand.type in _ADDRESSED and addressee else "patient")
                found.append((role, child))
            elif child.dep_ in ("dative", "iobj"):
                found += [("recipient", t) for t in [child, *_children(child, "pobj")]
                          if t.pos_ != "ADP"]
            elif child.dep_ == "prep" and child.lower_ in ("with", "between", "among", "against"):
                role = "patient" if child.lower_ == "against" else "participant"
                found += [(role, t) for t in _children(child, "pobj")]
            elif child.dep_ == "prep" and child.lower_ == "to" and cand.type in (
                    "statement", "appeal", "aid", "cooperation", "threat", "demand", "award"):
                found += [("recipient", t) for t in _children(child, "pobj")]
    expanded: list[tuple[str, Token]] = []
    for role, tok in found:
        if kind.symmetric and role in ("agent", "patient"):
            role = "participant"
        expanded.append((role, tok))
        expanded += [(role, c) for c in tok.conjuncts if c.i > tok.i]
    actors: list[Actor] = []
    seen: set[tuple[str, str]] = set()
    # Agents first: an object pronoun is never the clause's own agent ("Kishida ... tell him").
    expanded.sort(key=lambda pair: pair[0] != "agent")
    agents: set[str] = set()
    for role, tok in expanded:
        actor = _resolve_actor(ctx, tok, role, agents if role != "agent" else set())
        if actor is not None and role == "agent" and actor.entity_id:
            agents.add(actor.entity_id)
        if actor is None:
            continue
        key = (actor.entity_id or f"{actor.mention.start}", role)
        if key in seen:
            continue
        seen.add(key)
        actors.append(actor)
    return actors


def _noun_phrase(tok: Token) -> tuple[int, int]:
    """Offsets of `tok` with its left modifiers ("Japan's outgoing Prime Minister Fumio Kishida"),
    and for a common noun the "of" phrase that says whose it is ("the makers of Toblerone")."""
    start = tok
    for left in tok.lefts:
        if left.dep_ not in ("punct", "cc", "prep") and left.pos_ != "PUNCT":
            start = left.left_edge if left.left_edge.i < start.i else start
            break
    end = tok
    for right in tok.rights:
        if right.dep_ in ("compound", "flat", "nummod") or right.ent_iob_ == "I":
            end = right
        elif (right.dep_ == "prep" and right.lower_ == "of" and tok.pos_ == "NOUN"
              and right.right_edge.i - tok.i <= 6
              and any(t.ent_type_ in _NAME_TYPES for t in right.subtree)):
            end = right.right_edge  # "the makers of Toblerone", "fans of the Chicago Cubs"
            break
        else:
            break
    return start.idx, end.idx + len(end.text)


def _resolve_actor(ctx: _Context, tok: Token, role: str, exclude: set[str]) -> Actor | None:
    if tok.pos_ in ("PUNCT", "ADP", "DET") or tok.i in ctx.time_tokens:
        return None
    if tok.tag_ in ("WP", "WDT") and tok.head.dep_ in ("relcl", "acl") and tok.head.head != tok:
        tok = tok.head.head  # "a boy who fell": the relative pronoun stands for "a boy"
    start, end = _noun_phrase(tok)
    hit = ctx.mention_at(tok)
    entity: LinkedEntity | None = hit[0] if hit is not None else None
    if entity is not None and entity.type not in _ACTOR_TYPES:
        entity = None
    if entity is None and tok.pos_ == "PRON" and tok.lower_ in _PERSONAL:
        entity = _antecedent(ctx, tok, exclude)
        start, end = tok.idx, tok.idx + len(tok.text)
    elif entity is None and tok.lower_ in _COLLECTIVE:
        entity = _governing_subject(ctx, tok)
        start, end = tok.idx, tok.idx + len(tok.text)
    if entity is None and _lemma(tok) in OFFICE_NOUNS:
        entity = _office_holder(ctx, tok)
    return Actor(role=role, mention=ctx.span(start, end),
                 entity_id=entity.id if entity else None, name=entity.name if entity else None,
                 type=entity.type if entity else None)


def _antecedent(ctx: _Context, pronoun: Token, exclude: set[str]) -> LinkedEntity | None:
    """The person 'he'/'she' most likely is: the latest person named as a subject in this or the
    previous sentence, else the latest person named at all; never one of `exclude`."""
    earlier = [(e, m) for e, m in ctx.index.before(pronoun.idx, ("PERSON",))
               if e.id not in exclude]
    if not earlier:
        return None
    sentence = ctx.sentence(pronoun)[0]
    for entity, mention in earlier[:6]:
        span = ctx.doc.char_span(mention.start, mention.end, alignment_mode="expand")
        if span is None:
            continue
        if sentence - ctx.sentence(span.root)[0] > 1:
            break
        if span.root.dep_ in ("nsubj", "nsubjpass") or (
                span.root.dep_ == "appos" and span.root.head.dep_ in ("nsubj", "nsubjpass")):
            return entity
    return earlier[0][0]


def _governing_subject(ctx: _Context, pronoun: Token) -> LinkedEntity | None:
    """The organisation or country "it"/"they" stands for when it is the subject of the clause
    the pronoun's clause depends on ("Mondelez said it had changed the design", "the Taliban
    said they carried out the attack", "Toblerone came under fire after it increased ...")."""
    clause = pronoun.head
    for _ in range(3):
        if clause.dep_ not in ("ccomp", "advcl", "conj", "parataxis") or clause.head == clause:
            return None
        clause = clause.head
        for subject in _children(clause, "nsubj", "nsubjpass"):
            # the subject, or its apposition ("The makers, Mondelez International, said")
            for named in (subject, *_children(subject, "appos")):
                hit = ctx.mention_at(named)
                if hit is not None and hit[0].type in ("ORG", "GPE", "NORP"):
                    return hit[0]
        if any(c.dep_ in ("nsubj", "nsubjpass") for c in _kids(clause)):
            return None  # someone else's clause: "he said it ..."
    return None


def _office_holder(ctx: _Context, tok: Token) -> LinkedEntity | None:
    """'South Korea's leader' -> the one person the article gives a South Korean office."""
    country = None
    for child in _kids(tok):
        if child.dep_ in ("poss", "compound", "amod") and child.ent_type_ in ("GPE", "NORP"):
            hit = ctx.index.at(child.idx, child.idx + len(child.text))
            place = hit.place if hit is not None else None
            country = place.country_code if place is not None else None
    if country is None:
        return None
    holders = [e for e in ctx.index.entities if e.type == "PERSON"
               and any(r.country_code == country for r in e.roles)]
    return holders[0] if len(holders) == 1 else None


# --- place and time ---------------------------------------------------------------------------

def _walk(tok: Token, depth: int = 0, via: Token | None = None
          ) -> Iterator[tuple[Token, Token | None, int]]:
    """(token, governing preposition, depth) below `tok`, not entering other clauses. A name
    after a place noun ("in the city of Mazar-e-Sharif") takes the place noun's preposition."""
    for child in _kids(tok):
        if child.dep_ in ("prep", "agent"):
            prep = via if child.lower_ == "of" and _place_noun(tok) and via is not None else child
            for pobj in _children(child, "pobj"):
                yield pobj, prep, depth
                if depth < 2:
                    yield from _walk(pobj, depth + 1, prep)
        elif child.dep_ in ("dobj", "npadvmod", "compound", "appos", "conj", "attr", "advmod",
                            "pobj", "nmod") and child.pos_ not in ("VERB", "AUX"):
            yield child, None, depth
            if depth < 2:
                yield from _walk(child, depth + 1)


def _place_noun(tok: Token) -> bool:
    return tok.pos_ == "NOUN" and _lemma(tok) in _PLACE_NOUNS


def _governing_preposition(tok: Token) -> Token | None:
    """The preposition `tok` is the object of, through a place noun ("in the city of X" -> in)."""
    if tok.dep_ != "pobj":
        return None
    prep = tok.head
    noun = prep.head
    if prep.lower_ == "of" and _place_noun(noun) and noun.dep_ == "pobj" and noun.head != noun:
        return noun.head
    return prep


def _place_preposition(tok: Token) -> Token | None:
    """`_governing_preposition`, also for a name modifying a place noun ("in Kunduz province")."""
    while tok.dep_ == "compound" and tok.head.pos_ == "PROPN" and tok.head != tok:
        tok = tok.head  # "Mazar" of "Mazar - i - Sharif city"
    if tok.dep_ in ("compound", "poss", "nmod") and _place_noun(tok.head):
        return _governing_preposition(tok.head)
    return _governing_preposition(tok)


def _location(ctx: _Context, cand: _Candidate, seen: set[int]) -> EventLocation | None:
    seen.add(cand.trigger.i)
    heads = [cand.trigger] if cand.clause == cand.trigger else [cand.clause, cand.trigger]
    heads += cand.absorbed
    best: tuple[int, Token] | None = None
    for head in heads:
        for tok, prep, depth in _walk(head):
            locative = prep is not None and prep.lower_ in _LOCATIVE
            # "at the White House", "outside Trump Tower": a named building taken for an org
            if not ctx.place_token(tok) and not (
                    locative and tok.ent_type_ in _BUILDING_TYPES and prep.lower_ in _AT) and not (
                    locative and tok.pos_ == "PROPN" and not tok.ent_type_
                    and prep.i != tok.head.i):
                continue  # the last: a name the model missed after "the city of"
            direct = (prep is None and (tok.dep_ == "compound" and cand.nominal
                                        or tok.dep_ == "dobj" and cand.type == "visit"))
            if (locative or direct) and (best is None or depth < best[0]):
                best = (depth, tok)
    if best is not None:
        return _place_at(ctx, best[1])
    governor = _governing_candidate(ctx, cand)
    if governor is not None and governor.trigger.i not in seen:
        return _location(ctx, governor, seen)
    return None


def _place_at(ctx: _Context, tok: Token) -> EventLocation:
    hit = ctx.mention_at(tok)
    if hit is not None:
        entity, mention = hit
        place = ctx.place_of(entity) or resolve_place(entity.name, entity.type)
        end = _whole_name_end(ctx, mention.end)
        name = entity.name if end == mention.end else ctx.text[mention.start:end]
        return _event_location(ctx.span(mention.start, end), name, entity.id, place)
    span = ctx.doc[tok.i:tok.i + 1]
    for ent in ctx.ents:
        if ent.start <= tok.i < ent.end:
            span = ent
    if not tok.ent_type_:
        # A name the model missed, whole: "Mazar - e - Sharif" is one name, not "Sharif"
        words = ctx.doc[tok.left_edge.i:tok.i + 1]
        if all(t.pos_ == "PROPN" or t.text == "-" for t in words):
            span = words
        hit = ctx.index.mention_at(span.start_char, span.end_char)
        if hit is not None and hit[0].type in _PLACE_TYPES:
            return _event_location(ctx.span(span.start_char, span.end_char), span.text,
                                   hit[0].id, hit[0].place)
    return _event_location(ctx.span(span.start_char, span.end_char),
                           span.text, None, resolve_place(span.text, tok.ent_type_))


def _event_location(mention: Span | None, name: str, entity_id: str | None, place: object,
                    source: str = "text") -> EventLocation:
    return EventLocation(
        mention=mention, name=name, entity_id=entity_id, source=source,  # type: ignore[arg-type]
        country_code=getattr(place, "country_code", None),
        latitude=getattr(place, "latitude", None), longitude=getattr(place, "longitude", None),
        geonames_id=getattr(place, "geonames_id", None))


def _governing_candidate(ctx: _Context, cand: _Candidate) -> _Candidate | None:
    """The event this one depends on for place and time: a purpose, an infinitive, a noun's verb."""
    key = id(cand)
    if key not in ctx.governors:
        ctx.governors[key] = _find_governor(ctx, cand)
    return ctx.governors[key]


def _find_governor(ctx: _Context, cand: _Candidate) -> _Candidate | None:
    tok = cand.clause
    for _ in range(4):
        head = _head(tok)
        if head.i == tok.i:
            return None
        dep = tok.dep_
        if dep in ("ccomp", "parataxis"):
            return None
        # the morphology last: building it is the dearest of these
        if dep != "conj" and not (tok.pos_ in ("NOUN", "PROPN")
                                  or any(c.lower_ == "to" and c.dep_ == "aux" for c in _kids(tok))
                                  or not ctx.verb_form(tok)[0]):
            return None
        if dep == "conj" and _children(tok, *_SUBJECTS, *_PASSIVE_SUBJECTS):
            return None
        tok = head
        owner = ctx.owner.get(tok.i)
        if owner is not None and owner is not cand:
            return owner
    return None


def _time(ctx: _Context, cand: _Candidate, seen: set[int]) -> EventTime | None:
    seen.add(cand.trigger.i)
    options = ctx.times_of.get(id(cand), [])
    if options:
        expr = min(options, key=lambda m: (abs(m.start - cand.trigger.idx), m.start))
        return EventTime(mention=ctx.span(expr.start, expr.end),
                         value=expr.value or "", source="text")
    governor = _governing_candidate(ctx, cand)
    if governor is not None and governor.trigger.i not in seen:
        return _time(ctx, governor, seen)
    return None


def _fill_fallbacks(ctx: _Context, ranked: list[_Candidate]) -> None:
    """Places and times for events whose clause gives none.

    Places: for the main event, `_main_place` (the dateline's place among its candidates), else
    the place the headline names, else the story's place (`_story_place`); for the others, a
    place elsewhere in the event's sentence, else the dateline's. Times: a date elsewhere in the
    event's sentence; for the main event only, the lead's date; the reference date.
    """
    # Only dates and places no other event in the sentence has taken: "after the pair worked
    # ..." must not borrow the "Friday" of "will head to Seoul on Friday".
    by_sentence_time: dict[int, list[Mention]] = {}
    lead_times: dict[int, list[Mention]] = {}
    for root_i, mentions in ctx.times_by_token.items():
        sentence = ctx.sentence(ctx.doc[root_i])[0]
        lead_times.setdefault(sentence, []).extend(mentions)
        free = [m for m in mentions if m.start not in ctx.attached_times
                and not (m.value or "").endswith("_REF")]
        if free:
            by_sentence_time.setdefault(sentence, []).extend(free)
    taken = {c.location.mention.start for c in ranked
             if c.location is not None and c.location.mention is not None}
    by_sentence_place: dict[int, list[Token]] = {}
    for ent in ctx.ents:
        if ent.label_ not in _PLACE_TYPES:
            continue
        for tok in ent:
            if (tok.dep_ == "pobj" and tok.idx >= ctx.dateline_end
                    and _head(tok).lower_ in _LOCATIVE and not _taken(ctx, tok, taken)):
                by_sentence_place.setdefault(ctx.sentence(tok)[0], []).append(tok)
    dateline_place = _dateline_place(ctx)
    for rank, cand in enumerate(ranked):
        sentence = ctx.sentence(cand.trigger)[0]
        if rank == 0:
            cand.location = (_main_place(ctx, cand, sentence, dateline_place)
                             or _headline_place(ctx) or _story_place(ctx))
        elif cand.location is None:
            places = by_sentence_place.get(sentence, [])
            if places:
                nearest = min(places, key=lambda t: abs(t.i - cand.trigger.i))
                cand.location = _place_at(ctx, nearest)
            elif dateline_place is not None:
                cand.location = dateline_place
        if cand.location is not None and cand.location.source == "text":
            cand.location = _finer_place(ctx, cand, sentence, rank == 0) or cand.location
            cand.location = _venue_city(ctx, cand.location) or cand.location
        if rank == 0:
            cand.time = _main_time(ctx, cand, sentence, lead_times, ranked)
        elif cand.time is None:
            times = by_sentence_time.get(sentence, [])
            if times:
                expr = min(times, key=lambda m: (abs(m.start - cand.trigger.idx), m.start))
                cand.time = EventTime(mention=ctx.span(expr.start, expr.end),
                                      value=expr.value or "", source="text")
            else:
                cand.time = ctx.reference_time


def _main_time(ctx: _Context, cand: _Candidate, sentence: int,
               times_by_sentence: dict[int, list[Mention]],
               others: list[_Candidate]) -> EventTime:
    """The main event's time: its own, else the nearest in its sentence, else the first in the
    lead or before the event's sentence, else the reference date.

    Only a specific date counts here: not "now" or "recently" (a _REF value) and not a date
    years away from the reference date, which in a news story's lead is background ("the
    first title since 1908"), not when the news happened; nor one in a relative clause the
    event is not in ("Smith, who won the primary on Wednesday, praised the talks"), which
    describes a participant; nor one in a sentence that turns to another story ("Separately,
    ..."). A time the event only takes from the event it depends on ("the
    toll from the bombing rose on Sunday") gives way to one another mention of the same word
    gives directly ("the bombing early Saturday"). The event's own time is kept when nothing
    specific is found; a reference date stands on the text's own mention of that day when
    there is one (`_reference_mention`).
    """
    def specific(value: str | None) -> bool:
        if not value or value.endswith("_REF"):
            return False
        match = _DATE_VALUE.match(value)
        return match is None or ctx.news_year(int(match.group(1)))

    def background(m: Mention) -> bool:
        span = ctx.doc.char_span(m.start, m.end, alignment_mode="expand")
        if span is None:
            return False
        # "Separately, its former boss began testimony on Friday": another story's date
        opener = ctx.sentence(span.root)[1][0]
        return opener.lower_ in _ASIDE or _in_other_relative_clause(span.root, cand.trigger)

    own = cand.time
    near_top = [other for other in others if other is not cand
                and ctx.sentence(other.trigger)[0] - ctx.first_sentence < _RESTATED_WITHIN]
    # Another mention of the same event near the top ("After Thursday's meeting") dates it.
    same = [m for other in near_top if _restates(other, cand)
            for m in ctx.times_of.get(id(other), []) if specific(m.value)]
    # A date the event only takes from the event it depends on ("the toll from the bombing rose
    # on Sunday") gives way to the one a mention of the same word has ("the bombing on Saturday").
    restated = [m for other in near_top
                if _same_stem(other.lemma.split()[0], cand.lemma.split()[0])
                for m in ctx.times_of.get(id(other), []) if specific(m.value)]
    if restated and own is not None and own.source == "text" and not ctx.times_of.get(id(cand)):
        expr = min(restated, key=lambda m: (abs(m.start - cand.trigger.idx), m.start))
    elif own is not None and own.source == "text" and specific(own.value):
        sharper = _sharper_time(ctx, own.value, own.mention.text if own.mention else "")
        if sharper is not None:
            return EventTime(mention=ctx.span(sharper.start, sharper.end),
                             value=sharper.value or "", source="text")
        return own
    elif here := [m for m in times_by_sentence.get(sentence, [])
                  if specific(m.value) and not background(m)]:
        expr = min(here, key=lambda m: (abs(m.start - cand.trigger.idx), m.start))
    elif same:
        expr = min(same, key=lambda m: (abs(m.start - cand.trigger.idx), m.start))
    else:
        # The lead's first date: the lead's four sentences, or down to the event's own.
        window = max(4, sentence - ctx.first_sentence + 1)
        expr = next((m for i in sorted(times_by_sentence)
                     if 0 <= i - ctx.first_sentence < window and not ctx.boilerplate(i)
                     for m in sorted(times_by_sentence[i], key=lambda m: m.start)
                     if specific(m.value) and not background(m)), None)
    if expr is not None:
        expr = _sharper_time(ctx, expr.value, ctx.text[expr.start:expr.end]) or expr
        return EventTime(mention=ctx.span(expr.start, expr.end), value=expr.value or "",
                         source="text")
    if own is not None:
        return own
    expr = _reference_mention(ctx)
    if expr is not None:
        return EventTime(mention=ctx.span(expr.start, expr.end), value=expr.value or "",
                         source="text")
    return ctx.reference_time


def _in_other_relative_clause(tok: Token, trigger: Token) -> bool:
    """Whether `tok` is in a relative clause on a named participant that `trigger` is not in:
    "Smith, who won the primary on Wednesday, ..." says when a participant did something else
    ("the merger, which was announced last month" still dates the merger)."""
    for _ in range(12):
        head = _head(tok)
        if tok.dep_ == "relcl":
            return head.pos_ == "PROPN" and not tok.left_edge.i <= trigger.i <= tok.right_edge.i
        if head.i == tok.i:
            return False
        tok = head
    return False


def _reference_mention(ctx: _Context) -> Mention | None:
    """The text's first mention of the reference date's day outside page furniture ("the minister
    flew home today"), for a main event dated by the reference date alone: the same date, with
    words in the story that say it. None when the text never names that day."""
    day = ctx.reference.isoformat()
    found = []
    for root_i, mentions in ctx.times_by_token.items():
        tok = ctx.doc[root_i]
        if ctx.boilerplate(ctx.sentence(tok)[0]) or ctx.in_furniture(tok):
            continue
        found.extend(m for m in mentions if m.value == day)
    return min(found, key=lambda m: m.start) if found else None


#: A TIMEX3 value that gives only a part of a day ("the morning": `2016-11-09TMO`).
_PART_OF_DAY = re.compile(r"^(\d{4}-\d{2}-\d{2})T(MO|AF|EV|NI|MI)$")
#: A TIMEX3 value with a clock time ("6.10am on Wednesday": `2016-11-09T06:10`).
_CLOCK = re.compile(r"^(\d{4}-\d{2}-\d{2})T(\d{2}):\d{2}")
#: The hours each part of the day spans, as [from, to).
_PART_HOURS = {"MO": (4, 12), "MI": (11, 14), "AF": (12, 18), "EV": (17, 23), "NI": (20, 29)}
#: Words that name the day of a time expression ("Wednesday", "Nov 9", "yesterday").
_NAMES_DAY = re.compile(r"\d|\b(?:mon|tues|wednes|thurs|fri|satur|sun)day\b|\b(?:today|"
                        r"yesterday|tomorrow|tonight|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|"
                        r"dec)", re.I)


#: "this morning", "this afternoon": a part of the day that names its day.
_THIS = re.compile(r"\bthis\b", re.I)
#: A clock time as written ("4:15pm", "6.10am", "9pm"): its digits name no day.
_CLOCK_TEXT = re.compile(r"\b\d{1,2}(?:[:.]\d{2})?\s*[ap]\.?m\b\.?|\b\d{1,2}[:.]\d{2}\b", re.I)


def _sharper_time(ctx: _Context, value: str | None, written: str = "") -> Mention | None:
    """A more specific expression of the same time, when the event's time only gives a part of
    a day: the lead's "during the morning rush hour" is the "6.10am on Wednesday" the story gives
    further down. The best is a clock time within that part of the day that names its day too,
    then one that does not, then the day itself by name ("Wednesday"); the earliest of the best.
    A part of a day `written` with its day ("this afternoon", "Wednesday morning") is sharpened
    only by a clock time that names the day too: a bare "4:15pm" that afternoon may time
    anything, and the day's name says less. None when the article has none."""
    match = _PART_OF_DAY.match(value or "")
    if match is None:
        return None
    day, part = match.groups()
    anchored = bool(_NAMES_DAY.search(_CLOCK_TEXT.sub(" ", written)) or _THIS.search(written))
    low, high = _PART_HOURS[part]
    best: tuple[int, int, Mention] | None = None
    for mentions in ctx.times_by_token.values():
        for m in mentions:
            text = _CLOCK_TEXT.sub(" ", ctx.text[m.start:m.end])
            names = bool(_NAMES_DAY.search(text))
            clock = _CLOCK.match(m.value or "")
            if clock is not None and clock.group(1) == day and low <= int(clock.group(2)) < high:
                rank = 3 if names else 2
            elif names and (m.value == day or m.value == value):
                rank = 1
            else:
                continue
            if anchored and rank < 3:
                continue
            span = ctx.doc.char_span(m.start, m.end, alignment_mode="expand")
            if span is None or ctx.boilerplate(ctx.sentence(span.root)[0]):
                continue
            if best is None or (rank, -m.start) > best[:2]:
                best = (rank, -m.start, m)
    return best[2] if best is not None else None


def _restates(one: _Candidate, other: _Candidate) -> bool:
    """Whether two candidates may be mentions of one event: the same type, or the same stem."""
    if one.type == other.type and one.type not in ("other", "statement"):
        return True
    return _same_stem(one.lemma.split()[0], other.lemma.split()[0])


def _finer_place(ctx: _Context, cand: _Candidate, sentence: int, main: bool = False
                 ) -> EventLocation | None:
    """A city or region of the event's country named in its sentence, for a country-level place:
    "killed in Afghanistan ... in Mazar-i-Sharif" is placed in Mazar-i-Sharif. For the main
    event, also one the headline names that the lead names too ("Attack in Mazar-e-Sharif":
    "... a consulate in Afghanistan. Gunmen attacked it in the city of Mazar-e-Sharif")."""
    assert cand.location is not None
    entity = ctx.index.by_id(cand.location.entity_id) if cand.location.entity_id else None
    country = ctx.place_of(entity) if entity is not None else None
    if country is None or country.kind != "country":
        return None
    sent = ctx.sents[sentence]
    lead_end = ctx.sents[min(ctx.first_sentence + 2, len(ctx.sents) - 1)].end_char
    finer = []
    for e in ctx.index.entities:
        place = ctx.place_of(e) if e.type in _PLACE_TYPES or e.type == "ORG" else None
        if (place is None or place.kind not in ("city", "region")
                or place.country_code != country.country_code):
            continue
        headline = main and any(m.field == "headline" for m in e.mentions)
        for m in e.body_mentions():
            if sent.start_char <= m.start < sent.end_char:
                finer.append((0, abs(m.start - cand.trigger.idx), e, m, place))
            elif headline and ctx.dateline_end <= m.start < lead_end:
                finer.append((1, abs(m.start - cand.trigger.idx), e, m, place))
    if not finer:
        return None
    _, _, best, mention, place = min(finer, key=lambda f: (f[0], f[1], f[3].start))
    end = _whole_name_end(ctx, mention.end)
    name = best.name if end == mention.end else ctx.text[mention.start:end]
    return _event_location(ctx.span(mention.start, end), name, best.id, place)


_HYPHENATED = re.compile(r"(?:-[^\W\d_]+)+")


def _whole_name_end(ctx: _Context, end: int) -> int:
    """Where a name cut short at a hyphen ends ("Mazar" of "Mazar-e-Sharif")."""
    match = _HYPHENATED.match(ctx.text, end)
    return match.end() if match is not None else end


def _venue_city(ctx: _Context, location: EventLocation) -> EventLocation | None:
    """For a venue (a building or site the gazetteer does not know: "Trump Tower", "the German
    consulate", a racing circuit), the venue in the city the text puts it in: its own "in"
    phrase ("outside Trump Tower in New York City", "the consulate in the northern hub of
    Mazar-i-Sharif"), else a known city after a locative preposition in the venue's sentence or
    the one before, nearest first, else, for a site the model takes for a place, one near
    another of its mentions (`_city_near_venue`). Named "venue, city", with the city's country,
    coordinates and GeoNames id; the mention stays the venue's. None when the place is not a
    venue or no city is named."""
    if location.mention is None or location.entity_id is None:
        return None
    venue = ctx.index.by_id(location.entity_id)
    if (venue is None or venue.type not in ("FAC", "GPE", "LOC", *_BUILDING_TYPES)
            or ctx.place_of(venue)):
        return None
    span = ctx.doc.char_span(location.mention.start, location.mention.end,
                             alignment_mode="expand")
    if span is None:
        return None
    city: EventLocation | None = None
    for tok, prep, _ in _walk(span.root):
        if prep is None or prep.lower_ != "in":
            continue
        hit = ctx.mention_at(tok)
        if hit is not None and hit[0].type in ("GPE", "LOC") and hit[0].id != venue.id:
            place = ctx.place_of(hit[0])
            if place is None or place.kind in ("city", "region"):
                city = _place_at(ctx, tok)
                break
        elif hit is None and tok.pos_ == "PROPN" and prep.i != tok.head.i:
            city = _place_at(ctx, tok)  # a name the model missed after "the city of"
            break
    if city is None:
        sentence = ctx.sentence(span.root)[0]
        lo = ctx.sents[max(sentence - 1, 0)].start_char
        hi = ctx.sents[sentence].end_char
        near: list[tuple[int, int, Token]] = []
        for entity in ctx.index.entities:
            place = ctx.place_of(entity) if entity.type in _PLACE_TYPES else None
            if place is None or place.kind != "city":
                continue
            for m in entity.body_mentions():
                found = ctx.doc.char_span(m.start, m.end, alignment_mode="expand")
                if found is None or not lo <= m.start < hi or m.start < ctx.dateline_end:
                    continue
                prep = _place_preposition(found.root)
                if prep is not None and prep.lower_ in _LOCATIVE:
                    near.append((abs(m.start - location.mention.start), m.start, found.root))
        if near:
            city = _place_at(ctx, min(near)[2])
    if city is None and venue.type in ("FAC", "GPE", "LOC"):
        # only for a place: the mentions of a building taken for an organisation are often the
        # organisation ("the White House said"), and no guide to where the building is
        city = _city_near_venue(ctx, venue)
    if city is None:
        return None
    return location.model_copy(update={
        "name": f"{venue.name}, {city.name}", "country_code": city.country_code,
        "latitude": city.latitude, "longitude": city.longitude,
        "geonames_id": city.geonames_id})


def _city_near_venue(ctx: _Context, venue: LinkedEntity) -> EventLocation | None:
    """A known city the text puts something in or at within a few sentences of any mention of
    `venue`, nearest first: a story names a venue's city near one of its mentions, not always
    the one the event is at ("the race at Brandvale Park" ... "rain fell here in Porto"): one
    that places an action or the venue, not another thing ("the airport in Porto"). None when
    there is none."""
    windows = []
    for m in venue.body_mentions():
        span = ctx.doc.char_span(m.start, m.end, alignment_mode="expand")
        if span is not None and not ctx.in_furniture(span.root):
            sentence = ctx.sentence(span.root)[0]
            windows.append((ctx.sents[max(sentence - _VENUE_WINDOW, 0)].start_char,
                            ctx.sents[min(sentence + _VENUE_WINDOW, len(ctx.sents) - 1)].end_char,
                            m.start))
    near: list[tuple[int, int, Token]] = []
    for entity in ctx.index.entities:
        place = ctx.place_of(entity) if entity.type in _PLACE_TYPES else None
        if place is None or place.kind != "city" or entity.id == venue.id:
            continue
        for m in entity.body_mentions():
            distance = min((abs(m.start - at) for lo, hi, at in windows if lo <= m.start < hi),
                           default=None)
            if distance is None or m.start < ctx.dateline_end:
                continue
            found = ctx.doc.char_span(m.start, m.end, alignment_mode="expand")
            if found is None or ctx.in_furniture(found.root):
                continue
            prep = _place_preposition(found.root)
            if prep is None or prep.lower_ not in _SETTING:
                continue
            # where something happened ("fell here in Porto"), or the venue's own city; not the
            # city of a thing ("the airport in Porto", "her home in Paris")
            placed = _head(prep)
            hit = ctx.mention_at(placed) if placed.ent_type_ else None
            if (placed.pos_ in ("VERB", "AUX", "ADV") or hit is not None and hit[0].id == venue.id
                    or placed.pos_ == "NOUN" and _noun_type(placed) is not None):
                near.append((distance, m.start, found.root))
    return _place_at(ctx, min(near)[2]) if near else None


def _taken(ctx: _Context, tok: Token, starts: set[int]) -> bool:
    hit = ctx.mention_at(tok)
    start = hit[1].start if hit is not None else tok.idx
    return start in starts or tok.idx in starts


def _dateline_place(ctx: _Context) -> EventLocation | None:
    """The dateline's place; for a page that repeats its headline and byline before the wire
    copy, the place of the dateline after the byline (`shared.dateline.byline_dateline`)."""
    dateline = ctx.article.dateline
    if dateline is not None:
        name, lo, hi = dateline.place, dateline.span.start, dateline.span.end
    else:
        found = byline_dateline(ctx.text, ctx.reference)
        name, lo, hi = (found.place, found.start, found.end) if found else (None, 0, 0)
    if not name:
        return None
    start = ctx.text.lower().find(name.lower(), lo, hi)
    mention = None
    entity = None
    if start >= 0:
        end = start + len(name)
        mention = ctx.span(start, end)
        entity = ctx.index.at(start, end)
        if entity is not None and entity.name.lower() != name.lower():
            entity = None  # a byline name run into the place ("Tom Poe LISBON")
    place = (entity.place if entity is not None and entity.place is not None
             else resolve_place(name, "GPE"))
    name = entity.name if entity is not None else name
    return _event_location(mention, name, entity.id if entity else None, place,
                           source="dateline")


def _main_place(ctx: _Context, cand: _Candidate, sentence: int,
                dateline: EventLocation | None = None) -> EventLocation | None:
    """The main event's place: the best-placed place the text names near it.

    Candidates are the place entities (GPE/LOC/FAC) mentioned in the event's sentence or the
    lead, plus the place its own clause gives, plus the dateline's place. A place scores for
    being the clause's own, for its sentence (nearer is better), for a locative preposition
    ("in Croydon"), for being named in the headline too, and for being finer than a country
    ("killed in Afghanistan's Mazar-i-Sharif" happened in the city); a country used as a
    modifier ("US election", "German consulate") scores less, and where a company is based
    ("US-based Mondelez", "England footballer Paul Gascoigne") is no candidate, nor is a name
    the model calls a person (`_ever_person`), one of the event's actors, or one in a list of
    firms or people ("hedge funds TCI and Atticus"); a name the event's sentence uses as a
    participant ("comedy Sideways won") scores as a modifier does. The dateline's place, where the story was filed,
    beats the best of these unless that is the clause's own place or a place finer than a
    country after a locative preposition ("in Manchester"): "LONDON -- The carmaker cut jobs,
    although its cars are still made in Germany" is London's story. None when there is no
    candidate.
    """
    lead_last = min(ctx.first_sentence + 2, len(ctx.sents) - 1)
    lead_end = ctx.sents[lead_last].end_char if ctx.sents else 0
    own = cand.location
    #: (score, -start, place, whether it beats the dateline's place)
    best: tuple[float, int, EventLocation, bool] | None = None
    if own is not None and own.mention is not None:
        # The clause's own place, found through a locative or as the noun's modifier.
        entity = ctx.index.by_id(own.entity_id) if own.entity_id else None
        headline = entity is not None and any(m.field == "headline" for m in entity.mentions)
        own_place = ctx.place_of(entity) if entity is not None else None
        fine = own.country_code is None or (own_place is not None and own_place.kind != "country")
        best = (4.0 + headline + 0.75 * fine, -own.mention.start, own, True)
    actors = {a.entity_id for a in cand.actors if a.entity_id}
    for entity in ctx.index.entities:
        if entity.type not in _PLACE_TYPES and entity.type not in _BUILDING_TYPES:
            continue
        if own is not None and own.entity_id == entity.id:
            continue
        if entity.id in actors or _ever_person(ctx, entity):
            continue  # "is to marry Jordan Bratman", "Walker quits": a person, not a place
        place = ctx.place_of(entity)
        town = entity.type == "ORG" and place is not None
        headline = any(m.field == "headline" for m in entity.mentions)
        for mention in entity.body_mentions():
            if mention.start < ctx.dateline_end:
                continue
            if ctx.sents[sentence].start_char <= mention.start < ctx.sents[sentence].end_char:
                score = 2.0 - min(abs(mention.start - cand.trigger.idx), 200) / 400
            elif mention.start < lead_end:
                score = 1.0
            elif entity.id in ctx.headline_places:
                score = 0.5  # further down, but where the headline says it happened
            else:
                continue
            span = ctx.doc.char_span(mention.start, mention.end, alignment_mode="expand")
            root = span.root if span is not None else None
            governing = _place_preposition(root) if root is not None else None
            prep = governing.lower_ if governing is not None else None
            # "at the White House", "outside Trump Tower": a named building taken for an org
            if entity.type in _BUILDING_TYPES and not town and prep not in _AT:
                continue
            if root is None or _origin_modifier(root):
                continue
            if root.ent_type_ == "PERSON":
                continue  # "is to marry music executive Jordan Bratman"
            if root.dep_ in ("conj", "appos") and _head(root).ent_type_ in ("ORG", "PERSON"):
                continue  # one of a list of firms or people: "hedge funds TCI and Atticus"
            score += 1.0 if headline else 0.0
            fine = place is None or place.kind in ("city", "region", "other")
            score += 0.75 if fine else 0.0
            if prep in _LOCATIVE:
                score += 1.0
            elif _names_event(root):
                score += 0.5  # "the Croydon tram crash", "the Brussels summit": where it was
            elif prep == "from" or governing is None and root.dep_ in (
                    "compound", "amod", "nmod", "poss", *_SUBJECTS, *_PASSIVE_SUBJECTS,
                    "dobj", "dative", "attr"):
                # "a driver from Beckenham", "US food giant": where someone or something is
                # from; "comedy Sideways won", "told BBC One's Breakfast": a participant
                score -= 1.0
            key = (score, -mention.start)
            if best is None or key > best[:2]:
                best = (score, -mention.start, _event_location(
                    ctx.span(mention.start, mention.end), entity.name, entity.id, place),
                    fine and prep in _LOCATIVE)
    if best is not None and (best[3] or dateline is None):
        return best[2]
    return dateline if dateline is not None else own


def _ever_person(ctx: _Context, entity: LinkedEntity) -> bool:
    """Whether the model labels the entity's mentions, in the body or the headline, a person at
    least as often as a place ("Sprinter Walker quits" for a "Walker" typed a place once; not
    "Wales" in "will captain Wales", a place four times elsewhere)."""
    headline = headline_doc(ctx.doc)
    person = place = 0
    for m in entity.mentions:
        doc = ctx.doc if m.field == "body" else headline
        span = (doc.char_span(m.start, m.end, alignment_mode="expand")
                if doc is not None else None)
        if span is not None:
            person += span.root.ent_type_ == "PERSON"
            place += span.root.ent_type_ in _PLACE_TYPES
    return person > 0 and person >= place


#: Participles that make a place where something is from: "US-based", "Paris-born".
_ORIGIN_PARTICIPLES = {"based", "born", "headquartered", "registered", "listed", "made", "built"}
#: How many sentences either side of a venue's mention its city may be named in.
_VENUE_WINDOW = 3
#: Prepositions that put a story's action at a place, for `_story_place`.
_SETTING = {"in", "at", "near", "outside", "inside"}


def _origin_modifier(tok: Token) -> bool:
    """Whether `tok` says where something is based or from, not where anything happened:
    "US-based Mondelez", "the London-born singer"."""
    head = _head(tok)
    if head.i == tok.i or tok.dep_ not in ("npadvmod", "compound", "nmod", "amod"):
        return False
    if head.lower_ in _ORIGIN_PARTICIPLES:
        return True
    # "Former England footballer Paul Gascoigne", "Hollywood star Malkovich": whom a person is
    for _ in range(3):
        if head.ent_type_ == "PERSON":
            return True
        if head.dep_ not in ("compound", "amod") or _head(head).i == head.i:
            return False
        head = _head(head)
    return False


def _headline_place(ctx: _Context) -> EventLocation | None:
    """The place the headline puts the news at ("... performance in Brazil") when the body never
    names it near the main event; the first the headline names. No mention: spans quote the
    body, and the headline's is not a body span."""
    found = []
    for entity in ctx.index.entities:
        if entity.id not in ctx.headline_places:
            continue
        place = ctx.place_of(entity)
        if entity.type not in _PLACE_TYPES and place is None:
            continue
        start = min(m.start for m in entity.mentions if m.field == "headline")
        found.append((start, entity, place))
    if not found:
        return None
    _, entity, place = min(found, key=lambda f: f[0])
    return _event_location(None, entity.name, entity.id, place)


def _story_place(ctx: _Context) -> EventLocation | None:
    """Where the story is set when nothing near its main event says: the first place the story's
    text puts something in or at ("went on sale in the UK", "at a rally in the suburbs of
    Leeds"), not in page furniture and not where someone or something is from. None when there
    is none."""
    for ent in ctx.ents:
        if ent.start_char < ctx.dateline_end or not ctx.place_token(ent.root):
            continue
        root = ent.root
        if ctx.in_furniture(root) or ctx.boilerplate(ctx.sentence(root)[0]) or _origin_modifier(root):
            continue
        prep = _place_preposition(root)
        if prep is not None and prep.lower_ in _SETTING:
            return _place_at(ctx, root)
    return None


def _names_event(tok: Token) -> bool:
    """Whether `tok` modifies an eventive noun, directly or through a compound ("Croydon" in
    "the Croydon tram crash")."""
    for _ in range(3):
        if tok.dep_ not in ("compound", "nmod", "amod") or tok.head == tok:
            return False
        tok = tok.head
        if tok.pos_ == "NOUN" and _noun_type(tok) is not None:
            return True
    return False


# --- status -----------------------------------------------------------------------------------

def _status(ctx: _Context, tok: Token, cand: _Candidate, depth: int = 0) -> str:
    """occurred / ongoing / planned / negated / hypothetical for the clause headed by `tok`."""
    children = _kids(tok)
    # each child's relation and word read once: spaCy looks both up in the vocabulary every time
    words = [(c.dep_, c.lower_) for c in children]
    lowers = {lower for _, lower in words}
    if tok.dep_ == "ccomp" and _lemma(tok.head) in ("deny", "dismiss", "refute"):
        return "negated"
    if any(dep == "neg" or dep == "det" and lower == "no" for dep, lower in words):
        return "negated"
    if tok.dep_ == "pobj" and tok.head.lower_ == "without":
        return "negated"
    if any(dep == "mark" and lower in _HYPOTHETICAL_MARKS for dep, lower in words):
        return "hypothetical"
    modal = next((MODALS[lower] for dep, lower in words if dep == "aux" and lower in MODALS),
                 None)
    if modal == "hypothetical" and "would" in lowers and _reported(tok):
        modal = "planned"
    if modal is not None:
        return modal
    if _future_time(ctx, cand):
        return "planned"
    if tok.pos_ in ("NOUN", "PROPN", "ADJ"):
        return _inherited(ctx, tok, cand, depth, default="occurred")
    auxes = [c for c, (dep, _) in zip(children, words, strict=True) if dep in ("aux", "auxpass")]
    if any(c.lower_ == "going" for c in auxes) or ("to" in lowers and any(
            a.lemma_ == "be" and a.dep_ == "aux" for a in auxes)):
        return "planned"
    finite, tenses = ctx.verb_form(tok)
    tense = set(tenses)
    for aux in auxes:
        tense.update(ctx.verb_form(aux)[1])
    finite = finite or any(ctx.verb_form(a)[0] for a in auxes)
    if not finite or tok.dep_ == "xcomp":
        return _inherited(ctx, tok, cand, depth, default="occurred" if "Past" in tense else
                          "planned" if "to" in lowers else "occurred")
    if "Past" in tense:
        return "occurred"
    if tok.tag_ == "VBG" or any(a.lemma_ == "be" for a in auxes if a.dep_ == "aux"):
        return "ongoing"
    if cand.trigger.pos_ == "ADJ" and tok.lemma_ == "be":
        return "occurred"  # "seven people are dead": the state reports what happened
    if _lemma(tok) in REPORTING or tok.dep_ == "ROOT" and ctx.sentence(tok)[0] == ctx.first_sentence:
        return "occurred"
    return "ongoing"


def _inherited(ctx: _Context, tok: Token, cand: _Candidate, depth: int, default: str) -> str:
    head = tok.head
    if head == tok or depth > 5:
        return default
    if tok.dep_ == "xcomp" and _lemma(head) in FRAMING:
        framing = FRAMING[_lemma(head)]
        governor = _status(ctx, head, cand, depth + 1)
        if governor in ("negated", "hypothetical"):
            return governor
        return governor if framing == "inherit" else framing
    if tok.dep_ in ("pobj", "dobj", "nsubj", "nsubjpass", "attr", "compound", "appos", "conj",
                    "npadvmod", "poss"):
        up = head.head if head.dep_ == "prep" else head
        if up.pos_ in ("VERB", "AUX") or up.i in ctx.owner:
            verb = _lemma(up)
            if verb in ("deny", "reject", "cancel", "scrap", "call off", "rule out"):
                return "negated"
            governor = _status(ctx, up, cand, depth + 1)
            if tok.dep_ == "dobj" and verb in FRAMING and verb != "have" and governor not in (
                    "negated", "hypothetical"):
                # "anticipating his resignation", "wants talks": the noun is only intended
                return governor if FRAMING[verb] == "inherit" else FRAMING[verb]
            return governor
        return default
    if tok.dep_ in _DEPENDENT and head.pos_ in ("VERB", "AUX", "NOUN", "PROPN"):
        governor = _status(ctx, head, cand, depth + 1)
        if _lemma(head) in ("deny", "refuse", "reject") and tok.dep_ in ("ccomp", "xcomp"):
            return "negated"
        if governor == "occurred" and default == "planned" and tok.dep_ in ("xcomp", "advcl"):
            return "occurred" if _lemma(head) not in FRAMING else "planned"
        return governor
    return default


def _reported(tok: Token) -> bool:
    """Whether `tok` heads a clause reported by a speech verb ("said ties would continue")."""
    for _ in range(3):
        if tok.head == tok:
            return False
        if tok.dep_ in ("ccomp", "parataxis") and _lemma(tok.head) in REPORTING:
            return True
        tok = tok.head
    return False


def _future_time(ctx: _Context, cand: _Candidate) -> bool:
    """Whether the event's own date lies after the reference date."""
    if cand.time is None or cand.time.source != "text":
        return False
    match = _DATE_VALUE.match(cand.time.value)
    if match is None:
        return False
    parts = [int(p) for p in match.groups() if p is not None]
    ref = [ctx.reference.year, ctx.reference.month, ctx.reference.day][:len(parts)]
    return parts > ref


# --- ranking and output -----------------------------------------------------------------------

#: Weights of the main-event score, tuned on the Giveme5W1H dev set (evaluation/giveme5w1h.py).
WEIGHTS = {"lead": 3.0, "root": 1.5, "conj": 0.6, "framed": 0.7, "complement": 0.3, "typed": 1.0,
           "bare_noun": -0.5, "reporting": -2.5, "named": 0.5, "headline_actor": 2.0,
           "time": 0.2, "place": 0.2, "headline_trigger": 2.0, "headline_event": 1.0,
           "boilerplate": -3.0, "background": -2.0, "unreal": -1.5,
           "pluperfect": -1.0, "quote": -1.5}


def _importance(ctx: _Context, cand: _Candidate) -> float:
    """How likely the candidate is the article's main event: early, a main clause, typed, about
    the names and the action the headline gives; not a reporting verb with content under it."""
    w = WEIGHTS
    sentence = ctx.sentence(cand.trigger)[0]
    score = w["lead"] / (1 + max(sentence - ctx.first_sentence, 0))
    clause = cand.clause
    if clause.dep_ == "ROOT" or _glued_root(ctx, clause):
        score += w["root"]
    elif clause.dep_ == "conj" and clause.head.dep_ == "ROOT":
        score += w["conj"]
    elif clause.dep_ in ("xcomp", "ccomp") and clause.head.dep_ == "ROOT":
        head = _lemma(clause.head)
        score += w["framed"] if head in FRAMING or head in REPORTING else w["complement"]
    if cand.type != "other":
        score += w["typed"]
    if cand.nominal and cand.clause == cand.trigger:
        score += w["bare_noun"]
    if cand.type == "statement" and _reports_content(ctx, cand):
        score += w["reporting"]
    elif cand.type == "statement" and _attributes_quote(ctx, cand):
        score += w["quote"]
    named = [a for a in cand.actors if a.entity_id and a.type in _NAME_TYPES]
    if named:
        score += w["named"]
    if any(a.entity_id in ctx.headline_entities for a in named):
        score += w["headline_actor"]
    if cand.time is not None and cand.time.source == "text":
        score += w["time"]
    if cand.location is not None and cand.location.source == "text":
        score += w["place"]
    restates = _headline_match(ctx, cand)
    score += w["headline_trigger"] * restates
    if restates >= 0.7 and any(a.entity_id in ctx.headline_entities for a in named):
        score += w["headline_event"]
    if _background(ctx, cand):
        score += w["background"]
    if _pluperfect(clause):
        score += w["pluperfect"]
    if cand.status in ("negated", "hypothetical"):
        score += w["unreal"]  # what did not or may not happen is seldom the news
    if ctx.in_furniture(cand.trigger):
        score += w["boilerplate"]
    return score


def _glued_root(ctx: _Context, clause: Token) -> bool:
    """Whether the clause is the main clause of a sentence glued to page furniture before it
    without a full stop: the parser hung it on a word of the furniture ("US election: The
    essentials The nominee cried foul", "try again later Invalid Email Rebels attacked")."""
    head = _head(clause)
    return head is not clause and ctx.in_furniture(head) and not ctx.in_furniture(clause)


def _pluperfect(clause: Token) -> bool:
    """Whether the clause is in the past perfect ("Obama had campaigned for Clinton"): news
    tells what happened in the simple past and gives what had happened before as background
    (a reported clause is only backshifted: "said it had changed the design")."""
    return clause.tag_ == "VBN" and not _reported(clause) and any(
        c.dep_ == "aux" and c.lower_ in ("had", "'d") for c in _kids(clause))


def _background(ctx: _Context, cand: _Candidate) -> bool:
    """Whether the event's own date is years from the reference date: history, not the news."""
    if cand.time is None or cand.time.source != "text":
        return False
    match = _DATE_VALUE.match(cand.time.value)
    return match is not None and not ctx.news_year(int(match.group(1)))


def _headline_match(ctx: _Context, cand: _Candidate) -> float:
    """How well the trigger restates the headline's action: the weight of the headline predicate
    it shares a word stem with ("derailed" ~ "derailment", "meeting" ~ "meet"), else 0.4 when the
    headline only uses the word, not as a predicate; 0 when the headline does not have it. A
    trigger of the same event type as a headline predicate restates it in other words ("Taliban
    attack consulate" ~ "a suicide bomber rammed a truck into the consulate"), for a share of
    that predicate's weight."""
    key = (cand.lemma, cand.trigger.lower_)
    if key not in ctx.restatements:
        ctx.restatements[key] = _restatement(ctx, *key)
    same_type = _SAME_TYPE * ctx.headline_types.get(cand.type, 0.0)
    return max(ctx.restatements[key], same_type)


def _restates_headline_main(ctx: _Context, cand: _Candidate, by_type: bool = True) -> bool:
    """Whether the trigger restates the headline's main predicate (`_headline_main`): it shares
    a stem with it ("landed" restates "Trump lands in Washington", "arrival" "Trump arrives"),
    or, when `by_type`, is of its event type, where that type says what happened ("rammed a
    truck into" restates "bomber hits embassy"; not "statement" or "other")."""
    forms = _forms(cand.lemma, cand.trigger.lower_)
    if any(_same_stem(word, form) for word in ctx.headline_main_words for form in forms):
        return True
    return by_type and cand.type not in _VAGUE_TYPES and cand.type == ctx.headline_main_type


def _forms(lemma: str, form: str, shortest: int = 3) -> set[str]:
    """A trigger's words to compare by stem (`_same_stem`): its lemma's first word and its form,
    those of at least `shortest` letters."""
    return {w for w in (lemma.split()[0], form) if len(w) >= shortest}


def _restatement(ctx: _Context, lemma: str, form: str) -> float:
    forms = _forms(lemma, form)
    if ctx.headline_predicates:
        best = max((weight for word, weight in ctx.headline_predicates.items()
                    if any(_same_stem(word, form) for form in forms)), default=0.0)
        if best:
            return best
        words = ctx.headline_words
        return 0.4 if any(_same_stem(w, form) for w in words for form in forms) else 0.0
    # Without the headline's parse (a doc parsed outside annotate), its words are all there is.
    return 1.0 if any(_same_stem(w, form) for w in ctx.headline_words for form in forms) else 0.0


def _same_stem(a: str, b: str) -> bool:
    """Whether two words look like forms of one stem: the same first five letters, or a short
    word and its inflection ("meet" ~ "meeting", "win" ~ "wins"; not "war" ~ "warning")."""
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    if len(short) < 3:
        return False
    if len(short) < 5:
        return long.startswith(short) and len(long) - len(short) <= 3
    return short[:5] == long[:5]


_QUOTES = "\"\u201c\u201d"


def _attributes_quote(ctx: _Context, cand: _Candidate) -> bool:
    """Whether a statement only attributes a direct quote ('"It looks dreadful," she said'):
    a comment on the news, seldom the news itself."""
    sent = ctx.sentence(cand.trigger)[1]
    text = ctx.text[sent.start_char:sent.end_char]
    return sum(text.count(q) for q in _QUOTES) >= 2 or text.lstrip()[:1] in _QUOTES


def _reports_content(ctx: _Context, cand: _Candidate) -> bool:
    """Whether a reporting event has a content event in what it reports."""
    # the clause's subtree by the per-doc children table: `Token.subtree` builds a Token per word
    below = list(_kids(cand.clause))
    while below:
        child = below.pop()
        owner = ctx.owner.get(child.i)
        if owner is not None and owner is not cand and owner.type != "statement":
            return True
        below.extend(_kids(child))
    return False


def _to_event(ctx: _Context, cand: _Candidate, rank: int) -> Event:
    article = ctx.article
    trigger = cand.trigger
    start, end = trigger.idx, trigger.idx + len(trigger.text)
    kind = type_of(cand.type)
    assert cand.time is not None
    return Event(
        id=message_id(article.id, article.content_hash, "event", start, end),
        article_id=article.id, content_hash=article.content_hash, rank=rank, type=kind.name,
        cameo=kind.cameo, trigger=Trigger(start=start, end=end, text=ctx.body[start:end], lemma=cand.lemma),
        actors=cand.actors, location=cand.location, time=cand.time,
        status=cand.status,  # type: ignore[arg-type]
        evidence=ctx.evidence(trigger),
        confidence=_confidence(cand),
    )


def _confidence(cand: _Candidate) -> float:
    value = 0.45
    if cand.type != "other":
        value += 0.2
    if not cand.nominal or cand.clause != cand.trigger:
        value += 0.1
    if any(a.entity_id for a in cand.actors):
        value += 0.1
    if cand.time is not None and cand.time.source == "text":
        value += 0.05
    if cand.location is not None and cand.location.source == "text":
        value += 0.05
    return round(min(0.95, value), 2)


# --- the main event from the headline ---------------------------------------------------------

#: How many of the top body events may restate the headline's predicate before the headline
#: needs no event of its own.
_RESTATED_AMONG = 5


def _headline_event(ctx: _Context, ranked: list[_Candidate]) -> Event | None:
    """The main event as the headline states it, unless the top body event restates the
    headline's main predicate (`_headline_main`): in its word, or by type while none of the top
    five body events uses its word. "Toblerone fans outraged" over a body that tells how the
    bars changed; "Cubs win World Series" over a top event "blew a three-run lead" with "won"
    further down: the headline's word in the body says it is the news. A predicate that only
    names the topic (`_headline_topic`) gives way to the body as soon as one of the top five
    restates it. Its trigger is a span of the headline (`Trigger.field`), its actors are the
    headline's own (`_headline_actors`); its place, time and evidence are those of the top body
    event, the body's account of the story (a headline seldom dates its news). None when the
    body restates the headline or there is no headline parse."""
    tok = ctx.headline_main
    headline = ctx.article.headline
    if tok is None or not headline or not ranked:
        return None
    top = ranked[0]
    restating = next((cand for cand in ranked[:_RESTATED_AMONG]
                      if _restates_headline_main(ctx, cand, by_type=False)), None)
    if restating is top or (restating is None and _restates_headline_main(ctx, top)):
        return None
    if _headline_word(ctx, top):
        # "Blair dismisses quit claim report" parsed with "quit" for its root over "Tony Blair
        # has dismissed reports": the body's top event is one the headline names
        return None
    if restating is not None and _headline_topic(tok):
        return None
    kind = ctx.headline_main_type or "other"
    start, end = tok.idx, tok.idx + len(tok.text)
    if headline[start:end] != tok.text:
        return None  # a parse of some other text
    lemma = _phrasal(tok) if tok.pos_ == "VERB" else _lemma(tok)
    assert top.time is not None
    article = ctx.article
    kind_info = type_of(kind)
    return Event(
        id=message_id(article.id, article.content_hash, "event", "headline", start, end),
        article_id=article.id, content_hash=article.content_hash, rank=0, type=kind_info.name,
        cameo=kind_info.cameo,
        trigger=Trigger(start=start, end=end, text=headline[start:end], lemma=lemma,
                        field="headline"),
        actors=_headline_actors(ctx, tok, kind_info.symmetric, top.actors,
                                restating.actors if restating is not None else None),
        location=top.location,
        time=top.time, status=_headline_status(tok),
        evidence=ctx.evidence(top.trigger),
        confidence=0.55 if kind != "other" else 0.45,
    )


def _headline_word(ctx: _Context, cand: _Candidate) -> bool:
    """Whether the event is a typed verb the headline states before its chosen predicate, in a
    word the parse took for something else ("Blair dismisses quit claim report", "dismisses"
    parsed as a noun and "quit" as the root, over "Tony Blair has dismissed reports")."""
    main = ctx.headline_main
    if main is None or cand.nominal or cand.type in _VAGUE_TYPES:
        return False
    forms = _forms(cand.lemma, cand.trigger.lower_, shortest=4)
    return any(t.i < main.i and t.pos_ != "VERB" and t.tag_ in ("NNS", "VBZ")
               and any(_same_stem(t.lower_, form) for form in forms) for t in main.doc)


def _headline_topic(tok: Token) -> bool:
    """Whether the headline's main predicate only names the story's topic: it stands before a
    colon and what follows is not a quote ("Trump meets Obama: what the body language tells
    us"), where the body tells the news; before a quote ("Cubs win World Series: 'Baseball will
    never be the same'") it is the news."""
    colon = next((t.i for t in tok.doc if t.text == ":"), None)
    if colon is None or tok.i > colon or colon + 1 >= len(tok.doc):
        return False
    return tok.doc[colon + 1].text[:1] not in _HEADLINE_QUOTES


def _headline_type(tok: Token) -> str:
    """The event type of a headline predicate (`_headline_main`)."""
    if tok.pos_ == "VERB":
        return NOUNS[tok.lower_] if _gerund_subject(tok) else _classify_verb(tok, _phrasal(tok))
    if tok.pos_ == "ADJ" and tok.lower_ in ADJECTIVES:
        return ADJECTIVES[tok.lower_]
    return _noun_type(tok) or VERBS.get(_lemma(tok), "other")


def _headline_status(tok: Token) -> EventStatus:
    """Headlinese tense: "X to visit Y" is planned, "X will ..." too; a negation negates; the
    rest (present for past: "Trump lands") occurred."""
    children = list(tok.children)
    if any(c.dep_ == "neg" for c in children):
        return "negated"
    if any(c.dep_ == "aux" and c.lower_ in ("to", "will") for c in children):
        return "planned"
    return "occurred"


def _headline_actors(ctx: _Context, tok: Token, symmetric: bool, body_actors: list[Actor],
                     restating_actors: list[Actor] | None = None) -> list[Actor]:
    """The actors of the headline's predicate: its subject (with a verb the tagger took for a
    noun, the name before it; with a predicate parsed as an apposition, the name it follows),
    its object and "by" agent; a participle's subject undergoes it ("Clinton cleared by FBI").
    Message spans quote the body, so each is published by a mention
    in the body: a name by its first one, a common noun by the first body noun of its lemma
    ("fans"), unresolved; one the body never uses is left out, and so is a word of a rubric
    before a colon. When none is left, the actors of the body event that restates the predicate
    in its word (`restating_actors`) stand for them ("Five shot" ~ "at least five people were
    shot"). A headline predicate without a subject or object of its own ("Rescue effort under
    way") takes the top body event's."""
    found: list[tuple[str, Token]] = []
    clause = tok.head if tok.dep_ in ("dobj", "attr", "acomp", "oprd") else tok
    participle = clause.tag_ == "VBN"
    if clause.dep_ == "appos" and clause.head.pos_ == "PROPN":
        found.append(("agent", clause.head))  # "X and Y lead celebrations", parsed as apposition
    for child in clause.children:
        if child.dep_ in _SUBJECTS or (child.dep_ == "compound" and clause.pos_ == "NOUN"
                                       and child.pos_ == "PROPN"):
            found.append(("patient" if participle else "agent", child))
        elif child.dep_ in _PASSIVE_SUBJECTS:
            found.append(("patient", child))
        elif child.dep_ == "dobj" and child != tok and _lemma(clause) not in _OUTCOME_VERBS:
            found.append(("patient", child))  # not what is won or lost ("loses US battle")
        elif child.dep_ in ("agent", "prep") and child.lower_ in ("by", "with", "against"):
            role = {"by": "agent", "with": "participant", "against": "patient"}[child.lower_]
            found += [(role, c) for c in child.children if c.dep_ == "pobj"]
    colon = next((t.i for t in tok.doc if t.text == ":"), -1)
    if colon < tok.i:
        found = [(role, word) for role, word in found if word.i > colon]  # not the rubric's
    if not found:
        return body_actors
    found += [(role, c) for role, t in found for c in t.conjuncts if c.i > t.i]
    actors: list[Actor] = []
    seen: set[str] = set()
    for role, word in found:
        if symmetric:
            role = "participant"
        entity = _headline_entity(ctx, word)
        mentions = entity.body_mentions() if entity is not None else []
        if entity is not None and mentions:
            if entity.id in seen:
                continue
            seen.add(entity.id)
            first = min(mentions, key=lambda m: m.start)
            actors.append(Actor(role=role, mention=ctx.span(first.start, first.end),
                                entity_id=entity.id, name=entity.name, type=entity.type))
        elif word.pos_ == "NOUN":
            same = _body_noun(ctx, _lemma(word))
            if same is not None and f"{same.i}" not in seen:
                seen.add(f"{same.i}")
                actors.append(Actor(role=role, mention=ctx.span(*_noun_phrase(same))))
    if not actors and restating_actors:
        return restating_actors
    return actors


def _body_noun(ctx: _Context, lemma: str) -> Token | None:
    """The first noun of the story with this lemma heading its phrase, outside page furniture."""
    lemmas = ctx.doc.user_data[_LEMMAS_KEY]
    return next((t for t in ctx.doc.user_data[_CONTENT_KEY]
                 if t.pos_ == "NOUN" and lemmas[t.i] == lemma and t.dep_ != "compound"
                 and t.idx >= ctx.dateline_end and not ctx.in_furniture(t)), None)


def _headline_entity(ctx: _Context, word: Token) -> LinkedEntity | None:
    """The actor entity whose headline mention covers `word` or a name compounded onto it."""
    span = word.doc[word.left_edge.i:word.i + 1]
    for entity in ctx.index.entities:
        if entity.type not in _ACTOR_TYPES:
            continue
        for m in entity.mentions:
            if m.field == "headline" and m.start < span.end_char and span.start_char < m.end:
                if m.start <= word.idx < m.end or word.ent_type_ == "":
                    return entity
    return None
