"""Geometry of the trend charts, drawn by templates as inline SVG: pure functions, no Django.

A chart covers consecutive days, one slot each: a day's views are a bar in its slot and its
score a point at the slot's centre. A day without a score (no snapshot that day) breaks the
score line instead of joining its neighbours, and a point with no neighbour is drawn as a dot,
since a path of one point shows nothing. SVG's y axis points down: larger values get smaller y.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class ChartDay:
    """One day of a title's trend; `score` is None when nothing was computed that day."""

    day: date
    score: float | None
    views: int


@dataclass(frozen=True)
class Box:
    left: float
    top: float
    right: float
    bottom: float

    @property
    def width(self) -> float:
        return self.right - self.left


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    day: date
    views: int


@dataclass(frozen=True)
class Dot:
    x: float
    y: float
    day: date
    score: float


@dataclass(frozen=True)
class Tick:
    """A value on an axis and where it sits (y for the value axes, x for the days)."""

    position: float
    value: float


@dataclass(frozen=True)
class DayTick:
    x: float
    day: date


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    plot: Box
    bars: tuple[Bar, ...]
    score_path: str  # "M x y L x y …", a new "M" after each gap; "" without scores
    score_dots: tuple[Dot, ...]  # points alone between gaps, and the latest point
    score_ticks: tuple[Tick, ...]
    views_ticks: tuple[Tick, ...]
    day_ticks: tuple[DayTick, ...]


@dataclass(frozen=True)
class Sparkline:
    width: int
    height: int
    path: str
    dots: tuple[Dot, ...]  # points alone between gaps
    last: Dot | None


# Room for the score labels (left), the views labels (right) and the dates (bottom).
CHART_MARGIN = Box(left=48, top=14, right=48, bottom=30)


def nice_ticks(low: float, high: float, *, count: int = 4, whole: bool = False) -> list[float]:
    """Round values from at or below `low` to at or above `high`, about `count` steps apart.

    Steps are 1, 2 or 5 times a power of ten (at least 1 when `whole`). Equal ends get a step
    around them, so an axis always spans something.
    """
    if high < low:
        low, high = high, low
    if high == low:
        value, spread = high, max(abs(high) * 0.1, 1.0 if whole else 0.5)
        low, high = (0.0, 1.0) if value == 0 else (value - spread, value + spread)
        if value > 0 > low:  # a positive value's axis need not dip below zero
            low = 0.0
    raw = (high - low) / max(count, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(factor * magnitude for factor in (1, 2, 5, 10) if factor * magnitude >= raw * (1 - 1e-9))
    if whole:
        step = max(1.0, float(math.ceil(step)))
    first = math.floor(low / step + 1e-9) * step
    last = math.ceil(high / step - 1e-9) * step
    steps = round((last - first) / step)
    return [_clean(first + index * step) for index in range(steps + 1)]


def _clean(value: float) -> float:
    """Drop float noise (0.30000000000000004) and negative zero."""
    return round(value, 10) + 0.0


def _scale(value: float, low: float, high: float, top: float, bottom: float) -> float:
    return bottom - (value - low) / (high - low) * (bottom - top)


def _round(value: float) -> float:
    return round(value, 1)


def _score_line(
    days: Sequence[ChartDay], x_of: Sequence[float], y_of: dict[int, float]
) -> tuple[str, list[Dot], Dot | None]:
    """The path through the scored days, broken at gaps; lone points and the last one as dots."""
    commands: list[str] = []
    dots: list[Dot] = []
    last: Dot | None = None
    for index, day in enumerate(days):
        if day.score is None:
            continue
        x, y = _round(x_of[index]), _round(y_of[index])
        joined = index > 0 and days[index - 1].score is not None
        commands.append(f"{'L' if joined else 'M'}{x:g} {y:g}")
        continues = index + 1 < len(days) and days[index + 1].score is not None
        last = Dot(x, y, day.day, day.score)
        if not joined and not continues:
            dots.append(last)
    return " ".join(commands), dots, last


def sparkline(days: Sequence[ChartDay], *, width: int = 120, height: int = 32, pad: float = 3) -> Sparkline:
    """A small line of the scores, using the whole height between the lowest and highest."""
    scores = [day.score for day in days if day.score is not None]
    if not scores:
        return Sparkline(width, height, "", (), None)
    low, high = min(scores), max(scores)
    top, bottom = pad, height - pad
    slot = (width - 2 * pad) / len(days)
    x_of = [pad + (index + 0.5) * slot for index in range(len(days))]
    y_of = {
        index: (top + bottom) / 2 if high == low else _scale(day.score, low, high, top, bottom)
        for index, day in enumerate(days)
        if day.score is not None
    }
    path, dots, last = _score_line(days, x_of, y_of)
    return Sparkline(width, height, path, tuple(dots), last)


def day_tick_indexes(day_count: int, most: int) -> list[int]:
    """Which days get a date label: the last one (today) and every n-th before it, at most `most`."""
    if day_count <= 0 or most <= 0:
        return []
    step = max(1, math.ceil(day_count / most))
    return sorted(range(day_count - 1, -1, -step))


def trend_chart(
    days: Sequence[ChartDay],
    *,
    width: int = 880,
    height: int = 320,
    margin: Box = CHART_MARGIN,
    labels: int = 8,
    bar_share: float = 0.7,
) -> Chart:
    """Views as bars against the right axis, the score as a line against the left one.

    `margin` holds the room for axis labels on each side; `labels` is the most date labels
    under the plot; `bar_share` is how much of its day's slot a bar fills.
    """
    plot = Box(margin.left, margin.top, width - margin.right, height - margin.bottom)
    count = max(len(days), 1)
    slot = plot.width / count
    x_of = [plot.left + (index + 0.5) * slot for index in range(len(days))]

    most_views = max((day.views for day in days), default=0)
    views_ticks = nice_ticks(0, most_views, count=4, whole=True)
    views_high = views_ticks[-1]
    bars = []
    for index, day in enumerate(days):
        if day.views <= 0:
            continue
        y = _scale(day.views, 0, views_high, plot.top, plot.bottom)
        bar_width = slot * bar_share
        bars.append(
            Bar(
                _round(x_of[index] - bar_width / 2),
                _round(y),
                _round(bar_width),
                _round(plot.bottom - y),
                day.day,
                day.views,
            )
        )

    scores = [day.score for day in days if day.score is not None]
    score_ticks = nice_ticks(min(scores), max(scores), count=4) if scores else []
    y_of = {}
    if scores:
        low, high = score_ticks[0], score_ticks[-1]
        y_of = {
            index: _scale(day.score, low, high, plot.top, plot.bottom)
            for index, day in enumerate(days)
            if day.score is not None
        }
    path, dots, last = _score_line(days, x_of, y_of)
    if last is not None and last not in dots:
        dots.append(last)

    return Chart(
        width=width,
        height=height,
        plot=plot,
        bars=tuple(bars),
        score_path=path,
        score_dots=tuple(dots),
        score_ticks=tuple(
            Tick(_round(_scale(value, score_ticks[0], score_ticks[-1], plot.top, plot.bottom)), value)
            for value in score_ticks
        ),
        views_ticks=tuple(
            Tick(_round(_scale(value, 0, views_high, plot.top, plot.bottom)), value) for value in views_ticks
        ),
        day_ticks=tuple(
            DayTick(_round(x_of[index]), days[index].day) for index in day_tick_indexes(len(days), labels)
        ),
    )


@dataclass(frozen=True)
class ChartSummary:
    """What a chart shows, in numbers: for its text alternative and caption."""

    first_day: date
    last_day: date
    day_count: int
    score_low: float | None
    score_high: float | None
    score_last: float | None
    views_high: int
    views_total: int


def chart_summary(days: Sequence[ChartDay]) -> ChartSummary | None:
    if not days:
        return None
    scores = [day.score for day in days if day.score is not None]
    return ChartSummary(
        first_day=days[0].day,
        last_day=days[-1].day,
        day_count=len(days),
        score_low=min(scores, default=None),
        score_high=max(scores, default=None),
        score_last=scores[-1] if scores else None,
        views_high=max(day.views for day in days),
        views_total=sum(day.views for day in days),
    )
