"""Which (movie, day) pairs a run asks Gemini about: pure functions of dates and memory.

The window is the city's calendar days from today, `horizon` of them (14 by default).
A movie never asked about gets the whole window. A movie asked before gets its missing
days, but only once its known days run short: when the first missing day falls within the
first half of the window (a hole left by a failed day, or coverage that reaches less than
half-way ahead). Otherwise it is left alone and a later run extends it, so a daily refresh
asks a movie about a week of days once a week instead of one new day every day (each
call's prompt costs the same whatever it finds). A movie covered to the horizon gets nothing.

During a run the days of one movie are asked in order and the movie stops early once
EMPTY_DAYS_STOP days in a row came back empty after its first day (the first may be empty
only because today's last session has passed): it is taken as not scheduled further, and
the days it skipped are remembered as asked and empty, so the next run does not ask them.
"""

import datetime as dt
from collections.abc import Collection, Sequence

HORIZON_DAYS = 14
EMPTY_DAYS_STOP = 2


def window_days(*, today: dt.date, horizon: int = HORIZON_DAYS) -> list[dt.date]:
    """The days a city's schedule is kept for: today and the `horizon - 1` days after it."""
    return [today + dt.timedelta(days=offset) for offset in range(horizon)]


def movie_days_plan(
    *, today: dt.date, asked: Collection[dt.date], horizon: int = HORIZON_DAYS
) -> list[dt.date]:
    """The days to ask about one movie, in order, given the days already asked about."""
    window = window_days(today=today, horizon=horizon)
    missing = [day for day in window if day not in asked]
    if not missing or len(missing) == len(window):
        return missing
    extend_before = today + dt.timedelta(days=horizon // 2)
    return missing if missing[0] < extend_before else []


def coverage_is_short(*, covered_until: dt.date | None, today: dt.date, horizon: int = HORIZON_DAYS) -> bool:
    """Whether a schedule known up to `covered_until` needs a run: it ends before the window's
    half-way day, the same point at which movie_days_plan extends a movie."""
    return covered_until is None or covered_until < today + dt.timedelta(days=horizon // 2 - 1)


def movie_days_stop(sessions_per_day: Sequence[int]) -> bool:
    """Whether a movie's remaining days are skipped, given its answers so far (sessions per day)."""
    after_first = sessions_per_day[1:]
    return len(after_first) >= EMPTY_DAYS_STOP and not any(after_first[-EMPTY_DAYS_STOP:])
