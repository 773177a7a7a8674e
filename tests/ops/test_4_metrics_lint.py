"""The observability surface passes Prometheus' own linter: `promtool check metrics` on the
gateway's and the mailer's /metrics after a full flow, `promtool check rules` and `promtool test
rules` on deploy/alerts.yml."""
import os
import re
import subprocess
import time

from conftest import PASSWORD, sample, scrape, unique, wait_until
from stack import ROOT, Stack, free_port


def promtool(*arguments, stdin=None):
    result = subprocess.run(["promtool"] + list(arguments), input=stdin, capture_output=True, text=True, timeout=60)
    return result.returncode, (result.stdout + result.stderr).strip()


def test_metrics_of_both_processes_pass_promtool_after_a_full_flow(figures):
    metrics_port = free_port()
    stack = Stack(os.environ["PORTAL_TEST_OPS_DATABASE_URL"], "ops-metrics",
                  mailer_env={"MAILER_METRICS_ADDRESS": "127.0.0.1:%d" % metrics_port})
    try:
        stack.start()
        address = stack.activated_user(unique("metrics"), PASSWORD)
        status, headers, _, _ = stack.request("POST", "/api/portal/auth/sign-in", {"email": address, "password": PASSWORD})
        assert status == 200
        cookie = headers["Set-Cookie"].split(";")[0]
        assert stack.request("GET", "/api/portal/auth/me", headers={"Cookie": cookie})[0] == 200
        assert stack.request("POST", "/api/portal/auth/sign-in", {"email": address, "password": "wrong password 123"})[0] == 401
        started = time.time()
        assert stack.request("POST", "/api/portal/auth/forgot-password", {"email": address})[0] == 200
        link = stack.wait_for_link(address, "reset-password", newer_than=started - 1)
        assert stack.request("POST", "/api/portal/auth/reset-password",
                             {"token": link.split("#token=")[1], "password": "Tide tables and rope 77"})[0] == 200
        assert stack.request("GET", "/no/such/page")[0] == 404

        gateway = scrape(stack.base_url + "/metrics")
        code, output = promtool("check", "metrics", stdin=gateway)
        assert code == 0 and output == "", output
        assert sample(gateway, "portal_sign_in_total", '{outcome="ok"}') >= 1
        assert sample(gateway, "http_requests_total", '{method="GET",route="/api/portal/auth/me",status="200"}') >= 1

        mailer_url = "http://127.0.0.1:%d" % metrics_port
        assert scrape(mailer_url + "/healthz").strip() == "ok"
        # activation, reset, password changed: three mails this mailer sent
        wait_until(lambda: (sample(scrape(mailer_url + "/metrics"), "portal_mailer_mails_total", '{outcome="sent"}') or 0) >= 3,
                   15, "the mailer to count its mails")
        mailer = scrape(mailer_url + "/metrics")
        code, output = promtool("check", "metrics", stdin=mailer)
        assert code == 0 and output == "", output
        assert sample(mailer, "portal_mailer_send_duration_seconds_count") >= 3
        assert sample(mailer, "portal_mailer_claim_batch_size_count") >= 1
        assert sample(mailer, "portal_mailer_listen_reconnects_total") is not None
        families = len(set(re.findall(r"^# TYPE (\S+)", gateway + mailer, re.M)))
        figures("promtool check metrics, gateway + mailer after a full flow", "no findings (%d families)" % families)
    finally:
        stack.stop()


def test_the_alert_rules_are_valid_and_fire_when_they_should(figures):
    code, output = promtool("check", "rules", os.path.join(ROOT, "deploy", "alerts.yml"))
    assert code == 0 and "SUCCESS: 7 rules found" in output, output
    code, output = promtool("test", "rules", os.path.join(ROOT, "deploy", "alerts.test.yml"))
    assert code == 0 and "SUCCESS" in output, output
    figures("promtool check rules / test rules deploy/alerts.yml", "7 rules, unit tests pass")
