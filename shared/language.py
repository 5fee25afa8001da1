"""A small, dependency-free language guess from function words: is this article English?"""

from __future__ import annotations

import re

_FUNCTION_WORDS = {
    "en": "the of and to in a is that for it was on with as by at from he said his have be are this",
    "fr": "le la les des et en un une du est que pour dans qui sur pas au avec il elle ce sont",
    "de": "der die und das den ist nicht mit von sich des auf ein eine dem zu im für auch wird",
    "es": "el la los las de que y en un una por con para es del se su al lo como más",
    "it": "il di che la per un una non sono del della le gli con si da nel anche è",
    "pt": "o a os as de que e do da em um uma para com não no na por se ao dos",
    "nl": "de het een en van is dat op te in voor niet met zijn aan er ook als",
}
_WORDS = {lang: set(words.split()) for lang, words in _FUNCTION_WORDS.items()}
_TOKEN = re.compile(r"[^\W\d_]+", re.UNICODE)


def detect_language(text: str, sample_chars: int = 4000) -> str | None:
    """ISO 639-1 code of the most likely language, `None` when the text is too short to tell."""
    sample = text[:sample_chars]
    letters = [c for c in sample if c.isalpha()]
    if len(letters) >= 20 and sum(1 for c in letters if ord(c) >= 0x250) / len(letters) > 0.5:
        return "und"  # mostly non-Latin script: certainly not English
    tokens = [t.lower() for t in _TOKEN.findall(sample)]
    if len(tokens) < 8:
        return None
    scores = {lang: sum(1 for t in tokens if t in words) for lang, words in _WORDS.items()}
    best = max(scores, key=lambda lang: scores[lang])
    if scores[best] / len(tokens) < 0.04:
        return "und"
    return best
