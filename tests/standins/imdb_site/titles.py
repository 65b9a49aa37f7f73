"""What the stand-in IMDb knows: hand-written titles with awkward cases, and made-up ones for any other id.

Every id answers: an id that is not written out below gets a made-up title derived from the
id itself, so charts, searches and benchmarks can ask for thousands of pages and always see
the same values for the same id. Tests assert against `title_get(imdb_id)`.
"""

import hashlib
import random
from dataclasses import dataclass, field
from datetime import date

LANGUAGES = ("en", "uk", "ru")

# Ids with a behaviour of their own (see server.py).
SLOW_ID = "tt9990001"  # answers after ImdbSite.slow_seconds
HANGING_ID = "tt9990002"  # sends half the page, then never finishes it
HANGING_ASSET_ID = "tt9990003"  # the whole page, but an image that never finishes: no load event
FORBIDDEN_ID = "tt9990403"  # always a bare 403
CAPTCHA_ID = "tt9990405"  # always a 405 WAF captcha

GENRES = (
    "Action",
    "Adventure",
    "Animation",
    "Biography",
    "Comedy",
    "Crime",
    "Documentary",
    "Drama",
    "Family",
    "Fantasy",
    "History",
    "Horror",
    "Music",
    "Mystery",
    "Romance",
    "Sci-Fi",
    "Sport",
    "Thriller",
    "War",
    "Western",
)

# Genre names on localized pages (chips and __NEXT_DATA__ text; the id stays English).
GENRE_NAMES = {
    "uk": {
        "Action": "Бойовик",
        "Adventure": "Пригоди",
        "Animation": "Анімація",
        "Biography": "Біографія",
        "Comedy": "Комедія",
        "Crime": "Кримінал",
        "Documentary": "Документальний",
        "Drama": "Драма",
        "Family": "Сімейний",
        "Fantasy": "Фентезі",
        "History": "Історичний",
        "Horror": "Жахи",
        "Music": "Музика",
        "Mystery": "Детектив",
        "Romance": "Мелодрама",
        "Sci-Fi": "Фантастика",
        "Sport": "Спорт",
        "Thriller": "Трилер",
        "War": "Військовий",
        "Western": "Вестерн",
    },
    "ru": {
        "Action": "Боевик",
        "Adventure": "Приключения",
        "Animation": "Анимация",
        "Biography": "Биография",
        "Comedy": "Комедия",
        "Crime": "Криминал",
        "Documentary": "Документальный",
        "Drama": "Драма",
        "Family": "Семейный",
        "Fantasy": "Фэнтези",
        "History": "История",
        "Horror": "Ужасы",
        "Music": "Музыка",
        "Mystery": "Детектив",
        "Romance": "Мелодрама",
        "Sci-Fi": "Фантастика",
        "Sport": "Спорт",
        "Thriller": "Триллер",
        "War": "Военный",
        "Western": "Вестерн",
    },
}


@dataclass(frozen=True)
class Person:
    imdb_id: str
    name: str


@dataclass(frozen=True)
class StandinTitle:
    """One title as the stand-in shows it; the values a correct scraper must read back."""

    imdb_id: str
    original_title: str
    display_titles: dict[str, str]  # language -> the title the hero shows ("en" always present)
    title_type: str = "movie"  # IMDb's titleType id: movie, tvSeries, tvMiniSeries
    year: int | None = None
    end_year: int | None = None
    release_date: date | None = None
    release_country: str = "United States"
    runtime_minutes: int | None = None
    rating: float | None = None
    votes: int | None = None
    plots: dict[str, str] = field(default_factory=dict)  # language -> plot; empty: no plot
    poster_url: str | None = None
    certificate: str | None = None
    genres: tuple[str, ...] = ()
    sub_genres: tuple[str, ...] = ()  # interest chips that are not genres ("Action Epic")
    keywords: tuple[str, ...] = ()
    directors: tuple[Person, ...] = ()
    creators: tuple[Person, ...] = ()  # series show "Creator" where films show "Director"
    writers: tuple[Person, ...] = ()
    stars: tuple[Person, ...] = ()
    countries: tuple[str, ...] = ("United States",)
    languages: tuple[str, ...] = ("English",)
    json_ld: str = "ok"  # "ok", "broken" (a cut-off block) or "absent"
    meter_rank: int | None = None

    def display_title(self, language: str = "en") -> str:
        return self.display_titles.get(language) or self.display_titles["en"]

    def plot(self, language: str = "en") -> str | None:
        return self.plots.get(language) or self.plots.get("en")

    @property
    def is_series(self) -> bool:
        return self.title_type in ("tvSeries", "tvMiniSeries")


def _p(imdb_id: str, name: str) -> Person:
    return Person(imdb_id, name)


_POSTER = "https://m.media-amazon.com/images/M/MV5B{}XkEyXkFqcGc@._V1_.jpg"

NOLAN = _p("nm0634240", "Christopher Nolan")
TAKAHATA = _p("nm0847223", "Isao Takahata")
TARANTINO = _p("nm0000233", "Quentin Tarantino")
JEUNET = _p("nm0000466", "Jean-Pierre Jeunet")

TITLES: dict[str, StandinTitle] = {
    title.imdb_id: title
    for title in (
        # Complete: every part present in all three sources.
        StandinTitle(
            imdb_id="tt1375666",
            original_title="Inception",
            display_titles={"en": "Inception", "uk": "Початок", "ru": "Начало"},
            year=2010,
            release_date=date(2010, 7, 16),
            runtime_minutes=148,
            rating=8.8,
            votes=2_753_539,
            plots={
                "en": "A thief who steals corporate secrets through the use of dream-sharing technology "
                "is given the inverse task of planting an idea into the mind of a C.E.O., but his tragic "
                "past may doom the project and his team to disaster.",
                "uk": "Злодій, який викрадає корпоративні таємниці за допомогою технології спільних снів, "
                "отримує зворотне завдання: посіяти ідею в розум генерального директора.",
                "ru": "Вор, похищающий корпоративные секреты с помощью технологии общих снов, получает "
                "обратную задачу: внедрить идею в сознание генерального директора.",
            },
            poster_url=_POSTER.format("MjAxMzY3NjcxNF5BMl5BanBnXkFtZTcwNTI5OTM0Mw@@"),
            certificate="PG-13",
            genres=("Action", "Adventure", "Sci-Fi", "Thriller"),
            sub_genres=("Action Epic", "Adventure Epic", "Psychological Thriller", "Sci-Fi Epic"),
            keywords=("dream", "ambiguous ending", "subconscious", "mindbender", "dream within a dream"),
            directors=(NOLAN,),
            writers=(NOLAN,),
            stars=(
                _p("nm0000138", "Leonardo DiCaprio"),
                _p("nm0330687", "Joseph Gordon-Levitt"),
                _p("nm0680983", "Elliot Page"),
            ),
            countries=("United States", "United Kingdom"),
            languages=("English", "Japanese", "French"),
            meter_rank=87,
        ),
        # Original title differs from the display title (JSON-LD `name` is the original).
        StandinTitle(
            imdb_id="tt0095327",
            original_title="Hotaru no haka",
            display_titles={
                "en": "Grave of the Fireflies",
                "uk": "Могила світлячків",
                "ru": "Могила светлячков",
            },
            year=1988,
            release_date=date(1989, 7, 26),
            runtime_minutes=88,
            rating=8.5,
            votes=368_726,
            plots={
                "en": "A young boy and his little sister struggle to survive in Japan during World War II."
            },
            poster_url=_POSTER.format("NTY5MmE2OGMtN2IxNC00MDY4LTkwMGEtZDUzOTYyNWE0ZTNj"),
            certificate="Not Rated",
            genres=("Animation", "Drama", "War"),
            sub_genres=("Anime", "Hand-Drawn Animation", "Tragedy", "War Epic"),
            keywords=("food", "orphan", "studio ghibli", "2d animation", "anime animation"),
            directors=(TAKAHATA,),
            writers=(_p("nm0636728", "Akiyuki Nosaka"), TAKAHATA),
            stars=(
                _p("nm0849160", "Tsutomu Tatsumi"),
                _p("nm0794232", "Ayano Shiraishi"),
                _p("nm0946042", "Akemi Yamaguchi"),
            ),
            countries=("Japan",),
            languages=("Japanese",),
        ),
        # Several directors.
        StandinTitle(
            imdb_id="tt6710474",
            original_title="Everything Everywhere All at Once",
            display_titles={
                "en": "Everything Everywhere All at Once",
                "uk": "Все завжди і водночас",
                "ru": "Всё везде и сразу",
            },
            year=2022,
            release_date=date(2022, 4, 8),
            runtime_minutes=139,
            rating=7.8,
            votes=633_412,
            plots={
                "en": "A middle-aged Chinese immigrant is swept up into an insane adventure in which she "
                "alone can save existence by exploring other universes and connecting with the lives she "
                "could have led."
            },
            poster_url=_POSTER.format("OWNmMzAzZmQtNDQ1NC00Nzk5LTkyMmUtNGI2N2NkOWM4MzEx"),
            certificate="R",
            genres=("Action", "Adventure", "Comedy", "Fantasy", "Sci-Fi"),
            sub_genres=("Martial Arts", "Dark Comedy", "Quirky Comedy"),
            keywords=("multiverse", "laundromat", "mother daughter relationship"),
            directors=(_p("nm3215397", "Daniel Kwan"), _p("nm3215391", "Daniel Scheinert")),
            writers=(_p("nm3215397", "Daniel Kwan"), _p("nm3215391", "Daniel Scheinert")),
            stars=(
                _p("nm0000706", "Michelle Yeoh"),
                _p("nm3513533", "Stephanie Hsu"),
                _p("nm0000130", "Jamie Lee Curtis"),
            ),
            languages=("English", "Mandarin", "Cantonese"),
        ),
        # Cyrillic original title; a whole rating (JSON-LD sends the integer 8).
        StandinTitle(
            imdb_id="tt0079944",
            original_title="Сталкер",
            display_titles={"en": "Stalker", "uk": "Сталкер", "ru": "Сталкер"},
            year=1979,
            release_date=date(1982, 10, 20),
            runtime_minutes=162,
            rating=8.0,
            votes=151_234,
            plots={
                "en": "A guide leads two men through an area known as the Zone to find a room that grants "
                "wishes.",
                "uk": "Провідник веде двох людей через Зону до кімнати, що виконує бажання.",
                "ru": "Проводник ведёт двух людей через Зону к комнате, исполняющей желания.",
            },
            poster_url=_POSTER.format("MDI5NmQ0YjItZWU4ZS00ZDc0LThkODAtNzdiZDY0N2NkMzQ2"),
            certificate="Not Rated",
            genres=("Drama", "Sci-Fi"),
            sub_genres=("Dystopian Sci-Fi", "Psychological Drama"),
            keywords=("zone", "wish", "philosophy"),
            directors=(_p("nm0001789", "Andrei Tarkovsky"),),
            writers=(_p("nm0835699", "Arkadiy Strugatskiy"), _p("nm0835701", "Boris Strugatskiy")),
            stars=(
                _p("nm0293850", "Alisa Freyndlikh"),
                _p("nm0437098", "Aleksandr Kaydanovskiy"),
                _p("nm0813442", "Anatoliy Solonitsyn"),
            ),
            countries=("Soviet Union",),
            languages=("Russian",),
        ),
        # Accented original title with an apostrophe (&apos; inside the JSON-LD).
        StandinTitle(
            imdb_id="tt0211915",
            original_title="Le fabuleux destin d'Amélie Poulain",
            display_titles={"en": "Amélie", "uk": "Амелі", "ru": "Амели"},
            year=2001,
            release_date=date(2001, 11, 16),
            runtime_minutes=122,
            rating=8.3,
            votes=810_517,
            plots={
                "en": "Despite being caught in her imaginative world, Amélie, a young waitress, decides to "
                "help people find happiness. Her quest to spread joy leads her on a journey where she finds "
                "true love."
            },
            poster_url=_POSTER.format("NDg4NjM1YjMtYmNhZC00MjM0LWFiZmYtNGY1YjA3MzZmODc5"),
            certificate="R",
            genres=("Comedy", "Romance"),
            sub_genres=("Quirky Comedy", "Romantic Comedy"),
            keywords=("paris", "waitress", "garden gnome", "photo booth"),
            directors=(JEUNET,),
            writers=(_p("nm0491118", "Guillaume Laurant"), JEUNET),
            stars=(
                _p("nm0851582", "Audrey Tautou"),
                _p("nm0440913", "Mathieu Kassovitz"),
                _p("nm0749769", "Rufus"),
            ),
            countries=("France", "Germany"),
            languages=("French", "Russian", "English"),
        ),
        # A Ukrainian original title.
        StandinTitle(
            imdb_id="tt0058642",
            original_title="Тіні забутих предків",
            display_titles={
                "en": "Shadows of Forgotten Ancestors",
                "uk": "Тіні забутих предків",
                "ru": "Тени забытых предков",
            },
            year=1965,
            release_date=date(1965, 9, 4),
            release_country="Soviet Union",
            runtime_minutes=97,
            rating=7.7,
            votes=13_482,
            plots={
                "en": "In a Carpathian village, Ivan falls in love with the daughter of the man who killed "
                "his father.",
                "uk": "У карпатському селі Іван закохується в доньку чоловіка, який убив його батька.",
            },
            poster_url=_POSTER.format("ZDVkN2I0NDYtZDE5ZS00ZmI4LWJiOWYtZDZkZTlmYTQ1YTVl"),
            genres=("Drama", "Romance"),
            sub_genres=("Tragic Romance", "Folk"),
            keywords=("hutsul", "carpathians", "folklore"),
            directors=(_p("nm0661100", "Sergei Parajanov"),),
            writers=(_p("nm0468013", "Mykhailo Kotsiubynskyi"), _p("nm0661100", "Sergei Parajanov")),
            stars=(_p("nm0617497", "Ivan Mykolaichuk"), _p("nm0434895", "Larisa Kadochnikova")),
            countries=("Soviet Union",),
            languages=("Ukrainian",),
        ),
        # A TV series: creators instead of directors, a year range, a short runtime.
        StandinTitle(
            imdb_id="tt0903747",
            original_title="Breaking Bad",
            display_titles={"en": "Breaking Bad", "uk": "Пуститися берега", "ru": "Во все тяжкие"},
            title_type="tvSeries",
            year=2008,
            end_year=2013,
            release_date=date(2008, 1, 20),
            runtime_minutes=49,
            rating=9.5,
            votes=2_301_884,
            plots={
                "en": "A chemistry teacher diagnosed with inoperable lung cancer turns to manufacturing and "
                "selling methamphetamine with a former student to secure his family's future."
            },
            poster_url=_POSTER.format("MzU5ZGYzNmQtMTdhYy00OGRiLTg0NmQtYjVjNzliZTg1ZGE4"),
            certificate="TV-MA",
            genres=("Crime", "Drama", "Thriller"),
            sub_genres=("Drug Crime", "Epic", "Tragedy"),
            keywords=("drug dealer", "cancer", "methamphetamine"),
            creators=(_p("nm0319213", "Vince Gilligan"),),
            stars=(
                _p("nm0186505", "Bryan Cranston"),
                _p("nm0666739", "Aaron Paul"),
                _p("nm0348152", "Anna Gunn"),
            ),
            languages=("English", "Spanish"),
        ),
        # A broken JSON-LD block: __NEXT_DATA__ and the DOM must carry the record.
        StandinTitle(
            imdb_id="tt0110912",
            original_title="Pulp Fiction",
            display_titles={"en": "Pulp Fiction", "uk": "Кримінальне чтиво", "ru": "Криминальное чтиво"},
            year=1994,
            release_date=date(1994, 10, 14),
            runtime_minutes=154,
            rating=8.8,
            votes=2_335_014,
            plots={
                "en": "The lives of two mob hitmen, a boxer, a gangster and his wife, and a pair of diner "
                "bandits intertwine in four tales of violence and redemption."
            },
            poster_url=_POSTER.format("YTViYTE3ZGQtOWRmYy00NTA5LWE1YWUtYmQ3NjUwMzE1NjAz"),
            certificate="R",
            genres=("Crime", "Drama"),
            sub_genres=("Dark Comedy", "Gangster"),
            keywords=("nonlinear timeline", "overdose", "briefcase"),
            directors=(TARANTINO,),
            writers=(TARANTINO, _p("nm0000812", "Roger Avary")),
            stars=(
                _p("nm0000237", "John Travolta"),
                _p("nm0000235", "Uma Thurman"),
                _p("nm0000168", "Samuel L. Jackson"),
            ),
            json_ld="broken",
        ),
        # A whole rating and an ampersand in the plot.
        StandinTitle(
            imdb_id="tt0083987",
            original_title="Gandhi",
            display_titles={"en": "Gandhi", "uk": "Ганді", "ru": "Ганди"},
            year=1982,
            release_date=date(1983, 2, 25),
            runtime_minutes=191,
            rating=8.0,
            votes=254_310,
            plots={
                "en": "The life of the lawyer who became the famed leader of the Indian revolts against "
                "the British rule through his philosophy of nonviolent protest & civil disobedience."
            },
            poster_url=_POSTER.format("NTg3ODhlZTEtM2Q3MC00YzMxLWJjN2YtOWUyMDIyYTlhYzM3"),
            certificate="PG",
            genres=("Biography", "Drama", "History"),
            sub_genres=("Biopic", "Period Drama"),
            keywords=("nonviolence", "india", "independence"),
            directors=(_p("nm0000277", "Richard Attenborough"),),
            writers=(_p("nm0108600", "John Briley"),),
            stars=(
                _p("nm0001426", "Ben Kingsley"),
                _p("nm0000024", "John Gielgud"),
                _p("nm0369269", "Rohini Hattangadi"),
            ),
            countries=("United Kingdom", "India"),
        ),
        # Not yet released: no rating, no plot, no poster, no runtime, no certificate.
        StandinTitle(
            imdb_id="tt31234567",
            original_title="The Untitled Harbour Project",
            display_titles={"en": "The Untitled Harbour Project"},
            year=2027,
            genres=("Drama",),
            directors=(_p("nm9000001", "Olena Kovalenko"),),
            stars=(_p("nm9000002", "Taras Bondar"),),
        ),
        StandinTitle(
            imdb_id="tt0111161",
            original_title="The Shawshank Redemption",
            display_titles={
                "en": "The Shawshank Redemption",
                "uk": "Втеча з Шоушенка",
                "ru": "Побег из Шоушенка",
            },
            year=1994,
            release_date=date(1994, 10, 14),
            runtime_minutes=142,
            rating=9.3,
            votes=3_021_544,
            plots={
                "en": "A banker convicted of uxoricide forms a friendship over a quarter century with a "
                "hardened convict, while maintaining his innocence and trying to remain hopeful through "
                "simple compassion."
            },
            poster_url=_POSTER.format("MDAyY2FhYjctNDc5YS00N2MzLWIyMzgtNmYyNmYwNzI1OWEy"),
            certificate="R",
            genres=("Drama",),
            sub_genres=("Prison Drama", "Period Drama"),
            keywords=("prison", "escape", "friendship"),
            directors=(_p("nm0001104", "Frank Darabont"),),
            writers=(_p("nm0000175", "Stephen King"), _p("nm0001104", "Frank Darabont")),
            stars=(
                _p("nm0000209", "Tim Robbins"),
                _p("nm0000151", "Morgan Freeman"),
                _p("nm0348409", "Bob Gunton"),
            ),
        ),
    )
}

# The hand-written titles that behave normally (no JSON-LD trouble, no special id).
SPECIAL_IDS = (SLOW_ID, HANGING_ID, HANGING_ASSET_ID, FORBIDDEN_ID, CAPTCHA_ID)

_ADJECTIVES = (
    "Silent",
    "Last",
    "Broken",
    "Golden",
    "Hidden",
    "Northern",
    "Crimson",
    "Endless",
    "Quiet",
    "Burning",
    "Frozen",
    "Distant",
)
_NOUNS = (
    "Harbour",
    "Orchard",
    "Frontier",
    "Signal",
    "Winter",
    "River",
    "Empire",
    "Garden",
    "Station",
    "Echo",
)
_FIRST = ("Anna", "Marco", "Oksana", "James", "Yuki", "Pierre", "Lena", "Omar", "Sofia", "Dmytro", "Ines")
_LAST = ("Petrenko", "Rossi", "Tanaka", "Dubois", "Novak", "Haddad", "Walker", "Moreau", "Shevchenko")


def _rng(imdb_id: str) -> random.Random:
    return random.Random(int(hashlib.sha256(imdb_id.encode()).hexdigest()[:16], 16))


def _person_made_up(rng: random.Random) -> Person:
    return Person(f"nm{rng.randrange(9_100_000, 9_999_999)}", f"{rng.choice(_FIRST)} {rng.choice(_LAST)}")


def title_made_up(
    imdb_id: str, *, rating: float | None = None, title_type: str | None = None
) -> StandinTitle:
    """A complete, plausible title derived only from its id (and the chart's rating, if given)."""
    rng = _rng(imdb_id)
    name = f"The {rng.choice(_ADJECTIVES)} {rng.choice(_NOUNS)}"
    number = int(imdb_id[2:]) % 1000
    if number % 3 == 0:
        name = f"{name} {number % 7 + 2}"
    year = rng.randrange(1950, 2025)
    kind = title_type or ("tvSeries" if rng.random() < 0.12 else "movie")
    series = kind == "tvSeries"
    genres = tuple(sorted(rng.sample(GENRES, rng.randrange(1, 4))))
    director = _person_made_up(rng)
    return StandinTitle(
        imdb_id=imdb_id,
        original_title=name,
        display_titles={"en": name},
        title_type=kind,
        year=year,
        end_year=year + rng.randrange(1, 8) if series else None,
        release_date=date(year, rng.randrange(1, 13), rng.randrange(1, 29)),
        runtime_minutes=rng.randrange(40, 60) if series else rng.randrange(80, 181),
        rating=rating if rating is not None else round(rng.uniform(4.0, 9.0), 1),
        votes=rng.randrange(1_000, 2_500_000),
        plots={
            "en": f"{director.name.split()[0]} and a stranger cross paths in a story of {genres[0].lower()}."
        },
        poster_url=_POSTER.format(hashlib.md5(imdb_id.encode()).hexdigest()),
        certificate=rng.choice(("G", "PG", "PG-13", "R", "Not Rated")) if not series else "TV-14",
        genres=genres,
        sub_genres=(f"{genres[0]} Epic",),
        keywords=tuple(rng.sample(("love", "revenge", "friendship", "journey", "secret", "family"), 2)),
        directors=() if series else (director,),
        creators=(director,) if series else (),
        writers=(_person_made_up(rng),),
        stars=tuple(_person_made_up(rng) for _ in range(3)),
    )


def title_get(imdb_id: str) -> StandinTitle:
    """The title the stand-in serves at /title/<imdb_id>/."""
    return TITLES.get(imdb_id) or title_made_up(imdb_id)


# Charts: the hand-written titles lead, made-up ones fill the rest with falling ratings.
CHART_SIZES = {"top": 250, "moviemeter": 100, "toptv": 250}
_CHART_LEADERS = {
    "top": ("tt0111161", "tt1375666", "tt0110912", "tt0095327", "tt0211915", "tt0079944", "tt0083987"),
    "moviemeter": ("tt6710474", "tt1375666", "tt0110912"),
    "toptv": ("tt0903747",),
}
_CHART_ID_BASE = {"top": 7_000_000, "moviemeter": 7_100_000, "toptv": 7_200_000}


def chart_titles(chart: str) -> list[StandinTitle]:
    """The chart's titles in rank order (top: 250, moviemeter: 100, toptv: 250)."""
    leaders = [TITLES[imdb_id] for imdb_id in _CHART_LEADERS[chart]]
    titles = list(leaders)
    rank = len(titles)
    while len(titles) < CHART_SIZES[chart]:
        rank += 1
        rating = round(max(9.2 - rank * 0.01, 7.0), 1) if chart != "moviemeter" else None
        imdb_id = f"tt{_CHART_ID_BASE[chart] + rank:07d}"
        titles.append(
            title_made_up(imdb_id, rating=rating, title_type="tvSeries" if chart == "toptv" else "movie")
        )
    if chart != "moviemeter":
        titles.sort(key=lambda title: -(title.rating or 0))
    return titles


def search_titles(query: str, total: int) -> list[StandinTitle]:
    """`total` made-up results for a search or list, the same for the same query string."""
    base = 8_000_000 + int(hashlib.sha256(query.encode()).hexdigest()[:4], 16) * 1000
    return [title_made_up(f"tt{base + number:07d}") for number in range(1, total + 1)]
