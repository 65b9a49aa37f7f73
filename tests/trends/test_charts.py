"""The charts' geometry: where bars, lines, dots and labels go, edge cases included."""

from datetime import date, timedelta

import pytest

from apps.trends.charts import (
    ChartDay,
    chart_summary,
    day_tick_indexes,
    nice_ticks,
    sparkline,
    trend_chart,
)

FIRST = date(2026, 11, 1)


def days_of(*values: tuple[float | None, int]) -> list[ChartDay]:
    return [
        ChartDay(FIRST + timedelta(days=index), score, views) for index, (score, views) in enumerate(values)
    ]


def path_points(path: str) -> list[list[tuple[float, float]]]:
    """A path's runs of points: each "M" starts a new run."""
    runs: list[list[tuple[float, float]]] = []
    for command in path.split(" M"):
        points = []
        for part in command.removeprefix("M").split(" L"):
            x, y = part.split()
            points.append((float(x), float(y)))
        runs.append(points)
    return runs if path else []


@pytest.mark.parametrize(
    ("low", "high", "whole", "expected"),
    [
        (8.12, 9.3, False, [8.0, 8.5, 9.0, 9.5]),
        (0, 7, True, [0, 2, 4, 6, 8]),
        (0, 1234, True, [0, 500, 1000, 1500]),
        (0, 0, False, [0, 0.5, 1]),  # all zeros still get an axis
        (0, 0, True, [0, 1]),  # views never step by less than one
        (5, 5, False, [4.5, 5, 5.5]),  # one value sits mid-axis
        (0.3, 0.3, False, [0, 0.2, 0.4, 0.6, 0.8]),  # a positive value's axis stops at zero
    ],
)
def test_ticks_are_round_and_cover_the_values(low, high, whole, expected):
    assert nice_ticks(low, high, whole=whole) == pytest.approx(expected)


def test_bars_stand_on_the_baseline_and_the_tallest_reaches_the_top_tick():
    chart = trend_chart(days_of((1.0, 2), (2.0, 4), (3.0, 0)), width=300, height=200)

    assert [bar.views for bar in chart.bars] == [2, 4]  # no bar for a day without views
    for bar in chart.bars:
        assert bar.y + bar.height == pytest.approx(chart.plot.bottom, abs=0.1)
    assert chart.views_ticks[-1].value == 4
    assert chart.bars[1].y == pytest.approx(chart.plot.top, abs=0.1)
    assert chart.bars[0].height == pytest.approx(chart.bars[1].height / 2, abs=0.1)


def test_the_score_line_rises_with_the_score_and_days_go_left_to_right():
    chart = trend_chart(days_of((1.0, 0), (2.0, 0), (3.0, 0)), width=300, height=200)

    [run] = path_points(chart.score_path)
    xs, ys = [x for x, _ in run], [y for _, y in run]
    assert xs == sorted(xs)
    assert len(set(xs)) == 3
    assert ys == sorted(ys, reverse=True)  # SVG's y grows downwards
    assert chart.plot.left < xs[0]
    assert xs[-1] < chart.plot.right
    assert next(tick.value for tick in chart.score_ticks) <= 1.0
    assert [tick.value for tick in chart.score_ticks][-1] >= 3.0


def test_a_day_without_a_score_breaks_the_line_and_a_lone_point_becomes_a_dot():
    days = days_of((1.0, 1), (2.0, 1), (None, 1), (3.0, 1), (None, 0), (2.5, 1), (2.0, 1))

    chart = trend_chart(days)

    runs = path_points(chart.score_path)
    assert [len(run) for run in runs] == [2, 1, 2]
    lone = [dot.day for dot in chart.score_dots]
    assert FIRST + timedelta(days=3) in lone  # between two gaps
    assert lone[-1] == FIRST + timedelta(days=6)  # the latest point is marked too
    assert len(chart.bars) == 6


def test_one_day_is_a_dot_in_the_middle_with_its_date():
    chart = trend_chart(days_of((4.2, 7)), width=400, height=200)

    assert len(chart.score_dots) == 1
    assert chart.score_dots[0].x == pytest.approx((chart.plot.left + chart.plot.right) / 2, abs=0.1)
    assert len(chart.bars) == 1
    assert [tick.day for tick in chart.day_ticks] == [FIRST]
    assert chart.score_ticks[0].value < 4.2 < chart.score_ticks[-1].value


def test_all_zeros_draw_a_flat_line_on_the_baseline_and_no_bars():
    chart = trend_chart(days_of((0.0, 0), (0.0, 0), (0.0, 0)))

    assert chart.bars == ()
    [run] = path_points(chart.score_path)
    assert {y for _, y in run} == {chart.plot.bottom}
    assert [tick.value for tick in chart.views_ticks] == [0, 1]


def test_no_scores_at_all_leave_only_the_bars():
    chart = trend_chart(days_of((None, 3), (None, 5)))

    assert chart.score_path == ""
    assert chart.score_dots == ()
    assert chart.score_ticks == ()
    assert len(chart.bars) == 2


def test_date_labels_always_include_today_and_never_crowd():
    assert day_tick_indexes(30, 8) == [1, 5, 9, 13, 17, 21, 25, 29]
    assert day_tick_indexes(3, 8) == [0, 1, 2]
    assert day_tick_indexes(0, 8) == []
    chart = trend_chart(days_of(*[(1.0, 1)] * 30), labels=4)
    assert len(chart.day_ticks) <= 4
    assert chart.day_ticks[-1].day == FIRST + timedelta(days=29)


def test_a_sparkline_spans_its_height_and_ends_at_the_latest_score():
    spark = sparkline(days_of((1.0, 0), (3.0, 0), (2.0, 0)), width=100, height=30, pad=2)

    [run] = path_points(spark.path)
    assert min(y for _, y in run) == 2
    assert max(y for _, y in run) == 28
    assert spark.last is not None
    assert spark.last.score == 2.0
    assert spark.dots == ()


def test_a_flat_or_single_sparkline_sits_mid_height():
    flat = sparkline(days_of((5.0, 0), (5.0, 0)), width=100, height=30)
    single = sparkline(days_of((5.0, 0)), width=100, height=30)

    assert {y for _, y in path_points(flat.path)[0]} == {15}
    assert single.dots[0].y == 15
    assert single.last == single.dots[0]


def test_a_sparkline_without_scores_is_empty():
    spark = sparkline(days_of((None, 4)))

    assert (spark.path, spark.dots, spark.last) == ("", (), None)


def test_the_summary_states_the_ranges_a_reader_needs():
    summary = chart_summary(days_of((2.0, 3), (None, 0), (1.5, 9)))

    assert summary is not None
    assert (summary.first_day, summary.last_day, summary.day_count) == (FIRST, FIRST + timedelta(days=2), 3)
    assert (summary.score_low, summary.score_high, summary.score_last) == (1.5, 2.0, 1.5)
    assert (summary.views_high, summary.views_total) == (9, 12)
    assert chart_summary([]) is None
