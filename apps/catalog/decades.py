"""A decade, one type for the whole catalog: stored and shown as "1990s", held as its first year.

Text is parsed in one place (`Decade.parse`, which takes "1990s" or "1990", the text
`PATTERN` fully matches); code that keeps many decades compactly (the enrichment's
arrays) keeps `Decade.index` (1990s: 199) and turns it back with `Decade.of_index`.
A decade's years have four digits (FIRST_YEAR..LAST_YEAR), as its text does: a title
of another year (no import brings one, see pipeline/clean.py) has no decade.
"""

import re
from dataclasses import dataclass
from functools import cache

PATTERN = r"[1-9][0-9]{2}0s?"  # four digits from FIRST_YEAR, as the text of a decade has
FIRST_YEAR, LAST_YEAR = 1000, 9999
_PATTERN = re.compile(PATTERN)


@dataclass(frozen=True, order=True, slots=True)
class Decade:
    """The ten years from `start`."""

    start: int

    def __post_init__(self) -> None:
        if self.start % 10 or not FIRST_YEAR <= self.start <= LAST_YEAR:
            raise ValueError(f"not a decade's first year: {self.start!r}")

    @classmethod
    def parse(cls, text: str) -> "Decade":
        """The decade written like "1990s" or "1990"; ValueError naming the text otherwise."""
        if not (isinstance(text, str) and _PATTERN.fullmatch(text)):
            raise ValueError(f'expected a decade such as "1990s", got {text!r}')
        return cls.of_index(int(text[:4]) // 10)

    @classmethod
    def of_year(cls, year: int | None) -> "Decade | None":
        """The decade of this year; None without a year or for one outside FIRST_YEAR..LAST_YEAR."""
        return cls.of_index(year // 10) if year is not None and FIRST_YEAR <= year <= LAST_YEAR else None

    @staticmethod
    @cache
    def of_index(index: int) -> "Decade":
        """The decade of this `index` (start year // 10); one instance each, as ranks use many."""
        return Decade(index * 10)

    @property
    def index(self) -> int:
        return self.start // 10

    @property
    def last_year(self) -> int:
        return self.start + 9

    def __str__(self) -> str:
        return f"{self.start}s"
