"""The JSON API (django-ninja); interactive docs at /api/docs."""

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI

from cinestream.errors import DomainError

api = NinjaAPI(
    title="CineStream API",
    version="1",
    description="Movies, showtimes and trends for Ukraine and beyond.",
    urls_namespace="api",
)


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return api.create_response(request, {"code": exc.code, "message": str(exc)}, status=exc.http_status)
