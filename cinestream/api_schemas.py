"""The bodies of the API's error responses, as /api/openapi.json documents them."""

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class ErrorOut(BaseModel):
    """A refused request: a DomainError (cinestream.api) or a stream's refusal."""

    code: str = Field(examples=["invalid_stream_request"], description="Stable, for programs.")
    message: str = Field(description="What is wrong, for people.")


class ValidationProblem(BaseModel):
    model_config = ConfigDict(extra="allow")

    type: str
    loc: list[str | int] = Field(description='Where, e.g. ["query", "limit"].')
    msg: str


class ValidationErrorOut(BaseModel):
    """A parameter that does not fit its declared type or range (django-ninja's 422)."""

    detail: list[ValidationProblem]


def error_response(description: str, model: type[BaseModel] = ErrorOut) -> dict[str, Any]:
    """An OpenAPI response object whose JSON body is `model` (for paths served outside ninja)."""
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{model.__name__}"}}},
    }
