"""The annotate stage's work process: work runs in another process, and a process that dies
fails its own batch only; the next submission gets a fresh one."""

from __future__ import annotations

import os
from concurrent.futures.process import BrokenProcessPool

import pytest

from shared.stage import ProcessExecutor


def _pid() -> int:
    return os.getpid()


def _die() -> None:
    os._exit(3)


def test_work_runs_in_one_other_process_that_is_replaced_when_it_dies():
    executor = ProcessExecutor()
    try:
        first = executor.submit(_pid).result(timeout=60)
        assert first != os.getpid()
        assert executor.submit(_pid).result(timeout=60) == first  # the same process, kept warm
        with pytest.raises(BrokenProcessPool):
            executor.submit(_die).result(timeout=60)
        second = executor.submit(_pid).result(timeout=60)
        assert second not in (first, os.getpid())
        assert executor.started == 2
    finally:
        executor.shutdown()
