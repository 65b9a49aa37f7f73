"""What a visitor sees in a real browser: the home page and the language switch."""

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
