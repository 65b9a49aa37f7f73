from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from apps.analytics.selectors import DASHBOARD_DAYS, cities_opened, pages_most_viewed, visits_by_day
from apps.scraping.selectors import gemini_usage_by_day, tmdb_usage_by_day
from apps.trends.charts import ChartDay, trend_chart
from apps.trends.selectors import titles_most_viewed


def dashboard(request: HttpRequest) -> HttpResponse:
    days = visits_by_day(days=DASHBOARD_DAYS)
    first, last = days[0].day, days[-1].day
    gemini = gemini_usage_by_day(first=first, last=last)
    tmdb = tmdb_usage_by_day(first=first, last=last)
    # The trend chart's geometry: page views as its bars, visitors as its line.
    chart = trend_chart([ChartDay(day.day, day.visitors, day.page_views) for day in days])
    context = {
        "title": _("Visitors and spend, last %(days)d days") % {"days": DASHBOARD_DAYS},
        "chart": chart,
        "chart_label": _("%(views)s page views and %(visitors)s visitors today")
        % {"views": days[-1].page_views, "visitors": days[-1].visitors},
        "days": days,
        "pages": pages_most_viewed(),
        "titles": titles_most_viewed(since=first, language=get_language()),
        "cities": cities_opened(),
        "gemini": gemini,
        "gemini_total": sum(day.cost_usd for day in gemini),
        "gemini_calls": sum(day.calls for day in gemini),
        "tmdb": tmdb,
        "tmdb_calls": sum(day.calls for day in tmdb),
        "tmdb_failed": sum(day.failed for day in tmdb),
    }
    return render(request, "analytics/dashboard.html", context)
