"""ASGI entry point: streams and WebSockets through Channels' routers, the rest through Django."""

import gc

from cinestream.startup import settings_load_or_exit

settings_load_or_exit()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402
from django.core.asgi import get_asgi_application  # noqa: E402
from django.urls import re_path  # noqa: E402

# Django must be set up before the routing modules import models.
django_asgi_app = get_asgi_application()

from cinestream import routing  # noqa: E402
from cinestream.security import (  # noqa: E402
    AllowedHostsMiddleware,
    SecurityHeadersMiddleware,
    allowed_hosts_only,
)

application = ProtocolTypeRouter(
    {
        # Django checks the host of its own requests; the stream is checked here.
        "http": SecurityHeadersMiddleware(
            URLRouter([*allowed_hosts_only(routing.http_urlpatterns), re_path(r"", django_asgi_app)])
        ),
        "websocket": AllowedHostsMiddleware(
            URLRouter(
                [
                    # Public and cookie-free: a browser's Origin is checked only when it sends one.
                    *routing.public_websocket_urlpatterns,
                    # Session-bound sockets need an Origin, against cross-site hijacking.
                    re_path(
                        r"",
                        AllowedHostsOriginValidator(
                            AuthMiddlewareStack(URLRouter(routing.websocket_urlpatterns))
                        ),
                    ),
                ]
            )
        ),
    }
)

# A stream server keeps thousands of long-lived objects per connection, and with the
# default thresholds full collections keep re-scanning them: bench/stream.py measured
# 8.5 s of 21 s of server CPU in the collector at 10,000 streams, with 0.4 s pauses.
# Freeze what start-up created and collect the old generations far less often.
gc.collect()
gc.freeze()
gc.set_threshold(10_000, 50, 1_000)
