"""HTTP rules of the API's paths (/api/…) that Django's middleware applies: conditional reads
and JSON error bodies.

The live stream (/api/movies/stream) is an ASGI endpoint of its own (cinestream/asgi.py), so
neither rule reaches it: it never ends, so it has no ETag, and it answers its errors in JSON
itself.
"""

import json
from collections.abc import Awaitable, Callable
from inspect import iscoroutinefunction

from django.http import HttpRequest, HttpResponse
from django.middleware.http import ConditionalGetMiddleware
from django.utils.decorators import sync_and_async_middleware

from cinestream.api_errors import error_body, status_code_name, status_message

API_PREFIX = "/api/"


def is_api_request(request: HttpRequest) -> bool:
    return request.path_info.startswith(API_PREFIX)


class ApiConditionalGetMiddleware(ConditionalGetMiddleware):
    """Django's ConditionalGetMiddleware for /api/ only: every GET reply gets an ETag (a hash of
    its body), and a GET whose If-None-Match names it is answered 304 with no body.

    Pages are left alone: they carry a CSRF token and a visitor's messages, which change the
    body on every load.
    """

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        if not is_api_request(request):
            return response
        return super().process_response(request, response)


def _is_json(response: HttpResponse) -> bool:
    return response.get("Content-Type", "").split(";")[0].strip() == "application/json"


def _error_as_json(response: HttpResponse) -> HttpResponse:
    """The same status and headers (Allow, Retry-After, …) with the API's JSON error body."""
    status = response.status_code
    response.content = json.dumps(error_body(status_code_name(status), status_message(status))).encode()
    response["Content-Type"] = "application/json; charset=utf-8"
    # CommonMiddleware, further in, set the length of the HTML page: a client would wait for
    # bytes that never come (a 404 said 12,002 for 225), or read the rest as the next reply.
    if response.has_header("Content-Length"):
        response["Content-Length"] = str(len(response.content))
    return response


def _needs_json(request: HttpRequest, response: HttpResponse) -> bool:
    return (
        response.status_code >= 400
        and is_api_request(request)
        and not response.streaming
        and not _is_json(response)
    )


Handler = Callable[[HttpRequest], HttpResponse | Awaitable[HttpResponse]]


@sync_and_async_middleware
def api_error_json_middleware(get_response: Handler) -> Handler:
    """Under /api/, an error answered in HTML or text (Django's 404 and 500 pages, ninja's 405)
    gets the API's JSON body: {"code", "message"}."""
    if iscoroutinefunction(get_response):

        async def middleware(request: HttpRequest) -> HttpResponse:
            response = await get_response(request)
            return _error_as_json(response) if _needs_json(request, response) else response

    else:

        def middleware(request: HttpRequest) -> HttpResponse:
            response = get_response(request)
            return _error_as_json(response) if _needs_json(request, response) else response

    return middleware
