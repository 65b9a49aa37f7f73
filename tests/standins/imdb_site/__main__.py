"""Serve the IMDb stand-in on a fixed port until Ctrl+C."""

import argparse
import threading

from tests.standins.imdb_site.server import ImdbSite

parser = argparse.ArgumentParser(description=__doc__)
parser.add_argument("--port", type=int, default=8765)
parser.add_argument("--no-challenge", action="store_true", help="no WAF challenge for cookieless requests")
parser.add_argument("--consent", choices=("banner", "iframe"), default=None)
parser.add_argument("--padding-kb", type=int, default=0)
arguments = parser.parse_args()

site = ImdbSite(
    challenge=not arguments.no_challenge, consent=arguments.consent, padding_kb=arguments.padding_kb
)
site.start(port=arguments.port)
print(f"IMDb stand-in on {site.base_url} (Ctrl+C stops it)")  # noqa: T201
try:
    threading.Event().wait()
except KeyboardInterrupt:
    site.stop()
