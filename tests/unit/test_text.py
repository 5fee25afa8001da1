"""Offset-preserving clean-up and language detection."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from shared.language import detect_language
from shared.nlp.text import clean_body


def test_markup_becomes_spaces_and_offsets_hold():
    body = '<p>Kishida <a href="x">met</a> Yoon&nbsp;in Seoul.</p>'
    cleaned = clean_body(body)
    assert len(cleaned) == len(body)
    assert cleaned[body.index("Kishida") : body.index("Kishida") + 7] == "Kishida"
    assert "<" not in cleaned and "&nbsp;" not in cleaned


def test_control_characters_are_blanked():
    assert clean_body("a\x00b\x1bc\u200bd") == "a b c d"


def test_a_lone_less_than_sign_is_kept():
    assert clean_body("profits < 5% and > 2%") == "profits < 5% and > 2%"


@given(st.text())
def test_clean_body_never_changes_the_length(text):
    assert len(clean_body(text)) == len(text)


def test_languages():
    assert (
        detect_language("The minister said on Tuesday that the government would not change its plan for the city.")
        == "en"
    )
    assert (
        detect_language(
            "Der Bundeskanzler hat am Dienstag gesagt, dass die Regierung nicht mit der Opposition sprechen wird"
        )
        == "de"
    )
    assert (
        detect_language(
            "\u6771\u4eac\u3067\u4f1a\u8b70\u304c\u958b\u304b\u308c\u305f\u3002\u9996\u76f8\u306f\u8a18\u8005\u4f1a\u898b\u3067\u8ff0\u3079\u305f\u3002"
        )
        == "und"
    )
    assert detect_language("Too short") is None
