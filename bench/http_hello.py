"""bench/http.py's baseline: the least an ASGI app served by Daphne can do (a constant page)."""

BODY = b"<!doctype html><title>hello</title><p>Hello, world."
HEADERS = [(b"content-type", b"text/html; charset=utf-8"), (b"content-length", str(len(BODY)).encode())]


async def application(scope: dict, receive, send) -> None:
    await receive()
    await send({"type": "http.response.start", "status": 200, "headers": HEADERS})
    await send({"type": "http.response.body", "body": BODY})
