"""Staff roles: editors edit the catalog, operators run scrapes, admins everything."""

import pytest
from django.contrib.auth.models import Group

from tests.support.accounts import client_signed_in_with_totp, totp_activate, user_create

pytestmark = pytest.mark.django_db


def _staff_in(client, role: str):
    user = user_create(f"{role}@example.com", is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    totp_activate(user)
    return client_signed_in_with_totp(client, user)


def test_each_role_holds_only_its_permissions():
    held = {
        group.name: {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}
        for group in Group.objects.filter(name__in=["editor", "operator", "admin"])
    }

    assert "catalog.change_title" in held["editor"]
    assert not any(
        name.startswith(("scraping.", "showtimes.", "accounts.", "analytics.")) for name in held["editor"]
    )
    assert {"scraping.change_scrapecircuit", "showtimes.view_showtimesrun"} <= held["operator"]
    assert not any(name.startswith(("catalog.", "accounts.")) for name in held["operator"])
    assert {"catalog.change_title", "scraping.change_scrapecircuit", "accounts.change_user"} <= held["admin"]


def test_an_editor_opens_titles_but_not_the_circuits(client):
    editor = _staff_in(client, "editor")

    assert editor.get("/admin/catalog/title/").status_code == 200
    assert editor.get("/admin/scraping/scrapecircuit/").status_code == 403


def test_an_operator_opens_the_circuits_and_runs_but_not_titles(client):
    operator = _staff_in(client, "operator")

    assert operator.get("/admin/scraping/scrapecircuit/").status_code == 200
    assert operator.get("/admin/showtimes/showtimesrun/").status_code == 200
    assert operator.get("/admin/catalog/title/").status_code == 403
