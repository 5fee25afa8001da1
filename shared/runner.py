"""Runs the whole pipeline locally: the embedded broker (unless a bootstrap is given), every topic,
and every stage as its own worker process. Used by `newsflash run` (`make run`), the integration
tests and the benchmark, so all three start the pipeline the same way."""

from __future__ import annotations

import atexit
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from shared.broker import EmbeddedBroker, die_with_parent, free_port, port_open, wait_for_metadata
from shared.kafka import create_topics
from shared.settings import Settings

STAGES = ("ingest", "annotate", "entities", "quotes", "events")
DEFAULT_PORTS = {"ingest": 6066, "annotate": 6067, "entities": 6068, "quotes": 6069, "events": 6070}


@dataclass
class Worker:
    stage: str
    port: int
    process: subprocess.Popen[bytes]
    log_path: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def http_status(url: str, timeout: float = 1.0) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:  # noqa: S310 - loopback only
            return int(resp.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)
    except (urllib.error.URLError, OSError):
        return None


@dataclass
class Pipeline:
    """`with Pipeline(workdir) as p:` brings everything up; leaving the block stops it all."""

    workdir: Path
    bootstrap: str | None = None
    stages: tuple[str, ...] = STAGES
    partitions: int = 8
    fixed_ports: bool = False
    extra_env: dict[str, str] = field(default_factory=dict)
    broker: EmbeddedBroker | None = field(default=None, init=False)
    workers: dict[str, list[Worker]] = field(default_factory=dict, init=False)
    broker_seconds: float | None = field(default=None, init=False)
    topics_ready: bool = field(default=False, init=False)

    def start_broker(self) -> str:
        self.workdir.mkdir(parents=True, exist_ok=True)
        if self.bootstrap:
            wait_for_metadata(self.bootstrap)
        else:
            self.broker = EmbeddedBroker(log_path=self.workdir / "broker.log").start()
            self.broker_seconds = self.broker.ready_seconds
            self.bootstrap = self.broker.bootstrap
        create_topics(self.settings())
        self.topics_ready = True
        return self.bootstrap

    def settings(self) -> Settings:
        return Settings(kafka_bootstrap=self.bootstrap or "127.0.0.1:9092", partitions=self.partitions)

    def env(self, stage: str, port: int) -> dict[str, str]:
        env = dict(os.environ)
        env.update({
            "NEWSFLASH_KAFKA_BOOTSTRAP": self.bootstrap or "",
            "NEWSFLASH_WEB_PORT": str(port),
            "NEWSFLASH_PARTITIONS": str(self.partitions),
            "PYTHONUNBUFFERED": "1",
        })
        env.update(self.extra_env)
        return env

    def start_worker(self, stage: str) -> Worker:
        existing = self.workers.setdefault(stage, [])
        port = DEFAULT_PORTS[stage] if self.fixed_ports and not existing else 0
        if port == 0 or port_open("127.0.0.1", port):
            port = free_port()
        log_path = self.workdir / f"{stage}-{len(existing)}.log"
        datadir = self.workdir / f"{stage}-{len(existing)}-data"
        cmd = [sys.executable, "-m", "faust", "-A", f"services.{stage}.app", "-D", str(datadir.resolve()),
               "worker", "-l", "info"]
        with open(log_path, "ab") as log:  # the child keeps its own copy of the descriptor
            proc = subprocess.Popen(
                cmd, env=self.env(stage, port), stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                preexec_fn=die_with_parent, cwd=str(Path(__file__).resolve().parent.parent),
            )
        worker = Worker(stage, port, proc, log_path)
        existing.append(worker)
        return worker

    def start(self, wait: bool = True, timeout_s: float = 90.0) -> Pipeline:
        """Broker, topics and every stage; if anything fails, whatever was started is stopped."""
        atexit.register(self.stop)
        try:
            if not self.topics_ready:
                self.start_broker()
            for stage in self.stages:
                self.start_worker(stage)
            if wait:
                self.wait_ready(timeout_s)
        except BaseException:
            self.stop()
            raise
        return self

    def all_workers(self) -> list[Worker]:
        return [w for ws in self.workers.values() for w in ws]

    def wait_ready(self, timeout_s: float = 90.0, workers: list[Worker] | None = None) -> float:
        """Block until every worker answers /readyz with 200; returns the seconds it took."""
        started = time.monotonic()
        pending = list(workers or self.all_workers())
        while pending:
            for worker in list(pending):
                if worker.process.poll() is not None:
                    tail = worker.log_path.read_text(errors="replace")[-3000:]
                    raise RuntimeError(f"{worker.stage} exited with {worker.process.returncode}:\n{tail}")
                if http_status(worker.url + "/readyz") == 200:
                    pending.remove(worker)
            if pending and time.monotonic() - started > timeout_s:
                names = ", ".join(w.stage for w in pending)
                raise TimeoutError(f"not ready after {timeout_s}s: {names}")
            if pending:
                time.sleep(0.1)
        return time.monotonic() - started

    def metrics_targets(self) -> dict[str, str]:
        return {w.stage: f"127.0.0.1:{w.port}" for w in self.all_workers()}

    @staticmethod
    def stop_worker(worker: Worker, sig: int = signal.SIGTERM, timeout_s: float = 15.0) -> None:
        if worker.process.poll() is not None:
            return
        try:
            os.killpg(worker.process.pid, sig)
        except ProcessLookupError:
            return
        try:
            worker.process.wait(timeout_s)
        except subprocess.TimeoutExpired:
            os.killpg(worker.process.pid, signal.SIGKILL)
            worker.process.wait()

    def stop(self) -> None:
        atexit.unregister(self.stop)
        for worker in self.all_workers():
            if worker.process.poll() is None:
                try:
                    os.killpg(worker.process.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
        deadline = time.monotonic() + 15
        for worker in self.all_workers():
            remaining = max(0.1, deadline - time.monotonic())
            try:
                worker.process.wait(remaining)
            except subprocess.TimeoutExpired:
                os.killpg(worker.process.pid, signal.SIGKILL)
                worker.process.wait()
        self.workers.clear()
        if self.broker is not None:
            self.broker.stop()
            self.broker = None

    def __enter__(self) -> Pipeline:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def summary_json(pipeline: Pipeline) -> str:
    return json.dumps({"bootstrap": pipeline.bootstrap, "workers": pipeline.metrics_targets()})
