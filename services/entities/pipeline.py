"""The entities stage's pure logic: an article and its one parse -> one `Entity` per distinct
entity (names and time expressions), in order of first mention.

No Kafka, Faust or Prometheus here; `app.py` moves the bytes. The linking itself lives in
`shared.nlp.entities` because the quotes and events stages resolve speakers, actors, places and
times against the very same entities (same ids).
"""

from __future__ import annotations

from spacy.tokens import Doc

from shared.nlp.docs import doc_text
from shared.nlp.entities import link_entities
from shared.nlp.spans import with_body_texts
from shared.schemas.article import Article
from shared.schemas.entity import Entity


def extract_entities(article: Article, doc: Doc) -> list[Entity]:
    """Entities of `article`; `doc` is the parse of its body (offsets equal the body's).

    Ids are deterministic: `message_id(article.id, article.content_hash, "entity", type, name)`,
    so re-processing the same article version republishes the same ids.
    """
    messages = [entity.to_message(article) for entity in link_entities(article, doc).entities]
    return with_body_texts(messages, article.body, doc_text(doc))
