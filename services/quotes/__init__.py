"""Quotes stage: direct, indirect and mixed quotes with resolved speakers."""
