"""Benchmarks, each runnable as ``python bench/NAME.py``."""
