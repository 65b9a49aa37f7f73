"""A producer run in a forked child process: its items in order, its errors raised here."""

import os

import pytest

from apps.scraping.imdb_datasets import DatasetOutOfOrder
from core.background import BackgroundDied, in_background

pytestmark = pytest.mark.embedded


def test_items_arrive_in_order_from_another_process():
    parent = os.getpid()

    def produce():
        for number in range(50):
            yield number, os.getpid()

    items = list(in_background(produce, ahead=2))

    assert [number for number, _pid in items] == list(range(50))
    assert {pid for _number, pid in items} != {parent}


def test_an_error_in_the_child_is_raised_in_the_parent_after_what_came_before():
    def produce():
        yield "first"
        raise DatasetOutOfOrder("title.principals is not sorted by tconst at line 7")

    items = in_background(produce)

    assert next(items) == "first"
    with pytest.raises(DatasetOutOfOrder, match="line 7"):
        next(items)


def test_a_child_that_dies_without_a_word_is_reported():
    def produce():
        yield "first"
        os._exit(3)

    with pytest.raises(BackgroundDied, match="exit code 3"):
        list(in_background(produce))
