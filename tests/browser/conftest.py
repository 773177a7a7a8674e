"""Browser tests: the real gateway and mailer on a database of their own, driven by headless
Chromium through Selenium. Started by scripts/test.sh."""
import os
import sys

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support"))
from stack import OUTPUT, Stack  # noqa: E402

SCREENSHOTS = os.path.join(OUTPUT, "screenshots")


@pytest.fixture(scope="session")
def portal():
    stack = Stack(os.environ["PORTAL_TEST_BROWSER_DATABASE_URL"], "browser", gateway_env={"PORTAL_SCRYPT": "ln=12,r=8,p=1"})
    try:
        yield stack.start()
    finally:
        stack.stop()


@pytest.fixture
def browser():
    os.makedirs(SCREENSHOTS, exist_ok=True)
    options = Options()
    options.binary_location = "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1000,900",
                 "--disable-gpu", "--no-first-run"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    yield driver
    driver.quit()
