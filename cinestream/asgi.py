"""ASGI entry point: HTTP through Django, WebSocket through Channels' routers."""

from cinestream.startup import settings_load_or_exit

settings_load_or_exit()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402
from django.core.asgi import get_asgi_application  # noqa: E402

# Django must be set up before the routing modules import models.
django_asgi_app = get_asgi_application()

from cinestream.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
    }
)
