from core.errors import DomainError


class UnknownEventType(DomainError):
    code = "unknown_event_type"


class InvalidEventTags(DomainError):
    """A publisher passed a tag its event type did not register, or a value its pattern refuses."""

    code = "invalid_event_tags"


class InvalidStreamRequest(DomainError):
    code = "invalid_stream_request"


class TooManyStreams(DomainError):
    code = "too_many_streams"
    http_status = 429


class StreamMessageTooLarge(DomainError):
    code = "message_too_large"
    http_status = 413
