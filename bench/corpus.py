"""Articles for benchmarks: the BBC corpus in ../shared, spread evenly over its categories."""

from __future__ import annotations

import os
import platform
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("NEWSFLASH_SHARED_DIR", REPO.parent / "shared"))
BBC = SHARED / "corpus" / "bbc"


def bbc_paths(n: int) -> list[Path]:
    """n article files, round-robin over the categories so every kind of story is in the mix."""
    if not BBC.is_dir():
        raise SystemExit(f"{BBC} is absent: the benchmark reads the BBC corpus from ../shared")
    categories = sorted(p for p in BBC.iterdir() if p.is_dir())
    files = [sorted(c.glob("*.txt")) for c in categories]
    picked: list[Path] = []
    i = 0
    while len(picked) < n and any(i < len(f) for f in files):
        picked.extend(f[i] for f in files if i < len(f))
        i += 1
    return picked[:n]


def machine() -> dict[str, object]:
    cpu = platform.processor() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"cpu": cpu, "cores": os.cpu_count(), "python": platform.python_version()}
