"""ASGI application for the baseline stream: GET /baseline/stream, on cinestream's settings.

    daphne -b 127.0.0.1 -p PORT bench.baseline.asgi:application

With REDIS_URL set, cinestream.settings configures CHANNEL_LAYERS with
channels_redis.pubsub.RedisPubSubChannelLayer on that Redis.
"""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cinestream.settings")

from django.core.asgi import get_asgi_application

django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.urls import path, re_path  # noqa: E402

from bench.baseline.consumers import MovieStreamConsumer  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": URLRouter(
            [
                path("baseline/stream", MovieStreamConsumer.as_asgi()),
                re_path(r"", django_asgi_app),
            ]
        ),
    }
)
