"""Reading articles from files, as `newsflash publish` and `newsflash extract` both do.

`.txt`: an optional wire header line ("News Flash") is skipped; a first line followed by a blank
line is the headline; the rest is the body. `.json` (an object or a list of objects) and `.jsonl`
hold `RawArticle`-shaped objects. Ids are derived from the content when not given.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SUFFIXES = (".txt", ".json", ".jsonl")
_WIRE_HEADER = re.compile(
    r"^\s*(?:news\s*flash|breaking(?:\s+news)?|urgent|flash|bulletin|advisory|update|corrected)\s*:?\s*$",
    re.I,
)


@dataclass
class Loaded:
    """One article as read from a file: a JSON-able object, or the reason it could not be read."""

    origin: str  # "path" or "path:line"
    data: Any = None
    raw: bytes | None = None  # the exact bytes, for JSON input
    error: str | None = None


def content_id(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]


def parse_txt(text: str) -> dict[str, Any]:
    text = text.replace("\r\n", "\n")
    lines = text.split("\n")
    if lines and _WIRE_HEADER.match(lines[0]):
        lines = lines[1:]
    headline = None
    if len(lines) >= 3 and lines[0].strip() and not lines[1].strip():
        headline = lines[0].strip()
        lines = lines[2:]
    body = "\n".join(lines).strip("\n")
    article: dict[str, Any] = {"id": content_id(text), "body": body}
    if headline:
        article["headline"] = headline
    return article


def expand(paths: Iterable[str | Path]) -> list[Path]:
    files: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            files.extend(sorted(f for f in p.rglob("*") if f.is_file() and f.suffix in SUFFIXES))
        else:
            files.append(p)
    return files


def read_articles(paths: Iterable[str | Path]) -> Iterator[Loaded]:
    for path in expand(paths):
        try:
            raw = path.read_bytes()
        except OSError as exc:
            yield Loaded(str(path), error=f"cannot read: {exc.strerror}")
            continue
        if path.suffix == ".jsonl":
            for n, line in enumerate(raw.splitlines(), 1):
                if line.strip():
                    yield _load_json(f"{path}:{n}", line)
        elif path.suffix == ".json":
            try:
                data = json.loads(raw)
            except (json.JSONDecodeError, UnicodeDecodeError) as exc:
                yield Loaded(str(path), raw=raw, error=f"not JSON: {exc}")
                continue
            items = data if isinstance(data, list) else [data]
            for n, item in enumerate(items):
                origin = f"{path}[{n}]" if isinstance(data, list) else str(path)
                yield Loaded(origin, data=item, raw=json.dumps(item, ensure_ascii=False).encode("utf-8"))
        else:
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                yield Loaded(str(path), raw=raw, error=f"not UTF-8 text at byte {exc.start}")
                continue
            data = parse_txt(text)
            yield Loaded(str(path), data=data, raw=json.dumps(data, ensure_ascii=False).encode("utf-8"))


def _load_json(origin: str, line: bytes) -> Loaded:
    try:
        return Loaded(origin, data=json.loads(line), raw=line)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        return Loaded(origin, raw=line, error=f"not JSON: {exc}")
