from core.errors import DomainError


class RecordRejected(DomainError):
    """A record that cannot become a title (no usable IMDb id); counted and reported, never stored."""

    code = "record_rejected"
    http_status = 422
