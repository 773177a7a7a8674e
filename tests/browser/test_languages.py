"""The pages in the client's language: the browser's Accept-Language, the language switch (its
cookie before sign-in, the account after), and the mail that follows the client's choice.
Screenshots at phone size go to .run/test-output/screenshots/lang-*.png."""
import email
import email.header
import glob
import os
import time

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

from conftest import SCREENSHOTS
from test_portal_pages import GOOD, set_password, shot, text_in, unique, visible, wait

PHONE = (390, 844)


def phone_browser(accept_language):
    """Headless Chromium at a phone's size whose Accept-Language is `accept_language`."""
    os.makedirs(SCREENSHOTS, exist_ok=True)
    options = Options()
    options.binary_location = "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=%d,%d" % PHONE,
                 "--disable-gpu", "--no-first-run", "--lang=" + accept_language.split(",")[0]):
        options.add_argument(flag)
    options.add_experimental_option("prefs", {"intl.accept_languages": accept_language})
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    driver.set_window_size(*PHONE)
    return driver


def page_language(driver):
    return driver.execute_script("return document.documentElement.lang")


def switch_to(driver, language):
    driver.find_element(By.CSS_SELECTOR, "nav.languages a[hreflang=%s]" % language).click()
    wait(driver, lambda d: page_language(d) == language)


def newest_mail(portal, recipient, after):
    """The newest mail to `recipient` written after `after` (epoch seconds)."""
    deadline = time.time() + 15
    while time.time() < deadline:
        for path in sorted(glob.glob(os.path.join(portal.mail_dir, "*.eml")), key=os.path.getmtime, reverse=True):
            if os.path.getmtime(path) < after:
                continue
            message = email.message_from_file(open(path))
            if recipient in message["To"]:
                return message
        time.sleep(0.1)
    raise AssertionError("no mail for %s" % recipient)


def subject(message):
    return str(email.header.make_header(email.header.decode_header(message["Subject"])))


def test_login_and_activate_in_german_then_greek_at_phone_size(portal):
    driver = phone_browser("de-AT,de;q=0.9")
    try:
        driver.get(portal.base_url + "/portal/login")
        assert page_language(driver) == "de"
        assert driver.find_element(By.TAG_NAME, "h1").text == "Anmelden"
        assert driver.find_element(By.CSS_SELECTOR, "label[for=email]").text == "E-Mail-Adresse"
        shot(driver, "lang-login-de-phone")
        visible(driver, "#email").send_keys(unique("nobody"))
        driver.find_element(By.ID, "password").send_keys("not the password at all")
        driver.find_element(By.CSS_SELECTOR, "#sign-in button[type=submit]").click()
        assert "nicht korrekt" in text_in(driver, "#status", "nicht korrekt"), "the API's refusal in German"

        # Invited in German: the mail is German, and its link opens the page in German (the
        # page cannot know the invited client before they sign in; the link says the mail's language).
        address = unique("sprache")
        portal.invite(address, "Anna Sprache", locale="de")
        link = portal.wait_for_link(address, "activate")
        assert "?lang=de#token=" in link
        driver.get(link)
        visible(driver, "#set-password")
        assert page_language(driver) == "de"
        assert driver.find_element(By.TAG_NAME, "h1").text == "Passwort festlegen"
        assert "12" in driver.find_element(By.ID, "policy").text
        shot(driver, "lang-activate-de-phone")
        set_password(driver, "password1234")
        assert "zu verbreitet" in text_in(driver, "#status", "zu verbreitet"), "the policy's reason in German"

        # The switch keeps the link's token: the Greek page still offers the form.
        switch_to(driver, "el")
        visible(driver, "#set-password")
        assert driver.find_element(By.TAG_NAME, "h1").text == "Ορίστε τον κωδικό πρόσβασής σας"
        assert "lang=" not in driver.current_url
        shot(driver, "lang-activate-el-phone")

        # The choice is remembered (portal_lang) and outranks the browser's German.
        driver.get(portal.base_url + "/portal/login")
        assert page_language(driver) == "el"
        assert driver.find_element(By.TAG_NAME, "h1").text == "Σύνδεση"
        cookie = driver.get_cookie("portal_lang")
        assert cookie["value"] == "el" and cookie["sameSite"] == "Lax" and cookie["path"] == "/portal"
        shot(driver, "lang-login-el-phone")
    finally:
        driver.quit()


def test_after_the_client_switches_to_french_the_next_reset_mail_is_french(portal):
    address = portal.activated_user(unique("langue"), GOOD)
    driver = phone_browser("en")
    try:
        driver.get(portal.base_url + "/portal/login")
        visible(driver, "#email").send_keys(address)
        driver.find_element(By.ID, "password").send_keys(GOOD)
        driver.find_element(By.CSS_SELECTOR, "#sign-in button[type=submit]").click()
        assert text_in(driver, "#who-email", address) == address
        assert page_language(driver) == "en"

        switch_to(driver, "fr")
        assert driver.find_element(By.TAG_NAME, "h1").text == "Votre compte"
        assert portal.sql("select locale from portal.portal_users where email = :'a1'", address) == "fr"

        driver.find_element(By.ID, "sign-out").click()
        wait(driver, lambda d: d.current_url.endswith("/portal/login"))
        driver.get(portal.base_url + "/portal/forgot-password")
        assert page_language(driver) == "fr"
        before = time.time() - 1
        visible(driver, "#email").send_keys(address)
        driver.find_element(By.CSS_SELECTOR, "#forgot button[type=submit]").click()
        text_in(driver, "#status", address)
        message = newest_mail(portal, address, before)
        assert message["Content-Language"] == "fr"
        assert subject(message).startswith("Réinitialisez votre mot de passe")
    finally:
        driver.quit()
