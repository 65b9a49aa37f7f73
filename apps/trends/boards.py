"""Leaderboards in Redis sorted sets, one per board: "global", "genre:<name>", "city:<slug>".

The database (TrendScore) is the truth; the sorted sets are a fast copy of each board's
top TRENDS_BOARD_SIZE. Every call here may fail with BoardsUnavailable (Redis down, or no
Redis in the embedded mode): readers then rank from the database (apps/trends/selectors.py).
"""

import threading

from django.conf import settings

from core.redis_clients import redis_client
from core.redis_errors import REDIS_UNAVAILABLE

GLOBAL = "global"


class BoardsUnavailable(Exception):
    """Redis could not answer; read the database instead."""


def genre_board(genre: str) -> str:
    return f"genre:{genre}"


def city_board(slug: str) -> str:
    return f"city:{slug}"


class RedisBoards:
    def __init__(self, url: str, *, prefix: str) -> None:
        self.client = redis_client(url, timeout=0.5)
        self.prefix = f"{prefix}:board:"

    def _key(self, board: str) -> str:
        return f"{self.prefix}{board}"

    def top(self, board: str, count: int) -> list[tuple[int, float]] | None:
        """The board's best `count` (title id, score), or None when Redis has no copy of it."""
        try:
            with self.client.pipeline(transaction=False) as pipe:
                pipe.exists(self._key(board))
                pipe.zrevrange(self._key(board), 0, count - 1, withscores=True)
                exists, rows = pipe.execute()
        except REDIS_UNAVAILABLE as exc:
            raise BoardsUnavailable(str(exc)) from exc
        if not exists:
            return None
        return [(int(member), score) for member, score in rows]

    def update(self, board: str, scores: dict[int, float], *, removed: set[int] = frozenset()) -> None:
        """Set these titles' scores, drop `removed`, and keep only the board's best."""
        size = settings.TRENDS_BOARD_SIZE
        try:
            with self.client.pipeline(transaction=True) as pipe:
                if scores:
                    pipe.zadd(self._key(board), {str(title_id): score for title_id, score in scores.items()})
                if removed:
                    pipe.zrem(self._key(board), *map(str, removed))
                pipe.zremrangebyrank(self._key(board), 0, -size - 1)
                pipe.execute()
        except REDIS_UNAVAILABLE as exc:
            raise BoardsUnavailable(str(exc)) from exc

    def replace(self, board: str, scores: dict[int, float]) -> None:
        """Make the board exactly these scores (rebuilt from the database)."""
        try:
            with self.client.pipeline(transaction=True) as pipe:
                pipe.delete(self._key(board))
                if scores:
                    pipe.zadd(self._key(board), {str(title_id): score for title_id, score in scores.items()})
                pipe.execute()
        except REDIS_UNAVAILABLE as exc:
            raise BoardsUnavailable(str(exc)) from exc


class NoBoards:
    """The embedded mode: nothing kept apart from the database."""

    def top(self, board: str, count: int) -> list[tuple[int, float]] | None:
        raise BoardsUnavailable("no Redis")

    def update(self, board: str, scores: dict[int, float], *, removed: set[int] = frozenset()) -> None:
        raise BoardsUnavailable("no Redis")

    def replace(self, board: str, scores: dict[int, float]) -> None:
        raise BoardsUnavailable("no Redis")


_boards: dict[tuple[str, str], RedisBoards | NoBoards] = {}
_boards_lock = threading.Lock()


def boards() -> RedisBoards | NoBoards:
    url = settings.REDIS_URL
    with _boards_lock:
        found = _boards.get(url)
        if found is None:
            found = _boards[url] = (
                RedisBoards(url, prefix=settings.TRENDS_REDIS_PREFIX) if url else NoBoards()
            )
        return found
