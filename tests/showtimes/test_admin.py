import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.showtimes.models import CityMovie, Location, Session, SessionReport, ShowtimesRun, Theater
from tests.factories.showtimes import CityMovieFactory, TheaterFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(kyiv) -> SessionReport:
    session = Session.objects.create(
        movie=CityMovieFactory(location=kyiv, name="Дюна"),
        theater=TheaterFactory(location=kyiv, name="Lavina"),
        starts_at=timezone.now() + dt.timedelta(hours=2),
    )
    ShowtimesRun.objects.create(location=kyiv, unmatched=["Фільм, якого немає"], rejected={"duplicate": 1})
    return SessionReport.objects.create(session=session, reason=SessionReport.Reason.WRONG_TIME)


@pytest.mark.parametrize("model", [Location, Theater, CityMovie, Session, ShowtimesRun, SessionReport])
def test_every_showtimes_list_opens_for_admins(admin_client, report, model):
    url = reverse(f"admin:showtimes_{model._meta.model_name}_changelist")

    assert admin_client.get(url).status_code == 200


def test_admins_resolve_visitors_reports(admin_client, report):
    url = reverse("admin:showtimes_sessionreport_changelist")

    admin_client.post(url, {"action": "resolve", "_selected_action": [report.pk]})

    assert SessionReport.objects.get(pk=report.pk).resolved


def test_a_cinemas_website_typed_without_a_scheme_is_saved_as_https(admin_client, kyiv):
    theater = TheaterFactory(location=kyiv, name="Kinopalace")
    url = reverse("admin:showtimes_theater_change", args=[theater.pk])
    form = {"location": kyiv.pk, "name": theater.name, "chain": "", "address": theater.address}

    reply = admin_client.post(url, {**form, "website": "kinopalace.kiev.ua", "latitude": "", "longitude": ""})

    assert reply.status_code == 302
    theater.refresh_from_db()
    assert theater.website == "https://kinopalace.kiev.ua"
