"""The SSE stream a Django user would write with Channels alone.

One AsyncHttpConsumer per client, one channel-layer group ("movies") for everyone,
on channels_redis' RedisPubSubChannelLayer (one PUBLISH per group_send). Publishers
do `async_to_sync(layer.group_send)("movies", {"type": "movie.event", "text": ...})`.
"""

from channels.generic.http import AsyncHttpConsumer

GROUP = "movies"


class MovieStreamConsumer(AsyncHttpConsumer):
    async def handle(self, body: bytes) -> None:
        await self.send_headers(
            headers=[
                (b"content-type", b"text/event-stream; charset=utf-8"),
                (b"cache-control", b"no-cache"),
                (b"x-accel-buffering", b"no"),
            ]
        )
        # Headers go out with the first body message; more_body keeps the response open.
        await self.send_body(b"", more_body=True)
        await self.channel_layer.group_add(GROUP, self.channel_name)
        # A comment once subscribed, so that a client knows it will see what is published next.
        await self.send_body(b": connected\n\n", more_body=True)

    async def http_request(self, message: dict) -> None:
        # AsyncHttpConsumer.http_request raises StopConsumer as soon as handle() returns,
        # which would end the consumer (and with it the group messages) while the response
        # is still open. A stream must keep the consumer running until the client leaves
        # (http_disconnect), so run handle() without stopping afterwards.
        if "body" in message:
            self.body.append(message["body"])
        if not message.get("more_body"):
            await self.handle(b"".join(self.body))

    async def movie_event(self, message: dict) -> None:
        await self.send_body(message["text"].encode(), more_body=True)

    async def disconnect(self) -> None:
        await self.channel_layer.group_discard(GROUP, self.channel_name)
