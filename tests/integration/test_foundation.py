"""Through the running pipeline on the embedded broker: publish with the CLI, read results back."""

from __future__ import annotations

import base64
import json
import uuid
from datetime import date

from shared import kafka
from tests.conftest import shared_path
from tests.integration.conftest import REPO, cli


def article_id_of(path) -> str:
    from shared.articles import read_articles

    return next(read_articles([path])).data["id"]


def test_project_sample_comes_out_validated_with_its_dateline(pipeline):
    path = REPO / "samples" / "geneva-trade-talks.txt"
    result = cli("publish", str(path), "--bootstrap", pipeline.bootstrap)
    assert result.returncode == 0, result.stderr
    assert "sent 1" in result.stdout
    wanted = article_id_of(path)
    seen = pipeline.collect([kafka.ARTICLES], lambda s: any(a["id"] == wanted for a in s[kafka.ARTICLES]))
    article = next(a for a in seen[kafka.ARTICLES] if a["id"] == wanted)
    assert article["dateline"]["place"] == "Geneva"
    assert article["dateline"]["date"] == "2024-03-12"
    assert article["reference_date"] == {"date": "2024-03-12", "source": "dateline"}
    assert article["headline"] == "Trade ministers fail to agree on fishing subsidies"


def test_reference_afp_story_comes_out_with_seoul_2024_09_03_bss_afp(pipeline):
    path = shared_path("samples", "afp-2024-09-03-kishida-seoul.txt")
    result = cli("publish", str(path), "--bootstrap", pipeline.bootstrap)
    assert result.returncode == 0, result.stderr
    wanted = article_id_of(path)
    seen = pipeline.collect([kafka.ARTICLES], lambda s: any(a["id"] == wanted for a in s[kafka.ARTICLES]))
    article = next(a for a in seen[kafka.ARTICLES] if a["id"] == wanted)
    dateline = article["dateline"]
    assert (dateline["place"], dateline["date"], dateline["agencies"]) == ("Seoul", "2024-09-03", ["BSS", "AFP"])
    assert article["body"].startswith("SEOUL, Sept 3, 2024")


BAD_INPUTS = {
    "invalid_json": b"this is not json at all",
    "not_an_object": b'["a", "list"]',
    "missing_id": b'{"body": "A body without an id."}',
    "empty_id": b'{"id": "", "body": "A body with an empty id."}',
    "missing_body": b'{"id": "no-body"}',
    "empty_body": b'{"id": "empty-body", "body": ""}',
    "wrong_type": b'{"id": "wrong-type", "body": 12345}',
    "invalid_utf8": b'{"id": "bad-utf8", "body": "caf\xe9 au lait"}',
    "no_letters": b'{"id": "digits", "body": "1234 5678 -- 90"}',
    "invalid_published_at": b'{"id": "bad-date", "body": "Text.", "published_at": "next Tuesday"}',
    "body_too_large": json.dumps({"id": "huge", "body": "word " * 210_000}).encode(),
}


def test_every_bad_input_is_dead_lettered_with_its_reason_and_original_bytes(pipeline):
    run = uuid.uuid4().hex[:8]
    keys = {reason: f"bad-{run}-{reason}".encode() for reason in BAD_INPUTS}
    good_id = f"good-after-bad-{run}"
    items = [(keys[r], v) for r, v in BAD_INPUTS.items()]
    items.append(
        (good_id.encode(), json.dumps({"id": good_id, "body": "The minister said the plan would go ahead."}).encode())
    )
    pipeline.publish(items)

    wanted = {base64.b64encode(k).decode() for k in keys.values()}

    def done(seen):
        got = {d["key_b64"] for d in seen[kafka.DEAD_LETTERS]}
        return wanted <= got and any(a.get("id") == good_id for a in seen[kafka.ARTICLES])

    seen = pipeline.collect([kafka.DEAD_LETTERS, kafka.ARTICLES], done)
    letters = {base64.b64decode(d["key_b64"]): d for d in seen[kafka.DEAD_LETTERS] if d["key_b64"] in wanted}
    for reason, value in BAD_INPUTS.items():
        letter = letters[keys[reason]]
        assert letter["reason"] == reason, (reason, letter["error"])
        assert letter["stage"] == "ingest" and letter["topic"] == kafka.RAW_ARTICLES
        assert letter["offset"] is not None and letter["error"]
        assert base64.b64decode(letter["value_b64"]) == value


def test_exact_duplicates_are_dropped_and_new_versions_pass(pipeline):
    run = uuid.uuid4().hex[:8]
    first = {"id": f"dup-{run}", "body": "Officials said the bridge would reopen on Monday."}
    changed = {"id": f"dup-{run}", "body": "Officials said the bridge would reopen on Tuesday."}
    last = {"id": f"dup-{run}", "body": "Officials said the bridge would reopen in May."}
    same_text_other_id = {"id": f"dup-other-{run}", "body": first["body"]}
    # One key, one partition, one order: when `last` is out, every copy before it was handled.
    pipeline.publish_articles([first, first, changed, first, last, same_text_other_id])

    def done(seen):
        bodies = [a["body"] for a in seen[kafka.ARTICLES] if a["id"] == first["id"]]
        return last["body"] in bodies and any(a["id"] == same_text_other_id["id"] for a in seen[kafka.ARTICLES])

    seen = pipeline.collect([kafka.ARTICLES], done)
    versions = [a for a in seen[kafka.ARTICLES] if a["id"] == first["id"]]
    assert [a["body"] for a in versions] == [first["body"], changed["body"], last["body"]]
    assert len({a["content_hash"] for a in versions}) == 3
    # the same text under another id is another article
    assert [a["id"] for a in seen[kafka.ARTICLES]].count(same_text_other_id["id"]) == 1


def test_non_english_article_is_marked_and_skipped_by_extractors(pipeline):
    run = uuid.uuid4().hex[:8]
    french = {
        "id": f"fr-{run}",
        "body": "Le président de la République a annoncé mardi que le gouvernement "
        "allait présenter un nouveau projet de loi sur les retraites dans les prochains jours.",
    }
    pipeline.publish_articles([french])
    seen = pipeline.collect(
        [kafka.ANNOTATED], lambda s: any(a["article"]["id"] == french["id"] for a in s[kafka.ANNOTATED])
    )
    annotated = next(a for a in seen[kafka.ANNOTATED] if a["article"]["id"] == french["id"])
    assert annotated["skipped_reason"] == "not_english" and annotated["doc_b64"] is None
    assert annotated["article"]["language_detected"] == "fr"


def test_reference_date_is_resolved(pipeline):
    run = uuid.uuid4().hex[:8]
    art = {"id": f"ref-{run}", "body": "The council voted on Friday.", "published_at": "2024-05-03T08:00:00+02:00"}
    pipeline.publish_articles([art])
    seen = pipeline.collect([kafka.ARTICLES], lambda s: any(a["id"] == art["id"] for a in s[kafka.ARTICLES]))
    out = next(a for a in seen[kafka.ARTICLES] if a["id"] == art["id"])
    assert date.fromisoformat(out["reference_date"]["date"]) == date(2024, 5, 3)
    assert out["reference_date"]["source"] == "published_at"
