from django.http import HttpRequest

from apps.analytics.selectors import visitor_totals


def visitor_counter(request: HttpRequest) -> dict:
    # Lazy: read only by the pages that render the footer (a cache read, never the database).
    return {"visitor_totals": visitor_totals}
