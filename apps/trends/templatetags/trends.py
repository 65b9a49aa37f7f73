"""Template filters for the trend charts, and the `title_trend` tag the catalog's title page
loads: the catalog imports nothing of trends (dependencies point trends → catalog), its
template asks this library by name instead."""

import datetime

from django import template
from django.utils import formats
from django.utils.translation import get_language

from apps.catalog.models import Title
from apps.trends import charts
from apps.trends.selectors import title_sparkline

register = template.Library()

# A date under a chart's axis: short, in the visitor's language ("3 гру", "Dec 3", "3 дек").
_AXIS_DAY_FORMATS = {"en": "M j"}
_AXIS_DAY_FORMAT = "j b"


@register.filter
def chart_day(value: datetime.date) -> str:
    """`{{ tick.day|chart_day }}`: a day as an axis label in the active language."""
    return formats.date_format(value, _AXIS_DAY_FORMATS.get(get_language() or "", _AXIS_DAY_FORMAT))


@register.filter
def tick_label(value: float) -> str:
    """`{{ tick.value|tick_label }}`: an axis value with as many decimals as it has, localized
    (8.5 → "8,5" in Ukrainian, 1500 → "1 500"); floatformat would pad every value alike."""
    text = f"{value:.10g}"
    decimals = len(text.partition(".")[2])
    return formats.number_format(value, decimals, use_l10n=True, force_grouping=True)


@register.inclusion_tag("trends/_title_trend.html")
def title_trend(title: Title) -> dict:
    """`{% title_trend title %}`: the title's current score with a sparkline of its last days
    and a link to its trend page; nothing before the title has a score (one query then)."""
    found = title_sparkline(title_id=title.pk)
    if found is None:
        return {}
    return {
        "title": title,
        "score": found.score,
        "spark": charts.sparkline(found.days, width=160, height=40),
        "summary": charts.chart_summary(found.days),
    }
