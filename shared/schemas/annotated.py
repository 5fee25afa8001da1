"""The parse-once message on `news.articles.annotated.v1`: an article and its spaCy parse."""

from __future__ import annotations

from pydantic import Field

from shared.schemas.article import Article
from shared.schemas.common import Message

ANNOTATED_ARTICLE_VERSION = 1


class AnnotatedArticle(Message):
    schema_version: int = ANNOTATED_ARTICLE_VERSION
    article: Article
    model: str = Field(description="spaCy model name and version that made the parse")
    doc_b64: str | None = Field(
        default=None, description="spaCy DocBin bytes (base64) of the cleaned body; offsets equal the body's"
    )
    skipped_reason: str | None = Field(
        default=None, description="Set when the article was not parsed (e.g. `not_english`)"
    )
