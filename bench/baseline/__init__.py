"""The comparison point for bench/stream.py: a plain Channels SSE stream."""
