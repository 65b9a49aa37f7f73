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
