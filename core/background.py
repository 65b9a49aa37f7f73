"""Run a producer in a forked child process while the caller consumes what it made.

Reading and preparing records is pure Python, and so is much of storing them: with one
GIL a thread would not overlap them, a second process does. The child never touches the
database (it inherits the parent's connection objects but leaves without closing them,
as multiprocessing's forked children end with os._exit).
"""

import multiprocessing
import os
import pickle
import queue as queues
from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")

POLL_SECONDS = 2.0


class BackgroundDied(RuntimeError):
    """The child process ended without saying it was done."""


def _picklable(exc: BaseException) -> BaseException:
    try:
        pickle.dumps(exc)
    except Exception:
        return RuntimeError(f"{type(exc).__name__}: {exc}")
    return exc


def in_background(produce: Callable[[], Iterable[T]], *, ahead: int = 4) -> Iterator[T]:
    """The items of `produce()`, made in a child process up to `ahead` items in advance.

    An exception in the child is raised here. Where a child cannot be forked (a daemonic
    process such as a Celery prefork worker, or no fork on this platform) the items are
    made in this process instead.
    """
    if multiprocessing.current_process().daemon or not hasattr(os, "fork"):
        yield from produce()
        return
    context = multiprocessing.get_context("fork")
    channel = context.Queue(maxsize=ahead)

    def run() -> None:
        try:
            for item in produce():
                # Pickled here, so that what waits in the queue is compact bytes, not live objects.
                channel.put(("item", pickle.dumps(item, protocol=pickle.HIGHEST_PROTOCOL)))
            channel.put(("done", None))
        except BaseException as exc:  # reported to the parent, which decides
            channel.put(("error", _picklable(exc)))
        channel.close()
        channel.join_thread()

    child = context.Process(target=run, name="cinestream-background", daemon=True)
    child.start()
    try:
        while True:
            try:
                kind, value = channel.get(timeout=POLL_SECONDS)
            except queues.Empty:
                if not child.is_alive():
                    raise BackgroundDied(
                        f"the background process ended with exit code {child.exitcode}"
                    ) from None
                continue
            if kind == "item":
                yield pickle.loads(value)
            elif kind == "error":
                raise value
            else:
                return
    finally:
        if child.is_alive():
            child.terminate()
        child.join(timeout=10)
        channel.close()
