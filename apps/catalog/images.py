"""TMDB image URLs: a stored path ("/abc.jpg") becomes `<image base><size><path>` at render time.

The TMDB client caches the base its /3/configuration names (secure_base_url) and hands it out
(`apps.scraping.tmdb.image_base`); until it has, settings.TMDB_IMAGE_BASE_URL (TMDB's
documented base) serves.
"""

import time
from typing import TYPE_CHECKING

from django.conf import settings

from apps.scraping.tmdb import image_base

if TYPE_CHECKING:
    from apps.catalog.models import Title

# A page builds dozens of image URLs and the base changes about never: each process reads
# the shared cache (Redis in production) at most once a minute, not once per image.
_BASE_MEMO_SECONDS = 60.0
_base_memo: tuple[str, float] | None = None  # (base, monotonic time it expires)

# The sizes the pages ask for, smallest first; each is its width in pixels (`srcset`'s `w`).
POSTER_SIZES = ("w185", "w342", "w500")
BACKDROP_SIZES = ("w780", "w1280")


def tmdb_image_base() -> str:
    """The image base ending in "/": TMDB's cached configuration, else the setting."""
    global _base_memo
    now = time.monotonic()
    if _base_memo is not None and _base_memo[1] > now:
        return _base_memo[0]
    cached = image_base()
    if isinstance(cached, str) and cached.startswith(("https://", "http://")):
        base = cached if cached.endswith("/") else f"{cached}/"
    else:
        base = settings.TMDB_IMAGE_BASE_URL
    _base_memo = (base, now + _BASE_MEMO_SECONDS)
    return base


def tmdb_image_base_forget() -> None:
    """Read the base afresh on the next call (after the TMDB client stores a new one)."""
    global _base_memo
    _base_memo = None


def tmdb_image_url(path: str | None, size: str) -> str:
    """The URL of a TMDB image at one size ("w342", "original"); "" when there is no path."""
    if not path:
        return ""
    return f"{tmdb_image_base()}{size}/{path.lstrip('/')}"


def tmdb_srcset(path: str | None, sizes: tuple[str, ...]) -> str:
    """A `srcset` of the path at each "wNNN" size ("… 185w, … 342w"); "" when there is no path."""
    if not path:
        return ""
    base = tmdb_image_base()
    return ", ".join(f"{base}{size}/{path.lstrip('/')} {size.removeprefix('w')}w" for size in sizes)


def title_poster_url(title: "Title", size: str) -> str:
    """A title's poster at a TMDB size ("w342"), else IMDb's poster, else "" (the letter tile)."""
    return tmdb_image_url(title.poster_path, size) or title.poster_url
