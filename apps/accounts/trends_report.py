"""The weekly "What's trending this week" e-mail, for people who asked for it on their profile.

Its content: the global board's top 10, then up to 3 titles of each favourite genre that the
top 10 does not already list, named in the person's language, links absolute (SITE_URL).
Supporters (`trends_report_early` in apps.memberships.perks) get it on Sunday morning, everyone
else on Monday morning (cinestream/beat.py): both runs send the same week's report, named by
its Monday (`report_week`). A person's row in TrendsReportSent is taken before the mail goes
out and given back if SMTP fails, so a re-run, a retried beat task or the Monday run after a
supporter's Sunday mail never sends a week twice, and a failed mail goes out with the next run.
"""

import smtplib
from dataclasses import dataclass, field
from datetime import date, timedelta

import structlog
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from apps.accounts.models import TrendsReportSent, User
from apps.catalog.labels import genre_label
from apps.catalog.selectors import title_display_name
from apps.memberships import perks
from apps.trends.boards import GLOBAL, genre_board
from apps.trends.selectors import RankedTitle, board_titles

logger = structlog.get_logger(__name__)

TOP_COUNT = 10
PER_GENRE_COUNT = 3


@dataclass(frozen=True)
class ReportLine:
    rank: int
    name: str
    year: int | None
    url: str


@dataclass(frozen=True)
class GenreSection:
    genre: str  # the genre's name in the reader's language
    lines: list[ReportLine]


@dataclass(frozen=True)
class TrendsReport:
    week: date
    top: list[ReportLine]
    genres: list[GenreSection]


@dataclass
class ReportRun:
    """What one run did: mailed (or, in a dry run, would mail), found already mailed this
    week, could not mail (SMTP; retried by the next run), or left out (boards empty)."""

    week: date
    sent: list[str] = field(default_factory=list)
    already_sent: int = 0
    failed: int = 0
    empty: int = 0


def report_week(day: date) -> date:
    """The Monday that names the report sent on `day`: a Sunday's (supporters') and the next
    Monday's (everyone's) are the same week's; any other day belongs to its own week's Monday."""
    day = day + timedelta(days=1)
    return day - timedelta(days=day.weekday())


class _Boards:
    """Each board read once per run, however many people's reports list it."""

    def __init__(self) -> None:
        self._read: dict[tuple[str, int], list[RankedTitle]] = {}

    def top(self, board: str, count: int) -> list[RankedTitle]:
        key = (board, count)
        if key not in self._read:
            self._read[key] = board_titles(board=board, count=count)
        return self._read[key]


def _line(rank: int, ranked: RankedTitle, language: str) -> ReportLine:
    title = ranked.title
    return ReportLine(
        rank=rank,
        name=title_display_name(title=title, language=language),
        year=title.start_year,
        url=settings.SITE_URL + reverse("catalog:detail", args=[title.imdb_id]),
    )


def trends_report_build(*, user: User, week: date, boards: _Boards | None = None) -> TrendsReport:
    """The person's report, in their language (names and genres)."""
    boards = boards or _Boards()
    language = user.language
    top = boards.top(GLOBAL, TOP_COUNT)
    listed = {ranked.title.pk for ranked in top}
    sections = []
    with translation.override(language):
        for genre in sorted(user.favourite_genres.all(), key=lambda genre: genre.name):
            # Enough of the genre's board that 3 remain once the top 10's titles are left out.
            picks = [
                ranked
                for ranked in boards.top(genre_board(genre.name), TOP_COUNT + PER_GENRE_COUNT)
                if ranked.title.pk not in listed
            ][:PER_GENRE_COUNT]
            if picks:
                sections.append(
                    GenreSection(
                        genre=genre_label(genre.name),
                        lines=[_line(rank, ranked, language) for rank, ranked in enumerate(picks, start=1)],
                    )
                )
    return TrendsReport(
        week=week, top=[_line(ranked.rank, ranked, language) for ranked in top], genres=sections
    )


def trends_report_recipients(*, week: date, early: bool) -> list[User]:
    """Who gets the week's report now: opted in, not mailed this week; supporters only if early."""
    people = (
        User.objects.filter(is_active=True, is_trends_report_on=True)
        .exclude(pk__in=TrendsReportSent.objects.filter(week=week).values("user_id"))
        .order_by("pk")
    )
    if not early:
        return list(people)
    return [person for person in people if perks.perks_for(person).trends_report_early]


def trends_report_send(*, early: bool, dry_run: bool = False, today: date | None = None) -> ReportRun:
    """Mail this week's report to everyone due (`early`: supporters only); a dry run mails nothing
    and records nothing, and lists whom it would mail."""
    week = report_week(today or timezone.localdate())
    run = ReportRun(week=week)
    boards = _Boards()
    for person in trends_report_recipients(week=week, early=early):
        report = trends_report_build(user=person, week=week, boards=boards)
        if not report.top:
            run.empty += 1  # nothing is trending yet: no mail, and the week stays open
            continue
        if dry_run:
            run.sent.append(person.email)
            continue
        _row, is_claimed = TrendsReportSent.objects.get_or_create(user=person, week=week)
        if not is_claimed:
            run.already_sent += 1  # another run took this person meanwhile
            continue
        try:
            _report_mail(user=person, report=report)
        except (smtplib.SMTPException, OSError) as exc:
            TrendsReportSent.objects.filter(user=person, week=week).delete()
            logger.warning("trends_report_mail_failed", user=person.pk, error=str(exc))
            run.failed += 1
            continue
        run.sent.append(person.email)
    logger.info(
        "trends_report_sent",
        week=week.isoformat(),
        early=early,
        dry_run=dry_run,
        sent=len(run.sent),
        failed=run.failed,
        empty=run.empty,
    )
    return run


def _report_mail(*, user: User, report: TrendsReport) -> None:
    with translation.override(user.language):
        context = {
            "report": report,
            "trends_url": settings.SITE_URL + reverse("trends:index"),
            "profile_url": settings.SITE_URL + reverse("accounts:profile"),
        }
        subject = render_to_string("accounts/email/trends_report_subject.txt", context).strip()
        text = render_to_string("accounts/email/trends_report_message.txt", context)
        html = render_to_string("accounts/email/trends_report_message.html", context)
    mail = EmailMultiAlternatives(subject, text, None, [user.email])
    mail.attach_alternative(html, "text/html")
    mail.send()
