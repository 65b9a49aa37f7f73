"""What Gemini is asked to answer (each call's response schema) and what a call returns.

The answer models are sent to Gemini as the response schema and every answer is validated
against them; they are deliberately flat and small, as structured output follows small
schemas best. This module imports nothing of the project's apps.
"""

import datetime as dt
from typing import Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field


class CinemaFound(BaseModel):
    name: str = Field(description="The cinema's name as it presents itself, e.g. 'Multiplex Lavina'")
    chain: str = Field(default="", description="The chain, e.g. 'Multiplex', 'Planeta Kino'; empty if none")
    address: str = Field(default="", description="Street address in the city")
    website: str = Field(default="", description="The cinema's own page with its schedule, if known")


class CinemasAnswer(BaseModel):
    cinemas: list[CinemaFound]


class MovieFound(BaseModel):
    title: str = Field(description="The title as the cinemas list it (often Ukrainian)")
    original_title: str = Field(default="", description="The original title, e.g. English")
    year: int | None = Field(default=None, description="Release year")
    imdb_id: str = Field(default="", description="IMDb id tt1234567 if certain, else empty")


class MoviesAnswer(BaseModel):
    movies: list[MovieFound]


class SessionFound(BaseModel):
    cinema: str = Field(description="One of the cinema names given in the question, exactly")
    date: dt.date
    time: dt.time = Field(description="Local start time, HH:MM")
    format: str = Field(default="2D", description="2D, 3D, IMAX, IMAX 3D, 4DX, ScreenX")
    audio_language: str = Field(default="", description="ISO 639-1 code of the audio, e.g. 'uk' for a dub")
    subtitles: str = Field(default="", description="ISO 639-1 code of the subtitles, empty if none")
    hall: str = Field(default="")
    booking_url: str = Field(default="")
    price_uah: float | None = Field(default=None, description="Ticket price in UAH if shown")


class SessionsAnswer(BaseModel):
    sessions: list[SessionFound]


class GroundingSource(BaseModel):
    model_config = ConfigDict(frozen=True)

    uri: str
    title: str = ""


class GeminiUsage(BaseModel):
    prompt_tokens: int = 0
    output_tokens: int = 0  # candidates
    thinking_tokens: int = 0  # billed as output
    total_tokens: int = 0


AnswerT = TypeVar("AnswerT", bound=BaseModel)


class GeminiReply(BaseModel, Generic[AnswerT]):
    """A validated answer with what backs it and what it cost."""

    answer: AnswerT
    sources: list[GroundingSource] = Field(default_factory=list)
    # Each grounding support's text with the indices of the sources backing it, so a session
    # can keep the sources that support its own line.
    supports: list[tuple[str, list[int]]] = Field(default_factory=list)
    usage: GeminiUsage = Field(default_factory=GeminiUsage)
    model: str = ""
    latency_ms: int = 0
