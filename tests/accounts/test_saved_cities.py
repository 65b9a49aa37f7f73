"""Saved cities: the home city counts as the first, the plan says how many, and nothing saved is
lost when a plan ends (the extra cities stay, greyed, until a renewal)."""

import pytest
from django.test import Client

from apps.accounts.models import SavedCity
from apps.accounts.saved_cities import my_cities
from tests.factories.showtimes import CoveredLocationFactory

pytestmark = pytest.mark.django_db

CITY_NAMES = [
    "Київ",
    "Львів",
    "Одеса",
    "Харків",
    "Дніпро",
    "Вінниця",
    "Полтава",
    "Чернігів",
    "Суми",
    "Ужгород",
    "Рівне",
]
SLUGS = [
    "kyiv",
    "lviv",
    "odesa",
    "kharkiv",
    "dnipro",
    "vinnytsia",
    "poltava",
    "chernihiv",
    "sumy",
    "uzhhorod",
    "rivne",
]


@pytest.fixture
def cities():
    return [
        CoveredLocationFactory(city=name, slug=slug) for name, slug in zip(CITY_NAMES, SLUGS, strict=True)
    ]


def save(client, slug: str, *, next_url: str = "/accounts/profile/"):
    return client.post("/accounts/cities/", {"city": slug, "saved": "1", "next": next_url}, follow=True)


def test_a_free_person_with_a_home_city_is_told_the_limit_with_a_link_to_the_plans(
    olena_client, olena, cities
):
    olena.home_city = cities[0]
    olena.save()

    page = save(olena_client, "lviv", next_url="/showtimes/lviv/").content.decode()

    assert not SavedCity.objects.filter(user=olena).exists()
    assert "Ваш план зберігає 1 місто (ваше рідне місто — перше)." in page
    assert 'href="/memberships/"' in page


def test_a_free_person_without_a_home_city_saves_one_city(olena_client, olena, cities):
    save(olena_client, "lviv")
    save(olena_client, "odesa")

    assert [city.location.slug for city in my_cities(user=olena)] == ["lviv"]


def test_a_supporter_saves_ten_cities_home_city_included_and_no_eleventh(
    olena_client, olena, cities, perks_grant
):
    perks_grant(olena)
    olena.home_city = cities[0]
    olena.save()

    for slug in SLUGS[1:]:
        page = save(olena_client, slug).content.decode()

    kept = [city.location.slug for city in my_cities(user=olena)]
    assert kept == SLUGS[:10]
    assert "Ваш план зберігає 10 міст" in page  # the eleventh was refused


def test_saving_a_city_twice_or_the_home_city_changes_nothing(olena_client, olena, cities, perks_grant):
    perks_grant(olena)
    olena.home_city = cities[0]
    olena.save()

    save(olena_client, "lviv")
    save(olena_client, "lviv")
    save(olena_client, "kyiv")

    assert [city.location.slug for city in my_cities(user=olena)] == ["kyiv", "lviv"]


def test_when_the_plan_ends_the_extra_cities_stay_saved_greyed_and_come_back_with_a_renewal(
    olena_client, olena, cities, perks_grant
):
    perks_grant(olena)
    olena.home_city = cities[0]
    olena.save()
    for slug in ("lviv", "odesa"):
        save(olena_client, slug)

    perks_grant.end(olena)
    profile = olena_client.get("/accounts/profile/").content.decode()
    index = olena_client.get("/showtimes/").content.decode()

    assert SavedCity.objects.filter(user=olena).count() == 2  # nothing deleted
    assert [(city.location.slug, city.is_active) for city in my_cities(user=olena)] == [
        ("kyiv", True),
        ("lviv", False),
        ("odesa", False),
    ]
    assert profile.count('data-testid="my-city-inactive"') == 2
    first = index.split('data-testid="my-cities-first"')[1].split("</ul>")[0]
    assert "Київ" in first
    assert "Львів" not in first

    perks_grant(olena)

    assert all(city.is_active for city in my_cities(user=olena))


def test_a_saved_city_can_be_removed_from_the_profile(olena_client, olena, cities):
    save(olena_client, "lviv")

    olena_client.post("/accounts/cities/", {"city": "lviv", "saved": "0"})

    assert my_cities(user=olena) == []


def test_the_city_page_offers_save_to_a_signed_in_person_only(olena_client, cities):
    visitor = Client()
    assert 'data-testid="city-save-toggle"' not in visitor.get("/showtimes/lviv/").content.decode()

    page = olena_client.get("/showtimes/lviv/").content.decode()
    assert 'data-testid="city-save-toggle"' in page

    save(olena_client, "lviv", next_url="/showtimes/lviv/")
    assert (
        'aria-pressed="true" data-testid="city-save-toggle"'
        in olena_client.get("/showtimes/lviv/").content.decode()
    )


def test_the_showtimes_index_lists_the_persons_cities_first(olena_client, olena, cities, perks_grant):
    perks_grant(olena)
    olena.home_city = cities[2]
    olena.save()
    save(olena_client, "rivne")

    index = olena_client.get("/showtimes/").content.decode()

    mine, known = index.index('data-testid="my-cities-first"'), index.index('data-testid="known-cities"')
    assert mine < known
    first = index[mine:known]
    assert first.index("Одеса") < first.index("Рівне")
    assert "Київ" not in first


def test_an_unknown_city_is_refused_with_a_message(olena_client, olena):
    page = save(olena_client, "atlantis").content.decode()

    assert "Оберіть місто зі списку." in page
    assert not SavedCity.objects.filter(user=olena).exists()
