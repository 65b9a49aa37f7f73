"""TMDB image URLs and country names, as pages use them."""

import pytest
from django.core.cache import cache

from apps.catalog.countries import country_name
from apps.catalog.images import (
    POSTER_SIZES,
    tmdb_image_base_forget,
    tmdb_image_url,
    tmdb_srcset,
)
from apps.scraping.tmdb import IMAGE_BASE_KEY as IMAGE_BASE_CACHE_KEY

pytestmark = pytest.mark.embedded


@pytest.fixture
def image_base():
    """Set the base as the TMDB client caches it; forgotten afterwards."""

    def set_base(base: object) -> None:
        cache.set(IMAGE_BASE_CACHE_KEY, base)
        tmdb_image_base_forget()

    yield set_base
    cache.delete(IMAGE_BASE_CACHE_KEY)
    tmdb_image_base_forget()


def test_without_a_cached_base_images_come_from_tmdbs_documented_host(image_base):
    image_base(None)

    assert tmdb_image_url("/abc.jpg", "w342") == "https://image.tmdb.org/t/p/w342/abc.jpg"
    assert tmdb_image_url("", "w342") == ""
    assert tmdb_srcset(None, POSTER_SIZES) == ""


@pytest.mark.parametrize("base", ["https://cdn.example.org/t/p/", "https://cdn.example.org/t/p"])
def test_the_cached_base_is_used_with_or_without_its_slash(image_base, base):
    image_base(base)

    assert tmdb_image_url("/abc.jpg", "original") == "https://cdn.example.org/t/p/original/abc.jpg"
    assert tmdb_srcset("/abc.jpg", ("w185", "w500")) == (
        "https://cdn.example.org/t/p/w185/abc.jpg 185w, https://cdn.example.org/t/p/w500/abc.jpg 500w"
    )


def test_a_cached_base_that_is_no_url_is_ignored(image_base):
    image_base({"secure_base_url": "https://cdn.example.org/"})

    assert tmdb_image_url("/abc.jpg", "w92") == "https://image.tmdb.org/t/p/w92/abc.jpg"


@pytest.mark.parametrize(
    ("code", "language", "name"),
    [
        ("UA", "uk", "Україна"),
        ("US", "uk", "США"),
        ("us", "ru", "США"),
        ("DE", "ru", "Германия"),
        ("GB", "en", "United Kingdom"),
        ("BO", "en", "Bolivia"),
        ("XK", "uk", "XK"),
        ("SUN", "en", "SUN"),
    ],
)
def test_countries_are_named_in_the_visitors_language(code, language, name):
    assert country_name(code, language) == name
