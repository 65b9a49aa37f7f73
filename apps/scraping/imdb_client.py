"""IMDb pages through a pool of headless Chromium browsers: the one client for www.imdb.com.

A page is opened the way a visitor's browser opens it: IMDb's AWS WAF answers a browser
without its `aws-waf-token` cookie with a JavaScript challenge (HTTP 202,
`x-amzn-waf-action: challenge`) whose script sets the cookie and reloads; the client
waits for that reload. A captcha (405), a bare 403 or a challenge that never passes is a
block: `ImdbBlocked`, never an empty result. Nothing here solves captchas or disguises
the browser.

The HTTP status and headers of the main document come from Chrome's performance log
(DevTools `Network.responseReceived` events), since WebDriver itself does not expose them.
Waits are explicit, on `data-testid` hooks and IMDb's structural `ipc-*` classes, never
on the hashed `sc-*` ones. Returned pages hold the rendered DOM (with `__NEXT_DATA__`) for
`apps.scraping.imdb_pages` to parse.
"""

import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import structlog
import urllib3
from django.conf import settings
from selenium.common.exceptions import (
    JavascriptException,
    NoSuchFrameException,
    StaleElementReferenceException,
    TimeoutException,
    WebDriverException,
)
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait
from tenacity import Retrying, retry_if_exception, stop_after_attempt, wait_exponential_jitter

from apps.scraping.browser import (
    ACCEPT_LANGUAGES,
    COMMAND_MARGIN_SECONDS,
    Browser,
    BrowserBroken,
    BrowserMissing,
    BrowserPool,
    BrowserUnavailable,
    is_browser_broken,
)
from apps.scraping.imdb_pages import CHART_ROWS, LIST_ROWS, page_blocked

logger = structlog.get_logger(__name__)

LANGUAGES = ("en", "uk", "ru")
CHARTS = {"top": "/chart/top/", "moviemeter": "/chart/moviemeter/", "toptv": "/chart/toptv/"}
TITLE_ID = re.compile(r"^tt\d{7,8}$")
WAF_COOKIE = "aws-waf-token"

TITLE_READY = '[data-testid="hero__pageTitle"]'
SEE_MORE = "button.ipc-see-more__button"
CONSENT_BUTTONS = (
    '[data-testid="consent-banner"] [data-testid="accept-button"]',
    '[data-testid="consent-banner"] button',
)
CONSENT_FRAMES = (
    'iframe[id^="sp_message_iframe"], iframe[title*="onsent"], iframe[data-testid="consent-frame"]'
)
CHALLENGE_PROBE = "return !!(window.gokuProps || window.AwsWafIntegration);"
PAGE_SCRIPT = "return [location.href, document.documentElement.outerHTML];"
CONSENT_PROBE = (
    f"return !!document.querySelector({json.dumps('[data-testid=consent-banner], ' + CONSENT_FRAMES)});"
)
CHART_TOTAL_SCRIPT = """
const data = document.getElementById('__NEXT_DATA__');
try {
  return JSON.parse(data.textContent).props.pageProps.pageData.chartTitles.edges.length;
} catch (error) { return null; }
"""


class ImdbUnavailable(Exception):
    """A page did not load (timeout, crashed browser, network); safe to retry later."""


class ImdbBlocked(Exception):
    """IMDb's WAF refused the page (challenge not passed, captcha, 403): no data in it."""

    def __init__(self, url: str, reason: str, status: int | None = None) -> None:
        super().__init__(f"{url}: blocked ({reason})")
        self.url, self.reason, self.status = url, reason, status


class ImdbBadRequest(ValueError):
    """An id, chart name, language or URL that is not an IMDb page the scraper reads."""


@dataclass(frozen=True)
class ImdbPage:
    """A rendered page: the requested and final URLs, the main document's status and headers."""

    url: str
    final_url: str
    language: str
    status: int | None
    headers: dict[str, str]
    html: str
    rows: int = 0
    challenge_passed: bool = False
    notes: tuple[str, ...] = field(default=())


def _base() -> str:
    return settings.IMDB_BASE_URL.rstrip("/")


def _localized(path: str, language: str) -> str:
    if language not in LANGUAGES:
        raise ImdbBadRequest(f"unknown language {language!r}: expected one of {', '.join(LANGUAGES)}")
    # English is IMDb's unprefixed site; other languages live under /<code>/.
    prefix = "" if language == "en" else f"/{language}"
    return f"{_base()}{prefix}{path}"


def title_url(imdb_id: str, *, language: str = "en") -> str:
    if not TITLE_ID.match(imdb_id):
        raise ImdbBadRequest(f"not an IMDb title id: {imdb_id!r} (expected tt and 7-8 digits)")
    return _localized(f"/title/{imdb_id}/", language)


def chart_url(name: str, *, language: str = "en") -> str:
    if name not in CHARTS:
        raise ImdbBadRequest(f"unknown chart {name!r}: expected one of {', '.join(CHARTS)}")
    return _localized(CHARTS[name], language)


def _unprefixed(path: str) -> str:
    return re.sub(r"^/(uk|ru|[a-z]{2})(?=/)", "", path)


def list_url(url: str, *, language: str = "en") -> str:
    """An IMDb search or list URL in this language: its language prefix replaced."""
    parts = urlsplit(list_url_check(url))
    query = f"?{parts.query}" if parts.query else ""
    return _localized(f"{_unprefixed(parts.path)}{query}", language)


def list_url_check(url: str) -> str:
    """The URL itself if it is an IMDb search or list page on IMDB_BASE_URL's host."""
    parts, base = urlsplit(url), urlsplit(_base())
    path = _unprefixed(parts.path)
    if parts.scheme not in ("http", "https") or parts.netloc != base.netloc:
        raise ImdbBadRequest(f"not an IMDb URL: {url!r} (expected {_base()}/…)")
    if not re.match(r"^/(search/title/|list/ls\d+|chart/|user/ur\d+/watchlist)", path):
        raise ImdbBadRequest(f"not an IMDb search, list or chart URL: {url!r}")
    return url


def is_retryable(exc: BaseException) -> bool:
    return isinstance(exc, ImdbUnavailable)


class ImdbClient:
    """Opens IMDb pages with a browser pool: polite delay, retries with backoff and jitter."""

    def __init__(self, pool: BrowserPool | None = None, *, blocked_check: Callable | None = None) -> None:
        self.pool = pool if pool is not None else BrowserPool()
        self._owns_pool = pool is None
        self._blocked = blocked_check or page_blocked

    def close(self) -> None:
        if self._owns_pool:
            self.pool.close()

    def __enter__(self) -> "ImdbClient":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # --- Pages ---------------------------------------------------------------

    def title_page(self, imdb_id: str, *, language: str = "en") -> ImdbPage:
        url = title_url(imdb_id, language=language)
        return self._with_retries(url, language, lambda browser: self._title_ready(browser))

    def chart_page(self, name: str, *, language: str = "en", limit: int | None = None) -> ImdbPage:
        url = chart_url(name, language=language)
        return self._with_retries(url, language, lambda browser: self._chart_render(browser, limit))

    def list_page(self, url: str, *, language: str = "en", limit: int | None = None) -> ImdbPage:
        list_url_check(url)
        if "/chart/" in url:
            return self._with_retries(url, language, lambda browser: self._chart_render(browser, limit))
        return self._with_retries(url, language, lambda browser: self._list_expand(browser, limit))

    # --- Navigation ----------------------------------------------------------

    def _with_retries(self, url: str, language: str, finish: Callable[[Browser], int]) -> ImdbPage:
        retrying = Retrying(
            stop=stop_after_attempt(settings.SCRAPER_ATTEMPTS),
            wait=wait_exponential_jitter(
                initial=settings.SCRAPER_BACKOFF_SECONDS,
                max=settings.SCRAPER_BACKOFF_MAX_SECONDS,
                jitter=settings.SCRAPER_BACKOFF_SECONDS,
            ),
            retry=retry_if_exception(lambda exc: is_retryable(exc) and not self.pool.is_closed),
            before_sleep=lambda state: logger.warning(
                "imdb_page_retry",
                url=url,
                attempt=state.attempt_number,
                error=str(state.outcome.exception()),
            ),
            reraise=True,
        )
        return retrying(self._open, url, language, finish)

    def _open(self, url: str, language: str, finish: Callable[[Browser], int]) -> ImdbPage:
        try:
            with self.pool.browser() as browser:
                try:
                    return self._navigate(browser, url, language, finish)
                except WebDriverException as exc:
                    if is_browser_broken(exc):
                        raise BrowserBroken(f"{url}: {_message(exc)}") from exc
                    raise
        except BrowserMissing:
            raise
        except (BrowserBroken, BrowserUnavailable) as exc:
            raise ImdbUnavailable(str(exc)) from exc
        except (urllib3.exceptions.HTTPError, ConnectionError) as exc:
            raise ImdbUnavailable(f"{url}: browser gone ({type(exc).__name__})") from exc
        except WebDriverException as exc:
            raise ImdbUnavailable(f"{url}: {_message(exc)}") from exc

    def _navigate(
        self, browser: Browser, url: str, language: str, finish: Callable[[Browser], int]
    ) -> ImdbPage:
        driver = browser.driver
        self._polite_pause(browser)
        self._language_set(browser, language)
        timeout = settings.SCRAPER_PAGE_LOAD_TIMEOUT_SECONDS
        if browser.page_load_timeout != timeout:
            driver.set_page_load_timeout(timeout)
            driver.command_executor._client_config.timeout = timeout + COMMAND_MARGIN_SECONDS
            browser.page_load_timeout = timeout
        driver.get_log("performance")  # drop events of earlier pages
        started = time.monotonic()
        browser.last_navigation_at = started
        browser.pages += 1
        try:
            driver.get(url)
        except TimeoutException as exc:
            # A page that never finishes loading leaves the browser mid-navigation: replace it.
            raise BrowserBroken(
                f"{url}: no page after {settings.SCRAPER_PAGE_LOAD_TIMEOUT_SECONDS} s"
            ) from exc
        documents = _Documents(browser)
        documents.collect()
        latest = documents.latest()
        # One round trip instead of the whole page: is this the WAF's challenge script?
        if latest is not None and (_is_challenge(latest, None) or driver.execute_script(CHALLENGE_PROBE)):
            self._challenge_wait(browser, documents, url)
            latest = documents.latest()
        # Often the challenge has already reloaded the page by the time get() returns.
        challenged = any(_is_challenge(document, None) for document in documents.responses[:-1])
        challenge_passed = challenged and latest is not None and not _is_challenge(latest, None)
        status = latest["status"] if latest else None
        headers = latest["headers"] if latest else {}
        self._block_check(url, status, headers, None)
        self._consent_dismiss(browser)
        rows = finish(browser)
        # Scripts may show the dialog only once the page has hydrated: look again.
        self._consent_dismiss(browser)
        final_url, html = driver.execute_script(PAGE_SCRIPT)
        # The body too: a 200 carrying the challenge page is a block as well.
        self._block_check(url, status, headers, html)
        page = ImdbPage(
            url=url,
            final_url=final_url,
            language=language,
            status=status,
            headers=headers,
            html=html,
            rows=rows,
            challenge_passed=challenge_passed,
        )
        logger.info(
            "imdb_page_loaded",
            url=url,
            status=status,
            rows=rows,
            challenge_passed=challenge_passed,
            seconds=round(time.monotonic() - started, 2),
        )
        return page

    def _block_check(self, url: str, status: int | None, headers: dict[str, str], html: str | None) -> None:
        reason = self._blocked(status=status, headers=headers, html=html)
        if reason:
            logger.warning("imdb_page_blocked", url=url, status=status, reason=reason)
            raise ImdbBlocked(url, reason, status)

    def _polite_pause(self, browser: Browser) -> None:
        wait = browser.last_navigation_at + settings.SCRAPER_DELAY_SECONDS - time.monotonic()
        if browser.last_navigation_at and wait > 0:
            time.sleep(wait)

    def _language_set(self, browser: Browser, language: str) -> None:
        """Accept-Language for this page; the URL prefix does the rest."""
        if browser.language == language:
            return

        driver = browser.driver
        user_agent = driver.execute_script("return navigator.userAgent")
        driver.execute_cdp_cmd(
            "Emulation.setUserAgentOverride",
            {"userAgent": user_agent, "acceptLanguage": ACCEPT_LANGUAGES[language]},
        )
        browser.language = language

    def _challenge_wait(self, browser: Browser, documents: "_Documents", url: str) -> bool:
        """Give the WAF's JavaScript challenge the time a browser needs to pass it and reload."""
        driver = browser.driver
        logger.info("imdb_waf_challenge", url=url)

        def passed(_driver: Any) -> bool:
            documents.collect()
            latest = documents.latest()
            if latest is None or _is_challenge(latest, None):
                return False
            ready = driver.execute_script("return document.readyState")
            return ready != "loading" and driver.get_cookie(WAF_COOKIE) is not None

        try:
            WebDriverWait(driver, settings.SCRAPER_WAIT_SECONDS, poll_frequency=0.2).until(passed)
        except TimeoutException:
            return False
        return True

    def _consent_dismiss(self, browser: Browser) -> None:
        """Accept a cookie-consent banner or iframe if the page shows one (EU visitors get one)."""
        driver = browser.driver
        if not driver.execute_script(CONSENT_PROBE):
            return
        for selector in CONSENT_BUTTONS:
            for button in driver.find_elements(By.CSS_SELECTOR, selector):
                if _click(driver, button):
                    logger.info("imdb_consent_dismissed", where="banner")
                    return
        for frame in driver.find_elements(By.CSS_SELECTOR, CONSENT_FRAMES):
            try:
                driver.switch_to.frame(frame)
                try:
                    _wait(browser).until(lambda d: d.find_elements(By.CSS_SELECTOR, "button"))
                except TimeoutException:
                    continue
                for button in driver.find_elements(By.CSS_SELECTOR, "button"):
                    label = f"{button.text} {button.get_attribute('title') or ''}".lower()
                    if "accept" in label or "agree" in label:
                        _click(driver, button)
                        logger.info("imdb_consent_dismissed", where="iframe")
                        break
            except (NoSuchFrameException, StaleElementReferenceException):
                pass
            finally:
                driver.switch_to.default_content()

    # --- What each kind of page needs before it is complete -------------------

    def _title_ready(self, browser: Browser) -> int:
        try:
            _wait(browser).until(lambda d: d.find_elements(By.CSS_SELECTOR, TITLE_READY))
        except TimeoutException:
            # The parser still reads JSON-LD and __NEXT_DATA__; it reports what is missing.
            logger.warning("imdb_title_hero_missing", url=browser.driver.current_url)
            return 0
        return 1

    def _chart_render(self, browser: Browser, limit: int | None) -> int:
        """Scroll until every chart row (or `limit` rows) is in the DOM."""
        driver = browser.driver
        try:
            _wait(browser).until(lambda d: d.find_elements(By.CSS_SELECTOR, CHART_ROWS))
        except TimeoutException:
            return 0
        total = driver.execute_script(CHART_TOTAL_SCRIPT)
        wanted = min(x for x in (total, limit) if x is not None) if (total or limit) else None

        def rendered(d: Any) -> int | bool:
            rows = d.find_elements(By.CSS_SELECTOR, CHART_ROWS)
            if wanted is None or len(rows) >= wanted:
                return len(rows)
            d.execute_script("arguments[0].scrollIntoView({block: 'end'});", rows[-1])
            return False

        try:
            return int(_wait(browser).until(rendered))
        except TimeoutException:
            count = len(driver.find_elements(By.CSS_SELECTOR, CHART_ROWS))
            logger.warning("imdb_chart_incomplete", url=driver.current_url, rows=count, wanted=wanted)
            return count

    def _list_expand(self, browser: Browser, limit: int | None) -> int:
        """Click "50 more" until the button goes away or `limit` rows are shown."""
        driver = browser.driver

        def count() -> int:
            return len(driver.find_elements(By.CSS_SELECTOR, LIST_ROWS))

        try:
            _wait(browser).until(lambda d: count() > 0)
        except TimeoutException:
            return 0
        while True:
            shown = count()
            if limit is not None and shown >= limit:
                return shown
            buttons = [b for b in driver.find_elements(By.CSS_SELECTOR, SEE_MORE) if b.is_displayed()]
            if not buttons:
                return shown
            _click(driver, buttons[0])

            def grown(_driver: Any, before: int = shown) -> bool:
                if count() > before:
                    return True
                return not any(b.is_displayed() for b in driver.find_elements(By.CSS_SELECTOR, SEE_MORE))

            try:
                _wait(browser).until(grown)
            except TimeoutException:
                logger.warning("imdb_list_stuck", url=driver.current_url, rows=shown)
                return shown
            if count() == shown:
                return shown


def _wait(browser: Browser) -> WebDriverWait:
    return WebDriverWait(
        browser.driver,
        settings.SCRAPER_WAIT_SECONDS,
        poll_frequency=0.1,
        ignored_exceptions=(StaleElementReferenceException,),
    )


def _click(driver: Any, element: Any) -> bool:
    try:
        driver.execute_script(
            "arguments[0].scrollIntoView({block: 'center'}); arguments[0].click();", element
        )
    except (StaleElementReferenceException, JavascriptException):
        return False
    return True


def _message(exc: WebDriverException) -> str:
    return (exc.msg or type(exc).__name__).splitlines()[0]


def _is_challenge(document: dict[str, Any], html: str | None) -> bool:
    """A JavaScript challenge a browser can pass (a captcha or a 403 is a block instead)."""
    if document["headers"].get("x-amzn-waf-action") == "challenge" or document["status"] == 202:
        return True
    return document["status"] == 200 and html is not None and "gokuProps" in html


class _Documents:
    """Main-frame document responses of the current navigation, read from the performance log."""

    def __init__(self, browser: Browser) -> None:
        self.driver = browser.driver
        if browser.main_frame_id is None:
            browser.main_frame_id = self._main_frame_id()
        self.frame_id = browser.main_frame_id
        self.responses: list[dict[str, Any]] = []

    def _main_frame_id(self) -> str | None:
        # The tab's target id is its main frame's id; the scraper never opens another tab.
        try:
            return self.driver.execute_cdp_cmd("Target.getTargetInfo", {})["targetInfo"]["targetId"]
        except (WebDriverException, KeyError):
            return None

    def collect(self) -> None:
        for entry in self.driver.get_log("performance"):
            message = json.loads(entry["message"])["message"]
            if message.get("method") != "Network.responseReceived":
                continue
            params = message["params"]
            if params.get("type") != "Document":
                continue
            if self.frame_id is not None and params.get("frameId") != self.frame_id:
                continue
            response = params["response"]
            self.responses.append(
                {
                    "url": response["url"],
                    "status": response["status"],
                    "headers": {key.lower(): value for key, value in response["headers"].items()},
                }
            )

    def latest(self) -> dict[str, Any] | None:
        return self.responses[-1] if self.responses else None
