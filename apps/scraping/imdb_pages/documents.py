"""Reading a page's HTML: the WAF check, the lxml document, its JSON-LD and
`__NEXT_DATA__` parts, and the small accessors every reader shares.

A part's state is "ok", "absent" or "broken" (present but unreadable); readers never
raise on a missing key, they get None (`dig`).
"""

import html as html_lib
import json
from collections.abc import Mapping
from typing import Any

from lxml import etree
from lxml import html as lxml_html

_CHALLENGE_MARKERS = ("window.gokuProps", "awswaf.com", "AwsWafIntegration", "/challenge.js", "captcha.js")


class ImdbPageBlocked(Exception):
    """The HTML is IMDb's WAF challenge, captcha or block page: there is no data in it."""


class ImdbLayoutChanged(Exception):
    """No part of the page (JSON-LD, __NEXT_DATA__, DOM) had what a record needs."""


def page_blocked(
    *, status: int | None = None, headers: Mapping[str, str] | None = None, html: str | None = None
) -> str | None:
    """Why this response is a WAF block rather than a page, or None when it is a page.

    202 (a challenge), 405 (a captcha), 403, an `x-amzn-waf-action` header or a body that is
    the challenge page (`window.gokuProps`, the awswaf challenge script) are blocks.
    """
    lowered = {name.lower(): value for name, value in (headers or {}).items()}
    action = (lowered.get("x-amzn-waf-action") or "").strip().lower()
    if action:
        return f"waf {action}" + (f" (HTTP {status})" if status else "")
    if status == 202:
        return "waf challenge (HTTP 202)"
    if status == 405:
        return "waf captcha (HTTP 405)"
    if status == 403:
        return "forbidden (HTTP 403)"
    if html and is_challenge_body(html):
        return "waf challenge page" + (f" (HTTP {status})" if status else "")
    return None


def is_challenge_body(text: str) -> bool:
    # A real page is large and has __NEXT_DATA__; the challenge page is a few KB of script.
    head = text[:20_000]
    if "__NEXT_DATA__" in text and 'property="imdb:pageConst"' in text:
        return False
    return any(marker in head for marker in _CHALLENGE_MARKERS)


def document_read(html: str) -> Any:
    if not html or not html.strip():
        raise ImdbLayoutChanged("empty page")
    try:
        return lxml_html.document_fromstring(html)
    except (etree.ParserError, ValueError) as exc:
        raise ImdbLayoutChanged(f"unreadable HTML: {exc}") from exc


def json_ld_blocks(document: Any) -> tuple[list[dict[str, Any]], str]:
    """The page's JSON-LD objects (entities unescaped) and the part's state."""
    scripts = document.xpath('//script[@type="application/ld+json"]')
    if not scripts:
        return [], "absent"
    blocks: list[dict[str, Any]] = []
    broken = False
    for script in scripts:
        try:
            data = json.loads(script.text or "", strict=False)
        except ValueError:
            broken = True
            continue
        for item in data if isinstance(data, list) else [data]:
            if isinstance(item, dict):
                blocks.append(_unescape(item))
    return blocks, "ok" if blocks else ("broken" if broken else "absent")


def next_data_read(document: Any) -> tuple[dict[str, Any], str]:
    """The page's `__NEXT_DATA__` object and the part's state."""
    scripts = document.xpath('//script[@id="__NEXT_DATA__"]')
    if not scripts:
        return {}, "absent"
    try:
        data = json.loads(scripts[0].text or "")
    except ValueError:
        return {}, "broken"
    return (data, "ok") if isinstance(data, dict) else ({}, "broken")


def _unescape(value: Any) -> Any:
    """HTML entities left inside JSON-LD strings (`&apos;`, `&amp;`) turned into characters."""
    if isinstance(value, str):
        return html_lib.unescape(value)
    if isinstance(value, list):
        return [_unescape(item) for item in value]
    if isinstance(value, dict):
        return {key: _unescape(item) for key, item in value.items()}
    return value


def dig(data: Any, *path: str | int) -> Any:
    """The value at `path` (keys and list indexes), or None where the path leaves the data."""
    for key in path:
        if isinstance(key, int):
            if not isinstance(data, list) or len(data) <= key:
                return None
            data = data[key]
        else:
            if not isinstance(data, dict):
                return None
            data = data.get(key)
    return data


def text_of(element: Any) -> str:
    """An element's text with whitespace collapsed; "" for no element."""
    return " ".join("".join(element.itertext()).split()) if element is not None else ""


def clean(value: Any) -> Any:
    """None for blank strings and empty collections."""
    if isinstance(value, str):
        value = " ".join(value.split())
        return value or None
    if isinstance(value, list | tuple) and not value:
        return None
    return value


def css(element: Any, selector: str) -> list[Any]:
    return element.cssselect(selector)


def first(element: Any, selector: str) -> Any:
    found = element.cssselect(selector)
    return found[0] if found else None
