"""Translations are complete and compiled; the language choice is remembered."""

import gettext
import shutil
import subprocess
import sys
from pathlib import Path
from typing import BinaryIO

import polib
import pytest
from django.conf import settings

from tests.support.processes import BASE_DIR

LANGUAGES = [code for code, _name in settings.LANGUAGES]


def po_path(language: str) -> Path:
    return BASE_DIR / "locale" / language / "LC_MESSAGES" / "django.po"


@pytest.mark.embedded
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated_and_none_is_fuzzy(language):
    catalog = polib.pofile(str(po_path(language)))

    assert not catalog.metadata_is_fuzzy
    assert [entry.msgid for entry in catalog.untranslated_entries()] == []
    assert [entry.msgid for entry in catalog.fuzzy_entries()] == []


def messages(mo_file: BinaryIO) -> dict:
    """A compiled catalog's messages, without the header (msgfmt rewrites it)."""
    catalog = gettext.GNUTranslations(mo_file)._catalog
    return {key: value for key, value in catalog.items() if key != ""}


@pytest.mark.embedded
@pytest.mark.parametrize("language", LANGUAGES)
def test_compiled_catalog_matches_its_po_file(language, tmp_path):
    mo_path = po_path(language).with_suffix(".mo")
    assert mo_path.exists(), f"{mo_path} is missing: run `make messages`"
    fresh = tmp_path / "fresh.mo"
    polib.pofile(str(po_path(language))).save_as_mofile(str(fresh))

    with mo_path.open("rb") as compiled, fresh.open("rb") as expected:
        stale = messages(compiled) != messages(expected)

    assert not stale, f"{mo_path} is stale: run `make messages`"


@pytest.mark.embedded
def test_every_marked_string_is_in_the_catalogs(tmp_path):
    for part in ("apps", "cinestream", "core", "templates", "manage.py"):
        source = BASE_DIR / part
        if source.is_dir():
            shutil.copytree(source, tmp_path / part, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, tmp_path / part)
    (tmp_path / "locale").mkdir()
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "uk", "--no-location", "-v", "0"],
        cwd=tmp_path,
        env={
            "PATH": "/usr/bin:/bin",
            "CINESTREAM_ENV_FILE": "",
            "DEBUG": "true",
            "PYTHONPATH": str(tmp_path),
        },
        check=True,
        timeout=120,
    )

    marked = {entry.msgid for entry in polib.pofile(str(tmp_path / "locale/uk/LC_MESSAGES/django.po"))}
    for language in LANGUAGES:
        catalog = {entry.msgid for entry in polib.pofile(str(po_path(language))) if not entry.obsolete}
        assert marked - catalog == set(), f"{language}: strings marked for translation but not in django.po"


@pytest.mark.embedded
@pytest.mark.django_db
def test_ukrainian_is_the_default_whatever_the_browser_asks(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")

    assert response.headers["Content-Language"] == "uk"
    assert "Усе, що варто подивитися" in response.content.decode()


@pytest.mark.embedded
@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "heading"),
    [("en", "Everything worth watching, in one place"), ("ru", "Всё, что стоит посмотреть, в одном месте")],
)
def test_chosen_language_applies_to_every_later_page(client, language, heading):
    response = client.post("/i18n/setlang/", {"language": language, "next": "/catalog/"})

    assert response.status_code == 302
    assert response.headers["Location"] == "/catalog/"
    assert client.get("/").headers["Content-Language"] == language
    assert heading in client.get("/").content.decode()


@pytest.mark.embedded
@pytest.mark.django_db
def test_unknown_language_falls_back_to_ukrainian(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "xx"
    assert client.get("/").headers["Content-Language"] == "uk"

    client.post("/i18n/setlang/", {"language": "de", "next": "/"})
    assert client.get("/").headers["Content-Language"] == "uk"
