import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

from apps.scraping.gemini_records import GeminiReply, GroundingSource, SessionFound, SessionsAnswer
from apps.showtimes import trust
from apps.showtimes.planner import window_days

KYIV = ZoneInfo("Europe/Kyiv")
DAY = dt.date(2026, 12, 3)
WINDOW = window_days(today=DAY)
CINEMAS = ["Multiplex Lavina", "Планета Кіно"]
SOURCES = [GroundingSource(uri="https://lavina.example/schedule", title="lavina.example")]


def found(**fields) -> SessionFound:
    values = {"cinema": "Multiplex Lavina", "date": DAY, "time": dt.time(19, 30)} | fields
    return SessionFound(**values)


def judge(*sessions: SessionFound, sources=SOURCES, supports=(), runtime=None) -> trust.DayVerdict:
    reply = GeminiReply[SessionsAnswer](
        answer=SessionsAnswer(sessions=list(sessions)), sources=list(sources), supports=list(supports)
    )
    return trust.day_answer_judge(
        reply=reply, day=DAY, window=WINDOW, zone=KYIV, cinemas=CINEMAS, runtime_minutes=runtime
    )


def test_a_grounded_session_is_believed_with_its_sources_and_details():
    verdict = judge(
        found(format="imax 3d", audio_language="EN", subtitles="uk", price_uah=250.5), runtime=148
    )

    (session,) = verdict.sessions
    assert session.starts_at == dt.datetime(2026, 12, 3, 19, 30, tzinfo=KYIV)
    assert session.ends_at == dt.datetime(2026, 12, 3, 21, 58, tzinfo=KYIV)
    assert (session.format, session.audio_language, session.subtitles) == ("IMAX 3D", "en", "uk")
    assert session.price == Decimal("250.50")
    assert session.is_verified
    assert session.sources == tuple(SOURCES)
    assert not verdict.rejected


def test_a_night_session_belongs_to_the_night_after_the_asked_day():
    (session,) = judge(found(time=dt.time(0, 45))).sessions

    assert session.starts_at == dt.datetime(2026, 12, 4, 0, 45, tzinfo=KYIV)


def test_impossible_sessions_are_refused_and_counted_by_reason():
    verdict = judge(
        found(date=DAY + dt.timedelta(days=20)),
        found(date=DAY + dt.timedelta(days=1)),
        found(time=dt.time(5, 0)),
        found(cinema="Invented Cinema"),
        found(),
        found(cinema="multiplex  lavina"),  # the same session, spelled otherwise
    )

    assert len(verdict.sessions) == 1
    assert verdict.rejected == {
        trust.DATE_OUTSIDE_WINDOW: 1,
        trust.NOT_THE_ASKED_DAY: 1,
        trust.TIME_OUTSIDE_HOURS: 1,
        trust.UNKNOWN_CINEMA: 1,
        trust.DUPLICATE: 1,
    }


def test_a_session_keeps_only_the_sources_whose_support_mentions_it():
    sources = [
        GroundingSource(uri="https://lavina.example", title="Lavina"),
        GroundingSource(uri="https://planetakino.example", title="Planeta"),
    ]
    supports = [("Multiplex Lavina: 19:30", [0]), ("Планета Кіно: 21:00", [1])]

    verdict = judge(
        found(), found(cinema="планета кіно", time=dt.time(21, 0)), sources=sources, supports=supports
    )

    assert [session.sources for session in verdict.sessions] == [(sources[0],), (sources[1],)]


def test_a_session_without_any_source_is_kept_unverified():
    (session,) = judge(found(), sources=[]).sessions

    assert not session.is_verified
