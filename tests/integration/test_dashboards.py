"""Every query of the committed Grafana dashboards returns data from a real pipeline.

A local Prometheus (shared.promserver) scrapes every stage's /metrics while the project's sample
articles go through; then each panel's PromQL, with Grafana's variables substituted, must run
without error and return at least one series. A failure names the dashboard and the panel.
"""

from __future__ import annotations

import json
import re
import time
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from deploy.grafana.dashboards import DASHBOARD_DIR, DASHBOARDS, iter_queries
from shared.promserver import ensure_prometheus, free_port, query, start_prometheus, stop_prometheus

pytestmark = pytest.mark.integration

# Grafana's built-in variables, longest first so `$__range_s` is not read as `$__range` + "_s".
BUILTINS = {
    "$__rate_interval": "1m",
    "$__interval_ms": "15000",
    "$__interval": "15s",
    "$__range_ms": "300000",
    "$__range_s": "300",
    "$__range": "5m",
}
# Seconds of 1 s scrapes after the last output: rate() needs two samples of every series.
SCRAPES_AFTER_OUTPUT = 2
OUTPUT_TIMEOUT_S = 300.0


def substitute(expr: str) -> str:
    """PromQL as Grafana would send it, with every stage selected (`$stage` -> `.*`)."""
    for name, value in BUILTINS.items():
        expr = expr.replace(name, value)
    expr = re.sub(r"\$\{stage(?::\w+)?\}|\$stage\b", ".*", expr)
    if "$" in expr:
        raise AssertionError(f"unsubstituted variable in {expr}")
    return expr


def wait_scraped_after(
    base: str, targets: Mapping[str, str], moment: float, timeout: float = 60.0
) -> None:
    """Block until every target's latest scrape is `SCRAPES_AFTER_OUTPUT` seconds past `moment`."""
    # A PromQL backquoted string takes re.escape's backslashes literally.
    instances = "|".join(re.escape(address) for address in targets.values())
    # Scraped again since `moment`, and with enough samples in the last minute for rate().
    promql = (f"count((timestamp(up{{instance=~`{instances}`}}) >= {moment + SCRAPES_AFTER_OUTPUT})"
              f" and (count_over_time(up{{instance=~`{instances}`}}[1m]) >= 3))")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = query(base, promql).get("data", {}).get("result", [])
        if result and int(float(result[0]["value"][1])) == len(targets):
            return
        time.sleep(0.25)
    raise AssertionError(f"Prometheus did not scrape {dict(targets)} again within {timeout}s")


def empty_or_failing_panels(base: str, dashboard_dir: Path = DASHBOARD_DIR) -> list[str]:
    """One line per query that errors or returns nothing, naming dashboard and panel."""
    problems = []
    for name in DASHBOARDS:
        model = json.loads((dashboard_dir / name).read_text(encoding="utf-8"))
        for title, expr in iter_queries(model):
            promql = substitute(expr)
            answer = query(base, promql)
            if answer.get("status") != "success":
                problems.append(f"{name} / {title}: error {answer.get('error')!r} in {promql}")
            elif not answer["data"]["result"]:
                problems.append(
                    f"{name} / {title}: no series for {promql} (is the metric never set, or are "
                    "its label children not initialised at start-up?)"
                )
    return problems


def _targets(pipeline: Any) -> Mapping[str, str]:
    # The session fixture exposes an attribute; shared.runner.Pipeline has a method of that name.
    targets = pipeline.metrics_targets
    return dict(targets() if callable(targets) else targets)


def test_every_dashboard_query_returns_data(
    pipeline: Any, tmp_path_factory: pytest.TempPathFactory
) -> None:
    ensure_prometheus()
    targets = _targets(pipeline)
    port = free_port()
    proc = start_prometheus(targets, port, tmp_path_factory.mktemp("prometheus"))
    base = f"http://127.0.0.1:{port}"
    try:
        published = pipeline.publish_samples()
        assert published > 0
        # One message ingest must dead-letter, so the dead-letter panel has a series to show.
        pipeline.publish([(f"dashboards-{uuid.uuid4().hex[:8]}".encode(), b"{not json")])
        pipeline.wait_outputs(published, timeout=OUTPUT_TIMEOUT_S)
        wait_scraped_after(base, targets, time.time())
        problems = empty_or_failing_panels(base)
    finally:
        stop_prometheus(proc)
    assert not problems, "dashboard queries without data:\n" + "\n".join(problems)
