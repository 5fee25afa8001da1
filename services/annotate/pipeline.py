"""Annotate's pure logic: articles in, each with its one spaCy parse out (`AnnotatedArticle`).

The body (and the headline, when there is one) is cleaned without moving any offset (markup and
control characters become spaces), parsed once with `nlp.pipe`, and serialised as one DocBin.
Articles that are not English are passed on with
`skipped_reason` and no parse, so the extractors skip them instead of producing garbage.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from pydantic import ValidationError
from spacy.language import Language
from spacy.tokens import Doc

from shared import errors, kafka
from shared.nlp.docs import encode_doc_b64
from shared.nlp.model import load_nlp, model_label, parse_bodies
from shared.schemas import AnnotatedArticle, Article
from shared.stage import Outcome


def should_parse(article: Article) -> str | None:
    """None when the article should be parsed, else the reason it is skipped."""
    declared = (article.language or "").lower()[:2]
    if declared and declared != "en":
        return errors.NOT_ENGLISH
    if article.language_detected not in (None, "en"):
        return errors.NOT_ENGLISH
    return None


def parse_articles(
    articles: Iterable[Article], *, nlp: Language | None = None, batch_size: int = 16, n_process: int = 1
) -> Iterator[tuple[Article, Doc | None, Doc | None, str | None]]:
    """Yield `(article, body doc, headline doc, skipped reason)` per article, in order; the docs
    are None when the article is skipped, the headline's when it has none."""
    nlp = nlp or load_nlp()
    articles = list(articles)
    to_parse = [a for a in articles if should_parse(a) is None]
    # Bodies and headlines go through one nlp.pipe; the headlines are short and ride along.
    texts = [a.body for a in to_parse] + [a.headline for a in to_parse if a.headline]
    docs = list(parse_bodies(texts, batch_size=batch_size, n_process=n_process, nlp=nlp))
    bodies, headlines = iter(docs[: len(to_parse)]), iter(docs[len(to_parse) :])
    for article in articles:
        reason = should_parse(article)
        if reason is not None:
            yield article, None, None, reason
        else:
            yield article, next(bodies), next(headlines) if article.headline else None, None


def annotate(
    articles: Iterable[Article], *, nlp: Language | None = None, batch_size: int = 16, n_process: int = 1
) -> Iterator[AnnotatedArticle]:
    """Yield one `AnnotatedArticle` per article, in order."""
    nlp = nlp or load_nlp()
    label = model_label(nlp)
    for article, body, headline, reason in parse_articles(
        articles, nlp=nlp, batch_size=batch_size, n_process=n_process
    ):
        if body is None:
            yield AnnotatedArticle(article=article, model=label, skipped_reason=reason)
        else:
            yield AnnotatedArticle(article=article, model=label, doc_b64=encode_doc_b64(body, headline))


def warm_up() -> None:
    """Load the model (in the work process when the stage parses in one)."""
    load_nlp()


def parse_batch(values: list[bytes], batch_size: int = 16) -> list[Outcome]:
    """Message values in, one outcome per value out, in order: the decodable articles parsed in
    one `nlp.pipe` and published as `AnnotatedArticle`s, the rest dead-lettered. Runs in the
    annotate stage's work process, so it takes and returns plain bytes."""
    outcomes: list[Outcome | None] = [None] * len(values)
    articles: list[tuple[int, Article]] = []
    for i, value in enumerate(values):
        try:
            articles.append((i, kafka.decode(Article, value)))
        except (ValidationError, ValueError) as exc:
            outcomes[i] = Outcome(reason=errors.UNDECODABLE_MESSAGE, error=f"not an article: {str(exc)[:300]}")
    annotated = annotate([a for _, a in articles], batch_size=batch_size)
    for (i, article), result in zip(articles, annotated, strict=True):
        outcomes[i] = Outcome(
            messages=[(kafka.ANNOTATED, kafka.key_for(article.id), kafka.encode(result))],
            ingested_at=article.ingested_at,
        )
    return [o for o in outcomes if o is not None]
