"""The annotate stage parses off the event loop: while it chews on a large batch of long articles
its worker keeps heartbeating and stays in its group (no rebalance), and odd input goes through."""

from __future__ import annotations

import re
import urllib.request
import uuid

from shared import kafka


def metric(url: str, name: str, labels: str) -> float:
    text = urllib.request.urlopen(url + "/metrics", timeout=5).read().decode()  # noqa: S310 - loopback
    total = 0.0
    for line in text.splitlines():
        if line.startswith(name + "{") and labels in line:
            total += float(line.rsplit(" ", 1)[1])
    return total


def test_worker_stays_in_its_group_while_parsing_a_large_batch(pipeline):
    worker = pipeline.pipeline.workers["annotate"][0]
    rebalances_before = metric(worker.url, "news_rebalances_total", 'stage="annotate"')
    assert rebalances_before >= 1  # it joined once at start
    run = uuid.uuid4().hex[:8]
    sentence = (
        "The minister told reporters in Geneva on Tuesday that the talks with the European Union "
        "would continue next week despite deep differences over subsidies. "
    )
    # Two batches of 16, each taking longer to parse than the 4 s session timeout.
    articles = [{"id": f"big-{run}-{i}", "body": f"Story {i}. " + sentence * 80} for i in range(32)]
    pipeline.publish_articles(articles)
    ids = {a["id"] for a in articles}
    pipeline.collect([kafka.ANNOTATED], lambda s: ids <= {a["article"]["id"] for a in s[kafka.ANNOTATED]}, timeout=300)
    assert metric(worker.url, "news_rebalances_total", 'stage="annotate"') == rebalances_before
    log = worker.log_path.read_text(errors="replace")
    assert not re.search(r"Heartbeat failed|session timeout|member .* was removed", log, re.I)


def test_odd_but_valid_input_is_processed(pipeline):
    run = uuid.uuid4().hex[:8]
    long_sentence = " ".join(["and the committee said"] * 1250)  # one 5,000-word sentence
    articles = [
        {
            "id": f"html-{run}",
            "body": "<p>The <b>minister</b> said on <i>Tuesday</i> that Paris would host the talks.</p>",
        },
        {"id": f"ctrl-{run}", "body": "The mayor\x07 of Lyon\x00 said the \x1bmarket would reopen."},
        {"id": f"unbalanced-{run}", "body": '"The deal is done, the chairman said. "Or is it?'},
        {"id": f"long-{run}", "body": "The mayor of Lyon " + long_sentence + "."},
    ]
    pipeline.publish_articles(articles)
    ids = {a["id"] for a in articles}
    seen = pipeline.collect(
        [kafka.ANNOTATED], lambda s: ids <= {a["article"]["id"] for a in s[kafka.ANNOTATED]}, timeout=180
    )
    for annotated in seen[kafka.ANNOTATED]:
        if annotated["article"]["id"] in ids:
            assert annotated["doc_b64"] and annotated["skipped_reason"] is None
            original = next(a for a in articles if a["id"] == annotated["article"]["id"])
            assert annotated["article"]["body"] == original["body"]
