"""The bodies of the API's error responses, as /api/openapi.json documents them."""

from typing import Any

from pydantic import BaseModel, Field


class ErrorOut(BaseModel):
    """A refused or failed request (cinestream/api_errors.py)."""

    code: str = Field(examples=["title_not_found"], description="Stable, for programs.")
    message: str = Field(description="What is wrong, for people.")


class FieldProblem(BaseModel):
    field: str = Field(examples=["limit"], description="The failing field (dotted inside a body).")
    # "in" is a Python keyword: the attribute has another name, the JSON key is "in".
    location: str = Field(
        alias="in", examples=["query"], description="Where it was sent: query, path, body, header."
    )
    message: str


class ValidationErrorOut(ErrorOut):
    """A parameter or body field that does not fit its declared type or range."""

    code: str = Field(examples=["invalid_request"], description="Always invalid_request.")
    errors: list[FieldProblem] = Field(description="One entry per failing field.")


def error_response(description: str, model: type[BaseModel] = ErrorOut) -> dict[str, Any]:
    """An OpenAPI response object whose JSON body is `model` (for paths served outside ninja)."""
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{model.__name__}"}}},
    }
