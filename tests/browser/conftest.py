"""Browser tests: a real gateway and mailer (the built binary) on a database of their own,
driven by headless Chromium through Selenium. Started by scripts/test.sh."""
import email
import glob
import os
import re
import socket
import subprocess
import tempfile
import time
import urllib.request
import json

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BINARY = os.path.join(ROOT, ".build", "debug", "portal-auth")
SCREENSHOTS = os.path.join(ROOT, ".run", "test-output", "screenshots")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Portal:
    """The running service plus helpers: SQL as the superuser, the admin API, the mail folder."""

    def __init__(self, database_url, base_url, mail_dir, admin_key, port_id):
        self.database_url = database_url
        self.base_url = base_url
        self.mail_dir = mail_dir
        self.admin_key = admin_key
        self.port_id = port_id

    def sql(self, query, *args):
        command = ["psql", self.database_url, "-qtA", "-v", "ON_ERROR_STOP=1"]
        for i, arg in enumerate(args):
            command += ["-v", "a%d=%s" % (i + 1, arg)]
        out = subprocess.run(command, input=query, capture_output=True, text=True, check=True)
        return out.stdout.strip()

    def api(self, method, path, body=None, headers=None):
        request = urllib.request.Request(self.base_url + path, method=method,
                                         data=json.dumps(body).encode() if body is not None else None)
        request.add_header("Content-Type", "application/json")
        request.add_header("Origin", self.base_url)
        for key, value in (headers or {}).items():
            request.add_header(key, value)
        try:
            with urllib.request.urlopen(request) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"null")

    def invite(self, email_address, name):
        client = self.sql("select portal_api.create_client(:'a1', 'Browser Client')", self.port_id)
        status, _ = self.api("POST", "/api/v1/clients/%s/portal-user" % client,
                             {"email": email_address, "name": name}, {"Authorization": "Bearer " + self.admin_key})
        assert status == 201
        return client

    def wait_for_link(self, recipient, kind_path, timeout=15):
        """The link of the newest mail to `recipient` whose link goes to /portal/<kind_path>."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            for path in sorted(glob.glob(os.path.join(self.mail_dir, "*.eml")), key=os.path.getmtime, reverse=True):
                message = email.message_from_file(open(path))
                if recipient not in message["To"]:
                    continue
                for part in message.walk():
                    if part.get_content_type() == "text/plain":
                        found = re.search(r"https?://\S+/portal/%s#token=[A-Za-z0-9_-]{43}" % kind_path,
                                          part.get_payload(decode=True).decode())
                        if found:
                            return found.group(0)
            time.sleep(0.2)
        raise AssertionError("no %s mail for %s" % (kind_path, recipient))


@pytest.fixture(scope="session")
def portal():
    superuser = os.environ["PORTAL_TEST_BROWSER_DATABASE_URL"]
    port = free_port()
    base_url = "http://localhost:%d" % port
    mail_dir = tempfile.mkdtemp(prefix="browser-mail-")
    logs = tempfile.mkdtemp(prefix="browser-logs-")
    common = dict(os.environ, PORTAL_BASE_URL=base_url,
                  PORTAL_TOKEN_KEY="browser-test-token-key-0123456789abcdefgh",
                  PORTAL_JWT_SECRET="browser-test-jwt-secret-0123456789abcdefgh")
    gateway = subprocess.Popen(
        [BINARY, "serve"], stdout=open(os.path.join(logs, "gateway.log"), "w"), stderr=subprocess.STDOUT,
        env=dict(common, DATABASE_URL=superuser + " user=portal_gateway", PORT=str(port), HOST="127.0.0.1",
                 PORTAL_SCRYPT="ln=12,r=8,p=1"))
    mailer = subprocess.Popen(
        [BINARY, "mailer"], stdout=open(os.path.join(logs, "mailer.log"), "w"), stderr=subprocess.STDOUT,
        env=dict(common, DATABASE_URL=superuser + " user=portal_mailer", MAIL_DIR=mail_dir, MAILER_POLL_INTERVAL="1"))
    try:
        deadline = time.time() + 30
        while True:
            try:
                urllib.request.urlopen(base_url + "/readyz").read()
                break
            except Exception:
                if time.time() > deadline:
                    raise
                time.sleep(0.2)
        helper = Portal(superuser, base_url, mail_dir, None, None)
        helper.port_id = helper.sql("select portal_api.create_port('Browser Port')")
        helper.admin_key = helper.sql("select portal_api.create_admin_key(:'a1', 'browser tests')", helper.port_id)
        yield helper
    finally:
        for process in (gateway, mailer):
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()


@pytest.fixture
def browser():
    os.makedirs(SCREENSHOTS, exist_ok=True)
    options = Options()
    options.binary_location = "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1000,900",
                 "--disable-gpu", "--no-first-run"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    driver.implicitly_wait(0)
    yield driver
    driver.quit()


def shot(driver, name):
    driver.save_screenshot(os.path.join(SCREENSHOTS, name + ".png"))
