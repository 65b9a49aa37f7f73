"""The stand-in's HTML, in IMDb's 2025 shape (see shared/REFERENCE.md and the real pages in
tests/fixtures/imdb/).

What a plain HTTP client gets is what IMDb's server sends: a title page with JSON-LD,
`__NEXT_DATA__` and the server-rendered DOM; a chart with 25 rows in the DOM and every row in
`__NEXT_DATA__`; a search or list with 50 rows and a "50 more" button. The rest is done by
static/imdb.js in the browser, as IMDb's JavaScript does: chart rows 26+, the "50 more" XHR,
the consent banner and the WAF challenge.

Class names are styled-components hashes (`sc-1f50b7c-0 hzBNa`) drawn anew for every build,
so a scraper that selects on them breaks on the next build, as it would on IMDb.
"""

import base64
import hashlib
import html
import json
import random
import string
from dataclasses import dataclass
from datetime import date
from typing import Any

from tests.standins.imdb_site.titles import GENRE_NAMES, Person, StandinTitle

REAL_HOST = "https://www.imdb.com"
LOCALES = {"en": "en-US", "uk": "uk-UA", "ru": "ru-RU"}

LABELS = {
    "en": {
        "director": ("Director", "Directors"),
        "creator": ("Creator", "Creators"),
        "writer": ("Writer", "Writers"),
        "star": ("Stars", "Stars"),
        "original": "Original title: ",
        "series": "TV Series",
        "release": "Release date",
        "origin": ("Country of origin", "Countries of origin"),
        "languages": ("Language", "Languages"),
        "akas": "Also known as",
        "runtime": "Runtime",
        "more": "50 more",
        "of": "of",
        "titles": "Titles",
    },
    "uk": {
        "director": ("Режисер", "Режисери"),
        "creator": ("Автор", "Автори"),
        "writer": ("Сценарист", "Сценаристи"),
        "star": ("Зірки", "Зірки"),
        "original": "Оригінальна назва: ",
        "series": "Телесеріал",
        "release": "Дата виходу",
        "origin": ("Країна походження", "Країни походження"),
        "languages": ("Мова", "Мови"),
        "akas": "Також відомий як",
        "runtime": "Тривалість",
        "more": "Ще 50",
        "of": "з",
        "titles": "назв",
    },
    "ru": {
        "director": ("Режиссер", "Режиссеры"),
        "creator": ("Создатель", "Создатели"),
        "writer": ("Сценарист", "Сценаристы"),
        "star": ("В главных ролях", "В главных ролях"),
        "original": "Оригинальное название: ",
        "series": "Сериал",
        "release": "Дата выхода",
        "origin": ("Страна происхождения", "Страны происхождения"),
        "languages": ("Язык", "Языки"),
        "akas": "Также известен как",
        "runtime": "Продолжительность",
        "more": "Ещё 50",
        "of": "из",
        "titles": "названий",
    },
}
MONTHS = {
    "en": [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ],
    "uk": [
        "січня",
        "лютого",
        "березня",
        "квітня",
        "травня",
        "червня",
        "липня",
        "серпня",
        "вересня",
        "жовтня",
        "листопада",
        "грудня",
    ],
    "ru": [
        "января",
        "февраля",
        "марта",
        "апреля",
        "мая",
        "июня",
        "июля",
        "августа",
        "сентября",
        "октября",
        "ноября",
        "декабря",
    ],
}
COUNTRY_CODES = {
    "United States": "US",
    "United Kingdom": "GB",
    "Japan": "JP",
    "France": "FR",
    "Germany": "DE",
    "India": "IN",
    "Soviet Union": "SUHH",
}
# Group ids of principalCreditsV2: made up for the stand-in (the real ones are opaque ids).
GROUPING_IDS = {
    "director": "amzn1.imdb.concept.name_credit_group.standin-director",
    "creator": "amzn1.imdb.concept.name_credit_group.standin-creator",
    "writer": "amzn1.imdb.concept.name_credit_group.standin-writer",
    "star": "amzn1.imdb.concept.name_credit_group.standin-star",
}
REF_CODES = {"director": "dr", "creator": "cr", "writer": "wr", "star": "st"}


class Styles:
    """styled-components class names for one build: `sc-<hash>-<n> <random>` per component."""

    def __init__(self, build_id: str) -> None:
        self.build_id = build_id
        self._names: dict[str, str] = {}

    def __call__(self, component: str) -> str:
        name = self._names.get(component)
        if name is None:
            digest = hashlib.sha256(f"{self.build_id}:{component}".encode()).hexdigest()
            rng = random.Random(digest)
            suffix = "".join(rng.choice(string.ascii_letters) for _ in range(6))
            name = f"sc-{digest[:8]}-{rng.randrange(0, 12)} {suffix}"
            self._names[component] = name
        return name


@dataclass(frozen=True)
class PageOptions:
    """How a page is dressed: the build's class names, the consent banner, extra weight."""

    styles: Styles
    consent: str | None = None  # None, "banner" or "iframe"
    padding_kb: int = 0  # inert markup added to title pages, to weigh them like IMDb's (~1.4 MB)


def esc(value: object) -> str:
    return html.escape(str(value), quote=True)


def rating_text(rating: float, language: str) -> str:
    text = f"{rating:.1f}"
    return text.replace(".", ",") if language != "en" else text


def votes_compact(votes: int, language: str) -> str:
    """2753539 -> "2.8M" (en), "2,8 млн" (uk, ru); 368726 -> "369K", "369 тис."."""
    if votes >= 1_000_000:
        number, unit = (
            f"{votes / 1_000_000:.1f}".rstrip("0").rstrip("."),
            {"en": "M", "uk": " млн", "ru": " млн"},
        )
    elif votes >= 1_000:
        number, unit = str(round(votes / 1_000)), {"en": "K", "uk": " тис.", "ru": " тыс."}
    else:
        return str(votes)
    if language != "en":
        number = number.replace(".", ",")
    return f"{number}{unit[language]}"


def runtime_text(minutes: int, language: str, *, total: bool = False) -> str:
    hours, rest = divmod(minutes, 60)
    units = {"en": ("h", "m", " min"), "uk": (" год", " хв", " хв"), "ru": (" ч", " мин", " мин")}[language]
    parts = ([f"{hours}{units[0]}"] if hours else []) + ([f"{rest}{units[1]}"] if rest else [])
    text = " ".join(parts)
    return f"{text} ({minutes}{units[2]})" if total else text


def date_text(day: date, country: str, language: str) -> str:
    month = MONTHS[language][day.month - 1]
    if language == "en":
        return f"{month} {day.day}, {day.year} ({country})"
    suffix = " р." if language == "uk" else " г."
    return f"{day.day} {month} {day.year}{suffix} ({country})"


def _entities(value: Any) -> Any:
    """IMDb's JSON-LD keeps HTML entities inside its JSON strings."""
    if isinstance(value, str):
        return value.replace("&", "&amp;").replace("'", "&apos;").replace('"', "&quot;")
    if isinstance(value, list):
        return [_entities(item) for item in value]
    if isinstance(value, dict):
        return {key: _entities(item) for key, item in value.items()}
    return value


def _script_json(value: Any) -> str:
    """JSON safe inside <script>, escaped as Next.js does."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _credit_groups(title: StandinTitle) -> list[tuple[str, tuple[Person, ...]]]:
    groups = [
        (
            "creator" if title.is_series else "director",
            title.creators if title.is_series else title.directors,
        ),
        ("writer", title.writers),
        ("star", title.stars),
    ]
    return [(role, people) for role, people in groups if people]


def _duration(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    return "PT" + (f"{hours}H" if hours else "") + (f"{rest}M" if rest else "")


# ---------------------------------------------------------------- title page


def title_json_ld(title: StandinTitle, language: str) -> str:
    """The 2025 JSON-LD block: original title in `name`, no people, entities left in."""
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "TVSeries" if title.is_series else "Movie",
        "url": f"{REAL_HOST}/title/{title.imdb_id}/",
        "name": title.original_title,
    }
    if title.display_title(language) != title.original_title:
        data["alternateName"] = title.display_title(language)
    if title.poster_url:
        data["image"] = title.poster_url
    if title.plot(language):
        data["description"] = title.plot(language)
    data["review"] = {
        "@type": "Review",
        "itemReviewed": {"@type": "Movie", "url": f"{REAL_HOST}/title/{title.imdb_id}/"},
        "author": {"@type": "Person", "name": "standin_reviewer"},
        "dateCreated": "2011-03-02",
        "inLanguage": "English",
        "name": 'It\'s a "must-see" & then some',
        "reviewBody": "Don't miss it.",
    }
    if title.rating is not None and title.votes:
        rating: float | int = int(title.rating) if title.rating == int(title.rating) else title.rating
        data["aggregateRating"] = {
            "@type": "AggregateRating",
            "ratingCount": title.votes,
            "bestRating": 10,
            "worstRating": 1,
            "ratingValue": rating,
        }
    if title.certificate:
        data["contentRating"] = title.certificate
    data["genre"] = list(title.genres)
    if title.release_date:
        data["datePublished"] = title.release_date.isoformat()
    if title.keywords:
        data["keywords"] = ",".join(title.keywords)
    data["creator"] = [
        {"@type": "Organization", "url": f"{REAL_HOST}/company/co0{number}/"} for number in (159111, 2663)
    ]
    if title.runtime_minutes:
        data["duration"] = _duration(title.runtime_minutes)
    text = json.dumps(_entities(data), ensure_ascii=False, separators=(",", ":"))
    if title.json_ld == "broken":
        text = text[: len(text) * 2 // 3]  # cut off mid-block, as a truncated response would be
    return text


def title_next_data(title: StandinTitle, language: str, build_id: str) -> dict[str, Any]:
    """`__NEXT_DATA__` for a title page: aboveTheFoldData and mainColumnData."""
    genre_names = GENRE_NAMES.get(language, {})
    labels = LABELS[language]
    above: dict[str, Any] = {
        "id": title.imdb_id,
        "productionStatus": {"currentProductionStage": {"id": "released", "text": "Released"}},
        "canHaveEpisodes": title.is_series,
        "titleText": {
            "text": title.display_title(language),
            "isOriginalTitle": False,
            "__typename": "TitleText",
        },
        "originalTitleText": {"text": title.original_title, "__typename": "TitleText"},
        "titleType": {
            "displayableProperty": {"value": {"plainText": labels["series"] if title.is_series else ""}},
            "text": "TV Series" if title.is_series else "Movie",
            "id": title.title_type,
            "isSeries": title.is_series,
            "isEpisode": False,
            "canHaveEpisodes": title.is_series,
            "__typename": "TitleType",
        },
        "certificate": {"rating": title.certificate, "__typename": "Certificate"}
        if title.certificate
        else None,
        "releaseYear": {"year": title.year, "endYear": title.end_year, "__typename": "YearRange"}
        if title.year
        else None,
        "releaseDate": {
            "day": title.release_date.day,
            "month": title.release_date.month,
            "year": title.release_date.year,
            "country": {"id": COUNTRY_CODES.get(title.release_country, "US"), "text": title.release_country},
            "__typename": "ReleaseDate",
        }
        if title.release_date
        else None,
        "runtime": {
            "seconds": title.runtime_minutes * 60,
            "displayableProperty": {"value": {"plainText": runtime_text(title.runtime_minutes, language)}},
            "__typename": "Runtime",
        }
        if title.runtime_minutes
        else None,
        "canRate": {"isRatable": True},
        "ratingsSummary": {
            "aggregateRating": title.rating if title.votes else None,
            "voteCount": title.votes or 0,
            "__typename": "RatingsSummary",
        },
        "meterRanking": {
            "currentRank": title.meter_rank,
            "rankChange": {"changeDirection": "UP", "difference": 3},
        }
        if title.meter_rank
        else None,
        "primaryImage": {
            "id": "rm" + hashlib.md5(title.imdb_id.encode()).hexdigest()[:9],
            "width": 1000,
            "height": 1481,
            "url": title.poster_url,
            "caption": {"plainText": f"{title.display_title('en')} ({title.year})"},
            "__typename": "Image",
        }
        if title.poster_url
        else None,
        "genres": {
            "genres": [
                {"text": genre_names.get(name, name), "id": name, "__typename": "Genre"}
                for name in title.genres
            ],
            "__typename": "Genres",
        },
        "interests": {
            "edges": [
                {"node": {"id": f"in{number:010d}", "primaryText": {"text": text}}}
                for number, text in enumerate((*title.sub_genres, *title.genres), start=1)
            ]
        },
        "plot": {
            "plotText": {"plainText": title.plot(language), "__typename": "Markdown"},
            "language": {"id": LOCALES[language]},
            "__typename": "Plot",
        }
        if title.plot(language)
        else None,
        "principalCreditsV2": [
            {
                "grouping": {
                    "groupingId": GROUPING_IDS[role],
                    "text": labels[role][1 if len(people) > 1 else 0],
                },
                "credits": [
                    {
                        "name": {"id": person.imdb_id, "nameText": {"text": person.name}},
                        "__typename": "Credit",
                    }
                    for person in people
                ],
            }
            for role, people in _credit_groups(title)
        ],
    }
    main: dict[str, Any] = {
        "id": title.imdb_id,
        "countriesOfOrigin": {
            "countries": [{"id": COUNTRY_CODES.get(name, "XX"), "text": name} for name in title.countries]
        },
        "spokenLanguages": {
            "spokenLanguages": [{"id": name[:2].lower(), "text": name} for name in title.languages]
        },
        "akas": {
            "edges": [
                {"node": {"text": name, "country": {"id": {"uk": "UA", "ru": "RU"}.get(lang, "US")}}}
                for lang, name in title.display_titles.items()
                if lang != "en"
            ]
        },
        "cast": {
            "edges": [
                {
                    "node": {
                        "name": {"id": person.imdb_id, "nameText": {"text": person.name}},
                        "characters": [],
                    }
                }
                for person in title.stars
            ]
        },
        "episodes": {"totalEpisodes": {"total": 62}} if title.is_series else None,
    }
    return {
        "props": {
            "pageProps": {"tconst": title.imdb_id, "aboveTheFoldData": above, "mainColumnData": main},
            "__N_SSP": True,
        },
        "page": "/title/[tconst]",
        "query": {"tconst": title.imdb_id},
        "buildId": build_id,
        "isFallback": False,
        "gssp": True,
        "locale": LOCALES[language],
        "locales": list(LOCALES.values()),
        "defaultLocale": "en-US",
        "scriptLoader": [],
    }


def _rating_bar(title: StandinTitle, language: str, styles: Styles, copy: str) -> str:
    if title.rating is None or not title.votes:
        return ""
    return (
        f'<div data-testid="hero-rating-bar__aggregate-rating" class="{styles("rating-bar-" + copy)} rating-bar__base-button">'
        f'<div class="{styles("rating-bar-label")}">IMDb RATING</div>'
        f'<a class="ipc-btn ipc-btn--single-padding ipc-btn--default-height ipc-btn--core-baseAlt ipc-btn--theme-baseAlt" '
        f'href="/title/{title.imdb_id}/ratings/?ref_=tt_ov_rat" aria-label="View User Ratings"><span class="ipc-btn__text">'
        f'<div class="{styles("rating-row")}">'
        f'<div data-testid="hero-rating-bar__aggregate-rating__score" class="{styles("rating-score")}">'
        f'<span class="{styles("rating-value")}">{rating_text(title.rating, language)}</span><span>/<!-- -->10</span></div>'
        f'<div class="{styles("rating-spacer")}"></div>'
        f'<div class="{styles("rating-votes")}">{votes_compact(title.votes, language)}</div>'
        "</div></span></a></div>"
    )


def _principal_credits(title: StandinTitle, language: str, styles: Styles, copy: str) -> str:
    items = []
    for role, people in _credit_groups(title):
        label = LABELS[language][role][1 if len(people) > 1 else 0]
        links = "".join(
            f'<li role="presentation" class="ipc-inline-list__item"><a class="ipc-metadata-list-item__list-content-item '
            f'ipc-metadata-list-item__list-content-item--link" role="button" tabindex="0" aria-disabled="false" '
            f'href="/name/{person.imdb_id}/?ref_=tt_ov_{REF_CODES[role]}_{number}">{esc(person.name)}</a></li>'
            for number, person in enumerate(people, start=1)
        )
        if role == "star":
            label_html = (
                f'<a class="ipc-metadata-list-item__label ipc-metadata-list-item__label--link" role="button" '
                f'tabindex="0" aria-disabled="false" href="/title/{title.imdb_id}/fullcredits/?ref_=tt_ov_st_sm">{esc(label)}</a>'
            )
        else:
            label_html = (
                f'<span class="ipc-metadata-list-item__label ipc-metadata-list-item__label--btn" '
                f'aria-label="See full cast and crew" aria-disabled="false">{esc(label)}</span>'
            )
        items.append(
            f'<li role="presentation" class="ipc-metadata-list__item" data-testid="title-pc-principal-credit">'
            f'{label_html}<div class="ipc-metadata-list-item__content-container"><ul class="ipc-inline-list '
            f'ipc-inline-list--show-dividers ipc-inline-list--inline ipc-metadata-list-item__list-content baseAlt" '
            f'role="presentation">{links}</ul></div></li>'
        )
    return (
        f'<div class="{styles("pc-" + copy)}"><ul class="ipc-metadata-list ipc-metadata-list--dividers-all '
        f'title-pc-list ipc-metadata-list--baseAlt" role="presentation">{"".join(items)}</ul></div>'
    )


def _detail_item(testid: str, label: str, values: list[str], href: str = "") -> str:
    content = "".join(
        f'<li role="presentation" class="ipc-inline-list__item"><a class="ipc-metadata-list-item__list-content-item '
        f'ipc-metadata-list-item__list-content-item--link" role="button" tabindex="0" aria-disabled="false" '
        f'href="{esc(href or "#")}">{esc(value)}</a></li>'
        for value in values
    )
    return (
        f'<li role="presentation" class="ipc-metadata-list__item ipc-metadata-list-item--link" data-testid="{testid}">'
        f'<a class="ipc-metadata-list-item__label ipc-metadata-list-item__label--link" role="button" tabindex="0" '
        f'href="{esc(href or "#")}">{esc(label)}</a><div class="ipc-metadata-list-item__content-container">'
        f'<ul class="ipc-inline-list ipc-inline-list--show-dividers ipc-inline-list--inline '
        f'ipc-metadata-list-item__list-content base" role="presentation">{content}</ul></div></li>'
    )


def _chips(items: list[tuple[str, str]], testid: str, styles: Styles) -> str:
    chips = "".join(
        f'<a class="ipc-chip ipc-chip--on-baseAlt" role="button" tabindex="0" aria-disabled="false" href="{esc(href)}">'
        f'<span class="ipc-chip__text">{esc(text)}</span></a>'
        for text, href in items
    )
    return (
        f'<div class="ipc-chip-list--baseAlt ipc-chip-list {styles("chips-" + testid)}" data-testid="{testid}">'
        f'<div class="ipc-chip-list__scroller">{chips}</div></div>'
    )


def _standin_config(options: PageOptions, page: str, language: str, **extra: Any) -> str:
    config = {"page": page, "language": language, "consent": options.consent, **extra}
    return f"<script>window.__STANDIN__={_script_json(config)};</script>"


def _head(title_text: str, extra: str = "") -> str:
    return (
        '<meta charset="utf-8"/><meta name="viewport" content="width=device-width"/>'
        f"<title>{esc(title_text)}</title>{extra}"
    )


def title_page(
    title: StandinTitle, language: str, options: PageOptions, *, hanging_asset: bool = False
) -> str:
    """A title page as IMDb's server renders it."""
    styles = options.styles
    labels = LABELS[language]
    display = title.display_title(language)
    year_text = (
        f"{title.year}–{title.end_year}" if title.is_series and title.end_year else str(title.year or "")
    )
    genre_names = GENRE_NAMES.get(language, {})
    og_bits = [f"{display} ({year_text})"]
    if title.rating is not None:
        og_bits.append(f"⭐ {rating_text(title.rating, language)}")
    og = " ".join(og_bits) + " | " + ", ".join(genre_names.get(name, name) for name in title.genres)
    head_extra = (
        f'<meta property="og:title" content="{esc(og)}"/>'
        f'<meta property="imdb:pageConst" content="{title.imdb_id}"/>'
        f'<meta property="imdb:pageType" content="title"/>'
        f'<link rel="canonical" href="{REAL_HOST}/{"" if language == "en" else language + "/"}title/{title.imdb_id}/"/>'
    )
    if title.json_ld != "absent":
        head_extra += f'<script type="application/ld+json">{title_json_ld(title, language)}</script>'

    metadata = []
    if title.is_series:
        metadata.append(f'<li role="presentation" class="ipc-inline-list__item">{esc(labels["series"])}</li>')
    if year_text:
        metadata.append(
            f'<li role="presentation" class="ipc-inline-list__item"><a class="ipc-link ipc-link--baseAlt '
            f'ipc-link--inherit-color" role="button" tabindex="0" aria-disabled="false" '
            f'href="/title/{title.imdb_id}/releaseinfo/?ref_=tt_ov_rdat">{year_text}</a></li>'
        )
    if title.certificate:
        metadata.append(
            f'<li role="presentation" class="ipc-inline-list__item"><a class="ipc-link ipc-link--baseAlt '
            f'ipc-link--inherit-color" role="button" tabindex="0" aria-disabled="false" '
            f'href="/title/{title.imdb_id}/parentalguide/?ref_=tt_ov_pg#certificates">{esc(title.certificate)}</a></li>'
        )
    if title.runtime_minutes:
        metadata.append(
            f'<li role="presentation" class="ipc-inline-list__item">{runtime_text(title.runtime_minutes, language)}</li>'
        )
    original = (
        f'<div class="{styles("original-title")}">{esc(labels["original"])}{esc(title.original_title)}</div>'
        if display != title.original_title
        else ""
    )
    poster = (
        f'<div class="ipc-poster ipc-poster--baseAlt ipc-poster--dynamic-width ipc-sub-grid-item '
        f'ipc-sub-grid-item--span-2" role="group" data-testid="hero-media__poster"><div class="ipc-media '
        f"ipc-media--poster-27x40 ipc-image-media-ratio--poster-27x40 ipc-media--baseAlt ipc-media--poster-l "
        f'ipc-poster__poster-image ipc-media__img" style="width:100%"><img alt="{esc(display)} ({year_text})" '
        f'class="ipc-image" loading="eager" src="{esc(title.poster_url)}" width="190"/></div>'
        f'<a class="ipc-lockup-overlay ipc-focusable" href="/title/{title.imdb_id}/mediaviewer/?ref_=tt_ov_i" '
        f'aria-label="View {esc(display)} Poster"><div class="ipc-lockup-overlay__screen"></div></a></div>'
        if title.poster_url
        else '<div class="ipc-poster ipc-poster--baseAlt" role="group" data-testid="hero-media__poster">'
        '<div class="ipc-media ipc-media--poster-27x40 ipc-media__img"><div class="ipc-media__img-placeholder"></div>'
        "</div></div>"
    )
    interests = [
        (text, f"/interest/in{number:010d}/?ref_=tt_ov_in_{number}")
        for number, text in enumerate(title.sub_genres, 1)
    ]
    interests += [
        (genre_names.get(name, name), f"/interest/in{number + 100:010d}/?ref_=tt_ov_in_{number}")
        for number, name in enumerate(title.genres, 1)
    ]
    plot = title.plot(language)
    plot_html = (
        f'<p data-testid="plot" class="{styles("plot")}">'
        f'<span role="presentation" data-testid="plot-xs_to_m" class="{styles("plot-s")}">{esc(plot[:120])}'
        f"{'...' if len(plot) > 120 else ''}</span>"
        f'<span role="presentation" data-testid="plot-l" class="{styles("plot-l")}">{esc(plot)}</span>'
        f'<span role="presentation" data-testid="plot-xl" class="{styles("plot-xl")}">{esc(plot)}</span></p>'
        if plot
        else ""
    )
    cast = "".join(
        f'<div data-testid="title-cast-item" class="{styles("cast-item")}"><div data-testid="title-cast-item__avatar" '
        f'class="{styles("cast-avatar")} title-cast-item__avatar"></div><a data-testid="title-cast-item__actor" '
        f'href="/name/{person.imdb_id}/?ref_=tt_cst_t_{number}" class="{styles("cast-actor")}">{esc(person.name)}</a>'
        f'<div class="{styles("cast-characters")}"><ul class="ipc-inline-list ipc-inline-list--show-dividers '
        f'ipc-inline-list--no-wrap ipc-inline-list--inline" role="presentation"><li role="presentation" '
        f'class="ipc-inline-list__item"><a class="ipc-link ipc-link--base" data-testid="cast-item-characters-link" '
        f'href="/title/{title.imdb_id}/characters/{person.imdb_id}?ref_=tt_cst_c_{number}"><span '
        f'class="{styles("cast-character")}">Character {number}</span></a></li></ul></div></div>'
        for number, person in enumerate(title.stars, 1)
    )
    details = []
    if title.release_date:
        details.append(
            _detail_item(
                "title-details-releasedate",
                labels["release"],
                [date_text(title.release_date, title.release_country, language)],
                f"/title/{title.imdb_id}/releaseinfo/?ref_=tt_dt_rdat",
            )
        )
    details.append(
        _detail_item(
            "title-details-origin", labels["origin"][len(title.countries) > 1], list(title.countries)
        )
    )
    details.append(
        _detail_item(
            "title-details-languages", labels["languages"][len(title.languages) > 1], list(title.languages)
        )
    )
    akas = [name for lang, name in title.display_titles.items() if lang != language and name != display]
    if akas:
        details.append(_detail_item("title-details-akas", labels["akas"], akas[:1]))
    runtime_spec = (
        f'<li role="presentation" class="ipc-metadata-list__item" data-testid="title-techspec_runtime">'
        f'<span class="ipc-metadata-list-item__label" aria-disabled="false">{esc(labels["runtime"])}</span>'
        f'<div class="ipc-metadata-list-item__content-container">{runtime_text(title.runtime_minutes, language, total=True)}'
        f"</div></li>"
        if title.runtime_minutes
        else ""
    )
    keywords = (
        f'<div data-testid="storyline-plot-keywords" class="{styles("keywords")}">'
        + "".join(
            f'<a class="ipc-chip ipc-chip--on-base" href="/search/keyword/?keywords={esc(word)}&amp;ref_=tt_stry_kw">'
            f'<span class="ipc-chip__text">{esc(word)}</span></a>'
            for word in title.keywords[:5]
        )
        + "</div>"
        if title.keywords
        else ""
    )
    padding = ""
    if options.padding_kb:
        icon = (
            '<svg width="24" height="24" class="ipc-icon ipc-icon--star-inline" viewBox="0 0 24 24" '
            'fill="currentColor" role="presentation"><path d="M12 20.1l5.82 3.682c1.066.675 2.37-.322 '
            "2.09-1.584l-1.543-6.926 5.146-4.667c.94-.85.435-2.465-.799-2.567l-6.773-.602L13.29.89a1.38 1.38 "
            '0 0 0-2.581 0l-2.65 6.53-6.774.602z"></path></svg>'
        )
        padding = (
            f'<div hidden class="{styles("padding")}">'
            + icon * (options.padding_kb * 1024 // len(icon))
            + "</div>"
        )
    hanging = '<img alt="" src="/_standin/never.png" width="1" height="1"/>' if hanging_asset else ""
    next_data = title_next_data(title, language, options.styles.build_id)
    body = (
        f'<body id="styleguide-v2" class="fixed"><div id="__next"><main role="main" class="ipc-page-wrapper '
        f'ipc-page-wrapper--baseAlt"><section class="ipc-page-background ipc-page-background--baseAlt {styles("hero-bg")}">'
        f'<section class="ipc-page-section {styles("hero-section")}" data-testid="hero-parent">'
        f'<div class="{styles("hero-title-block")}">'
        f'<h1 textLength="{len(display)}" data-testid="hero__pageTitle" class="{styles("hero-title")}">'
        f'<span class="hero__primary-text" data-testid="hero__primary-text">{esc(display)}</span></h1>'
        f'{original}<ul class="ipc-inline-list ipc-inline-list--show-dividers {styles("hero-meta")} baseAlt" '
        f'role="presentation">{"".join(metadata)}</ul></div>'
        f'<div class="{styles("hero-rating-desktop")}">{_rating_bar(title, language, styles, "desktop")}</div>'
        f'<div class="{styles("hero-media")}">{poster}</div>'
        f'<section class="{styles("hero-overview")}">'
        f"{_chips(interests, 'interests', styles)}{plot_html}"
        f"{_principal_credits(title, language, styles, 'wide')}"
        f'<div class="{styles("hero-rating-mobile")}">{_rating_bar(title, language, styles, "mobile")}</div>'
        f"{_principal_credits(title, language, styles, 'narrow')}</section></section></section>"
        f'<section class="ipc-page-section" data-testid="title-cast">{cast}</section>'
        f'<section class="ipc-page-section" data-testid="Storyline">{keywords}</section>'
        f'<section class="ipc-page-section" data-testid="Details"><ul class="ipc-metadata-list '
        f'ipc-metadata-list--dividers-all ipc-metadata-list--base" role="presentation">{"".join(details)}</ul></section>'
        f'<section class="ipc-page-section" data-testid="TechSpecs"><ul class="ipc-metadata-list '
        f'ipc-metadata-list--dividers-none ipc-metadata-list--compact ipc-metadata-list--base" '
        f'role="presentation">{runtime_spec}</ul></section>{padding}{hanging}</main></div>'
        f'<script id="__NEXT_DATA__" type="application/json">{_script_json(next_data)}</script>'
        f"{_standin_config(options, 'title', language, imdbId=title.imdb_id)}"
        f'<script src="/_standin/imdb.js" defer></script></body>'
    )
    return (
        f'<!DOCTYPE html><html lang="{LOCALES[language]}" xmlns:og="http://opengraphprotocol.org/schema/"><head>'
        f"{_head(f'{display} ({year_text}) - IMDb', head_extra)}</head>{body}</html>"
    )


# ---------------------------------------------------------------- charts, searches, lists

CHART_NAMES = {
    "top": ("IMDb Top 250 Movies", "chttp_t"),
    "moviemeter": ("Most Popular Movies", "chtmvm_t"),
    "toptv": ("IMDb Top 250 TV Shows", "chttvtp_t"),
}
SERVER_CHART_ROWS = 25
SEARCH_PAGE_SIZE = 50


def _rating_group(title: StandinTitle, language: str) -> str:
    if title.rating is None or not title.votes:
        return ""
    return (
        f'<span aria-label="IMDb rating: {title.rating:.1f}" class="ipc-rating-star ipc-rating-star--base '
        f'ipc-rating-star--imdb ratingGroup--imdb-rating" data-testid="ratingGroup--imdb-rating">'
        f'<svg width="24" height="24" class="ipc-icon ipc-icon--star-inline" viewBox="0 0 24 24" fill="currentColor" '
        f'role="presentation"><path d="M12 20.1l5.82 3.682z"></path></svg>'
        f'<span class="ipc-rating-star--rating">{rating_text(title.rating, language)}</span>'
        f'<span class="ipc-rating-star--voteCount">&nbsp;(<!-- -->{votes_compact(title.votes, language)}<!-- -->)</span></span>'
    )


def _row_metadata(title: StandinTitle, language: str, prefix: str, styles: Styles) -> str:
    items = []
    if title.year:
        items.append(
            f"{title.year}–{title.end_year}" if title.is_series and title.end_year else str(title.year)
        )
    if title.runtime_minutes:
        items.append(runtime_text(title.runtime_minutes, language))
    if title.certificate:
        items.append(title.certificate)
    return "".join(
        f'<span class="{styles(prefix + "-meta-item")} {prefix}-title-metadata-item">{esc(item)}</span>'
        for item in items
    )


def list_row(title: StandinTitle, number: int, language: str, styles: Styles, *, kind: str, ref: str) -> str:
    """One `li.ipc-metadata-list-summary-item`: `cli-*` on charts, `dli-*` on searches and lists."""
    display = title.display_title(language)
    prefix = "cli" if kind == "chart" else "dli"
    plot = title.plot(language) or ""
    plot_html = (
        f'<div class="{styles("dli-plot-wrap")}"><div class="ipc-html-content ipc-html-content--base '
        f'{styles("dli-plot")} dli-plot-container" role="presentation"><div class="ipc-html-content-inner-div">'
        f"{esc(plot)}</div></div></div>"
        if kind != "chart" and plot
        else ""
    )
    poster = (
        f'<div class="ipc-poster ipc-poster--base ipc-poster--dynamic-width" role="group"><div class="ipc-media '
        f'ipc-media--poster-27x40 ipc-media__img"><img alt="{esc(display)}" class="ipc-image" loading="lazy" '
        f'src="{esc(title.poster_url or "")}" width="140"/></div></div>'
    )
    return (
        f'<li class="ipc-metadata-list-summary-item {styles(prefix + "-row")}"><div class="ipc-metadata-list-summary-item__c">'
        f'<div class="ipc-metadata-list-summary-item__tc"><span class="ipc-metadata-list-summary-item__t" '
        f'aria-disabled="false"></span><div class="{styles(prefix + "-parent")} {prefix}-parent">'
        f'<div class="{styles(prefix + "-poster")} {prefix}-poster-container">{poster}</div>'
        f'<div class="{styles(prefix + "-children")} {prefix}-children"><div class="ipc-title ipc-title--base '
        f'ipc-title--title ipc-title-link-no-icon ipc-title--on-textPrimary {styles(prefix + "-title")} {prefix}-title">'
        f'<a href="/title/{title.imdb_id}/?ref_={ref}_{number}" class="ipc-title-link-wrapper" tabindex="0">'
        f'<h3 class="ipc-title__text">{number}. {esc(display)}</h3></a></div>'
        f'<div class="{styles(prefix + "-meta")} {prefix}-title-metadata">{_row_metadata(title, language, prefix, styles)}</div>'
        f'<span class="{styles(prefix + "-ratings")} {prefix}-ratings-container" data-testid="ratingGroup--container">'
        f"{_rating_group(title, language)}</span>{plot_html}</div></div></div></div></li>"
    )


def chart_edge(title: StandinTitle, rank: int, language: str) -> dict[str, Any]:
    genre_names = GENRE_NAMES.get(language, {})
    return {
        "currentRank": rank,
        "node": {
            "id": title.imdb_id,
            "titleText": {"text": title.display_title(language)},
            "titleType": {"id": title.title_type, "text": "TV Series" if title.is_series else "Movie"},
            "originalTitleText": {"text": title.original_title},
            "primaryImage": {"url": title.poster_url, "width": 1000, "height": 1481}
            if title.poster_url
            else None,
            "releaseYear": {"year": title.year, "endYear": title.end_year} if title.year else None,
            "ratingsSummary": {"aggregateRating": title.rating, "voteCount": title.votes or 0},
            "runtime": {"seconds": title.runtime_minutes * 60} if title.runtime_minutes else None,
            "certificate": {"rating": title.certificate} if title.certificate else None,
            "titleGenres": {
                "genres": [{"genre": {"text": genre_names.get(name, name)}} for name in title.genres]
            },
            "plot": {"plotText": {"plainText": title.plot(language)}} if title.plot(language) else None,
            "meterRanking": {"currentRank": rank} if title.meter_rank else None,
        },
    }


def _page(
    title_text: str, language: str, body: str, next_data: dict[str, Any], options: PageOptions, config: str
) -> str:
    return (
        f'<!DOCTYPE html><html lang="{LOCALES[language]}"><head>{_head(title_text)}</head><body id="styleguide-v2" class="fixed">'
        f'<div id="__next"><main role="main" class="ipc-page-wrapper ipc-page-wrapper--base">{body}</main></div>'
        f'<script id="__NEXT_DATA__" type="application/json">{_script_json(next_data)}</script>{config}'
        f'<script src="/_standin/imdb.js" defer></script></body></html>'
    )


def chart_page(chart: str, titles: list[StandinTitle], language: str, options: PageOptions) -> str:
    """A chart: the first 25 rows in the HTML, every row in `__NEXT_DATA__`."""
    styles = options.styles
    name, ref = CHART_NAMES[chart]
    rows = "".join(
        list_row(title, rank, language, styles, kind="chart", ref=ref)
        for rank, title in enumerate(titles[:SERVER_CHART_ROWS], start=1)
    )
    body = (
        f'<section class="ipc-page-section {styles("chart-section")}"><h1 class="ipc-title__text">{esc(name)}</h1>'
        f'<div data-testid="chart-layout-main-column" class="{styles("chart-main")}">'
        f'<div data-testid="chart-layout-total-items" class="{styles("chart-total")}">{len(titles)} {LABELS[language]["titles"]}</div>'
        f'<ul class="ipc-metadata-list ipc-metadata-list--dividers-between {styles("chart-list")} compact-list-view '
        f'ipc-metadata-list--base" role="presentation">{rows}</ul></div></section>'
    )
    next_data = {
        "props": {
            "pageProps": {
                "pageData": {
                    "chartTitles": {
                        "edges": [
                            chart_edge(title, rank, language) for rank, title in enumerate(titles, start=1)
                        ],
                        "pageInfo": {"hasNextPage": False, "endCursor": None},
                        "total": len(titles),
                    }
                }
            }
        },
        "page": f"/chart/{chart}",
        "query": {},
        "buildId": styles.build_id,
        "locale": LOCALES[language],
    }
    config = _standin_config(options, "chart", language, chart=chart, ref=ref, serverRows=SERVER_CHART_ROWS)
    return _page(f"{name} - IMDb", language, body, next_data, options, config)


def search_item(title: StandinTitle, language: str) -> dict[str, Any]:
    """One `titleListItems` entry, in the shape of the real search page's `__NEXT_DATA__`."""
    genre_names = GENRE_NAMES.get(language, {})
    return {
        "titleId": title.imdb_id,
        "titleText": title.display_title(language),
        "originalTitleText": title.original_title,
        "titleType": {
            "id": title.title_type,
            "text": "TV Series" if title.is_series else "",
            "canHaveEpisodes": title.is_series,
        },
        "releaseYear": title.year,
        "endYear": title.end_year,
        "runtime": title.runtime_minutes * 60 if title.runtime_minutes else None,
        "certificate": title.certificate,
        "genres": [genre_names.get(name, name) for name in title.genres],
        "plot": title.plot(language),
        "primaryImage": {"url": title.poster_url, "width": 1000, "height": 1481}
        if title.poster_url
        else None,
        "ratingSummary": {"aggregateRating": title.rating, "voteCount": title.votes or 0},
        "directors": [],
        "creators": [],
        "topCast": [],
    }


def cursor_encode(query: str, offset: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"q": query, "offset": offset}).encode()).decode()


def cursor_decode(cursor: str) -> tuple[str, int]:
    data = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    return str(data["q"]), int(data["offset"])


def range_text(shown: int, total: int, language: str) -> str:
    return f"1-{shown} {LABELS[language]['of']} {total:,}"


def search_page(
    kind: str, query: str, titles: list[StandinTitle], language: str, options: PageOptions, *, heading: str
) -> str:
    """A search (`kind` "search") or list ("list") page: 50 rows and the "50 more" button."""
    styles = options.styles
    ref = "sr_t" if kind == "search" else "li_t"
    shown = titles[:SEARCH_PAGE_SIZE]
    rows = "".join(
        list_row(title, number, language, styles, kind=kind, ref=ref) for number, title in enumerate(shown, 1)
    )
    has_more = len(titles) > len(shown)
    end_cursor = cursor_encode(query, len(shown))
    more = (
        f'<div class="{styles("pagination")} pagination-container"><span class="ipc-see-more {styles("see-more")} '
        f'single-page-see-more-button"><button class="ipc-btn ipc-btn--single-padding ipc-btn--center-align-content '
        f"ipc-btn--default-height ipc-btn--core-base ipc-btn--theme-base ipc-btn--on-accent2 ipc-text-button "
        f'ipc-see-more__button" role="button" tabindex="0" aria-disabled="false"><span class="ipc-btn__text">'
        f'<span class="ipc-see-more__text">{esc(LABELS[language]["more"])}</span></span></button></span></div>'
        if has_more
        else ""
    )
    body = (
        f'<section class="ipc-page-section {styles(kind + "-section")}"><h1 class="ipc-title__text">{esc(heading)}</h1>'
        f'<div class="{styles(kind + "-toolbar")}"><div class="{styles(kind + "-range")}">'
        f"{range_text(len(shown), len(titles), language)}</div></div>"
        f'<ul class="ipc-metadata-list ipc-metadata-list--dividers-between {styles(kind + "-list")} detailed-list-view '
        f'ipc-metadata-list--base" role="presentation">{rows}</ul>{more}</section>'
    )
    items = [search_item(title, language) for title in shown]
    if kind == "search":
        page_props: dict[str, Any] = {
            "searchResults": {
                "titleResults": {"titleListItems": items, "total": len(titles), "endCursor": end_cursor}
            }
        }
    else:
        page_props = {
            "mainColumnData": {
                "list": {
                    "name": {"originalText": heading},
                    "titleListItemSearch": {
                        "edges": [{"listItem": item} for item in items],
                        "total": len(titles),
                        "pageInfo": {"hasNextPage": has_more, "endCursor": end_cursor},
                    },
                }
            }
        }
    next_data = {
        "props": {"pageProps": page_props},
        "page": "/search/title" if kind == "search" else "/list/[lsconst]",
        "query": {},
        "buildId": styles.build_id,
        "locale": LOCALES[language],
    }
    config = _standin_config(
        options, kind, language, ref=ref, total=len(titles), endCursor=end_cursor if has_more else None
    )
    return _page(f"{heading} - IMDb", language, body, next_data, options, config)


def more_results(
    titles: list[StandinTitle], offset: int, query: str, language: str, styles: Styles, *, kind: str
) -> dict[str, Any]:
    """The "50 more" XHR's answer: the next rows, rendered, and the next cursor."""
    ref = "sr_t" if kind == "search" else "li_t"
    page = titles[offset : offset + SEARCH_PAGE_SIZE]
    shown = offset + len(page)
    has_more = shown < len(titles)
    return {
        "data": {
            "advancedTitleSearch": {
                "edges": [{"node": {"title": search_item(title, language)}} for title in page],
                "total": len(titles),
                "pageInfo": {
                    "hasNextPage": has_more,
                    "endCursor": cursor_encode(query, shown) if has_more else None,
                },
            }
        },
        # Rows as React would render them from the edges above.
        "rows": [
            list_row(title, number, language, styles, kind=kind, ref=ref)
            for number, title in enumerate(page, offset + 1)
        ],
        "range": range_text(shown, len(titles), language),
    }


# ---------------------------------------------------------------- WAF and error pages


def waf_challenge_page(context: str) -> str:
    """The AWS WAF JavaScript challenge (served with 202 and x-amzn-waf-action: challenge)."""
    goku = {
        "key": "AQIDAHjcYu/GjX+QlghicBgQ/7bFaQZ+m5FKCMDnO+vTbNg96AH" + context[:24],
        "iv": context[:16],
        "context": context,
    }
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n    <meta charset="utf-8">\n'
        '    <meta name="viewport" content="width=device-width, initial-scale=1">\n    <title></title>\n'
        '    <script type="text/javascript">\n    window.awsWafCookieDomainList = [];\n'
        f"    window.gokuProps = {json.dumps(goku)};\n    </script>\n"
        '    <script src="/_standin/awswaf/challenge.js"></script>\n</head>\n<body>\n'
        '    <div id="challenge-container"></div>\n    <script type="text/javascript">\n'
        "        AwsWafIntegration.saveReferrer();\n"
        "        AwsWafIntegration.checkForceRefresh().then((forceRefresh) => {\n"
        "            if (forceRefresh) {\n"
        "                AwsWafIntegration.forceRefreshToken().then(() => { window.location.reload(true); });\n"
        "            } else {\n"
        "                AwsWafIntegration.getToken().then(() => { window.location.reload(true); });\n"
        "            }\n        });\n    </script>\n"
        "    <noscript>\n        <h1>JavaScript is disabled</h1>\n"
        "        In order to continue, we need to verify that you're not a robot. This requires JavaScript. "
        "Enable JavaScript and then reload the page.\n    </noscript>\n</body>\n</html>"
    )


def waf_captcha_page(context: str) -> str:
    """The AWS WAF CAPTCHA page (served with 405 and x-amzn-waf-action: captcha)."""
    goku = {
        "key": "AQIDAHjcYu/GjX+QlghicBgQ/7bFaQZ+m5FKCMDnO+vTbNg96AH",
        "iv": context[:16],
        "context": context,
    }
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n    <meta charset="utf-8">\n    <title></title>\n'
        f"    <script>window.awsWafCookieDomainList = [];window.gokuProps = {json.dumps(goku)};</script>\n"
        '    <script src="/_standin/awswaf/captcha.js"></script>\n</head>\n<body>\n'
        '    <div id="captcha-container"></div>\n'
        "    <h1>Let's confirm you are human</h1>\n"
        "    <p>Complete the security check before continuing. This step verifies that you are not a bot.</p>\n"
        "    <noscript><h1>JavaScript is disabled</h1></noscript>\n</body>\n</html>"
    )


FORBIDDEN_PAGE = (
    '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN" "http://www.w3.org/TR/html4/loose.dtd">\n'
    '<HTML><HEAD><META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=iso-8859-1">\n'
    "<TITLE>ERROR: The request could not be satisfied</TITLE>\n</HEAD><BODY>\n<H1>403 ERROR</H1>\n"
    '<H2>The request could not be satisfied.</H2>\n<HR noshade size="1px">\nRequest blocked.\n'
    "</BODY></HTML>"
)


def not_found_page(options: PageOptions) -> str:
    return (
        f'<!DOCTYPE html><html><head>{_head("404 Error - IMDb")}</head><body><div id="__next"><main>'
        f'<div data-testid="error-page-title" class="{options.styles("error")}">404 error</div>'
        "<p>The requested URL was not found on our server.</p></main></div></body></html>"
    )


def consent_frame() -> str:
    """The consent dialog's iframe document (a Sourcepoint-style message)."""
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>SP Consent Message</title></head>'
        '<body style="margin:0;font-family:sans-serif"><div class="message-container">'
        "<p>We and our partners use cookies to give you the best experience.</p>"
        '<button title="Reject" class="message-component message-button no-children" '
        'aria-label="Reject">Reject</button> '
        '<button title="Accept" class="message-component message-button no-children" '
        'aria-label="Accept">Accept</button></div>'
        "<script>for (const button of document.querySelectorAll('button')) {"
        "button.addEventListener('click', () => parent.postMessage({standinConsent: button.title}, '*'));}"
        "</script></body></html>"
    )


def home_page(options: PageOptions, language: str) -> str:
    body = (
        f'<section class="{options.styles("home")}"><h1>IMDb stand-in</h1><ul>'
        '<li><a href="/chart/top/">Top 250</a></li><li><a href="/chart/moviemeter/">Most popular</a></li>'
        '<li><a href="/chart/toptv/">Top TV</a></li><li><a href="/title/tt1375666/">Inception</a></li>'
        '<li><a href="/search/title/?title_type=feature&amp;genres=action">Search</a></li></ul></section>'
    )
    return _page(
        "IMDb: Ratings, Reviews, and Where to Watch the Best Movies &amp; TV Shows",
        language,
        body,
        {},
        options,
        _standin_config(options, "home", language),
    )
