"""Enrich's per-title rules on their own: plot tone and themes."""

import json
from pathlib import Path

import pytest

from apps.catalog.pipeline.enrich import plot_words, plots_of, polarity_of, sentiment_of, themes_of
from tests.standins.imdb_site.titles import TITLES

pytestmark = pytest.mark.embedded

SHARED_FIXTURES = Path("/work/shared/fixtures")
FIXTURES = Path(__file__).resolve().parents[3] / "fixtures"


def tone(*plots: str) -> str:
    return sentiment_of(plots)["plot_tone"]


def test_a_plot_of_hope_and_friendship_is_hopeful_and_one_of_prison_and_murder_dark():
    hopeful = "Two imprisoned men bond over years, finding hope and friendship."
    dark = "A banker is sent to prison for the murder of his wife."

    assert sentiment_of([hopeful]) == {"plot_tone": "Hopeful", "keyword_score": 1.0}
    assert sentiment_of([dark]) == {"plot_tone": "Dark", "keyword_score": 0.0}


def test_a_title_without_any_plot_has_no_tone_and_one_without_loaded_words_is_balanced():
    assert sentiment_of(["", "  "]) == {}
    assert sentiment_of(plots_of(plot="", translations={"uk": {"title": "Матриця"}})) == {}
    assert sentiment_of(["A man walks to the shop."]) == {"plot_tone": "Balanced", "keyword_score": 0.5}


def test_real_english_plots_read_dark_or_warm():
    fight_club = json.loads((SHARED_FIXTURES / "tmdb/movie-550-details.json").read_text())["overview"]
    pages = json.loads((FIXTURES / "imdb/title_jsonld_raw_22-movies_2025-11-20.json").read_text())
    plots = {imdb_id: json.loads(page["ld_json_raw"])["description"] for imdb_id, page in pages.items()}

    assert tone(fight_club) == "Dark"
    assert tone(plots["tt0172495"]) == "Dark"  # Gladiator: vengeance, corrupt, murdered, slavery
    assert tone(plots["tt0106977"]) == "Dark"  # The Fugitive: murdering, killer
    assert tone(plots["tt0095489"]) == "Hopeful"  # The Land Before Time: reunite with their families
    assert tone(plots["tt0405159"]) == "Hopeful"  # Million Dollar Baby: determination, talent, bond


@pytest.mark.parametrize(
    ("plot", "expected"),
    [
        # Inflected forms of the same stems: смерть/смерті, вбивця/вбив, війна/війни.
        ("Після смерті батька вбивця зникає, а війна забирає все.", "Dark"),
        ("Колишній злодій шукає помсти за зраду друзів у в’язниці.", "Dark"),
        ("Дружба і кохання дарують їм надію на щасливе життя разом.", "Hopeful"),
        ("Вони рятують родину, і мрія про свободу перемагає.", "Hopeful"),
    ],
)
def test_ukrainian_plots_are_read_by_their_stems(plot, expected):
    assert tone(plot) == expected


@pytest.mark.parametrize(
    ("plot", "expected"),
    [
        ("После смерти отца убийца исчезает, а война отнимает всё.", "Dark"),
        ("Бывший вор жаждет мести за предательство и ужас тюрьмы.", "Dark"),
        ("Дружба и любовь дарят им надежду на счастливую жизнь вместе.", "Hopeful"),
        ("Они спасают семью, и мечта о свободе побеждает.", "Hopeful"),
    ],
)
def test_russian_plots_are_read_by_their_stems(plot, expected):
    assert tone(plot) == expected


def test_stems_do_not_catch_unrelated_words():
    # war/warm, семья/семь (seven), месть/место (place), горе/гори (mountains), happy/happen.
    assert [polarity_of(word) for word in ("warm", "семь", "место", "гори", "happen", "другий")] == [0] * 6
    assert [polarity_of(word) for word in ("war", "семью", "мести", "горе", "happy", "друг")] == [
        -1,
        1,
        -1,
        -1,
        1,
        1,
    ]


def test_every_language_a_title_has_counts():
    english = "A girl finds hope and friendship."
    ukrainian = "Війна, смерть і помста."

    both = sentiment_of(plots_of(plot=english, translations={"uk": {"overview": ukrainian}, "en": {}}))

    assert both == {"plot_tone": "Balanced", "keyword_score": 0.4}


@pytest.mark.parametrize("language", ["en", "uk", "ru"])
def test_inceptions_localized_imdb_plots_read_dark_in_each_language(language):
    # A thief, secrets stolen, a tragic past, doom: IMDb's plot as its uk and ru pages give it.
    assert tone(TITLES["tt1375666"].plots[language]) == "Dark"


def test_themes_come_from_genres_keywords_and_plot_words():
    themes = themes_of(genres=["Romance"], keywords=["Based On Novel"], words=plot_words("A prison escape."))

    assert themes == ["Prison", "Adaptation", "Love"]
