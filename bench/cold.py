"""Bare `nlp.pipe` in fresh processes, on texts they have never seen: the limit for a pipeline
that starts fresh, as every streaming run of `make bench` does.

A process that has parsed a text before parses it again faster: spaCy's tokenizer keeps every
word it has split, and the vocabulary every word it has met. Parsing 500 BBC articles a second
time in the same process took 82-86 ms an article against 87 ms the first time. The streaming
pipeline meets each article once, in work processes that have parsed nothing, so its limit is
this cold parse, not the warm one the offline rows compare with.

With N processes, each is started on its own, loads the model itself and parses every Nth text,
as N annotate workers each parse their share, rather than `nlp.pipe(n_process=N)`, whose workers
are forked from one parent and share its pages. On 500 BBC articles, alternately, this way read
15.4-15.8/s and the forked way 16.5-16.6/s; the machine's drift within one `make bench` is
larger than that gap.

`python -m bench.cold TEXTS.json` loads the model, prints `ready`, waits for a line on its
input, parses the JSON list of strings in TEXTS.json and prints `[wall seconds, CPU seconds]`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: Parsed before the clock starts, so that loading the model's weights is not timed; none of
#: its words is news in a BBC story.
_WARM_UP = "The model reads this sentence first."


def time_bare_cold(texts: list[str], processes: int, n: int) -> tuple[float, float]:
    """(articles/s, CPU ms per article) of bare `nlp.pipe` over `texts` (those of `n` articles),
    shared out over `processes` fresh processes that start parsing together."""
    paths, workers = [], []
    try:
        for share in range(processes):
            with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as fh:
                json.dump(texts[share::processes], fh)
            paths.append(fh.name)
            workers.append(subprocess.Popen([sys.executable, "-m", "bench.cold", fh.name], cwd=ROOT, text=True,
                                            stdin=subprocess.PIPE, stdout=subprocess.PIPE))
        for worker in workers:
            if worker.stdout.readline().strip() != "ready":  # type: ignore[union-attr]
                raise RuntimeError("a fresh parse process did not start")
        for worker in workers:
            worker.stdin.write("go\n")  # type: ignore[union-attr]
            worker.stdin.flush()  # type: ignore[union-attr]
        done = [json.loads(worker.communicate()[0].splitlines()[-1]) for worker in workers]
    finally:
        for worker in workers:
            worker.kill()
        for path in paths:
            os.unlink(path)
    wall = max(seconds for seconds, _ in done)
    return n / wall, 1000 * sum(cpu for _, cpu in done) / n


def main() -> None:
    from shared.nlp.model import load_nlp, parse_bodies

    texts = json.loads(Path(sys.argv[1]).read_text())
    nlp = load_nlp()
    list(parse_bodies([_WARM_UP], nlp=nlp))
    print("ready", flush=True)
    sys.stdin.readline()
    wall, cpu = time.perf_counter(), time.process_time()
    list(parse_bodies(texts, nlp=nlp, batch_size=32))
    print(json.dumps([time.perf_counter() - wall, time.process_time() - cpu]), flush=True)


if __name__ == "__main__":
    main()
