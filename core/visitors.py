"""Who is visiting, as far as counting needs: bots apart, people as pseudonyms, never addresses."""

import hashlib
import hmac
import re

from django.conf import settings

# Crawlers, link previews and scripts announce themselves; a browser never says these.
BOT_AGENT = re.compile(
    r"bot|crawl|spider|slurp|preview|facebookexternalhit|curl|wget|python-|httpx|go-http|headless|scrapy",
    re.IGNORECASE,
)


def is_bot(user_agent: str) -> bool:
    return not user_agent or bool(BOT_AGENT.search(user_agent))


def visitor_key(*, address: str, user_agent: str, salt: str = "") -> str:
    """A visitor's pseudonym: the address is hashed with the site's secret (and `salt`, e.g. the
    day, so pseudonyms cannot be linked across days), never stored as is."""
    digest = hmac.new(settings.SECRET_KEY.encode(), f"{salt}|{address}|{user_agent}".encode(), hashlib.sha256)
    return digest.hexdigest()[:32]
