"""Benchmarks: run with `.venv/bin/python bench/<name>.py --help` from the project root."""
