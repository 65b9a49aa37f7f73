"""A stand-in for www.imdb.com, served over loopback HTTP, whose pages behave like IMDb's.

    with imdb_site_serve() as site:          # or the `imdb_site` fixture (tests/conftest.py)
        driver.get(site.url("/title/tt1375666/"))              # English
        driver.get(site.url("/title/tt1375666/", language="uk"))  # /uk/title/tt1375666/
        site.title("tt1375666").display_title("uk")            # what the page shows: "Початок"

What it serves (every page in IMDb's 2025 markup, `sc-*` class names new on every build):
- /title/<tt…>/ for any id: hand-written titles with awkward cases (titles.TITLES: complete,
  original ≠ display, several directors, Cyrillic and accented titles, a TV series, a broken
  JSON-LD block, no rating/plot/poster) and a made-up title for every other id.
- /chart/top/ (250), /chart/moviemeter/ (100), /chart/toptv/ (250): 25 rows in the HTML, the
  rest in __NEXT_DATA__, rendered by JavaScript as the reader scrolls.
- /search/title/?… and /list/ls…/: 50 rows, "50 more" appends 50 over XHR until all 230
  (ImdbSite.search_total) are shown, then the button goes.
- /uk/…, /ru/… (or Accept-Language, or the lc-main cookie): localized titles, labels and numbers.
- The AWS WAF: a request without a valid aws-waf-token cookie gets 202 with
  x-amzn-waf-action: challenge and a page whose script earns the cookie and reloads, so a
  browser passes and a plain HTTP client never does (ImdbSite(challenge=False) turns it off).
  site.block("challenge" | "captcha" | "forbidden" | "challenge-200", count=N) blocks every
  request, or the next N; site.tokens_revoke() makes browsers pass the challenge again.
- Special ids (titles.py): tt9990403 a bare 403, tt9990405 a 405 captcha, tt9990001 answers after
  site.slow_seconds, tt9990002 never finishes its HTML, tt9990003 never finishes an image.
- site.consent = "banner" | "iframe": a consent dialog covering every page until answered.
- site.requests_seen(prefix): what was asked, with status, language and whether a token was sent.

Run it by hand: python -m tests.standins.imdb_site [--port 8765] [--no-challenge] [--consent banner]
"""

from tests.standins.imdb_site.server import ImdbSite, SeenRequest, imdb_site_serve
from tests.standins.imdb_site.titles import (
    CAPTCHA_ID,
    FORBIDDEN_ID,
    HANGING_ASSET_ID,
    HANGING_ID,
    SLOW_ID,
    TITLES,
    StandinTitle,
)

__all__ = [
    "CAPTCHA_ID",
    "FORBIDDEN_ID",
    "HANGING_ASSET_ID",
    "HANGING_ID",
    "SLOW_ID",
    "TITLES",
    "ImdbSite",
    "SeenRequest",
    "StandinTitle",
    "imdb_site_serve",
]
