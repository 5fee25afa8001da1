"""Text clean-up that keeps every character offset: what is removed is replaced by spaces."""

from __future__ import annotations

import re

# Tags, comments and character references; replaced by spaces of the same length.
_MARKUP = re.compile(
    r"<!--.*?-->|<(?:script|style)\b.*?</(?:script|style)\s*>|</?[A-Za-z][^<>]{0,2000}?>|&(?:#\d{1,7}|#x[0-9A-Fa-f]{1,6}|[A-Za-z]{2,10});",
    re.S | re.I,
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u2028\u2029\ufeff]")


def _blank(match: re.Match[str]) -> str:
    return " " * (match.end() - match.start())


def clean_body(body: str) -> str:
    """Blank HTML markup and control characters; the result has exactly `len(body)` characters."""
    if "<" in body or "&" in body:
        body = _MARKUP.sub(_blank, body)
    return _CONTROL.sub(" ", body)


def has_letters(text: str) -> bool:
    return any(ch.isalpha() for ch in text)
