from io import StringIO

import pytest
from django.core.management import call_command

from apps.catalog.models import Title
from apps.catalog.search import search_fold

pytestmark = pytest.mark.embedded


def load() -> str:
    out = StringIO()
    call_command("catalog_sample_load", stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_an_empty_catalog_gets_the_sample_once():
    first = load()

    count = Title.objects.count()
    assert count >= 100
    assert f"{count} titles" in first
    shawshank = Title.objects.get(imdb_id="tt0111161")
    assert list(shawshank.credits.filter(role="director").values_list("person__name", flat=True)) == [
        "Frank Darabont"
    ]
    assert Title.objects.filter(search_text__contains=search_fold("втеча з шоушенка")).exists()
    assert shawshank.recommendations  # enriched: the sample is a living catalog
    assert load() == "catalog not empty: sample not loaded\n"
    assert Title.objects.count() == count
