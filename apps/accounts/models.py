"""People who sign in, their preferences and what they think of titles.

The e-mail address is the login (no username). A person's preferences live on the user row
itself: they are read on every signed-in request (the language), so a second table would
cost a join or a query each time. Rows are written by apps/accounts/services.py only.
"""

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

RATING_MIN = 1
RATING_MAX = 10


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **fields: object) -> "User":
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **fields: object) -> "User":
        fields.setdefault("is_staff", False)
        fields.setdefault("is_superuser", False)
        return self._create(email, password, **fields)

    def create_superuser(self, email: str, password: str | None = None, **fields: object) -> "User":
        fields.update(is_staff=True, is_superuser=True)
        return self._create(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person with an account; signs in with their e-mail address."""

    class Language(models.TextChoices):
        UKRAINIAN = "uk", _("Ukrainian")
        ENGLISH = "en", _("English")
        RUSSIAN = "ru", _("Russian")

    email = models.EmailField(_("e-mail address"), max_length=254, unique=True)
    is_staff = models.BooleanField(_("staff"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)
    # Preferences (the profile page).
    language = models.CharField(_("language"), max_length=2, choices=Language.choices, default="uk")
    home_city = models.ForeignKey(
        "showtimes.Location",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("home city"),
    )
    favourite_genres = models.ManyToManyField(
        "catalog.Genre", blank=True, related_name="+", verbose_name=_("favourite genres")
    )
    # The secret in the private calendar feed's URL; None: no feed (never issued, or revoked).
    calendar_token = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    # The weekly "What's trending" e-mail (apps/accounts/trends_report.py); asked for, never assumed.
    is_trends_report_on = models.BooleanField(_("weekly trends e-mail"), default=False)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique")]

    def __str__(self) -> str:
        return self.email

    @property
    def short_name(self) -> str:
        """How the header names the person: their address's local part."""
        return self.email.split("@", 1)[0]

    def clean(self) -> None:
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()


class TitleMark(models.Model):
    """What one person marked on one title: a rating, "seen", a place on the watchlist."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="title_marks")
    title = models.ForeignKey("catalog.Title", on_delete=models.CASCADE, related_name="+")
    rating = models.PositiveSmallIntegerField(
        _("rating"),
        null=True,
        blank=True,
        validators=[MinValueValidator(RATING_MIN), MaxValueValidator(RATING_MAX)],
    )
    seen_at = models.DateTimeField(_("seen"), null=True, blank=True)
    # "Seen" counts as one view for the trend score the first time only, however often it is
    # unmarked and marked again.
    is_seen_counted = models.BooleanField(default=False)
    watchlisted_at = models.DateTimeField(_("on the watchlist since"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("title mark")
        verbose_name_plural = _("title marks")
        constraints = [
            models.UniqueConstraint(fields=["user", "title"], name="accounts_titlemark_user_title_unique"),
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True)
                | models.Q(rating__gte=RATING_MIN, rating__lte=RATING_MAX),
                name="accounts_titlemark_rating_range",
            ),
        ]
        indexes = [
            models.Index(fields=["user", "-watchlisted_at"], name="accounts_mark_watchlist_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.title_id}"


class FilmAlert(models.Model):
    """ "Tell me when this film has sessions in my city": one e-mail, once per film and city."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="film_alerts")
    title = models.ForeignKey("catalog.Title", on_delete=models.CASCADE, related_name="+")
    location = models.ForeignKey("showtimes.Location", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("film alert")
        verbose_name_plural = _("film alerts")
        constraints = [
            models.UniqueConstraint(fields=["user", "title", "location"], name="accounts_filmalert_once")
        ]
        indexes = [
            models.Index(
                fields=["location", "title"],
                condition=models.Q(sent_at__isnull=True),
                name="accounts_alert_due_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.title_id}@{self.location_id}"


class SessionMark(models.Model):
    """A session a person put in their calendar feed."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="session_marks")
    session = models.ForeignKey("showtimes.Session", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("session in a calendar")
        verbose_name_plural = _("sessions in calendars")
        constraints = [models.UniqueConstraint(fields=["user", "session"], name="accounts_sessionmark_once")]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.session_id}"


class SavedCity(models.Model):
    """A city a person keeps beside their home city (which counts as the first of their cities)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="saved_cities")
    location = models.ForeignKey("showtimes.Location", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("saved city")
        verbose_name_plural = _("saved cities")
        constraints = [models.UniqueConstraint(fields=["user", "location"], name="accounts_savedcity_once")]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.location_id}"


class TrendsReportSent(models.Model):
    """One weekly trends e-mail to one person: the row is taken before the mail goes out, so a
    re-run or a retried beat task never mails the same week twice."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    # The Monday that names the report's week (apps/accounts/trends_report.py:report_week).
    week = models.DateField(_("week"))
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("trends e-mail sent")
        verbose_name_plural = _("trends e-mails sent")
        constraints = [
            models.UniqueConstraint(fields=["user", "week"], name="accounts_trendsreport_once_a_week")
        ]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.week}"
