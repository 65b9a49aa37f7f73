"""Reads of the catalog: title lists and pages, display names, people, filter choices."""

from apps.catalog.selectors.lists import (  # noqa: F401
    COLLECTION_UKRAINIAN,
    TMDB_MISSING,
    SortKey,
    TitleSort,
    decade_choices,
    display_name_expression,
    genre_choices,
    title_list,
    title_match,
    title_sort_keys,
    titles_most_shown,
    titles_tmdb_due,
    titles_tmdb_unknown,
)
from apps.catalog.selectors.pages import CURSOR_MAX_LENGTH, TitlePage, title_page  # noqa: F401
from apps.catalog.selectors.people import (  # noqa: F401
    Filmography,
    FilmographyRole,
    person_filmography,
    person_get,
)
from apps.catalog.selectors.search import (  # noqa: F401
    SEARCH_RANKED_MAX,
    PersonSuggestion,
    SearchSuggestions,
    TitleSuggestion,
    person_search,
    search_suggest,
    title_search,
)
from apps.catalog.selectors.titles import (  # noqa: F401
    KnownAs,
    TitlePeople,
    TitleText,
    Trailer,
    WatchGroup,
    WatchOffers,
    WatchProvider,
    display_akas,
    title_display_name,
    title_get,
    title_has_plot,
    title_known_as,
    title_people,
    title_recommendations,
    title_text,
    title_trailer,
    title_watch_offers,
    titles_by_ids,
    titles_by_pks,
)
