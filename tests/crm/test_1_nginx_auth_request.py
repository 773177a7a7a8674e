"""Protecting the rest of the portal: a real nginx in front of the gateway guards the CRM's other
pages with auth_request against GET /api/portal/auth/session (docs/crm-integration.md, "Protecting
the rest of the portal" — the snippet tested here is the one documented there)."""
import http.client
import http.server
import json
import os
import shutil
import subprocess
import tempfile
import threading
import time

import pytest

from conftest import PASSWORD, claims, sign_in, unique, wait_until
from stack import free_port, with_user

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

        # A static part of the CRM (the ids are echoed back as response headers to show they arrived).
        location /invoices/ {{
            auth_request /_portal_session;
            auth_request_set $portal_login  $upstream_http_location;
            auth_request_set $portal_user   $upstream_http_x_portal_user_id;
            auth_request_set $portal_client $upstream_http_x_portal_client_id;
            add_header X-Portal-User-Id $portal_user always;
            add_header X-Portal-Client-Id $portal_client always;
            root {dir}/www;
        }}
    }}
}}
"""


def snippet(backend_port):
    """The documented snippet (docs/crm-integration.md), with the backend's address filled in."""
    page = open(os.path.join(os.path.dirname(__file__), "..", "..", "docs", "crm-integration.md")).read()
    start = page.index("# --- nginx: protecting the rest of the portal ---")
    end = page.index("# --- end ---", start)
    return page[start:end].replace("127.0.0.1:9000", "127.0.0.1:%d" % backend_port)


class EchoBackend(http.server.BaseHTTPRequestHandler):
    """The CRM's berths backend: answers with the headers it received (and counts the POSTs that
    reached it)."""

    posts = 0

    def do_POST(self):
        EchoBackend.posts += 1
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        self.do_GET()

    def do_GET(self):
        body = json.dumps({k.lower(): v for k, v in self.headers.items()}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def nginx(stack):
    nginx_binary = shutil.which("nginx") or "/usr/sbin/nginx"
    folder = tempfile.mkdtemp(prefix="crm-nginx-")
    os.makedirs(os.path.join(folder, "www", "invoices"))
    with open(os.path.join(folder, "www", "invoices", "index.html"), "w") as f:
        f.write("<h1>Invoices</h1>")
    for path in (folder, os.path.join(folder, "www"), os.path.join(folder, "www", "invoices")):
        os.chmod(path, 0o755)  # nginx's workers run as nobody when the master is root
    os.chmod(os.path.join(folder, "www", "invoices", "index.html"), 0o644)
    backend = http.server.ThreadingHTTPServer(("127.0.0.1", 0), EchoBackend)
    threading.Thread(target=backend.serve_forever, daemon=True).start()
    port = free_port()
    with open(os.path.join(folder, "nginx.conf"), "w") as f:
        f.write(NGINX_CONF.format(dir=folder, gateway=stack.port, port=port, snippet=snippet(backend.server_address[1])))
    check = subprocess.run([nginx_binary, "-t", "-p", folder, "-e", os.path.join(folder, "error.log"),
                            "-c", os.path.join(folder, "nginx.conf")], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    process = subprocess.Popen([nginx_binary, "-p", folder, "-e", os.path.join(folder, "error.log"),
                                "-c", os.path.join(folder, "nginx.conf")])

    def up():
        try:
            return get(port, "/portal/login")[0] == 200
        except OSError:
            return False
    wait_until(up, 15, "nginx")
    try:
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)
        backend.shutdown()


def get(port, path, cookie=None, headers=None, method="GET", body=None):
    """(status, headers dict with lower-case names, body) — redirects are not followed."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    all_headers = dict(headers or {})
    if cookie:
        all_headers["Cookie"] = cookie
    connection.request(method, path, body=body, headers=all_headers)
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, body


def test_the_session_endpoint_answers_without_a_body(stack):
    address = stack.activated_user(unique("session"), PASSWORD)
    cookie, signed_in = sign_in(stack, address)
    status, headers, _, raw = stack.request("GET", "/api/portal/auth/session", headers={"Cookie": cookie})
    assert status == 204 and raw == b""
    assert headers["X-Portal-User-Id"] == signed_in["user"]["id"]
    assert headers["X-Portal-Client-Id"] == signed_in["user"]["clientId"]
    assert headers["X-Portal-Port-Id"] == stack.port_id
    assert headers["Cache-Control"] == "no-store"
    for case in ({}, {"Cookie": "__Host-portal_session=not.a.jwt"}):
        status, headers, _, raw = stack.request("GET", "/api/portal/auth/session", headers=case)
        assert status == 401 and raw == b"" and "X-Portal-User-Id" not in headers


def test_nginx_passes_a_valid_session_on_and_sends_everyone_else_to_sign_in(stack, nginx):
    address = stack.activated_user(unique("nginx"), PASSWORD)
    cookie, signed_in = sign_in(stack, address)
    user = signed_in["user"]

    status, headers, body = get(nginx, "/invoices/", cookie)
    assert status == 200 and b"Invoices" in body
    assert headers["x-portal-user-id"] == user["id"] and headers["x-portal-client-id"] == user["clientId"]

    # A proxied backend receives the ids from nginx, never from the client (a forged header is replaced).
    status, _, body = get(nginx, "/berths/list", cookie, {"X-Portal-User-Id": "someone-else"})
    assert status == 200
    received = json.loads(body)
    assert received["x-portal-user-id"] == user["id"]
    assert received["x-portal-client-id"] == user["clientId"]
    assert received["x-portal-port-id"] == user["portId"]

    # Without a session, with a forged one: to the sign-in page, carrying the page asked for;
    # nothing reaches the backend.
    for attempt in (None, "__Host-portal_session=" + "e30.e30.AAAA"):
        status, headers, _ = get(nginx, "/berths/list?sort=name&page=2", attempt)
        assert status == 302 and headers["location"].endswith("/portal/login?next=/berths/list%3Fsort%3Dname%26page%3D2")
        status, headers, _ = get(nginx, "/invoices/", attempt, {"X-Portal-User-Id": user["id"]})
        assert status == 302 and headers["location"].endswith("/portal/login?next=/invoices/")
    # A page address that is no plain path (an encoded line break here) is not carried: plain sign-in.
    status, headers, _ = get(nginx, "/berths/%0d%0aSet-Cookie:%20x=1", None)
    assert status == 302 and headers["location"].endswith("/portal/login")

    # Signed out: the same cookie is refused at once (the answer is never cached).
    status, _, _, _ = stack.request("POST", "/api/portal/auth/sign-out", {}, headers={"Cookie": cookie})
    assert status == 204
    status, headers, _ = get(nginx, "/invoices/", cookie)
    assert status == 302 and headers["location"].endswith("/portal/login?next=/invoices/")


def test_staff_revoking_sessions_locks_the_rest_of_the_portal_too(stack, nginx):
    address = stack.activated_user(unique("revoked"), PASSWORD)
    cookie, signed_in = sign_in(stack, address)
    assert get(nginx, "/invoices/", cookie)[0] == 200
    status, _, body, _ = stack.admin("POST", "/api/v1/clients/%s/portal-user?action=revoke-sessions" % signed_in["user"]["clientId"])
    assert status == 200, body
    status, headers, _ = get(nginx, "/invoices/", cookie)
    assert status == 302 and headers["location"].endswith("/portal/login?next=/invoices/")


def test_a_backend_that_verifies_the_signature_itself_checks_revocation_in_one_call(stack):
    """portal_reader: session_check with the cookie's claims answers like /me (and NULL once the
    session ends)."""
    role = "crm_invoices_%d" % int(time.time() * 1000)
    stack.sql("create role %s login; grant portal_reader to %s" % (role, role))
    address = stack.activated_user(unique("reader"), PASSWORD)
    cookie, _ = sign_in(stack, address)
    c = claims(cookie)
    query = "select portal_api.session_check('%s', %d, '%s')" % (c["sub"], c["sv"], c["jti"])
    reader = with_user(stack.database_url, role)
    answer = subprocess.run(["psql", reader, "-qtA", "-c", query], capture_output=True, text=True, check=True).stdout.strip()
    _, _, me, _ = stack.request("GET", "/api/portal/auth/me", headers={"Cookie": cookie})
    assert json.loads(answer) == me["user"], "the same answer as /me"
    denied = subprocess.run(["psql", reader, "-qtA", "-c", "select portal_api.sign_out('x', 1, 'y', now(), false, null, null)"],
                            capture_output=True, text=True)
    assert denied.returncode != 0 and "permission denied" in denied.stderr, "and nothing else"
    stack.request("POST", "/api/portal/auth/sign-out", {}, headers={"Cookie": cookie})
    answer = subprocess.run(["psql", reader, "-qtA", "-c", query], capture_output=True, text=True, check=True).stdout.strip()
    assert answer == "", "a signed-out session is NULL"


def test_a_cross_site_post_to_a_protected_backend_is_refused_at_the_proxy(stack, nginx):
    """auth_request's sub-request is a GET; the snippet names the client's method, so the gateway
    applies the Origin rule of its own API to the backend's state-changing requests."""
    address = stack.activated_user(unique("csrf"), PASSWORD)
    cookie, _ = sign_in(stack, address)
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    before = EchoBackend.posts

    for headers in ({"Origin": "https://evil.example"}, {"Origin": "null"}, {}):
        status, _, _ = get(nginx, "/berths/book", cookie, dict(form, **headers), method="POST", body=b"berth=7")
        assert status == 403, headers
    assert EchoBackend.posts == before, "nothing reached the backend"

    # The portal's own origin passes, and a cross-site GET (a link) still works.
    own = {"Origin": stack.base_url}
    status, _, body = get(nginx, "/berths/book", cookie, dict(form, **own), method="POST", body=b"berth=7")
    assert status == 200 and EchoBackend.posts == before + 1
    status, _, _ = get(nginx, "/berths/list", cookie, {"Origin": "https://evil.example"})
    assert status == 200
