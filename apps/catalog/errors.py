from core.errors import DomainError


class TitleNotFound(DomainError):
    code = "title_not_found"
    http_status = 404


class PersonNotFound(DomainError):
    code = "person_not_found"
    http_status = 404


class SearchQueryBlank(DomainError):
    code = "search_query_blank"
    http_status = 400


class CursorInvalid(DomainError):
    code = "cursor_invalid"
    http_status = 400
