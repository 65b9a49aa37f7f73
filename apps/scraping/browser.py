"""Headless Debian Chromium driven by Selenium: single browsers and a per-process pool.

Each browser is a chromedriver process started in a process group of its own, with
Chromium (and its zygote, renderer and GPU helpers) as its descendants. Closing a
browser asks chromedriver to quit and then kills that group and any descendant that
escaped it, so a crashed, hung or interrupted browser never leaves a process behind.
Every browser still open is closed at interpreter exit and on SIGTERM as well.

Binaries come from settings (CHROME_BINARY, CHROMEDRIVER_PATH): a path in `Service`
means Selenium Manager is never asked to download anything.
"""

import atexit
import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import structlog
import urllib3
from django.conf import settings
from selenium import webdriver
from selenium.common.exceptions import InvalidSessionIdException, TimeoutException, WebDriverException
from selenium.webdriver.chrome.service import Service

logger = structlog.get_logger(__name__)

# Without the networking flags Chromium keeps calling Google's hosts, which a closed
# network refuses many times a second (see the machine notes in docs/architecture.md).
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    # No crash-reporter daemon: it detaches from the browser's process tree, so it would
    # outlive a killed browser.
    "--disable-crash-reporter",
    "--disable-breakpad",
    "--disable-dev-shm-usage",
    "--window-size=1280,1000",
)
# Accept-Language per page language; Chromium sends what `intl.accept_languages` says.
ACCEPT_LANGUAGES = {"uk": "uk-UA,uk,en-US,en", "en": "en-US,en", "ru": "ru-RU,ru,en-US,en"}
# Seconds the WebDriver HTTP client waits for chromedriver beyond the page-load timeout;
# without a bound a browser that stops answering blocks its caller forever.
COMMAND_MARGIN_SECONDS = 15
# Environment variable marking every process of one browser: "<owner pid>-<serial>".
BROWSER_TAG = "CINESTREAM_BROWSER"
PROFILE_PREFIX = "cinestream-chromium-"


class BrowserUnavailable(Exception):
    """Chromium or chromedriver could not be started; safe to retry later."""


class BrowserMissing(BrowserUnavailable):
    """Chromium or chromedriver is not installed where the settings say: retrying cannot help."""


class BrowserBroken(Exception):
    """A browser crashed or hung and was discarded; the page may be tried again."""


def _children(pid: int) -> list[int]:
    # Each thread has its own list: chromedriver starts Chromium from a worker thread.
    children = []
    try:
        threads = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return []
    for thread in threads:
        try:
            with open(f"/proc/{pid}/task/{thread}/children") as file:
                children.extend(int(child) for child in file.read().split())
        except OSError:
            continue
    return children


def process_tree(pid: int) -> list[int]:
    """`pid` and all its descendants (from /proc), parents first."""
    tree, pending = [], [pid]
    while pending:
        current = pending.pop()
        tree.append(current)
        pending.extend(_children(current))
    return tree


def process_alive(pid: int) -> bool:
    """Running and not a zombie waiting to be reaped."""
    try:
        with open(f"/proc/{pid}/stat") as file:
            state = file.read().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


def tagged_processes(tag: str) -> list[int]:
    """Live processes of the browsers whose tag starts with `tag`.

    Chromium's crash handler detaches from the browser's tree (its parent becomes init);
    it still carries the tag in its environment. Chromium's own processes name their
    profile folder, which holds the tag too, on their command line.
    """
    in_environment = f"{BROWSER_TAG}={tag}".encode()
    in_command = f"{PROFILE_PREFIX}{tag}".encode()
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as file:
                command = file.read()
            with open(f"/proc/{entry}/environ", "rb") as file:
                environment = file.read()
        except OSError:
            continue
        tagged = in_command in command or any(
            item.startswith(in_environment) for item in environment.split(b"\0")
        )
        if tagged and process_alive(int(entry)):
            found.append(int(entry))
    return found


def browser_processes(owner_pid: int | None = None) -> list[int]:
    """Live Chromium/chromedriver processes started by process `owner_pid` (default: this one)."""
    return tagged_processes(f"{owner_pid or os.getpid()}-")


def _process_group(pid: int) -> int | None:
    try:
        return os.getpgid(pid)
    except OSError:
        return None


def _kill(pids: list[int], group: int | None) -> None:
    if group is not None and group != os.getpgrp():
        with contextlib.suppress(OSError):
            os.killpg(group, signal.SIGKILL)
    for pid in pids:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)


@dataclass(eq=False)
class Browser:
    """One headless Chromium behind its own chromedriver, with a throw-away profile."""

    driver: webdriver.Chrome
    service: Service
    profile_dir: Path
    tag: str
    language: str = ""
    started_at: float = field(default_factory=time.monotonic)
    pages: int = 0
    page_load_timeout: float = 0.0
    main_frame_id: str | None = None
    last_navigation_at: float = 0.0
    closed: bool = False

    @property
    def chromedriver_pid(self) -> int | None:
        process = getattr(self.service, "process", None)
        return process.pid if process is not None else None

    def process_ids(self) -> list[int]:
        """chromedriver and every Chromium process under it."""
        pid = self.chromedriver_pid
        return process_tree(pid) if pid else []

    def is_alive(self) -> bool:
        """chromedriver and its Chromium both still running (a crash kills one of them)."""
        pid = self.chromedriver_pid
        if not pid or self.closed or not process_alive(pid):
            return False
        return any(process_alive(child) for child in _children(pid))

    def close(self, *, graceful: bool = True) -> None:
        """Quit the browser, kill whatever of it is left and delete its profile."""
        if self.closed:
            return
        self.closed = True
        _open_browsers.discard(self)
        pid = self.chromedriver_pid
        group = _process_group(pid) if pid else None
        if graceful and self.is_alive():
            # quit() makes chromedriver close Chromium cleanly; a dead or hung one would only
            # make it wait, so then the kill below does the work.
            with contextlib.suppress(WebDriverException, OSError, TimeoutError):
                self.driver.command_executor._client_config.timeout = 5
                self.driver.quit()
        _kill(self.process_ids() + tagged_processes(f"{self.tag}-"), group)
        process = getattr(self.service, "process", None)
        if process is not None:
            with contextlib.suppress(OSError, subprocess.TimeoutExpired):
                process.wait(5)
            for stream in (process.stdin, process.stdout, process.stderr):
                if stream is not None:
                    with contextlib.suppress(OSError):
                        stream.close()
        shutil.rmtree(self.profile_dir, ignore_errors=True)


_open_browsers: set[Browser] = set()
_open_lock = threading.Lock()
_serial = 0


def _browser_options(profile_dir: Path, language: str) -> webdriver.ChromeOptions:
    options = webdriver.ChromeOptions()
    options.binary_location = settings.CHROME_BINARY
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile_dir}")
    accept = ACCEPT_LANGUAGES.get(language, ACCEPT_LANGUAGES["en"])
    options.add_argument(f"--lang={accept.split(',')[0]}")
    options.add_experimental_option("prefs", {"intl.accept_languages": accept})
    # The main document's status and headers (a WAF answers 202/403/405) are only
    # visible in the DevTools network events, which the performance log carries.
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    options.add_experimental_option("perfLoggingPrefs", {"enableNetwork": True, "enablePage": False})
    # DOMContentLoaded is enough: the scraper waits for its own hooks, and an ad or image that
    # never finishes must not hold the page.
    options.page_load_strategy = "eager"
    return options


def browser_start(*, language: str = "en") -> Browser:
    """A fresh headless Chromium (new empty profile) answering in `language`."""
    chromium, chromedriver = settings.CHROME_BINARY, settings.CHROMEDRIVER_PATH
    if not (shutil.which(chromium) and shutil.which(chromedriver)):
        raise BrowserMissing(
            f"Chromium not found at {chromium} or chromedriver at {chromedriver} "
            "(apt-get install chromium chromium-driver)"
        )
    global _serial
    _serial += 1
    tag = f"{os.getpid()}-{_serial}"
    profile_dir = Path(tempfile.mkdtemp(prefix=f"{PROFILE_PREFIX}{tag}-"))
    # Its own process group, so the whole browser can be killed at once whatever happens
    # to chromedriver; a terminal's Ctrl+C then reaches only this process, which closes it.
    service = Service(
        executable_path=chromedriver,
        env={**os.environ, BROWSER_TAG: f"{tag}-"},
        popen_kw={"start_new_session": True},
    )
    browsers_cleanup_install()
    try:
        driver = webdriver.Chrome(service=service, options=_browser_options(profile_dir, language))
    except BaseException as exc:
        process = getattr(service, "process", None)
        if process is not None:
            _kill(process_tree(process.pid) + tagged_processes(f"{tag}-"), _process_group(process.pid))
            with contextlib.suppress(OSError, subprocess.TimeoutExpired):
                process.wait(5)
        shutil.rmtree(profile_dir, ignore_errors=True)
        if isinstance(exc, WebDriverException):
            raise BrowserUnavailable(f"Chromium did not start: {exc.msg or exc}") from exc
        raise
    browser = Browser(driver=driver, service=service, profile_dir=profile_dir, tag=tag, language=language)
    with _open_lock:
        _open_browsers.add(browser)
    try:
        timeout = settings.SCRAPER_PAGE_LOAD_TIMEOUT_SECONDS
        driver.set_page_load_timeout(timeout)
        browser.page_load_timeout = timeout
        driver.set_script_timeout(timeout)
        driver.command_executor._client_config.timeout = timeout + COMMAND_MARGIN_SECONDS
    except BaseException:
        browser.close(graceful=False)
        raise
    logger.debug("browser_started", chromedriver_pid=browser.chromedriver_pid, language=language)
    return browser


def browsers_close_all() -> int:
    """Close every browser this process still has open; return how many there were.

    Browsers still starting (in another thread) are not registered yet: their processes
    are found by this process's tag and killed too, which makes their start fail.
    """
    with _open_lock:
        browsers = list(_open_browsers)
    for browser in browsers:
        browser.close(graceful=False)
    _kill(browser_processes(), None)
    return len(browsers)


_atexit_registered = False
_previous_sigterm: Callable | int | None = None


def _on_sigterm(signum: int, frame: object) -> None:
    browsers_close_all()
    previous = _previous_sigterm
    if callable(previous):
        previous(signum, frame)
    elif previous != signal.SIG_IGN:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGTERM)


def browsers_cleanup_install() -> None:
    """Close leftover browsers at exit and on SIGTERM, chaining to the handler found there.

    Installed again if something replaced it since (a command restoring its own handler).
    Signal handlers can only be set from the main thread; atexit covers the others.
    """
    global _atexit_registered, _previous_sigterm
    if not _atexit_registered:
        _atexit_registered = True
        atexit.register(browsers_close_all)
    if threading.current_thread() is not threading.main_thread():
        return
    current = signal.getsignal(signal.SIGTERM)
    if current is not _on_sigterm:
        _previous_sigterm = current
        signal.signal(signal.SIGTERM, _on_sigterm)


def is_browser_broken(exc: BaseException) -> bool:
    """Whether an error means the browser itself is gone or stuck (not just a page problem)."""
    if isinstance(exc, TimeoutException | InvalidSessionIdException | BrowserBroken):
        return True
    if isinstance(exc, WebDriverException):
        message = (exc.msg or str(exc)).lower()
        return any(
            sign in message
            for sign in (
                "invalid session id",
                "session deleted",
                "chrome not reachable",
                "disconnected",
                "tab crashed",
                "target window already closed",
                "no such window",
                "timed out receiving message from renderer",
                "unable to receive message from renderer",
            )
        )
    # chromedriver gone: its HTTP connection fails below Selenium.
    return isinstance(exc, ConnectionError | OSError | TimeoutError | urllib3.exceptions.HTTPError)


class BrowserPool:
    """Up to `size` browsers of this process, reused page after page.

    `with pool.browser() as browser:` hands out an idle browser (starting one when none
    is idle and fewer than `size` exist; otherwise waiting for one). A browser found dead
    at checkout, or that raised an error meaning it crashed or hung, is closed and a new
    one takes its place next time.
    """

    def __init__(
        self, *, size: int | None = None, language: str = "en", start: Callable[..., Browser] = browser_start
    ) -> None:
        self.size = size or settings.SCRAPER_BROWSERS
        self.language = language
        self._start = start
        self._idle: list[Browser] = []
        self._busy: set[Browser] = set()
        self._count = 0
        self._available = threading.Condition()
        self.started = 0
        self.replaced = 0
        self.is_closed = False
        browsers_cleanup_install()  # here, because browsers may be started from worker threads

    def _take(self) -> Browser | None:
        with self._available:
            self._available.wait_for(lambda: self._idle or self._count < self.size or self.is_closed)
            if self.is_closed:
                raise BrowserUnavailable("the browser pool is closed")
            if self._idle:
                return self._idle.pop()
            self._count += 1
            return None

    def _release(self, browser: Browser | None) -> None:
        with self._available:
            self._busy.discard(browser)
            if browser is None or browser.closed or self.is_closed:
                self._count -= 1
            else:
                self._idle.append(browser)
            self._available.notify()
        if browser is not None and self.is_closed:
            browser.close()

    def _discard(self, browser: Browser, reason: str) -> None:
        logger.warning("browser_replaced", reason=reason, pages=browser.pages)
        browser.close(graceful=False)
        self.replaced += 1

    @contextlib.contextmanager
    def browser(self) -> Iterator[Browser]:
        browser = self._take()
        try:
            if browser is not None and not browser.is_alive():
                self._discard(browser, "found dead")
                browser = None
            if browser is None:
                browser = self._start(language=self.language)
                self.started += 1
            with self._available:
                self._busy.add(browser)
                closed = self.is_closed
            if closed:  # closed while this browser was starting
                browser.close(graceful=False)
                raise BrowserUnavailable("the browser pool is closed")
            try:
                yield browser
            except BaseException as exc:
                if is_browser_broken(exc) or not isinstance(exc, Exception):
                    # A KeyboardInterrupt or SystemExit mid-page leaves the browser in an
                    # unknown state: close it rather than hand it out again.
                    self._discard(browser, type(exc).__name__)
                raise
        finally:
            self._release(browser)

    def close(self) -> None:
        """Close every browser: idle ones cleanly, busy ones at once (their page fails)."""
        with self._available:
            self.is_closed = True
            idle, self._idle = self._idle, []
            busy = list(self._busy)
            self._available.notify_all()
        for browser in idle:
            browser.close()
        for browser in busy:
            browser.close(graceful=False)

    def __enter__(self) -> "BrowserPool":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
