"""Benchmarks: each prints a table and writes its figures under bench/results/."""
