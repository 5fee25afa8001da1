"""A throwaway local Prometheus for tests and benchmarks: find or install it, scrape the stages'
`/metrics`, query it over HTTP.

Consumes: a map stage name -> "host:port" of running workers. Produces: a Prometheus process bound
to 127.0.0.1 that scrapes them every second (one job per stage, named after it, as in
deploy/prometheus/prometheus.yml) and evaluates deploy/prometheus/alerts.yml.
Standard library only, so importing it costs nothing in the services.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from shared.broker import die_with_parent
from shared.broker import free_port as free_port  # re-exported for the tests

ALERTS_FILE = Path(__file__).resolve().parent.parent / "deploy" / "prometheus" / "alerts.yml"
#: The project's alert rules, when running from a source checkout (an installed wheel has none).
DEFAULT_RULES = ALERTS_FILE if ALERTS_FILE.is_file() else None
_APT_ENV = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}


class PrometheusUnavailable(RuntimeError):
    """The prometheus binary is missing and could not be installed here."""


def ensure_prometheus() -> str:
    """Path to the `prometheus` binary, installing Debian's package when root and apt exist.

    Raises PrometheusUnavailable, saying what to install, when neither works.
    """
    found = shutil.which("prometheus")
    if found:
        return found
    apt = shutil.which("apt-get")
    if apt is None or os.geteuid() != 0:
        raise PrometheusUnavailable(
            "prometheus is not on PATH and cannot be installed here (needs root and apt-get): "
            "install it, e.g. `sudo apt-get install -y prometheus` on Debian/Ubuntu, or put the "
            "official binary on PATH"
        )
    install = [apt, "install", "-y", "--no-install-recommends", "prometheus"]
    if _run(install).returncode != 0:
        # A fresh machine has no package lists yet.
        _run([apt, "update"])
        result = _run(install)
        if result.returncode != 0:
            raise PrometheusUnavailable(
                f"`apt-get install -y prometheus` failed:\n{result.stdout[-2000:]}"
            )
    found = shutil.which("prometheus")
    if not found:
        raise PrometheusUnavailable("apt-get installed prometheus but it is not on PATH")
    return found


def _run(command: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command,
        env=_APT_ENV,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        check=False,
    )


def write_local_config(
    targets: Mapping[str, str],
    path: str | os.PathLike[str],
    *,
    rules: Path | None = DEFAULT_RULES,
) -> Path:
    """Write a Prometheus config scraping each stage's target every second; return its path.

    `targets` maps stage name (= scrape job) to "127.0.0.1:port". `rules` (the project's alerts
    when this is a source checkout; None for none) is referenced by absolute path, so the config
    works from any directory.
    """
    lines = [
        "# Written by shared.promserver for a local run; not for production.",
        "global:",
        "  scrape_interval: 1s",
        "  scrape_timeout: 1s",
        "  evaluation_interval: 1s",
    ]
    if rules is not None:
        lines += ["rule_files:", f"  - {json.dumps(str(Path(rules).resolve()))}"]
    lines.append("scrape_configs:")
    for stage, address in targets.items():
        lines += [
            f"  - job_name: {json.dumps(stage)}",
            "    static_configs:",
            f"      - targets: [{json.dumps(address)}]",
        ]
    config = Path(path)
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return config


def start_prometheus(
    targets: Mapping[str, str],
    port: int,
    workdir: str | os.PathLike[str],
    *,
    timeout: float = 60.0,
    fresh: bool = True,
) -> subprocess.Popen[bytes]:
    """Start Prometheus on 127.0.0.1:`port` scraping `targets`; return once `/-/ready` says so.

    Config, TSDB and log (`prometheus.log`) live in `workdir`; `fresh` empties the TSDB first, so
    series of an earlier run (no longer scraped, but within the 5 min look-back) cannot answer a
    query. Raises RuntimeError with the log's tail when Prometheus exits or is not ready within
    `timeout` seconds. Stop it with `stop_prometheus`.
    """
    binary = ensure_prometheus()
    work = Path(workdir)
    work.mkdir(parents=True, exist_ok=True)
    if fresh:
        shutil.rmtree(work / "data", ignore_errors=True)
    config = write_local_config(targets, work / "prometheus.yml")
    log_path = work / "prometheus.log"
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [
                binary,
                f"--config.file={config}",
                f"--storage.tsdb.path={work / 'data'}",
                f"--web.listen-address=127.0.0.1:{port}",
                "--storage.tsdb.retention.time=1d",
                "--log.level=warn",
            ],
            stdin=subprocess.DEVNULL,
            preexec_fn=die_with_parent,
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=work,
        )
    ready_url = f"http://127.0.0.1:{port}/-/ready"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            break
        if _status(ready_url) == 200:
            return proc
        time.sleep(0.2)
    stop_prometheus(proc)
    tail = log_path.read_text(encoding="utf-8", errors="replace")[-3000:]
    raise RuntimeError(f"prometheus on port {port} did not become ready:\n{tail}")


def stop_prometheus(proc: subprocess.Popen[bytes], timeout: float = 10.0) -> None:
    """Terminate Prometheus (SIGTERM, then SIGKILL after `timeout` seconds) and reap it."""
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=timeout)


def _status(url: str) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=2) as reply:
            return int(reply.status)
    except urllib.error.HTTPError as error:
        return int(error.code)
    except OSError:
        return None


def query(base_url: str, promql: str, *, timeout: float = 10.0) -> dict[str, Any]:
    """Run an instant query; return Prometheus's JSON answer as is.

    A rejected query does not raise: the answer has `"status": "error"` and an `"error"` text, so
    callers can report which query failed. Unreachable servers raise `urllib.error.URLError`.
    """
    url = f"{base_url.rstrip('/')}/api/v1/query?" + urllib.parse.urlencode({"query": promql})
    try:
        with urllib.request.urlopen(url, timeout=timeout) as reply:
            return dict(json.load(reply))
    except urllib.error.HTTPError as error:
        body = error.read().decode("utf-8", errors="replace")
        try:
            return dict(json.loads(body))
        except json.JSONDecodeError:
            return {"status": "error", "errorType": str(error.code), "error": body}
