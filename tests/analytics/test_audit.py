"""The audit trail: who did what, append-only, read-only in the admin."""

import pytest
from django.db import DatabaseError, connection, transaction

from apps.analytics.models import AuditEvent, AuditTrailAppendOnly
from apps.showtimes.models import Location, ShowtimesRun
from apps.trends.models import Registration


@pytest.mark.django_db
def test_an_admin_edit_is_recorded_with_who_and_what(admin_client, admin_user):
    client = admin_client
    location = Location.objects.create(city="Kyiv", country="Ukraine", slug="kyiv", time_zone="Europe/Kyiv")
    page = client.get(f"/admin/showtimes/location/{location.pk}/change/")
    form = page.context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(city="Kyiv city")
    answer = client.post(f"/admin/showtimes/location/{location.pk}/change/", data)
    assert answer.status_code == 302, answer.content[:2000]

    event = AuditEvent.objects.get(action="admin.changed")
    assert (event.actor, event.object_type, event.object_id) == (
        admin_user.get_username(),
        "showtimes.location",
        str(location.pk),
    )
    assert "City" in str(event.details)


@pytest.mark.django_db
def test_the_admin_shows_the_trail_but_cannot_change_or_delete_it(admin_client):
    client = admin_client
    event = AuditEvent.objects.create(action="showtimes.run.finished", object_repr="Kyiv")

    listing = client.get("/admin/analytics/auditevent/?q=Kyiv")
    assert listing.status_code == 200
    assert "showtimes.run.finished" in listing.content.decode()
    assert client.get("/admin/analytics/auditevent/add/").status_code == 403
    assert client.post(f"/admin/analytics/auditevent/{event.pk}/delete/", {"post": "yes"}).status_code == 403
    client.post(f"/admin/analytics/auditevent/{event.pk}/change/", {"action": "forged"})
    event.refresh_from_db()
    assert event.action == "showtimes.run.finished"


@pytest.mark.django_db
def test_the_database_refuses_to_rewrite_the_trail():
    event = AuditEvent.objects.create(action="trends.registered")
    with pytest.raises(AuditTrailAppendOnly):
        event.save()
    with pytest.raises(AuditTrailAppendOnly):
        event.delete()
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(action="forged")
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError), transaction.atomic():
            AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.get(pk=event.pk).action == "trends.registered"


@pytest.mark.django_db
def test_a_run_is_recorded_once_when_it_ends_and_registrations_as_they_change():
    location = Location.objects.create(city="Lviv", country="Ukraine", slug="lviv", time_zone="Europe/Kyiv")
    run = ShowtimesRun.objects.create(location=location)
    run.days_done = 3
    run.save()
    run.status = ShowtimesRun.Status.DONE
    run.save()
    run.save()
    registration = Registration.objects.create(tmdb_id=27205)
    registration.status = Registration.Status.MISSING
    registration.save()
    registration.delete()

    assert list(AuditEvent.objects.order_by("pk").values_list("action", "outcome")) == [
        ("showtimes.run.finished", "done"),
        ("trends.registered", "pending"),
        ("trends.registration.checked", "missing"),
        ("trends.registration.removed", ""),
    ]


@pytest.mark.django_db
def test_accounts_created_and_deleted_are_recorded_without_their_email():
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user(email="reader@example.com", password="a long pass phrase")
    user_id = user.pk
    user.delete()

    events = list(AuditEvent.objects.filter(object_id=str(user_id)).order_by("pk"))
    assert [event.action for event in events] == ["account.created", "account.deleted"]
    assert "reader@example.com" not in str([vars(event) for event in events])
