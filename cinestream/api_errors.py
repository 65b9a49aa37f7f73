"""Every error under /api/ has one JSON body: {"code": …, "message": …}.

A domain error brings its own code; anything else gets the code of its HTTP status. A
validation error (422) keeps the two and adds `errors`, one per failing field, so that a
client can show each message next to its field. A server error says nothing of its cause
(it is logged).
"""

import logging
from typing import TYPE_CHECKING, Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext
from ninja.errors import HttpError, Throttled, ValidationError

from core.errors import DomainError

if TYPE_CHECKING:
    from ninja import NinjaAPI

logger = logging.getLogger(__name__)

STATUS_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    413: "body_too_large",
    415: "unsupported_media_type",
    422: "invalid_request",
    429: "rate_limited",
    500: "server_error",
    503: "unavailable",
}


def status_code_name(status: int) -> str:
    """The body's `code` for an error that has no code of its own."""
    return STATUS_CODES.get(status, "server_error" if status >= 500 else "bad_request")


def status_message(status: int) -> str:
    """What an error with no message of its own says, in the request's language."""
    messages = {
        404: gettext("Nothing here: see /api/docs for the API's paths."),
        405: gettext("This path does not take this method."),
        429: gettext("Too many requests from this address; retry after the time in Retry-After."),
        500: gettext("Something went wrong on our side. It has been logged; please retry later."),
    }
    return messages.get(status, gettext("The request could not be served."))


def error_body(code: str, message: str) -> dict[str, str]:
    return {"code": code, "message": message}


def _field_problem(error: dict[str, Any]) -> dict[str, str]:
    # ninja's loc is [where, name…]; a body's second item is the handler's parameter name,
    # which is not a field of the JSON a client sent.
    where, *names = [str(part) for part in error.get("loc", ["body"])]
    if where == "body" and names:
        names = names[1:]
    return {"field": ".".join(names) or where, "in": where, "message": str(error.get("msg", ""))}


def validation_body(errors: list[dict[str, Any]]) -> dict[str, Any]:
    problems = [_field_problem(error) for error in errors]
    message = "; ".join(f"{problem['field']}: {problem['message']}" for problem in problems)
    return {"code": status_code_name(422), "message": message, "errors": problems}


def handlers_install(api: "NinjaAPI") -> None:
    """Replace ninja's default error replies ({"detail": …}, a traceback in DEBUG) with ours."""

    def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
        return api.create_response(request, error_body(exc.code, str(exc)), status=exc.http_status)

    def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        return api.create_response(request, validation_body(exc.errors), status=422)

    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if isinstance(exc, Throttled):
            message = status_message(429)
        elif exc.status_code == 400:
            # ninja's only 400: a body that is not JSON.
            message = gettext("The request body is not valid JSON.")
        else:
            message = str(exc)
        return api.create_response(
            request, error_body(status_code_name(exc.status_code), message), status=exc.status_code
        )

    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return api.create_response(request, error_body("not_found", status_message(404)), status=404)

    def server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.error("API request failed: %s %s", request.method, request.path, exc_info=exc)
        return api.create_response(request, error_body("server_error", status_message(500)), status=500)

    api.add_exception_handler(DomainError, domain_error)
    api.add_exception_handler(ValidationError, validation_error)
    api.add_exception_handler(HttpError, http_error)
    api.add_exception_handler(Http404, not_found)
    api.add_exception_handler(Exception, server_error)
