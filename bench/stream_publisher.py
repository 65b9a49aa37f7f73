"""Publisher process for bench/stream.py: publishes paced movie events, each stamped with `sent_at`.

    python bench/stream_publisher.py --mode ours|baseline --rate E --count N

Sets Django up, prints {"ready": true} on stdout, waits for a line on stdin, then
publishes event seq 0..N-1 at E per second (event i is due at start + i/E; a late
publisher catches up without sleeping) and prints one JSON line with what it did.

ours:     apps.stream.services.publish("movie", payload)   (event log + one Redis PUBLISH)
baseline: async_to_sync(layer.group_send)("movies", {"type": "movie.event", "text": "data: ...\\n\\n"})
"""

import argparse
import json
import os
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
GENRES = (["Drama"], ["Comedy", "Romance"], ["Action", "Thriller"], ["Animation"])
DECADES = ("1970s", "1980s", "1990s", "2000s", "2010s")


def payload_for(seq: int) -> dict:
    return {
        "id": f"tt{1000000 + seq:07d}",
        "title": f"Benchmark movie {seq}",
        "genre": GENRES[seq % len(GENRES)],
        "decade_category": DECADES[seq % len(DECADES)],
        "rating": 7.5,
        "seq": seq,
        "sent_at": time.time(),
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mode", choices=("ours", "baseline"), required=True)
    parser.add_argument("--rate", type=float, required=True)
    parser.add_argument("--count", type=int, required=True)
    args = parser.parse_args()

    # The repository first; this folder not at all: its http.py would shadow the standard library's.
    here = Path(__file__).resolve().parent
    sys.path[:] = [str(BASE_DIR)] + [entry for entry in sys.path if Path(entry or ".").resolve() != here]
    os.chdir(BASE_DIR)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cinestream.settings")
    import django

    django.setup()

    if args.mode == "ours":
        from django.db import connection

        from apps.stream.fanout import fanout_get
        from apps.stream.services import publish

        connection.ensure_connection()
        fanout = fanout_get()
        client = getattr(fanout, "_client", None)
        if client is not None:
            client.ping()  # open the Redis connection before the clock starts

        def send(seq: int) -> None:
            payload = payload_for(seq)
            publish("movie", payload, tags={"genre": payload["genre"], "decade": payload["decade_category"]})

    else:
        from asgiref.sync import async_to_sync
        from channels.layers import get_channel_layer

        layer = get_channel_layer()
        group_send = async_to_sync(layer.group_send)

        def send(seq: int) -> None:
            payload = payload_for(seq)
            text = "data: " + json.dumps(payload, separators=(",", ":")) + "\n\n"
            group_send("movies", {"type": "movie.event", "text": text})

    print(json.dumps({"ready": True}), flush=True)
    if not sys.stdin.readline():
        return 0  # the orchestrator went away

    interval = 1.0 / args.rate
    call_seconds: list[float] = []
    max_lag = 0.0
    errors = 0
    start = time.monotonic()
    last_sent = start
    for seq in range(args.count):
        due = start + seq * interval
        now = time.monotonic()
        if due > now:
            time.sleep(due - now)
        else:
            max_lag = max(max_lag, now - due)
        before = last_sent = time.monotonic()
        try:
            send(seq)
        except Exception as exc:  # counted and reported; the bench goes on
            errors += 1
            print(f"publisher: event {seq} failed: {exc!r}", file=sys.stderr)
        call_seconds.append(time.monotonic() - before)
    elapsed = time.monotonic() - start
    call_seconds.sort()
    n = len(call_seconds)
    print(
        json.dumps(
            {
                "sent": args.count - errors,
                "errors": errors,
                "seconds": round(elapsed, 3),
                # Events per second between the first send and the last one.
                "achieved_rate": round((args.count - 1) / (last_sent - start), 2)
                if last_sent > start
                else None,
                "max_lag_s": round(max_lag, 4),
                "publish_call_ms_p50": round(call_seconds[n // 2] * 1000, 3) if n else None,
                "publish_call_ms_p99": round(call_seconds[min(n - 1, int(n * 0.99))] * 1000, 3)
                if n
                else None,
            }
        ),
        flush=True,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
