"""Each test gets its own Redis key prefix and fresh counters, boards and caches (trends_isolated)."""

import pytest


@pytest.fixture(autouse=True)
def trends_isolated_each(trends_isolated: str) -> str:
    """Every trends test runs with its own key prefix (the fixture lives in tests/conftest.py)."""
    return trends_isolated
