"""The base of every domain error: services raise them, edges map them to HTTP once."""


class DomainError(Exception):
    code = "error"
    http_status = 400
