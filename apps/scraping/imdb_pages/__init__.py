"""IMDb pages (HTML) into raw title records: title pages, charts, searches and lists.

A title page carries its data three times: a JSON-LD block, Next.js's `__NEXT_DATA__` and
the visible DOM. `title.FIELD_SOURCES` states for each field the parts it is read from,
in order; the first to have it wins, so any one part alone still yields a record, and
the record's `rescued["imdb_page"]` says which part gave each field and which fields no
part had. Each part has its own module of readers (json_ld, next_data, dom); values are
read by `values`, in any language the vocabulary (apps/scraping/imdb_vocabulary.py)
knows; `listings` reads charts, searches and lists.

Pure functions over HTML text, no browser: the Selenium client (imdb_client.py) renders
pages and hands `page_source` here; the same functions read saved pages in tests.
"""

from apps.scraping.imdb_pages.documents import ImdbLayoutChanged, ImdbPageBlocked, page_blocked
from apps.scraping.imdb_pages.listings import (
    CHART_ROWS,
    LIST_ROWS,
    chart_page_parse,
    list_page_parse,
    listing_total,
)
from apps.scraping.imdb_pages.title import (
    FIELD_SOURCES,
    SOURCE,
    TITLE_PAGE_FIELDS,
    TitlePage,
    title_page_parse,
)
from apps.scraping.imdb_pages.values import (
    count_parse,
    date_parse,
    duration_minutes,
    genre_name,
    number_parse,
    poster_full_size,
    rating_parse,
)

__all__ = [
    "CHART_ROWS",
    "FIELD_SOURCES",
    "LIST_ROWS",
    "SOURCE",
    "TITLE_PAGE_FIELDS",
    "ImdbLayoutChanged",
    "ImdbPageBlocked",
    "TitlePage",
    "chart_page_parse",
    "count_parse",
    "date_parse",
    "duration_minutes",
    "genre_name",
    "list_page_parse",
    "listing_total",
    "number_parse",
    "page_blocked",
    "poster_full_size",
    "rating_parse",
    "title_page_parse",
]
