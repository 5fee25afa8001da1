"""Quote extraction: (article, parsed doc) -> direct, indirect and mixed quotes with speakers.

Consumes an `Article` and its spaCy `Doc` (decoded from the annotate stage's DocBin; offsets index
`article.body`) and produces `shared.schemas.Quote` messages, in body order. Pure: no I/O.

How it works, in passes over one parse:

1. Quotation marks are paired on the raw text (`services.quotes.marks`), so unbalanced, nested or
   multi-paragraph quotations are settled before the parser's sentence splits get a say.
2. `NAME: ...` lines (transcript turns, `Pence: ...` headlines) are attributions to NAME when NAME
   is an entity or an all-capitals label.
3. Every cue outside quotation marks gets a source (its subject, inherited by `..., adding`
   participles and conjoined verbs; the object of "according to") and a content:
   - the clausal complement of a speech or stance verb (`said he will not seek re-election`);
   - the clause an attribution is inverted into or interrupts (`..., officials said.`,
     `The museum, he said, would ...`);
   - a quotation right next to the attribution clause (`"...," X said` / `X said: "..."`, also a
     block quotation opening the paragraph after `X said:`);
   - the objects of a naming verb when they hold a quotation (`called them "deplorables"`), of a
     directive with an infinitive (`urged voters to stay home`), or of a stance or reporting verb
     (`questioned the need for moderators`, `mentioned the remarks`), up to the first adjunct
     (`... during a stop in Ohio` stays out; the `as`/`to` complement stays in);
   - the infinitive of an intention verb (`wants to triple the program, grow ...`), active only;
   - the topic of a speech verb (`spoke about the shortage`, `called for higher wages`: the
     preposition belongs to the cue).
   A speech or stance noun is a cue too: its `that` clause or infinitive (`Trump's claim that ...`,
   `made a promise to ...`) or, for nouns like "comments" and "questions", its topic (`remarks
   about the currency`); the speaker is the possessor or the subject of the light verb. An adverb
   of hearsay (`reportedly`) attributes its clause, in two fragments around it, to nobody; so does
   an impersonal passive (`it was reported that ...`). A stance or naming verb in the passive
   (`the plan was endorsed by the union`, `he was accused of fraud`) says something of its
   subject: the content is the subject and the verb's complement, the source the agent, if any
   (none for a forecast nobody is said to make: `the bill is expected to pass`).
   Clausal contents stop before a trailing `, which ...` relative clause, a `, saying ...`
   participle (an attribution of its own, by the same speaker) and a semicolon; they run on over
   a clause the parser coordinated with the cue (`said they had doubts, but could not ...`).
   Content inside quotation marks is `direct`, content holding a quoted fragment is `mixed`, the
   rest `indirect`. A quotation interrupted by its attribution is one quote with two fragments.
   Reported speech nested in other reported speech is dropped: it is part of the outer content.
4. Quotations no cue claimed: one signed after a dash (`"..." \u2015 Jane Doe`) is Jane Doe's; the
   next sentence, or the next paragraph, that is nothing but a quotation continues the direct
   quote just before it as a further fragment; a quotation later in the attribution's own
   sentence (`..., it said, and will "discuss ..."`) is a mixed quote by the same speaker.

Speakers: names, types and roles come from `link_entities`. A pronoun ("he", "it", "they") takes
the most recent fitting earlier speaker or entity (he/she: a person; it: an organisation or
place), ignoring entities inside quotations. A description that is not an entity ("a government
spokesman", "the presidential office in Seoul") keeps its text as the mention, gets a type from
its head noun (ORG or PERSON, else none) and no entity id; its `name` is the description itself
when it is a definite organisation ("the presidential office in Seoul"), so later "it said" quotes
share that name, and null otherwise ("Japanese media reports", "a source").
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

import numpy
from spacy import symbols as spacy_symbols
from spacy.attrs import IDX, LEMMA, LOWER, POS
from spacy.tokens import Doc, Token

from services.quotes import cues
from services.quotes.marks import Fragmented, Quoted, find_quoted
from services.quotes.marks import lines as _lines
from shared.nlp.docs import doc_text
from shared.nlp.entities import EntityIndex, link_entities
from shared.nlp.spans import with_body_texts
from shared.schemas import Article, Cue, Quote, Speaker, message_id
from shared.schemas import Span as TextSpan

_SUBJECTS = ("nsubj", "nsubjpass", "csubj")
_INHERITS_SUBJECT = ("conj", "advcl", "xcomp")
_NOT_SPEAKER_PART = ("relcl", "acl", "appos", "punct", "cc", "conj", "advcl", "parataxis")
_SPEAKER_TYPES = ("PERSON", "ORG", "GPE", "NORP", "FAC", "PRODUCT", "WORK_OF_ART", "EVENT", "LOC")
_CONTENT_EDGE = " \t\r\n,;:-\u2014\u2013\u2015"
_MARK_CHARS = "\"'\u201c\u201d\u2018\u2019\u00ab\u00bb\u201e`"
_COMPLEMENTIZERS = ("that",)
_LEADING_FILLERS = ("that", "and", "but", "or")
_ADJACENT_DEPS = ("dobj", "dative", "prep", "pobj", "npadvmod", "advmod", "det", "amod", "compound",
                  "nummod", "prt", "poss", "case", "mark", "pcomp", "nmod", "neg", "aux", "auxpass")


#: Dependents showing a clause is complete (no gap), so a `that` before it is a complementizer.
_COMPLETE = ("dobj", "attr", "acomp", "ccomp", "xcomp", "oprd", "nsubjpass")

#: Parts of speech a cue can have, besides "according (to)": "reportedly" is an adverb.
_CUE_POS = frozenset({"VERB", "AUX", "NOUN", "ADV"})
#: `_CUE_POS` as the ids `Doc.to_array` gives.
_VERB, _AUX, _NOUN, _ADV = (spacy_symbols.IDS[pos] for pos in ("VERB", "AUX", "NOUN", "ADV"))
#: The lemmas of every cue (`_is_cue`), which `_maybe_cues` looks for.
_CUE_LEMMAS = cues.ALL_CUES | cues.NOUN_CUES | cues.NOUN_TOPIC

_SIGNATURE = re.compile(r"(\u2015|\u2014|\u2013|--|-)\s*([A-Z][^,(\n]*)")
_LABEL = re.compile(r"([A-Z][\w.'\u2019-]*(?:[ \t]+[A-Z][\w.'\u2019-]*){0,3})[ \t]*:[ \t]+(?=\S)")


def _lemma(tok: Token) -> str:
    """The token's lemma, lower-cased, mended where the lemmatizer cut a verb's silent e
    (`hoped` -> `hop`, `rated` -> `rat`) and the mended form is a cue."""
    lemma = tok.lemma_.lower()
    if tok.pos_ == "VERB" and lemma not in cues.ALL_CUES and lemma + "e" in cues.ALL_CUES:
        if tok.lower_ in (lemma + "ed", lemma + "es", lemma + "ing"):
            return lemma + "e"
    return lemma


@dataclass
class _Attribution(Fragmented):
    """A quote under construction; offsets index the body."""

    fragments: list[tuple[int, int]]
    kind: str
    cue: Token | None
    cue_span: tuple[int, int, str, str] | None  # start, end, text, lemma
    source: Token | None
    source_span: tuple[int, int] | None
    quoted: list[int] = field(default_factory=list)  # indexes into the Quoted list
    speaker: Speaker | None = None


class _Extractor:
    def __init__(self, article: Article, doc: Doc) -> None:
        self.article = article
        self.doc = doc
        self.text = doc_text(doc)
        self.quoted = find_quoted(self.text)
        self.index: EntityIndex = link_entities(article, doc)
        # Token offsets, forms and tags read off the doc's arrays once: a Token object per token
        # per look costs more than what is looked up.
        self.starts: list[int] = doc.to_array(IDX).tolist()
        self.tok_quote = [-1] * len(doc)
        for qi, q in enumerate(self.quoted):
            for start, end in q.fragments:
                for i in range(self._tok_at(start), len(doc)):
                    if self.starts[i] >= end:
                        break
                    if self.starts[i] >= start and self.tok_quote[i] == -1:
                        self.tok_quote[i] = qi
        self.claimed: set[int] = set()
        self._sentences: tuple[list[int], list[tuple[int, int]]] | None = None

    # ----- helpers on offsets and tokens -------------------------------------------------------

    def _tok_at(self, char: int) -> int:
        """Index of the token containing or following character `char`."""
        i = bisect.bisect_right(self.starts, char) - 1
        return max(i, 0)

    def _in_quote(self, tok: Token) -> bool:
        return self.tok_quote[tok.i] != -1

    def _words(self, start: int, end: int) -> bool:
        """Whether body[start:end] has any word besides marks, punctuation and complementizers."""
        for word in self.text[start:end].split():
            word = word.strip(_MARK_CHARS + _CONTENT_EDGE + ".!?()[]")
            if word and word.lower() not in _COMPLEMENTIZERS and any(c.isalnum() for c in word):
                return True
        return False

    def _trim(self, start: int, end: int) -> tuple[int, int]:
        text = self.text
        while start < end and (text[start] in _CONTENT_EDGE or text[start] in _MARK_CHARS):
            start += 1
        while end > start and text[end - 1] in _CONTENT_EDGE + ".":
            end -= 1
        # Keep a closing mark that ends a quoted fragment; drop one that does not.
        while end > start and text[end - 1] in _MARK_CHARS and not self._closes_quote(end):
            end -= 1
            while end > start and text[end - 1] in _CONTENT_EDGE + ".":
                end -= 1
        lead = text[start:end].split(None, 1)
        while len(lead) == 2 and lead[0].lower() in _LEADING_FILLERS:
            start = end - len(lead[1])
            lead = lead[1].split(None, 1)
        return start, end

    def _closes_quote(self, end: int) -> bool:
        return any(frag_end <= end - 1 <= frag_end + 2 for q in self.quoted for _, frag_end in q.fragments)

    # ----- cues and sources --------------------------------------------------------------------

    def _maybe_cues(self) -> list[int]:
        """The tokens `_is_cue` may accept, in order, found on the doc's arrays (a Token object per
        token costs more): "according", and the words with a part of speech a cue has that are
        hearsay words or have a lemma `_lemma` can make a cue of."""
        strings = self.doc.vocab.strings
        rows = self.doc.to_array([POS, LOWER, LEMMA])
        pos = rows[:, 0]
        tagged = numpy.flatnonzero((pos == _VERB) | (pos == _AUX) | (pos == _NOUN) | (pos == _ADV))
        hearsay = {strings[word] for word in cues.HEARSAY}  # a string's hash, stored or not
        found = set(numpy.flatnonzero(rows[:, 1] == numpy.uint64(strings[cues.ACCORDING])).tolist())
        cue_lemma: dict[int, bool] = {}
        for i, lower, key in zip(tagged.tolist(), rows[tagged, 1].tolist(), rows[tagged, 2].tolist(),
                                 strict=True):
            if key not in cue_lemma:
                lemma = strings[key].lower()
                cue_lemma[key] = lemma in _CUE_LEMMAS or lemma + "e" in cues.ALL_CUES
            if cue_lemma[key] or lower in hearsay:
                found.add(i)
        return sorted(found)

    def _is_cue(self, tok: Token) -> bool:
        if tok.lower_ == cues.ACCORDING:
            return tok.i + 1 < len(self.doc) and self.doc[tok.i + 1].lower_ == "to" and not self._in_quote(tok)
        if tok.pos_ not in _CUE_POS or self._in_quote(tok):
            return False
        lemma = _lemma(tok)
        if tok.lower_ in cues.HEARSAY:
            return tok.pos_ == "ADV"
        if tok.pos_ == "NOUN":
            return lemma in cues.NOUN_CUES or lemma in cues.NOUN_TOPIC
        if tok.pos_ not in ("VERB", "AUX") or tok.pos_ == "AUX" and tok.dep_ == "aux":
            return False
        return lemma in cues.ALL_CUES

    def _subject(self, verb: Token, depth: int = 0) -> Token | None:
        for child in verb.children:
            if child.dep_ in _SUBJECTS and not self._in_quote(child):
                if child.dep_ == "nsubjpass":
                    agent = next((c for c in verb.children if c.dep_ == "agent"), None)
                    pobj = next((c for c in agent.children if c.dep_ == "pobj"), None) if agent else None
                    if pobj is not None:
                        return pobj
                if child.tag_ in ("WP", "WDT") and verb.dep_ == "relcl":
                    return verb.head
                return child
        reporter = verb.head.head
        if (depth < 2 and verb.dep_ == "advcl" and verb.tag_ == "VBG" and verb.head.dep_ == "ccomp"
                and _lemma(reporter) in cues.SPEECH and self.doc[verb.i - 1].text == ","):
            # `X said the plan would fail, arguing ...`: the parser hangs the participle on the
            # reported clause, but it is the reporter who argues.
            return self._subject(reporter, depth + 1)
        if depth < 2 and verb.dep_ in _INHERITS_SUBJECT and verb.head.pos_ in ("VERB", "AUX"):
            if verb.dep_ != "advcl" or verb.tag_ == "VBG":
                return self._subject(verb.head, depth + 1)
        return None

    @staticmethod
    def _active_with_subject(verb: Token, source: Token | None) -> bool:
        if source is None:
            return False
        if any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children):
            return any(c.dep_ == "agent" for c in verb.children)
        return not (verb.tag_ == "VBN" and not any(c.dep_ == "aux" for c in verb.children))

    def _noun_phrase(self, head: Token) -> tuple[int, int]:
        """The speaker as written: the head with its modifiers, without clauses or appositions."""
        left = head
        for child in head.lefts:
            if child.dep_ not in _NOT_SPEAKER_PART:
                left = child.left_edge
                break
        right = head
        for child in head.rights:
            if child.dep_ in _NOT_SPEAKER_PART:
                break
            right = child.right_edge
        start, end = left.idx, right.idx + len(right)
        while end > start and self.text[end - 1] in _CONTENT_EDGE + ".":
            end -= 1
        return start, end

    # ----- contents ----------------------------------------------------------------------------

    def _bounds(self, tok: Token) -> tuple[int, int]:
        """The sentence of `tok`, clipped to its paragraph: content never crosses a line break."""
        lo, hi = self._sentence_chars(tok)
        line_start = self.text.rfind("\n", 0, tok.idx) + 1
        line_end = self.text.find("\n", tok.idx)
        return max(lo, line_start), min(hi, line_end if line_end != -1 else len(self.text))

    def _sentence_chars(self, tok: Token) -> tuple[int, int]:
        """Where `tok.sent` starts and ends in the text, from the doc's sentences listed once
        (`Token.sent` scans the doc for both ends on every call)."""
        if self._sentences is None:
            sents = list(self.doc.sents)
            self._sentences = [s.start for s in sents], [(s.start_char, s.end_char) for s in sents]
        starts, chars = self._sentences
        return chars[bisect.bisect_right(starts, tok.i) - 1]

    def _complement(self, verb: Token, source: Token | None) -> list[tuple[int, int]] | None:
        """The content a cue introduces as body spans (two when the attribution interrupts it)."""
        lemma = _lemma(verb)
        lo, hi = self._bounds(verb)
        for child in verb.children:
            if not lo <= child.idx < hi:
                continue  # the parser joined the next paragraph to this sentence
            if child.dep_ == "ccomp" or (child.dep_ == "dobj" and self._in_quote(child)):
                if lemma in cues.COGNITION and lemma not in cues.SPEECH and child.dep_ == "ccomp":
                    has_clause = any(c.dep_ in ("nsubj", "nsubjpass", "mark", "expl") for c in child.children)
                    if not has_clause:
                        continue
                start = max(lo, child.left_edge.idx)
                last = child.right_edge.i
                if child.i > verb.i:
                    last = self._coordinated_end(verb, last, hi)
                end = min(hi, self._clause_end(child.left_edge.i, last))
                if child.i < verb.i and source is not None and source.i < verb.i:
                    end = min(end, source.left_edge.idx)
                return [(start, end)] if end > start else None
        if lemma not in cues.SPEECH and lemma not in cues.COGNITION:
            return None
        return self._inverted(verb, source, lo, hi)

    def _coordinated_end(self, verb: Token, last: int, hi: int) -> int:
        """Last token of the reported clause, grown over a clause the parser coordinated with the cue
        (`said they had misgivings, but could not bear to ...`): it carries on what was said."""
        for conj in verb.rights:
            if conj.dep_ != "conj" or conj.i <= last or conj.idx >= hi or conj.pos_ not in ("VERB", "AUX"):
                continue
            between = self.doc[last + 1:conj.left_edge.i]
            if _lemma(conj) in cues.ALL_CUES or any(t.lower_ in ("said", "says") for t in between):
                break
            if any(t.dep_ == "cc" for t in between) and not any(self._in_quote(t) for t in between):
                last = conj.right_edge.i
        return last

    def _inverted(self, verb: Token, source: Token | None, lo: int, hi: int) -> list[tuple[int, int]] | None:
        """`<content>, X said.` or `<content>, X said, <content>`: the clause around the cue."""
        if any(c.dep_ == "dobj" for c in verb.children) and _lemma(verb) not in cues.ADDRESSEE:
            return None
        left = verb
        if source is not None and source.i < verb.i:
            left = source.left_edge
        if left.i == 0:
            return None
        before = self.doc[left.i - 1]
        if before.idx < lo or not (before.text in cues.CLAUSE_PUNCT or before.text in _MARK_CHARS):
            return None
        right = verb
        for child in verb.rights:
            if child.dep_ in _ADJACENT_DEPS or (source is not None and child.i == source.i):
                right = child.right_edge
            else:
                break
        rest = [t for t in self.doc[right.i + 1:] if t.idx < hi]
        head = (lo, before.idx)
        if all(t.is_punct or t.is_space for t in rest):
            return [head] if self._has_verb(*head) else None
        if rest[0].text == "," and verb.dep_ != "ROOT":
            tail_start = rest[0].idx + 1
            if self._words(tail_start, hi) and self._has_verb(lo, hi):
                if self._adjunct(*head):
                    # `During his years in office, X said, ...`: the circumstance is not what was said.
                    return [(tail_start, hi)] if self._has_verb(tail_start, hi) else None
                return [head, (tail_start, hi)]
        return None

    def _adjunct(self, start: int, end: int) -> bool:
        """Whether body[start:end] is an adverbial phrase (`During the debate`, `Speaking to students`),
        not a clause or the subject of one: it opens with a preposition or participle and holds no
        finite verb."""
        toks = [t for t in self.doc[self._tok_at(start):self._tok_at(end)] if t.idx >= start and not t.is_punct]
        if not toks or toks[0].tag_ not in ("IN", "VBG"):
            return False
        return not any(t.tag_ in ("VBD", "VBZ", "VBP", "MD") for t in toks)

    def _has_verb(self, start: int, end: int) -> bool:
        """Whether body[start:end] is a clause, not an adverbial such as `On Thursday`."""
        return any(t.pos_ in ("VERB", "AUX") for t in self.doc[self._tok_at(start):self._tok_at(end)] if t.idx >= start)

    def _object_content(self, verb: Token, lemma: str) -> list[tuple[int, int]] | None:
        """What a naming verb says of its object (`called it "a disgrace"`), or what a directive asks
        (`urged voters to stay home`): the verb's objects and complements, when they qualify."""
        rights = self._object_rights(verb)
        if not rights:
            return None
        lo, hi = self._bounds(verb)
        first = rights[0]
        if first.dep_ == "prep" and first.i == verb.i + 1:
            # A phrasal cue (`called for`, `warned against`): the preposition belongs to the cue.
            first = next((c for c in first.children if c.dep_ in ("pobj", "pcomp")), None)
            if first is None:
                return None
        start = max(lo, first.left_edge.idx)
        last = rights[-1].right_edge
        end = min(hi, self._clause_end(first.left_edge.i, last.i))
        if end <= start:
            return None
        content = self.doc[rights[0].left_edge.i:last.i + 1]
        if lemma in cues.NAMING and any(
            self._in_quote(t) and self.quoted[self.tok_quote[t.i]].double for t in content
        ):
            return [(start, end)]
        if lemma in cues.STANCE_OBJECT and any(c.dep_ in ("dobj", "xcomp", "oprd", "ccomp") for c in rights):
            if any(not t.is_punct for t in content):  # `endorsed Smith`: one word is enough
                return [(start, end)]
        if lemma in cues.DIRECTIVE and any(
            c.dep_ in ("xcomp", "ccomp") or (c.dep_ == "prep" and c.lower_ in ("for", "on")) for c in rights
        ):
            return [(start, end)]
        return None

    def _intent(self, verb: Token) -> list[tuple[int, int]] | None:
        """What an intention verb commits to: the infinitive of `wants to triple the program`."""
        lo, hi = self._bounds(verb)
        for child in verb.rights:
            if child.dep_ == "xcomp" and child.pos_ in ("VERB", "AUX") and any(
                c.tag_ == "TO" for c in child.lefts
            ):
                last = child.right_edge
                for conj in verb.rights:
                    # `wants to triple X, grow Y and create Z`: bare infinitives the parser hung on the cue.
                    if conj.dep_ == "conj" and conj.i > child.i and conj.tag_ == "VB":
                        last = conj.right_edge
                start = max(lo, child.left_edge.idx)
                end = min(hi, self._clause_end(child.left_edge.i, last.i))
                return [(start, end)] if end > start else None
        return None

    def _topic(self, verb: Token) -> list[tuple[int, int]] | None:
        """What someone spoke about: the object of `talked about`, `warned of`, `called for`."""
        lo, hi = self._bounds(verb)
        for child in verb.rights:
            if child.dep_ == "prep" and child.lower_ in cues.TOPIC_PREPS:
                obj = next((c for c in child.children if c.dep_ in ("pobj", "pcomp")), None)
                if obj is None or obj.ent_type_ in ("DATE", "TIME", "QUANTITY", "CARDINAL"):
                    return None
                start = max(lo, obj.left_edge.idx)
                end = min(hi, self._clause_end(obj.left_edge.i, obj.right_edge.i))
                return [(start, end)] if end > start else None
            if child.dep_ not in ("dobj", "dative", "advmod", "prt", "npadvmod"):
                return None
        return None

    def _object_rights(self, verb: Token) -> list[Token]:
        """The verb's object-like dependents to its right, up to the first adjunct (`in a statement`,
        `during the debate`, `, which ...`): content stops where circumstance begins."""
        rights = []
        children = list(verb.rights)
        for n, child in enumerate(children):
            if child.dep_ not in cues.OBJECT_DEPS:
                if child.dep_ in ("advmod", "prt") and not rights:
                    continue
                break
            if child.dep_ == "prep" and rights and child.lower_ not in cues.COMPLEMENT_PREPS:
                # `called her vote in favor of the war a mistake`: the complement is still to come.
                if not any(c.dep_ in ("oprd", "xcomp", "ccomp") for c in children[n + 1:]):
                    break
            rights.append(child)
        return rights

    @staticmethod
    def _when(prep: Token) -> bool:
        """Whether a prepositional phrase only says when (`on Tuesday`, `in March`)."""
        return any(c.dep_ == "pobj" and c.ent_type_ in ("DATE", "TIME") for c in prep.children)

    def _clause_end(self, first: int, last: int) -> int:
        """End offset of tokens first..last, cut before a trailing `, which ...` relative clause or
        `, saying ...` participle: those describe the content, they are not part of it."""
        end_tok = self.doc[last]
        for i in range(first + 1, last):
            if self.doc[i].text == ";" and not self._in_quote(self.doc[i]):
                end_tok = self.doc[i - 1]  # a new sentence in all but name
                break
            if self.doc[i].text != ",":
                continue
            nxt = self.doc[i + 1]
            clause = nxt.head if nxt.dep_ in ("nsubj", "nsubjpass", "dobj", "pobj") else nxt
            relative = nxt.lower_ != "that" and (
                clause.dep_ == "relcl" and nxt.tag_ in ("WDT", "WP", "WP$", "WRB")
                or clause.dep_ == "advcl" and nxt.tag_ in ("WDT", "WP")  # a misparsed `, which ...`
            )
            participle = nxt.dep_ == "advcl" and nxt.tag_ == "VBG"
            if (relative or participle) and clause.right_edge.i >= last - 1 and clause.left_edge.i > first:
                end_tok = self.doc[i - 1]
                break
        return end_tok.idx + len(end_tok)

    def _according(self, tok: Token) -> tuple[list[tuple[int, int]], Token | None]:
        to = self.doc[tok.i + 1]
        source = next((c for c in to.children if c.dep_ == "pobj"), None)
        phrase_start = tok.idx
        phrase_end = self._source_end(source) if source else to.idx + len(to)
        lo, hi = self._bounds(tok)
        pieces = [(lo, phrase_start), (phrase_end, hi)]
        return [p for p in pieces if self._words(*p)], source

    def _source_end(self, source: Token) -> int:
        """Where the phrase naming a source ends: after its noun phrase, so a clause the parser hung
        on the name (`according to X, the move reeks of ...`) stays content, or after an apposition
        set off by commas (`according to Jane Doe, a spokeswoman, ...`), however it was parsed."""
        end = self._noun_phrase(source)[1]
        i = self._tok_at(end)
        if i >= len(self.doc) or self.doc[i].text != ",":
            return end
        hi = self._bounds(source)[1]
        for j in range(i + 1, min(i + 16, len(self.doc))):
            tok = self.doc[j]
            if tok.idx >= hi or tok.pos_ in ("VERB", "AUX") or self._in_quote(tok):
                break
            if tok.text == ",":
                first = self.doc[i + 1]
                if j > i + 1 and first.pos_ in ("DET", "ADJ", "NOUN", "PROPN") and self._has_verb(tok.idx, hi):
                    return self.doc[j - 1].idx + len(self.doc[j - 1])
                break
        return end

    def _adjacent_quote(self, verb: Token, source: Token | None, before_ok: bool) -> list[int]:
        """Quotations right before or right after the attribution clause of `verb`."""
        clause_left = min(verb.i, source.left_edge.i) if source is not None and source.i < verb.i + 8 else verb.i
        found: list[int] = []
        # Before: `"...," X said` / `"...," said X`; never across a line break.
        j = clause_left - 1
        while j >= 0 and (self.doc[j].is_punct and "\n" not in self.doc[j].text) and not self._in_quote(self.doc[j]):
            j -= 1
        if before_ok and j >= 0 and self._in_quote(self.doc[j]) and clause_left - j <= 4:
            qi = self.tok_quote[j]
            if qi not in self.claimed and self.quoted[qi].double:
                found.append(qi)
        # After: `X said: "..."` / `X told reporters on Tuesday, "..."`.
        j = verb.i + 1
        source_edges = (source.left_edge.i, source.right_edge.i) if source is not None else (-1, -1)
        while j < len(self.doc) and not self._in_quote(self.doc[j]):
            t = self.doc[j]
            if "\n" in t.text and not (j > 0 and self.doc[j - 1].text == ":"):
                break
            if (t.is_space or (t.is_punct and t.text not in ".!?") or source_edges[0] <= j <= source_edges[1]
                    or self._clause_part(t, verb)):
                j += 1
                continue
            break
        k = j - 1
        while k > verb.i and self.doc[k].text in _MARK_CHARS:
            k -= 1
        # The quotation opens the complement (`said "..."`) or follows a break (`told reporters, "..."`);
        # one inside an object (`blamed the shootings on "implicit bias"`) is part of that object.
        opens = k == verb.i or self.doc[k].is_punct or self.doc[k].is_space
        if opens and j < len(self.doc) and self._in_quote(self.doc[j]) and j - verb.i <= 12:
            qi = self.tok_quote[j]
            if qi not in self.claimed and qi not in found:
                found.append(qi)
        return found

    @staticmethod
    def _clause_part(tok: Token, verb: Token) -> bool:
        """Whether `tok` hangs on `verb` only through object/adverbial links (not a clause)."""
        while tok.i != verb.i:
            if tok.dep_ not in _ADJACENT_DEPS:
                return False
            tok = tok.head
        return True

    # ----- building ----------------------------------------------------------------------------

    def _fit(self, start: int, end: int) -> tuple[list[tuple[int, int]], list[int]]:
        """A content span grown over the quotations it mostly holds and cut around the others."""
        pieces = [(start, end)]
        held = []
        for qi, q in enumerate(self.quoted):
            if q.end <= start or q.start >= end:
                continue
            inside = sum(max(0, min(fe, end) - max(fs, start)) for fs, fe in q.fragments)
            length = sum(fe - fs for fs, fe in q.fragments)
            if qi not in self.claimed and inside * 2 >= length:
                held.append(qi)
                pieces = [(min(s, q.start), max(e, q.end)) if s < q.end and e > q.start else (s, e)
                          for s, e in pieces]
                continue
            cut = []
            for s, e in pieces:
                if e <= q.start or s >= q.end:
                    cut.append((s, e))
                    continue
                if s < q.start:
                    cut.append((s, q.start))
                if e > q.end:
                    cut.append((q.end, e))
            pieces = [max(cut, key=lambda se: se[1] - se[0])] if cut else []
        return pieces, held

    def _from_content(
        self, spans: list[tuple[int, int]], adjacent: list[int]
    ) -> tuple[str, list[tuple[int, int]], list[int]] | None:
        pieces: list[tuple[int, int]] = []
        held: list[int] = []
        for start, end in spans:
            got, inner = self._fit(start, end)
            pieces.extend(got)
            held.extend(qi for qi in inner if qi not in held)
        for qi in adjacent:
            if qi not in held and qi not in self.claimed:
                held.append(qi)
                pieces.append((self.quoted[qi].start, self.quoted[qi].end))
        pieces.sort()
        if not pieces:
            return None
        quoted_frags = sorted(frag for qi in held for frag in self.quoted[qi].fragments)
        residue = False
        for start, end in pieces:
            cursor = start
            for fs, fe in quoted_frags:
                if fe <= start or fs >= end:
                    continue
                if self._words(cursor, fs):
                    residue = True
                cursor = max(cursor, fe)
            if self._words(cursor, end):
                residue = True
        if held and not residue:
            return "direct", quoted_frags, held
        trimmed = [self._trim(s, e) for s, e in pieces]
        trimmed = [(s, e) for s, e in trimmed if e - s >= 2 and self._words(s, e)]
        if not trimmed:
            return None
        return ("mixed" if held else "indirect"), trimmed, held

    def run(self) -> list[Quote]:
        self._pending: list[_Attribution] = []
        self._labels()
        for i in self._maybe_cues():
            tok = self.doc[i]
            if not self._is_cue(tok):
                continue
            for attribution in self._attribute(tok):
                self.claimed.update(attribution.quoted)
                self._pending.append(attribution)
        self._drop_nested()
        self._continuations()
        attributions = sorted(self._pending, key=lambda a: (a.start, a.end))
        self._resolve_speakers(attributions)
        return self._messages(attributions)

    def _drop_nested(self) -> None:
        """Reported speech inside reported speech stays part of the outer content."""
        kept = []
        for a in self._pending:
            assert a.cue_span is not None
            inside = any(
                b is not a and b.kind != "direct" and b.cue_span is not None and b.cue_span[3] not in cues.HEARSAY
                and any(s <= a.cue_span[0] < e for s, e in b.fragments)
                for b in self._pending
            )
            if inside:
                self.claimed.difference_update(q for q in a.quoted if not self._held_elsewhere(q, a))
            else:
                kept.append(a)
        self._pending = kept

    def _held_elsewhere(self, qi: int, a: _Attribution) -> bool:
        return any(qi in b.quoted for b in self._pending if b is not a)

    def _nominal(self, noun: Token) -> list[_Attribution]:
        """`Trump's claim that ...`, `the plan to ...`, `made the argument that ...`: a speech or
        stance noun with its clause. The speaker is the possessor, or the subject of the verb the
        noun is the object of; none otherwise."""
        if noun.lower_ == "order" and noun.head.lower_ == "in":
            return []  # `in order to`: purpose, not a speech act
        clause = None
        for child in noun.rights:
            if child.dep_ in ("acl", "ccomp", "relcl") and child.pos_ in ("VERB", "AUX"):
                marks = [c for c in child.children if c.dep_ == "mark" and c.lower_ in ("that", "whether")]
                if child.dep_ == "relcl" and not any(c.dep_ in _COMPLETE for c in child.children):
                    continue  # `the threat that a presidency would constitute`: a relative clause
                infinitive = child.dep_ == "acl" and any(c.tag_ == "TO" for c in child.lefts)
                if marks or infinitive:
                    clause = child
                    break
        if clause is None and noun.lemma_.lower() in cues.NOUN_TOPIC:
            # `his comments about the economy`, `questions about the foundation`: the topic.
            prep = next((c for c in noun.rights if c.dep_ == "prep" and c.lower_ in cues.TOPIC_PREPS), None)
            clause = next((c for c in prep.children if c.dep_ in ("pobj", "pcomp")), None) if prep else None
            if clause is not None and clause.ent_type_ in ("DATE", "TIME"):
                clause = None
        if clause is None:
            return []
        lo, hi = self._bounds(noun)
        start = max(lo, clause.left_edge.idx)
        end = min(hi, self._clause_end(clause.left_edge.i, clause.right_edge.i))
        built = self._from_content([(start, end)], []) if end > start else None
        if built is None:
            return []
        source = next((c for c in noun.lefts if c.dep_ == "poss"), None)
        if source is None and noun.dep_ in ("dobj", "attr") and noun.head.pos_ in ("VERB", "AUX"):
            source = self._subject(noun.head)
        if source is not None and self._in_quote(source):
            source = None
        kind, fragments, held = built
        cue = (noun.idx, noun.idx + len(noun), noun.text, noun.lemma_.lower())
        source_span = self._noun_phrase(source) if source is not None else None
        return [_Attribution(fragments, kind, noun, cue, source, source_span, held)]

    def _passive(self, verb: Token, lemma: str) -> list[_Attribution] | None:
        """`The plan was endorsed by the union`, `He was accused of fraud`: a passive stance or naming
        verb says something of its subject; the content is the subject with the verb's complement
        (`of fraud`, `to be capable of ...`), the source the agent, if any. None when the verb is not
        such a passive or has a clause of its own (`it was reported that ...` is handled as speech);
        no attribution at all for an agentless intention (`the bill is expected to pass`)."""
        if lemma not in cues.PASSIVE_CUES:
            return None
        subject = next((c for c in verb.children if c.dep_ == "nsubjpass"), None)
        if subject is None or subject.tag_ in ("WDT", "WP", "EX") or subject.lower_ == "it" or self._in_quote(subject):
            return None
        if any(c.dep_ == "ccomp" for c in verb.children):
            return None
        lo, hi = self._bounds(verb)
        start = max(lo, subject.left_edge.idx)
        end = min(hi, self._clause_end(subject.left_edge.i, subject.right_edge.i))
        if end <= start:
            return None
        spans = [(start, end)]
        agent = next((c for c in verb.children if c.dep_ == "agent"), None)
        if agent is None and lemma in cues.INTENT:
            return []  # `the bill is expected to pass`: a forecast nobody is said to make
        for child in verb.rights:
            complement = child.dep_ == "prep" and child.lower_ in cues.COMPLEMENT_PREPS and not self._when(child)
            if child.dep_ in ("oprd", "xcomp", "attr") or complement:
                c_start = max(lo, child.left_edge.idx)
                c_end = min(hi, self._clause_end(child.left_edge.i, child.right_edge.i))
                if c_end > c_start:
                    spans.append((c_start, c_end))
                break
        built = self._from_content(spans, [])
        if built is None:
            return None
        source = next((c for c in agent.children if c.dep_ == "pobj"), None) if agent is not None else None
        kind, fragments, held = built
        cue = (verb.idx, verb.idx + len(verb), verb.text, lemma)
        source_span = self._noun_phrase(source) if source is not None else None
        return [_Attribution(fragments, kind, verb, cue, source, source_span, held)]

    def _hearsay(self, adverb: Token) -> list[_Attribution]:
        """`The minister reportedly resigned`: an attribution to an unnamed source, whose content is
        the clause the adverb modifies, in two fragments around the adverb."""
        verb = adverb.head
        if adverb.dep_ != "advmod" or verb.pos_ not in ("VERB", "AUX") or self._in_quote(verb):
            return []
        lo, hi = self._bounds(verb)
        start = max(lo, verb.left_edge.idx)
        end = min(hi, self._clause_end(verb.left_edge.i, verb.right_edge.i))
        pieces = [(start, adverb.idx), (adverb.idx + len(adverb), end)]
        pieces = [self._trim(s, e) for s, e in pieces if e > s and self._words(s, e)]
        if not pieces or not self._has_verb(pieces[-1][0], pieces[-1][1]) and not self._has_verb(*pieces[0]):
            return []
        cue = (adverb.idx, adverb.idx + len(adverb), adverb.text, adverb.lower_)
        return [_Attribution(pieces, "indirect", adverb, cue, None, None)]

    def _attribute(self, tok: Token) -> list[_Attribution]:
        lemma = _lemma(tok)
        if tok.lower_ in cues.HEARSAY:
            return self._hearsay(tok)
        if tok.pos_ == "NOUN":
            return self._nominal(tok)
        if tok.lower_ == cues.ACCORDING:
            spans, source = self._according(tok)
            to = self.doc[tok.i + 1]
            cue = (tok.idx, to.idx + len(to), self.text[tok.idx:to.idx + len(to)], "according to")
            if not spans:
                return []
            built = self._from_content(spans, [])
        else:
            source = self._subject(tok)
            if source is not None and self._in_quote(source):
                source = None
            impersonal = source is not None and source.lower_ == "it" and source.dep_ == "nsubjpass" and any(
                c.dep_ == "ccomp" and c.i > tok.i for c in tok.children
            )
            if impersonal:
                source = None  # `it was reported that ...`: nobody is named
            passive = self._passive(tok, lemma)
            if passive is not None:
                return passive
            stance_only = lemma in cues.COGNITION and lemma not in cues.SPEECH
            if stance_only and source is None or stance_only and tok.tag_ == "VBG" and tok.dep_ != "pcomp":
                return []  # `assuming ...`, `knowing ...`: nobody holds the stance
            if lemma not in cues.SPEECH and lemma not in cues.COGNITION and not self._active_with_subject(tok, source):
                return []  # `was invited to`, `compared with`: not the speaker's act
            cue = (tok.idx, tok.idx + len(tok), tok.text, lemma)
            spans = None if lemma in cues.QUOTE_ONLY else self._complement(tok, source)
            if spans is None and (lemma in cues.NAMING or lemma in cues.DIRECTIVE or lemma in cues.STANCE_OBJECT):
                spans = self._object_content(tok, lemma)
            if spans is None and lemma in cues.INTENT and self._active_with_subject(tok, source):
                spans = self._intent(tok)
            if spans is None and lemma in cues.TOPIC and self._active_with_subject(tok, source):
                spans = self._topic(tok)
            ccomp_after = any(c.dep_ == "ccomp" and c.i > tok.i and c.idx < self._bounds(tok)[1] for c in tok.children)
            adjacent = [] if stance_only else self._adjacent_quote(tok, source, before_ok=not ccomp_after)
            if spans is None and not adjacent:
                return []
            if spans is not None and len(spans) == 2:
                # `"...," it said, and will "..."`: a direct quote and a mixed one need not merge.
                parts = [self._from_content([piece], []) for piece in spans]
                if all(parts) and len({part[0] for part in parts if part}) == 2:
                    source_span = self._noun_phrase(source) if source is not None else None
                    return [_Attribution(p[1], p[0], tok, cue, source, source_span, p[2]) for p in parts if p]
            built = self._from_content(spans or [], adjacent)
        if built is None:
            return []
        kind, fragments, held = built
        source_span = self._noun_phrase(source) if source is not None else None
        return [_Attribution(fragments, kind, tok, cue, source, source_span, held)]

    def _continuations(self) -> None:
        """Quotations no cue claimed continue the attribution just before them."""
        ordered = sorted(self._pending, key=lambda a: a.end)
        for qi, q in enumerate(self.quoted):
            if qi in self.claimed or not q.double:
                continue
            signed = self._signature(qi, q)
            if signed is not None:
                self._pending.append(signed)
                self.claimed.add(qi)
                continue
            before = [a for a in ordered if a.end <= q.start and a.cue is not None]
            if not before:
                continue
            prev = max(before, key=lambda a: a.end)
            if prev.kind != "direct" and prev.cue is not None:
                # `"...," said X, speaking of Y. "..."`: the quotation continues the quote, not the aside.
                prev = next((a for a in before if a.kind == "direct" and a.cue is not None
                             and a.cue.sent == prev.cue.sent), prev)
            gap = self.text[prev.end:q.start]
            cue_end = prev.cue_span[1] if prev.cue_span else prev.end
            sent_gap = self.text[max(prev.end, cue_end):q.start]
            first_tok = self.doc[self._tok_at(q.start)]
            own_sentence = first_tok.sent
            starts_sentence = not self._words(own_sentence.start_char, q.start)
            if starts_sentence and self._sentences_between(prev, q) <= 1 and (
                "\n" not in gap or self._quote_paragraph(prev, q)
            ):
                if prev.kind == "direct":
                    prev.fragments.extend(q.fragments)
                    prev.quoted.append(qi)
                else:
                    self._pending.append(_Attribution(list(q.fragments), "direct", prev.cue, prev.cue_span,
                                                      prev.source, prev.source_span, [qi]))
                self.claimed.add(qi)
            elif (not starts_sentence and prev.cue is not None and prev.cue.sent == own_sentence
                  and "\n" not in sent_gap):
                start = self._tail_start(prev, q)
                start, end = self._trim(start, q.end)
                self._pending.append(_Attribution([(start, end)], "mixed", prev.cue, prev.cue_span,
                                                  prev.source, prev.source_span, [qi]))
                self.claimed.add(qi)

    def _signature(self, qi: int, q: Quoted) -> _Attribution | None:
        """A quotation signed after a dash at the end of its line: `"..." ― Jane Doe, 34`."""
        text = self.text
        pos = q.end
        line_end = text.find("\n", pos)
        line_end = len(text) if line_end == -1 else line_end
        while pos < line_end and (text[pos] in _MARK_CHARS or text[pos] in ".," or text[pos].isspace()):
            pos += 1
        match = _SIGNATURE.match(text, pos, line_end)
        if match is None:
            return None
        name_start, name_end = match.start(2), match.end(2)
        while name_end > name_start and (text[name_end - 1] == "." or text[name_end - 1].isspace()):
            name_end -= 1
        if not 0 < len(text[name_start:name_end].split()) <= 8:
            return None
        head = self.doc[self._tok_at(name_end - 1)]
        dash = match.group(1)
        return _Attribution(list(q.fragments), "direct", None, (match.start(1), match.end(1), dash, dash),
                            head, (name_start, name_end), [qi])

    def _labels(self) -> None:
        """`NAME: words` lines: transcript turns and headline attributions (`Pence: ...`)."""
        previous: _Attribution | None = None
        for line_start, line_end in _lines(self.text):
            start = line_start
            while start < line_end and (self.text[start] in _MARK_CHARS or self.text[start].isspace()):
                start += 1
            match = _LABEL.match(self.text, start, line_end)
            label_ok = False
            if match is not None:
                label = match.group(1)
                head = self.doc[self._tok_at(match.end(1) - 1)]
                entity = self.index.at(match.start(1), match.end(1))
                label_ok = label.upper() not in cues.EDITORIAL_LABELS and (
                    (label.isupper() and len(label) > 2)
                    or (entity is not None and entity.type in ("PERSON", "ORG", "NORP", "GPE"))
                )
            if match is not None and label_ok:
                content = self._trim(match.end(), line_end)
                if content[1] - content[0] < 2:
                    previous = None
                    continue
                opened = start > line_start
                colon = match.end(1)
                while self.text[colon] != ":":
                    colon += 1
                previous = _Attribution([content], "direct" if opened else "indirect", None,
                                        (colon, colon + 1, ":", ":"), head, (match.start(1), match.end(1)))
                self._pending.append(previous)
                continue
            opened = start > line_start
            if previous is not None and opened and previous.kind == "direct" and self._words(start, line_end):
                previous.fragments.append(self._trim(start, line_end))
                continue
            previous = None
        inside = [frag for a in self._pending for frag in a.fragments]
        for qi, q in enumerate(self.quoted):
            total = sum(e - s for s, e in q.fragments)
            covered = sum(max(0, min(e, fe) - max(s, fs)) for s, e in q.fragments for fs, fe in inside)
            if total and covered * 2 >= total:
                self.claimed.add(qi)

    def _quote_paragraph(self, prev: _Attribution, q: Quoted) -> bool:
        """A paragraph that is nothing but a quotation, right after a paragraph quoting someone."""
        gap = self.text[prev.end:q.start]
        line_end = self.text.find("\n", q.end)
        line_end = len(self.text) if line_end == -1 else line_end
        breaks = "".join(ch for ch in gap if ch == "\n")
        after_break = prev.end + gap.find("\n")
        return (prev.kind == "direct" and breaks in ("\n", "\n\n") and not self._words(after_break, q.start)
                and not self._words(q.end, line_end))

    def _sentences_between(self, prev: _Attribution, q: Quoted) -> int:
        end_tok = self.doc[self._tok_at(max(prev.end, prev.cue_span[1] if prev.cue_span else 0))]
        q_tok = self.doc[self._tok_at(q.start)]
        return sum(1 for s in self.doc.sents if end_tok.i < s.start <= q_tok.i)

    def _tail_start(self, prev: _Attribution, q: Quoted) -> int:
        """Where a quotation's clause starts after the attribution in the same sentence."""
        cue = prev.cue
        assert cue is not None
        pos = cue.right_edge.idx + len(cue.right_edge) if cue.right_edge.idx < q.start else cue.idx + len(cue)
        for t in self.doc[self._tok_at(pos):self._tok_at(q.start)]:
            if t.idx < pos:
                continue
            if t.dep_ != "cc" and not t.is_punct or self._in_quote(t) or t.idx >= q.start - 1:
                break
            pos = t.idx + len(t)
        for conj in cue.children:
            if conj.dep_ == "conj" and conj.left_edge.idx <= q.start <= conj.right_edge.idx:
                pos = max(pos, next((t.idx for t in conj.subtree if t.dep_ != "cc" and not t.is_punct), pos))
                break
        return pos

    # ----- speakers ----------------------------------------------------------------------------

    def _resolve_speakers(self, attributions: list[_Attribution]) -> None:
        previous: list[tuple[int, Speaker]] = []  # (mention end, resolved speaker) in order
        for a in sorted(attributions, key=lambda a: a.cue_span[0] if a.cue_span else a.start):
            a.speaker = self._speaker(a, previous)
            if a.speaker.mention is not None:
                previous.append((a.speaker.mention.end, a.speaker))

    def _speaker(self, a: _Attribution, previous: list[tuple[int, Speaker]]) -> Speaker:
        if a.source is None or a.source_span is None:
            return Speaker()
        head = a.source
        start, end = a.source_span
        mention = TextSpan(start=start, end=end, text=self.text[start:end])
        lower = head.lower_
        if lower in cues.PRONOUNS_PERSON or lower in cues.PRONOUNS_THING or lower in cues.PRONOUNS_PLURAL:
            found = self._antecedent(head, previous)
            if found is None:
                return Speaker(mention=mention)
            return found.model_copy(update={"mention": mention})
        entity = self.index.at(head.idx, head.idx + len(head))
        if entity is not None and entity.type in _SPEAKER_TYPES:
            role = entity.roles[0] if entity.roles else None
            return Speaker(mention=mention, entity_id=entity.id, name=entity.name, type=entity.type, role=role)
        lemma = head.lemma_.lower()
        if lemma in cues.ORG_HEADS:
            definite = any(t.lower_ == "the" or t.dep_ == "poss" for t in head.lefts)
            name = mention.text if definite else None
            return Speaker(mention=mention, name=name, type="ORG")
        if lemma in cues.PERSON_HEADS:
            return Speaker(mention=mention, type="PERSON")
        return Speaker(mention=mention)

    def _antecedent(self, pronoun: Token, previous: list[tuple[int, Speaker]]) -> Speaker | None:
        lower = pronoun.lower_
        if lower in cues.PRONOUNS_PERSON:
            fits = ("PERSON",)
        elif lower in cues.PRONOUNS_THING:
            fits = ("ORG", "GPE", "NORP", "FAC")
        else:
            fits = ("ORG", "GPE", "NORP", "PERSON")
        best: tuple[int, Speaker] | None = None
        for end, speaker in reversed(previous):
            if end <= pronoun.idx and speaker.type in fits and speaker.mention is not None:
                if lower in cues.PRONOUNS_PLURAL and speaker.type == "PERSON" and speaker.entity_id:
                    continue
                best = (end, speaker)
                break
        for entity, m in self.index.before(pronoun.idx, fits):
            if m.field != "body" or self.tok_quote[self._tok_at(m.start)] != -1:
                continue
            if best is None or m.end > best[0]:
                role = entity.roles[0] if entity.roles else None
                return Speaker(entity_id=entity.id, name=entity.name, type=entity.type, role=role)
            break
        return best[1] if best else None

    # ----- messages ----------------------------------------------------------------------------

    def _messages(self, attributions: list[_Attribution]) -> list[Quote]:
        out: list[Quote] = []
        seen: set[tuple[int, int]] = set()
        for a in attributions:
            a.fragments.sort()
            start, end = a.start, a.end
            if (start, end) in seen or end <= start:
                continue
            seen.add((start, end))
            cue = None
            if a.cue_span is not None:
                cue = Cue(start=a.cue_span[0], end=a.cue_span[1], text=a.cue_span[2], lemma=a.cue_span[3])
            out.append(Quote(
                id=message_id(self.article.id, self.article.content_hash, "quote", start, end),
                article_id=self.article.id,
                content_hash=self.article.content_hash,
                kind=a.kind,  # type: ignore[arg-type]  # one of the three literals by construction
                text=self.text[start:end],
                start=start,
                end=end,
                fragments=[TextSpan(start=s, end=e, text=self.text[s:e]) for s, e in a.fragments],
                cue=cue,
                speaker=a.speaker or Speaker(),
            ))
        return out


def extract_quotes(article: Article, doc: Doc) -> list[Quote]:
    """Quotes in `article`, in body order, each with its cue and speaker.

    `doc` is the parse of `article.body` (same text, same offsets). Deterministic: ids are
    `message_id(article.id, article.content_hash, "quote", start, end)`.
    """
    return with_body_texts(_Extractor(article, doc).run(), article.body, doc_text(doc))


__all__ = ["extract_quotes"]
