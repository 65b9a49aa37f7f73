"""ASGI entry point: streams and WebSockets through Channels' routers, the rest through Django."""

import gc

from cinestream.startup import settings_load_or_exit

settings_load_or_exit()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.asgi import get_asgi_application  # noqa: E402
from django.urls import re_path  # noqa: E402

# Django must be set up before the routing modules import models.
django_asgi_app = get_asgi_application()

from apps.showtimes.remembered import CITY_COOKIE  # noqa: E402
from cinestream import routing  # noqa: E402
from cinestream.page_views import page_view_at_edge  # noqa: E402
from cinestream.security import (  # noqa: E402
    AllowedHostsMiddleware,
    SecurityHeadersMiddleware,
    allowed_hosts_only,
)
from cinestream.stream_cors import stream_cors  # noqa: E402
from core.page_cache import PageCache  # noqa: E402

# Anonymous shared pages from memory, before Django; still counted as page views.
page_cache = PageCache(
    django_asgi_app,
    on_hit=page_view_at_edge,
    variant_cookies=(settings.LANGUAGE_COOKIE_NAME, CITY_COOKIE),
)

application = ProtocolTypeRouter(
    {
        # Django checks the host of its own requests; the stream is checked here.
        "http": SecurityHeadersMiddleware(
            URLRouter(
                [
                    *allowed_hosts_only(stream_cors(routing.http_urlpatterns)),
                    # Anonymous shared pages from memory, before Django (core/page_cache.py).
                    re_path(r"", page_cache),
                ]
            )
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
# Freeze what start-up created and make full collections rare (third threshold). Young
# collections stay frequent: every request leaves some cyclic garbage (the request and its
# lazy user), and a middle threshold of 50 let 300,000 such objects pile up for one 0.6 s
# collection (bench/views.py's p99 went from 29 ms to 250-590 ms).
gc.collect()
gc.freeze()
gc.set_threshold(2_000, 10, 1_000)
