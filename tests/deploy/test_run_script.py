"""The quick start's first command: scripts/run.sh guides by the demo client's state and resets.

Runs the real script (its own cluster, gateway and mailer) in a state folder of its own, three
times: fresh, after an invite, and with --reset."""
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support"))
from stack import ROOT, free_port  # noqa: E402


def run_once(environment, *arguments):
    """Starts run.sh, returns what it printed once it runs, then stops it with Ctrl-C."""
    process = subprocess.Popen([os.path.join(ROOT, "scripts", "run.sh"), *arguments], cwd=ROOT, env=environment,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines = []
    deadline = time.time() + 300
    try:
        for line in process.stdout:
            lines.append(line)
            if "running" in line and "Ctrl-C" in line:
                break
            assert time.time() < deadline, "".join(lines[-20:])
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
    return "".join(lines)


def test_run_sh_says_what_to_do_next_and_resets():
    state = tempfile.mkdtemp(prefix="portal-dev-")
    os.chmod(state, 0o755)
    http_port = free_port()
    environment = dict(os.environ, PORTAL_DEV_DIR=state, PORTAL_DEV_PG_PORT=str(free_port()), PORT=str(http_port))
    environment.pop("MAIL_DIR", None)
    first = run_once(environment)
    assert "Invite the demo client" in first, first[-2000:]
    client = [l.split()[-1] for l in first.splitlines() if l.strip().startswith("Demo client")][0]
    key = open(os.path.join(state, "dev", "admin-key")).read().strip()

    # Invite while it runs the second time, then a third run must not suggest the invite again.
    process = subprocess.Popen([os.path.join(ROOT, "scripts", "run.sh")], cwd=ROOT, env=environment,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        for line in process.stdout:
            if "running" in line and "Ctrl-C" in line:
                break
        request = urllib.request.Request(
            "http://127.0.0.1:%d/api/v1/clients/%s/portal-user" % (http_port, client), method="POST",
            data=json.dumps({"email": "owner@demo.example"}).encode(),
            headers={"Authorization": "Bearer " + key, "Content-Type": "application/json"})
        assert urllib.request.urlopen(request, timeout=30).status == 201
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=60)
    # Behind a proxy PORTAL_BASE_URL names another port: the gateway is shown where it listens.
    proxy = "http://localhost:%d" % free_port()
    again = run_once(dict(environment, PORTAL_BASE_URL=proxy))
    assert "is invited" in again and "action=resend" in again and "Invite the demo client" not in again, again[-2000:]
    assert "Gateway     http://localhost:%d " % http_port in again and "Base URL    " + proxy in again, again[-2000:]
    assert "curl -s -X POST 'http://localhost:%d/api/v1/" % http_port in again, "the curl commands reach the gateway"
    assert "portal-auth is up to date" in again, "nothing changed: no rebuild"
    reset = run_once(environment, "--reset")
    assert "Invite the demo client" in reset, reset[-2000:]


def test_last_link_skips_newer_mail_without_a_link():
    """After a reset the newest mail is the password-changed notice: last-link.sh prints the link
    of the newest mail that has one."""
    folder = tempfile.mkdtemp(prefix="portal-mail-")
    link = "http://localhost:8080/portal/reset-password#token=" + "A" * 43

    def write(name, text, when):
        path = os.path.join(folder, name)
        with open(path, "w") as handle:
            handle.write("Subject: test\nContent-Type: text/plain; charset=utf-8\n\n" + text + "\n")
        os.utime(path, (when, when))

    now = time.time()
    write("1.eml", "Set a new password: " + link, now - 60)
    write("2.eml", "Your password was changed.", now)
    script = os.path.join(ROOT, "scripts", "last-link.sh")
    found = subprocess.run([script], env=dict(os.environ, MAIL_DIR=folder), capture_output=True, text=True, timeout=30)
    assert found.returncode == 0 and found.stdout.strip() == link, found.stderr
    os.remove(os.path.join(folder, "1.eml"))
    none = subprocess.run([script], env=dict(os.environ, MAIL_DIR=folder), capture_output=True, text=True, timeout=30)
    assert none.returncode != 0 and "carries a link" in none.stderr
