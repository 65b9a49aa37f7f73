"""Flow control: learn when a client's socket buffer is full, so a slow reader is noticed.

Daphne's ASGI `send` never blocks: whatever is sent piles up in Twisted's write
buffer. Twisted does tell a registered push producer when that buffer fills and
drains, so a stream registers its subscriber as the producer of its connection. The
server's `send` is `partial(Server.handle_reply, protocol)`; other servers (the test
communicator, uvicorn) get no producer and rely on the queue limit alone.
"""

from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from functools import partial
from typing import Any

from apps.stream.hub import Subscriber


class _SubscriberProducer:
    """Twisted IPushProducer that pauses and resumes one subscriber."""

    def __init__(self, subscriber: Subscriber) -> None:
        self.subscriber = subscriber

    def pauseProducing(self) -> None:
        self.subscriber.paused = True

    def resumeProducing(self) -> None:
        self.subscriber.paused = False
        self.subscriber.wake()

    def stopProducing(self) -> None:
        self.subscriber.close("connection lost")


@dataclass(frozen=True)
class ConnectionControl:
    """What a stream can do to its connection beyond sending: stop being its producer, or drop it."""

    detach: Callable[[], None]
    abort: Callable[[], None]


def _noop() -> None:
    return None


def _unregister(target: Any) -> None:
    # AttributeError: the connection is gone, and its producer with it.
    with suppress(AttributeError):
        target.unregisterProducer()


def _abort(protocol: Any) -> None:
    # A client that does not read never drains the closing bytes, so a graceful close
    # would wait forever: drop the TCP connection instead.
    transport = getattr(getattr(protocol, "channel", None), "transport", None) or getattr(
        protocol, "transport", None
    )
    abort = getattr(transport, "abortConnection", None)
    if abort is not None:
        abort()


def flow_control_attach(send: Callable[..., Any], subscriber: Subscriber) -> ConnectionControl:
    """Register `subscriber` as its connection's producer (when the server is Daphne)."""
    protocol = send.args[0] if isinstance(send, partial) and send.args else None
    producer = _SubscriberProducer(subscriber)
    # An HTTP request (SSE) registers through its channel; a WebSocket on its transport.
    for target in (protocol, getattr(protocol, "transport", None)):
        register = getattr(target, "registerProducer", None)
        if register is None:
            continue
        try:
            register(producer, True)
        except (RuntimeError, ValueError):
            break  # someone else's producer is registered there
        return ConnectionControl(detach=partial(_unregister, target), abort=partial(_abort, protocol))
    return ConnectionControl(detach=_noop, abort=_noop)


# A close frame's reason is at most 123 bytes (RFC 6455).
CLOSE_REASON_BYTES = 123


def close_reason(message: str) -> str:
    """`message` cut to what a close frame's reason can carry, on a character boundary."""
    return message.encode()[:CLOSE_REASON_BYTES].decode(errors="ignore")


def websocket_close(send: Callable[..., Any], code: int, reason: str) -> bool:
    """Close a WebSocket with `code` and `reason` through Daphne's protocol; False on other servers.

    Daphne drops the reason of an ASGI `websocket.close`, and its WebSocket library lets an
    application close only with 1000 or 3000-4999, not 1009 (message too big).
    """
    protocol = send.args[0] if isinstance(send, partial) and send.args else None
    send_close_frame = getattr(protocol, "sendCloseFrame", None)
    if send_close_frame is None:
        return False
    send_close_frame(code=code, reasonUtf8=close_reason(reason).encode(), isReply=False)
    return True
