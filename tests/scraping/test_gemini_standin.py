"""The Gemini stand-in answers as Google does where a client can tell: keys, models, paths,
streaming, and a fake city whose answers depend only on the question."""

import datetime as dt

import requests
from google import genai
from google.genai import types

from tests.standins.gemini import FakeCity, GeminiStandin, gemini_serve

BODY = {"contents": [{"role": "user", "parts": [{"text": "hi"}]}], "unknown_key": {"x": 1}}


def generate_url(standin: GeminiStandin, *, version: str = "v1beta", model: str = "gemini-3.5-flash") -> str:
    return f"{standin.base_url}/{version}/models/{model}:generateContent"


def test_the_key_is_accepted_as_a_query_parameter_and_unknown_body_keys_are_ignored():
    with gemini_serve() as standin:
        reply = requests.post(generate_url(standin), params={"key": standin.api_key}, json=BODY, timeout=10)

    assert reply.status_code == 200
    assert reply.json()["candidates"][0]["finishReason"] == "STOP"
    assert standin.requests[0].api_key == standin.api_key


def test_a_missing_key_a_wrong_key_and_an_unknown_model_get_googles_errors():
    with gemini_serve() as standin:
        missing = requests.post(generate_url(standin), json=BODY, timeout=10)
        wrong = requests.post(
            generate_url(standin), headers={"x-goog-api-key": "nope"}, json=BODY, timeout=10
        )
        unknown = requests.post(
            generate_url(standin, version="v1", model="gemini-9-ultra"),
            headers={"x-goog-api-key": standin.api_key},
            json=BODY,
            timeout=10,
        )

    assert missing.status_code == 403
    assert missing.json()["error"]["status"] == "PERMISSION_DENIED"
    assert wrong.status_code == 400
    assert wrong.json()["error"]["details"][0]["reason"] == "API_KEY_INVALID"
    assert unknown.status_code == 404
    assert "models/gemini-9-ultra is not found for API version v1," in unknown.json()["error"]["message"]
    assert standin.hits == 3
    assert standin.requests == []


def test_streaming_through_the_sdk_yields_the_whole_answer_in_one_chunk():
    with gemini_serve() as standin:
        client = genai.Client(
            vertexai=False,
            api_key=standin.api_key,
            http_options=types.HttpOptions(base_url=standin.base_url, api_version="v1beta"),
        )
        chunks = list(client.models.generate_content_stream(model="gemini-3.5-flash", contents="stream"))

    assert len(chunks) == 1
    assert chunks[0].candidates[0].finish_reason == types.FinishReason.STOP
    assert standin.requests[0].method == "streamGenerateContent"


def test_the_fake_citys_sessions_depend_only_on_the_movie_the_day_and_the_cinemas():
    city = FakeCity(cinemas=4, movies=3)
    cinemas = [*city.cinema_names(), "Not In This City"]

    first = city.sessions(movie="Standin Movie 2", day=dt.date(2026, 12, 5), cinemas=cinemas)
    again = city.sessions(movie="Standin Movie 2", day=dt.date(2026, 12, 5), cinemas=cinemas)
    week = [
        city.sessions(movie="Standin Movie 2", day=dt.date(2026, 12, d), cinemas=cinemas) for d in range(1, 8)
    ]

    assert first == again
    assert {session["cinema"] for day in week for session in day} <= set(city.cinema_names())
    assert len({tuple(s["time"] for s in day) for day in week}) > 1  # days differ
    assert city.sessions(movie="Not Playing Here", day=dt.date(2026, 12, 5), cinemas=cinemas) == []
