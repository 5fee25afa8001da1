"""`make run` / `newsflash run`: the whole pipeline on this machine, showing what comes out."""

from __future__ import annotations

import json
import signal
import time
from pathlib import Path
from typing import Any

from rich.console import Console

from shared import client, kafka
from shared.render import render
from shared.runner import Pipeline

REPO = Path(__file__).resolve().parent.parent
PROJECT_SAMPLES = REPO / "samples"
SHARED_SAMPLES = REPO.parent / "shared" / "samples"
SHOWN_TOPICS = (kafka.ARTICLES, kafka.ENTITIES, kafka.QUOTES, kafka.EVENTS, kafka.DEAD_LETTERS)

console = Console(highlight=False)


def sample_paths(extra: list[Path], samples: bool) -> list[Path]:
    paths: list[Path] = []
    if samples:
        paths.append(PROJECT_SAMPLES)
        paths.extend(sorted(SHARED_SAMPLES.glob("*.txt")) if SHARED_SAMPLES.is_dir() else [])
    return paths + list(extra)


def _raise_interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def run_local(
    extra: list[Path],
    bootstrap: str | None,
    *,
    samples: bool = True,
    once: bool = False,
    prometheus: bool = False,
    workdir: Path = Path(".run"),
    idle_exit_s: float = 5.0,
) -> int:
    from shared.cli import prepare_publish

    started = time.monotonic()
    signal.signal(signal.SIGTERM, _raise_interrupt)
    signal.signal(signal.SIGINT, _raise_interrupt)  # also when started with SIGINT ignored
    from shared.settings import Settings, load_settings

    settings = load_settings(Settings)
    pipeline = Pipeline(workdir=workdir, bootstrap=bootstrap, fixed_ports=True, partitions=settings.partitions)
    prom = None
    first_output: float | None = None
    try:
        console.print("[bold]newsflash[/]: starting the broker and every stage…")
        pipeline.start_broker()
        where = "embedded broker (Tansu, memory only)" if pipeline.broker else "your Kafka"
        console.print(
            f"  {where} at {pipeline.bootstrap}"
            + (f", ready in {pipeline.broker_seconds:.2f}s" if pipeline.broker_seconds else "")
        )
        workers_started = time.monotonic()
        pipeline.start(wait=False)
        ready = pipeline.wait_ready(timeout_s=120)
        console.print(
            f"  {len(pipeline.all_workers())} stages ready in {time.monotonic() - workers_started:.1f}s "
            f"(last /readyz after {ready:.1f}s); logs in {workdir}/"
        )
        for stage, target in pipeline.metrics_targets().items():
            console.print(f"    {stage:<9} http://{target}/metrics  /healthz  /readyz")
        if prometheus:
            from shared.promserver import ensure_prometheus, start_prometheus

            ensure_prometheus()
            prom = start_prometheus(pipeline.metrics_targets(), 9090, workdir / "prometheus")
            console.print("  Prometheus at http://127.0.0.1:9090")
        items, rejected, messages = prepare_publish(sample_paths(extra, samples), True, settings.max_body_bytes)
        for line in messages:
            console.print(f"  [yellow]not published[/] {line}")
        sent = client.publish(pipeline.settings(), kafka.RAW_ARTICLES, items) if items else 0
        console.print(
            f"  published {sent} articles to {kafka.RAW_ARTICLES}; outputs follow (Ctrl-C stops everything)\n"
        )
        expected = {key.decode() for key, _ in items}
        annotated: set[str] = set()

        def finished(idle_s: float) -> bool:
            # --once: every article was parsed (or skipped) and the extractors have gone quiet.
            return once and expected <= annotated and idle_s > idle_exit_s

        for record in client.consume(
            pipeline.settings(),
            (*SHOWN_TOPICS, kafka.ANNOTATED),
            from_beginning=True,
            follow=True,
            max_wait_s=600 if once else None,
            until=finished,
        ):
            data = json.loads(record.value)
            if record.topic == kafka.ANNOTATED:
                annotated.add(data.get("article", {}).get("id", ""))
                continue
            if first_output is None:
                first_output = time.monotonic() - started
            console.print(render(record.topic, data), soft_wrap=True, markup=False)
        return 0
    except KeyboardInterrupt:
        console.print("\nstopping…")
        return 0
    finally:
        if first_output is not None:
            console.print(f"first output {first_output:.1f}s after start")
        if prom is not None:
            from shared.promserver import stop_prometheus

            stop_prometheus(prom)
        pipeline.stop()
        console.print("stopped: every stage and the broker are down")
