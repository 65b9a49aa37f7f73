"""SSE load client for bench/stream.py: thousands of streams from one asyncio process.

    python bench/stream_client.py '<json config>'

Config: {"host": "127.0.0.1", "targets": [{"port": 8001, "path": "/api/movies/stream", "count": 500}, ...],
         "concurrency": 100, "timeout": 30}

Talks to the orchestrator in JSON lines: after connecting every stream it prints
{"event": "connected", ...}; then it reads commands from stdin:

    {"cmd": "mark"}                      -> {"event": "marked", "cpu_s": ...}
    {"cmd": "collect", "expect": N, "timeout": T}
        waits until every open stream has seen event seq N-1 (or T seconds), then
        -> {"event": "collected", "delivered": ..., "latencies": [...], ...}

and exits (closing every stream) when stdin ends. Streams are asyncio Protocols
(the transport layer under asyncio streams): one data_received call per read, the
HTTP/1.1 chunked body and the SSE frames parsed incrementally, no task per stream.
Latency is receive time minus the `sent_at` the publisher put in the event.
"""

import asyncio
import json
import re
import resource
import sys
import time

SEQ = re.compile(rb'"seq":\s*(\d+)')
SENT_AT = re.compile(rb'"sent_at":\s*([0-9.eE+-]+)')


def raise_nofile(want: int = 65536) -> int:
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    for limits in ((want, max(hard, want)), (min(want, hard), hard)):
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, limits)
            break
        except (ValueError, OSError):
            continue
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


class Stats:
    def __init__(self) -> None:
        self.latencies: list[float] = []
        self.event_max: dict[int, float] = {}  # seq -> slowest delivery of that event
        self.events = 0
        self.duplicates = 0
        self.bad_frames = 0
        self.first_at: float | None = None
        self.last_at: float | None = None


class SSEClient(asyncio.Protocol):
    __slots__ = (
        "cbuf",
        "chunk_left",
        "chunked",
        "close_reason",
        "closed",
        "count",
        "head",
        "headers_done",
        "last_seq",
        "need_crlf",
        "ready",
        "request",
        "sse",
        "stats",
        "status",
        "transport",
    )

    def __init__(self, stats: Stats, request: bytes, ready: asyncio.Future) -> None:
        self.stats = stats
        self.request = request
        self.transport = None
        self.head = b""
        self.headers_done = False
        self.chunked = False
        self.chunk_left = 0
        self.need_crlf = 0
        self.cbuf = b""
        self.sse = b""
        self.ready = ready
        self.status = None
        self.last_seq = -1
        self.count = 0
        self.closed = False
        self.close_reason = ""

    def connection_made(self, transport) -> None:
        self.transport = transport
        transport.write(self.request)

    def connection_lost(self, exc) -> None:
        self.closed = True
        self.close_reason = repr(exc) if exc else "closed by server"
        if not self.ready.done():
            self.ready.set_exception(ConnectionError(f"closed before the first frame (status {self.status})"))

    def data_received(self, data: bytes) -> None:
        now = time.time()
        if not self.headers_done:
            self.head += data
            end = self.head.find(b"\r\n\r\n")
            if end < 0:
                if len(self.head) > 65536:
                    self._fail("response headers too long")
                return
            head, data = self.head[:end], self.head[end + 4 :]
            self.head = b""
            self.headers_done = True
            status_line = head.split(b"\r\n", 1)[0]
            parts = status_line.split(b" ", 2)
            self.status = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0
            if self.status != 200:
                self._fail(f"HTTP {self.status}")
                return
            self.chunked = b"transfer-encoding: chunked" in head.lower()
            if not data:
                return
        body = self._dechunk(data) if self.chunked else data
        if body:
            self._frames(body, now)

    def _fail(self, reason: str) -> None:
        if not self.ready.done():
            self.ready.set_exception(ConnectionError(reason))
        self.close_reason = reason
        self.transport.abort()

    def _dechunk(self, data: bytes) -> bytes:
        buf = self.cbuf + data if self.cbuf else data
        self.cbuf = b""
        out = []
        pos, size = 0, len(buf)
        while pos < size:
            if self.chunk_left:
                take = min(self.chunk_left, size - pos)
                out.append(buf[pos : pos + take])
                pos += take
                self.chunk_left -= take
                if not self.chunk_left:
                    self.need_crlf = 2
                continue
            if self.need_crlf:
                skip = min(self.need_crlf, size - pos)
                pos += skip
                self.need_crlf -= skip
                continue
            line_end = buf.find(b"\r\n", pos)
            if line_end < 0:
                self.cbuf = buf[pos:]
                break
            try:
                length = int(buf[pos:line_end].split(b";", 1)[0], 16)
            except ValueError:
                self._fail("bad chunk header")
                return b""
            pos = line_end + 2
            if length == 0:
                break  # the response ended; connection_lost follows
            self.chunk_left = length
        return b"".join(out) if len(out) != 1 else out[0]

    def _frames(self, body: bytes, now: float) -> None:
        buf = self.sse + body if self.sse else body
        end = buf.rfind(b"\n\n")
        if end < 0:
            self.sse = buf
            return
        self.sse = buf[end + 2 :]
        if not self.ready.done():
            self.ready.set_result(True)
        if b'"seq"' not in buf:
            return  # comments only (connected, heartbeat)
        stats = self.stats
        for frame in buf[:end].split(b"\n\n"):
            seq_match = SEQ.search(frame)
            if seq_match is None:
                continue
            sent_match = SENT_AT.search(frame)
            if sent_match is None:
                stats.bad_frames += 1
                continue
            seq = int(seq_match.group(1))
            if seq <= self.last_seq:
                stats.duplicates += 1
                continue
            self.last_seq = seq
            self.count += 1
            stats.events += 1
            latency = now - float(sent_match.group(1))
            stats.latencies.append(latency)
            if latency > stats.event_max.get(seq, -1.0):
                stats.event_max[seq] = latency
            if stats.first_at is None:
                stats.first_at = now
            stats.last_at = now


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def emit(message: dict) -> None:
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


async def open_stream(loop, host: str, port: int, path: str, stats: Stats, timeout: float) -> SSEClient:
    request = (
        f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nAccept: text/event-stream\r\n"
        f"Cache-Control: no-cache\r\nUser-Agent: cinestream-bench\r\n\r\n"
    ).encode()
    ready = loop.create_future()
    _transport, protocol = await asyncio.wait_for(
        loop.create_connection(lambda: SSEClient(stats, request, ready), host, port), timeout
    )
    try:
        await asyncio.wait_for(asyncio.shield(ready), timeout)
    except BaseException:
        protocol.transport.abort()
        raise
    return protocol


async def main(config: dict) -> None:
    loop = asyncio.get_running_loop()
    limit = raise_nofile()
    stats = Stats()
    host = config.get("host", "127.0.0.1")
    timeout = float(config.get("timeout", 30))
    semaphore = asyncio.Semaphore(int(config.get("concurrency", 100)))
    streams: list[SSEClient] = []
    errors: dict[str, int] = {}

    async def one(port: int, path: str) -> None:
        async with semaphore:
            for attempt in range(3):
                try:
                    streams.append(await open_stream(loop, host, port, path, stats, timeout))
                    return
                except (TimeoutError, OSError, ConnectionError) as exc:
                    reason = f"{type(exc).__name__}: {exc}"[:120]
                    if attempt == 2:
                        errors[reason] = errors.get(reason, 0) + 1
                    else:
                        await asyncio.sleep(0.2 * (attempt + 1))

    started = time.monotonic()
    # Interleave the targets so every server sees connections arrive at the same pace.
    queues = [[(t["port"], t["path"])] * int(t["count"]) for t in config["targets"]]
    order = [item for round_ in zip(*queues, strict=False) for item in round_]
    order += [item for queue in queues for item in queue[min(map(len, queues)) :]]
    await asyncio.gather(*(one(port, path) for port, path in order))
    emit(
        {
            "event": "connected",
            "ready": len(streams),
            "failed": sum(errors.values()),
            "errors": errors,
            "seconds": round(time.monotonic() - started, 3),
            "nofile": limit,
        }
    )

    reader = asyncio.StreamReader(limit=1 << 20)
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    mark_cpu = cpu_seconds()
    mark_wall = time.monotonic()
    while True:
        line = await reader.readline()
        if not line:
            break
        command = json.loads(line)
        if command["cmd"] == "mark":
            mark_cpu, mark_wall = cpu_seconds(), time.monotonic()
            emit({"event": "marked"})
        elif command["cmd"] == "collect":
            expect = int(command["expect"])
            deadline = time.monotonic() + float(command["timeout"])
            while time.monotonic() < deadline:
                if all(s.closed or s.last_seq >= expect - 1 for s in streams):
                    break
                await asyncio.sleep(0.05)
            complete = sum(1 for s in streams if s.count >= expect)
            closed = [s for s in streams if s.closed]
            reasons: dict[str, int] = {}
            for s in closed:
                reasons[s.close_reason[:120]] = reasons.get(s.close_reason[:120], 0) + 1
            emit(
                {
                    "event": "collected",
                    "streams": len(streams),
                    "delivered": sum(min(s.count, expect) for s in streams),
                    "complete_streams": complete,
                    "closed_streams": len(closed),
                    "close_reasons": reasons,
                    "duplicates": stats.duplicates,
                    "bad_frames": stats.bad_frames,
                    "first_at": stats.first_at,
                    "last_at": stats.last_at,
                    "client_cpu_s": round(cpu_seconds() - mark_cpu, 3),
                    "client_wall_s": round(time.monotonic() - mark_wall, 3),
                    "latencies": [round(x, 5) for x in stats.latencies],
                    "event_max": {str(k): round(v, 5) for k, v in stats.event_max.items()},
                }
            )
    for s in streams:
        if not s.closed:
            s.transport.abort()
    await asyncio.sleep(0.1)


if __name__ == "__main__":
    asyncio.run(main(json.loads(sys.argv[1])))
