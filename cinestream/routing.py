"""Routes served outside Django's request handling: streams and WebSockets."""

from apps.stream import routing as stream_routing

http_urlpatterns = [*stream_routing.http_urlpatterns]
public_websocket_urlpatterns = [*stream_routing.websocket_urlpatterns]
# WebSockets that need the visitor's session and user.
websocket_urlpatterns: list = []
