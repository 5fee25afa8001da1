"""The message contract: JSON Schema files match the models, old fixtures still validate,
ids are deterministic."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pydantic import ValidationError

from shared.schemas import MESSAGES, Article, DeadLetter, RawArticle, message_id
from shared.schemas.export import JSON_DIR, render_schemas

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "messages"


def test_committed_json_schemas_match_the_models():
    rendered = render_schemas()
    on_disk = {p.name: p.read_text(encoding="utf-8") for p in JSON_DIR.glob("*.schema.json")}
    assert set(on_disk) == set(rendered), "run `make schemas`"
    for name, text in rendered.items():
        assert on_disk[name] == text, f"{name} is stale: run `make schemas`"


def test_every_message_carries_a_schema_version():
    for name, model in MESSAGES.items():
        assert "schema_version" in model.model_fields, name


@pytest.mark.parametrize("path", sorted(FIXTURES.glob("*.json")), ids=lambda p: p.name)
def test_old_fixtures_still_validate(path):
    kind = path.name.split(".")[0]
    MESSAGES[kind].model_validate_json(path.read_bytes())


def test_fixtures_cover_every_message():
    kinds = {p.name.split(".")[0] for p in FIXTURES.glob("*.json")}
    assert kinds == set(MESSAGES)


def test_raw_article_requires_id_and_body():
    with pytest.raises(ValidationError):
        RawArticle.model_validate({"body": "text"})
    with pytest.raises(ValidationError):
        RawArticle.model_validate({"id": "a"})
    with pytest.raises(ValidationError):
        RawArticle.model_validate({"id": "  ", "body": "text"})


def test_published_at_needs_a_zone():
    with pytest.raises(ValidationError):
        RawArticle.model_validate({"id": "a", "body": "b", "published_at": "2024-09-03T10:00:00"})
    ok = RawArticle.model_validate({"id": "a", "body": "b", "published_at": "2024-09-03T10:00:00+09:00"})
    assert ok.published_at.utcoffset().total_seconds() == 9 * 3600


def test_unknown_fields_are_ignored_so_old_readers_keep_working():
    article = json.loads((FIXTURES / "article.v1.json").read_text())
    article["added_in_a_later_version"] = {"x": 1}
    assert Article.model_validate(article).id == article["id"]


def test_message_ids_are_deterministic_and_distinct():
    a = message_id("art", "hash1", "entity", "PERSON", "Fumio Kishida")
    assert a == message_id("art", "hash1", "entity", "PERSON", "Fumio Kishida")
    assert a != message_id("art", "hash2", "entity", "PERSON", "Fumio Kishida")
    assert a != message_id("art", "hash1", "entity", "PERSON", "Yoon Suk Yeol")
    # parts are separated, so shifting text between parts changes the id
    assert message_id("a", "h", "k", "ab", "c") != message_id("a", "h", "k", "a", "bc")


def test_dead_letter_round_trips_original_bytes():
    raw = b"\xff\x00not json"
    letter = DeadLetter.model_validate({
        "stage": "ingest", "reason": "invalid_utf8", "error": "x", "topic": "t",
        "value_b64": "/wBub3QganNvbg==", "failed_at": "2024-09-03T00:00:00Z",
    })
    assert letter.original_bytes() == raw
