"""The dashboard's filters (a genre, a city), parsed from its query string."""

from dataclasses import dataclass

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from apps.catalog.forms import ANY
from apps.catalog.labels import genre_label
from apps.trends.boards import GLOBAL, city_board, genre_board


@dataclass(frozen=True)
class City:
    slug: str
    name: str


@dataclass(frozen=True)
class BoardFilters:
    """Which board the dashboard shows; a genre with a city narrows the city's board to it."""

    genre: str | None = None
    city: City | None = None

    @property
    def board(self) -> str:
        if self.city is not None:
            return city_board(self.city.slug)
        if self.genre is not None:
            return genre_board(self.genre)
        return GLOBAL

    @property
    def narrowing_genre(self) -> str | None:
        """The genre to keep from a board that is not the genre's own."""
        return self.genre if self.city is not None else None

    @property
    def is_active(self) -> bool:
        return self.genre is not None or self.city is not None


class BoardFilterForm(forms.Form):
    """Two selects that work without JavaScript; a value no select offers is left out and named."""

    genre = forms.ChoiceField(label=_("Genre"), required=False)
    city = forms.ChoiceField(label=_("City"), required=False)

    def __init__(self, data: QueryDict, *, genres: list[str], cities: list[City]) -> None:
        super().__init__(data)
        self.cities = {city.slug: city for city in cities}
        self.fields["genre"].choices = [
            ANY,
            *sorted(((name, genre_label(name)) for name in genres), key=lambda choice: str(choice[1])),
        ]
        self.fields["city"].choices = [ANY, *((city.slug, city.name) for city in cities)]
        self.fields["genre"].widget.attrs["data-testid"] = "board-filter-genre"
        self.fields["city"].widget.attrs["data-testid"] = "board-filter-city"

    def filters(self) -> BoardFilters:
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        genre = cleaned.get("genre") or None
        city = self.cities.get(cleaned.get("city") or "")
        return BoardFilters(genre=genre, city=city)

    def unknown(self) -> dict[str, str]:
        """The values asked for that no select offers, by field ("genre": "Dramaa")."""
        self.is_valid()
        return {name: str(self.data.get(name, "")) for name in self.errors}
