"""What a visitor sees in a real browser: the home page and the language switch."""

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from tests.support.browser import text_appears, visible


def test_language_switch_translates_the_site_and_is_remembered(site, browser, tmp_path):
    browser.get(site + "/")
    assert visible(browser, "home-title").text == "Усе, що варто подивитися, в одному місці"
    assert visible(browser, "nav-catalog").text == "Каталог"

    visible(browser, "language-en").click()
    text_appears(browser, "home-title", "Everything worth watching, in one place")
    assert visible(browser, "nav-showtimes").text == "Showtimes"

    visible(browser, "language-ru").click()
    text_appears(browser, "home-title", "Всё, что стоит посмотреть, в одном месте")
    browser.refresh()
    assert visible(browser, "home-title").text == "Всё, что стоит посмотреть, в одном месте"

    visible(browser, "nav-trends").click()
    assert visible(browser, "page-title").text == "Тренды"
    assert visible(browser, "language-ru").get_attribute("aria-current") == "true"
    browser.save_screenshot(str(tmp_path / "trends-ru.png"))


def test_home_page_reads_well_on_a_phone(site, browser, tmp_path):
    browser.set_window_size(390, 844)
    browser.get(site + "/")

    title = visible(browser, "home-title")
    switch = visible(browser, "language-switch")
    page_width = browser.execute_script("return document.documentElement.scrollWidth")
    assert page_width <= 390, "the page scrolls sideways on a phone"
    assert switch.rect["x"] + switch.rect["width"] <= 390
    assert title.rect["width"] <= 390
    browser.save_screenshot(str(tmp_path / "home-phone.png"))


# Injected by the browser itself, so the page's Content-Security-Policy does not apply to it.
_RECORD_CSP_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI || "inline"}`);
});
"""


def test_pages_work_under_the_content_security_policy_without_a_violation(site, browser):
    from tests.factories.catalog import TitleFactory

    title = TitleFactory(poster_url="https://m.media-amazon.com/images/M/poster.jpg")
    browser.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": _RECORD_CSP_VIOLATIONS})
    pages = {
        "/": lambda: visible(browser, "home-title"),
        "/catalog/": lambda: visible(browser, "page-title"),
        f"/catalog/{title.imdb_id}/": lambda: visible(browser, "brand"),
        # The admin's login sends people to the site's sign-in (allauth's page in the site's frame).
        "/admin/login/": lambda: browser.find_element(By.ID, "id_login"),
        "/accounts/signup/": lambda: browser.find_element(By.ID, "id_password2"),
        # Swagger UI draws the operations with its own script: they appear only if it ran.
        "/api/docs": lambda: WebDriverWait(browser, 15).until(
            ec.visibility_of_element_located((By.CSS_SELECTOR, ".opblock-summary"))
        ),
    }
    for path, ready in pages.items():
        browser.get(site + path)
        ready()

        assert browser.execute_script("return window.cspViolations") == [], path
        # The policy is in force: an inline style, as an injected one would be, is refused.
        browser.execute_script("document.head.append(document.createElement('style'))")
        WebDriverWait(browser, 5).until(lambda driver: driver.execute_script("return window.cspViolations"))
