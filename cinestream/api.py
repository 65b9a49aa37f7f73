"""The JSON API (django-ninja); interactive docs at /api/docs."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from pydantic import BaseModel

from apps.stream import api as stream_api
from core.errors import DomainError


class CineStreamApi(NinjaAPI):
    """NinjaAPI that also documents endpoints served outside it (the SSE stream)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.documented_paths: dict[str, dict] = {}
        self.documented_schemas: dict[str, type[BaseModel]] = {}

    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> dict:
        schema = super().get_openapi_schema(*args, **kwargs)
        schema["paths"].update(self.documented_paths)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        for name, model in self.documented_schemas.items():
            json_schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
            components.update(json_schema.pop("$defs", {}))
            components[name] = json_schema
        return schema


api = CineStreamApi(
    title="CineStream API",
    version="1",
    description="Movies, showtimes and trends for Ukraine and beyond.",
    urls_namespace="api",
)
api.add_router("/", stream_api.router)
api.documented_paths["/api/movies/stream"] = stream_api.STREAM_DOC
api.documented_schemas.update(stream_api.DOCUMENTED_SCHEMAS)


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return api.create_response(request, {"code": exc.code, "message": str(exc)}, status=exc.http_status)
