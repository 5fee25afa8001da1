"""Quotation-mark pairing: finds the quoted stretches of an article body.

Consumes the body text only (no parse) and produces `Quoted` spans: the characters between a pair
of quotation marks, marks excluded. Straight, curly, guillemet and doubled-apostrophe (`''`) marks are
paired per paragraph (one line of the body); a paragraph whose quotation is still open at its end
continues into the next paragraph when that one opens with a quotation mark (the wire convention
for multi-paragraph quotes), so the pieces form one `Quoted` with several fragments. Unbalanced
marks never abort the article: an unclosed quotation ends at its paragraph's end, a stray closing
mark closes a quotation left open by the previous paragraph or else starts at its paragraph's start.
Single quotation marks only count outside double ones (headline style: `Trump 'absolutely right'`),
and an apostrophe never opens or closes anything.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_DOUBLE = re.compile(r"''|``|[\"\u201c\u201d\u201e\u00ab\u00bb]")
_SINGLE = re.compile(r"[\u2018\u2019']")
_OPENERS = {"\u201c", "\u201e", "\u00ab", "``"}
_CLOSERS = {"\u201d", "\u00bb"}
_BEFORE_OPEN = set(" \t([{\u2014\u2013-/:;,\u2015")
_AFTER_CLOSE = set(" \t.,;:!?)]}\u2014\u2013-/\u2015\u2026")
_TRAILING = " \t\n,;:"

OPEN, CLOSE, EITHER = "open", "close", "either"


class Fragmented:
    """Something made of (start, end) body fragments, spanning the first start to the last end."""

    fragments: list[tuple[int, int]]

    @property
    def start(self) -> int:
        return self.fragments[0][0]

    @property
    def end(self) -> int:
        return self.fragments[-1][1]


@dataclass
class Quoted(Fragmented):
    """One quotation: `fragments` are (start, end) body offsets of the text inside the marks."""

    fragments: list[tuple[int, int]] = field(default_factory=list)
    double: bool = True
    balanced: bool = True

    def contains(self, pos: int) -> bool:
        return any(s <= pos < e for s, e in self.fragments)


def _side(mark: str, before: str, after: str) -> str:
    """Whether a mark opens or closes, from its glyph and the characters around it."""
    left_flank = before == "" or before in _BEFORE_OPEN
    right_flank = after == "" or after in _AFTER_CLOSE
    if mark in _OPENERS:
        # A curly opener glued to the previous word and followed by a space is a typo'd closer.
        return CLOSE if right_flank and not left_flank else OPEN
    if mark in _CLOSERS:
        return OPEN if left_flank and not right_flank else CLOSE
    if left_flank and not right_flank:
        return OPEN
    if right_flank and not left_flank:
        return CLOSE
    return EITHER


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1] in _TRAILING:
        end -= 1
    return start, end


def lines(text: str) -> list[tuple[int, int]]:
    """(start, end) of every non-blank line (paragraph) of `text`, without its line break."""
    spans, pos = [], 0
    for line in text.splitlines(keepends=True):
        stripped = line.rstrip("\r\n")
        if stripped.strip():
            spans.append((pos, pos + len(stripped)))
        pos += len(line)
    return spans


def _double_marks(text: str, start: int, end: int) -> list[tuple[int, int, str]]:
    marks = []
    for m in _DOUBLE.finditer(text, start, end):
        before = text[m.start() - 1] if m.start() > start else ""
        after = text[m.end()] if m.end() < end else ""
        marks.append((m.start(), m.end(), _side(m.group(), before, after)))
    return marks


def find_quoted(text: str) -> list[Quoted]:
    """All quotations in `text`, sorted by start; fragments never overlap each other."""
    quotes: list[Quoted] = []
    pending: Quoted | None = None  # a quotation still open at the end of the previous paragraph
    for line_start, line_end in lines(text):
        marks = _double_marks(text, line_start, line_end)
        current: Quoted | None = None
        open_at: int | None = None
        if pending is not None:
            first = marks[0] if marks else None
            if first is not None and first[0] == _first_char(text, line_start, line_end):
                if first[2] != CLOSE:  # the paragraph re-opens: a multi-paragraph quotation
                    current, open_at = pending, first[1]
                    marks = marks[1:]
                else:
                    pending.balanced = False
                    quotes.append(pending)
            elif first is not None and first[2] == CLOSE:
                # The closing mark of a quotation whose opening paragraph forgot none: continue it.
                current, open_at = pending, line_start
                pending.balanced = False
            else:
                pending.balanced = False
                quotes.append(pending)
            pending = None
        last_close = line_start
        depth = 0  # quotations opened inside the open one (`"... what he calls "hell" ..."`)
        for index, (m_start, m_end, side) in enumerate(marks):
            if depth:
                depth += 1 if side == OPEN else -1
                continue
            if open_at is None:
                if side == CLOSE:
                    # A stray closer: the quotation started with the paragraph (or the last close).
                    piece = _trim(text, last_close, m_start)
                    if piece[1] > piece[0]:
                        quotes.append(Quoted([piece], balanced=False))
                    last_close = m_end
                    continue
                current = current or Quoted()
                open_at = m_end
                continue
            if side == OPEN and sum(1 for m in marks[index + 1:] if m[2] != OPEN) >= 2:
                depth = 1  # enough closers left in the paragraph for both: a nested quotation
                continue
            if side == OPEN:
                # Opened again without closing: the earlier one ends where the new one starts.
                _close(text, current, open_at, m_start, quotes)
                current.balanced = False  # type: ignore[union-attr]  # set whenever open_at is
                current, open_at = Quoted(), m_end
                continue
            _close(text, current, open_at, m_start, quotes)
            current, open_at, last_close = None, None, m_end
        if open_at is not None and current is not None:
            piece = _trim(text, open_at, line_end)
            if piece[1] > piece[0]:
                current.fragments.append(piece)
            if current.fragments:
                pending = current
    if pending is not None:
        pending.balanced = False
        quotes.append(pending)
    quotes = [q for q in quotes if q.fragments]
    quotes.extend(_single_quoted(text, quotes))
    quotes.sort(key=lambda q: q.start)
    return quotes


def _first_char(text: str, start: int, end: int) -> int:
    while start < end and text[start].isspace():
        start += 1
    return start


def _close(text: str, current: Quoted | None, open_at: int, close_at: int, out: list[Quoted]) -> None:
    if current is None:
        return
    piece = _trim(text, open_at, close_at)
    if piece[1] > piece[0]:
        current.fragments.append(piece)
    if current.fragments:
        out.append(current)


def _single_quoted(text: str, doubles: list[Quoted]) -> list[Quoted]:
    """Single-quoted stretches outside double quotations, within one paragraph."""
    found = []
    for line_start, line_end in lines(text):
        open_at: int | None = None
        for m in _SINGLE.finditer(text, line_start, line_end):
            pos = m.start()
            if any(q.contains(pos) for q in doubles):
                continue
            before = text[pos - 1] if pos > line_start else ""
            after = text[pos + 1] if pos + 1 < line_end else ""
            if before.isalnum() and after.isalnum():
                continue  # an apostrophe: don't, Clinton's
            side = _side("'", before, after)
            if m.group() == "\u2018" and side != CLOSE:
                side = OPEN
            if open_at is None and side == OPEN and after.isalnum():
                open_at = pos + 1
            elif open_at is not None and side == CLOSE and before not in " \t":
                piece = _trim(text, open_at, pos)
                overlaps = any(s < piece[1] and piece[0] < e for q in doubles for s, e in q.fragments)
                if piece[1] > piece[0] and not overlaps and "\n" not in text[piece[0]:piece[1]]:
                    found.append(Quoted([piece], double=False))
                open_at = None
    return found
