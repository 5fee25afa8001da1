"""The reference AFP story (../shared/samples) end to end through the running pipeline: the
entities, quotes and events the issues spell out, as a subscriber receives them."""

from __future__ import annotations

import pytest

from shared import kafka
from shared.articles import read_articles
from tests.conftest import shared_path


@pytest.fixture(scope="module")
def afp_outputs(pipeline):
    path = shared_path("samples", "afp-2024-09-03-kishida-seoul.txt")
    loaded = next(read_articles([path]))
    pipeline.publish([(loaded.data["id"].encode(), loaded.raw)])
    seen = pipeline.outputs_for([loaded.data["id"]], timeout=180)
    body = loaded.data["body"]
    dedup = {topic: list({m["id"]: m for m in msgs}.values()) for topic, msgs in seen.items()}
    return body, dedup


def entity(outputs, name):
    matches = [e for e in outputs[kafka.ENTITIES] if e["name"] == name]
    assert matches, f"no entity {name!r}; got {sorted(e['name'] for e in outputs[kafka.ENTITIES])}"
    return matches[0]


def test_people_with_all_mentions_roles_and_countries(afp_outputs):
    body, out = afp_outputs
    kishida = entity(out, "Fumio Kishida")
    assert kishida["type"] == "PERSON" and len(kishida["mentions"]) == 7
    assert any(r["title"] == "Prime Minister" and r.get("country_code") == "JP" for r in kishida["roles"])
    yoon = entity(out, "Yoon Suk Yeol")
    assert yoon["type"] == "PERSON" and len(yoon["mentions"]) == 6
    assert any(r["title"] == "President" and r.get("country_code") == "KR" for r in yoon["roles"])
    hayashi = entity(out, "Yoshimasa Hayashi")
    assert any("spokesman" in r["title"] for r in hayashi["roles"])
    for e in out[kafka.ENTITIES]:
        for m in e["mentions"]:
            assert body[m["start"] : m["end"]] == m["text"]


def test_organisations_and_places(afp_outputs):
    _, out = afp_outputs
    ldp = entity(out, "Liberal Democratic Party")
    assert ldp["type"] == "ORG" and {"LDP", "Liberal Democratic Party"} <= {m["text"] for m in ldp["mentions"]}
    seoul = entity(out, "Seoul")
    assert seoul["place"]["country_code"] == "KR" and seoul["place"]["latitude"] is not None
    assert entity(out, "Tokyo")["place"]["country_code"] == "JP"
    assert entity(out, "North Korea")["place"]["country_code"] == "KP"
    for name in ("Japan", "South Korea", "China"):
        entity(out, name)
    assert any(e["place"] and e["place"]["country_code"] == "US" for e in out[kafka.ENTITIES])


def test_time_expressions_resolved_against_the_dateline(afp_outputs):
    _, out = afp_outputs
    values = {m["text"]: m.get("value") for e in out[kafka.ENTITIES] for m in e["mentions"] if m.get("value")}
    expected = {
        "Sept 3, 2024": "2024-09-03",
        "Friday": "2024-09-06",
        "Tuesday": "2024-09-03",
        "September 27": "2024-09-27",
        "this month": "2024-09",
        "May": "2024-05",
        "last week": "2024-W35",
        "2023": "2023",
        "two-day": "P2D",
    }
    for text, value in expected.items():
        found = {v for t, v in values.items() if t == text or t.endswith(" " + text)}
        assert value in found, f"{text!r}: expected {value}, got {found or values}"


def test_quotes_and_their_speakers(afp_outputs):
    _, out = afp_outputs
    quotes = out[kafka.QUOTES]

    def quote(fragment):
        found = [q for q in quotes if fragment in q["text"]]
        assert found, f"no quote containing {fragment!r}"
        return found[0]

    hayashi = quote("important neighbours")
    assert hayashi["kind"] == "direct" and hayashi["speaker"]["name"] == "Yoshimasa Hayashi"
    assert "spokesman" in (hayashi["speaker"]["role"] or {}).get("title", "")
    office = quote("anticipating his resignation")
    assert office["speaker"]["type"] == "ORG"
    later = quote("reflect on the achievements")
    assert later["speaker"]["type"] == "ORG" and later["speaker"]["name"] == office["speaker"]["name"]
    mixed = quote("dramatically increased over the past year")
    assert mixed["kind"] == "mixed" and mixed["speaker"]["name"] == "Yoon Suk Yeol"
    assert quote("I would like to say")["speaker"]["name"] == "Yoon Suk Yeol"
    reelection = quote("not seek re-election")
    assert reelection["kind"] == "indirect" and reelection["speaker"]["name"] == "Fumio Kishida"
    assert quote("11 summits")["speaker"]["name"] == "Yoon Suk Yeol"
    media = quote("warmer ties would continue")
    assert media["speaker"]["name"] is None and "media reports" in media["speaker"]["mention"]["text"]


def test_events_with_status_place_and_time(afp_outputs):
    _, out = afp_outputs
    events = sorted(out[kafka.EVENTS], key=lambda e: e["rank"])
    main = events[0]
    assert main["trigger"]["lemma"].split()[0] in ("head", "visit") and main["status"] == "planned"
    assert main["time"]["value"] == "2024-09-06"
    assert main["location"]["name"] == "Seoul" and main["location"]["country_code"] == "KR"
    assert any(a["name"] == "Fumio Kishida" for a in main["actors"])

    def event(pred, what):
        found = [e for e in events if pred(e)]
        assert found, what
        return found[0]

    meet = event(lambda e: e["trigger"]["lemma"] == "meet" and e["status"] == "planned", "meeting with Yoon")
    assert {"Fumio Kishida", "Yoon Suk Yeol"} <= {a["name"] for a in meet["actors"]}
    event(lambda e: e["time"]["value"] == "2024-09-27" and e["status"] == "planned", "LDP decision on 2024-09-27")
    event(
        lambda e: e["status"] == "negated" and any(a["name"] == "Fumio Kishida" for a in e["actors"]), "no re-election"
    )
    event(lambda e: e["time"]["value"] == "2023" and e["status"] == "occurred", "Yoon's 2023 trip to Tokyo")
    event(lambda e: e["time"]["value"] == "2024-05" and e["status"] == "occurred", "the trilateral summit in May")
    event(
        lambda e: (
            e["time"]["value"] == "2024-09-03"
            and e["status"] == "occurred"
            and any(a["name"] == "Yoshimasa Hayashi" for a in e["actors"])
        ),
        "Hayashi's statement",
    )
