"""Film alerts: one e-mail when the film gets sessions in the person's city, never a second."""

import datetime
import smtplib

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone

from apps.accounts.alerts import film_alert_set, film_alerts_send
from apps.accounts.models import FilmAlert
from apps.showtimes.models import Location
from apps.showtimes.signals import city_sessions_stored
from tests.factories.catalog import TitleFactory
from tests.factories.showtimes import CityMovieFactory, CoveredLocationFactory, SessionFactory, TheaterFactory
from tests.support.accounts import user_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def kyiv():
    return CoveredLocationFactory(city="Київ", slug="kyiv")


@pytest.fixture
def film():
    return TitleFactory(imdb_id="tt27536999", primary_title="Dovbush")


def plays(title, location, *, in_days: int = 3):
    SessionFactory(
        movie=CityMovieFactory(location=location, title=title),
        theater=TheaterFactory(location=location),
        starts_at=timezone.now() + datetime.timedelta(days=in_days),
    )


def test_the_title_page_asks_for_an_alert_and_the_run_that_finds_sessions_sends_it_once(
    olena_client, olena, kyiv, film, django_capture_on_commit_callbacks, tasks_in_process
):
    olena.home_city = kyiv
    olena.save()
    page = olena_client.get(f"/catalog/{film.imdb_id}/").content.decode()
    assert "Повідомте, коли йтиме в місті Київ" in page
    olena_client.post(f"/accounts/titles/{film.imdb_id}/alert/", {"alert": "1"})
    plays(film, kyiv)

    with django_capture_on_commit_callbacks(execute=True):
        city_sessions_stored.send(sender=Location, location=kyiv)
    with django_capture_on_commit_callbacks(execute=True):
        city_sessions_stored.send(sender=Location, location=kyiv)  # the next run: no second mail

    (message,) = mail.outbox
    assert message.to == ["olena@example.com"]
    assert "Dovbush" in message.subject
    assert "Київ" in message.subject
    assert "/showtimes/kyiv/tt27536999/" in message.body
    assert FilmAlert.objects.get(user=olena).sent_at is not None


def test_the_mail_speaks_the_persons_language(kyiv, film):
    user = user_create("john@example.com", language="en", home_city=kyiv)
    film_alert_set(user=user, title=film, is_on=True)
    plays(film, kyiv)

    film_alerts_send(location_id=kyiv.pk)

    assert mail.outbox[0].subject == "“Dovbush” is on in Київ"


def test_no_mail_while_the_film_has_no_sessions_in_that_city(olena, kyiv, film):
    lviv = CoveredLocationFactory(city="Львів", slug="lviv")
    olena.home_city = kyiv
    olena.save()
    film_alert_set(user=olena, title=film, is_on=True)
    plays(film, lviv)

    assert film_alerts_send(location_id=kyiv.pk) == 0
    assert film_alerts_send(location_id=lviv.pk) == 0
    assert mail.outbox == []


def test_a_failed_mail_is_sent_after_the_next_run(olena, kyiv, film, settings):
    olena.home_city = kyiv
    olena.save()
    film_alert_set(user=olena, title=film, is_on=True)
    plays(film, kyiv)
    settings.EMAIL_BACKEND = "tests.accounts.test_alerts.RefusingBackend"

    assert film_alerts_send(location_id=kyiv.pk) == 0
    assert FilmAlert.objects.get(user=olena).sent_at is None

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert film_alerts_send(location_id=kyiv.pk) == 1


class RefusingBackend(BaseEmailBackend):
    """An SMTP server that refuses every message."""

    def send_messages(self, messages):
        raise smtplib.SMTPServerDisconnected("refused")


def test_an_alert_needs_a_home_city(olena_client, olena, film):
    olena_client.post(f"/accounts/titles/{film.imdb_id}/alert/", {"alert": "1"})

    assert not FilmAlert.objects.exists()


def test_an_alert_can_be_cancelled(olena_client, olena, kyiv, film):
    olena.home_city = kyiv
    olena.save()
    olena_client.post(f"/accounts/titles/{film.imdb_id}/alert/", {"alert": "1"})
    olena_client.post(f"/accounts/titles/{film.imdb_id}/alert/", {"alert": "0"})

    assert not FilmAlert.objects.exists()
