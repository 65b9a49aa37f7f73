"""Google Gemini (google-genai 3.x): the showtimes questions, grounded in Google Search and validated.

The rules, in one place:
- One function builds the SDK client from settings (`_client`): the key, base URL, API version
  and timeout are passed explicitly, so GOOGLE_GEMINI_BASE_URL, GOOGLE_GENAI_API_VERSION and
  GOOGLE_GENAI_USE_VERTEXAI in the environment change nothing.
- The SDK's own retries stay off (it ignores RetryInfo). A 429, 5xx, timeout or connection error
  is retried here up to GEMINI_RETRY_ATTEMPTS times, waiting the server's RetryInfo.retryDelay
  when it sends one, else a doubling backoff with jitter; a retryDelay longer than
  GEMINI_RETRY_MAX_DELAY_SECONDS gives up at once, since waiting it out would hold a worker.
- Every answer is validated against its schema from `response.text` (`response.parsed` hides
  the reason). An invalid answer is asked once more with the validation error; a second one is
  rejected. A blocked prompt or a finish reason other than STOP is rejected without a retry:
  the same prompt is blocked again.
- Every request to Gemini is one GeminiCall row (retries and follow-ups included), priced at
  the model's settings price. Before each request the day's ledger is checked against the daily
  token and cost budgets; the day is TIME_ZONE's calendar day, as the admin shows it.
- At most GEMINI_MAX_PARALLEL_CALLS requests are in flight at once: across all processes with
  Redis, per process without (apps/scraping/gemini_slots.py).
"""

import datetime as dt
import json
import random
import re
import time
from decimal import Decimal
from functools import lru_cache

import httpx2
from django.conf import settings
from django.utils import timezone
from google import genai
from google.genai import errors, types
from pydantic import ValidationError

from apps.scraping.gemini_records import (
    AnswerT,
    CinemasAnswer,
    GeminiReply,
    GeminiUsage,
    GroundingSource,
    MoviesAnswer,
    SessionsAnswer,
)
from apps.scraping.gemini_slots import gemini_slots
from apps.scraping.models import GeminiCall
from apps.scraping.selectors import gemini_spend_today

# Google's documented retryable statuses; 408 is what a proxy in between may answer.
RETRYABLE_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
RETRY_INFO_TYPE = "type.googleapis.com/google.rpc.RetryInfo"
# Retried like a 503: connection failures, timeouts, and a 200 whose body is not JSON (a proxy's
# page), which generateContent raises as a bare JSONDecodeError and other SDK calls as
# UnknownApiResponseError.
RETRYABLE_ERRORS = (httpx2.TransportError, json.JSONDecodeError, errors.UnknownApiResponseError)
MILLION = Decimal(1_000_000)
MICRO_USD = Decimal("0.000001")

SYSTEM_INSTRUCTION = (
    "You look up cinema listings with Google Search. Answer only with what the sources you "
    "found show: never guess or invent a cinema, film, session, time or price, and leave a "
    "field empty when the sources do not show it. Reply with JSON matching the given schema."
)


class GeminiError(Exception):
    """Gemini gave no usable answer."""


class GeminiUnavailable(GeminiError):
    """Gemini failed (429, 5xx, timeout, connection) on every attempt; safe to retry later."""

    def __init__(self, message: str, *, status: int | None = None, retry_after: float | None = None):
        super().__init__(message)
        self.status = status  # the last HTTP status; None when the connection failed
        self.retry_after = retry_after  # seconds Gemini asked to wait, when it said so


class GeminiConfigError(GeminiError):
    """Our configuration is wrong (no key, a refused key, an unknown model): retrying won't help."""


class GeminiAnswerRejected(GeminiError):
    """Gemini answered, but not with a usable answer (invalid twice, blocked, cut off)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class GeminiBudgetSpent(GeminiError):
    """Today's token or cost budget is spent; no request was sent."""

    def __init__(self, status: str):
        super().__init__(status)
        self.status = status


# --------------------------------------------------------------------------- the three questions


def cinemas_find(
    *, city: str, country: str, purpose_key: str = "", model: str | None = None
) -> GeminiReply[CinemasAnswer]:
    """The city's cinemas now open to the public, with chain, address and schedule page.

    `purpose_key` is stored with the call's ledger row (e.g. the Location's slug or a run id).
    """
    prompt = (
        f"List the cinemas in {city}, {country} that show films to the public now: multiplexes "
        "and independent cinemas, each with its chain (empty if none), street address and the "
        "cinema's own page with its schedule.\n"
        f"City: {city}, {country}\n"
        f"Today: {timezone.localdate().isoformat()}"
    )
    return _ask(
        purpose=GeminiCall.Purpose.CINEMAS,
        city=city,
        purpose_key=purpose_key,
        prompt=prompt,
        answer_type=CinemasAnswer,
        model=model,
    )


def movies_find(
    *, city: str, country: str, cinemas: list[str], model: str | None = None
) -> GeminiReply[MoviesAnswer]:
    """The films playing now across the given cinemas of the city, each once."""
    prompt = (
        f"Which films are playing now at these cinemas in {city}, {country}? List each film "
        "once: the title as the cinemas list it, the original title, the release year, and the "
        "IMDb id only if you are certain of it.\n"
        f"City: {city}, {country}\n"
        f"Today: {timezone.localdate().isoformat()}\n"
        f"Cinemas:\n{_bullets(cinemas)}"
    )
    return _ask(
        purpose=GeminiCall.Purpose.MOVIES, city=city, prompt=prompt, answer_type=MoviesAnswer, model=model
    )


def sessions_find(
    *,
    city: str,
    country: str,
    movie: str,
    year: int | None,
    day: dt.date,
    cinemas: list[str],
    model: str | None = None,
) -> GeminiReply[SessionsAnswer]:
    """One film's sessions on one day across the given cinemas, in the city's local time."""
    film = f"{movie} ({year})" if year else movie
    prompt = (
        f'List every session of the film "{film}" in {city}, {country} on '
        f"{day:%A} {day.isoformat()} at the cinemas below, with start times in {city}'s local "
        "time (HH:MM). Name each cinema exactly as written below. Give the format (2D, 3D, IMAX, "
        "4DX...), the audio language and subtitles as ISO 639-1 codes, the hall, the booking "
        "link and the price in UAH when the sources show them.\n"
        f"City: {city}, {country}\n"
        f"Movie: {film}\n"
        f"Date: {day.isoformat()}\n"
        f"Cinemas:\n{_bullets(cinemas)}"
    )
    return _ask(
        purpose=GeminiCall.Purpose.SESSIONS,
        city=city,
        prompt=prompt,
        answer_type=SessionsAnswer,
        model=model,
    )


def _bullets(items: list[str]) -> str:
    return "\n".join(f"- {item}" for item in items)


# --------------------------------------------------------------------------- one question, validated


def _ask(
    *,
    purpose: str,
    city: str,
    prompt: str,
    answer_type: type[AnswerT],
    model: str | None,
    purpose_key: str = "",
) -> GeminiReply[AnswerT]:
    """Ask, validate, ask once more with the validation error, then give up with the reason."""
    model_key = model or settings.GEMINI_MODEL
    if model_key not in settings.GEMINI_MODEL_IDS:
        raise GeminiConfigError(
            f"unknown Gemini model {model_key!r}: expected one of {', '.join(settings.GEMINI_MODEL_IDS)}"
        )
    ledger = _Ledger(purpose=purpose, city=city, purpose_key=purpose_key, model_key=model_key)
    client = _client()
    config = types.GenerateContentConfig(
        system_instruction=SYSTEM_INSTRUCTION,
        temperature=0.2,
        tools=[types.Tool(google_search=types.GoogleSearch())],
        response_mime_type="application/json",
        response_json_schema=answer_type.model_json_schema(),
    )
    contents = [types.Content(role="user", parts=[types.Part(text=prompt)])]
    # The reply reports what the whole question took: both turns when a correction was needed.
    spent, waited_ms = GeminiUsage(), 0
    for turn in (1, 2):
        response, latency_ms = _generate(client, ledger=ledger, contents=contents, config=config)
        usage = _usage(response)
        spent, waited_ms = _usage_added(spent, usage), waited_ms + latency_ms
        sources, supports = _grounding(response)
        grounded = bool(sources) or _searched(response)
        problem = _unfinished(response)
        if problem:
            ledger.record(GeminiCall.Outcome.BLOCKED, usage, grounded, latency_ms, problem)
            raise GeminiAnswerRejected(problem)
        text = response.text or ""
        try:
            answer = answer_type.model_validate_json(_unfenced(text))
        except ValidationError as exc:
            reason = _validation_reason(exc)
            if turn == 2:
                ledger.record(GeminiCall.Outcome.REJECTED, usage, grounded, latency_ms, reason)
                raise GeminiAnswerRejected(f"invalid answer twice: {reason}") from exc
            ledger.record(GeminiCall.Outcome.INVALID, usage, grounded, latency_ms, reason)
            # The model's own turn goes back as it came (with any thought signatures), then the correction.
            said = response.candidates[0].content if response.candidates else None
            if said is None or not said.parts:
                said = types.Content(role="model", parts=[types.Part(text=text or "(empty)")])
            contents += [said, types.Content(role="user", parts=[types.Part(text=_follow_up(reason))])]
            continue
        ledger.record(GeminiCall.Outcome.OK, usage, grounded, latency_ms, "")
        return GeminiReply[answer_type](
            answer=answer,
            sources=sources,
            supports=supports,
            usage=spent,
            model=ledger.model_id,
            latency_ms=waited_ms,
        )
    raise AssertionError("unreachable: the second turn returns or raises")


def _follow_up(reason: str) -> str:
    return (
        f"Your previous answer was not valid: {reason}. Answer the same question again with "
        "JSON that matches the schema exactly, still only with what the sources show."
    )


def _unfenced(text: str) -> str:
    # Models sometimes wrap JSON in a Markdown fence even when asked for application/json.
    match = re.fullmatch(r"\s*```(?:json)?\s*(.*?)\s*```\s*", text, flags=re.DOTALL)
    return match.group(1) if match else text


def _validation_reason(exc: ValidationError) -> str:
    """The first few validation errors on one line, each with where it happened."""
    parts = []
    for error in exc.errors()[:3]:
        where = ".".join(str(part) for part in error["loc"])
        parts.append(f"{where}: {error['msg']}" if where else error["msg"])
    more = exc.error_count() - len(parts)
    return "; ".join(parts) + (f" (and {more} more)" if more > 0 else "")


def _unfinished(response: types.GenerateContentResponse) -> str:
    """Why the answer is not a whole answer: a blocked prompt or a finish other than STOP."""
    if not response.candidates:
        feedback = response.prompt_feedback
        block = feedback.block_reason if feedback else None
        message = feedback.block_reason_message if feedback else None
        reason = getattr(block, "value", block) or "no reason given"
        return f"prompt blocked: {reason}" + (f" ({message})" if message else "")
    finish = response.candidates[0].finish_reason
    if finish is not None and finish != types.FinishReason.STOP:
        return f"answer not finished: {getattr(finish, 'value', finish)}"
    return ""


def _usage(response: types.GenerateContentResponse) -> GeminiUsage:
    meta = response.usage_metadata
    if meta is None:
        return GeminiUsage()
    prompt = meta.prompt_token_count or 0
    output = meta.candidates_token_count or 0
    thinking = meta.thoughts_token_count or 0
    return GeminiUsage(
        prompt_tokens=prompt,
        output_tokens=output,
        thinking_tokens=thinking,
        total_tokens=meta.total_token_count or prompt + output + thinking,
    )


def _usage_added(first: GeminiUsage, second: GeminiUsage) -> GeminiUsage:
    return GeminiUsage(
        prompt_tokens=first.prompt_tokens + second.prompt_tokens,
        output_tokens=first.output_tokens + second.output_tokens,
        thinking_tokens=first.thinking_tokens + second.thinking_tokens,
        total_tokens=first.total_tokens + second.total_tokens,
    )


def _grounding(
    response: types.GenerateContentResponse,
) -> tuple[list[GroundingSource], list[tuple[str, list[int]]]]:
    """The web sources backing the answer and which parts of the text each supports."""
    meta = response.candidates[0].grounding_metadata if response.candidates else None
    if meta is None:
        return [], []
    sources = [
        GroundingSource(uri=chunk.web.uri or "", title=chunk.web.title or "")
        for chunk in meta.grounding_chunks or ()
        if chunk.web is not None
    ]
    supports = [
        (support.segment.text or "" if support.segment else "", list(support.grounding_chunk_indices or ()))
        for support in meta.grounding_supports or ()
    ]
    return sources, supports


def _searched(response: types.GenerateContentResponse) -> bool:
    # Search is billed per request that ran a query, whether or not a chunk made it into the answer.
    meta = response.candidates[0].grounding_metadata if response.candidates else None
    return bool(meta and meta.web_search_queries)


# --------------------------------------------------------------------------- transport


def _client() -> genai.Client:
    """The SDK client for the current settings; the only place that configures it."""
    if not settings.GEMINI_API_KEY:
        raise GeminiConfigError("no Gemini API key: set GEMINI_API_KEY (or GOOGLE_API_KEY)")
    return _client_for(
        settings.GEMINI_API_KEY,
        settings.GEMINI_BASE_URL,
        settings.GEMINI_API_VERSION,
        round(settings.GEMINI_TIMEOUT_SECONDS * 1000),
    )


@lru_cache(maxsize=4)
def _client_for(api_key: str, base_url: str, api_version: str, timeout_ms: int) -> genai.Client:
    # vertexai=False and an explicit key, base URL and version: the SDK then reads none of
    # GOOGLE_GENAI_USE_VERTEXAI, GOOGLE_GEMINI_BASE_URL or GOOGLE_GENAI_API_VERSION. No
    # retry_options: the SDK makes one attempt and the retries below decide the rest.
    return genai.Client(
        vertexai=False,
        api_key=api_key,
        http_options=types.HttpOptions(base_url=f"{base_url}/", api_version=api_version, timeout=timeout_ms),
    )


def _generate(
    client: genai.Client,
    *,
    ledger: "_Ledger",
    contents: list[types.Content],
    config: types.GenerateContentConfig,
) -> tuple[types.GenerateContentResponse, int]:
    """One answer from Gemini, retried on 429/5xx/transport failures; its latency in ms."""
    attempts = settings.GEMINI_RETRY_ATTEMPTS
    longest = settings.GEMINI_RETRY_MAX_DELAY_SECONDS
    for attempt in range(1, attempts + 1):
        _budget_check()
        started = time.monotonic()
        status: int | None = None
        retry_delay: float | None = None
        try:
            with gemini_slots().hold():
                response = client.models.generate_content(
                    model=ledger.model_id, contents=contents, config=config
                )
        except errors.APIError as exc:
            latency_ms = _elapsed_ms(started)
            detail = f"{exc.code} {exc.status}: {exc.message}"
            if exc.code not in RETRYABLE_STATUSES:
                ledger.record(GeminiCall.Outcome.CONFIG, GeminiUsage(), False, latency_ms, detail)
                raise GeminiConfigError(_config_message(exc, ledger.model_id)) from exc
            status, retry_delay = exc.code, _retry_delay(exc)
            ledger.record(GeminiCall.Outcome.UNAVAILABLE, GeminiUsage(), False, latency_ms, detail)
            failure: Exception = exc
        except RETRYABLE_ERRORS as exc:
            detail = f"{type(exc).__name__}: {exc}"
            ledger.record(GeminiCall.Outcome.UNAVAILABLE, GeminiUsage(), False, _elapsed_ms(started), detail)
            failure = exc
        else:
            return response, _elapsed_ms(started)
        if retry_delay is not None and retry_delay > longest:
            raise GeminiUnavailable(
                f"Gemini asks to retry in {retry_delay:g} s, longer than "
                f"GEMINI_RETRY_MAX_DELAY_SECONDS={longest:g}: {detail}",
                status=status,
                retry_after=retry_delay,
            ) from failure
        if attempt == attempts:
            raise GeminiUnavailable(
                f"Gemini unavailable after {attempts} attempts: {detail}",
                status=status,
                retry_after=retry_delay,
            ) from failure
        time.sleep(_pause(attempt, retry_delay, longest))
    raise AssertionError("unreachable: the last attempt returns or raises")


def _pause(attempt: int, retry_delay: float | None, longest: float) -> float:
    """How long to wait before the next attempt: the server's word, else backoff with jitter."""
    if retry_delay is not None:
        # A little over what was asked, so parallel callers don't all return at the same instant.
        return min(longest, retry_delay * random.uniform(1.0, 1.1))
    backoff = settings.GEMINI_RETRY_BACKOFF_SECONDS * 2 ** (attempt - 1)
    return min(longest, backoff) * random.uniform(0.5, 1.0)


def _retry_delay(exc: errors.APIError) -> float | None:
    """RetryInfo.retryDelay in seconds ("37s", "0.5s"), found by its @type wherever it sits."""
    body = exc.details if isinstance(exc.details, dict) else {}
    error = body.get("error", body)
    for detail in error.get("details", ()) if isinstance(error, dict) else ():
        if isinstance(detail, dict) and detail.get("@type") == RETRY_INFO_TYPE:
            match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)s\s*", str(detail.get("retryDelay", "")))
            if match:
                return float(match.group(1))
    return None


def _config_message(exc: errors.APIError, model_id: str) -> str:
    reasons = _error_reasons(exc)
    if "API_KEY_INVALID" in reasons or exc.code == 401:
        return f"Gemini refused the API key: check GEMINI_API_KEY (or GOOGLE_API_KEY): {exc.message}"
    if exc.code == 403:
        return f"Gemini denied this API key access (GEMINI_API_KEY): {exc.message}"
    if exc.code == 404:
        return (
            f"Gemini does not know the model {model_id!r} (GEMINI_MODEL, GEMINI_FLASH_MODEL_ID, "
            f"GEMINI_PRO_MODEL_ID) under GEMINI_API_VERSION={settings.GEMINI_API_VERSION}: {exc.message}"
        )
    return f"Gemini refused the request ({exc.code} {exc.status}): {exc.message}"


def _error_reasons(exc: errors.APIError) -> set[str]:
    body = exc.details if isinstance(exc.details, dict) else {}
    error = body.get("error", {})
    details = error.get("details", ()) if isinstance(error, dict) else ()
    return {str(detail.get("reason")) for detail in details if isinstance(detail, dict)}


def _elapsed_ms(started: float) -> int:
    return round((time.monotonic() - started) * 1000)


# --------------------------------------------------------------------------- ledger and budget


def _budget_check() -> None:
    """Refuse a new request once today's tokens or cost reach their budget (0 = no limit)."""
    token_budget = settings.GEMINI_DAILY_TOKEN_BUDGET
    cost_budget = settings.GEMINI_DAILY_COST_BUDGET_USD
    if not token_budget and not cost_budget:
        return
    spend = gemini_spend_today()
    if token_budget and spend.tokens >= token_budget:
        raise GeminiBudgetSpent(
            f"Gemini's daily token budget is spent: {spend.tokens:,} of {token_budget:,} tokens on "
            f"{spend.day.isoformat()} ({settings.TIME_ZONE}); new calls resume after midnight"
        )
    if cost_budget and spend.cost_usd >= cost_budget:
        raise GeminiBudgetSpent(
            f"Gemini's daily cost budget is spent: ${spend.cost_usd:.2f} of ${cost_budget:.2f} on "
            f"{spend.day.isoformat()} ({settings.TIME_ZONE}); new calls resume after midnight"
        )


class _Ledger:
    """Writes one GeminiCall row per request of one question."""

    def __init__(self, *, purpose: str, city: str, purpose_key: str, model_key: str) -> None:
        self.purpose = purpose
        self.city = city
        self.purpose_key = purpose_key
        self.model_key = model_key
        self.model_id = settings.GEMINI_MODEL_IDS[model_key]

    def record(self, outcome: str, usage: GeminiUsage, grounded: bool, latency_ms: int, error: str) -> None:
        GeminiCall.objects.create(
            purpose=self.purpose,
            purpose_key=self.purpose_key[:200],
            city=self.city[:200],
            model=self.model_id,
            prompt_tokens=usage.prompt_tokens,
            output_tokens=usage.output_tokens,
            thinking_tokens=usage.thinking_tokens,
            total_tokens=usage.total_tokens,
            grounded=grounded,
            latency_ms=latency_ms,
            outcome=outcome,
            error=error,
            cost_usd=gemini_cost(model_key=self.model_key, usage=usage, grounded=grounded),
        )


def gemini_cost(*, model_key: str, usage: GeminiUsage, grounded: bool) -> Decimal:
    """A request's price in USD: tokens at the model's settings price, plus search grounding."""
    price = settings.GEMINI_PRICES_USD[model_key]
    cost = (
        usage.prompt_tokens * price["input"] + (usage.output_tokens + usage.thinking_tokens) * price["output"]
    ) / MILLION
    if grounded:
        cost += settings.GEMINI_GROUNDING_USD_PER_REQUEST
    return cost.quantize(MICRO_USD)
