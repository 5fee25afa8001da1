"""Bare `nlp.pipe` in a fresh process, on texts it has never seen: the limit for a pipeline that
starts fresh, as every streaming run of `make bench` does.

A process that has parsed a text before parses it again faster: spaCy's tokenizer keeps every
word it has split, and the vocabulary every word it has met. Parsing 500 BBC articles a second
time in the same process took 82-86 ms an article against 87 ms the first time. The streaming
pipeline meets each article once, in work processes that have parsed nothing, so its limit is
this cold parse, not the warm one the offline rows compare with.

`python -m bench.cold TEXTS.json PROCESSES N` prints `[articles/s, CPU ms per article]` for the
`N` articles whose bodies and headlines are the JSON list of strings in TEXTS.json.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: Parsed before the clock starts, so that loading the model's weights is not timed; none of
#: its words is news in a BBC story.
_WARM_UP = "The model reads this sentence first."


def time_bare_cold(texts: list[str], processes: int, n: int) -> tuple[float, float]:
    """(articles/s, CPU ms per article) of bare `nlp.pipe` over `texts` in a fresh process."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as fh:
        json.dump(texts, fh)
    try:
        done = subprocess.run([sys.executable, "-m", "bench.cold", fh.name, str(processes), str(n)],
                              cwd=ROOT, capture_output=True, text=True, check=True)
    finally:
        os.unlink(fh.name)
    rate, cpu_ms = json.loads(done.stdout.splitlines()[-1])
    return rate, cpu_ms


def main() -> None:
    from bench.nlp import timed
    from shared.nlp.model import load_nlp, parse_bodies

    path, processes, n = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    texts = json.loads(path.read_text())
    nlp = load_nlp()
    list(parse_bodies([_WARM_UP], nlp=nlp))
    rate, cpu_ms, _docs = timed(
        lambda: list(parse_bodies(texts, nlp=nlp, batch_size=32, n_process=processes)), n)
    print(json.dumps([rate, cpu_ms]))


if __name__ == "__main__":
    main()
