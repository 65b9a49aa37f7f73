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

# Longer queries are cut: no title is this long, and the LIKE pattern stays small.
QUERY_MAX_LENGTH = 200
# Each select is labelled above, so its empty choice needs only one word, whatever the field.
ANY = ("", _("All"))
RATING_CHOICES = [ANY, *((str(rating), f"{rating}+") for rating in (9, 8, 7, 6, 5))]


@dataclass(frozen=True)
class TitleFilters:
    query: str = ""
    genre: str | None = None
    decade: Decade | None = None
    title_type: str | None = None
    min_rating: Decimal | None = None

    @property
    def is_active(self) -> bool:
        return bool(self.query or self.genre or self.decade or self.title_type or self.min_rating is not None)

    def querystring(self) -> str:
        """The list page's query string for these filters, without the page."""
        params = {
            "q": self.query,
            "genre": self.genre,
            "decade": str(self.decade) if self.decade is not None else None,
            "type": self.title_type,
            "rating": self.min_rating,
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

    def __init__(self, data: QueryDict, *, genres: list[str], decades: list[Decade]) -> None:
        super().__init__(data)
        genre_options = sorted(
            ((genre, genre_label(genre)) for genre in genres), key=lambda option: option[1]
        )
        self.fields["genre"].choices = [ANY, *genre_options]
        self.fields["decade"].choices = [ANY, *((str(decade), decade_label(decade)) for decade in decades)]
        for name in ("genre", "decade", "type", "rating"):
            self.fields[name].widget.attrs["data-testid"] = f"filter-{name}"

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
        )

    def ignored_labels(self) -> list[str]:
        """The labels of the fields whose submitted value was not understood."""
        return [str(self.fields[name].label) for name in self.fields if name in self.errors]
