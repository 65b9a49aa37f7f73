from django.urls import path

from apps.stream.consumers import MovieStreamConsumer
from apps.stream.sse import movie_stream

# Routed outside the session/auth middleware: the stream is public, and the raw
# server `send` is what lets flow control see the client's socket (flow.py).
http_urlpatterns = [path("api/movies/stream", movie_stream)]
websocket_urlpatterns = [path("ws/movies/", MovieStreamConsumer.as_asgi())]
