"""The showtimes domain's errors; edges map them to HTTP once (cinestream/api.py)."""

from core.errors import DomainError


class CityNotFound(DomainError):
    code = "city_not_found"
    http_status = 404


class ShowtimesDateInvalid(DomainError):
    code = "date_invalid"
    http_status = 422
