"""Entity linking (shared.nlp.entities) and the entities stage's pure function.

Docs go through the DocBin round trip the stream uses, so the code under test sees exactly what
the entities stage sees. Where a rule needs the model to make a mistake, the test sets the
doc's entities by hand rather than hoping the model errs.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from spacy.tokens import Doc

from evaluation.conll import read_conll
from services.entities.pipeline import extract_entities
from shared.nlp.docs import decode_doc, encode_doc
from shared.nlp.entities import EntityIndex, LinkedEntity, link_entities
from shared.schemas import Article, Entity, ReferenceDate, message_id
from shared.schemas.entity import Salience


def make_article(body: str, headline: str | None = None, day: date = date(2024, 9, 3)) -> Article:
    return Article(id="a1", body=body, headline=headline, content_hash="h",
                   reference_date=ReferenceDate(date=day, source="dateline"),
                   ingested_at=datetime.now(UTC))


def parse(nlp, text: str) -> Doc:  # type: ignore[no-untyped-def]
    return decode_doc(encode_doc(nlp(text)))


def link(nlp, text: str, headline: str | None = None) -> EntityIndex:  # type: ignore[no-untyped-def]
    return link_entities(make_article(text, headline), parse(nlp, text))


def with_ents(nlp, text: str, ents: list[tuple[str, int, str]]) -> Doc:  # type: ignore[no-untyped-def]
    """A parsed doc whose entities are set by hand: (surface, occurrence, label)."""
    doc = parse(nlp, text)
    spans = []
    for surface, nth, label in ents:
        start = -1
        for _ in range(nth + 1):
            start = text.index(surface, start + 1)
        span = doc.char_span(start, start + len(surface), label=label)
        assert span is not None, surface
        spans.append(span)
    doc.set_ents(spans, default="outside")
    return doc


def named(index: EntityIndex, name: str) -> LinkedEntity:
    found = [e for e in index.entities if e.name == name]
    assert len(found) == 1, [(e.name, e.type) for e in index.entities]
    return found[0]


def texts(entity: LinkedEntity, field: str = "body") -> list[str]:
    return [m.text for m in entity.mentions if m.field == field]


# --- the reference story ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def afp(nlp, afp_text: str) -> list[Entity]:  # type: ignore[no-untyped-def]
    body = afp_text.split("\n", 1)[1]
    assert body.startswith("SEOUL, Sept 3, 2024")
    article = make_article(body)
    entities = extract_entities(article, parse(nlp, body))
    for entity in entities:
        for m in entity.mentions:
            assert body[m.start:m.end] == m.text
    return entities


def afp_entity(entities: list[Entity], name: str, type_: str | None = None) -> Entity:
    found = [e for e in entities if e.name == name and (type_ is None or e.type == type_)]
    assert len(found) == 1, sorted((e.type, e.name) for e in entities)
    return found[0]


def test_afp_people(afp: list[Entity]) -> None:
    kishida = afp_entity(afp, "Fumio Kishida", "PERSON")
    assert kishida.salience.mentions == 7
    assert [m.text for m in kishida.mentions].count("Kishida") == 6
    assert [(r.title, r.qualifier, r.affiliation, r.country_code) for r in kishida.roles][0] == (
        "Prime Minister", "outgoing", "Japan", "JP")

    yoon = afp_entity(afp, "Yoon Suk Yeol", "PERSON")  # one 'Yoon' is tagged GPE by the model
    assert yoon.salience.mentions == 6
    assert any(r.title == "President" and r.affiliation == "South Korea" and r.country_code == "KR"
               for r in yoon.roles)

    hayashi = afp_entity(afp, "Yoshimasa Hayashi", "PERSON")
    assert [(r.title, r.qualifier, r.country_code) for r in hayashi.roles] == [
        ("spokesman", "top government", "JP")]
    assert not [e for e in afp if e.type == "PERSON" and e.name in ("Kishida", "Yoon")]


def test_afp_organisation_and_places(afp: list[Entity]) -> None:
    ldp = afp_entity(afp, "Liberal Democratic Party", "ORG")
    assert [m.text for m in ldp.mentions] == ["Liberal Democratic Party", "LDP", "LDP"]

    seoul = afp_entity(afp, "Seoul", "GPE")
    assert seoul.mentions[0].text == "SEOUL" and seoul.mentions[0].start == 0
    assert seoul.place is not None and seoul.place.country_code == "KR"
    assert seoul.place.kind == "city" and seoul.place.latitude is not None
    tokyo = afp_entity(afp, "Tokyo", "GPE")
    assert tokyo.place is not None and tokyo.place.country_code == "JP"

    codes = {e.name: e.place.country_code for e in afp if e.type == "GPE" and e.place}
    assert codes["Japan"] == "JP"
    assert codes["South Korea"] == "KR"
    assert codes["North Korea"] == "KP"
    assert codes["China"] == "CN"
    assert codes["United States"] == "US"
    south_korea = afp_entity(afp, "South Korea", "GPE")
    assert "South Korea's" not in [m.text for m in south_korea.mentions]
    assert not [m for e in afp for m in e.mentions if m.text.endswith(("'s", "-"))]


def test_afp_times(afp: list[Entity]) -> None:
    values = {m.text: m.value for e in afp if e.type in ("DATE", "TIME", "DURATION", "SET")
              for m in e.mentions}
    expected = {"Sept 3, 2024": "2024-09-03", "Friday": "2024-09-06", "Tuesday": "2024-09-03",
                "September 27": "2024-09-27", "this month": "2024-09", "May": "2024-05",
                "last week": "2024-W35", "2023": "2023", "two-day": "P2D"}
    for text, value in expected.items():
        assert values.get(text) == value, (text, values)
    assert not [e for e in afp if e.type in ("CARDINAL", "ORDINAL", "MONEY", "PERCENT")]
    two_day = next(e for e in afp if e.mentions[0].text == "two-day")
    assert two_day.type == "DURATION" and two_day.value == "P2D"


def test_afp_ids_are_deterministic(nlp, afp_text: str, afp: list[Entity]) -> None:  # type: ignore[no-untyped-def]
    body = afp_text.split("\n", 1)[1]
    again = extract_entities(make_article(body), parse(nlp, body))
    assert [e.id for e in again] == [e.id for e in afp]
    assert len({e.id for e in afp}) == len(afp)
    for entity in afp:
        assert entity.id == message_id("a1", "h", "entity", entity.type, entity.name)


# --- canonical names --------------------------------------------------------------------------


def test_surname_resolves_to_full_name_introduced_later(nlp) -> None:  # type: ignore[no-untyped-def]
    index = link(nlp, "Kishida will visit Seoul next week. Japanese Prime Minister Fumio Kishida "
                      "said on Monday that ties were strong.")
    kishida = named(index, "Fumio Kishida")
    assert kishida.type == "PERSON"
    assert texts(kishida) == ["Kishida", "Fumio Kishida"]
    assert kishida.roles[0].title == "Prime Minister" and kishida.roles[0].country_code == "JP"


def test_people_sharing_a_surname_stay_apart(nlp) -> None:  # type: ignore[no-untyped-def]
    index = link(nlp, "John Smith met Mary Smith in London on Monday. Smith said the talks went "
                      "well.")
    john, mary = named(index, "John Smith"), named(index, "Mary Smith")
    assert john.id != mary.id
    assert texts(john) == ["John Smith"]
    # The ambiguous 'Smith' goes to the nearest preceding full name, or to nobody.
    assert texts(mary) in (["Mary Smith"], ["Mary Smith", "Smith"])


def test_ambiguous_surname_before_both_full_names_stays_unlinked(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "Smith spoke first. Then John Smith and Mary Smith spoke."
    doc = with_ents(nlp, text, [("Smith", 0, "PERSON"), ("John Smith", 0, "PERSON"),
                                ("Mary Smith", 0, "PERSON")])
    index = link_entities(make_article(text), doc)
    assert texts(named(index, "John Smith")) == ["John Smith"]
    assert texts(named(index, "Mary Smith")) == ["Mary Smith"]
    assert texts(named(index, "Smith")) == ["Smith"]


def test_acronym_and_expansion_are_one_entity(nlp) -> None:  # type: ignore[no-untyped-def]
    index = link(nlp, "The Liberal Democratic Party (LDP) won the vote. The LDP said it was "
                      "pleased.")
    ldp = named(index, "Liberal Democratic Party")
    assert ldp.type == "ORG"
    assert texts(ldp) == ["Liberal Democratic Party", "LDP", "LDP"]


def test_acronym_matched_by_initials_without_brackets(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "The World Health Organization met in Geneva. Later the WHO said cases fell."
    doc = with_ents(nlp, text, [("World Health Organization", 0, "ORG"), ("Geneva", 0, "GPE"),
                                ("WHO", 0, "ORG")])
    index = link_entities(make_article(text), doc)
    assert texts(named(index, "World Health Organization")) == ["World Health Organization", "WHO"]


def test_bracketed_country_is_not_an_acronym(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "Lindsay Davenport ( U.S. ) beat Anne Smith ( Britain ) 6-0 6-3 ."
    doc = with_ents(nlp, text, [("Lindsay Davenport", 0, "PERSON"), ("U.S.", 0, "GPE"),
                                ("Anne Smith", 0, "PERSON"), ("Britain", 0, "GPE")])
    index = link_entities(make_article(text), doc)
    assert named(index, "U.S.").type == "GPE"
    assert texts(named(index, "Lindsay Davenport")) == ["Lindsay Davenport"]


def test_possessive_and_stray_hyphen_are_trimmed(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "South Korea's president praised South Korea-Japan ties."
    doc = with_ents(nlp, text, [("South Korea's", 0, "GPE"), ("South Korea-", 0, "GPE"),
                                ("Japan", 0, "GPE")])
    index = link_entities(make_article(text), doc)
    korea = named(index, "South Korea")
    assert texts(korea) == ["South Korea", "South Korea"]
    assert korea.place is not None and korea.place.country_code == "KR"


def test_leading_article_is_trimmed(nlp) -> None:  # type: ignore[no-untyped-def]
    index = link(nlp, "Both are allies of the United States, officials said.")
    us = named(index, "United States")
    assert texts(us) == ["United States"]
    assert us.place is not None and us.place.country_code == "US"


def test_country_aliases_are_one_entity(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "The United States and China met. The US said talks went well."
    doc = with_ents(nlp, text, [("United States", 0, "GPE"), ("China", 0, "GPE"),
                                ("US", 0, "GPE")])
    index = link_entities(make_article(text), doc)
    assert texts(named(index, "United States")) == ["United States", "US"]


# --- types ------------------------------------------------------------------------------------


def test_type_is_a_majority_over_mentions(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "Yoon Suk Yeol met Kishida. Yoon said Yoon was glad, and Yoon left."
    doc = with_ents(nlp, text, [("Yoon Suk Yeol", 0, "PERSON"), ("Kishida", 0, "PERSON"),
                                ("Yoon", 1, "PERSON"), ("Yoon", 2, "GPE"), ("Yoon", 3, "PERSON")])
    index = link_entities(make_article(text), doc)
    yoon = named(index, "Yoon Suk Yeol")
    assert yoon.type == "PERSON"
    assert len(texts(yoon)) == 4
    assert not [e for e in index.entities if e.type == "GPE"]


def test_title_before_a_name_makes_it_a_person(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "Chancellor Olaf Scholz arrived. Scholz said little."
    doc = with_ents(nlp, text, [("Olaf Scholz", 0, "ORG"), ("Scholz", 1, "ORG")])
    index = link_entities(make_article(text), doc)
    scholz = named(index, "Olaf Scholz")
    assert scholz.type == "PERSON"
    assert texts(scholz) == ["Olaf Scholz", "Scholz"]


def test_names_found_once_are_found_again(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "Acme Industries said profits rose. Analysts expect Acme Industries to grow."
    doc = with_ents(nlp, text, [("Acme Industries", 0, "ORG")])
    index = link_entities(make_article(text), doc)
    assert texts(named(index, "Acme Industries")) == ["Acme Industries", "Acme Industries"]


def test_surname_of_a_person_is_found_again(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "Phil Simmons took four wickets. Later Simmons scored 40."
    doc = with_ents(nlp, text, [("Phil Simmons", 0, "PERSON")])
    index = link_entities(make_article(text), doc)
    assert texts(named(index, "Phil Simmons")) == ["Phil Simmons", "Simmons"]


# --- ALL-CAPS headlines and datelines ---------------------------------------------------------


def test_all_caps_dateline_merges_with_the_written_name(nlp) -> None:  # type: ignore[no-untyped-def]
    index = link(nlp, "SEOUL, Sept 3, 2024 (AFP) - The talks in Seoul ended on Tuesday. Officials "
                      "in Seoul said 30 people attended.")
    seoul = named(index, "Seoul")
    assert texts(seoul) == ["SEOUL", "Seoul", "Seoul"]
    assert seoul.type == "GPE"


def test_all_caps_line_is_matched_against_names_and_gazetteer(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "KISHIDA TO VISIT SOUTH KOREA\nFumio Kishida will visit Seoul on Friday."
    doc = with_ents(nlp, text, [("KISHIDA", 0, "ORG"), ("Fumio Kishida", 0, "PERSON"),
                                ("Seoul", 0, "GPE")])
    index = link_entities(make_article(text), doc)
    kishida = named(index, "Fumio Kishida")
    assert kishida.type == "PERSON"
    assert texts(kishida) == ["KISHIDA", "Fumio Kishida"]
    korea = named(index, "South Korea")
    assert texts(korea) == ["SOUTH KOREA"] and korea.type == "GPE"


def test_headline_mentions_and_salience(nlp) -> None:  # type: ignore[no-untyped-def]
    body = "Japanese Prime Minister Fumio Kishida will visit Seoul on Friday. Kishida said so."
    article = make_article(body, headline="Kishida to visit Seoul")
    entities = extract_entities(article, parse(nlp, body))
    kishida = next(e for e in entities if e.name == "Fumio Kishida")
    heads = [m for m in kishida.mentions if m.field == "headline"]
    assert [(m.start, m.end, m.text) for m in heads] == [(0, 7, "Kishida")]
    assert kishida.salience.in_headline and kishida.salience.mentions == 2
    assert kishida.salience.first_offset == body.index("Fumio")
    japanese = next(e for e in entities if e.type == "NORP")
    assert not japanese.salience.in_headline
    assert japanese.place is not None and japanese.place.country_code == "JP"


# --- headlines ---------------------------------------------------------------------------------


def with_headline(nlp, body: str, headline: str,  # type: ignore[no-untyped-def]
                  headline_ents: list[tuple[str, str]] | None = None) -> Doc:
    """The body's parse carrying the headline's, as annotate ships them; the headline's
    entities may be set by hand: (surface, label)."""
    head = nlp(headline)
    if headline_ents is not None:
        spans = [head.char_span(headline.index(s), headline.index(s) + len(s), label=label)
                 for s, label in headline_ents]
        assert all(span is not None for span in spans)
        head.set_ents(spans, default="outside")
    return decode_doc(encode_doc(nlp(body), head))


def headline_links(index: EntityIndex, headline: str) -> dict[str, tuple[str, str]]:
    """Headline mention text -> (entity name, type); every mention slices the headline."""
    found = {}
    for entity in index.entities:
        for m in entity.mentions:
            if m.field == "headline":
                assert headline[m.start:m.end] == m.text
                found[m.text] = (entity.name, entity.type)
    return found


def test_all_caps_headline_links_to_the_body(nlp) -> None:  # type: ignore[no-untyped-def]
    body = ("Japan's Prime Minister Fumio Kishida will visit Seoul on Friday, officials in "
            "Tokyo said. Kishida will meet South Korea's president.")
    headline = "JAPAN PM TO VISIT SEOUL FOR TALKS"
    article = make_article(body, headline)
    index = link_entities(article, with_headline(nlp, body, headline))
    links = headline_links(index, headline)
    assert links == {"JAPAN": ("Japan", "GPE"), "SEOUL": ("Seoul", "GPE")}
    seoul = named(index, "Seoul")
    assert [(m.start, m.end) for m in seoul.mentions if m.field == "headline"] == [(18, 23)]
    assert seoul.to_message(article).salience.in_headline
    assert not named(index, "Tokyo").to_message(article).salience.in_headline
    assert all(e.body_mentions() for e in index.entities)  # nothing headline-only here


def test_headline_surname_place_alias_acronym_and_time(nlp) -> None:  # type: ignore[no-untyped-def]
    body = ("Fumio Kishida will visit Seoul on Friday to meet President Yoon Suk Yeol. The Liberal "
            "Democratic Party picks a new leader this month. The United States welcomed it.")
    headline = "Kishida and Yoon to meet on Friday as LDP and US watch"
    index = link_entities(make_article(body, headline), with_headline(nlp, body, headline))
    links = headline_links(index, headline)
    assert links["Kishida"] == ("Fumio Kishida", "PERSON")
    assert links["Yoon"] == ("Yoon Suk Yeol", "PERSON")
    assert links["LDP"] == ("Liberal Democratic Party", "ORG")
    assert links["US"] == ("United States", "GPE")
    friday = next(e for e in index.entities if e.type == "DATE" and e.value == "2024-09-06")
    heads = [m for m in friday.mentions if m.field == "headline"]
    assert [(m.text, m.value) for m in heads] == [("Friday", "2024-09-06")]
    assert len([e for e in index.entities if e.value == "2024-09-06"]) == 1


def test_headline_only_names_become_entities(nlp) -> None:  # type: ignore[no-untyped-def]
    body = "The talks ended on Tuesday without a deal, officials said."
    headline = "Angela Merkel hails Warsaw talks"
    doc = with_headline(nlp, body, headline, [("Angela Merkel", "PERSON")])
    article = make_article(body, headline)
    index = link_entities(article, doc)
    merkel, warsaw = named(index, "Angela Merkel"), named(index, "Warsaw")
    assert merkel.type == "PERSON" and texts(merkel, "headline") == ["Angela Merkel"]
    assert warsaw.type == "GPE" and warsaw.place is not None and warsaw.place.country_code == "PL"
    message = merkel.to_message(article)
    assert message.salience == Salience(mentions=0, first_offset=-1, in_headline=True)
    assert merkel.id == message_id("a1", "h", "entity", "PERSON", "Angela Merkel")
    assert index.entities[-2:] == [merkel, warsaw]  # after the body's, in headline order
    assert index.at(0, 5) is None  # headline offsets are not body offsets


def test_headline_words_that_are_not_clearly_names(nlp) -> None:  # type: ignore[no-untyped-def]
    body = ("Steve Jobs said jobs growth was slow. Apple hired 20 people in the United States "
            "last month.")
    headline = "Jobs growth slows in the US as Booker Prize nears"
    doc = with_headline(nlp, body, headline, [("Jobs", "PERSON"), ("US", "GPE"), ("Booker", "ORG")])
    index = link_entities(make_article(body, headline), doc)
    links = headline_links(index, headline)
    # 'Jobs' opens the headline and the body writes 'jobs' too: a word, not Steve Jobs.
    assert "Jobs" not in links
    assert links["US"] == ("United States", "GPE")
    # One capitalised word the body never names may be anything: no entity.
    assert "Booker" not in links


def test_title_case_headline_trusts_only_the_body_and_the_gazetteer(nlp) -> None:  # type: ignore[no-untyped-def]
    body = "Fumio Kishida will visit Seoul on Friday."
    headline = "Kishida Heads To Seoul With Grand Hopes For Berlin Deal"
    doc = with_headline(nlp, body, headline, [("Grand Hopes", "ORG"), ("Berlin", "GPE")])
    index = link_entities(make_article(body, headline), doc)
    links = headline_links(index, headline)
    assert links["Kishida"] == ("Fumio Kishida", "PERSON")
    assert links["Seoul"] == ("Seoul", "GPE")
    assert links["Berlin"] == ("Berlin", "GPE")
    assert "Grand Hopes" not in links


def test_headline_without_its_parse_still_finds_the_body_names(nlp) -> None:  # type: ignore[no-untyped-def]
    body = "Fumio Kishida will visit Seoul on Friday."
    headline = "KISHIDA HEADS TO SEOUL"
    index = link_entities(make_article(body, headline), parse(nlp, body))
    assert headline_links(index, headline) == {"KISHIDA": ("Fumio Kishida", "PERSON"),
                                               "SEOUL": ("Seoul", "GPE")}


def test_the_uk_nations_are_not_one_country(nlp) -> None:  # type: ignore[no-untyped-def]
    body = "A children's commissioner for Northern Ireland was appointed. Wales has one too."
    headline = "England children's tsar appointed"
    index = link_entities(make_article(body, headline), with_headline(nlp, body, headline))
    england = named(index, "England")
    assert texts(england, "headline") == ["England"] and not england.body_mentions()
    assert england.place is not None and england.place.country_code == "GB"
    assert named(index, "Northern Ireland").id != named(index, "Wales").id


def test_mr_and_mrs_of_one_surname_are_two_people(nlp) -> None:  # type: ignore[no-untyped-def]
    text = ("Michael Howard spoke in London. Mr Howard said taxes would fall. Mrs Howard will "
            "run the campaign, and Mr Howard thanked her.")
    doc = with_ents(nlp, text, [("Michael Howard", 0, "PERSON"), ("London", 0, "GPE"),
                                ("Mr Howard", 0, "PERSON"), ("Mrs Howard", 0, "PERSON"),
                                ("Mr Howard", 1, "PERSON")])
    index = link_entities(make_article(text), doc)
    assert texts(named(index, "Michael Howard")) == ["Michael Howard", "Howard", "Howard"]
    mrs = next(e for e in index.entities if e.type == "PERSON" and e.name != "Michael Howard")
    assert [m.start for m in mrs.mentions] == [text.index("Mrs Howard") + 4]


def test_leading_title_or_noun_is_not_part_of_a_name(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "Novelist Andrea Levy won. Later President Yoon Suk Yeol left."
    doc = with_ents(nlp, text, [("Novelist Andrea Levy", 0, "PERSON"),
                                ("President Yoon Suk Yeol", 0, "PERSON")])
    index = link_entities(make_article(text), doc)
    assert texts(named(index, "Andrea Levy")) == ["Andrea Levy"]
    yoon = named(index, "Yoon Suk Yeol")
    assert texts(yoon) == ["Yoon Suk Yeol"] and yoon.roles[0].title == "President"



def test_page_furniture_is_not_part_of_a_name(nlp) -> None:  # type: ignore[no-untyped-def]
    # A sign-up prompt, a photo label and a photo credit run into names by the model.
    text = ("Try again later Invalid Email Jane Doakes, the team boss, said. "
            "Photo BRISTOL was calm. Getty 4/12 Tom Brandle waved. The Ashby Cup Getty Images opened. "
            "Media caption Tom Brandle spoke.")
    doc = with_ents(nlp, text, [("Invalid Email", 0, "PERSON"), ("Jane Doakes", 0, "PERSON"),
                                ("Media", 0, "ORG"),
                                ("Photo BRISTOL", 0, "GPE"), ("Getty 4/12 Tom Brandle", 0, "PERSON"),
                                ("Ashby Cup Getty Images", 0, "EVENT")])
    index = link_entities(make_article(text), doc)
    names = {e.name for e in index.entities if e.type not in ("DATE", "TIME")}
    assert {"Jane Doakes", "Tom Brandle", "Ashby Cup"} <= names
    assert not any(w in name for name in names
                   for w in ("Email", "Invalid", "Photo", "Getty", "Media"))
    assert texts(named(index, "Jane Doakes")) == ["Jane Doakes"]


def test_a_photo_agency_named_alone_stays_a_name(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "Shares in Getty Images rose."
    doc = with_ents(nlp, text, [("Getty Images", 0, "ORG")])
    assert texts(named(link_entities(make_article(text), doc), "Getty Images")) == ["Getty Images"]

# --- roles ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "name", "role"),
    [
        ("Japan's outgoing Prime Minister Fumio Kishida will head to Seoul.", "Fumio Kishida",
         ("Prime Minister", "outgoing", "Japan", "JP")),
        ("South Korean President Yoon Suk Yeol made ties a priority.", "Yoon Suk Yeol",
         ("President", None, "South Korea", "KR")),
        ("Richard Parsons, chairman of TimeWarner, said the deal was done.", "Richard Parsons",
         ("chairman", None, "TimeWarner", None)),
        ("Later, chairman and chief executive Richard Parsons left.", "Richard Parsons",
         ("chairman and chief executive", None, None, None)),
        ("Apple chief executive Tim Cook said the company would hire.", "Tim Cook",
         ("chief executive", None, "Apple", None)),
    ],
)
def test_roles(nlp, text: str, name: str, role: tuple[str | None, ...]) -> None:  # type: ignore[no-untyped-def]
    person = named(link(nlp, text), name)
    assert person.type == "PERSON"
    assert [(r.title, r.qualifier, r.affiliation, r.country_code) for r in person.roles] == [role]


def test_no_role_without_a_title(nlp) -> None:  # type: ignore[no-untyped-def]
    person = named(link(nlp, "Yesterday Fumio Kishida met reporters."), "Fumio Kishida")
    assert person.roles == []


# --- time entities, the index, memoisation ----------------------------------------------------


def test_time_entities_carry_values_and_numbers_are_left_out(nlp) -> None:  # type: ignore[no-untyped-def]
    index = link(nlp, "Kishida will visit Seoul on Friday for a two-day trip with 30 aides.")
    friday = next(e for e in index.entities if e.type == "DATE")
    assert friday.value == "2024-09-06" and friday.mentions[0].value == "2024-09-06"
    assert any(e.type == "DURATION" and e.value == "P2D" for e in index.entities)
    assert not any(m.text == "30" for e in index.entities for m in e.mentions)


def test_index_lookups(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "Fumio Kishida met Yoon Suk Yeol in Seoul. Kishida said Yoon was a friend."
    index = link(nlp, text)
    kishida, yoon = named(index, "Fumio Kishida"), named(index, "Yoon Suk Yeol")
    pos = text.index("Kishida said")
    assert index.at(pos, pos + 7) is kishida
    found = index.mention_at(pos + 2, pos + 3)
    assert found is not None and found[0] is kishida and found[1].text == "Kishida"
    assert index.at(text.index("met"), text.index("met") + 3) is None
    before = index.before(text.index("was"))
    assert [(e.name, m.text) for e, m in before[:3]] == [
        ("Yoon Suk Yeol", "Yoon"), ("Fumio Kishida", "Kishida"), ("Yoon Suk Yeol", "Yoon Suk Yeol")]
    assert [e.type for e, _ in index.before(len(text), types=("GPE",))] == ["GPE"]
    assert index.by_id(yoon.id) is yoon and index.by_id("nope") is None


def test_link_entities_is_memoised_per_article_version(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "Fumio Kishida met reporters in Tokyo."
    doc = parse(nlp, text)
    first = link_entities(make_article(text), doc)
    assert link_entities(make_article(text), doc) is first
    other = make_article(text).model_copy(update={"content_hash": "h2"})
    second = link_entities(other, doc)
    assert second is not first
    assert [e.name for e in second.entities] == [e.name for e in first.entities]
    assert [e.id for e in second.entities] != [e.id for e in first.entities]


@pytest.mark.parametrize(
    "text",
    ["BRUSSELS 1996-08-22\nThe European Commission said on Thursday it disagreed with German "
     "advice to consumers to shun British lamb until scientists determine whether mad cow "
     "disease can be transmitted to sheep.",
     "“We will not give up,” said Ángela Müller, the mayor of Zürich, on Monday.\n\nShe left.",
     "U.S. Treasury Secretary Robert Rubin said the U.S. economy grew 2% in 1995."],
)
def test_mentions_always_index_the_body(nlp, text: str) -> None:  # type: ignore[no-untyped-def]
    entities = extract_entities(make_article(text), parse(nlp, text))
    assert entities
    for entity in entities:
        assert entity.mentions == sorted(entity.mentions, key=lambda m: (m.field, m.start))
        for m in entity.mentions:
            assert text[m.start:m.end] == m.text and m.text.strip() == m.text


# --- the CoNLL evaluation reader --------------------------------------------------------------


def test_conll_reader_rebuilds_text_and_iob1_chunks(tmp_path: Path) -> None:
    data = tmp_path / "mini.conll"
    data.write_text(
        "-DOCSTART- -X- O O\n\n"
        "SOCCER NN I-NP O\n- : O O\nJAPAN NNP I-NP I-LOC\n\n"
        "Fumio NNP I-NP I-PER\nKishida NNP I-NP I-PER\nmet VBD I-VP O\n"
        "Yoon NNP I-NP I-PER\nSuk NNP I-NP I-PER\n, , O O\nand CC O O\n"
        "Kim NNP I-NP I-PER\nLee NNP I-NP B-PER\n. . O O\n\n"
        "-DOCSTART- -X- O O\n\nBonn NNP I-NP I-LOC\n\n",
        encoding="utf-8")
    docs = read_conll(data)
    assert len(docs) == 2
    first = docs[0]
    assert first.text == "SOCCER - JAPAN\nFumio Kishida met Yoon Suk , and Kim Lee ."
    spans = sorted((first.text[s:e], k) for s, e, k in first.gold)
    assert spans == [("Fumio Kishida", "PER"), ("JAPAN", "LOC"), ("Kim", "PER"), ("Lee", "PER"),
                     ("Yoon Suk", "PER")]
    assert [(docs[1].text[s:e], k) for s, e, k in docs[1].gold] == [("Bonn", "LOC")]


_PIECES = ["Fumio", "Kishida", "SEOUL", "Seoul", "Japan", "'s", "(", ")", "LDP", "-", ",", ".",
           "said", "the", "U.S.", "on", "Friday", "\n", "President", "and", "Smith", "3", "AT",
           "Liberal", "Democratic", "Party", "“", "”", "Mr"]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(_PIECES), min_size=1, max_size=30))
def test_any_text_links_without_error(nlp, pieces: list[str]) -> None:  # type: ignore[no-untyped-def]
    text = " ".join(pieces)
    index = link(nlp, text)
    ids = [e.id for e in index.entities]
    assert len(ids) == len(set(ids))
    starts = [e.body_mentions()[0].start for e in index.entities]
    assert starts == sorted(starts)
    for entity in index.entities:
        for m in entity.body_mentions():
            assert text[m.start:m.end] == m.text and m.text
            assert index.at(m.start, m.end) is not None


# --- the token arrays the linker reads instead of Token objects --------------------------------


def assert_arrays_match_tokens(doc: Doc) -> None:
    """The linker's lists, text and entity spans, held to what spaCy's Token objects say."""
    from shared.nlp.entities import _Linker

    expected_text = doc.text  # before the linker caches its own
    linker = _Linker(make_article(expected_text or "x"), doc)
    assert linker.text == expected_text
    assert linker.words == [t.text for t in doc]
    assert sorted(linker.forms) == sorted({t.text for t in doc})
    assert linker.lower == [t.lower_ for t in doc]
    assert linker.tag == [t.tag_ for t in doc]
    assert linker.ent_type == [t.ent_type_ for t in doc]
    assert linker.idx == [t.idx for t in doc]
    assert linker.alpha == [t.is_alpha for t in doc] and linker.upper == [t.is_upper for t in doc]
    assert linker.punct == [t.is_punct for t in doc] and linker.space == [t.is_space for t in doc]
    assert linker.stop == [t.is_stop for t in doc]
    assert linker.digit == [not t.text.isalpha() and any(ch.isdigit() for ch in t.text) for t in doc]
    assert linker.capital == [t.text[:1].isupper() for t in doc]
    assert linker._ents() == [(e.start, e.end, e.label_) for e in doc.ents]


@pytest.mark.parametrize(
    "text",
    ["", " ", "Fumio Kishida met Yoon Suk Yeol in Seoul on Friday. ",
     "SEOUL, Sept 3 (AFP) -\n\n  Ángela Müller of Zürich ran 10km² in 2024-08-30;  x²  “quoted”\t!",
     "Warwickshire 195 , Surrey 429-7\nJ. Ratcliffe 63\n"],
)
def test_token_arrays_match_the_tokens(nlp, text: str) -> None:  # type: ignore[no-untyped-def]
    assert_arrays_match_tokens(parse(nlp, text))


def test_entity_spans_match_doc_ents_when_entities_touch(nlp) -> None:  # type: ignore[no-untyped-def]
    # Two entities back to back ('Kishida' 'Japan'), one at the very end: B after B, and no O to close it.
    doc = with_ents(nlp, "Fumio Kishida Japan Liberal Democratic Party",
                    [("Fumio Kishida", 0, "PERSON"), ("Japan", 0, "GPE"), ("Liberal Democratic Party", 0, "ORG")])
    assert [e.label_ for e in doc.ents] == ["PERSON", "GPE", "ORG"]
    assert_arrays_match_tokens(doc)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(_PIECES + ["Ángela", "x²", "10km", "\t"]),
                          st.sampled_from([" ", "", "  ", "\n", "\n\n"])), min_size=1, max_size=25))
def test_token_arrays_match_the_tokens_on_any_text(nlp, pieces: list[tuple[str, str]]) -> None:  # type: ignore[no-untyped-def]
    assert_arrays_match_tokens(parse(nlp, "".join(word + gap for word, gap in pieces)))


def test_doc_text_joined_from_words_is_the_docs_text(nlp) -> None:  # type: ignore[no-untyped-def]
    from shared.nlp.docs import doc_text

    text = "  SEOUL, Sept 3 (AFP) -\n\nÁngela  Müller said: “no”. "
    assert doc_text(parse(nlp, text), [t.text for t in parse(nlp, text)]) == text
    assert doc_text(parse(nlp, text)) == text
    with pytest.raises(ValueError):
        doc_text(parse(nlp, text), ["too", "few"])
