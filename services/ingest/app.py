"""Ingest stage: reads `news.articles.raw.v1` (bytes as users publish them), writes validated
`Article`s to `news.articles.v1` and everything invalid to `news.dead-letters.v1`.

Exact duplicates (the same article id with the same content hash) within `NEWSFLASH_DEDUP_WINDOW_S`
are dropped, using a Faust table; a re-sent article with a changed body is a new version and goes
on. The table is partitioned like the input, by article id, so the key includes the id: the same
text under another id is another article (and may live on another partition).

Run: `faust -A services.ingest.app worker -l info`
"""

from __future__ import annotations

import time

from services.ingest.pipeline import ingest
from shared import errors, kafka, metrics
from shared.errors import Rejected
from shared.logging import setup_logging
from shared.settings import IngestSettings, load_settings
from shared.stage import Outcome, Stage

settings = load_settings(IngestSettings)
setup_logging(settings.log_level)
stage = Stage("ingest", settings, kafka.RAW_ARTICLES, (kafka.ARTICLES,))
app = stage.app
# Versions seen, in tumbling windows of the dedup window that expire on their own (a key looks at
# its current and previous window, so a repeat is caught for at least one window's length).
seen = app.Table("ingest-seen", default=float, partitions=settings.partitions).tumbling(
    settings.dedup_window_s, expires=2 * settings.dedup_window_s)


def _source_label(source: str | None) -> str:
    label = (source or "unknown").strip().lower()
    return label if label in settings.known_sources or label == "unknown" else "other"


@app.agent(stage.source, name="news-ingest.agent")
async def validate(stream):  # type: ignore[no-untyped-def]
    async for event in stream.events():
        started = time.perf_counter()
        try:
            try:
                article = ingest(event.message.value or b"", max_body_bytes=settings.max_body_bytes)
            except Rejected as rej:
                await stage.deliver([await stage.send_dead_letter(event, rej.reason, rej.message)])
                continue
            except Exception as exc:  # noqa: BLE001 - never lose a message to a bug
                letter = await stage.send_dead_letter(event, errors.INTERNAL_ERROR, f"{type(exc).__name__}: {exc}")
                await stage.deliver([letter])
                continue
            version = f"{article.id}\x1f{article.content_hash}"
            window = seen[version]
            if window.current() or window.delta(settings.dedup_window_s):
                metrics.MESSAGES_IN.labels(stage.name, "skipped_duplicate").inc()
                continue
            # Delivered before the version is recorded: a crash in between re-sends the article
            # (downstream de-duplicates by id) instead of losing it.
            await stage.deliver(await stage.apply(event, Outcome(
                messages=[(kafka.ARTICLES, kafka.key_for(article.id), kafka.encode(article))],
            )))
            seen[version] = time.time()
        except Exception as exc:  # noqa: BLE001 - never let Faust acknowledge unsent work
            stage.fail_hard(f"publishing failed: {type(exc).__name__}: {exc}")
        metrics.ARTICLES_BY_SOURCE.labels(_source_label(article.source)).inc()
        metrics.PROCESSING_SECONDS.labels(stage.name).observe(time.perf_counter() - started)
