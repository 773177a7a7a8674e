"""The service explains itself: metrics that count what clients got, logs that say why the
database is unreachable (once), errors with hints, link state for staff, pages for browsers, a
CLI with sentences and exit codes. Runs after the fault suite, whose outages it reads back."""
import http.client
import json
import os
import re
import select
import socket
import socketserver
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid

from stack import BINARY, JWT_SECRET, ROOT, Stack, free_port

PASSWORD = "Harbour lights at dusk 42"


def unique(prefix):
    return "%s-%s@example.com" % (prefix, uuid.uuid4().hex[:10])


def admin_cli(stack, *args, url=None):
    environment = dict(os.environ, DATABASE_URL=url or stack.database_url, USER="tester")
    return subprocess.run([BINARY, "admin", *args], capture_output=True, text=True, env=environment, timeout=60)


def metric_lines(stack):
    return stack.request("GET", "/metrics")[3].decode().splitlines()


def test_metrics_count_the_status_each_client_received(stack, report):
    address = stack.activated_user(unique("metrics"), PASSWORD)
    assert stack.request("POST", "/api/portal/auth/sign-in", {"email": address, "password": "wrong wrong wrong"})[0] == 401
    assert stack.request("POST", "/api/portal/auth/forgot-password", {"email": address},
                         {"Origin": "https://evil.example"})[0] == 403
    assert stack.request("GET", "/api/portal/nothing-here")[0] == 404
    client = stack.sql("select portal_api.create_client(:'a1', 'Metrics Client')", stack.port_id)
    assert stack.admin("POST", "/api/v1/clients/%s/portal-user" % client, {"email": address})[0] == 409
    assert stack.request("POST", "/api/portal/auth/activate", {"token": "A" * 43, "password": "short"})[0] == 422
    lines = [l for l in metric_lines(stack) if l.startswith("http_requests_total{")]
    statuses = {re.search(r'status="(\d+)"', l).group(1) for l in lines}
    assert {"401", "403", "404", "409", "422"} <= statuses, statuses
    assert any('route="/api/portal/auth/sign-in"' in l and 'status="401"' in l for l in lines), lines
    assert "500" not in statuses, [l for l in lines if 'status="500"' in l]
    # The metric names docs/operations.md promises are the ones served.
    page = open(os.path.join(ROOT, "docs", "operations.md")).read()
    section = page[page.index("`GET /metrics`"):page.index("`GET /healthz` (process)")]
    served = "\n".join(metric_lines(stack))
    for base, braces in re.findall(r"`((?:portal|http)_[a-z_]+)(\{[a-z,]+\})?`", section):
        names = [base + option for option in braces[1:-1].split(",")] if "," in braces else [base]
        for metric in names:
            assert re.search(r"^%s(_bucket|_count|_sum)?[ {]" % re.escape(metric), served, re.M), metric
    report("/metrics after 401, 403 (Origin), 404, 409 and 422 responses",
           "each counted under the status the client received; no 500 (statuses seen: %s)" % ", ".join(sorted(statuses)))


class Forwarder:
    """A TCP forwarder from a loopback port to Postgres: the database 'comes back' when it starts."""

    def __init__(self, port, target_port):
        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", port), self.handler(target_port))
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @staticmethod
    def handler(target_port):
        class Pipe(socketserver.BaseRequestHandler):
            def handle(self):
                upstream = socket.create_connection(("127.0.0.1", target_port))
                sockets = [self.request, upstream]
                try:
                    while True:
                        readable, _, _ = select.select(sockets, [], [], 30)
                        if not readable:
                            return
                        for source in readable:
                            data = source.recv(65536)
                            if not data:
                                return
                            (upstream if source is self.request else self.request).sendall(data)
                finally:
                    upstream.close()
        return Pipe

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


def test_an_outage_is_logged_once_with_its_reason_and_its_end_once(stack, report):
    # Before: "kind=connection sqlstate=- database error" on every request, and a restart printed
    # "connection lost; reconnecting" once per pool thread.
    port = free_port()
    gateway_port = free_port()
    pg_port = int(re.search(r"port=(\d+)", stack.database_url).group(1))
    database = re.search(r"dbname=(\S+)", stack.database_url).group(1)
    secret = "hunter2-%s" % uuid.uuid4().hex
    log_path = os.path.join(stack.log_dir, "outage.log")
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [BINARY, "serve"], stdout=log, stderr=subprocess.STDOUT,
            env=dict(os.environ, DATABASE_URL="host=127.0.0.1 port=%d dbname=%s user=portal_gateway password=%s"
                     % (port, database, secret), PORTAL_JWT_SECRET=JWT_SECRET, PORT=str(gateway_port), HOST="127.0.0.1",
                     PORTAL_SCRYPT="ln=10,r=8,p=1", PORTAL_DB_POOL="4"))
    forwarder = None
    try:
        readyz = "http://127.0.0.1:%d/readyz" % gateway_port

        def ready():
            try:
                return urllib.request.urlopen(readyz, timeout=5).status
            except urllib.error.HTTPError as error:
                return error.code
            except OSError:
                return None

        deadline = time.time() + 30
        while ready() is None and time.time() < deadline:
            time.sleep(0.1)
        statuses = [ready() for _ in range(8)]
        assert statuses == [503] * 8, statuses
        forwarder = Forwarder(port, pg_port)
        deadline = time.time() + 30
        while ready() != 200 and time.time() < deadline:
            time.sleep(0.2)
        assert ready() == 200, "the pool reconnects by itself"
        time.sleep(0.3)
    finally:
        process.terminate()
        process.wait(timeout=15)
        if forwarder:
            forwarder.stop()
    text = open(log_path).read()
    down = [l for l in text.splitlines() if "database unreachable" in l]
    back = [l for l in text.splitlines() if "database reachable again" in l]
    assert len(down) == 1 and len(back) == 1, (down, back)
    assert "host=127.0.0.1" in down[0] and "port=%d" % port in down[0] and "refused" in down[0].lower(), down[0]
    assert "starting without the database" in text
    assert "database error" not in text, "requests during the outage do not log one error each"
    assert secret not in text
    report("a DATABASE_URL to a port where the database appears later (8 requests meanwhile)",
           "503 meanwhile; one line with libpq's reason and host/port (no password), one 'reachable again'")


def test_the_compose_recipe_passes_any_password_to_libpq(stack, report):
    # Passwords with / @ : broke postgresql://user:password@host URLs; compose now passes
    # DATABASE_URL without them and PGPASSWORD beside it. Prove the round trip with SCRAM.
    database = "portal_pw_%s" % uuid.uuid4().hex[:6]
    pg_port = re.search(r"port=(\d+)", stack.database_url).group(1)
    password = "s3cr/et@with:colons%%and/slashes-%s" % uuid.uuid4().hex[:6]
    stack.sql('create database "%s"' % database)
    superuser = stack.database_url.rsplit("dbname=", 1)[0] + "dbname=" + database
    migrate = subprocess.run([BINARY, "migrate", "--database-url", superuser], capture_output=True, text=True,
                             env=dict(os.environ, PORTAL_GATEWAY_DB_PASSWORD=password), timeout=120)
    assert migrate.returncode == 0, migrate.stderr
    hba = stack.sql("show hba_file")
    original = open(hba).read()
    with open(hba, "w") as f:
        f.write("host %s portal_gateway 127.0.0.1/32 scram-sha-256\n" % database + original)
    stack.sql("select pg_reload_conf()")
    try:
        time.sleep(0.3)
        url = "host=127.0.0.1 port=%s dbname=%s user=portal_gateway" % (pg_port, database)
        good = Stack(stack.database_url, "attack-pgpassword", gateway_env={"DATABASE_URL": url, "PGPASSWORD": password},
                     mailer=False)
        good.start_gateway()
        try:
            assert good.request("GET", "/readyz")[0] == 200
        finally:
            good.stop()
        bad = Stack(stack.database_url, "attack-pgpassword-wrong",
                    gateway_env={"DATABASE_URL": url, "PGPASSWORD": "not-the-password"}, mailer=False)
        bad.start_gateway()
        try:
            assert bad.request("GET", "/readyz")[0] == 503
            time.sleep(0.2)
            line = [l for l in bad.logs().splitlines() if "database unreachable" in l][0]
            assert "password authentication failed" in line and "user=portal_gateway" in line, line
        finally:
            bad.stop()
        assert password not in good.logs() + bad.logs()
    finally:
        with open(hba, "w") as f:
            f.write(original)
        stack.sql("select pg_reload_conf()")
        stack.sql('drop database "%s"' % database)
    report("the compose recipe: DATABASE_URL without credentials + PGPASSWORD with / @ : %, SCRAM over TCP",
           "readyz 200; a wrong password: 503 and one line saying password authentication failed for user=portal_gateway")


def test_dbas_see_policy_and_errors_say_what_would_be_accepted(stack, report):
    settings = admin_cli(stack, "settings")
    assert settings.returncode == 0 and "reset_ttl" in settings.stdout and "5 minutes to 24 hours" in settings.stdout
    assert "sign_in_fail_ip" in settings.stdout
    out_of_range = admin_cli(stack, "set-setting", "reset_ttl", "1 second")
    assert out_of_range.returncode == 1 and "5 minutes to 24 hours" in out_of_range.stderr, out_of_range.stderr
    not_interval = admin_cli(stack, "set-setting", "reset_ttl", "thirty minutes", "--json")
    error = json.loads(not_interval.stderr)["error"]
    assert not_interval.returncode == 1 and error["code"] == "invalid_setting", not_interval.stderr
    assert "takes an interval" in error["message"] and "1 hour" in error["hint"], error
    unknown = admin_cli(stack, "set-rate-limit", "sign_in", "5", "1 minute")
    assert unknown.returncode == 1 and "sign_in_ip" in unknown.stderr, unknown.stderr
    ok = admin_cli(stack, "set-setting", "reset_ttl", "45 minutes")
    assert ok.returncode == 0 and "00:45:00" in ok.stdout, ok.stdout + ok.stderr
    admin_cli(stack, "set-setting", "reset_ttl", "1 hour")
    help_rows = stack.sql("select count(*) from portal_api.help() where function like 'portal_api.set_setting(%'")
    assert help_rows == "1"
    report("admin settings; set-setting reset_ttl '1 second' / 'thirty minutes'; set-rate-limit sign_in",
           "ranges and meanings listed; exit 1 with the range, an example, or the valid buckets (JSON with --json)")


def test_staff_see_whether_the_link_still_works(stack, report):
    address = unique("link")
    client = stack.invite(address)
    path = "/api/v1/clients/%s/portal-user" % client
    assert stack.admin("GET", path)[2]["portalUser"]["link"]["state"] == "live"
    stack.sql("update portal.portal_auth_tokens t set created_at = now() - interval '4 days', expires_at = now() - interval '1 day' "
              "from portal.portal_users u where u.id = t.portal_user_id and u.client_id = :'a1'", client)
    assert stack.admin("GET", path)[2]["portalUser"]["link"]["state"] == "expired"
    assert stack.admin("POST", path + "?action=disable")[2]["portalUser"]["link"]["state"] == "revoked"
    since = time.time()
    enabled = stack.admin("POST", path + "?action=enable")[2]["portalUser"]
    assert enabled["link"]["state"] == "live" and "fresh activation link" in enabled["note"], enabled
    stack.wait_for_link(address, "activate", newer_than=since - 1)
    cli = admin_cli(stack, "status", client)
    assert "link.state" in cli.stdout and "live" in cli.stdout, cli.stdout
    report("an invited user's link after expiry, disable, and enable (admin API and CLI)",
           "link.state expired → revoked → live; enable says it mailed a fresh link, and the mail arrives")


def test_json_bodies_are_parsed_strictly(stack, report):
    status, _, body, _ = stack.request("POST", "/api/portal/auth/forgot-password",
                                       raw=b'{"email": "a@example.com",}')
    assert status == 400, (status, body)
    client = stack.sql("select portal_api.create_client(:'a1', 'Typo Client')", stack.port_id)
    status, _, body, _ = stack.admin("POST", "/api/v1/clients/%s/portal-user" % client,
                                     {"email": unique("typo"), "nmae": "Ann Owner"})
    assert status == 400 and "'nmae'" in body["error"]["message"], body
    assert stack.sql("select count(*) from portal.portal_users where client_id = :'a1'", client) == "0"
    report("a trailing comma; an invite with \"nmae\"", "400; 400 naming the field (nothing created)")


def get_without_following(stack, path, headers=None):
    """(status, headers) of a GET, redirects not followed (urllib would)."""
    connection = http.client.HTTPConnection("127.0.0.1", stack.port, timeout=30)
    try:
        connection.request("GET", path, headers=dict({"Accept": "text/html"}, **(headers or {})))
        response = connection.getresponse()
        response.read()
        return response.status, dict(response.getheaders())
    finally:
        connection.close()


def test_a_request_without_origin_is_told_it_needs_one(stack, report):
    address = stack.activated_user(unique("no-origin"), PASSWORD)
    cookie = stack.request("POST", "/api/portal/auth/sign-in", {"email": address, "password": PASSWORD})[1]["Set-Cookie"]
    connection = http.client.HTTPConnection("127.0.0.1", stack.port, timeout=30)
    try:
        connection.request("POST", "/api/portal/auth/sign-out", body="{}",
                           headers={"Content-Type": "application/json", "Cookie": cookie.split(";")[0]})
        response = connection.getresponse()
        body = json.loads(response.read())
    finally:
        connection.close()
    assert response.status == 403 and "needs an Origin header" in body["error"]["message"], body
    status, _, body, _ = stack.request("POST", "/api/portal/auth/change-password",
                                       {"currentPassword": "not the one at all", "newPassword": "Tide tables and teal skies 7"},
                                       {"Cookie": cookie.split(";")[0]})
    assert status == 401 and body["error"]["message"] == "The current password is incorrect.", body
    report("a cookie request without Origin; change-password with a wrong current password",
           "403 saying it needs an Origin header; 401 saying the current password is incorrect")


def test_browsers_get_pages(stack, report):
    status, headers = get_without_following(stack, "/")
    assert status in (302, 303) and headers["Location"] == "/portal", (status, headers)
    status, headers, _, raw = stack.request("GET", "/no/such/page", headers={"Accept": "text/html"})
    assert status == 404 and headers["Content-Type"].startswith("text/html") and b'href="/portal"' in raw
    status, headers, body, _ = stack.request("GET", "/no/such/page", headers={"Accept": "application/json"})
    assert status == 404 and body["error"]["code"] == "not_found"
    assert stack.request("GET", "/api/portal/nothing")[2]["error"]["code"] == "not_found"
    address = stack.activated_user(unique("pages"), PASSWORD)
    cookie = stack.request("POST", "/api/portal/auth/sign-in", {"email": address, "password": PASSWORD})[1]["Set-Cookie"]
    status, headers = get_without_following(stack, "/portal/login", {"Cookie": cookie.split(";")[0]})
    assert status in (302, 303) and headers["Location"] == "/portal", status
    assert stack.request("GET", "/portal/login")[0] == 200
    report("GET /, an unknown page, and /portal/login when signed in",
           "redirect to /portal; an HTML 404 with a link home (JSON for /api and Accept: application/json); redirect")


def test_the_cli_says_what_went_wrong_and_exits_accordingly(stack, report):
    unknown_key = admin_cli(stack, "revoke-key", "no-such-key")
    assert unknown_key.returncode == 1 and "admin key not found" in unknown_key.stderr, unknown_key.stderr
    unknown_client = admin_cli(stack, "status", "no-such-client", "--json")
    assert unknown_client.returncode == 1
    assert json.loads(unknown_client.stderr)["error"]["code"] == "client_not_found"
    assert admin_cli(stack, "audit", "--limit", "0").returncode == 64
    unreachable = admin_cli(stack, "status", "x", url="host=127.0.0.1 port=%d dbname=portal" % free_port())
    assert unreachable.returncode == 3 and "cannot reach the database" in unreachable.stderr, unreachable.stderr
    help_text = subprocess.run([BINARY, "admin", "--help"], capture_output=True, text=True).stdout
    assert "Exit codes" in help_text and "64" in help_text
    pruned = admin_cli(stack, "prune", "--older-than", "30 days", "--json")
    assert pruned.returncode == 0 and "auditEvents" in json.loads(pruned.stdout), pruned.stderr
    too_short = admin_cli(stack, "prune", "--older-than", "5 minutes")
    assert too_short.returncode == 1 and "at least the last hour" in too_short.stderr, too_short.stderr
    report("admin revoke-key / status of unknown ids, audit --limit 0, an unreachable database",
           "exit 1 with the sentence (JSON with --json), 64, 3; exit codes in --help")


def test_processes_speak_plainly(stack, report):
    # A port in use names PORT.
    busy = subprocess.run([BINARY, "serve"], capture_output=True, text=True, timeout=60, env=dict(
        os.environ, DATABASE_URL=stack.database_url + " user=portal_gateway", PORTAL_JWT_SECRET=JWT_SECRET,
        PORT=str(stack.port), HOST="127.0.0.1", PORTAL_SCRYPT="ln=10,r=8,p=1"))
    assert busy.returncode != 0 and "already in use" in busy.stderr and "PORT" in busy.stderr, busy.stderr[-500:]
    # migrate without the rights to create roles and schemas says who should run it.
    database = "portal_norights_%s" % uuid.uuid4().hex[:6]
    stack.sql('create database "%s"' % database)
    try:
        url = stack.database_url.rsplit("dbname=", 1)[0] + "dbname=%s user=portal_gateway" % database
        denied = subprocess.run([BINARY, "migrate", "--database-url", url], capture_output=True, text=True, timeout=60)
        assert denied.returncode != 0 and "database owner or a superuser" in denied.stderr, denied.stderr
    finally:
        stack.sql('drop database "%s"' % database)
    # The binary carries its migrations: migrate works from any directory.
    database = "portal_anywhere_%s" % uuid.uuid4().hex[:6]
    stack.sql('create database "%s"' % database)
    try:
        url = stack.database_url.rsplit("dbname=", 1)[0] + "dbname=%s" % database
        anywhere = subprocess.run([BINARY, "migrate", "--database-url", url], capture_output=True, text=True, timeout=120,
                                  cwd=tempfile.gettempdir())
        assert anywhere.returncode == 0 and "applied schema/0001_roles_and_schemas.sql" in anywhere.stdout, anywhere.stderr
    finally:
        stack.sql('drop database "%s"' % database)
    # JSON logs keep numbers as numbers.
    json_stack = Stack(stack.database_url, "attack-json-logs", gateway_env={"LOG_FORMAT": "json", "LOG_LEVEL": "info"},
                       mailer=False)
    json_stack.start_gateway()
    try:
        json_stack.request("GET", "/healthz")
        time.sleep(0.3)
    finally:
        json_stack.stop()
    access = [json.loads(l) for l in json_stack.logs().splitlines() if l.startswith("{") and '"msg":"request"' in l]
    assert access and isinstance(access[-1]["meta"]["status"], int) and isinstance(access[-1]["meta"]["ms"], int), access[-1:]
    # portal-auth env says what is required, what is secret, and the defaults.
    env = subprocess.run([BINARY, "env", "serve"], capture_output=True, text=True).stdout
    line = [l for l in env.splitlines() if l.startswith("PORTAL_JWT_SECRET ")][0]
    assert "required" in line and "secret" in line
    assert re.search(r"^PORT\s+default: 8080", env, re.M)
    # The .env.example placeholders are refused, by name.
    example = dict(l.split("=", 1) for l in open(os.path.join(ROOT, ".env.example")) if "=" in l and not l.startswith("#"))
    for command, key in (("serve", "PORTAL_JWT_SECRET"), ("mailer", "PORTAL_TOKEN_KEY")):
        environment = dict(os.environ, DATABASE_URL=stack.database_url, PORTAL_JWT_SECRET=JWT_SECRET,
                           PORTAL_TOKEN_KEY=JWT_SECRET, PORT=str(free_port()))
        environment[key] = example[key].strip()
        refused = subprocess.run([BINARY, command], capture_output=True, text=True, timeout=30, env=environment)
        assert refused.returncode != 0 and "%s is still the .env.example placeholder" % key in refused.stderr, refused.stderr
    # run.sh explains itself without building anything.
    usage = subprocess.run([os.path.join(ROOT, "scripts", "run.sh"), "--help"], capture_output=True, text=True, timeout=30)
    assert usage.returncode == 0 and "--reset" in usage.stdout and "PORTAL_DEV_PG_PORT" in usage.stdout
    report("a second gateway on a busy port; migrate as portal_gateway; JSON logs; env serve; .env.example placeholders; run.sh --help",
           "'already in use … PORT'; 'run it as the database owner or a superuser'; numbers as numbers; "
           "required/secret/defaults; refused by name; usage")
