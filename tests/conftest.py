"""Session-wide fixtures: one loaded model, and the read-only `../shared` folder when present."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("NEWSFLASH_SHARED_DIR", REPO.parent / "shared"))
AFP_SAMPLE = SHARED / "samples" / "afp-2024-09-03-kishida-seoul.txt"


def shared_path(*parts: str) -> Path:
    """A path under ../shared, or a skip that says why (a user's machine has no ../shared)."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is absent: ../shared (reference data) exists only in the project's CI")
    return path


@pytest.fixture(scope="session")
def nlp():
    from shared.nlp.model import load_nlp

    return load_nlp()


@pytest.fixture(scope="session")
def afp_text() -> str:
    return shared_path("samples", "afp-2024-09-03-kishida-seoul.txt").read_text(encoding="utf-8")
