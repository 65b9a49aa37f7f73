"""Catalog rows for tests; titles keep `search_text` and display names in step with their names, as the pipeline does.

A title with everything its page shows:

TitleFactory(
    primary_title="The Shawshank Redemption",
    akas=[("Втеча з Шоушенка", "UA", "uk")],
    genres=["Drama"],
    directors=["Frank Darabont"],
    stars=[("Tim Robbins", ["Andy Dufresne"])],
)
"""

from collections.abc import Iterable
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from apps.catalog.models import Credit, CreditRole, Genre, LocalizedTitle, Person, Source, Title, TitleType
from apps.catalog.names import names_of
from apps.catalog.search import search_text_build


def search_text_refresh(title: Title) -> None:
    """Store the search text of every name the title now has, and its display names (what
    lists sort by), as the pipeline would."""
    akas = list(title.localized_titles.order_by("ordering", "pk"))
    names = [title.primary_title, title.original_title, *(aka.name for aka in akas)]
    title.search_text = search_text_build(names)
    display = names_of(primary=title.primary_title, translations=title.translations, akas=akas)
    for field, name in display.items():
        setattr(title, field, name)
    Title.objects.filter(pk=title.pk).update(search_text=title.search_text, **display)


class GenreFactory(DjangoModelFactory):
    class Meta:
        model = Genre
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Genre {n}")


class PersonFactory(DjangoModelFactory):
    class Meta:
        model = Person
        django_get_or_create = ("imdb_id",)

    imdb_id = factory.Sequence(lambda n: f"nm{n + 1000000:07d}")
    name = factory.Faker("name")


def _person(person: Person | str) -> Person:
    return person if isinstance(person, Person) else PersonFactory(name=person)


class TitleFactory(DjangoModelFactory):
    """A movie; `genres`, `akas`, `directors`, `writers` and `stars` take plain values.

    genres: names or Genre rows. akas: (name, region, language) tuples or names (region UA,
    language uk). directors/writers: names or Person rows. stars: those or (person, [characters]).
    """

    class Meta:
        model = Title
        skip_postgeneration_save = True

    imdb_id = factory.Sequence(lambda n: f"tt{n + 1000000:07d}")
    title_type = TitleType.MOVIE
    primary_title = factory.Sequence(lambda n: f"Title {n}")
    original_title = factory.LazyAttribute(lambda title: title.primary_title)
    start_year = 1994
    runtime_minutes = 120
    rating = Decimal("7.0")
    votes = factory.Sequence(lambda n: 1000 + n)
    source = Source.IMDB_DATASETS

    @factory.post_generation
    def genres(self, create: bool, extracted: Iterable[Genre | str] | None, **kwargs: object) -> None:
        if create and extracted:
            self.genres.set(
                [genre if isinstance(genre, Genre) else GenreFactory(name=genre) for genre in extracted]
            )

    @factory.post_generation
    def akas(
        self, create: bool, extracted: Iterable[tuple[str, str, str] | str] | None, **kwargs: object
    ) -> None:
        for ordering, aka in enumerate(extracted or (), start=1):
            name, region, language = (aka, "UA", "uk") if isinstance(aka, str) else aka
            LocalizedTitle.objects.create(
                title=self, name=name, region=region, language=language, ordering=ordering
            )

    @factory.post_generation
    def directors(self, create: bool, extracted: Iterable[Person | str] | None, **kwargs: object) -> None:
        for ordering, person in enumerate(extracted or (), start=1):
            Credit.objects.create(
                title=self, person=_person(person), role=CreditRole.DIRECTOR, ordering=ordering
            )

    @factory.post_generation
    def writers(self, create: bool, extracted: Iterable[Person | str] | None, **kwargs: object) -> None:
        for ordering, person in enumerate(extracted or (), start=1):
            Credit.objects.create(
                title=self, person=_person(person), role=CreditRole.WRITER, ordering=ordering
            )

    @factory.post_generation
    def stars(
        self,
        create: bool,
        extracted: Iterable[Person | str | tuple[Person | str, list[str]]] | None,
        **kwargs: object,
    ) -> None:
        for ordering, star in enumerate(extracted or (), start=1):
            person, characters = star if isinstance(star, tuple) else (star, [])
            Credit.objects.create(
                title=self,
                person=_person(person),
                role=CreditRole.STAR,
                ordering=ordering,
                characters=characters,
            )

    @factory.post_generation
    def refresh_search_text(self, create: bool, extracted: object, **kwargs: object) -> None:
        # Declared last, so it sees the akas added above.
        if create:
            search_text_refresh(self)


class CreditFactory(DjangoModelFactory):
    class Meta:
        model = Credit

    title = factory.SubFactory(TitleFactory)
    person = factory.SubFactory(PersonFactory)
    role = CreditRole.STAR
    ordering = factory.Sequence(lambda n: n + 1)


class LocalizedTitleFactory(DjangoModelFactory):
    """A localized name; its title's search text is refreshed to include it."""

    class Meta:
        model = LocalizedTitle
        skip_postgeneration_save = True

    title = factory.SubFactory(TitleFactory)
    name = factory.Sequence(lambda n: f"Назва {n}")
    region = "UA"
    language = "uk"
    ordering = factory.Sequence(lambda n: n + 1)

    @factory.post_generation
    def refresh_search_text(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            search_text_refresh(self.title)
