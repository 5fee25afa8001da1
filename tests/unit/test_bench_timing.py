"""The speed benchmark's clocks: CPU time must count the work done in child processes (the parse
workers of `nlp.pipe(n_process=2)` and of `extract --processes 2`), or the two-process figures
would leave out nearly all the work."""

from __future__ import annotations

import multiprocessing
import time

from bench.nlp import Rates, timed


def _spin(seconds: float) -> None:
    end = time.process_time() + seconds
    while time.process_time() < end:
        pass


def test_cpu_time_counts_the_children() -> None:
    def run() -> str:
        context = multiprocessing.get_context("fork")
        workers = [context.Process(target=_spin, args=(0.3,)) for _ in range(2)]
        for w in workers:
            w.start()
        for w in workers:
            w.join()
        return "done"

    rate, cpu_ms, result = timed(run, n=2)
    assert result == "done"
    assert rate > 0
    # Two children spun 0.3 s of CPU each: 600 ms for 2 "articles", so at least 300 ms each.
    assert cpu_ms >= 290


def test_cpu_ratio_is_a_throughput_ratio() -> None:
    # Extract spending 100 ms of CPU per article where the bare parse spends 80 runs at 0.8 of it.
    assert Rates(bare_cpu_ms=80.0, extract_cpu_ms=100.0).cpu_ratio == 0.8


def test_fresh_process_parse_reports_its_rate_and_cpu() -> None:
    from bench.cold import time_bare_cold

    texts = ["The minister said on Tuesday that talks would resume in Geneva."] * 4
    rate, cpu_ms = time_bare_cold(texts, processes=2, n=4)
    # Two processes share four short sentences: far less than a second each, and some CPU time.
    assert rate > 1.0
    assert 0 < cpu_ms < 1000
