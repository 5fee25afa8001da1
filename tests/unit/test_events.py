"""The events stage's pure function: types, actors, places, times, status and the main event."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from spacy.tokens import Doc

from services.events import pipeline
from services.events.pipeline import _headline_main, extract_events
from services.events.taxonomy import NOUNS, TYPES, VERBS
from shared.nlp.docs import decode_doc, encode_doc
from shared.schemas.article import Article, Dateline, ReferenceDate
from shared.schemas.common import Span, message_id
from shared.schemas.event import Event
from tests.conftest import shared_path

REFERENCE = date(2024, 9, 3)  # a Tuesday
TAXONOMY_MD = Path(__file__).resolve().parents[2] / "services" / "events" / "TAXONOMY.md"


def make_article(body: str, *, headline: str | None = None, dateline: Dateline | None = None,
                 reference: date = REFERENCE) -> Article:
    return Article(id="a1", body=body, headline=headline, dateline=dateline,
                   reference_date=ReferenceDate(date=reference, source="dateline"),
                   content_hash="h", ingested_at=datetime.now(UTC))


def events_of(nlp, body: str, **kwargs) -> list[Event]:  # type: ignore[no-untyped-def]
    return extract_events(make_article(body, **kwargs), nlp(body))


def event_at(events: list[Event], trigger: str) -> Event:
    found = [e for e in events if e.trigger.text == trigger]
    assert found, f"no event triggered by {trigger!r}: {[e.trigger.text for e in events]}"
    return found[0]


def actor_names(event: Event, role: str | None = None) -> set[str]:
    return {(a.name or a.mention.text) for a in event.actors if role is None or a.role == role}


# --- taxonomy ---------------------------------------------------------------------------------

def test_taxonomy_has_the_required_types_with_cameo_roots() -> None:
    required = {"visit", "meeting", "agreement", "statement", "appeal", "criticism", "threat",
                "sanction", "election", "resignation", "appointment", "protest", "attack",
                "military_action", "killing", "arrest", "charge", "sentence", "earnings",
                "acquisition", "layoffs", "market_move", "investment", "disaster", "accident",
                "match", "release", "award"}
    assert required <= set(TYPES)
    assert len([t for t in TYPES if t != "other"]) >= 20
    assert TYPES["statement"].cameo == "01" and TYPES["appeal"].cameo == "02"
    assert TYPES["visit"].cameo == "04" and TYPES["protest"].cameo == "14"
    assert TYPES["military_action"].cameo == "19"
    assert set(VERBS.values()) | set(NOUNS.values()) <= set(TYPES)


def test_taxonomy_document_lists_every_type_with_its_code() -> None:
    rows = {}
    for line in TAXONOMY_MD.read_text(encoding="utf-8").splitlines():
        cells = [c.strip(" `") for c in line.strip().strip("|").split("|")]
        if len(cells) >= 3 and cells[0] in TYPES:
            rows[cells[0]] = cells[1]
    assert set(rows) == set(TYPES)
    for name, cameo in rows.items():
        assert cameo == (TYPES[name].cameo or "-"), name


# --- types ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("body", "trigger", "kind"), [
    ("Rebels attacked a police station in the north on Monday.", "attacked", "attack"),
    ("The summit in Brussels ended without a deal.", "summit", "meeting"),
    ("The finance minister resigned on Friday.", "resigned", "resignation"),
    ("Microsoft agreed to acquire the games maker.", "acquire", "acquisition"),
    ("Police arrested three men after the match.", "arrested", "arrest"),
    ("Thousands protested against the new law in Paris.", "protested", "protest"),
    ("Shares of the carmaker fell 5 percent on Wednesday.", "fell", "market_move"),
    ("The climber fell from the ridge on Sunday.", "fell", "accident"),
    ("The club fired its coach after a string of defeats.", "fired", "dismissal"),
    ("Soldiers fired shots at the crowd.", "fired", "attack"),
    ("The company will lay off 2,000 workers.", "lay", "layoffs"),
    ("A car bomb exploded outside the ministry.", "exploded", "attack"),
    ("The party won a third term in office.", "won", "election"),
    ("Arsenal won 2-1 at home on Sunday.", "won", "match"),
    ("Arsenal won the derby on Sunday.", "derby", "match"),
    ("Police seized two suspects at the border.", "seized", "arrest"),
    ("Police seized weapons at the border.", "seized", "other"),
])
def test_type_comes_from_the_trigger_and_its_context(nlp, body: str, trigger: str, kind: str) -> None:
    event = event_at(events_of(nlp, body), trigger)
    assert event.type == kind
    assert event.cameo == TYPES[kind].cameo


def test_light_verb_hands_its_clause_to_the_noun(nlp) -> None:
    events = events_of(nlp, "The two leaders held talks in Geneva on Monday.")
    assert "held" not in {e.trigger.text for e in events}
    talks = event_at(events, "talks")
    assert talks.type == "meeting"
    assert talks.location is not None and talks.location.name == "Geneva"
    assert talks.time.value == "2024-09-02"


# --- status -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("body", "trigger", "status"), [
    ("The minister will visit Paris next week.", "visit", "planned"),
    ("The board is expected to decide on the merger in October.", "decide", "planned"),
    ("The union plans to strike next month.", "strike", "planned"),
    ("He will not seek re-election.", "election", "negated"),
    ("The company denied that it had laid off staff.", "laid", "negated"),
    ("The army did not attack the city.", "attack", "negated"),
    ("The talks could collapse within days.", "collapse", "hypothetical"),
    ("If the vote fails, the government may resign.", "resign", "hypothetical"),
    ("Police arrested three men on Monday.", "arrested", "occurred"),
    ("The president has signed the bill.", "signed", "occurred"),
    ("Protesters are marching through the capital.", "marching", "ongoing"),
])
def test_status_from_tense_modality_and_negation(nlp, body: str, trigger: str, status: str) -> None:
    assert event_at(events_of(nlp, body), trigger).status == status


# --- actors -----------------------------------------------------------------------------------

def test_agent_and_patient_from_subject_and_object(nlp) -> None:
    event = event_at(events_of(nlp, "Police in Lyon arrested John Smith on Monday."), "arrested")
    assert "Police in Lyon" in actor_names(event, "agent") or "Police" in actor_names(event, "agent")
    assert actor_names(event, "patient") == {"John Smith"}


def test_passive_subject_is_the_patient_and_by_phrase_the_agent(nlp) -> None:
    event = event_at(events_of(nlp, "John Smith was killed by gunmen in Lagos."), "killed")
    assert actor_names(event, "patient") == {"John Smith"}
    assert actor_names(event, "agent") == {"gunmen"}


def test_meetings_make_every_actor_a_participant(nlp) -> None:
    body = "Emmanuel Macron and Olaf Scholz met with Giorgia Meloni in Rome on Friday."
    event = event_at(events_of(nlp, body), "met")
    assert event.type == "meeting"
    assert {"Emmanuel Macron", "Olaf Scholz", "Giorgia Meloni"} <= actor_names(event, "participant")
    assert not actor_names(event, "agent")


def test_recipient_of_a_statement(nlp) -> None:
    event = event_at(events_of(nlp, "Angela Merkel told Joe Biden that the deal was dead."), "told")
    assert actor_names(event, "recipient") == {"Joe Biden"}
    assert actor_names(event, "agent") == {"Angela Merkel"}


def test_controlled_infinitive_inherits_the_subject(nlp) -> None:
    event = event_at(events_of(nlp, "Joe Biden plans to visit Kenya in March."), "visit")
    assert actor_names(event, "agent") == {"Joe Biden"}
    assert event.status == "planned"
    assert event.location is not None and event.location.country_code == "KE"


# --- place and time ---------------------------------------------------------------------------

def test_place_and_time_of_the_clause(nlp) -> None:
    event = event_at(events_of(nlp, "A bomb exploded in Kabul on Friday, killing five people."),
                     "exploded")
    assert event.location is not None and event.location.name == "Kabul"
    assert event.location.country_code == "AF" and event.location.source == "text"
    assert event.location.latitude is not None
    assert event.time.value == "2024-08-30" and event.time.source == "text"
    assert event.time.mention is not None and event.time.mention.text == "Friday"


def test_fallbacks_are_the_dateline_place_and_the_reference_date(nlp) -> None:
    body = "NAIROBI, Sept 3, 2024 (AFP) - The opposition leader resigned. Nobody said why."
    dateline = Dateline(place="NAIROBI", date=REFERENCE, agencies=["AFP"],
                        span=Span(start=0, end=32, text=body[:32]))
    events = events_of(nlp, body, dateline=dateline)
    event = event_at(events, "resigned")
    assert event.location is not None and event.location.source == "dateline"
    assert event.location.country_code == "KE"
    assert event.time.source == "reference_date" and event.time.value == "2024-09-03"
    assert all(e.trigger.start >= 32 for e in events)


# --- contract ---------------------------------------------------------------------------------

def test_message_contract_and_determinism(nlp) -> None:
    body = ("The central bank raised interest rates on Thursday. Analysts said the move would "
            "hurt borrowers. Protesters gathered outside the bank in Frankfurt.")
    article = make_article(body)
    doc = nlp(body)
    events = extract_events(article, doc)
    assert events and [e.rank for e in events] == list(range(len(events)))
    for event in events:
        assert event.id == message_id("a1", "h", "event", event.trigger.start, event.trigger.end)
        assert body[event.trigger.start:event.trigger.end] == event.trigger.text
        assert body[event.evidence.start:event.evidence.end] == event.evidence.text
        assert event.trigger.start >= event.evidence.start and event.trigger.end <= event.evidence.end
        assert 0.0 <= event.confidence <= 1.0
        for actor in event.actors:
            assert body[actor.mention.start:actor.mention.end] == actor.mention.text
    again = extract_events(article, nlp(body))
    assert [e.model_dump() for e in again] == [e.model_dump() for e in events]
    assert len({e.id for e in events}) == len(events)


def test_the_decoded_parse_gives_the_same_events(nlp) -> None:
    body = "Japan's prime minister will travel to Seoul on Friday to meet President Yoon Suk Yeol."
    article = make_article(body)
    direct = extract_events(article, nlp(body))
    decoded = extract_events(article, decode_doc(encode_doc(nlp(body))))
    assert [e.model_dump() for e in decoded] == [e.model_dump() for e in direct]


def test_reporting_verb_gives_way_to_what_it_reports(nlp) -> None:
    body = "Officials said on Monday that rebels had attacked a convoy near Goma."
    events = events_of(nlp, body)
    assert events[0].trigger.text == "attacked"
    assert events[0].location is not None and events[0].location.name == "Goma"


def test_nothing_to_extract(nlp) -> None:
    assert events_of(nlp, "Blue skies.") == []


# --- the reference story ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def afp_events(nlp) -> list[Event]:  # type: ignore[no-untyped-def]
    text = shared_path("samples", "afp-2024-09-03-kishida-seoul.txt").read_text(encoding="utf-8")
    body = text.split("\n", 1)[1]
    match = re.match(r"SEOUL, Sept 3, 2024 \(BSS/AFP\) - ", body)
    assert match is not None
    dateline = Dateline(place="SEOUL", date=REFERENCE, agencies=["BSS", "AFP"],
                        span=Span(start=0, end=match.end(), text=match.group(0)))
    return extract_events(make_article(body, dateline=dateline), nlp(body))


def _find(events: list[Event], lemma: str, **expected: object) -> Event:
    for event in events:
        if event.trigger.lemma == lemma and all(
                getattr(event, k) == v for k, v in expected.items()):
            return event
    raise AssertionError(f"no {lemma} event with {expected}: "
                         f"{[(e.trigger.lemma, e.type, e.status) for e in events]}")


def test_afp_main_event_is_kishidas_visit_to_seoul(afp_events: list[Event]) -> None:
    main = afp_events[0]
    assert main.rank == 0 and main.type == "visit" and main.cameo == "04"
    assert main.status == "planned"
    assert actor_names(main, "agent") == {"Fumio Kishida"}
    assert main.location is not None and main.location.name == "Seoul"
    assert main.location.country_code == "KR" and main.location.source == "text"
    assert main.time.value == "2024-09-06" and main.time.source == "text"


def test_afp_meeting_with_yoon_is_planned(afp_events: list[Event]) -> None:
    meeting = _find(afp_events, "meet", type="meeting", status="planned")
    assert {"Fumio Kishida", "Yoon Suk Yeol"} <= actor_names(meeting, "participant")
    assert meeting.time.value == "2024-09-06"


def test_afp_statement_confirming_the_trip(afp_events: list[Event]) -> None:
    said = [e for e in afp_events if e.type == "statement" and e.status == "occurred"
            and "Yoshimasa Hayashi" in actor_names(e, "agent") and e.time.value == "2024-09-03"]
    assert said and said[0].time.source == "text"


def test_afp_leadership_decision_and_re_election(afp_events: list[Event]) -> None:
    decision = _find(afp_events, "decide", status="planned")
    assert decision.time.value == "2024-09-27"
    assert "Liberal Democratic Party" in actor_names(decision, "agent")
    bid = _find(afp_events, "election", type="election", status="negated")
    assert actor_names(bid, "agent") == {"Fumio Kishida"}


def test_afp_past_trip_and_summit(afp_events: list[Event]) -> None:
    trip = _find(afp_events, "trip", type="visit", status="occurred")
    assert trip.time.value == "2023"
    assert actor_names(trip, "agent") == {"Yoon Suk Yeol"}
    assert trip.location is not None and trip.location.name == "Tokyo"
    summit = _find(afp_events, "meet", type="meeting", status="occurred")
    assert summit.time.value == "2024-05"
    assert {"Fumio Kishida", "Yoon Suk Yeol", "China"} <= actor_names(summit, "participant")


def test_intended_nouns_are_planned(nlp) -> None:
    body = "The minister, anticipating his resignation, thanked his staff. Unions want talks."
    events = events_of(nlp, body)
    assert event_at(events, "resignation").status == "planned"
    assert event_at(events, "talks").status == "planned"
    assert event_at(events, "thanked").status == "occurred"


def test_spans_quote_the_body_even_where_markup_was_blanked(nlp) -> None:
    from shared.nlp.model import parse_bodies

    body = "Rebels&nbsp;attacked <b>the</b> town of Goma on Monday, officials said."
    article = make_article(body)
    doc = next(parse_bodies([body], nlp=nlp))
    events = extract_events(article, doc)
    assert events
    for event in events:
        assert body[event.evidence.start:event.evidence.end] == event.evidence.text
        assert body[event.trigger.start:event.trigger.end] == event.trigger.text
        for actor in event.actors:
            assert body[actor.mention.start:actor.mention.end] == actor.mention.text


def test_object_pronoun_is_not_the_clauses_own_agent(nlp) -> None:
    body = "Angela Merkel met Joe Biden in Berlin. Merkel wanted to call him and tell him the news."
    event = event_at(events_of(nlp, body), "tell")
    assert actor_names(event, "agent") == {"Angela Merkel"}
    assert actor_names(event, "recipient") == {"Joe Biden"}


def test_a_country_gives_way_to_a_city_of_it_in_the_same_sentence(nlp) -> None:
    body = "Five people were killed in Afghanistan on Friday when a bomb exploded in Kabul."
    event = event_at(events_of(nlp, body), "killed")
    assert event.location is not None and event.location.name == "Kabul"
    assert event.location.country_code == "AF"


def test_relative_pronoun_stands_for_its_noun(nlp) -> None:
    body = "Rescuers are trying to save Zhao Zicong, who fell into a well on Sunday."
    event = event_at(events_of(nlp, body), "fell")
    assert actor_names(event, "agent") == {"Zhao Zicong"}


# --- the main event from the headline, its place and time; weak verbs ---------------------------

def with_headline(nlp, body: str, headline: str | None) -> list[Event]:  # type: ignore[no-untyped-def]
    """Events as the stream gives them: body and headline parsed, shipped and decoded together."""
    doc = decode_doc(encode_doc(nlp(body), nlp(headline) if headline else None))
    return extract_events(make_article(body, headline=headline), doc)


def with_dateline(nlp, body: str, headline: str | None,  # type: ignore[no-untyped-def]
                  dateline: Dateline) -> list[Event]:
    doc = decode_doc(encode_doc(nlp(body), nlp(headline) if headline else None))
    return extract_events(make_article(body, headline=headline, dateline=dateline), doc)


def test_the_headline_picks_the_main_event_among_the_body_events(nlp) -> None:
    body = ("Ministers met in Paris on Monday to review the budget. The finance minister resigned "
            "on Tuesday after a long dispute over spending.")
    assert with_headline(nlp, body, None)[0].trigger.text == "met"
    main = with_headline(nlp, body, "Finance minister resigns over spending row")[0]
    assert main.trigger.text == "resigned" and main.trigger.lemma == "resign"
    assert body[main.trigger.start:main.trigger.end] == "resigned"  # a body span, not the headline's


def test_main_place_prefers_where_it_happened_over_where_someone_is_from(nlp) -> None:
    body = "US carmaker Ford recalled 5,000 cars on Monday. The recall was announced in Detroit."
    main = with_headline(nlp, body, "Ford recalls 5,000 cars")[0]
    assert main.trigger.lemma == "recall"
    assert main.location is not None and main.location.name == "Detroit"
    assert main.location.mention is not None and main.location.mention.text == "Detroit"


def test_main_time_skips_vague_and_historical_dates(nlp) -> None:
    body = "The Cubs won for the first time since 1908. Fans celebrated in the streets on Sunday."
    main = with_headline(nlp, body, "Cubs win")[0]
    assert main.trigger.text == "won"
    assert main.time.mention is not None and main.time.mention.text == "Sunday"
    body = "Toblerone recently changed the shape of its bars, the company said on Tuesday."
    main = with_headline(nlp, body, "Toblerone changes its shape")[0]
    assert main.trigger.text == "changed"
    assert main.time.mention is not None and main.time.mention.text == "Tuesday"
    assert main.time.value == "2024-09-03"


def test_untyped_weak_verbs_are_not_events(nlp) -> None:
    events = events_of(nlp, "Police used tear gas and saw the crowd. Rebels attacked the town.")
    triggers = {e.trigger.text for e in events}
    assert "attacked" in triggers and not triggers & {"used", "saw"}


def test_a_headline_noun_matches_its_verb_in_the_body(nlp) -> None:
    body = ("Protesters marched in Chicago on Monday. The meeting between Trump and Obama at the "
            "White House lasted an hour.")
    main = with_headline(nlp, body, "Trump meets Obama at White House")[0]
    assert main.trigger.text == "meeting"


def test_the_lead_skips_sign_up_prompts_before_the_story(nlp) -> None:
    body = ("Get politics updates directly to your inbox. Subscribe now for free! "
            "Rebels attacked a police station in Kabul on Monday.")
    main = events_of(nlp, body)[0]
    assert main.trigger.text == "attacked"
    assert main.location is not None and main.location.name == "Kabul"


def test_a_name_after_the_city_of_is_the_place(nlp) -> None:
    body = ("Gunmen attacked the building in the city of Mazar-e-Sharif on Thursday, officials in "
            "Afghanistan said.")
    main = events_of(nlp, body)[0]
    assert main.trigger.text == "attacked"
    assert main.location is not None and main.location.source == "text"
    assert main.location.mention is not None and main.location.mention.text.startswith("Mazar")


def test_main_time_from_a_later_mention_of_the_same_event(nlp) -> None:
    body = ("Trump said it was an honour to meet Obama at the White House. Protesters marched in "
            "Chicago on Monday. After Thursday's meeting, the two men shook hands.")
    main = with_headline(nlp, body, "Trump and Obama meet at White House")[0]
    assert main.trigger.lemma == "meet"
    assert main.time.mention is not None and main.time.mention.text == "Thursday"
    assert main.time.value == "2024-08-29"  # the Thursday before the reference Tuesday


# --- main event: furniture, status, background, quotes; places, times and actors of the lead ---

def test_a_caption_without_a_stop_is_not_the_lead(nlp) -> None:
    body = ("Image caption Firefighters fought the flames all night (Reuters)\nA fire destroyed a "
            "warehouse in Leeds. Scotland Yard arrested the owner in Leeds on Tuesday.")
    main = events_of(nlp, body)[0]
    assert main.trigger.text == "destroyed"  # the lead is the sentence after the caption


def test_the_story_after_a_sign_up_prompt_in_one_sentence_is_the_lead(nlp) -> None:
    body = ("Could not subscribe, try again later Invalid Email Rebels attacked a police station "
            "in Kabul on Monday. Officials said the town was calm. Police arrested a man in "
            "Herat on Tuesday.")
    main = events_of(nlp, body)[0]
    assert main.trigger.text == "attacked"
    assert "try" not in {e.trigger.text for e in events_of(nlp, body)}


def test_a_heading_glued_to_a_sentence_is_furniture(nlp) -> None:
    # "Flood alert: The basics" is a heading the page ran into the story without a full stop.
    body = "Flood alert: The basics The river burst its banks in York on Monday. Residents left."
    main = events_of(nlp, body, headline="Flood alert: River bursts banks in York")[0]
    assert main.trigger.text == "burst"
    body = ("Ohio election: The essentials The senator conceded defeat to his rival on Tuesday. "
            "Turnout was high.")
    main = events_of(nlp, body, headline="Ohio election 2024: Senator concedes as rival wins")[0]
    assert main.trigger.text == "conceded"


def test_a_capitalised_article_in_running_text_is_not_a_glued_heading(nlp) -> None:
    from services.events.pipeline import _Context
    for body in ("Flood alert: police told The Times the river burst its banks on Monday.",
                 "The mayor of York thanked The Guardian reporter on Monday."):
        doc = nlp(body)
        ctx = _Context(make_article(body), doc)
        assert not any(ctx.in_furniture(t) for t in doc), body


def test_an_attempt_is_not_a_trial(nlp) -> None:
    events = events_of(nlp, "Whatever the coach tries, the team keeps losing. The man was tried "
                            "for murder.")
    assert "tries" not in {e.trigger.text for e in events}
    assert event_at(events, "tried").type == "charge"


def test_what_did_not_happen_is_not_the_main_event(nlp) -> None:
    body = "The minister did not resign on Monday, and protesters attacked his office."
    main = events_of(nlp, body)[0]
    assert main.trigger.text == "attacked"


def test_the_past_perfect_is_background(nlp) -> None:
    body = "Smith had campaigned against the plan, and the council approved it on Monday."
    assert events_of(nlp, body)[0].trigger.text == "approved"


def test_a_quote_attribution_gives_way_to_the_news(nlp) -> None:
    body = ("It was a quiet week in the town. The council has reconfigured the parking zones in "
            "the centre. \"It is a disgrace,\" Tom Jones said on Facebook.")
    assert events_of(nlp, body)[0].trigger.text == "reconfigured"


def test_a_body_trigger_of_the_headline_predicates_type_restates_it(nlp) -> None:
    body = "Police arrived at the embassy, and a bomber rammed a truck into its gate."
    main = with_headline(nlp, body, "Suicide bomber hits embassy")[0]
    assert main.trigger.text == "rammed" and main.type == "attack"


def test_a_town_the_model_takes_for_an_organisation_is_a_place(nlp) -> None:
    body = "The Croydon tram crash killed seven people. Police in London said the driver survived."
    main = with_headline(nlp, body, "Croydon tram crash kills seven")[0]
    assert main.location is not None and main.location.name == "Croydon"
    assert main.location.country_code == "GB"


def test_the_headline_city_refines_a_country_in_the_lead(nlp) -> None:
    body = ("A suicide bomber rammed a truck into a consulate in Afghanistan on Thursday. Gunmen "
            "then fought guards in the city of Kunduz.")
    main = with_headline(nlp, body, "Consulate attacked in Kunduz")[0]
    assert main.trigger.text == "rammed"
    assert main.location is not None and main.location.name == "Kunduz"


def test_a_named_building_after_outside_is_the_place(nlp) -> None:
    body = "Lady Gaga staged a protest outside Trump Towers after the election."
    main = with_headline(nlp, body, "Lady Gaga stages protest outside Trump Towers")[0]
    assert main.location is not None and main.location.name == "Trump Towers"


def test_the_headline_place_further_down_places_the_main_event(nlp) -> None:
    body = ("Trump and Obama met for the first time on Thursday. The two men talked for an hour. "
            "Aides said the talks were warm. Reporters waited outside. Later, Melania Trump had "
            "tea at the White House.")
    main = with_headline(nlp, body, "Trump meets Obama at the White House")[0]
    assert main.trigger.text == "met"
    assert main.location is not None and main.location.name == "White House"


def test_main_time_from_before_its_sentence_beyond_the_lead(nlp) -> None:
    body = ("The tram was crowded. Seven people were on board. It was raining. Many were "
            "commuters. The tram left the depot at 6am today. The driver was arrested.")
    main = with_headline(nlp, body, "Driver arrested")[0]
    assert main.trigger.text == "arrested"
    assert main.time.mention is not None and main.time.mention.text == "6am today"


def test_an_actor_mention_keeps_its_of_phrase(nlp) -> None:
    main = events_of(nlp, "The makers of Toblerone widened the gaps between the peaks.")[0]
    assert main.trigger.text == "widened"
    assert "The makers of Toblerone" in {a.mention.text for a in main.actors if a.role == "agent"}


def test_it_stands_for_the_organisation_whose_clause_it_is_in(nlp) -> None:
    body = "Mondelez International said it had changed the design of the bar."
    changed = event_at(events_of(nlp, body), "changed")
    assert actor_names(changed, "agent") == {"Mondelez International"}


def test_under_fire_is_criticism_of_the_subject(nlp) -> None:
    events = events_of(nlp, "Toblerone has come under fire after it changed its shape.")
    fire = event_at(events, "fire")
    assert fire.type == "criticism"
    assert actor_names(fire, "patient") == {"Toblerone"} and not actor_names(fire, "agent")


def test_a_town_naming_the_event_places_it_over_a_later_locative(nlp) -> None:
    body = ("The seven victims of the Croydon tram tragedy have been identified. Police in south "
            "London released their names on Saturday.")
    main = with_headline(nlp, body, "Croydon tram victims identified")[0]
    assert main.trigger.text == "identified"
    assert main.location is not None and main.location.name == "Croydon"


def test_a_part_of_day_gives_way_to_the_clock_time_of_that_morning(nlp) -> None:
    lead = ("At least seven people were killed when a tram derailed during the morning rush "
            "hour. The driver was arrested. ")
    main = with_headline(nlp, lead + "The tram overturned at 6.10am on Tuesday, police said.",
                         "Seven killed as tram derails")[0]
    assert main.trigger.text == "killed"
    assert main.time.mention is not None and main.time.mention.text == "6.10am on Tuesday"
    assert main.time.value == "2024-09-03T06:10"
    # an evening clock time is another moment of the day, not the morning's
    main = with_headline(nlp, lead + "A vigil was held at 9pm on Tuesday, police said.",
                         "Seven killed as tram derails")[0]
    assert main.time.mention is not None and main.time.mention.text == "the morning"


def test_a_venue_is_placed_in_the_city_the_text_puts_it_in(nlp) -> None:
    body = "Lady Gaga staged a protest outside Trump Tower in New York City after the election."
    main = with_headline(nlp, body, "Lady Gaga stages protest outside Trump Tower")[0]
    assert main.location is not None and main.location.name == "Trump Tower, New York City"
    assert main.location.mention is not None and main.location.mention.text == "Trump Tower"
    assert main.location.country_code == "US" and main.location.geonames_id is not None
    # the city a locative names in the sentence before
    body = "Thousands marched in Chicago on Wednesday. Lady Gaga staged a protest outside Trump Tower."
    main = with_headline(nlp, body, "Lady Gaga stages protest outside Trump Tower")[0]
    assert main.location is not None and main.location.name == "Trump Tower, Chicago"


def test_a_place_name_cut_short_at_a_hyphen_is_read_whole(nlp) -> None:
    body = ("A suicide bomber rammed a truck into a consulate in Afghanistan on Thursday. Gunmen "
            "then fought guards in the city of Mazar-e-Sharif.")
    main = with_headline(nlp, body, "Consulate attacked in Mazar-e-Sharif")[0]
    assert main.trigger.text == "rammed"
    assert main.location is not None and main.location.name == "Mazar-e-Sharif"
    assert main.location.country_code == "AF" and main.location.geonames_id is not None


# --- the main event as the headline states it ---------------------------------------------------

_FEES = ("The city council raised parking fees by 40 percent in Leeds on Monday. Maria Lopez, a "
         "local senator, said the rise was unfair.")


@pytest.mark.parametrize(("headline", "predicate"), [
    ("Drivers outraged over parking fees", "outraged"),  # a participle in headlinese
    ("Leaders hold emergency summit on migration", "summit"),  # a light verb's eventive object
    ("Parking 2024: Maria Lopez slams fee rise", "slams"),  # after a rubric and its colon
    ("'We will fight this': Maria Lopez slams fee rise", "slams"),  # not the quote before it
    ("Footage shows tanker stranded off Brittany", "stranded"),  # not a weak verb
])
def test_the_headlines_main_predicate(nlp, headline: str, predicate: str) -> None:
    found = _headline_main(nlp(headline))
    assert found is not None and found.text == predicate


def test_the_headline_states_the_main_event_the_body_does_not_restate(nlp) -> None:
    headline = "Drivers outraged over parking fees"
    events = with_headline(nlp, _FEES, headline)
    main, body = events[0], events[1]
    assert main.rank == 0 and main.trigger.field == "headline" and main.trigger.lemma == "outrage"
    assert headline[main.trigger.start:main.trigger.end] == "outraged"
    assert body.rank == 1 and body.trigger.text == "raised" and body.trigger.field == "body"
    # place, time and evidence are the body's account of the story; no "drivers" in the body
    assert main.location == body.location and main.time == body.time
    assert main.evidence == body.evidence and main.actors == [] and main.id != body.id
    assert all(e.trigger.field == "body" for e in events[1:])


def test_a_headline_event_names_its_actors_by_their_body_mentions(nlp) -> None:
    main = with_headline(nlp, _FEES, "Maria Lopez slams parking fee rise")[0]
    assert main.trigger.field == "headline" and main.type == "criticism"
    lopez = next(a for a in main.actors if a.name == "Maria Lopez")
    assert lopez.role == "agent" and _FEES[lopez.mention.start:lopez.mention.end] == "Maria Lopez"
    body = ("Thousands of fans filled the streets of Turin on Sunday after the club won the cup. "
            "Fans sang until dawn.")
    main = with_headline(nlp, body, "Juventus fans celebrate cup triumph")[0]
    assert [(a.role, a.name, a.mention.text) for a in main.actors] == [("agent", None, "fans")]


def test_no_headline_event_when_the_body_restates_the_headline(nlp) -> None:
    events = with_headline(nlp, _FEES, "Council raises parking fees")
    assert events[0].trigger.text == "raised" and events[0].trigger.field == "body"
    assert not any(e.trigger.field == "headline" for e in events)


def test_the_dateline_place_beats_a_country_in_another_clause_but_not_a_city_in_the_sentence(
        nlp) -> None:
    def main_place(body: str) -> tuple[str | None, str]:
        dateline = Dateline(place="London", date=None, agencies=[],
                            span=Span(start=0, end=10, text=body[:10]))
        main = with_dateline(nlp, body, "Carmaker cuts jobs", dateline)[0]
        assert main.location is not None and main.location.name is not None
        return main.location.name.lower(), main.location.source

    body = "LONDON -- The carmaker cut 500 jobs on Tuesday, although its cars are still made in Germany."
    assert main_place(body) == ("london", "dateline")
    assert main_place("LONDON -- Police arrested a man in Manchester on Tuesday.") == (
        "manchester", "text")


def test_where_a_company_is_based_is_not_where_it_happened(nlp) -> None:
    body = ("US-based Acme has cut the size of its cereal boxes. Sales had been slow for months. "
            "Shoppers were unhappy. Critics said prices should have risen instead. The smaller "
            "boxes went on sale in the UK.")
    main = with_headline(nlp, body, "Acme cuts its cereal boxes")[0]
    assert main.trigger.text == "cut"
    # no place near the event: the first place the story puts something in
    assert main.location is not None and main.location.name == "UK"


def test_the_headline_place_when_the_body_names_none(nlp) -> None:
    body = "The coach praised the team's performance on Sunday. It was the best game of the season."
    main = with_headline(nlp, body, "Coach hails team's win in Portugal")[0]
    assert main.location is not None and main.location.name == "Portugal"
    assert main.location.mention is None and main.location.country_code == "PT"


def test_the_dateline_after_a_byline_places_the_main_event(nlp) -> None:
    body = ("Bank holds rates steady By Jane Roe and Tom Poe LISBON, Sept 2 (Reuters) - The central "
            "bank of Portugal raised interest rates on Monday.")
    main = with_headline(nlp, body, "Bank holds rates steady")[0]
    assert main.trigger.text == "raised"
    assert main.location is not None and main.location.source == "dateline"
    assert main.location.name == "Lisbon" and main.location.country_code == "PT"


def test_a_site_is_placed_in_a_city_named_a_few_sentences_on(nlp) -> None:
    lead = ("Rain stopped the race at Brandvale Park after a crash. Drivers complained about the "
            "rain. The safety car came out twice. ")
    main = with_headline(nlp, lead + "Heavy rain fell here in Porto all afternoon.",
                         "Race stopped after crash")[0]
    assert main.location is not None and main.location.name == "Brandvale Park, Porto"
    assert main.location.country_code == "PT"
    # the city of another thing is not the site's
    main = with_headline(nlp, lead + "Fans had landed at the airport in Porto.",
                         "Race stopped after crash")[0]
    assert main.location is not None and main.location.name == "Brandvale Park"


def test_a_date_in_a_relative_clause_on_a_participant_does_not_date_the_main_event(nlp) -> None:
    body = ("Senator Smith, who won the primary on Wednesday, has praised the talks as excellent. "
            "He met the president at the White House on Thursday.")
    main = with_headline(nlp, body, "Smith praises talks")[0]
    assert main.trigger.text == "praised"
    assert main.time.mention is not None and main.time.mention.text == "Thursday"


def test_a_reference_date_stands_on_the_texts_mention_of_that_day(nlp) -> None:
    body = ("The prime minister met the king at the palace. The two men talked for an hour. Aides "
            "said the talks went well. Reporters waited outside for hours. The minister flew home "
            "to Madrid today.")
    main = with_headline(nlp, body, "Prime minister meets king")[0]
    assert main.trigger.text == "met"
    assert main.time.mention is not None and main.time.mention.text == "today"
    assert main.time.value == REFERENCE.isoformat() and main.time.source == "text"


def test_a_mentions_own_date_beats_one_taken_from_the_event_it_depends_on(nlp) -> None:
    body = ("The death toll from a car bombing at the market rose to twelve Sunday. Police said the "
            "bombing early Saturday, which closed the market, was the worst this year.")
    main = with_headline(nlp, body, "Militants bomb market")[0]
    assert main.trigger.text == "bombing"
    assert main.time.mention is not None and main.time.mention.text == "early Saturday"
    assert main.time.value == "2024-08-31"


# --- the headline's word names the main event; topics, captions and parts of a day --------------

@pytest.mark.parametrize(("headline", "predicate"), [
    ("Mine rescue: Race to reach trapped miners in Yorkshire", "reach"),  # an effort's infinitive
    ("Veteran striker Tom Reed makes an emotional farewell after losing the cup final: "
     "'I will miss this'", "farewell"),  # a light verb's eventive object
    ("Bread gets more expensive, but shoppers are not happy", "expensive"),  # a change of state
    ("Bakery Changes Recipe for 3 Cakes, and Customers Are Outraged", "Outraged"),  # a participle
    ("Monaco marathon red-flagged after storm", "flagged"),  # a participle hung on its subject
    ("Bus crash: Several dead and dozens injured after coach overturns", "dead"),  # an outcome
    ("Portland shooting leaves two injured near protests against the verdict", "shooting"),
])
def test_more_headline_predicates(nlp, headline: str, predicate: str) -> None:
    found = _headline_main(nlp(headline))
    assert found is not None and found.text == predicate


def test_an_adjective_after_a_verb_of_seeming_is_no_headline_predicate(nlp) -> None:
    found = _headline_main(nlp("Mayor Sounds Oddly Relaxed About Budget Gap"))
    assert found is None or found.text != "Relaxed"


def test_a_participle_tagged_as_a_noun_after_its_subject_is_the_headlines_predicate(nlp) -> None:
    # "Four shot in Austin", as the small model sometimes parses it: "shot" a noun with a subject
    headline = Doc(nlp.vocab, words=["Four", "shot", "in", "Austin"],
                   pos=["NUM", "NOUN", "ADP", "PROPN"], tags=["CD", "NN", "IN", "NNP"],
                   deps=["nsubj", "ROOT", "prep", "pobj"], heads=[1, 1, 1, 2],
                   lemmas=["four", "shot", "in", "Austin"])
    found = _headline_main(headline)
    assert found is not None and found.text == "shot"


def test_the_headlines_word_further_down_the_body_makes_it_the_main_event(nlp) -> None:
    body = ("The Rovers blew a two-goal lead against City at Elland Road on Saturday but came "
            "back in extra time. Fans were stunned. The manager was furious. Striker Tom Reed, who "
            "won the golden boot last season, scored twice.")
    main = with_headline(nlp, body, "Rovers win the cup")[0]
    assert main.trigger.field == "headline" and main.trigger.lemma == "win"
    assert actor_names(main) == {"Rovers"}  # the headline's, not those of Reed's "won"
    assert main.time.mention is not None and main.time.mention.text == "Saturday"


def test_the_headlines_word_beats_a_top_event_of_its_type_in_other_words(nlp) -> None:
    body = ("Mayor Anna Berg criticised council leader Tom Hart over the budget delays on Monday. "
            "The delays have held up work on schools. Residents are angry. Her deputy, Carl Moss, "
            "also blamed the finance team.")
    main = with_headline(nlp, body, "Berg blames Hart for budget delays")[0]
    assert main.trigger.field == "headline" and main.trigger.text == "blames"
    assert actor_names(main) == {"Anna Berg", "Tom Hart"}  # not the deputy's "blamed"
    # without the headline's word in the body, the top event of its type restates it
    body = "Mayor Anna Berg criticised council leader Tom Hart over the budget delays on Monday."
    main = with_headline(nlp, body, "Berg blames Hart for budget delays")[0]
    assert main.trigger.field == "body" and main.trigger.text == "criticised"


def test_headline_actors_the_body_never_names_give_way_to_those_of_its_restatement(nlp) -> None:
    body = ("Rail unions began a strike across the north on Monday. Union leader Bob Hart said the "
            "walkout would last a week. Thousands of passengers were stranded at stations in Leeds.")
    main = with_headline(nlp, body, "Commuters stranded as rail strike halts trains")[0]
    assert main.trigger.field == "headline" and main.trigger.text == "stranded"
    # no "commuters" in the body: the actors of the body's "were stranded"
    assert [(a.role, a.mention.text) for a in main.actors] == [("patient", "Thousands")]


def test_a_headline_topic_before_a_colon_gives_way_to_the_body(nlp) -> None:
    body = ("Body language expert Jane Doe analysed the handshake of John Smith and Tom Jones in "
            "Paris on Monday. She said both men looked tense. Both men smiled for the cameras. In "
            "the palace, the two men met for an hour.")
    main = with_headline(nlp, body, "John Smith meets Tom Jones: What the handshake tells us")[0]
    assert main.trigger.field == "body" and main.trigger.text == "analysed"
    # before a quote, what precedes the colon is the news
    main = with_headline(nlp, body, "John Smith meets Tom Jones: 'We will work together'")[0]
    assert main.trigger.field == "headline" and main.trigger.text == "meets"


def test_a_photo_credit_opens_a_caption(nlp) -> None:
    body = ("GETTY Smith meets Jones in the Oval Office. The council approved the budget in Leeds "
            "on Monday. Critics said it was too late.")
    main = events_of(nlp, body)[0]
    assert main.trigger.text == "approved"
    for caption in ("EPA 9 Smith meets Jones in the Oval Office.", "AP:Associated Press 3 Smith "
                    "meets Jones in the Oval Office."):
        body = caption + " The council approved the budget in Leeds on Monday."
        assert events_of(nlp, body)[0].trigger.text == "approved"
    # an agency's capitals that open a real sentence are news, not a credit
    for opener in ("EPA Administrator John Smith", "AP Moller-Maersk", "PA Consulting"):
        body = f"{opener} sued the council in Leeds on Monday. Critics said it was too late."
        assert events_of(nlp, body)[0].trigger.text == "sued"


def test_a_part_of_a_day_that_names_its_day_keeps_its_words(nlp) -> None:
    body = ("The mayor met union leaders at the town hall this afternoon. Her car had arrived "
            "at 4:15pm, aides said.")
    main = with_headline(nlp, body, "Mayor meets union leaders")[0]
    assert main.trigger.text == "met"
    assert main.time.mention is not None and main.time.mention.text == "this afternoon"


# --- what is no place, archives without a date, asides and misparsed headlines ------------------

def test_a_person_or_a_firm_is_no_place_of_the_main_event(nlp) -> None:
    body = ("Singer Mia Lund is to marry music producer Jordan Hale, her agent said. The couple "
            "met at a festival in Oslo last year.")
    main = with_headline(nlp, body, "Singer Mia Lund to wed")[0]
    assert main.location is None or main.location.name not in ("Jordan Hale", "Jordan")
    body = ("Investors in the exchange will vote in May, the agency said. Hedge funds TCI and "
            "Paxton want the chairman to go.")
    main = with_headline(nlp, body, "Exchange investors to vote")[0]
    assert main.location is None or main.location.name != "Paxton"


def test_a_place_describing_a_person_is_no_place_of_the_main_event(nlp) -> None:
    body = ("Former England footballer Tom Reed was arrested on Friday after a fight. He was "
            "later released.")
    main = with_headline(nlp, body, "Reed arrested after fight")[0]
    assert main.trigger.lemma == "arrest"
    assert main.location is None or main.location.name != "England"
    body = ("Actor Tom Reed is joining the cast of the film. Hollywood star Ann Gray will play the "
            "villain.")
    main = with_headline(nlp, body, "Reed set for film role")[0]
    assert main.location is None or main.location.name != "Hollywood"


def test_a_name_the_model_calls_a_person_elsewhere_is_no_place(nlp) -> None:
    # the model types the body's "Walker" as a place, the headline's as a person
    body = ("Sprinter Dougie Walker is to retire from athletics after six operations. Walker had "
            "hoped to compete in the New Year Sprint at Musselburgh.")
    main = with_headline(nlp, body, "Sprinter Walker quits athletics")[0]
    assert main.location is None or main.location.name != "Walker"


def _undated(nlp, body: str, headline: str) -> list[Event]:  # type: ignore[no-untyped-def]
    """An archive without a publish date or a dateline: the reference date is the ingest date."""
    doc = decode_doc(encode_doc(nlp(body), nlp(headline)))
    article = Article(id="a1", body=body, headline=headline, reference_date=ReferenceDate(
        date=date(2026, 11, 28), source="ingested_at"), content_hash="h",
        ingested_at=datetime(2026, 11, 28, tzinfo=UTC))
    return extract_events(article, doc)


def test_an_undated_archive_keeps_the_year_its_headline_and_lead_give(nlp) -> None:
    body = ("Sales of phones are to rise in 2005, analysts at the fair in Berlin have said. The "
            "number of phones sold is predicted to grow by 11%.")
    main = _undated(nlp, body, "Phone sales 'to grow in 2005'")[0]
    assert main.time.mention is not None and main.time.mention.text == "2005"
    # a year after "since" is history, not the story's year
    body = ("Leeds are chasing their first title since 1968. Leeds beat York 2-1 in the cup. "
            "The manager praised his players.")
    main = _undated(nlp, body, "Leeds beat York")[0]
    assert main.time.value != "1968"


def test_a_date_in_an_aside_does_not_date_the_main_event(nlp) -> None:
    body = ("A judge has dismissed an attempt by oil firm Norco to gain bankruptcy protection. "
            "The firm had argued its case for weeks. Separately, former Norco boss Ivan Petrov "
            "began testimony on Friday in his trial for fraud.")
    main = with_headline(nlp, body, "Judge dismisses Norco attempt")[0]
    assert main.time.mention is None or main.time.mention.text != "Friday"


@pytest.mark.parametrize(("headline", "predicate"), [
    ("Norco loses US bankruptcy battle", "loses"),  # the outcome, not the battle
    ("Exchange sets date for takeover deal", None),  # the goal of a verb has not happened
    ("Miners fight for survival of the pit", "fight"),
])
def test_headline_predicates_of_outcomes_and_goals(nlp, headline: str, predicate: str | None
                                                   ) -> None:
    found = _headline_main(nlp(headline))
    assert (found.text if found is not None else None) == predicate


def test_what_a_headline_outcome_is_won_or_lost_is_no_actor(nlp) -> None:
    body = ("A judge in Texas has dismissed an attempt by oil firm Norco to gain bankruptcy "
            "protection. The firm said it would appeal.")
    main = with_headline(nlp, body, "Norco loses Texas bankruptcy battle")[0]
    assert main.trigger.field == "headline" and main.trigger.text == "loses"
    assert actor_names(main) == {"Norco"}


def test_a_typed_body_event_the_headline_names_in_a_misparsed_word_is_the_main_event(nlp) -> None:
    # "dismisses" as the small model sometimes parses it: a noun, with "quit" the root
    words = ["Blair", "dismisses", "quit", "claim", "report"]
    headline = Doc(nlp.vocab, words=words, pos=["PROPN", "NOUN", "VERB", "NOUN", "NOUN"],
                   tags=["NNP", "NNS", "VBP", "NN", "NN"],
                   deps=["compound", "nsubj", "ROOT", "compound", "dobj"],
                   heads=[1, 2, 2, 4, 2], lemmas=["Blair", "dismiss", "quit", "claim", "report"])
    body = ("Tony Blair has dismissed reports he told Gordon Brown he would quit before the "
            "election. He said such deals were not done.")
    doc = decode_doc(encode_doc(nlp(body), headline))
    main = extract_events(make_article(body, headline=" ".join(words)), doc)[0]
    assert main.trigger.field == "body" and main.trigger.text == "dismissed"


# --- per-doc tables ---------------------------------------------------------------------------

#: A body with leaves, coordination, auxiliaries, modals and reported content.
TABLES_BODY = ("The minister said on Monday that the government would not raise taxes. Police "
               "have arrested two men after a bomb exploded outside the station, and officials "
               "are expected to visit the site. Shares fell 3% as the company warned it had "
               "been hit by the strike.")


def test_the_per_doc_tables_agree_with_spacy(nlp, monkeypatch) -> None:
    """The children, heads, lemmas and verb forms events read from tables built once per call
    are spaCy's own, token by token."""
    checked = []

    def check(article: Article, doc: Doc) -> list[Event]:
        ctx = pipeline._Context(article, doc)
        for tok in doc:
            assert [c.i for c in pipeline._kids(tok)] == [c.i for c in tok.children]
            assert pipeline._head(tok).i == tok.head.i
            assert pipeline._lemma(tok) == pipeline._repair_lemma(tok.lemma_.lower(), tok.lower_)
            assert ctx.verb_form(tok) == ("Fin" in tok.morph.get("VerbForm"),
                                          tuple(tok.morph.get("Tense")))
            checked.append(tok.i)
        return []

    monkeypatch.setattr(pipeline, "_extract", check)
    doc = nlp(TABLES_BODY)
    extract_events(make_article(TABLES_BODY), doc)
    assert checked == list(range(len(doc)))
    assert any(tok.morph.get("Tense") for tok in doc) and any(not list(t.children) for t in doc)


def test_reported_content_is_found_as_in_the_whole_subtree(nlp, monkeypatch) -> None:
    """`_reports_content` walks the children table; `Token.subtree` gives the same answer."""
    answers = []
    fast = pipeline._reports_content

    def both(ctx, cand) -> bool:  # type: ignore[no-untyped-def]
        slow = any(ctx.owner.get(t.i) not in (None, cand) and ctx.owner[t.i].type != "statement"
                   for t in cand.clause.subtree if t != cand.clause)
        answers.append((fast(ctx, cand), slow))
        return answers[-1][0]

    monkeypatch.setattr(pipeline, "_reports_content", both)
    body = TABLES_BODY + " The company said the strike was over. The union said so."
    extract_events(make_article(body), nlp(body))
    assert answers and all(got == want for got, want in answers)
    assert {got for got, _ in answers} == {True, False}
