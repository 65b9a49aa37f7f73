from core.errors import DomainError


class TitleNotFound(DomainError):
    code = "title_not_found"
    http_status = 404
