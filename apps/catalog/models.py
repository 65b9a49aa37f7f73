"""Titles (movies and series), the people who made them, their genres and localized names.

Rows are written only by the ETL pipeline (apps/catalog/pipeline) and the admin;
other apps read them through apps/catalog/selectors.py.
"""

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.catalog.names import NAME_MAX_LENGTH
from apps.catalog.search.text import search_fold

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
    TMDB = "tmdb", _("TMDB")
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
    # From TMDB (apps/scraping/tmdb.py): the photo is a TMDB image path, sized at render time.
    # db_default: the datasets import writes people naming only the columns it fills.
    tmdb_id = models.PositiveIntegerField(_("TMDB id"), null=True, blank=True)
    profile_path = models.CharField(_("photo"), max_length=200, blank=True, default="", db_default="")
    known_for_department = models.CharField(
        _("known for"), max_length=32, blank=True, default="", db_default=""
    )
    # The name folded as search folds queries (apps/catalog/search/text.py), trigram-indexed
    # (apps/catalog/search/index.py). Bulk writers set it themselves; save() covers the rest.
    search_name = models.TextField(editable=False, blank=True, default="", db_default="")

    class Meta:
        ordering = ["name"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        constraints = [models.UniqueConstraint(fields=["imdb_id"], name="catalog_person_imdb_id_unique")]
        indexes = [
            models.Index(
                fields=["tmdb_id"], condition=models.Q(tmdb_id__isnull=False), name="catalog_person_tmdb_id"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        self.search_name = search_fold(self.name)
        if kwargs.get("update_fields") is not None and "name" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_name"}
        super().save(*args, **kwargs)


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
    original_language = models.CharField(
        _("original language"), max_length=8, blank=True, default="", db_default=""
    )
    countries = models.JSONField(_("countries"), default=list, blank=True, db_default=[])  # ISO 3166-1 codes
    number_of_seasons = models.PositiveSmallIntegerField(_("seasons"), null=True, blank=True)

    # From TMDB (apps/scraping/tmdb.py). Defaults are the database's too (db_default): the bulk
    # writers of other sources name only the columns they fill. Images are TMDB paths ("/abc.jpg"): the page builds
    # each size's URL from the image base TMDB's /3/configuration names.
    tmdb_id = models.PositiveIntegerField(_("TMDB id"), null=True, blank=True)
    poster_path = models.CharField(_("TMDB poster"), max_length=200, blank=True, default="", db_default="")
    backdrop_path = models.CharField(
        _("TMDB backdrop"), max_length=200, blank=True, default="", db_default=""
    )
    # Per language ("uk", "ru", "en"): {"title": …, "overview": …, "tagline": …}, each optional.
    translations = models.JSONField(_("translations"), default=dict, blank=True, db_default={})
    # The release date and age rating of one region: Ukraine's when TMDB has it, else the US'.
    regional_release_date = models.DateField(_("release date in the region"), null=True, blank=True)
    age_rating = models.CharField(_("age rating"), max_length=16, blank=True, default="", db_default="")
    release_region = models.CharField(_("region"), max_length=2, blank=True, default="", db_default="")
    # [{"key": YouTube id, "name": …, "language": "uk", "official": bool}], best first.
    trailers = models.JSONField(_("trailers"), default=list, blank=True, db_default=[])
    # Ukraine's offers from TMDB's watch/providers (data by JustWatch):
    # {"link": …, "flatrate"|"rent"|"buy": [{"name": …, "logo_path": …}]}.
    watch_providers = models.JSONField(_("where to watch"), default=dict, blank=True, db_default={})
    tmdb_vote_average = models.DecimalField(
        _("TMDB rating"),
        max_digits=3,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(10)],
    )
    tmdb_vote_count = models.PositiveIntegerField(_("TMDB votes"), default=0, db_default=0)
    tmdb_popularity = models.FloatField(_("TMDB popularity"), null=True, blank=True)
    # When TMDB was last asked about this title, found or not: reruns skip what is fresh.
    tmdb_checked_at = models.DateTimeField(_("TMDB checked at"), null=True, blank=True)

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

    # Every title it is known by (primary, original, localized), one a line, folded as search
    # folds queries (apps/catalog/search/text.py) and trigram-indexed (search/index.py).
    search_text = models.TextField(editable=False, blank=True)
    # The name a visitor reading each language sees (apps/catalog/names.py), kept by
    # enrichment, so that a list sorted by name is read in index order: migration
    # 0008_lists_sort_names indexes each under PostgreSQL's ICU collation for its language.
    name_uk = models.CharField(
        max_length=NAME_MAX_LENGTH, blank=True, default="", db_default="", editable=False
    )
    name_ru = models.CharField(
        max_length=NAME_MAX_LENGTH, blank=True, default="", db_default="", editable=False
    )
    name_en = models.CharField(
        max_length=NAME_MAX_LENGTH, blank=True, default="", db_default="", editable=False
    )

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
            models.Index(
                fields=["tmdb_id"], condition=models.Q(tmdb_id__isnull=False), name="catalog_title_tmdb_id"
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


# The fields TMDB owns: the merge ranks TMDB first on them (apps/catalog/pipeline/merge.py),
# the admin shows them read-only.
TMDB_OWN_FIELDS = (
    "tmdb_id",
    "poster_path",
    "backdrop_path",
    "translations",
    "original_language",
    "countries",
    "number_of_seasons",
    "regional_release_date",
    "age_rating",
    "release_region",
    "trailers",
    "watch_providers",
    "tmdb_vote_average",
    "tmdb_vote_count",
    "tmdb_popularity",
)


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
