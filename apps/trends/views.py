from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language

from apps.catalog.selectors import genre_choices
from apps.showtimes.selectors import location_suggestions
from apps.trends import charts, scoring
from apps.trends.errors import TitleUnknown
from apps.trends.forms import BoardFilterForm, City
from apps.trends.selectors import CHART_DAYS, board_rows, title_trend
from core.page_cache import shared_cache

BOARD_ROWS = 20
# A phone's chart keeps its labels legible in less room.
COMPACT_MARGIN = charts.Box(left=40, top=12, right=36, bottom=28)


def _title_charts(days: list[charts.ChartDay]) -> list[tuple[str, charts.Chart]]:
    """The chart at a desktop's size and at a phone's: text in an SVG scales with it, so CSS
    shows the one drawn for the screen's width instead of shrinking one."""
    if not days:
        return []
    return [
        ("wide", charts.trend_chart(days, width=880, height=320, labels=8)),
        ("compact", charts.trend_chart(days, width=360, height=240, labels=4, margin=COMPACT_MARGIN)),
    ]


@shared_cache
def index(request: HttpRequest) -> HttpResponse:
    """The leaderboard, global or a genre's or a city's, each row with its numbers and sparkline."""
    cities = [City(location.slug, location.city) for location in location_suggestions()]
    form = BoardFilterForm(request.GET, genres=genre_choices(), cities=cities)
    filters = form.filters()
    rows = board_rows(
        board=filters.board, count=BOARD_ROWS, language=get_language(), genre=filters.narrowing_genre
    )
    context = {
        "form": form,
        "filters": filters,
        "unknown": form.unknown(),
        "chart_days": CHART_DAYS,
        "rows": [(row, charts.sparkline(row.days, width=120, height=32)) for row in rows],
    }
    return render(request, "trends/index.html", context)


def title_chart(request: HttpRequest, imdb_id: str) -> HttpResponse:
    """A title's score and views over its last days, as a chart and as a table."""
    try:
        trend = title_trend(imdb_id=imdb_id, language=get_language())
    except TitleUnknown as exc:
        raise Http404(str(exc)) from exc
    context = {
        "trend": trend,
        "charts": _title_charts(trend.days),
        "summary": charts.chart_summary(trend.days),
    }
    return render(request, "trends/title.html", context)


@shared_cache
def about(request: HttpRequest) -> HttpResponse:
    parameters = scoring.ScoreParameters.from_settings()
    context = {
        "parameters": parameters,
        "window_days": settings.TRENDS_VIEWS_WINDOW_DAYS,
        "version": scoring.VERSION,
        "changelog": scoring.CHANGELOG,
    }
    return render(request, "trends/about.html", context)
