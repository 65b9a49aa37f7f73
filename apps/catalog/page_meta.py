"""What a title page tells machines: links out, Open Graph tags and schema.org JSON-LD.

Telegram, Viber and Facebook build link previews from Open Graph; search engines read the
JSON-LD. Both describe the page as the visitor sees it: localized name, plot in their language.
"""

import json
from dataclasses import dataclass

from apps.catalog.images import title_poster_url
from apps.catalog.models import Title, TitleType
from apps.catalog.selectors import TitlePeople

# TMDB keeps series under /tv/, everything else under /movie/.
SERIES_TYPES = frozenset({TitleType.TV_SERIES, TitleType.TV_MINI_SERIES})
OG_LOCALES = {"uk": "uk_UA", "ru": "ru_RU", "en": "en_US"}
# JSON inside <script> must not close the element or open a comment (what json_script escapes).
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


@dataclass(frozen=True)
class OpenGraph:
    title: str
    description: str
    image: str
    type: str
    locale: str
    url: str


def is_series(title: Title) -> bool:
    return title.title_type in SERIES_TYPES


def imdb_title_url(title: Title) -> str:
    return f"https://www.imdb.com/title/{title.imdb_id}/"


def imdb_name_url(imdb_id: str) -> str:
    return f"https://www.imdb.com/name/{imdb_id}/"


def tmdb_title_url(title: Title) -> str:
    """The title's TMDB page; "" when TMDB has not matched it."""
    if not title.tmdb_id:
        return ""
    return f"https://www.themoviedb.org/{'tv' if is_series(title) else 'movie'}/{title.tmdb_id}"


def share_image_url(title: Title) -> str:
    """The poster a preview shows: TMDB's at w500, else IMDb's; "" without one."""
    return title_poster_url(title, "w500")


def iso_duration(minutes: int | None) -> str:
    """A runtime as ISO 8601 ("PT2H22M"); "" when unknown."""
    if not minutes:
        return ""
    hours, rest = divmod(minutes, 60)
    return "PT" + (f"{hours}H" if hours else "") + (f"{rest}M" if rest else "")


def open_graph(*, title: Title, name: str, description: str, language: str, url: str) -> OpenGraph:
    return OpenGraph(
        title=f"{name} ({title.start_year})" if title.start_year else name,
        description=description,
        image=share_image_url(title),
        type="video.tv_show" if is_series(title) else "video.movie",
        locale=OG_LOCALES.get(language.split("-")[0].lower(), OG_LOCALES["en"]),
        url=url,
    )


def _person(credit_person_name: str, imdb_id: str) -> dict[str, str]:
    return {"@type": "Person", "name": credit_person_name, "sameAs": imdb_name_url(imdb_id)}


def json_ld(*, title: Title, name: str, description: str, people: TitlePeople, url: str) -> dict[str, object]:
    """The title as a schema.org Movie or TVSeries; keys without a value are left out."""
    published = title.release_date or title.regional_release_date
    data: dict[str, object] = {
        "@context": "https://schema.org",
        "@type": "TVSeries" if is_series(title) else "Movie",
        "name": name,
        "url": url,
        "sameAs": [link for link in (imdb_title_url(title), tmdb_title_url(title)) if link],
    }
    if title.original_title and title.original_title != name:
        data["alternateName"] = title.original_title
    if image := share_image_url(title):
        data["image"] = image
    if description:
        data["description"] = description
    if published:
        data["datePublished"] = published.isoformat()
    elif title.start_year:
        data["datePublished"] = str(title.start_year)
    if duration := iso_duration(title.runtime_minutes):
        data["duration"] = duration
    if rating := title.age_rating or title.certificate:
        data["contentRating"] = rating
    if genres := [genre.name for genre in title.genres.all()]:
        data["genre"] = genres
    if people.directors:
        data["director"] = [_person(c.person.name, c.person.imdb_id) for c in people.directors]
    if people.stars:
        data["actor"] = [_person(c.person.name, c.person.imdb_id) for c in people.stars]
    if title.rating is not None and title.votes:
        data["aggregateRating"] = {
            "@type": "AggregateRating",
            "ratingValue": float(title.rating),
            "ratingCount": title.votes,
            "bestRating": 10,
            "worstRating": 1,
        }
    if is_series(title) and title.number_of_seasons:
        data["numberOfSeasons"] = title.number_of_seasons
    return data


def json_ld_text(data: dict[str, object]) -> str:
    """JSON safe to place inside a <script> element as it is."""
    return json.dumps(data, ensure_ascii=False).translate(_SCRIPT_ESCAPES)
