"""The catalog list's search and filters, parsed from its query string."""

from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urlencode

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from apps.catalog.decades import Decade
from apps.catalog.labels import decade_label, genre_label
from apps.catalog.models import TitleType
from apps.catalog.selectors import COLLECTION_UKRAINIAN, TitleSort

# Longer queries are cut: no title is this long, and the LIKE pattern stays small.
QUERY_MAX_LENGTH = 200
# Each select is labelled above, so its empty choice needs only one word, whatever the field.
ANY = ("", _("All"))
RATING_CHOICES = [ANY, *((str(rating), f"{rating}+") for rating in (9, 8, 7, 6, 5))]
SORT_CHOICES = [
    (TitleSort.POPULAR, _("Most popular")),
    (TitleSort.RATING, _("Highest rated")),
    (TitleSort.YEAR, _("Newest first")),
    # Translated with the language's own alphabet: "Назва А–Я".
    (TitleSort.TITLE, _("Title A–Z")),
]
COLLECTION_CHOICES = [ANY, (COLLECTION_UKRAINIAN, _("Ukrainian cinema"))]
# The first films were shot in the 1870s and 1880s; a year past this is a typo.
FIRST_FILM_YEAR, LAST_LISTED_YEAR = 1870, 2100


@dataclass(frozen=True)
class TitleFilters:
    query: str = ""
    genre: str | None = None
    decade: Decade | None = None
    title_type: str | None = None
    min_rating: Decimal | None = None
    year_from: int | None = None
    year_to: int | None = None
    collection: str | None = None
    sort: TitleSort = TitleSort.POPULAR

    @property
    def is_active(self) -> bool:
        return bool(
            self.query
            or self.genre
            or self.decade
            or self.title_type
            or self.min_rating is not None
            or self.year_from is not None
            or self.year_to is not None
            or self.collection
        )

    def querystring(self) -> str:
        """The list page's query string for these filters, without the page."""
        params = {
            "q": self.query,
            "genre": self.genre,
            "decade": str(self.decade) if self.decade is not None else None,
            "type": self.title_type,
            "rating": self.min_rating,
            "from": self.year_from,
            "to": self.year_to,
            "collection": self.collection,
            "sort": self.sort if self.sort != TitleSort.POPULAR else None,
        }
        return urlencode({name: value for name, value in params.items() if value not in (None, "")})


class TitleFilterForm(forms.Form):
    """The list page's GET form; a value it cannot use is ignored, and named by ignored_labels."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        widget=forms.SearchInput(
            attrs={"placeholder": _("Title or IMDb id"), "data-testid": "catalog-search"}
        ),
    )
    genre = forms.ChoiceField(label=_("Genre"), required=False)
    decade = forms.ChoiceField(label=_("Decade"), required=False)
    type = forms.ChoiceField(label=_("Type"), required=False, choices=[ANY, *TitleType.choices])
    rating = forms.DecimalField(
        label=_("Rating"),
        required=False,
        min_value=0,
        max_value=10,
        max_digits=3,
        decimal_places=1,
        widget=forms.Select(choices=RATING_CHOICES),
    )
    year_from = forms.IntegerField(
        label=_("Years from"),
        required=False,
        min_value=FIRST_FILM_YEAR,
        max_value=LAST_LISTED_YEAR,
        widget=forms.NumberInput(attrs={"placeholder": "1990", "inputmode": "numeric"}),
    )
    year_to = forms.IntegerField(
        label=_("Years to"),
        required=False,
        min_value=FIRST_FILM_YEAR,
        max_value=LAST_LISTED_YEAR,
        widget=forms.NumberInput(attrs={"placeholder": "1999", "inputmode": "numeric"}),
    )
    collection = forms.ChoiceField(label=_("Collection"), required=False, choices=COLLECTION_CHOICES)
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=SORT_CHOICES)

    field_order = ["q", "sort", "genre", "type", "decade", "rating", "collection", "year_from", "year_to"]
    # The query string's names: short, and what the list's links have always used.
    PARAMETERS = {"year_from": "from", "year_to": "to"}

    def __init__(self, data: QueryDict, *, genres: list[str], decades: list[Decade]) -> None:
        super().__init__(data)
        genre_options = sorted(
            ((genre, genre_label(genre)) for genre in genres), key=lambda option: option[1]
        )
        self.fields["genre"].choices = [ANY, *genre_options]
        self.fields["decade"].choices = [ANY, *((str(decade), decade_label(decade)) for decade in decades)]
        for name in ("genre", "decade", "type", "rating", "year_from", "year_to", "collection", "sort"):
            self.fields[name].widget.attrs["data-testid"] = f"filter-{name}"

    def add_prefix(self, field_name: str) -> str:
        return self.PARAMETERS.get(field_name, field_name)

    def clean(self) -> dict:
        data = super().clean()
        first, last = data.get("year_from"), data.get("year_to")
        if first is not None and last is not None and first > last:
            # Neither end can be trusted: the list shows every year and says why.
            self.add_error("year_to", _("The last year comes before the first."))
            data.pop("year_from")
        return data

    def clean_q(self) -> str:
        return " ".join(self.cleaned_data["q"].split())[:QUERY_MAX_LENGTH]

    def filters(self) -> TitleFilters:
        """The valid part of the submitted filters."""
        self.is_valid()  # fields that fail are left out of cleaned_data, so they are ignored
        data = self.cleaned_data
        return TitleFilters(
            query=data.get("q", ""),
            genre=data.get("genre") or None,
            decade=Decade.parse(data["decade"]) if data.get("decade") else None,  # one of the choices
            title_type=data.get("type") or None,
            min_rating=data.get("rating"),
            year_from=data.get("year_from"),
            year_to=data.get("year_to"),
            collection=data.get("collection") or None,
            sort=TitleSort(data.get("sort") or TitleSort.POPULAR),
        )

    def ignored_labels(self) -> list[str]:
        """The labels of the fields whose submitted value was not understood."""
        return [str(self.fields[name].label) for name in self.fields if name in self.errors]

    def problems(self) -> list[str]:
        """Why each ignored value was not understood, for the visitor: "Years to: …"."""
        return [
            f"{self.fields[name].label}: {' '.join(self.errors[name])}"
            for name in self.fields
            if name in self.errors
        ]
