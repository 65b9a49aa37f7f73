"""Payloads for stream tests."""


def movie_payload(n: int, **fields: object) -> dict:
    """A `movie` event payload for title number n (a Drama of the 1990s unless told otherwise)."""
    return {
        "id": f"tt{n:07d}",
        "title": f"Movie {n}",
        "genre": ["Drama"],
        "decade_category": "1990s",
        **fields,
    }


def movie_tags(payload: dict) -> dict:
    """The filter tags the catalog would pass with this payload (apps/catalog/events.py: movie_tags)."""
    tags = {"genre": payload.get("genre", [])}
    if payload.get("decade_category"):
        tags["decade"] = [payload["decade_category"]]
    return tags
