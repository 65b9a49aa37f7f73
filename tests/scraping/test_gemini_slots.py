"""The cap on Gemini requests in flight across processes: leases in Redis.

How many requests reach Gemini at once, in either mode, is tested end to end in
test_gemini.py::test_no_more_than_the_parallel_limit_is_in_flight_at_once.
"""

import secrets
from collections.abc import Iterator

import pytest
import redis

from apps.scraping.gemini_slots import RedisSlots
from tests.support.scraping import eventually


@pytest.fixture
def slots_key(redis_url: str) -> Iterator[str]:
    key = f"test:gemini:slots:{secrets.token_hex(4)}"
    yield key
    redis.Redis.from_url(redis_url).delete(key)


def test_processes_sharing_redis_hold_no_more_leases_together_than_the_limit(redis_url: str, slots_key: str):
    first = RedisSlots(redis_url, limit=2, lease_seconds=30, key=slots_key)
    second = RedisSlots(redis_url, limit=2, lease_seconds=30, key=slots_key)

    assert first.try_acquire("a")
    assert second.try_acquire("b")
    assert not second.try_acquire("c")
    assert not first.try_acquire("c")

    first.release("a")

    assert second.try_acquire("c")


def test_a_lease_its_holder_never_releases_expires(redis_url: str, slots_key: str):
    crashed = RedisSlots(redis_url, limit=1, lease_seconds=0.2, key=slots_key)
    survivor = RedisSlots(redis_url, limit=1, lease_seconds=0.2, key=slots_key)
    assert crashed.try_acquire("lost")

    assert not survivor.try_acquire("next")
    eventually(lambda: survivor.try_acquire("next"), timeout=3)


def test_a_held_slot_is_released_after_the_block(redis_url: str, slots_key: str):
    slots = RedisSlots(redis_url, limit=1, lease_seconds=30, key=slots_key)

    with slots.hold():
        assert not slots.try_acquire("other")

    assert slots.try_acquire("other")


def test_without_redis_the_process_falls_back_to_its_own_semaphore():
    slots = RedisSlots("redis://127.0.0.1:1/0", limit=1, lease_seconds=30)
    held = []

    with slots.hold():
        held.append(True)

    assert held == [True]
