"""The catalog in the admin: titles with their credits and localized names, people, genres."""

from django.contrib import admin
from django.db.models import Q, QuerySet
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from apps.catalog.models import TMDB_OWN_FIELDS, Credit, Genre, LocalizedTitle, Person, Source, Title
from apps.catalog.search import search_fold
from apps.catalog.services import title_admin_saved
from core.admin import HTTPS_URL_FIELDS

# Where a title's values came from: written by the pipeline (and by save_model for an edit
# here), so shown but never edited.
PROVENANCE_FIELDS = (
    "source",
    "source_url",
    "scraped_at",
    "field_sources",
    "rescued_data",
    "created_at",
    "updated_at",
)

# What TMDB fills (apps/catalog/tmdb_enrich.py), shown read-only: `enrich_tmdb` refreshes it.
TMDB_FIELDS = (*TMDB_OWN_FIELDS, "tmdb_checked_at")


class CreditInline(admin.TabularInline):
    model = Credit
    extra = 0
    fields = ("role", "ordering", "person", "characters")
    autocomplete_fields = ("person",)


class LocalizedTitleInline(admin.TabularInline):
    model = LocalizedTitle
    extra = 0
    fields = ("name", "region", "language", "is_original", "ordering")


@admin.register(Title)
class TitleAdmin(admin.ModelAdmin):
    list_display = ("imdb_id", "primary_title", "title_type", "start_year", "rating", "votes", "source")
    list_filter = ("title_type", "genres", "decade_category", "source")
    # The search itself is get_search_results; this only turns the search box on.
    search_fields = ("imdb_id",)
    search_help_text = _("Any name of the title, in any language, or its IMDb id (tt0111161).")
    # Counting every title for "N total" is a full scan on a big catalog.
    show_full_result_count = False
    filter_horizontal = ("genres",)
    formfield_overrides = HTTPS_URL_FIELDS
    inlines = (CreditInline, LocalizedTitleInline)
    readonly_fields = (*TMDB_FIELDS, *PROVENANCE_FIELDS)
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "imdb_id",
                    "title_type",
                    "primary_title",
                    "original_title",
                    "is_adult",
                    ("start_year", "end_year"),
                    "release_date",
                    "runtime_minutes",
                    ("rating", "votes"),
                    "certificate",
                    "genres",
                    "plot",
                    "poster_url",
                    "keywords",
                )
            },
        ),
        (
            _("Enrichment"),
            {
                "classes": ("collapse",),
                "fields": (
                    "decade_category",
                    "genre_categories",
                    "director_stats",
                    "sentiment_analysis",
                    "recommendations",
                ),
            },
        ),
        (
            _("TMDB"),
            {
                "classes": ("collapse",),
                "fields": TMDB_FIELDS,
            },
        ),
        (
            _("Provenance"),
            {
                "classes": ("collapse",),
                "fields": PROVENANCE_FIELDS,
            },
        ),
    )

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Title], search_term: str
    ) -> tuple[QuerySet[Title], bool]:
        """Titles known by the term in any script and case (see apps/catalog/search.py), or by id."""
        term = search_term.strip()
        if not term:
            return queryset, False
        return queryset.filter(Q(search_text__contains=search_fold(term)) | Q(imdb_id=term)), False

    def save_model(self, request: HttpRequest, obj: Title, form: ModelForm, change: bool) -> None:
        obj.source = Source.ADMIN
        super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form: ModelForm, formsets: list, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        changed = [*form.changed_data, *(["credits"] if any(f.has_changed() for f in formsets) else [])]
        title_admin_saved(title=form.instance, changed_fields=changed)


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ("imdb_id", "name", "birth_year", "death_year")
    readonly_fields = ("tmdb_id", "profile_path", "known_for_department")
    search_fields = ("=imdb_id", "name")
    show_full_result_count = False


@admin.register(Genre)
class GenreAdmin(admin.ModelAdmin):
    list_display = ("name",)
    search_fields = ("name",)
