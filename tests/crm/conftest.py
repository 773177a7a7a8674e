"""The CRM tier: portal-auth inside a marina CRM's deployment — a real nginx in front protecting
the CRM's other pages with auth_request, each marina's name and contact in its mail (a real SMTP
server), secrets rotated across two gateways and two mailers, and the CRM's own ids with an import
from the old portal.

Environment (set by scripts/test.sh crm): PORTAL_TEST_CRM_DATABASE_URL, a superuser conninfo of a
migrated database."""
import base64
import json
import os
import sys
import time
import uuid

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support"))
from stack import Stack  # noqa: E402

PASSWORD = "Harbour lights at dusk 42"


def unique(prefix):
    return "%s-%s@example.com" % (prefix, uuid.uuid4().hex[:10])


def unique_id(prefix):
    return "%s-%s" % (prefix, uuid.uuid4().hex[:10])


def claims(cookie):
    """The payload of a session cookie (`name=value`), unverified: what a backend reads after
    checking the signature itself."""
    payload = cookie.split("=", 1)[1].split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def wait_until(predicate, timeout, what, interval=0.1):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError("timed out after %ss waiting for %s" % (timeout, what))


def sign_in(stack, address, password=PASSWORD, base_url=None):
    status, headers, body, _ = stack.request("POST", "/api/portal/auth/sign-in", {"email": address, "password": password},
                                             base_url=base_url)
    assert status == 200, body
    return headers["Set-Cookie"].split(";")[0], body


@pytest.fixture(scope="session")
def database_url():
    return os.environ["PORTAL_TEST_CRM_DATABASE_URL"]


@pytest.fixture(scope="session")
def stack(database_url):
    stack = Stack(database_url, "crm")
    for bucket in ("sign_in_ip", "sign_in_fail_ip", "forgot_ip", "token_ip", "admin_key", "invite_key"):
        stack.sql("select portal_api.set_rate_limit(:'a1', 1000000, '1 minute')", bucket)
    try:
        yield stack.start()
    finally:
        stack.stop()
