"""`{{ plan.api_write_rate|rate_words }}`: "600/minute" as a person reads it, in their language."""

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from cinestream.env import rate_parse

register = template.Library()


def _per_period(seconds: int) -> str:
    return {
        1: _("%(count)s a second"),
        60: _("%(count)s a minute"),
        3600: _("%(count)s an hour"),
        86400: _("%(count)s a day"),
    }[seconds]


@register.filter
def rate_words(rate: str) -> str:
    parsed = rate_parse(rate or "")
    if parsed is None:
        return rate
    count, seconds = parsed
    return _per_period(seconds) % {"count": number_format(count, force_grouping=True)}
