"""The attack and fault suites: a gateway and mailer of their own, on their own database, with
the per-address rate limits raised so the fuzzer reaches the handlers. Each test adds rows to
the report table (.run/test-output/attack-report.md)."""
import os
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support"))
from stack import OUTPUT, Stack  # noqa: E402

REPORT = []


@pytest.fixture(scope="session")
def stack():
    stack = Stack(os.environ["PORTAL_TEST_ATTACK_DATABASE_URL"], "attack")
    for bucket in ("sign_in_ip", "sign_in_fail_ip", "forgot_ip", "token_ip", "admin_key", "invite_key",
                   "change_password_user", "change_password_ip"):
        stack.sql("select portal_api.set_rate_limit(:'a1', 1000000, '1 minute')", bucket)
    try:
        yield stack.start()
    finally:
        stack.stop()
        os.makedirs(OUTPUT, exist_ok=True)
        with open(os.path.join(OUTPUT, "attack-report.md"), "w") as f:
            f.write("| what was tried | result |\n| --- | --- |\n")
            for what, result in REPORT:
                f.write("| %s | %s |\n" % (what, result))


@pytest.fixture
def report():
    return lambda what, result: REPORT.append((what, result))
