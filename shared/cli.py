"""`newsflash`: publish articles, tail topics, run the broker, create topics, extract offline,
run the whole pipeline locally, and replay dead letters."""

from __future__ import annotations

import json
import os
import sys
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import Progress

from shared import kafka

app = typer.Typer(add_completion=False, no_args_is_help=True, help=__doc__)
console = Console(highlight=False)
err = Console(stderr=True, highlight=False)

BootstrapOpt = Annotated[
    str | None,
    typer.Option("--bootstrap", "-b", help="Kafka host:port (default: $NEWSFLASH_KAFKA_BOOTSTRAP or $KAFKA_BOOTSTRAP)"),
]


def settings_for(bootstrap: str | None = None) -> Any:
    from shared.settings import Settings, load_settings

    bootstrap = bootstrap or os.environ.get("KAFKA_BOOTSTRAP")
    if bootstrap:
        os.environ["NEWSFLASH_KAFKA_BOOTSTRAP"] = bootstrap
    return load_settings(Settings)


def prepare_publish(
    paths: list[Path], validate: bool, max_body_bytes: int
) -> tuple[list[tuple[bytes, bytes]], Counter[str], list[str]]:
    """What `publish` would send: (key, value) pairs, the rejection reasons and their messages."""
    from services.ingest.pipeline import validate_object
    from shared.articles import read_articles
    from shared.errors import Rejected

    items: list[tuple[bytes, bytes]] = []
    rejected: Counter[str] = Counter()
    messages: list[str] = []
    for loaded in read_articles(paths):
        if loaded.error is not None:
            if validate or loaded.raw is None:
                rejected["unreadable"] += 1
                messages.append(f"{loaded.origin}: {loaded.error}")
                continue
            items.append((b"", loaded.raw))
            continue
        data = loaded.data
        if validate:
            try:
                validate_object(data, max_body_bytes=max_body_bytes)
            except Rejected as rej:
                rejected[rej.reason] += 1
                messages.append(f"{loaded.origin}: {rej.reason}: {rej.message}")
                continue
        key = str(data.get("id", "")).encode("utf-8") if isinstance(data, dict) else b""
        items.append((key, loaded.raw or json.dumps(data).encode("utf-8")))
    return items, rejected, messages


@app.command()
def publish(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders of .txt, .json, .jsonl")],
    bootstrap: BootstrapOpt = None,
    topic: str = typer.Option(kafka.RAW_ARTICLES, help="Topic to publish to"),
    validate: bool = typer.Option(True, help="Check articles before sending; --no-validate sends them as they are"),
) -> None:
    """Publish articles to the raw topic, keyed by article id."""
    from shared import client

    settings = settings_for(bootstrap)
    items, rejected, messages = prepare_publish(paths, validate, settings.max_body_bytes)
    sent = 0
    if items:
        with Progress(console=err, transient=True, disable=len(items) < 20) as progress:
            task = progress.add_task("publishing", total=len(items))
            sent = client.publish(settings, topic, [(key or None, value) for key, value in items],
                                  on_sent=lambda: progress.advance(task))
    for line in messages:
        err.print(f"[yellow]rejected[/] {line}")
    reasons = ", ".join(f"{r}: {n}" for r, n in sorted(rejected.items()))
    console.print(f"sent {sent} to {topic}; rejected {sum(rejected.values())}" + (f" ({reasons})" if reasons else ""))
    if not items and rejected:
        raise typer.Exit(1)


@app.command()
def tail(
    topic: Annotated[
        str,
        typer.Argument(help="Topic name, or one of: raw, articles, annotated, entities, quotes, events, dead-letters"),
    ],
    bootstrap: BootstrapOpt = None,
    from_beginning: bool = typer.Option(False, "--from-beginning", help="Start at the oldest message"),
    follow: bool = typer.Option(False, "--follow", "-f", help="Keep waiting for new messages"),
    as_json: bool = typer.Option(False, "--json", help="JSON lines instead of readable lines"),
    filters: list[str] = typer.Option([], "--filter", help="FIELD=VALUE (dotted paths allowed); repeatable"),
    limit: int | None = typer.Option(None, "--limit", "-n", help="Stop after N messages"),
) -> None:
    """Print messages from a topic."""
    from shared import client
    from shared.render import render

    topic = resolve_topic(topic)
    settings = settings_for(bootstrap)
    wanted = [parse_filter(f) for f in filters]
    shown = 0
    for record in client.consume(settings, [topic], from_beginning=from_beginning or not follow, follow=follow):
        try:
            data = json.loads(record.value)
        except (json.JSONDecodeError, UnicodeDecodeError):
            data = {"_raw": record.value.decode("utf-8", "replace")}
        if not all(matches(data, path, value) for path, value in wanted):
            continue
        if as_json:
            sys.stdout.write(json.dumps(data, ensure_ascii=False) + "\n")
        else:
            console.print(render(topic, data), soft_wrap=True, markup=False)
        shown += 1
        if limit is not None and shown >= limit:
            break


TOPIC_ALIASES = {
    "raw": kafka.RAW_ARTICLES,
    "articles": kafka.ARTICLES,
    "annotated": kafka.ANNOTATED,
    "entities": kafka.ENTITIES,
    "quotes": kafka.QUOTES,
    "events": kafka.EVENTS,
    "dead-letters": kafka.DEAD_LETTERS,
    "dlq": kafka.DEAD_LETTERS,
}


def resolve_topic(name: str) -> str:
    return TOPIC_ALIASES.get(name, name)


def parse_filter(text: str) -> tuple[list[str], str]:
    if "=" not in text:
        raise typer.BadParameter(f"--filter wants FIELD=VALUE, got {text!r}")
    path, value = text.split("=", 1)
    return path.split("."), value


def matches(data: Any, path: list[str], value: str) -> bool:
    for part in path:
        if not isinstance(data, dict) or part not in data:
            return False
        data = data[part]
    return str(data) == value


@app.command()
def broker(
    port: int = typer.Option(9092, help="Port on 127.0.0.1"),
    create: bool = typer.Option(True, help="Create every topic once it is up"),
) -> None:
    """Run the embedded broker (Tansu) alone until Ctrl-C. Memory only: a restart loses all data."""
    from shared.broker import EmbeddedBroker

    with EmbeddedBroker(port=port) as b:
        if create:
            created = kafka.create_topics(settings_for(b.bootstrap))
            console.print(f"created {len(created)} topics")
        console.print(f"broker ready at {b.bootstrap} in {b.ready_seconds:.2f}s; Ctrl-C stops it")
        try:
            while b.process is not None and b.process.poll() is None:
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass


@app.command()
def topics(
    bootstrap: BootstrapOpt = None,
    create: bool = typer.Option(False, "--create", help="Create every topic that is missing"),
) -> None:
    """List the project's topics, creating the missing ones with --create."""
    from kafka.admin import KafkaAdminClient

    settings = settings_for(bootstrap)
    if create:
        created = kafka.create_topics(settings)
        console.print(f"created {len(created)}: {', '.join(created) or '-'} ({settings.partitions} partitions each)")
    admin = KafkaAdminClient(**kafka.kafka_python_config(settings))
    try:
        existing = set(admin.list_topics())
    finally:
        admin.close()
    for name in kafka.ALL_TOPICS:
        console.print(f"{'ok     ' if name in existing else 'missing'} {name}")


@app.command()
def extract(
    inputs: Annotated[list[Path], typer.Option("--in", help="RawArticle .jsonl/.json, or .txt files/folders")],
    out: Annotated[Path, typer.Option("--out", help="Where to write one JSON line per article")],
    processes: int = typer.Option(1, "--processes", "-p", min=1, help="spaCy processes"),
    batch_size: int = typer.Option(32, help="Articles per nlp.pipe batch"),
    received_at: Annotated[datetime | None, typer.Option(
        "--received-at", formats=["%Y-%m-%d"],
        help="Take the articles as received on this date (YYYY-MM-DD): the reference date of any "
             "without a publish date or dateline, as for an archive of .txt files. Default: now")] = None,
) -> None:
    """Run every extractor over files of articles, without Kafka (backfills, evaluation)."""
    from shared.offline import extract_files

    started = time.perf_counter()
    summary = extract_files(
        inputs,
        out,
        processes=processes,
        batch_size=batch_size,
        now=received_at.replace(tzinfo=UTC) if received_at is not None else None,
        on_reject=lambda origin, reason, msg: err.print(f"[yellow]skipped[/] {origin}: {reason}: {msg}"),
    )
    elapsed = time.perf_counter() - started
    rate = summary.written / elapsed if elapsed else 0.0
    reasons = ", ".join(f"{r}: {n}" for r, n in sorted(summary.rejected.items()))
    console.print(
        f"extracted {summary.written} articles in {elapsed:.1f}s ({rate:.1f}/s); "
        f"skipped {sum(summary.rejected.values())}" + (f" ({reasons})" if reasons else "") + f" -> {out}"
    )


@app.command()
def run(
    articles: Annotated[list[Path] | None, typer.Argument(help="More article files or folders to publish")] = None,
    bootstrap: BootstrapOpt = None,
    samples: bool = typer.Option(True, help="Publish the project's samples (and ../shared's AFP story)"),
    once: bool = typer.Option(False, help="Exit when the published articles' outputs have been shown"),
    prometheus: bool = typer.Option(False, help="Also start Prometheus scraping every stage"),
    workdir: Path = typer.Option(Path(".run"), help="Logs and state"),
) -> None:
    """Start the broker (unless --bootstrap), every stage, publish samples, print the outputs."""
    from shared.local import run_local

    bootstrap = bootstrap or os.environ.get("KAFKA_BOOTSTRAP") or os.environ.get("NEWSFLASH_KAFKA_BOOTSTRAP")
    raise typer.Exit(
        run_local(articles or [], bootstrap, samples=samples, once=once, prometheus=prometheus, workdir=workdir)
    )


@app.command()
def replay(
    bootstrap: BootstrapOpt = None,
    dead_letters: bool = typer.Option(
        True, "--dead-letters", help="Replay from the dead-letter topic (the only source)"
    ),
    reason: str | None = typer.Option(None, "--reason", help="Only this reason code"),
    since: datetime | None = typer.Option(
        None, "--since", help="Only letters that failed at or after this time (ISO 8601)"
    ),
    dry_run: bool = typer.Option(False, "--dry-run", help="Count, do not publish"),
) -> None:
    """Re-publish quarantined messages to the topic they came from, after a fix."""
    from shared import client
    from shared.schemas import DeadLetter

    settings = settings_for(bootstrap)
    if since is not None and since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    chosen: list[DeadLetter] = []
    skipped: Counter[str] = Counter()
    origins: set[tuple[str, str | None, str]] = set()
    for record in client.consume(settings, [kafka.DEAD_LETTERS]):
        try:
            letter = kafka.decode(DeadLetter, record.value)
        except Exception:  # noqa: BLE001
            skipped["undecodable"] += 1
            continue
        if reason and letter.reason != reason:
            skipped["other_reason"] += 1
            continue
        if since and letter.failed_at < since:
            skipped["too_old"] += 1
            continue
        # A replayed message that fails again is a new letter for the same bytes: send it once.
        origin = (letter.topic, letter.key_b64, letter.value_b64)
        if origin in origins:
            skipped["already_replayed"] += 1
            continue
        origins.add(origin)
        chosen.append(letter)
    by_topic: Counter[str] = Counter(letter.topic for letter in chosen)
    if not dry_run:
        prod = client.producer(settings)
        try:
            with Progress(console=err, transient=True) as progress:
                task = progress.add_task("replaying", total=len(chosen))
                for letter in chosen:
                    prod.send(letter.topic, key=letter.original_key(), value=letter.original_bytes()).get(timeout=30)
                    progress.advance(task)
        finally:
            prod.close()
    verb = "would replay" if dry_run else "replayed"
    console.print(
        f"{verb} {len(chosen)} ({', '.join(f'{t}: {n}' for t, n in by_topic.items()) or '-'}); "
        f"left {sum(skipped.values())} ({', '.join(f'{k}: {v}' for k, v in skipped.items()) or '-'})"
    )


@app.command()
def reprocess(
    since: datetime = typer.Option(..., "--since", help="Articles ingested at or after this time (ISO 8601)"),
    stage: str = typer.Option("annotate", help="Stage to re-run: annotate (and so every extractor)"),
    bootstrap: BootstrapOpt = None,
) -> None:
    """Re-run validated articles from `news.articles.v1` into the pipeline again.

    Outputs carry deterministic ids, so consumers that de-duplicate by id see no duplicates."""
    from shared import client
    from shared.schemas import Article

    if stage != "annotate":
        raise typer.BadParameter("only `annotate` can be re-fed from news.articles.v1; extractors follow it")
    settings = settings_for(bootstrap)
    if since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    items = []
    versions: set[tuple[str, str]] = set()
    for record in client.consume(settings, [kafka.ARTICLES]):
        try:
            article = kafka.decode(Article, record.value)
        except Exception:  # noqa: BLE001
            continue
        version = (article.id, article.content_hash)
        # Re-sent copies keep their ingest time: each article version goes once, however often this runs.
        if article.ingested_at >= since and version not in versions:
            versions.add(version)
            items.append((record.key, record.value))
    sent = 0
    if items:
        with Progress(console=err, transient=True) as progress:
            task = progress.add_task("re-sending", total=len(items))
            sent = client.publish(settings, kafka.ARTICLES, items, on_sent=lambda: progress.advance(task))
    console.print(f"re-sent {sent} articles ingested since {since.isoformat()} to {kafka.ARTICLES}")


def main() -> None:
    app()


if __name__ == "__main__":
    main()
