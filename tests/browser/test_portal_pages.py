"""The pages a client meets, from the invitation mail to the signed-in portal."""
import os
import time
import urllib.request
import uuid

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from conftest import SCREENSHOTS

GOOD = "Harbour lights at dusk 42"
NEWER = "Another long passphrase 77"


def shot(driver, name):
    driver.save_screenshot(os.path.join(SCREENSHOTS, name + ".png"))


def wait(driver, condition, timeout=10):
    return WebDriverWait(driver, timeout).until(condition)


def visible(driver, css):
    return wait(driver, EC.visibility_of_element_located((By.CSS_SELECTOR, css)))


def text_in(driver, css, text):
    wait(driver, EC.text_to_be_present_in_element((By.CSS_SELECTOR, css), text))
    return driver.find_element(By.CSS_SELECTOR, css).text


def unique(prefix):
    return "%s-%s@example.com" % (prefix, uuid.uuid4().hex[:10])


def set_password(driver, password):
    field = visible(driver, "#password")
    field.clear()
    field.send_keys(password)
    confirm = driver.find_element(By.ID, "confirm")
    confirm.clear()
    confirm.send_keys(password)
    driver.find_element(By.CSS_SELECTOR, "#set-password button[type=submit]").click()


def signed_in_home(driver, address):
    """Activation and reset sign the client in and land on the portal home."""
    assert text_in(driver, "#who-email", address) == address
    assert driver.current_url.rstrip("/").endswith("/portal")


def sign_in(driver, portal, address, password):
    driver.get(portal.base_url + "/portal/login")
    visible(driver, "#email").send_keys(address)
    driver.find_element(By.ID, "password").send_keys(password)
    driver.find_element(By.CSS_SELECTOR, "#sign-in button[type=submit]").click()


def test_invite_activate_sign_in_and_out(portal, browser):
    address = unique("owner")
    portal.invite(address, "Ann Owner")
    link = portal.wait_for_link(address, "activate")

    browser.get(link)
    visible(browser, "#set-password")
    assert "#token" not in browser.current_url, "the token leaves the address bar at once"
    assert "at least 12" in browser.find_element(By.ID, "policy").text, "the policy is stated before typing"
    shot(browser, "01-activate")

    set_password(browser, "password1234")
    message = text_in(browser, "#status", "too common")
    assert "Please choose another password" in message
    shot(browser, "02-activate-weak-password")

    set_password(browser, GOOD)
    signed_in_home(browser, address)
    shot(browser, "03-activate-done")
    session = browser.get_cookie("__Host-portal_session")
    assert session and "expiry" not in session, "a cookie that ends with the browser"

    browser.find_element(By.ID, "sign-out").click()
    visible(browser, "#sign-in")
    shot(browser, "04-login")
    sign_in(browser, portal, address, "not the password at all")
    assert "incorrect" in text_in(browser, "#status", "incorrect")
    sign_in(browser, portal, address, GOOD)
    assert text_in(browser, "#who-email", address) == address
    assert browser.find_element(By.ID, "who-name").text == "Ann Owner"
    shot(browser, "05-home")

    browser.find_element(By.ID, "sign-out").click()
    visible(browser, "#sign-in")
    browser.get(portal.base_url + "/portal")
    visible(browser, "#sign-in")  # signed out: home sends us back to the login page


def test_forgot_and_reset_end_the_old_session(portal, browser):
    address = unique("reset")
    portal.invite(address, "Rita Reset")
    browser.get(portal.wait_for_link(address, "activate"))
    set_password(browser, GOOD)
    signed_in_home(browser, address)
    old_cookie = browser.get_cookie("__Host-portal_session")
    assert old_cookie and old_cookie["httpOnly"] and old_cookie["secure"]

    browser.get(portal.base_url + "/portal/forgot-password")
    shot(browser, "06-forgot-password")
    visible(browser, "#email").send_keys(address)
    browser.find_element(By.CSS_SELECTOR, "#forgot button[type=submit]").click()
    assert "If an account exists" in text_in(browser, "#status", "If an account exists")
    shot(browser, "07-forgot-password-sent")

    browser.get(portal.wait_for_link(address, "reset-password"))
    visible(browser, "#set-password")
    shot(browser, "08-reset-password")
    set_password(browser, NEWER)
    signed_in_home(browser, address)

    # The reset ended the session the browser held before (and signed it in anew).
    browser.delete_all_cookies()
    browser.add_cookie({"name": old_cookie["name"], "value": old_cookie["value"], "path": "/", "secure": True, "httpOnly": True})
    browser.get(portal.base_url + "/portal")
    visible(browser, "#sign-in")
    sign_in(browser, portal, address, NEWER)
    assert text_in(browser, "#who-email", address) == address


def test_an_expired_link_says_so(portal, browser):
    address = unique("late")
    portal.invite(address, "Lars Late")
    link = portal.wait_for_link(address, "activate")
    portal.sql("""update portal.portal_auth_tokens t set created_at = now() - interval '4 days', expires_at = now() - interval '1 day'
                  from portal.portal_users u where u.id = t.portal_user_id and u.email = :'a1'""", address)
    browser.get(link)
    problem = text_in(browser, "#link-problem-text", "expired")
    assert "expired" in problem
    assert "ask your marina" in problem, "clients cannot request an invitation: the page says who can"
    assert not browser.find_element(By.ID, "set-password").is_displayed()
    shot(browser, "09-expired-link")


def test_a_used_link_says_so(portal, browser):
    address = unique("twice")
    portal.invite(address, "Tom Twice")
    link = portal.wait_for_link(address, "activate")
    browser.get(link)
    set_password(browser, GOOD)
    signed_in_home(browser, address)
    browser.get("about:blank")  # a fresh load, as from the mail (not a same-page fragment change)
    browser.get(link)
    assert "already used" in text_in(browser, "#link-problem-text", "already used")
    shot(browser, "10-used-link")


def test_loading_a_link_consumes_nothing(portal, browser):
    address = unique("scan")
    portal.invite(address, "Sam Scanner")
    link = portal.wait_for_link(address, "activate")
    for _ in range(3):
        browser.get("about:blank")
        browser.get(link)  # a mail scanner or a prefetch: GET + scripts, no submit
        visible(browser, "#set-password")
    token = link.split("#token=")[1]
    status, _, body, _ = portal.request("POST", "/api/portal/auth/token-status", {"token": token})
    assert status == 200 and body["status"] == "valid"


def test_pages_work_with_labels_a_keyboard_and_a_phone(portal, browser):
    for path in ("/portal/login", "/portal/forgot-password", "/portal/activate#token=" + "A" * 43, "/portal/reset-password"):
        browser.get("about:blank")
        browser.get(portal.base_url + path)
        wait(browser, lambda d: d.execute_script("return document.readyState") == "complete")
        status = browser.find_element(By.ID, "status")
        assert status.get_attribute("aria-live") in ("assertive", "polite"), path
        assert status.get_attribute("role") in ("alert", "status"), path
        for field in browser.find_elements(By.CSS_SELECTOR, "input"):
            labels = browser.find_elements(By.CSS_SELECTOR, "label[for='%s']" % field.get_attribute("id"))
            assert labels and labels[0].get_attribute("textContent").strip(), "%s: input #%s has no label" % (path, field.get_attribute("id"))
        # The page's sentences travel in a JSON data block, which no browser runs (nor does CSP
        # count it as script); anything else inline would need 'unsafe-inline'.
        assert not browser.find_elements(By.CSS_SELECTOR, 'script:not([src]):not([type="application/json"])'), "no inline script"
        assert len(browser.find_elements(By.CSS_SELECTOR, 'script#portal-strings[type="application/json"]')) == 1, path

    # The keyboard alone: Tab from the email field to the password, Enter submits.
    address = unique("keys")
    portal.invite(address, "Kim Keys")
    browser.get(portal.wait_for_link(address, "activate"))
    set_password(browser, GOOD)
    signed_in_home(browser, address)
    browser.delete_all_cookies()
    browser.get(portal.base_url + "/portal/login")
    email = visible(browser, "#email")
    assert browser.switch_to.active_element == email, "the email field has the focus"
    email.send_keys(address + Keys.TAB)
    assert browser.switch_to.active_element.get_attribute("id") == "password"
    browser.switch_to.active_element.send_keys(GOOD + Keys.ENTER)
    assert text_in(browser, "#who-email", address) == address
    # Signed in, the sign-in page sends the visitor home.
    browser.get(portal.base_url + "/portal/login")
    assert text_in(browser, "#who-email", address) == address
    assert browser.current_url.rstrip("/").endswith("/portal")
    browser.delete_all_cookies()

    # A phone-sized window: nothing wider than the screen.
    browser.set_window_size(390, 844)
    browser.get(portal.base_url + "/portal/login")
    visible(browser, "#sign-in")
    assert browser.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")
    shot(browser, "11-login-phone")


def test_a_change_password_error_stands_beside_its_form_on_a_phone(portal, browser):
    """On a phone the form is scrolled far below the top of the page: the error appears beside it,
    in view, and takes the focus (a screen reader reads it out)."""
    address = unique("phone")
    portal.invite(address, "Pat Phone")
    browser.get(portal.wait_for_link(address, "activate"))
    set_password(browser, GOOD)
    signed_in_home(browser, address)
    browser.delete_all_cookies()
    browser.set_window_size(390, 844)
    sign_in(browser, portal, address, GOOD)
    text_in(browser, "#who-email", address)
    form = browser.find_element(By.ID, "change-password")
    browser.execute_script("arguments[0].scrollIntoView()", form)
    browser.find_element(By.ID, "current").send_keys("not my password at all")
    browser.find_element(By.ID, "new-password").send_keys(NEWER)
    browser.find_element(By.ID, "confirm").send_keys(NEWER)
    browser.find_element(By.CSS_SELECTOR, "#change-password button[type=submit]").click()
    message = text_in(browser, "#change-status", "is incorrect")
    assert "The current password is incorrect." in message
    assert browser.switch_to.active_element.get_attribute("id") == "change-status", "the error has the focus"
    assert browser.execute_script(
        "const r = document.getElementById('change-status').getBoundingClientRect();"
        "return r.top >= 0 && r.bottom <= window.innerHeight"), "the error is in view"
    assert browser.find_element(By.ID, "status").text == "", "nothing is printed at the top instead"
    shot(browser, "12-change-password-error-phone")
    browser.set_window_size(1000, 900)


NGINX_CONF = """
worker_processes 1;
daemon off;
pid {dir}/nginx.pid;
error_log {dir}/error.log info;
events {{ worker_connections 64; }}
http {{
    access_log {dir}/access.log;
    client_body_temp_path {dir}/tmp-body;
    proxy_temp_path {dir}/tmp-proxy;
    fastcgi_temp_path {dir}/tmp-fastcgi;
    uwsgi_temp_path {dir}/tmp-uwsgi;
    scgi_temp_path {dir}/tmp-scgi;
    server {{
        listen 127.0.0.1:{plain};
        location / {{ proxy_pass http://127.0.0.1:{gateway}; }}
    }}
    server {{
        listen 127.0.0.1:{allowed};
        location / {{ proxy_pass http://127.0.0.1:{configured}; }}
    }}
}}
"""


def test_behind_a_proxy_the_page_says_why_a_foreign_origin_is_refused(portal, browser):
    """Following the proxy section: a proxy on another origin, first without the documented setting
    (the page shows the server's sentence, the log names the origin), then with
    PORTAL_ALLOWED_ORIGINS naming it (sign-in works)."""
    import shutil
    import subprocess
    import tempfile
    from stack import free_port

    address = unique("proxy")
    portal.invite(address, "Pia Proxy")
    browser.get(portal.wait_for_link(address, "activate"))
    set_password(browser, GOOD)
    signed_in_home(browser, address)

    plain, allowed, configured = free_port(), free_port(), free_port()
    gateway = portal.spawn_gateway(configured, name="gateway-proxied",
                                   PORTAL_ALLOWED_ORIGINS="http://localhost:%d" % allowed)
    portal.wait_ready(base_url="http://127.0.0.1:%d" % configured, process=gateway)
    folder = tempfile.mkdtemp(prefix="browser-nginx-")
    os.chmod(folder, 0o755)
    with open(os.path.join(folder, "nginx.conf"), "w") as f:
        f.write(NGINX_CONF.format(dir=folder, plain=plain, allowed=allowed, gateway=portal.port, configured=configured))
    nginx = subprocess.Popen([shutil.which("nginx") or "/usr/sbin/nginx", "-p", folder, "-e",
                              os.path.join(folder, "error.log"), "-c", os.path.join(folder, "nginx.conf")])
    try:
        for port in (plain, allowed):
            deadline = time.time() + 15
            while True:
                try:
                    urllib.request.urlopen("http://127.0.0.1:%d/healthz" % port, timeout=2).read()
                    break
                except OSError:
                    assert time.time() < deadline, "nginx did not come up"
                    time.sleep(0.2)

        browser.delete_all_cookies()
        browser.get("http://localhost:%d/portal/login" % plain)
        visible(browser, "#email").send_keys(address)
        browser.find_element(By.ID, "password").send_keys(GOOD)
        browser.find_element(By.CSS_SELECTOR, "#sign-in button[type=submit]").click()
        message = text_in(browser, "#status", "origin")
        assert "Requests from this origin are not allowed" in message and "Something went wrong" not in message
        shot(browser, "13-proxy-origin-refused")
        log = open(os.path.join(portal.log_dir, "gateway.log")).read()
        assert "reason=forbidden_origin" in log and "origin=http://localhost:%d" % plain in log, "the log names the origin"

        browser.get("http://localhost:%d/portal/login" % allowed)
        visible(browser, "#email").send_keys(address)
        browser.find_element(By.ID, "password").send_keys(GOOD)
        browser.find_element(By.CSS_SELECTOR, "#sign-in button[type=submit]").click()
        assert text_in(browser, "#who-email", address) == address
    finally:
        nginx.terminate()
        nginx.wait(timeout=10)
        gateway.terminate()
        gateway.wait(timeout=10)
