"""The message contract: pydantic v2 models, one module per message, exported as JSON Schema."""

from shared.schemas.annotated import AnnotatedArticle
from shared.schemas.article import Article, Dateline, RawArticle, ReferenceDate
from shared.schemas.common import Span, message_id
from shared.schemas.dead_letter import DeadLetter
from shared.schemas.entity import Entity, Mention, Place, Role, Salience
from shared.schemas.event import Actor, Event, EventLocation, EventTime, Trigger
from shared.schemas.quote import Cue, Quote, Speaker

#: Every top-level message, by the file name its JSON Schema is exported to.
MESSAGES = {
    "raw_article": RawArticle,
    "article": Article,
    "annotated_article": AnnotatedArticle,
    "entity": Entity,
    "quote": Quote,
    "event": Event,
    "dead_letter": DeadLetter,
}

__all__ = [
    "MESSAGES", "Actor", "AnnotatedArticle", "Article", "Cue", "Dateline", "DeadLetter", "Entity",
    "Event", "EventLocation", "EventTime", "Mention", "Place", "Quote", "RawArticle",
    "ReferenceDate", "Role", "Salience", "Span", "Speaker", "Trigger", "message_id",
]
