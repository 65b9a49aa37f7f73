"""Benchmark of the IMDb page scraper: a browser pool against a new browser per page, same run.

    .venv/bin/python bench/scrape.py              # 60 title pages each way, about 2 minutes
    .venv/bin/python bench/scrape.py --quick      # 20 pages each way
    .venv/bin/python bench/scrape.py --pages 200 --padding-kb 600

The IMDb stand-in (tests/standins/imdb_site, WAF challenge on, as on IMDb) runs in this
process on 127.0.0.1. Both ways load the same distinct title pages through the real client
(apps/scraping/imdb_client.py: headless Debian Chromium, the WAF challenge passed by the
browser, waits on data-testid hooks) and parse each one (apps/scraping/imdb_pages/):

  pool      BrowserPool(size=--browsers, default 2), pages on that many threads, browsers
            reused page after page (each passes the WAF challenge once);
  baseline  one page at a time, each in a browser started for it (fresh profile, challenge
            passed again) and closed after it.

SCRAPER_DELAY_SECONDS is 0 here: the politeness delay would measure itself, not the browser.

pages/min = pages / wall time of the whole way (browser starts included). Peak RSS = the
highest sum, sampled every 250 ms, of this process's RSS and every Chromium/chromedriver
process it started (found by their tag, apps.scraping.browser.browser_processes); RSS
counts pages shared between Chromium's processes once per process, so PSS (shared pages
split between their sharers) is reported beside it. Left
over = Chromium/chromedriver processes of this process still alive at the end (must be 0).

Target: pool >= 7x the pages/min of a new browser per page.

Prints one JSON document on stdout, then a one-line summary; progress goes to stderr.
Exits 0 when the run completed (whatever the target says), 1 if it could not run.
"""

import argparse
import json
import os
import platform
import shutil
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

# This folder off the path (its http.py would shadow the standard library's), the repository on.
sys.path.remove(str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cinestream.settings")
os.environ.setdefault("CINESTREAM_ENV_FILE", "")
os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("LOG_LEVEL", "warning")
os.environ.setdefault("NO_PROXY", "127.0.0.1,localhost")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.test import override_settings  # noqa: E402

from apps.scraping.browser import BrowserPool, browser_processes  # noqa: E402
from apps.scraping.imdb_client import ImdbClient  # noqa: E402
from apps.scraping.imdb_pages import title_page_parse  # noqa: E402
from tests.standins.imdb_site import imdb_site_serve  # noqa: E402

TARGET_SPEEDUP = 7.0
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _pss_bytes(pid: int) -> int:
    """Proportional set size: shared pages split between the processes sharing them."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as file:
            for line in file:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except (OSError, IndexError, ValueError):
        pass
    return 0


def _rss_bytes(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm") as file:
            return int(file.read().split()[1]) * PAGE_SIZE
    except (OSError, IndexError, ValueError):
        return 0


class RssSampler:
    """Peak of (this process + its browser processes) RSS, sampled in a thread."""

    def __init__(self, interval: float = 0.25) -> None:
        self.interval = interval
        self.peak_bytes = 0
        self.peak_pss_bytes = 0
        self.peak_browser_processes = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            pids = [os.getpid(), *browser_processes()]
            self.peak_bytes = max(self.peak_bytes, sum(_rss_bytes(pid) for pid in pids))
            self.peak_pss_bytes = max(self.peak_pss_bytes, sum(_pss_bytes(pid) for pid in pids))
            browsers = pids[1:]
            self.peak_browser_processes = max(self.peak_browser_processes, len(browsers))
            self._stop.wait(self.interval)

    def __enter__(self) -> "RssSampler":
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        self._thread.join()


def _page(client: ImdbClient, imdb_id: str) -> int:
    page = client.title_page(imdb_id)
    record = title_page_parse(page.html, url=page.url).record
    if record.get("imdb_id") != imdb_id or not record.get("primary_title"):
        raise RuntimeError(f"{imdb_id}: page did not parse into a record")
    return len(page.html)


def run_pool(ids: list[str], browsers: int) -> dict:
    started = time.monotonic()
    with RssSampler() as rss, BrowserPool(size=browsers) as pool:
        client = ImdbClient(pool)
        with ThreadPoolExecutor(max_workers=browsers) as executor:
            sizes = list(executor.map(lambda imdb_id: _page(client, imdb_id), ids))
        started_browsers, replaced = pool.started, pool.replaced
    wall = time.monotonic() - started
    return {
        "pages": len(ids),
        "wall_s": round(wall, 2),
        "pages_per_min": round(len(ids) / wall * 60, 1),
        "browsers_started": started_browsers,
        "browsers_replaced": replaced,
        "mean_page_kb": round(sum(sizes) / len(sizes) / 1024, 1),
        "peak_rss_mb": round(rss.peak_bytes / 2**20, 1),
        "peak_pss_mb": round(rss.peak_pss_bytes / 2**20, 1),
        "peak_browser_processes": rss.peak_browser_processes,
    }


def run_fresh(ids: list[str]) -> dict:
    started = time.monotonic()
    sizes = []
    with RssSampler() as rss:
        for imdb_id in ids:
            with BrowserPool(size=1) as pool:
                sizes.append(_page(ImdbClient(pool), imdb_id))
    wall = time.monotonic() - started
    return {
        "pages": len(ids),
        "wall_s": round(wall, 2),
        "pages_per_min": round(len(ids) / wall * 60, 1),
        "browsers_started": len(ids),
        "mean_page_kb": round(sum(sizes) / len(sizes) / 1024, 1),
        "peak_rss_mb": round(rss.peak_bytes / 2**20, 1),
        "peak_pss_mb": round(rss.peak_pss_bytes / 2**20, 1),
        "peak_browser_processes": rss.peak_browser_processes,
    }


def left_over(timeout: float = 10.0) -> list[int]:
    """Browser processes still alive; killed ones need a moment to be reaped."""
    deadline = time.monotonic() + timeout
    while (alive := browser_processes()) and time.monotonic() < deadline:
        time.sleep(0.1)
    return alive


def summary(report: dict) -> str:
    if "error" in report:
        return f"scrape: ERROR: {report['error'].splitlines()[0]}"
    pool, fresh, target = report["pool"], report["fresh_browser_per_page"], report["target"]
    return (
        f"scrape: {pool['pages']} title pages: pool of {report['config']['browsers']} "
        f"{pool['pages_per_min']:,.0f} pages/min vs new browser per page {fresh['pages_per_min']:,.0f} "
        f"pages/min = {target['value']:.1f}x (target >= {TARGET_SPEEDUP:g}) "
        f"[{'PASS' if target['pass'] else 'FAIL'}]; peak RSS pool {pool['peak_rss_mb']:.0f} MB "
        f"(PSS {pool['peak_pss_mb']:.0f}), fresh {fresh['peak_rss_mb']:.0f} MB (PSS {fresh['peak_pss_mb']:.0f}) "
        f"(this process + Chromium); Chromium processes left "
        f"{report['chromium_left']} [{'PASS' if report['chromium_left'] == 0 else 'FAIL'}]"
    )


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pages", type=int, default=60, help="title pages each way (default 60)")
    parser.add_argument("--quick", action="store_true", help="20 pages each way")
    parser.add_argument("--browsers", type=int, default=2, help="pool size (default 2)")
    parser.add_argument(
        "--padding-kb", type=int, default=0, help="extra markup per title page, to weigh pages like IMDb's"
    )
    args = parser.parse_args()
    pages = 20 if args.quick else args.pages
    report: dict = {
        "benchmark": "scrape",
        "config": {
            "pages": pages,
            "browsers": args.browsers,
            "padding_kb": args.padding_kb,
            "delay_seconds": 0,
            "waf_challenge": True,
        },
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "chromium": settings.CHROME_BINARY,
        },
    }
    if not (shutil.which(settings.CHROME_BINARY) and shutil.which(settings.CHROMEDRIVER_PATH)):
        report["error"] = (
            f"needs Chromium at {settings.CHROME_BINARY} and chromedriver at {settings.CHROMEDRIVER_PATH}"
        )
        print(json.dumps(report, indent=2))
        print(summary(report))
        return 1
    # Distinct ids on both sides, made-up titles the stand-in answers for any id.
    pool_ids = [f"tt{8_000_000 + n:07d}" for n in range(pages)]
    fresh_ids = [f"tt{8_100_000 + n:07d}" for n in range(pages)]
    try:
        with (
            imdb_site_serve(padding_kb=args.padding_kb) as site,
            override_settings(IMDB_BASE_URL=site.base_url, SCRAPER_DELAY_SECONDS=0, SCRAPER_ATTEMPTS=1),
        ):
            log(f"stand-in at {site.base_url}; pool of {args.browsers}, {pages} pages")
            report["pool"] = run_pool(pool_ids, args.browsers)
            log(f"pool: {report['pool']['pages_per_min']} pages/min")
            report["fresh_browser_per_page"] = run_fresh(fresh_ids)
            log(f"new browser per page: {report['fresh_browser_per_page']['pages_per_min']} pages/min")
    except Exception as exc:
        report["error"] = f"{type(exc).__name__}: {exc}"
    report["chromium_left"] = len(left_over())
    if "error" not in report:
        speedup = report["pool"]["pages_per_min"] / report["fresh_browser_per_page"]["pages_per_min"]
        report["target"] = {
            "name": "pool >= 7x new browser per page",
            "value": round(speedup, 2),
            "pass": speedup >= TARGET_SPEEDUP,
        }
    print(json.dumps(report, indent=2))
    print(summary(report))
    return 1 if "error" in report else 0


if __name__ == "__main__":
    sys.exit(main())
