"""How many film alerts wait at once is the plan's; alerts already set survive a plan's end."""

import pytest

from apps.accounts.alerts import film_alert_set
from apps.accounts.errors import PerkLimitReached
from apps.accounts.models import FilmAlert
from tests.factories.catalog import TitleFactory
from tests.factories.showtimes import CoveredLocationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def at_home(olena):
    olena.home_city = CoveredLocationFactory(city="Київ", slug="kyiv")
    olena.save()
    return olena


def films(count: int) -> list:
    return [TitleFactory(imdb_id=f"tt{9000000 + n}", primary_title=f"Film {n}") for n in range(count)]


def ask(client, title):
    return client.post(
        f"/accounts/titles/{title.imdb_id}/alert/",
        {"alert": "1", "next": f"/catalog/{title.imdb_id}/"},
        follow=True,
    )


def test_a_free_person_gets_five_alerts_and_a_message_naming_the_limit_for_the_sixth(olena_client, at_home):
    titles = films(6)

    for title in titles[:5]:
        ask(olena_client, title)
    page = ask(olena_client, titles[5]).content.decode()

    assert FilmAlert.objects.filter(user=at_home).count() == 5
    assert "Ваш план тримає 5 сповіщень про фільми в очікуванні одночасно." in page
    assert 'href="/memberships/"' in page


def test_a_supporter_gets_fifty(at_home, perks_grant):
    perks_grant(at_home)
    titles = films(51)

    for title in titles[:50]:
        film_alert_set(user=at_home, title=title, is_on=True)
    with pytest.raises(PerkLimitReached):
        film_alert_set(user=at_home, title=titles[50], is_on=True)

    assert FilmAlert.objects.filter(user=at_home).count() == 50


def test_mailed_alerts_do_not_count(at_home):
    titles = films(6)
    for title in titles[:5]:
        film_alert_set(user=at_home, title=title, is_on=True)
    FilmAlert.objects.filter(title=titles[0]).update(sent_at="2026-01-01T00:00Z")

    film_alert_set(user=at_home, title=titles[5], is_on=True)

    assert FilmAlert.objects.filter(user=at_home, sent_at__isnull=True).count() == 5


def test_after_a_downgrade_every_waiting_alert_stays_and_new_ones_wait_for_room(at_home, perks_grant):
    perks_grant(at_home)
    titles = films(9)
    for title in titles[:8]:
        film_alert_set(user=at_home, title=title, is_on=True)

    perks_grant.end(at_home)

    assert FilmAlert.objects.filter(user=at_home, sent_at__isnull=True).count() == 8
    assert film_alert_set(user=at_home, title=titles[0], is_on=True) is not None  # already set: kept
    with pytest.raises(PerkLimitReached):
        film_alert_set(user=at_home, title=titles[8], is_on=True)
    for title in titles[:4]:
        film_alert_set(user=at_home, title=title, is_on=False)
    film_alert_set(user=at_home, title=titles[8], is_on=True)  # 4 waiting: room for one
    assert FilmAlert.objects.filter(user=at_home).count() == 5
