"""A stand-in for TMDB's image host (image.tmdb.org/t/p/<size>/<file>): PNGs for known paths, 404 otherwise."""

import struct
import threading
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def png(width: int, height: int, top: tuple[int, int, int], bottom: tuple[int, int, int]) -> bytes:
    """A vertical gradient as a PNG: enough to be a poster a browser decodes, no imaging library."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    rows = bytearray()
    for y in range(height):
        share = y / max(height - 1, 1)
        pixel = bytes(round(a + (b - a) * share) for a, b in zip(top, bottom, strict=True))
        rows += b"\x00" + pixel * width
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(bytes(rows)))
        + chunk(b"IEND", b"")
    )


class TmdbImages:
    """Images by file path ("/poster.jpg"), served at every size as TMDB does."""

    def __init__(self) -> None:
        self.images: dict[str, bytes] = {}
        self.requested: list[str] = []

    def add(self, path: str, width: int, height: int, top=(150, 40, 40), bottom=(20, 10, 30)) -> None:
        self.images[path] = png(width, height, top, bottom)


@contextmanager
def tmdb_images_serve() -> Iterator[tuple[TmdbImages, str]]:
    """Serve a TmdbImages on loopback; yields it and the image base ("http://127.0.0.1:N/t/p/")."""
    images = TmdbImages()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            images.requested.append(self.path)
            parts = self.path.split("?")[0].split("/", 4)  # "", "t", "p", size, file
            body = images.images.get("/" + parts[4]) if len(parts) == 5 and parts[1:3] == ["t", "p"] else None
            if body is None:
                self.send_response(404)
                self.send_header("Content-Type", "text/html")
                self.end_headers()
                self.wfile.write(b"<html><body>Not Found</body></html>")
                return
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "public, max-age=31536000")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield images, f"http://127.0.0.1:{server.server_address[1]}/t/p/"
    finally:
        server.shutdown()
        server.server_close()
