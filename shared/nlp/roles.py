"""People's roles as the text states them, read off the dependency parse.

"Japan's outgoing Prime Minister Fumio Kishida" -> title 'Prime Minister', qualifier 'outgoing',
affiliation 'Japan' (JP); "South Korean President Yoon Suk Yeol" -> 'President', 'South Korea'
(KR); "Richard Parsons, chairman of TimeWarner" -> 'chairman', 'TimeWarner'. A title is a run of
words from the lexicon below ending next to the name (or heading an apposition); what precedes
it is an affiliation when it is a place, nationality or organisation, and a qualifier otherwise.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

from spacy.tokens import Doc, Token

from shared.schemas.entity import Place, Role

if TYPE_CHECKING:
    from collections.abc import Mapping

#: Words that head a title ('minister', 'spokesman').
TITLE_HEADS = frozenset("""
president minister premier chancellor spokesman spokeswoman spokesperson secretary chairman
chairwoman chairperson chair ceo cfo coo executive director governor mayor senator congressman
congresswoman lawmaker legislator mp ambassador envoy king queen prince princess emperor empress
pope general admiral commander chief leader head officer manager coach captain judge justice
prosecutor attorney lawyer official economist analyst adviser advisor aide negotiator candidate
founder owner editor correspondent commissioner inspector superintendent sheriff lieutenant
colonel major sergeant bishop archbishop cardinal rabbi imam cleric sheikh speaker treasurer
strategist president-elect deputy representative delegate diplomat monarch dictator ruler
spokesmen vice-president vice-chairman consul mufti ayatollah marshal striker midfielder
goalkeeper defender forward batsman bowler champion
""".split())
#: Words that only form part of a title ('Prime', 'Foreign', 'Vice').
TITLE_MODIFIERS = frozenset("""
prime vice deputy foreign defence defense finance interior justice trade home health education
economy economic energy agriculture labour labor culture environment transport industry
treasury general chief executive managing senior assistant associate acting interim first
crown supreme state party opposition union army police military central bank cabinet press
communications information security intelligence fleet executive-vice lord grand high foreign-
""".split())
_JOINERS = frozenset({"and", "&", "-"})
_AFFILIATION_TYPES = frozenset({"GPE", "NORP", "ORG"})
_SKIP = frozenset({"the", "a", "an", "'s", "\u2019s", "'", "\u2019"})


class _Owner(Protocol):
    type: str
    name: str
    place: Place | None


def find_roles(doc: Doc, spans: Sequence[tuple[int, int]],
               owners: Mapping[int, _Owner]) -> list[Role]:
    """Roles stated around a person's mentions (token spans), one per title, richest kept.

    `owners` maps a token index to the entity whose mention covers it, for affiliations.
    """
    found: list[Role] = []
    for ts, te in spans:
        head = doc[ts:te].root
        premodifiers = _premodifiers(doc, ts, head)
        role = _read(premodifiers, owners)
        if role is None:
            role = _apposition(doc, ts, te, head, owners)
        if role is not None:
            found.append(role)
    return _merge(found)


def _premodifiers(doc: Doc, ts: int, head: Token) -> list[Token]:
    """The tokens left of the name inside its noun phrase, nearest last."""
    left = min(head.left_edge.i, ts)
    if head.dep_ in ("appos", "compound") and head.head.i == ts - 1:
        # 'Japan's outgoing Prime Minister [Fumio Kishida]' parsed as an apposition of 'Minister'.
        left = min(left, head.head.left_edge.i)
    # The parse often splits a coordinated title ('chairman and chief executive Richard
    # Parsons' makes the name a conjunct of 'chairman'): take title words on the left as well.
    while left > 0 and (_is_title_word(doc[left - 1]) or (
            doc[left - 1].lower_ in _JOINERS and left > 1 and _is_title_word(doc[left - 2]))):
        left -= 1
    if left >= ts:
        return []
    tokens = list(doc[left:ts])
    # A broken parse can reach far left; a comma, verb or preposition ends the noun phrase.
    for k in range(len(tokens) - 1, -1, -1):
        tok = tokens[k]
        if (tok.is_punct and tok.text not in {"-", "'"}) or tok.pos_ in ("VERB", "AUX", "ADP",
                                                                           "SCONJ", "PRON"):
            if tok.text == "-" or tok.lower_ in _JOINERS:
                continue
            return tokens[k + 1:]
    return tokens


def _is_title_word(tok: Token) -> bool:
    return tok.lower_ in TITLE_HEADS or tok.lower_ in TITLE_MODIFIERS


def _read(tokens: list[Token], owners: Mapping[int, _Owner]) -> Role | None:
    """Split 'Japan 's outgoing Prime Minister' into affiliation, qualifier and title."""
    if not tokens or tokens[-1].lower_ not in TITLE_HEADS:
        return None
    k = len(tokens) - 1
    while k > 0:
        prev = tokens[k - 1]
        if _is_title_word(prev) and prev.i not in owners:
            k -= 1
        elif prev.lower_ in _JOINERS and k > 1 and _is_title_word(tokens[k - 2]):
            k -= 1
        else:
            break
    # A modifier alone before the run ('Foreign' in 'Foreign Minister') belongs to the title,
    # but a run never starts with a joiner.
    while tokens[k].lower_ in _JOINERS:
        k += 1
    title_tokens = tokens[k:]
    rest = tokens[:k]
    return _role(title_tokens, rest, owners)


def _role(title_tokens: list[Token], rest: list[Token], owners: Mapping[int, _Owner],
          extra_affiliation: _Owner | None = None) -> Role:
    doc = title_tokens[0].doc
    title = doc[title_tokens[0].i:title_tokens[-1].i + 1].text  # not doc.text: that joins every token
    affiliation: _Owner | None = None
    qualifier: list[Token] = []
    for tok in rest:
        owner = owners.get(tok.i)
        if owner is not None and owner.type in _AFFILIATION_TYPES:
            affiliation = owner
        elif owner is None and tok.lower_ not in _SKIP and not tok.is_punct and tok.pos_ not in (
                "DET", "PRON") and not _possessor(tok):
            qualifier.append(tok)
    affiliation = affiliation or extra_affiliation
    name, code = _affiliation(affiliation)
    return Role(title=title, qualifier=" ".join(t.text for t in qualifier) or None,
                affiliation=name, country_code=code)


def _possessor(tok: Token) -> bool:
    """'country' in 'the country's president': a possessor that is not a named entity."""
    nxt = tok.nbor(1) if tok.i + 1 < len(tok.doc) else None
    return nxt is not None and nxt.tag_ == "POS"


def _affiliation(owner: _Owner | None) -> tuple[str | None, str | None]:
    if owner is None:
        return None, None
    place = owner.place
    if owner.type == "NORP" and place is not None and place.country_name:
        return place.country_name, place.country_code
    return owner.name, place.country_code if place is not None else None


def _apposition(doc: Doc, ts: int, te: int, head: Token,
                owners: Mapping[int, _Owner]) -> Role | None:
    """'Richard Parsons, chairman of TimeWarner' and 'the chairman of TimeWarner, Richard Parsons'."""
    title_head: Token | None = None
    for child in head.rights:
        if child.dep_ == "appos" and child.i >= te and child.lower_ in TITLE_HEADS:
            title_head = child
            break
    if title_head is None and head.dep_ == "appos" and head.head.i < ts and \
            head.head.lower_ in TITLE_HEADS:
        title_head = head.head
    if title_head is None:
        return None
    left = [t for t in title_head.lefts]
    tokens = list(doc[left[0].i:title_head.i + 1]) if left else [title_head]
    role_tokens = tokens[:]
    role = _read(role_tokens, owners)
    if role is None:
        return None
    if role.affiliation is None:
        for prep in title_head.rights:
            if prep.dep_ == "prep" and prep.lower_ in ("of", "at", "for"):
                for obj in prep.children:
                    if obj.dep_ == "pobj":
                        owner = owners.get(obj.i)
                        if owner is not None and owner.type in _AFFILIATION_TYPES:
                            name, code = _affiliation(owner)
                            return role.model_copy(update={"affiliation": name,
                                                           "country_code": code})
    return role


def _merge(roles: list[Role]) -> list[Role]:
    """One role per title (case-folded), the fields of later statements filling the gaps."""
    merged: dict[str, Role] = {}
    for role in roles:
        key = role.title.casefold()
        if key not in merged:
            merged[key] = role
            continue
        have = merged[key]
        merged[key] = have.model_copy(update={
            name: getattr(role, name) for name in ("qualifier", "affiliation", "country_code")
            if getattr(have, name) is None and getattr(role, name) is not None})
    return list(merged.values())
