"""Code every Newsflash stage shares: the message contract, settings, Kafka wiring, NLP helpers."""
