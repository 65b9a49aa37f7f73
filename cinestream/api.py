"""The JSON API (django-ninja); interactive docs at /api/docs, the schema at /api/openapi.json.

Two sets of paths, one API object, so that the docs and the schema show both:
- /api/v1/…: the public API, versioned. A change that could break a client goes to a new
  version beside it; v1 keeps answering as documented.
- /api/…: the same operations the site's JavaScript and the issue name (/api/search,
  /api/movies/register, /api/movies/view, …), unversioned, kept as they are. Each is the same
  handler as its v1 twin (the router is mounted twice); only v1 has the newer reads (titles,
  people, trends, cities).
The live stream /api/movies/stream is served outside ninja (apps/stream/sse.py) and only
documented here.
"""

from typing import Any

from ninja import NinjaAPI
from ninja.operation import Operation
from pydantic import BaseModel

from apps.catalog import api as catalog_api
from apps.showtimes import api as showtimes_api
from apps.stream import api as stream_api
from apps.trends import api as trends_api
from cinestream.api_errors import handlers_install
from cinestream.api_schemas import ErrorOut, ValidationErrorOut
from cinestream.api_throttle import ApiKeyAuth, WriteRateThrottle
from cinestream.api_versions import V1

_WRITE_METHODS = ("post", "put", "patch", "delete")


class CineStreamApi(NinjaAPI):
    """NinjaAPI that documents endpoints served outside it (the SSE stream) and what every
    operation may answer besides its own replies (304, 429), and names v1's operations apart."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.documented_paths: dict[str, dict] = {}
        self.documented_schemas: dict[str, type[BaseModel]] = {
            "ErrorOut": ErrorOut,
            "ValidationErrorOut": ValidationErrorOut,
        }

    def _versioned_operations(self) -> dict[int, str]:
        # A router mounted twice has a copy of each operation per mount; the mount's prefix
        # says which version a copy serves.
        versions = {}
        for bound in self._get_bound_routers():
            version = bound.prefix.strip("/")
            for path_view in bound.path_operations.values():
                for operation in path_view.operations:
                    versions[id(operation)] = version
        return versions

    def get_openapi_operation_id(self, operation: Operation) -> str:
        version = self._versioned_operations().get(id(operation), "")
        if version == V1:
            return f"{V1}_{operation.view_func.__name__}"
        return super().get_openapi_operation_id(operation)

    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> dict:
        schema = super().get_openapi_schema(*args, **kwargs)
        for operations in schema["paths"].values():
            for method, operation in operations.items():
                _common_responses_add(method, operation)
                # The key is optional everywhere (ApiKeyAuth): the scheme is documented in
                # components, but no operation requires it.
                operation.pop("security", None)
        schema["paths"].update(self.documented_paths)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        for name, model in self.documented_schemas.items():
            json_schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
            components.update(json_schema.pop("$defs", {}))
            components[name] = json_schema
        return schema


def _error_ref(description: str) -> dict:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}},
    }


def _common_responses_add(method: str, operation: dict) -> None:
    """What cinestream.api_http, the write limit and the body parser add to an operation's own
    replies."""
    responses = operation["responses"]
    if method == "get":
        responses.setdefault(
            "304", {"description": "Not modified: the If-None-Match sent names this reply's ETag."}
        )
    if method in _WRITE_METHODS:
        limited = _error_ref("Too many writes from this address (API_WRITE_RATE).")
        limited["headers"] = {
            "Retry-After": {
                "description": "Seconds until writes are counted afresh.",
                "schema": {"type": "integer", "minimum": 1},
            }
        }
        responses.setdefault("429", limited)
    if "requestBody" in operation:
        responses.setdefault("400", _error_ref("The body is not JSON."))


api = CineStreamApi(
    title="CineStream API",
    version="1",
    description=(
        "Movies, showtimes and trends for Ukraine and beyond. Errors are JSON "
        '`{"code", "message"}` (a 422 adds `errors`, one per field); reads send an `ETag` '
        "and answer `If-None-Match` with 304; writes are limited per address (429 with "
        "`Retry-After`). The versioned API is under `/api/v1/`. A supporter's personal key "
        "(`X-API-Key: <key>` or `Authorization: Bearer <key>`; optional) raises the write limit "
        "to the plan's; an unknown or revoked key is a 401."
    ),
    urls_namespace="api",
    auth=ApiKeyAuth(),
    throttle=[WriteRateThrottle()],
)
# The operations shared by both sets of paths (see the module's docstring).
_SHARED_ROUTERS = (stream_api.router, showtimes_api.router, trends_api.router, catalog_api.router)
for _router in _SHARED_ROUTERS:
    api.add_router("/", _router)
for _router in (*_SHARED_ROUTERS, catalog_api.v1_router, trends_api.v1_router, showtimes_api.v1_router):
    api.add_router(f"/{V1}/", _router, url_name_prefix=V1)
api.documented_paths["/api/movies/stream"] = stream_api.STREAM_DOC
api.documented_schemas.update(stream_api.DOCUMENTED_SCHEMAS)
handlers_install(api)
