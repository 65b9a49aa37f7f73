"""The weekly "What's trending" e-mail: what it lists in the reader's language, to whom, when,
and never twice in a week."""

import smtplib
from datetime import date

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from apps.accounts.models import TrendsReportSent
from apps.accounts.trends_report import report_week, trends_report_send
from apps.catalog.models import Genre
from apps.trends.models import TrendScore
from cinestream.beat import BEAT_SCHEDULE
from tests.factories.catalog import TitleFactory
from tests.support.accounts import user_create

pytestmark = pytest.mark.django_db

SUNDAY = date(2026, 12, 6)
MONDAY = date(2026, 12, 7)
SITE = "https://cinestream.example"


@pytest.fixture(autouse=True)
def site_url():
    with override_settings(SITE_URL=SITE):
        yield


@pytest.fixture
def boards():
    """Twelve scored titles (the first has Ukrainian and Russian names), five of them dramas:
    three in the top 10, two below it."""
    titles = []
    for rank in range(12):
        genres = ["Drama"] if rank in (0, 3, 5, 10, 11) else ["Comedy"]
        akas = [("Втеча з Шоушенка", "UA", "uk"), ("Побег из Шоушенка", "RU", "ru")] if rank == 0 else []
        title = TitleFactory(
            imdb_id=f"tt{1000000 + rank:07d}",
            primary_title="The Shawshank Redemption" if rank == 0 else f"Film {rank}",
            start_year=1994 if rank == 0 else 2020,
            genres=genres,
            akas=akas,
        )
        TrendScore.objects.create(title=title, score=100 - rank, computed_at=timezone.now())
        titles.append(title)
    return titles


def reader(email: str, *, language: str = "uk", genres: tuple[str, ...] = ("Drama",), is_on: bool = True):
    person = user_create(email, language=language, is_trends_report_on=is_on)
    person.favourite_genres.set(Genre.objects.filter(name__in=genres))
    return person


def mails_to(email: str) -> list:
    return [message for message in mail.outbox if message.to == [email]]


@pytest.mark.parametrize(
    ("language", "subject", "first_line", "genre_heading"),
    [
        ("uk", "Що в тренді цього тижня на CineStream", "1. Втеча з Шоушенка (1994)", "У тренді: Драма"),
        (
            "en",
            "What's trending this week on CineStream",
            "1. The Shawshank Redemption (1994)",
            "Trending in Drama",
        ),
        ("ru", "Что в тренде на этой неделе на CineStream", "1. Побег из Шоушенка (1994)", "В тренде: Драма"),
    ],
)
def test_the_report_lists_the_top_10_and_the_favourite_genre_in_the_readers_language(
    boards, language, subject, first_line, genre_heading
):
    reader("olena@example.com", language=language)

    trends_report_send(early=False, today=MONDAY)

    (message,) = mail.outbox
    assert message.subject == subject
    text = message.body
    assert first_line in text
    assert f"{SITE}/catalog/tt1000000/" in text  # absolute links
    assert "10. Film 9 (2020)" in text
    top, genre = text.split(genre_heading)
    assert "Film 10" not in top
    # The genre's titles the top 10 does not already list (two exist).
    assert "Film 10 (2020)" in genre
    assert "Film 11 (2020)" in genre
    assert "Film 3 " not in genre
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert f'<a href="{SITE}/catalog/tt1000000/">' in html
    assert f'lang="{language}"' in html


def test_each_person_gets_a_weeks_report_once_however_often_the_run_repeats(boards):
    reader("olena@example.com")

    trends_report_send(early=False, today=MONDAY)
    trends_report_send(early=False, today=MONDAY)
    trends_report_send(early=False, today=date(2026, 12, 9))  # a Wednesday re-run

    assert len(mails_to("olena@example.com")) == 1
    assert list(TrendsReportSent.objects.values_list("week", flat=True)) == [MONDAY]


def test_supporters_get_it_on_sunday_everyone_else_on_monday_and_nobody_twice(boards, perks_grant):
    supporter = reader("taras@example.com")
    perks_grant(supporter)
    reader("olena@example.com")
    reader("ivan@example.com", is_on=False)

    sunday = trends_report_send(early=True, today=SUNDAY)

    assert sunday.sent == ["taras@example.com"]
    assert mail.outbox[0].to == ["taras@example.com"]

    monday = trends_report_send(early=False, today=MONDAY)

    assert monday.sent == ["olena@example.com"]  # Taras had this week's on Sunday
    assert len(mail.outbox) == 2
    assert not mails_to("ivan@example.com")


def test_the_beat_runs_the_supporters_report_on_sunday_and_everyones_on_monday_morning():
    early = BEAT_SCHEDULE["accounts-trends-report-early"]
    normal = BEAT_SCHEDULE["accounts-trends-report"]

    assert early["task"] == normal["task"] == "apps.accounts.tasks.trends_report_send_task"
    assert (early["kwargs"], normal["kwargs"]) == ({"early": True}, {"early": False})
    assert early["schedule"].day_of_week == {0}  # Sunday
    assert normal["schedule"].day_of_week == {1}  # Monday
    assert early["schedule"].hour == normal["schedule"].hour == {9}


def test_sundays_and_mondays_reports_are_the_same_week():
    assert report_week(SUNDAY) == report_week(MONDAY) == MONDAY
    assert report_week(date(2026, 12, 12)) == MONDAY  # the Saturday after
    assert report_week(date(2026, 12, 13)) == date(2026, 12, 14)  # the next Sunday: next week


class RefusingBackend(BaseEmailBackend):
    def send_messages(self, messages):
        raise smtplib.SMTPServerDisconnected("gone")


def test_a_mail_smtp_refused_is_sent_by_the_next_run(boards):
    reader("olena@example.com")

    with override_settings(EMAIL_BACKEND="tests.accounts.test_trends_report.RefusingBackend"):
        failed = trends_report_send(early=False, today=MONDAY)
    retried = trends_report_send(early=False, today=MONDAY)

    assert (failed.failed, failed.sent) == (1, [])
    assert retried.sent == ["olena@example.com"]
    assert len(mail.outbox) == 1


def test_nothing_is_mailed_while_no_board_has_a_title():
    reader("olena@example.com")

    run = trends_report_send(early=False, today=MONDAY)

    assert (run.empty, mail.outbox) == (1, [])
    assert not TrendsReportSent.objects.exists()


def test_the_command_dry_run_lists_whom_it_would_mail_and_mails_nobody(boards, perks_grant, capsys):
    perks_grant(reader("taras@example.com"))
    reader("olena@example.com")

    call_command("send_trends_report", "--dry-run", "--early")
    early = capsys.readouterr().out
    call_command("send_trends_report", "--dry-run")
    everyone = capsys.readouterr().out

    assert "taras@example.com" in early
    assert "olena@example.com" not in early
    assert "would mail 1" in early
    assert "would mail 2" in everyone
    assert mail.outbox == []
    assert not TrendsReportSent.objects.exists()


def test_the_beat_task_mails_the_weeks_report(boards, tasks_in_process):
    from apps.accounts.tasks import trends_report_send_task

    reader("olena@example.com")

    assert trends_report_send_task.delay(early=False).get() == 1
    assert trends_report_send_task.delay(early=False).get() == 0  # a retried beat task
    assert len(mail.outbox) == 1


def test_the_command_mails_and_says_how_many(boards):
    reader("olena@example.com")

    call_command("send_trends_report")

    assert len(mail.outbox) == 1


def test_the_profile_turns_the_report_on(olena_client, olena):
    olena_client.post("/accounts/profile/", {"language": "uk", "home_city": "", "is_trends_report_on": "on"})

    olena.refresh_from_db()
    assert olena.is_trends_report_on is True
