"""The API's versions: /api/v1/… and the unversioned /api/… the site itself uses (cinestream/api.py)."""

from django.http import HttpRequest
from django.urls import reverse

V1 = "v1"


def api_url(request: HttpRequest, name: str, *args: object) -> str:
    """The path of the operation `name` in the API version this request came in by."""
    match = request.resolver_match
    versioned = bool(match and match.url_name and match.url_name.startswith(f"{V1}_"))
    return reverse(f"api:{V1}_{name}" if versioned else f"api:{name}", args=args)
