"""Logging: readable lines in development, one JSON object per line in production.

structlog renders both stdlib and structlog records through one ProcessorFormatter,
so Django's, Celery's and our own logs share a format and carry the request id
bound by django-structlog (which Celery tasks enqueued by a request inherit).
"""

import logging
import re

import structlog

# Keys that travel in URLs (TMDB's v3 `api_key`, Gemini's `key`) and headers; libraries such
# as urllib3 log the URL they retry, so every line is cleaned before it is written.
_SECRETS = re.compile(
    r"((?:[?&;](?:api_key|key|token)=)|(?:x-goog-api-key|authorization)[\"']?:\s*[\"']?(?:bearer\s+)?)[^&\s\"',)]+",
    re.I,
)


def secrets_redact(_logger, _method: str, event_dict: dict) -> dict:
    """Replace API keys and tokens in a log line's message with "[redacted]"."""
    event = event_dict.get("event")
    if isinstance(event, str) and _SECRETS.search(event):
        event_dict["event"] = _SECRETS.sub(r"\1[redacted]", event)
    return event_dict


_SHARED_PROCESSORS: list = [
    structlog.contextvars.merge_contextvars,
    structlog.stdlib.add_log_level,
    structlog.stdlib.add_logger_name,
    structlog.processors.TimeStamper(fmt="iso", utc=True),
    structlog.stdlib.ExtraAdder(),
    secrets_redact,
]


def logging_config(*, log_format: str, level: str) -> dict:
    """Return the LOGGING dict and configure structlog to match it."""
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.stdlib.filter_by_level,
            *_SHARED_PROCESSORS[1:],
            structlog.processors.StackInfoRenderer(),
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    renderer = (
        structlog.processors.JSONRenderer()
        if log_format == "json"
        else structlog.dev.ConsoleRenderer(colors=False)
    )
    final_processors = [structlog.stdlib.ProcessorFormatter.remove_processors_meta]
    if log_format == "json":
        final_processors.append(structlog.processors.format_exc_info)
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "structured": {
                "()": structlog.stdlib.ProcessorFormatter,
                "processors": [*final_processors, renderer],
                "foreign_pre_chain": _SHARED_PROCESSORS,
            }
        },
        "handlers": {
            "stdout": {
                "class": "logging.StreamHandler",
                "formatter": "structured",
                "stream": "ext://sys.stdout",
            }
        },
        "root": {"handlers": ["stdout"], "level": level},
        "loggers": {
            # Django logs every 4xx/5xx itself; django-structlog logs each request once.
            "django.request": {"level": "ERROR"},
            "django.server": {"level": "WARNING"},
            "django_structlog": {"level": level},
            "daphne": {"level": logging.getLevelName(max(logging.getLevelName(level), logging.INFO))},
        },
    }
