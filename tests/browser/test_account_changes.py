"""A change of address end to end through the mails, "Keep me signed in", and a client sent to
sign in by nginx's forward-auth check who lands back on the page they opened."""
import email
import glob
import os
import shutil
import subprocess
import tempfile
import time
import urllib.request

from selenium.webdriver.common.by import By

from test_portal_pages import GOOD, set_password, shot, sign_in, signed_in_home, text_in, unique, visible

DOCS = os.path.join(os.path.dirname(__file__), "..", "..", "docs", "crm-integration.md")


def mails_to(portal, recipient):
    """(subject, text) of every mail the mailer wrote for `recipient`."""
    found = []
    for path in glob.glob(os.path.join(portal.mail_dir, "*.eml")):
        message = email.message_from_file(open(path))
        if recipient not in message["To"]:
            continue
        text = next((part.get_payload(decode=True).decode() for part in message.walk()
                     if part.get_content_type() == "text/plain"), "")
        found.append((str(email.header.make_header(email.header.decode_header(message["Subject"]))), text))
    return found


def wait_for_mail(portal, recipient, words, timeout=15):
    deadline = time.time() + timeout
    while time.time() < deadline:
        for subject, text in mails_to(portal, recipient):
            if words in subject:
                return text
        time.sleep(0.1)
    raise AssertionError("no mail '%s' for %s" % (words, recipient))


def test_a_change_of_email_end_to_end_through_the_mails(portal, browser):
    old = unique("moving")
    new = unique("moved")
    portal.invite(old, "Mo Mover")
    browser.get(portal.wait_for_link(old, "activate"))
    set_password(browser, GOOD)
    signed_in_home(browser, old)

    form = browser.find_element(By.ID, "change-email")
    browser.execute_script("arguments[0].scrollIntoView()", form)
    browser.find_element(By.ID, "new-email").send_keys(new)
    browser.find_element(By.ID, "email-password").send_keys("not my password at all")
    browser.find_element(By.CSS_SELECTOR, "#change-email button[type=submit]").click()
    assert "is incorrect" in text_in(browser, "#change-email-status", "is incorrect")
    browser.find_element(By.ID, "email-password").send_keys(GOOD)
    browser.find_element(By.CSS_SELECTOR, "#change-email button[type=submit]").click()
    assert new in text_in(browser, "#change-email-status", "we sent a message")
    shot(browser, "20-change-email-sent")

    notice = wait_for_mail(portal, old, "A change of your email address")
    assert new in notice, "the old address is told where the account is moving"
    link = portal.wait_for_link(new, "confirm-email")
    # Until the link is used nothing changes: the home page still shows the old address.
    browser.get(portal.base_url + "/portal")
    assert text_in(browser, "#who-email", old) == old

    browser.get(link)
    assert new in text_in(browser, "#confirm-text", new)
    assert "#token" not in browser.current_url, "the token leaves the address bar at once"
    shot(browser, "21-confirm-email")
    browser.find_element(By.CSS_SELECTOR, "#confirm-email button[type=submit]").click()
    assert new in text_in(browser, "#done-text", "Your email address is now")
    shot(browser, "22-email-confirmed")

    # Every session ended; the old address no longer signs in, the new one does.
    browser.get(portal.base_url + "/portal")
    visible(browser, "#sign-in")
    sign_in(browser, portal, old, GOOD)
    assert "incorrect" in text_in(browser, "#status", "incorrect")
    sign_in(browser, portal, new, GOOD)
    assert text_in(browser, "#who-email", new) == new

    browser.get("about:blank")
    browser.get(link)
    assert "already used" in text_in(browser, "#link-problem-text", "already used")


def test_keep_me_signed_in_gives_a_lasting_cookie(portal, browser):
    address = unique("keeper")
    portal.activated_user(address, GOOD)
    browser.get(portal.base_url + "/portal/login")
    visible(browser, "#email").send_keys(address)
    browser.find_element(By.ID, "password").send_keys(GOOD)
    remember = browser.find_element(By.ID, "remember")
    assert not remember.is_selected(), "unticked by default"
    browser.find_element(By.CSS_SELECTOR, "label[for=remember]").click()
    assert remember.is_selected()
    shot(browser, "23-keep-me-signed-in")
    browser.find_element(By.CSS_SELECTOR, "#sign-in button[type=submit]").click()
    assert text_in(browser, "#who-email", address) == address
    cookie = browser.get_cookie("__Host-portal_session")
    assert cookie and "expiry" in cookie, "a lasting cookie"
    assert 29 * 86400 < cookie["expiry"] - time.time() <= 30 * 86400 + 60


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
    upstream portal_auth {{ server 127.0.0.1:{gateway}; keepalive 8; }}
    server {{
        listen 127.0.0.1:{port};
{snippet}
        location /invoices/ {{
            auth_request /_portal_session;
            auth_request_set $portal_login $upstream_http_location;
            root {dir}/www;
        }}
    }}
}}
"""


def documented_snippet(backend_port):
    page = open(DOCS).read()
    start = page.index("# --- nginx: protecting the rest of the portal ---")
    end = page.index("# --- end ---", start)
    return page[start:end].replace("127.0.0.1:9000", "127.0.0.1:%d" % backend_port)


def test_signing_in_returns_to_the_page_nginx_guarded(portal, browser):
    """The documented nginx snippet in front: an invoice opened without a session leads to the
    sign-in page, and signing in lands on that invoice, not on /portal."""
    from stack import free_port

    address = unique("invoice")
    portal.activated_user(address, GOOD)
    port, configured = free_port(), free_port()
    gateway = portal.spawn_gateway(configured, name="gateway-behind-nginx", PORTAL_ALLOWED_ORIGINS="http://localhost:%d" % port)
    portal.wait_ready(base_url="http://127.0.0.1:%d" % configured, process=gateway)
    folder = tempfile.mkdtemp(prefix="browser-return-nginx-")
    os.makedirs(os.path.join(folder, "www", "invoices"))
    with open(os.path.join(folder, "www", "invoices", "7.html"), "w") as f:
        f.write("<!doctype html><title>Invoice 7</title><h1 id=invoice>Invoice 7</h1>")
    for path in (folder, os.path.join(folder, "www"), os.path.join(folder, "www", "invoices")):
        os.chmod(path, 0o755)
    os.chmod(os.path.join(folder, "www", "invoices", "7.html"), 0o644)
    with open(os.path.join(folder, "nginx.conf"), "w") as f:
        f.write(NGINX_CONF.format(dir=folder, port=port, gateway=configured, snippet=documented_snippet(configured)))
    nginx = subprocess.Popen([shutil.which("nginx") or "/usr/sbin/nginx", "-p", folder, "-e",
                              os.path.join(folder, "error.log"), "-c", os.path.join(folder, "nginx.conf")])
    try:
        deadline = time.time() + 15
        while True:
            try:
                urllib.request.urlopen("http://127.0.0.1:%d/portal/login" % port, timeout=2).read()
                break
            except OSError:
                assert time.time() < deadline, "nginx did not come up"
                time.sleep(0.2)
        origin = "http://localhost:%d" % port
        browser.delete_all_cookies()
        browser.get(origin + "/invoices/7.html?copy=2")
        visible(browser, "#sign-in")
        assert "/portal/login?next=" in browser.current_url, browser.current_url
        browser.find_element(By.ID, "email").send_keys(address)
        browser.find_element(By.ID, "password").send_keys(GOOD)
        browser.find_element(By.CSS_SELECTOR, "#sign-in button[type=submit]").click()
        assert text_in(browser, "#invoice", "Invoice 7") == "Invoice 7"
        assert browser.current_url == origin + "/invoices/7.html?copy=2"
        shot(browser, "24-returned-to-the-invoice")

        # A sign-in link that names another site goes to the portal instead.
        browser.delete_all_cookies()
        browser.get(origin + "/portal/login?next=//evil.example/phish")
        visible(browser, "#email").send_keys(address)
        browser.find_element(By.ID, "password").send_keys(GOOD)
        browser.find_element(By.CSS_SELECTOR, "#sign-in button[type=submit]").click()
        assert text_in(browser, "#who-email", address) == address
        assert browser.current_url == origin + "/portal"
    finally:
        nginx.terminate()
        nginx.wait(timeout=10)
        gateway.terminate()
        gateway.wait(timeout=10)
