"""The Gemini client through the real google-genai SDK against the loopback stand-in."""

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from apps.scraping.gemini import (
    GeminiAnswerRejected,
    GeminiBudgetSpent,
    GeminiConfigError,
    GeminiUnavailable,
    cinemas_find,
    movies_find,
    sessions_find,
)
from apps.scraping.models import GeminiCall
from tests.standins.gemini import GeminiStandin, StandinReply, answer, blocked, error, unfinished

pytestmark = pytest.mark.django_db

CITY = {"city": "Kyiv", "country": "Ukraine"}
DAY = dt.date(2026, 12, 5)
SOURCE = ("https://vertexaisearch.cloud.google.com/grounding-api-redirect/abc", "multiplex.ua")
ONE_CINEMA = {"cinemas": [{"name": "Multiplex Lavina", "chain": "Multiplex"}]}


def outcomes() -> list[str]:
    return list(GeminiCall.objects.order_by("created_at", "id").values_list("outcome", flat=True))


def flash_cost(prompt: int, output: int, thinking: int, *, grounded: bool) -> Decimal:
    """At the default flash prices: $1.50 in, $9.00 out per 1M tokens, $0.014 per grounded request."""
    cost = (Decimal(prompt) * Decimal("1.50") + Decimal(output + thinking) * Decimal("9.00")) / 1_000_000
    return (cost + (Decimal("0.014") if grounded else 0)).quantize(Decimal("0.000001"))


# --------------------------------------------------------------------------- the three questions


def test_cinemas_find_returns_the_validated_cinemas_with_sources_usage_and_a_priced_ledger_row(
    gemini_standin: GeminiStandin,
):
    reply = cinemas_find(**CITY, purpose_key="kyiv")

    assert [cinema.name for cinema in reply.answer.cinemas] == gemini_standin.city.cinema_names()
    assert reply.answer.cinemas[0].website == "https://standin-cinema-1.example/schedule"
    assert len(reply.sources) == 5
    assert reply.sources[0].uri.startswith("https://vertexaisearch.cloud.google.com/grounding-api-redirect/")
    assert reply.sources[0].title == "standin-cinema-1.example"
    assert reply.supports[0][1] == [0]
    assert reply.usage.prompt_tokens == 600
    assert reply.usage.thinking_tokens == 48
    assert reply.usage.total_tokens == 600 + reply.usage.output_tokens + 48
    assert reply.model == "gemini-3.5-flash"
    call = GeminiCall.objects.get()
    assert (call.purpose, call.city, call.purpose_key, call.outcome) == ("cinemas", "Kyiv", "kyiv", "ok")
    assert call.model == "gemini-3.5-flash"
    assert call.grounded
    assert call.total_tokens == reply.usage.total_tokens
    assert call.cost_usd == flash_cost(600, reply.usage.output_tokens, 48, grounded=True)


def test_movies_find_sends_the_schema_the_grounding_tool_and_the_cinemas(gemini_standin: GeminiStandin):
    reply = movies_find(**CITY, cinemas=["Standin Cinema 1", "Standin Cinema 2"])

    assert len(reply.answer.movies) == 12
    assert reply.answer.movies[0].original_title == "Standin Movie 1"
    assert reply.answer.movies[0].imdb_id == "tt9900001"
    assert [source.title for source in reply.sources] == [
        "standin-cinema-1.example",
        "standin-cinema-2.example",
    ]
    (request,) = gemini_standin.requests
    assert request.is_grounded
    assert request.generation_config["responseMimeType"] == "application/json"
    assert "movies" in request.schema["properties"]
    assert request.bullets("Cinemas") == ["Standin Cinema 1", "Standin Cinema 2"]
    assert "only with what the sources" in request.system_instruction


def test_sessions_find_returns_the_movies_sessions_that_day_at_the_given_cinemas(
    gemini_standin: GeminiStandin,
):
    cinemas = ["Standin Cinema 1", "Standin Cinema 2", "Standin Cinema 3"]

    reply = sessions_find(**CITY, movie="Standin Movie 3", year=2023, day=DAY, cinemas=cinemas)

    expected = gemini_standin.city.sessions(movie="Standin Movie 3 (2023)", day=DAY, cinemas=cinemas)
    assert expected, "the fake city should show this movie that day"
    assert [(s.cinema, s.date, s.time.strftime("%H:%M")) for s in reply.answer.sessions] == [
        (s["cinema"], DAY, s["time"]) for s in expected
    ]
    assert {session.cinema for session in reply.answer.sessions} <= set(cinemas)
    (request,) = gemini_standin.requests
    assert request.line("Date") == "2026-12-05"
    assert request.line("Movie") == "Standin Movie 3 (2023)"
    assert "local time" in request.prompt
    assert GeminiCall.objects.get().purpose == "sessions"


@pytest.mark.parametrize("version", ["v1", "v1beta"])
def test_the_configured_api_version_is_the_path_asked(gemini_standin: GeminiStandin, version: str):
    with override_settings(GEMINI_API_VERSION=version):
        cinemas_find(**CITY)

    assert gemini_standin.requests[0].version == version


def test_the_pro_model_is_asked_by_its_id_and_priced_as_pro(gemini_standin: GeminiStandin):
    gemini_standin.script(
        answer(
            ONE_CINEMA,
            searched=False,
            usage={"promptTokenCount": 1000, "candidatesTokenCount": 500, "thoughtsTokenCount": 0},
        )
    )

    reply = cinemas_find(**CITY, model="pro")

    assert gemini_standin.requests[0].model == "gemini-3.1-pro-preview"
    assert reply.model == "gemini-3.1-pro-preview"
    # $2.00 per 1M in, $12.00 per 1M out, no search.
    assert GeminiCall.objects.get().cost_usd == Decimal("0.008000")


def test_sdk_environment_variables_do_not_redirect_the_client(
    gemini_standin: GeminiStandin, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("GOOGLE_GEMINI_BASE_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("GOOGLE_GENAI_USE_VERTEXAI", "true")
    monkeypatch.setenv("GOOGLE_GENAI_API_VERSION", "v1")

    cinemas_find(**CITY)

    assert gemini_standin.requests[0].version == "v1beta"


# --------------------------------------------------------------------------- answers that fail


def test_invalid_json_is_asked_again_once_with_the_error_then_accepted(gemini_standin: GeminiStandin):
    gemini_standin.script(answer('{"cinemas": [{"name": "Multiplex'), answer(ONE_CINEMA, sources=[SOURCE]))

    reply = cinemas_find(**CITY)

    assert [cinema.name for cinema in reply.answer.cinemas] == ["Multiplex Lavina"]
    assert reply.usage.total_tokens == sum(GeminiCall.objects.values_list("total_tokens", flat=True))
    assert reply.usage.prompt_tokens == 2 * 600
    first, follow_up = gemini_standin.requests
    assert len(follow_up.contents) == 3  # the question, the invalid answer, the correction
    assert follow_up.contents[1]["role"] == "model"
    assert follow_up.contents[1]["parts"][0]["text"] == '{"cinemas": [{"name": "Multiplex'
    assert "Invalid JSON" in follow_up.prompt
    assert follow_up.schema == first.schema
    assert outcomes() == ["invalid", "ok"]


def test_an_answer_violating_the_schema_twice_is_rejected_with_the_reason(gemini_standin: GeminiStandin):
    wrong = {"cinemas": [{"chain": "Multiplex"}]}  # no name
    gemini_standin.script(answer(wrong), answer(wrong))

    with pytest.raises(GeminiAnswerRejected) as caught:
        cinemas_find(**CITY)

    assert "cinemas.0.name: Field required" in caught.value.reason
    assert "cinemas.0.name" in gemini_standin.requests[1].prompt
    assert len(gemini_standin.requests) == 2
    assert outcomes() == ["invalid", "rejected"]
    assert GeminiCall.objects.filter(outcome="rejected").get().error == "cinemas.0.name: Field required"


def test_an_answer_without_grounding_is_returned_with_no_sources(gemini_standin: GeminiStandin):
    gemini_standin.script(answer(ONE_CINEMA, searched=False))

    reply = cinemas_find(**CITY)

    assert reply.answer.cinemas[0].name == "Multiplex Lavina"
    assert reply.sources == []
    call = GeminiCall.objects.get()
    assert not call.grounded
    assert call.cost_usd == flash_cost(600, reply.usage.output_tokens, 48, grounded=False)


def test_a_blocked_prompt_is_rejected_with_the_block_reason_without_asking_again(
    gemini_standin: GeminiStandin,
):
    gemini_standin.script(blocked("PROHIBITED_CONTENT"))

    with pytest.raises(GeminiAnswerRejected) as caught:
        cinemas_find(**CITY)

    assert caught.value.reason.startswith("prompt blocked: PROHIBITED_CONTENT")
    assert len(gemini_standin.requests) == 1
    assert outcomes() == ["blocked"]


def test_an_answer_cut_off_by_safety_is_rejected(gemini_standin: GeminiStandin):
    gemini_standin.script(unfinished("SAFETY"))

    with pytest.raises(GeminiAnswerRejected, match="answer not finished: SAFETY"):
        movies_find(**CITY, cinemas=["Standin Cinema 1"])

    assert outcomes() == ["blocked"]


# --------------------------------------------------------------------------- retries


@override_settings(GEMINI_RETRY_BACKOFF_SECONDS=0.0)
def test_a_429_is_retried_after_the_retry_delay_it_names(gemini_standin: GeminiStandin):
    gemini_standin.script(error(429, retry_delay="0.3s"))

    reply = cinemas_find(**CITY)

    assert len(reply.answer.cinemas) == 5
    first, second = gemini_standin.requests
    assert second.at - first.at >= 0.3
    assert outcomes() == ["unavailable", "ok"]
    assert GeminiCall.objects.filter(outcome="unavailable").get().error.startswith("429 RESOURCE_EXHAUSTED")


@override_settings(GEMINI_RETRY_ATTEMPTS=3)
def test_a_503_storm_gives_up_as_unavailable_after_the_configured_attempts(gemini_standin: GeminiStandin):
    gemini_standin.script(*[error(503)] * 5)

    with pytest.raises(GeminiUnavailable) as caught:
        cinemas_find(**CITY)

    assert caught.value.status == 503
    assert "after 3 attempts" in str(caught.value)
    assert "overloaded" in str(caught.value)
    assert len(gemini_standin.requests) == 3
    assert outcomes() == ["unavailable"] * 3


def test_a_reply_that_is_not_json_is_retried(gemini_standin: GeminiStandin):
    gemini_standin.script(StandinReply(200, "<html><body>Bad gateway</body></html>"))

    reply = cinemas_find(**CITY)

    assert len(reply.answer.cinemas) == 5
    assert outcomes() == ["unavailable", "ok"]


@override_settings(GEMINI_RETRY_MAX_DELAY_SECONDS=10.0)
def test_a_retry_delay_longer_than_the_cap_gives_up_at_once(gemini_standin: GeminiStandin):
    gemini_standin.script(error(429, retry_delay="37s"))

    with pytest.raises(GeminiUnavailable) as caught:
        cinemas_find(**CITY)

    assert caught.value.retry_after == 37
    assert "retry in 37 s" in str(caught.value)
    assert "GEMINI_RETRY_MAX_DELAY_SECONDS=10" in str(caught.value)
    assert len(gemini_standin.requests) == 1


@override_settings(
    GEMINI_RETRY_ATTEMPTS=2,
    GEMINI_RETRY_BACKOFF_SECONDS=0.01,
    GEMINI_API_KEY="any",
    GEMINI_BASE_URL="http://127.0.0.1:9",
)
def test_a_refused_connection_is_retried_then_unavailable():
    with pytest.raises(GeminiUnavailable) as caught:
        cinemas_find(**CITY)

    assert caught.value.status is None
    assert "ConnectError" in str(caught.value)
    assert outcomes() == ["unavailable"] * 2


@override_settings(GEMINI_RETRY_ATTEMPTS=2, GEMINI_TIMEOUT_SECONDS=0.3)
def test_a_reply_slower_than_the_timeout_is_retried_then_unavailable(gemini_standin: GeminiStandin):
    gemini_standin.delay = 5

    with pytest.raises(GeminiUnavailable, match="Timeout"):
        cinemas_find(**CITY)

    assert len(gemini_standin.requests) == 2


# --------------------------------------------------------------------------- configuration


def test_a_wrong_key_is_a_config_error_naming_the_key_setting(gemini_standin: GeminiStandin):
    with override_settings(GEMINI_API_KEY="wrong"), pytest.raises(GeminiConfigError, match="GEMINI_API_KEY"):
        cinemas_find(**CITY)

    assert gemini_standin.hits == 1  # not retried
    assert outcomes() == ["config"]


def test_no_key_is_a_config_error_without_any_request(gemini_standin: GeminiStandin):
    with override_settings(GEMINI_API_KEY=""), pytest.raises(GeminiConfigError, match="GEMINI_API_KEY"):
        cinemas_find(**CITY)

    assert gemini_standin.hits == 0
    assert outcomes() == []


def test_an_unknown_model_is_a_config_error_naming_the_model(gemini_standin: GeminiStandin):
    models = {"flash": "gemini-5.0-flash", "pro": "gemini-3.1-pro-preview"}
    with (
        override_settings(GEMINI_MODEL_IDS=models),
        pytest.raises(GeminiConfigError, match=r"gemini-5\.0-flash"),
    ):
        cinemas_find(**CITY)

    assert gemini_standin.hits == 1


# --------------------------------------------------------------------------- budget and parallelism


@override_settings(GEMINI_DAILY_TOKEN_BUDGET=1000, GEMINI_DAILY_COST_BUDGET_USD=Decimal(0))
def test_a_spent_token_budget_refuses_the_call_without_a_request(gemini_standin: GeminiStandin):
    GeminiCall.objects.create(purpose="cinemas", model="gemini-3.5-flash", outcome="ok", total_tokens=1200)

    with pytest.raises(GeminiBudgetSpent) as caught:
        cinemas_find(**CITY)

    assert "token budget is spent: 1,200 of 1,000 tokens" in caught.value.status
    assert gemini_standin.hits == 0


@override_settings(GEMINI_DAILY_COST_BUDGET_USD=Decimal("1.00"))
def test_a_spent_cost_budget_refuses_the_call_but_yesterdays_spend_does_not_count(
    gemini_standin: GeminiStandin,
):
    yesterday = timezone.now() - dt.timedelta(days=1, hours=1)
    GeminiCall.objects.create(
        purpose="cinemas", model="m", outcome="ok", cost_usd=Decimal(5), created_at=yesterday
    )
    cinemas_find(**CITY)  # yesterday's $5 is not today's
    GeminiCall.objects.create(purpose="cinemas", model="m", outcome="ok", cost_usd=Decimal("0.99"))

    with pytest.raises(GeminiBudgetSpent, match=r"cost budget is spent: \$1.0\d of \$1.00"):
        cinemas_find(**CITY)

    assert gemini_standin.hits == 1


@pytest.mark.django_db(transaction=True)
@override_settings(GEMINI_MAX_PARALLEL_CALLS=2)
def test_no_more_than_the_parallel_limit_is_in_flight_at_once(gemini_standin: GeminiStandin):
    gemini_standin.delay = 0.2
    failures: list[BaseException] = []

    def ask() -> None:
        try:
            cinemas_find(**CITY)
        except BaseException as exc:  # reported below, with the thread's own error
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=ask) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert failures == []
    assert len(gemini_standin.requests) == 6
    assert gemini_standin.max_in_flight == 2
