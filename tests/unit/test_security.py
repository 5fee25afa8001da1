"""Secrets never appear in logs, reprs, errors or metrics; metric labels carry no article text."""

from __future__ import annotations

import logging

import pytest
from pydantic import ValidationError

from shared import kafka, metrics
from shared.settings import Settings, describe_error

SECRET = "hunter2-very-secret"


def test_password_is_a_secret_in_every_rendering(caplog):
    settings = Settings(kafka_security_protocol="SASL_SSL", kafka_sasl_mechanism="SCRAM-SHA-512",
                        kafka_sasl_username="svc", kafka_sasl_password=SECRET)
    for text in (repr(settings), str(settings), settings.model_dump_json(), str(settings.model_dump())):
        assert SECRET not in text
    with caplog.at_level(logging.DEBUG):
        logging.getLogger("newsflash").info("settings: %s", settings)
    assert SECRET not in caplog.text
    # ...but the client really gets it.
    assert kafka.kafka_python_config(settings)["sasl_plain_password"] == SECRET
    creds = kafka.faust_credentials(settings)
    assert SECRET not in repr(creds)


def test_a_settings_error_does_not_echo_the_secret(monkeypatch):
    monkeypatch.setenv("NEWSFLASH_KAFKA_SASL_PASSWORD", SECRET)
    monkeypatch.setenv("NEWSFLASH_KAFKA_SASL_MECHANISM", "NOT-A-MECHANISM")
    with pytest.raises(ValidationError) as info:
        Settings()
    message = describe_error(info.value, Settings)
    assert "NEWSFLASH_KAFKA_SASL_MECHANISM" in message and SECRET not in message


def test_metric_labels_are_from_fixed_sets():
    allowed = {"stage", "outcome", "reason", "topic", "type", "kind", "status", "country", "source"}
    for metric in (metrics.MESSAGES_IN, metrics.MESSAGES_OUT, metrics.DEAD_LETTERS, metrics.PROCESSING_SECONDS,
                   metrics.END_TO_END_SECONDS, metrics.ENTITIES_FOUND, metrics.QUOTES_FOUND, metrics.EVENTS_FOUND,
                   metrics.COUNTRY_MENTIONS, metrics.ARTICLES_BY_SOURCE, metrics.CONSUMER_LAG):
        assert set(metric._labelnames) <= allowed, metric._name
