"""Waiting on what a person sees, never on time."""

from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

WAIT_SECONDS = 15


def by_testid(testid: str) -> tuple[str, str]:
    return (By.CSS_SELECTOR, f'[data-testid="{testid}"]')


def visible(driver: WebDriver, testid: str, timeout: float = WAIT_SECONDS) -> WebElement:
    return WebDriverWait(driver, timeout).until(ec.visibility_of_element_located(by_testid(testid)))


def text_appears(driver: WebDriver, testid: str, text: str, timeout: float = WAIT_SECONDS) -> WebElement:
    WebDriverWait(driver, timeout).until(ec.text_to_be_present_in_element(by_testid(testid), text))
    return driver.find_element(*by_testid(testid))
