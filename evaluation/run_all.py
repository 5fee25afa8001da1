"""`make eval`: every evaluation, one after another, on the development data in ../shared/eval.

  entities        CoNLL-2003 dev (eng.testa): NER precision, recall, F1 (PER/ORG/LOC/MISC, exact spans)
  time            TempEval-3 TimeBank + AQUAINT: span F1 and value F1 against each document's DCT
  quotes          PolNeAR dev: direct quotes and all attributions P/R/F1, speaker accuracy
  main event      Giveme5W1H: who / what / when / where agreement of each article's main event
  event triggers  ECB+ dev topics: trigger precision and recall against ACTION mentions

Each runs the extractors exactly as the pipeline does; `python -m evaluation.<name>` runs one.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

EVALUATIONS = ("conll", "tempeval", "polnear", "giveme5w1h", "ecbplus")
REPO = Path(__file__).resolve().parent.parent


def main() -> int:
    shared = REPO.parent / "shared" / "eval"
    if not shared.is_dir():
        print(f"{shared} is absent: the evaluation data lives in ../shared/eval (the project's CI has it)")
        return 0
    failed = []
    for name in EVALUATIONS:
        print(f"\n=== evaluation.{name} ===", flush=True)
        started = time.monotonic()
        code = subprocess.call([sys.executable, "-m", f"evaluation.{name}"], cwd=REPO)
        print(f"(evaluation.{name}: {time.monotonic() - started:.0f}s, exit {code})", flush=True)
        if code != 0:
            failed.append(name)
    if failed:
        print(f"\nfailed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
