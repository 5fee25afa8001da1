"""Human-readable one-liners for every message kind, as `newsflash tail` and `make run` print them."""

from __future__ import annotations

import json
from typing import Any

from shared import kafka


def _short(text: str | None, n: int = 90) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= n else text[: n - 1] + "…"


def render(topic: str, data: dict[str, Any]) -> str:
    if topic == kafka.ARTICLES or topic == kafka.RAW_ARTICLES:
        d = data.get("dateline") or {}
        ref = data.get("reference_date") or {}
        dateline = ""
        if d:
            dateline = (
                f" dateline: {d.get('place')}, {d.get('date') or '-'} ({', '.join(d.get('agencies') or []) or '-'})"
            )
        refs = f" ref {ref.get('date')} ({ref.get('source')})" if ref else ""
        lang = f" lang {data.get('language_detected')}" if data.get("language_detected") else ""
        return (
            f"[article] {data.get('id')}{dateline}{refs}{lang} | {_short(data.get('headline') or data.get('body'), 70)}"
        )
    if topic == kafka.ANNOTATED:
        art = data.get("article", {})
        state = data.get("skipped_reason") or "parsed"
        return f"[annotated] {art.get('id')} {state} by {data.get('model')}"
    if topic == kafka.ENTITIES:
        extra = []
        for role in data.get("roles") or []:
            bits = [role.get("qualifier"), role.get("title")]
            aff = role.get("affiliation")
            extra.append(" ".join(b for b in bits if b) + (f" ({aff})" if aff else ""))
        place = data.get("place")
        if place and place.get("country_code"):
            coords = ""
            if place.get("latitude") is not None:
                coords = f" {place['latitude']:.2f},{place['longitude']:.2f}"
            extra.append(f"{place['country_code']}{coords}")
        if data.get("value"):
            extra.append(f"= {data['value']}")
        n = len(data.get("mentions") or [])
        return f"[entity] {data.get('type'):<8} {data.get('name')} x{n}" + (f"  {'; '.join(extra)}" if extra else "")
    if topic == kafka.QUOTES:
        sp = data.get("speaker") or {}
        who = sp.get("name") or (sp.get("mention") or {}).get("text") or "?"
        role = (sp.get("role") or {}).get("title")
        cue = (data.get("cue") or {}).get("lemma", "")
        said = _short(data.get("text"), 80)
        return f"[quote] {data.get('kind'):<8} {who}{f' ({role})' if role else ''} [{cue}]: \u201c{said}\u201d"
    if topic == kafka.EVENTS:
        actors = ", ".join(f"{a.get('role')}={a.get('name') or a['mention']['text']}" for a in data.get("actors") or [])
        loc = data.get("location") or {}
        where = f" @{loc.get('name')}" + (f"/{loc['country_code']}" if loc.get("country_code") else "") if loc else ""
        when = (data.get("time") or {}).get("value")
        trig = (data.get("trigger") or {}).get("text")
        return f"[event#{data.get('rank')}] {data.get('type')} ({data.get('status')}) '{trig}' {when}{where}" + (
            f"  {actors}" if actors else ""
        )
    if topic == kafka.DEAD_LETTERS:
        where = f"{data.get('topic')}[{data.get('partition')}]@{data.get('offset')}"
        return f"[dead-letter] {data.get('stage')} {data.get('reason')}: {_short(data.get('error'), 100)} ({where})"
    return json.dumps(data, ensure_ascii=False)[:200]
