"""CLI parsing: file formats, wire headers, filters, and the settings' one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import typer
from typer.testing import CliRunner

from shared.articles import parse_txt, read_articles
from shared.cli import app, matches, parse_filter, prepare_publish, resolve_topic


def test_txt_with_wire_header_and_no_headline():
    art = parse_txt("News Flash\nSEOUL, Sept 3, 2024 (BSS/AFP) - Text.\nMore text.\n")
    assert art["body"].startswith("SEOUL") and "headline" not in art


def test_txt_with_headline_and_blank_line():
    art = parse_txt("Ad sales boost Time Warner profit\n\nQuarterly profits jumped.\n\nMore.\n")
    assert art["headline"] == "Ad sales boost Time Warner profit"
    assert art["body"] == "Quarterly profits jumped.\n\nMore."


def test_ids_come_from_content():
    assert parse_txt("A\n\nB\n")["id"] == parse_txt("A\n\nB\n")["id"] != parse_txt("A\n\nC\n")["id"]


def test_jsonl_json_and_folders(tmp_path):
    (tmp_path / "a.jsonl").write_text('{"id": "1", "body": "One."}\nnot json\n\n{"id": "2", "body": "Two."}\n')
    (tmp_path / "b.json").write_text(json.dumps([{"id": "3", "body": "Three."}, {"id": "4", "body": "Four."}]))
    (tmp_path / "c.txt").write_text("Just a body.")
    (tmp_path / "ignored.md").write_text("# not an article")
    loaded = list(read_articles([tmp_path]))
    assert [x.origin.split("/")[-1] for x in loaded] == [
        "a.jsonl:1",
        "a.jsonl:2",
        "a.jsonl:4",
        "b.json[0]",
        "b.json[1]",
        "c.txt",
    ]
    assert loaded[1].error and loaded[1].error.startswith("not JSON")


def test_prepare_publish_counts_rejections(tmp_path):
    (tmp_path / "a.jsonl").write_text(
        '{"id": "1", "body": "One."}\n{"id": "", "body": "x"}\n{"id": "3", "body": "42"}\n'
    )
    items, rejected, messages = prepare_publish([tmp_path], True, 1000)
    assert [k for k, _ in items] == [b"1"]
    assert dict(rejected) == {"empty_id": 1, "no_letters": 1}
    assert len(messages) == 2
    items, rejected, _ = prepare_publish([tmp_path], False, 1000)
    assert len(items) == 3 and not rejected


def test_filters():
    path, value = parse_filter("speaker.name=Yoon Suk Yeol")
    assert matches({"speaker": {"name": "Yoon Suk Yeol"}}, path, value)
    assert not matches({"speaker": {"name": "Kishida"}}, path, value)
    assert not matches({"speaker": None}, path, value)
    with pytest.raises(typer.BadParameter):
        parse_filter("no-equals-sign")


def test_topic_aliases():
    assert resolve_topic("entities") == "news.entities.v1"
    assert resolve_topic("news.custom.v1") == "news.custom.v1"


def test_help_lists_every_command():
    result = CliRunner().invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in ("publish", "tail", "broker", "topics", "extract", "run", "replay", "reprocess"):
        assert command in result.output


def test_malformed_setting_stops_with_one_line_naming_the_variable():
    proc = subprocess.run(
        [sys.executable, "-c", "from shared.settings import *; load_settings(AnnotateSettings)"],
        env={"NEWSFLASH_BATCH_SIZE": "lots", "PATH": ""},
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "NEWSFLASH_BATCH_SIZE" in lines[0]


def test_extract_takes_undated_articles_as_received_on_the_given_date(tmp_path):
    story = tmp_path / "archive" / "story.txt"
    story.parent.mkdir()
    story.write_text("Council cuts bus fares\n\nThe council cut bus fares on Friday, officials said.\n",
                     encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(app, ["extract", "--in", str(story.parent), "--out", str(out),
                                      "--received-at", "2005-03-01"])
    assert result.exit_code == 0, result.output
    line = json.loads(out.read_text(encoding="utf-8"))
    assert line["article"]["reference_date"] == {"date": "2005-03-01", "source": "ingested_at"}
    # "on Friday" in a story received on Tuesday 2005-03-01 is the Friday before
    assert any(e["time"]["value"] == "2005-02-25" for e in line["events"])
    bad = CliRunner().invoke(app, ["extract", "--in", str(story), "--out", str(out),
                                   "--received-at", "March 2005"])
    assert bad.exit_code != 0
