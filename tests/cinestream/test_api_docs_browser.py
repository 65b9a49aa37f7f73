"""The API's docs (/api/docs) work from the site alone, under the site's Content-Security-Policy."""

import re
from urllib.parse import urlsplit

import requests
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from tests.support.browser import WAIT_SECONDS


def test_the_docs_page_names_no_other_host(site):
    page = requests.get(site + "/api/docs", timeout=10)

    assert page.status_code == 200
    assert "content-security-policy" in {name.lower() for name in page.headers}
    assert not re.findall(r"(?:src|href)=[\"']?(?:https?:)?//", page.text), "an asset from another host"
    for asset in re.findall(r"(?:src|href)=[\"']([^\"']+)", page.text):
        assert requests.get(site + asset, timeout=10).status_code == 200, asset


def test_the_docs_render_every_operation_in_a_browser(site, browser, tmp_path):
    browser.get(site + "/api/docs")

    # Swagger UI draws the operations from /api/openapi.json: its scripts ran under the CSP.
    WebDriverWait(browser, WAIT_SECONDS).until(
        ec.presence_of_element_located((By.CSS_SELECTOR, '[data-path="/api/v1/titles"]'))
    )
    paths = {
        element.get_attribute("data-path")
        for element in browser.find_elements(By.CSS_SELECTOR, "[data-path]")
    }
    assert {"/api/v1/titles/{imdb_id}", "/api/v1/people/{imdb_id}", "/api/movies/register"} <= paths
    resources = browser.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    assert {urlsplit(url).netloc for url in resources} == {urlsplit(site).netloc}
    browser.save_screenshot(str(tmp_path / "api-docs.png"))
