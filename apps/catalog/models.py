"""Titles (movies and series), the people who made them, their genres and localized names.

Rows are written only by the ETL pipeline (apps/catalog/pipeline) and the admin;
other apps read them through apps/catalog/selectors.py.
"""

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

IMDB_TITLE_ID = RegexValidator(r"^tt\d{7,8}$", _("An IMDb title id is tt followed by 7 or 8 digits."))
IMDB_NAME_ID = RegexValidator(r"^nm\d{7,8}$", _("An IMDb name id is nm followed by 7 or 8 digits."))


class TitleType(models.TextChoices):
    MOVIE = "movie", _("Movie")
    SHORT = "short", _("Short")
    TV_MOVIE = "tvMovie", _("TV movie")
    TV_SERIES = "tvSeries", _("TV series")
    TV_MINI_SERIES = "tvMiniSeries", _("TV mini-series")
    TV_SPECIAL = "tvSpecial", _("TV special")
    TV_SHORT = "tvShort", _("TV short")
    TV_EPISODE = "tvEpisode", _("TV episode")
    TV_PILOT = "tvPilot", _("TV pilot")
    VIDEO = "video", _("Video")
    VIDEO_GAME = "videoGame", _("Video game")


class Source(models.TextChoices):
    """Where a value came from; the merge rule ranks them (apps/catalog/pipeline/merge.py)."""

    IMDB_DATASETS = "imdb_datasets", _("IMDb datasets")
    IMDB_PAGE = "imdb_page", _("IMDb page")
    LAKE_IMPORT = "lake_import", _("Data-lake import")
    ADMIN = "admin", _("Admin")


class Genre(models.Model):
    name = models.CharField(_("name"), max_length=64, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("genre")
        verbose_name_plural = _("genres")

    def __str__(self) -> str:
        return self.name


class Person(models.Model):
    # Unique by a constraint rather than `unique=True`, which on PostgreSQL adds a second,
    # LIKE-pattern index that no query uses and every import would keep up.
    imdb_id = models.CharField(_("IMDb id"), max_length=12, validators=[IMDB_NAME_ID])
    name = models.CharField(_("name"), max_length=300)
    birth_year = models.PositiveSmallIntegerField(_("birth year"), null=True, blank=True)
    death_year = models.PositiveSmallIntegerField(_("death year"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        constraints = [models.UniqueConstraint(fields=["imdb_id"], name="catalog_person_imdb_id_unique")]

    def __str__(self) -> str:
        return self.name


class EnrichPending(models.IntegerChoices):
    """What a merge left for enrichment to recompute; ordered, a merge keeps the larger."""

    NO = 0, _("nothing")
    TITLE = 1, _("the title")
    # Its people, genres or year changed: the titles it may be recommended with too.
    NEIGHBOURS = 2, _("the title and its neighbours")


class Title(models.Model):
    # Unique and indexed by Meta's constraint and index (see Person.imdb_id).
    imdb_id = models.CharField(_("IMDb id"), max_length=12, validators=[IMDB_TITLE_ID])
    title_type = models.CharField(_("type"), max_length=16, choices=TitleType.choices)
    primary_title = models.CharField(_("title"), max_length=500)
    original_title = models.CharField(_("original title"), max_length=500, blank=True)
    is_adult = models.BooleanField(_("adult"), default=False)
    start_year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True, db_index=True)
    end_year = models.PositiveSmallIntegerField(_("end year"), null=True, blank=True)
    release_date = models.DateField(_("release date"), null=True, blank=True)
    runtime_minutes = models.PositiveIntegerField(_("runtime (minutes)"), null=True, blank=True)
    rating = models.DecimalField(
        _("rating"),
        max_digits=3,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(10)],
    )
    votes = models.PositiveIntegerField(_("votes"), default=0)
    plot = models.TextField(_("plot"), blank=True)
    poster_url = models.URLField(_("poster"), max_length=500, blank=True)
    certificate = models.CharField(_("certificate"), max_length=16, blank=True)
    keywords = models.JSONField(_("keywords"), default=list, blank=True)
    genres = models.ManyToManyField(Genre, related_name="titles", blank=True, verbose_name=_("genres"))
    people = models.ManyToManyField(Person, through="Credit", related_name="titles", blank=True)

    # Provenance: the source of the latest change, and per field which source and when.
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    source_url = models.URLField(_("source URL"), max_length=500, blank=True)
    scraped_at = models.DateTimeField(_("scraped at (UTC)"), null=True, blank=True)
    field_sources = models.JSONField(_("field sources"), default=dict, blank=True, editable=False)
    # What a source sent that did not fit: unknown fields, values of the wrong type.
    rescued_data = models.JSONField(_("rescued data"), default=dict, blank=True)

    # Enrichment, recomputed in bulk by the pipeline.
    # Not indexed: the decade filter asks for a range of start years, which is.
    decade_category = models.CharField(_("decade"), max_length=8, blank=True)
    genre_categories = models.JSONField(_("themes"), default=list, blank=True)
    director_stats = models.JSONField(_("director stats"), default=dict, blank=True)
    sentiment_analysis = models.JSONField(_("plot sentiment"), default=dict, blank=True)
    recommendations = models.JSONField(_("recommendations"), default=list, blank=True)
    # Set by merges, cleared once derived fields are recomputed and the change announced
    # (apps/catalog/pipeline/enrich/).
    enrich_pending = models.PositiveSmallIntegerField(
        choices=EnrichPending.choices, default=EnrichPending.NO, editable=False
    )

    # Every title it is known by (primary, original, localized), case-folded, for search
    # that works alike for Cyrillic and Latin on SQLite and PostgreSQL.
    search_text = models.TextField(editable=False, blank=True)

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-votes", "imdb_id"]
        verbose_name = _("title")
        verbose_name_plural = _("titles")
        indexes = [
            models.Index(fields=["title_type"], name="catalog_title_type"),
            models.Index(fields=["-votes"]),
            models.Index(fields=["-rating"]),
            models.Index(
                fields=["enrich_pending"],
                condition=models.Q(enrich_pending__gt=0),
                name="catalog_title_enrich_pending",
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["imdb_id"], name="catalog_title_imdb_id_unique"),
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__gte=0, rating__lte=10),
                name="catalog_title_rating_range",
            ),
            models.CheckConstraint(
                condition=models.Q(end_year__isnull=True)
                | models.Q(start_year__isnull=True)
                | models.Q(end_year__gte=models.F("start_year")),
                name="catalog_title_years_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.primary_title} ({self.start_year})" if self.start_year else self.primary_title


class CreditRole(models.TextChoices):
    DIRECTOR = "director", _("Director")
    WRITER = "writer", _("Writer")
    STAR = "star", _("Star")


# Each role by the name of the list its people come in: records, lake lines and merges use it.
CREDIT_ROLES = {"directors": CreditRole.DIRECTOR, "writers": CreditRole.WRITER, "stars": CreditRole.STAR}


class Credit(models.Model):
    """A person's part in a title, in credit order (IMDb's `ordering`)."""

    # Indexed by the unique constraint, whose first column it is: no index of its own to keep up.
    title = models.ForeignKey(Title, on_delete=models.CASCADE, related_name="credits", db_index=False)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="credits")
    role = models.CharField(_("role"), max_length=16, choices=CreditRole.choices)
    ordering = models.PositiveSmallIntegerField(_("order"), default=0)
    characters = models.JSONField(_("characters"), default=list, blank=True)

    class Meta:
        ordering = [
            "title_id",
            "role",
            "ordering",
        ]  # by id: ordering by "title" would join titles for their order
        verbose_name = _("credit")
        verbose_name_plural = _("credits")
        constraints = [
            models.UniqueConstraint(fields=["title", "person", "role"], name="catalog_credit_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.get_role_display()})"


class LocalizedTitle(models.Model):
    """A title's name in a region or language (IMDb's akas)."""

    title = models.ForeignKey(
        Title, on_delete=models.CASCADE, related_name="localized_titles", db_index=False
    )  # the unique constraint's first column: indexed there
    name = models.CharField(_("name"), max_length=500)
    region = models.CharField(_("region"), max_length=4, blank=True)
    language = models.CharField(_("language"), max_length=8, blank=True)
    is_original = models.BooleanField(_("original title"), default=False)
    ordering = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["title_id", "ordering"]
        verbose_name = _("localized title")
        verbose_name_plural = _("localized titles")
        constraints = [
            models.UniqueConstraint(
                fields=["title", "region", "language", "name"], name="catalog_aka_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} [{self.region or self.language or '-'}]"


class RecommendationBucket(models.Model):
    """The 20 most voted titles of a (decade, genre), as recommendations last saw them."""

    decade = models.CharField(max_length=8)
    genre = models.CharField(max_length=64)
    title_ids = models.JSONField(default=list)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["decade", "genre"], name="catalog_bucket_unique")]

    def __str__(self) -> str:
        return f"{self.genre}, {self.decade}"


class DatasetFile(models.Model):
    """A dataset file as the last complete import read it; an identical file is not read again."""

    name = models.CharField(max_length=32, primary_key=True)
    fingerprint = models.CharField(max_length=200)
    imported_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.name


class DatasetDigest(models.Model):
    """Digests of a title's lines in each title file at its last import: an unchanged title
    is recognized without going through the pipeline (apps/scraping/imdb_datasets.py)."""

    imdb_id = models.CharField(max_length=12, primary_key=True)
    basics = models.BigIntegerField()
    ratings = models.BigIntegerField()
    crew = models.BigIntegerField()
    principals = models.BigIntegerField()
    akas = models.BigIntegerField()

    def __str__(self) -> str:
        return self.imdb_id
