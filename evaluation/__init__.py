"""Evaluation commands: each runs the extractors over ../shared/eval data and prints figures."""
