"""A decade, one type for the whole catalog: stored and shown as "1990s", held as its first year.

Text is parsed in one place (`Decade.parse`, which takes "1990s" or "1990"); code that
keeps many decades compactly (the enrichment's arrays) keeps `Decade.index` (1990s: 199)
and turns it back with `Decade.of_index`.
"""

import re
from dataclasses import dataclass
from functools import cache

# Any first year, so that every decade's text reads back ("0s" of a year 5 an admin typed).
_PATTERN = re.compile(r"([0-9]{0,3}0)s?")


@dataclass(frozen=True, order=True, slots=True)
class Decade:
    """The ten years from `start` (a multiple of 10)."""

    start: int

    def __post_init__(self) -> None:
        if self.start < 0 or self.start % 10:
            raise ValueError(f"not a decade's first year: {self.start!r}")

    @classmethod
    def parse(cls, text: str) -> "Decade":
        """The decade written like "1990s" or "1990"; ValueError naming the text otherwise."""
        match = _PATTERN.fullmatch(text) if isinstance(text, str) else None
        if not match:
            raise ValueError(f'expected a decade such as "1990s", got {text!r}')
        return cls.of_index(int(match.group(1)) // 10)

    @classmethod
    def of_year(cls, year: int | None) -> "Decade | None":
        """The decade of this year; None without one (0 or None: unknown)."""
        return cls.of_index(year // 10) if year and year > 0 else None

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
