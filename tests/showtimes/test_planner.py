import datetime as dt

from apps.showtimes.planner import coverage_is_short, movie_days_plan, movie_days_stop, window_days

TODAY = dt.date(2026, 12, 3)


def days(first: int, last: int) -> list[dt.date]:
    """TODAY + first … TODAY + last, both included."""
    return [TODAY + dt.timedelta(days=offset) for offset in range(first, last + 1)]


def test_a_movie_never_asked_about_gets_the_whole_window():
    assert movie_days_plan(today=TODAY, asked=set()) == days(0, 13)
    assert window_days(today=TODAY) == days(0, 13)


def test_a_movie_covered_to_the_horizon_gets_nothing():
    assert movie_days_plan(today=TODAY, asked=set(days(0, 13))) == []


def test_a_movie_whose_coverage_runs_short_gets_only_its_missing_days():
    asked = set(days(0, 4))

    assert movie_days_plan(today=TODAY, asked=asked) == days(5, 13)


def test_a_hole_in_the_near_days_is_asked_with_the_other_missing_days():
    asked = set(days(0, 13)) - {TODAY + dt.timedelta(days=2)}

    assert movie_days_plan(today=TODAY, asked=asked) == days(2, 2)


def test_the_next_days_refresh_leaves_a_movie_known_past_half_the_window_alone():
    asked = set(days(0, 13))
    tomorrow = TODAY + dt.timedelta(days=1)

    assert movie_days_plan(today=tomorrow, asked=asked) == []
    assert not coverage_is_short(covered_until=TODAY + dt.timedelta(days=13), today=tomorrow)


def test_coverage_nearing_the_horizon_extends_to_the_new_horizon():
    asked = set(days(0, 13))
    week_later = TODAY + dt.timedelta(days=8)

    planned = movie_days_plan(today=week_later, asked=asked)

    assert planned == [TODAY + dt.timedelta(days=offset) for offset in range(14, 22)]
    assert coverage_is_short(covered_until=TODAY + dt.timedelta(days=13), today=week_later)


def test_a_city_never_run_needs_a_run():
    assert coverage_is_short(covered_until=None, today=TODAY)


def test_a_movie_stops_after_two_empty_days_beyond_the_first():
    assert not movie_days_stop([0])
    assert not movie_days_stop([0, 0])  # today may be empty only because its sessions are over
    assert movie_days_stop([0, 0, 0])
    assert movie_days_stop([3, 0, 0])
    assert not movie_days_stop([3, 0, 2, 0])
    assert movie_days_stop([3, 4, 2, 0, 0])
