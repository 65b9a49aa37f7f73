"""The trends app's domain errors (mapped to HTTP once, by cinestream/api.py)."""

from core.errors import DomainError


class TitleUnknown(DomainError):
    code = "title_unknown"
    http_status = 404


class RegistrationNotFound(DomainError):
    code = "registration_not_found"
    http_status = 404
