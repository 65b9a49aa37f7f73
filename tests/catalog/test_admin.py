"""The catalog's admin pages."""

from tests.factories.catalog import TitleFactory


def test_a_titles_tmdb_data_is_shown_but_not_editable(admin_client, db):
    title = TitleFactory(
        tmdb_id=550,
        poster_path="/poster.jpg",
        age_rating="18+",
        watch_providers={"flatrate": [{"name": "Netflix"}]},
    )

    response = admin_client.get(f"/admin/catalog/title/{title.pk}/change/")

    page = response.content.decode()
    assert response.status_code == 200
    assert "/poster.jpg" in page
    assert "Netflix" in page
    form = response.context["adminform"].form
    assert "poster_path" not in form.fields
    assert "tmdb_id" not in form.fields
