"""Quotes stage: quotation-mark pairing, attribution patterns and speaker resolution.

The parse goes through the DocBin wire form first, as in the streaming path, so the extractor is
tested on exactly what it receives there.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.quotes.marks import find_quoted
from services.quotes.pipeline import extract_quotes
from shared.nlp.docs import decode_doc, encode_doc
from shared.schemas import Article, Quote, ReferenceDate, message_id


def _article(body: str, article_id: str = "a1") -> Article:
    return Article(
        id=article_id, body=body, content_hash="h",
        reference_date=ReferenceDate(date=date(2024, 9, 3), source="dateline"),
        ingested_at=datetime.now(UTC),
    )


@pytest.fixture(scope="module")
def quotes_of(nlp):
    def run(body: str) -> list[Quote]:
        doc = decode_doc(encode_doc(nlp(body)))
        return extract_quotes(_article(body), doc)

    return run


def _one(quotes: list[Quote], needle: str) -> Quote:
    found = [q for q in quotes if needle in q.text]
    assert len(found) == 1, [q.text for q in quotes]
    return found[0]


def _check_offsets(body: str, quotes: list[Quote]) -> None:
    for q in quotes:
        assert body[q.start:q.end] == q.text
        assert q.fragments and q.fragments[0].start == q.start and q.fragments[-1].end == q.end
        for f in q.fragments:
            assert body[f.start:f.end] == f.text
        for span in (q.cue, q.speaker.mention):
            if span is not None:
                assert body[span.start:span.end] == span.text


# ----- the reference story ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def afp(afp_text: str, quotes_of) -> tuple[str, list[Quote]]:
    body = afp_text.split("\n", 1)[1]
    return body, quotes_of(body)


@pytest.mark.shared_data
def test_afp_reference_quotes(afp: tuple[str, list[Quote]]) -> None:
    body, quotes = afp
    _check_offsets(body, quotes)

    hayashi = _one(quotes, "important neighbours to each other")
    assert hayashi.kind == "direct"
    assert hayashi.speaker.name == "Yoshimasa Hayashi" and hayashi.speaker.type == "PERSON"
    assert hayashi.speaker.role is not None and "spokesman" in hayashi.speaker.role.title
    assert hayashi.cue is not None and hayashi.cue.lemma == "say"
    assert not hayashi.text.startswith('"') and not hayashi.text.endswith(",")

    office = _one(quotes, "eagerly sought to visit South Korea")
    assert office.kind == "direct"
    assert office.speaker.type == "ORG" and office.speaker.mention is not None
    assert office.speaker.mention.text == "the presidential office in Seoul"
    it_said = [q for q in quotes if q.speaker.mention and q.speaker.mention.text.lower() == "it"]
    assert {q.kind for q in it_said} == {"direct", "mixed"}
    assert len(it_said) == 3
    for q in it_said:
        assert (q.speaker.name, q.speaker.type, q.speaker.entity_id) == (
            office.speaker.name, office.speaker.type, office.speaker.entity_id)
    assert _one(quotes, "expects to continue to give constructive advice").kind == "mixed"

    trust = _one(quotes, "dramatically increased over the past year")
    assert trust.kind == "mixed" and trust.text.startswith("trust and exchanges")
    assert trust.speaker.name == "Yoon Suk Yeol"

    final = _one(quotes, "I would like to say that")
    assert final.kind == "direct" and final.speaker.name == "Yoon Suk Yeol"

    reelection = _one(quotes, "will not seek re-election")
    assert reelection.kind == "indirect" and reelection.speaker.name == "Fumio Kishida"

    summits = _one(quotes, "he had held 11 summits")
    assert summits.kind == "indirect" and summits.speaker.name == "Yoon Suk Yeol"

    media = _one(quotes, "Kishida wanted to see Yoon")
    assert media.kind == "indirect" and media.speaker.name is None
    assert media.speaker.mention is not None and media.speaker.mention.text == "Japanese media reports"
    # Reported speech inside reported speech stays inside: no separate quote for "tell him that".
    assert not any(q.text.startswith("warmer ties") for q in quotes)


@pytest.mark.shared_data
def test_afp_ids_are_deterministic(afp: tuple[str, list[Quote]], quotes_of) -> None:
    body, quotes = afp
    assert [q.id for q in quotes] == [q.id for q in quotes_of(body)]
    assert all(q.id == message_id("a1", "h", "quote", q.start, q.end) for q in quotes)
    assert len({q.id for q in quotes}) == len(quotes)


# ----- attribution patterns --------------------------------------------------------------------


def test_quote_then_attribution(quotes_of) -> None:
    body = '"We will sign the agreement next month," Hayashi said on Tuesday.'
    (q,) = quotes_of(body)
    assert (q.kind, q.text) == ("direct", "We will sign the agreement next month")
    assert q.speaker.mention is not None and q.speaker.mention.text == "Hayashi"
    assert q.cue is not None and (q.cue.text, q.cue.lemma) == ("said", "say")


def test_attribution_then_quote(quotes_of) -> None:
    body = 'The minister told reporters on Friday: "Our ties have never been stronger."'
    (q,) = quotes_of(body)
    assert q.kind == "direct" and q.text == "Our ties have never been stronger."
    assert q.speaker.mention is not None and q.speaker.mention.text == "The minister"
    assert q.speaker.type == "PERSON" and q.speaker.name is None


def test_attribution_in_the_middle_is_one_quote(quotes_of) -> None:
    body = '"We are neighbours," Hayashi said, "and we must work together as partners."'
    (q,) = quotes_of(body)
    assert q.kind == "direct"
    assert [f.text for f in q.fragments] == ["We are neighbours", "and we must work together as partners."]
    _check_offsets(body, [q])


def test_inverted_attribution(quotes_of) -> None:
    body = '"The talks went well and we expect a deal soon," said Maria Lopez, the chief negotiator.'
    (q,) = quotes_of(body)
    assert q.kind == "direct" and q.speaker.name == "Maria Lopez"


def test_next_sentence_quote_continues_the_speaker(quotes_of) -> None:
    body = '"It is heartbreaking," Ryan said. "This country has to find new ways to heal."'
    (q,) = quotes_of(body)
    assert len(q.fragments) == 2 and q.fragments[1].text.startswith("This country")


def test_partial_quote_in_reported_speech_is_mixed(quotes_of) -> None:
    body = ('Kishida and Yoon met in May, with Yoon saying that trust and exchanges had '
            '"dramatically increased over the past year", pointing to tourism.')
    (q,) = quotes_of(body)
    assert q.kind == "mixed"
    assert q.text.startswith("trust and exchanges had") and "dramatically increased" in q.text
    assert q.speaker.mention is not None and q.speaker.mention.text == "Yoon"


def test_multi_paragraph_quote(quotes_of) -> None:
    body = ('The senator said: "We will not give up on this bill. It matters to millions.\n'
            '"We will bring it back next year, and we will win."\n'
            'The vote is expected in March.')
    (q,) = quotes_of(body)
    assert q.kind == "direct" and len(q.fragments) == 2
    assert q.fragments[1].text.startswith("We will bring it back")
    _check_offsets(body, [q])


def test_curly_and_straight_marks_agree(quotes_of) -> None:
    straight = quotes_of('"Prices will fall next year," the central bank said.')
    curly = quotes_of("\u201cPrices will fall next year,\u201d the central bank said.")
    assert [(q.kind, q.text, q.speaker.mention.text) for q in straight] == [
        (q.kind, q.text, q.speaker.mention.text) for q in curly] == [
        ("direct", "Prices will fall next year", "the central bank")]


def test_nested_single_quotes_stay_inside(quotes_of) -> None:
    body = "\u201cHe told me, \u2018never give up,\u2019 and I listened,\u201d Smith said."
    (q,) = quotes_of(body)
    assert q.kind == "direct" and "\u2018never give up,\u2019" in q.text


def test_unbalanced_marks_do_not_lose_the_article(quotes_of) -> None:
    body = ('"This quotation never closes, the clerk wrote in the margin.\n'
            'Later that day the mayor spoke. "We will rebuild the bridge," Mayor Ana Diaz said.')
    quotes = quotes_of(body)
    mayor = _one(quotes, "We will rebuild the bridge")
    assert mayor.kind == "direct" and "Ana Diaz" in (mayor.speaker.name or "")
    _check_offsets(body, quotes)


def test_indirect_that_clause(quotes_of) -> None:
    body = "Kishida has said he will not seek re-election as party leader."
    (q,) = quotes_of(body)
    assert q.kind == "indirect" and q.text == "he will not seek re-election as party leader"
    assert q.cue is not None and q.cue.lemma == "say"


def test_inverted_indirect(quotes_of) -> None:
    body = "The protocol called for the nominee to be taken to a trauma center, officials said."
    (q,) = quotes_of(body)
    assert q.kind == "indirect" and q.text.startswith("The protocol called for")
    assert q.speaker.mention is not None and q.speaker.mention.text == "officials"


def test_according_to(quotes_of) -> None:
    body = "According to the foreign ministry, the talks will resume in Geneva on Monday."
    (q,) = quotes_of(body)
    assert q.kind == "indirect" and q.text == "the talks will resume in Geneva on Monday"
    assert q.cue is not None and q.cue.lemma == "according to"
    assert q.speaker.mention is not None and q.speaker.mention.text == "the foreign ministry"
    assert q.speaker.type == "ORG"


def test_pronoun_speaker_resolves_to_nearest_person(quotes_of) -> None:
    body = ("Fumio Kishida will visit Seoul on Friday. South Korean President Yoon Suk Yeol made "
            'resetting ties a priority. "We are partners now," he said.')
    quote = _one(quotes_of(body), "We are partners now")
    assert quote.speaker.mention is not None and quote.speaker.mention.text == "he"
    assert quote.speaker.name == "Yoon Suk Yeol" and quote.speaker.type == "PERSON"


def test_dash_signature(quotes_of) -> None:
    body = "\u201cHe does not speak for me and he never will.\u201d \u2015 Sonia Reyes, 34\n"
    (q,) = quotes_of(body)
    assert q.kind == "direct" and q.speaker.mention is not None
    assert q.speaker.mention.text == "Sonia Reyes"


def test_no_quotes_in_plain_narrative(quotes_of) -> None:
    assert quotes_of("The river rose two metres overnight and the bridge was closed to traffic.") == []


# ----- wider attribution: nouns, intentions, topics, hearsay -------------------------------------


def test_speech_noun_with_that_clause(quotes_of) -> None:
    body = "Senator Alvarez's claim that the budget is balanced drew ridicule."
    q = _one(quotes_of(body), "the budget is balanced")
    assert q.kind == "indirect" and q.text == "the budget is balanced"
    assert q.cue is not None and (q.cue.text, q.cue.lemma) == ("claim", "claim")
    assert q.speaker.mention is not None and "Alvarez" in q.speaker.mention.text


def test_speech_noun_object_of_a_light_verb_takes_its_subject(quotes_of) -> None:
    body = "The senator made a promise to lower taxes for farmers."
    q = _one(quotes_of(body), "lower taxes")
    assert q.text == "to lower taxes for farmers" and q.cue is not None and q.cue.lemma == "promise"
    assert q.speaker.mention is not None and q.speaker.mention.text == "The senator"


def test_in_order_to_is_not_a_speech_act(quotes_of) -> None:
    assert quotes_of("The driver left early in order to catch the last ferry.") == []


def test_intention_verb_with_infinitive(quotes_of) -> None:
    body = "The governor wants to raise the minimum wage, expand transit and cut fees."
    (q,) = quotes_of(body)
    assert q.kind == "indirect" and q.text == "to raise the minimum wage, expand transit and cut fees"
    assert q.cue is not None and q.cue.lemma == "want"
    assert q.speaker.mention is not None and q.speaker.mention.text == "The governor"


def test_passive_intention_without_agent_is_not_attributed(quotes_of) -> None:
    assert quotes_of("The bill is expected to pass the lower house next week.") == []


def test_topic_of_speech_stops_before_circumstances(quotes_of) -> None:
    body = "The mayor spoke about the housing shortage on Monday."
    (q,) = quotes_of(body)
    assert q.text == "the housing shortage" and q.cue is not None and q.cue.lemma == "speak"


def test_phrasal_cue_keeps_its_preposition_out_of_the_content(quotes_of) -> None:
    body = "The union called for higher wages in a statement on Thursday."
    (q,) = quotes_of(body)
    assert q.text == "higher wages"
    assert q.speaker.mention is not None and q.speaker.mention.text == "The union"


def test_stance_object_keeps_its_complement_but_not_adjuncts(quotes_of) -> None:
    body = "Smith criticized the new law as a disaster during a campaign stop in Ohio."
    (q,) = quotes_of(body)
    assert q.text == "the new law as a disaster"


def test_trailing_relative_clause_and_participle_are_cut(quotes_of) -> None:
    quotes = quotes_of("Jones said exports will recover next year, which would help farmers.")
    assert [q.text for q in quotes] == ["exports will recover next year"]
    quotes = quotes_of("Jones said the plan would fail, arguing that it cost too much.")
    assert [q.text for q in quotes] == ["the plan would fail", "it cost too much"]
    assert quotes[1].cue is not None and quotes[1].cue.lemma == "argue"
    assert quotes[1].speaker.mention is not None and quotes[1].speaker.mention.text == "Jones"


def test_semicolon_ends_indirect_content(quotes_of) -> None:
    body = "Officials said the timing was not intentional; the vote had been scheduled for months."
    q = _one(quotes_of(body), "the timing")
    assert q.text == "the timing was not intentional"


def test_speech_noun_with_topic(quotes_of) -> None:
    body = "The minister's remarks about the currency unsettled investors."
    (q,) = quotes_of(body)
    assert q.text == "the currency" and q.cue is not None and q.cue.lemma == "remark"
    assert q.speaker.mention is not None and q.speaker.mention.text.startswith("The minister")


def test_reportedly_attributes_to_an_unnamed_source(quotes_of) -> None:
    body = "The company reportedly paid no federal taxes in 2015."
    (q,) = quotes_of(body)
    _check_offsets(body, [q])
    assert q.cue is not None and q.cue.text == "reportedly"
    assert [f.text for f in q.fragments] == ["The company", "paid no federal taxes in 2015"]
    assert q.speaker.mention is None and q.speaker.name is None


def test_impersonal_passive_has_no_speaker(quotes_of) -> None:
    (q,) = quotes_of("It was reported that the minister would resign.")
    assert q.text == "the minister would resign" and q.speaker.mention is None


def test_next_paragraph_does_not_steal_the_quote(quotes_of) -> None:
    body = ('"This is a waste of time. It is destroying this committee," said Del. Jane Porter.\n\n'
            "Democrats noted that the witness had offered to appear in private.")
    quotes = quotes_of(body)
    _check_offsets(body, quotes)
    q = _one(quotes, "waste of time")
    assert q.kind == "direct" and q.speaker.mention is not None and "Porter" in q.speaker.mention.text
    assert _one(quotes, "the witness had offered").kind == "indirect"


# ----- quotation-mark pairing (no model) --------------------------------------------------------


def _texts(text: str) -> list[list[str]]:
    return [[text[s:e] for s, e in q.fragments] for q in find_quoted(text)]


def test_marks_apostrophes_are_not_quotes() -> None:
    assert _texts("Clinton\u2019s aides don't think the voters' mood will change.") == []


def test_marks_doubled_apostrophes_and_guillemets() -> None:
    assert _texts("He said ''we will win,'' and left.") == [["we will win"]]
    assert _texts("Il a dit \u00abnous gagnerons\u00bb hier.") == [["nous gagnerons"]]


def test_marks_single_quoted_headline() -> None:
    quoted = find_quoted("Flynn says Trump 'absolutely right' on generals")
    assert [(q.double, "Flynn says Trump 'absolutely right' on generals"[q.start:q.end]) for q in quoted] == [
        (False, "absolutely right")]


def test_marks_stray_closer_recovers_from_paragraph_start() -> None:
    quoted = find_quoted("We will win,\u201d she said.")
    assert [(q.balanced, q.fragments) for q in quoted] == [(False, [(0, 11)])]


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab ,.\n\"'\u201c\u201d\u2018\u2019")), max_size=80))
def test_marks_never_fail_and_stay_in_bounds(text: str) -> None:
    spans = sorted(frag for q in find_quoted(text) for frag in q.fragments)
    for start, end in spans:
        assert 0 <= start < end <= len(text)
    for (_, end), (start, _) in zip(spans, spans[1:], strict=False):
        assert end <= start


def test_marks_nested_double_quotes() -> None:
    text = "\u201cI would rather live in what he calls \u201chell\u201d than under him.\u201d"
    assert _texts(text) == [["I would rather live in what he calls \u201chell\u201d than under him."]]


def test_quote_only_paragraph_continues_the_previous_speaker(quotes_of) -> None:
    body = '"We will rebuild," Mayor Ana Diaz said.\n\n"It will take years, but we will do it."\n'
    (q,) = quotes_of(body)
    assert [f.text for f in q.fragments] == ["We will rebuild", "It will take years, but we will do it."]


def test_clause_coordinated_with_the_cue_stays_in_the_content(quotes_of) -> None:
    body = "Many voters said they had misgivings about the senator, but could not bear to insult the president."
    q = _one(quotes_of(body), "misgivings")
    assert q.text == "they had misgivings about the senator, but could not bear to insult the president"
    assert q.cue is not None and q.cue.text == "said"


def test_pointed_out_is_a_reporting_cue(quotes_of) -> None:
    body = "The mayor pointed out that the budget had grown every year since 2010."
    q = _one(quotes_of(body), "budget")
    assert q.text == "the budget had grown every year since 2010"
    assert q.speaker.mention is not None and q.speaker.mention.text == "The mayor"


def test_interrupting_attribution_leaves_a_leading_adverbial_out(quotes_of) -> None:
    body = "During his years in office, the governor said, the state budget doubled."
    q = _one(quotes_of(body), "budget")
    assert q.text == "the state budget doubled"
    assert "During" not in q.text


def test_stance_verb_with_a_one_word_object(quotes_of) -> None:
    (q,) = quotes_of("The union endorsed Smith.")
    assert q.kind == "indirect" and q.text == "Smith" and q.cue is not None and q.cue.lemma == "endorse"
    assert q.speaker.mention is not None and q.speaker.mention.text == "The union"


def test_evaluative_verb_with_a_noun_phrase_object(quotes_of) -> None:
    (q,) = quotes_of("Critics downplayed the risk of a recession.")
    assert q.text == "the risk of a recession" and q.cue is not None and q.cue.lemma == "downplay"


def test_passive_stance_verb_with_agent(quotes_of) -> None:
    body = "The plan was endorsed by the teachers' union on Monday."
    (q,) = quotes_of(body)
    _check_offsets(body, [q])
    assert q.text == "The plan" and q.cue is not None and q.cue.lemma == "endorse"
    assert q.speaker.mention is not None and q.speaker.mention.text == "the teachers' union"


def test_passive_accusation_keeps_subject_and_complement(quotes_of) -> None:
    body = "The senator was accused of misusing campaign funds by a watchdog group."
    (q,) = quotes_of(body)
    _check_offsets(body, [q])
    assert [f.text for f in q.fragments] == ["The senator", "of misusing campaign funds"]
    assert q.speaker.mention is not None and q.speaker.mention.text == "a watchdog group"


def test_according_to_stops_at_the_source_noun_phrase(quotes_of) -> None:
    (q,) = quotes_of("According to radio host John Smith, the move reeks of fear and desperation.")
    assert q.text == "the move reeks of fear and desperation"
    assert q.speaker.mention is not None and q.speaker.mention.text == "radio host John Smith"


def test_according_to_leaves_the_apposition_with_the_source(quotes_of) -> None:
    (q,) = quotes_of("According to Jane Doe, a spokeswoman for the ministry, the talks will resume on Monday.")
    assert q.text == "the talks will resume on Monday"
    assert q.speaker.mention is not None and q.speaker.mention.text == "Jane Doe"


def test_signature_after_a_non_breaking_space(quotes_of) -> None:
    body = "\u201cWe were never told anything.\u201d\u00a0\u2015 Maria Lopez\u00a0\n"
    (q,) = quotes_of(body)
    assert q.kind == "direct" and q.text == "We were never told anything."
    assert q.speaker.mention is not None and q.speaker.mention.text == "Maria Lopez"


def test_quotation_after_the_listener_and_a_comma(quotes_of) -> None:
    body = 'Smith told his radio audience on Monday, "We will not back down. They cannot scare us."'
    (q,) = quotes_of(body)
    assert q.kind == "direct" and q.text == "We will not back down. They cannot scare us."
    assert q.speaker.mention is not None and q.speaker.mention.text == "Smith"


def test_quoted_words_inside_an_object_stay_in_it(quotes_of) -> None:
    (q,) = quotes_of('The report blamed the shootings on "implicit bias" among officers.')
    assert q.kind == "mixed" and q.text == 'the shootings on "implicit bias" among officers'


def test_stance_noun_with_infinitive(quotes_of) -> None:
    (q,) = quotes_of("The mayor's reluctance to raise taxes angered the council.")
    assert q.text == "to raise taxes" and q.cue is not None and q.cue.lemma == "reluctance"
    assert q.speaker.mention is not None and q.speaker.mention.text.startswith("The mayor")


def test_lemma_with_a_dropped_silent_e_is_mended(quotes_of) -> None:
    (q,) = quotes_of("She hoped the talks would resume soon.")
    assert q.text == "the talks would resume soon" and q.cue is not None and q.cue.lemma == "hope"
