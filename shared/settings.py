"""Settings: one frozen pydantic-settings base (prefix `NEWSFLASH_`), extended by each stage.

A missing or malformed value stops start-up with one line naming the variable (`load_settings`).
Values are passed explicitly into `faust.App`, so Faust's own environment variables never compete.
"""

from __future__ import annotations

import sys
from typing import Literal, TypeVar

from pydantic import Field, SecretStr, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

S = TypeVar("S", bound="Settings")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="NEWSFLASH_", frozen=True, extra="ignore")

    kafka_bootstrap: str = Field(default="127.0.0.1:9092", description="host:port[,host:port]")
    kafka_security_protocol: Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"] = "PLAINTEXT"
    kafka_sasl_mechanism: Literal["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"] | None = None
    kafka_sasl_username: str | None = None
    kafka_sasl_password: SecretStr | None = None
    kafka_ssl_cafile: str | None = None
    partitions: int = Field(default=8, ge=1, le=256)
    replication_factor: int = Field(default=1, ge=1)
    session_timeout_s: float = Field(
        default=4.0, gt=0, description="Short: the embedded broker holds a join for half of it"
    )
    web_host: str = "127.0.0.1"
    web_port: int = Field(default=6066, ge=0, le=65535)
    log_level: Literal["debug", "info", "warn", "error"] = "info"
    max_body_bytes: int = Field(default=1_000_000, ge=1)
    # Every idle consumer asks again each `fetch_wait_ms`, and the embedded broker's CPU follows
    # those requests: the idle pipeline's broker used 0.14-0.21 cores at 50 ms, 0.07-0.14 at
    # 100 and 0.03 at 500 (and each stage 0.03, 0.02, 0.02). 100 ms roughly halves that
    # overhead for at most 0.05 s more latency a hop on average.
    fetch_wait_ms: int = Field(
        default=100, ge=1, le=1500,
        description="Longest a consumer's fetch waits for data: the embedded broker never answers early",
    )


class IngestSettings(Settings):
    web_port: int = 6066
    # The common fetch wait. Ingest once kept Faust's 1500 ms: with 50 ms a SIGKILLed ingest lost
    # articles on restart, because Faust's table recovery emptied the agent's queue after handing
    # it messages fetched in the meantime; see `_hold_delivery_while_resuming` in shared/kafka.py.
    dedup_window_s: float = Field(default=86_400.0, gt=0, description="Exact-duplicate window")
    known_sources: tuple[str, ...] = Field(
        default=("afp", "ap", "reuters", "bbc", "bss", "newsflash"),
        description="Sources kept as metric labels; others count as `other`",
    )


class AnnotateSettings(Settings):
    web_port: int = 6067
    parse_in: Literal["process", "thread"] = Field(
        default="process",
        description="Where nlp.pipe runs: a work process beside the event loop, or a thread of it",
    )
    batch_size: int = Field(default=16, ge=1, le=512)
    batch_within_s: float = Field(default=0.05, gt=0, description="Longest a batch waits to fill")


class ExtractorSettings(Settings):
    batch_size: int = Field(default=32, ge=1, le=512)
    batch_within_s: float = Field(default=0.05, gt=0, description="Longest a batch waits to fill")


class EntitiesSettings(ExtractorSettings):
    web_port: int = 6068


class QuotesSettings(ExtractorSettings):
    web_port: int = 6069


class EventsSettings(ExtractorSettings):
    web_port: int = 6070


def describe_error(exc: ValidationError, cls: type[BaseSettings]) -> str:
    """One line naming the variable at fault, as a user would type it."""
    prefix = cls.model_config.get("env_prefix", "")
    parts = []
    for err in exc.errors():
        field = str(err["loc"][0]) if err["loc"] else "?"
        parts.append(f"{prefix}{field.upper()}: {err['msg']}")
    return "invalid settings: " + "; ".join(parts)


def load_settings(cls: type[S]) -> S:
    try:
        return cls()
    except ValidationError as exc:
        print(describe_error(exc, cls), file=sys.stderr)
        raise SystemExit(2) from None
