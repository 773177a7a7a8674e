"""Starts the built gateway and mailer against a test database, and talks to them.

Shared by the browser, attack and fault suites (started by scripts/test.sh)."""
import email
import glob
import json
import os
import re
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
# scripts/test.sh exports where SwiftPM put the binary; a debug build otherwise.
BINARY = os.environ.get("PORTAL_TEST_BINARY") or os.path.join(ROOT, ".build", "debug", "portal-auth")
OUTPUT = os.path.join(ROOT, ".run", "test-output")
TOKEN_KEY = "stack-test-token-key-0123456789abcdefghijkl"
JWT_SECRET = "stack-test-jwt-secret-0123456789abcdefghijk"


def with_user(url, user):
    """`url` (a libpq URI or key=value conninfo) connecting as `user`."""
    if "://" in url:
        return url + ("&" if "?" in url else "?") + "user=" + user
    return url + " user=" + user


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Stack:
    """A gateway and a mailer (file transport) on `database_url` (a superuser conninfo)."""

    def __init__(self, database_url, name, gateway_env=None, mailer=True, mailer_env=None, gateway_database_url=None):
        self.database_url = database_url
        # The gateway may reach the database another way (through PgBouncer, a multi-host URI).
        self.gateway_database_url = gateway_database_url or database_url
        self.port = free_port()
        self.base_url = "http://localhost:%d" % self.port
        self.mail_dir = tempfile.mkdtemp(prefix="%s-mail-" % name)
        self.log_dir = os.path.join(OUTPUT, "logs", name)
        os.makedirs(self.log_dir, exist_ok=True)
        self.gateway_env = dict(gateway_env or {})
        self.mailer_env = dict(mailer_env or {})
        self.with_mailer = mailer
        self.gateway = None
        self.mailer = None
        self.processes = []
        self.port_id = None
        self.admin_key = None

    # -- processes ---------------------------------------------------------------------------

    def _env(self, **extra):
        env = dict(os.environ, PORTAL_BASE_URL=self.base_url, LOG_LEVEL="debug")
        env.update(extra)
        return env

    def start_gateway(self):
        self.gateway = self.spawn_gateway(self.port)
        self.wait_ready()

    def spawn_gateway(self, port, name="gateway", **extra):
        """Another gateway process on `port` (same database, same secrets)."""
        # No PORTAL_TOKEN_KEY: the gateway never holds it (only the mailer derives tokens).
        env = self._env(DATABASE_URL=with_user(self.gateway_database_url, "portal_gateway"), PORT=str(port), HOST="127.0.0.1",
                        PORTAL_SCRYPT="ln=10,r=8,p=1", PORTAL_TRUST_FORWARDED_FOR="true", PORTAL_JWT_SECRET=JWT_SECRET)
        env.update(self.gateway_env)
        env.update(extra)
        log = open(os.path.join(self.log_dir, name + ".log"), "a")
        process = subprocess.Popen([BINARY, "serve"], stdout=log, stderr=subprocess.STDOUT, env=env)
        self.processes.append(process)
        return process

    def start_mailer(self):
        self.mailer = self.spawn_mailer()

    def spawn_mailer(self, name="mailer", **extra):
        """Another mailer process (the same outbox); `extra` overrides its environment."""
        log = open(os.path.join(self.log_dir, name + ".log"), "a")
        env = self._env(DATABASE_URL=with_user(self.database_url, "portal_mailer"), MAIL_DIR=self.mail_dir,
                        MAILER_POLL_INTERVAL="1", PORTAL_TOKEN_KEY=TOKEN_KEY)
        env.update(self.mailer_env)
        env.update(extra)
        process = subprocess.Popen([BINARY, "mailer"], stdout=log, stderr=subprocess.STDOUT, env=env)
        self.processes.append(process)
        return process

    def start(self):
        self.start_gateway()
        if self.with_mailer:
            self.start_mailer()
        self.port_id = self.sql("select portal_api.create_port('Stack Port')")
        self.admin_key = self.sql("select portal_api.create_admin_key(:'a1', 'stack tests')", self.port_id)
        return self

    def wait_ready(self, timeout=30, base_url=None, process=None):
        deadline = time.time() + timeout
        process = process or self.gateway
        while True:
            try:
                urllib.request.urlopen((base_url or self.base_url) + "/healthz", timeout=2).read()
                return
            except Exception:
                if time.time() > deadline or (process and process.poll() is not None):
                    raise RuntimeError("the gateway did not start")
                time.sleep(0.1)

    def stop(self):
        for process in self.processes:
            if process and process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()

    def logs(self):
        text = ""
        for path in glob.glob(os.path.join(self.log_dir, "*.log")):
            text += open(path, errors="replace").read()
        return text

    # -- database and HTTP -------------------------------------------------------------------

    def sql(self, query, *args):
        command = ["psql", self.database_url, "-qtA", "-v", "ON_ERROR_STOP=1"]
        for i, arg in enumerate(args):
            command += ["-v", "a%d=%s" % (i + 1, arg)]
        out = subprocess.run(command, input=query, capture_output=True, text=True, check=True)
        return out.stdout.strip()

    def request(self, method, path, body=None, headers=None, raw=None, timeout=30, base_url=None):
        """(status, headers, parsed JSON or None, raw bytes). Never raises on HTTP errors.
        `base_url` sends it to another gateway of the same deployment (same origin rules)."""
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        request = urllib.request.Request((base_url or self.base_url) + path, method=method, data=data)
        if data is not None:
            request.add_header("Content-Type", "application/json")
        request.add_header("Origin", self.base_url)
        for key, value in (headers or {}).items():
            request.add_header(key, value)
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                payload = response.read()
                status, response_headers = response.status, dict(response.headers)
        except urllib.error.HTTPError as error:
            payload = error.read()
            status, response_headers = error.code, dict(error.headers)
        try:
            parsed = json.loads(payload) if payload else None
        except ValueError:
            parsed = None
        return status, response_headers, parsed, payload

    def admin(self, method, path, body=None):
        return self.request(method, path, body, {"Authorization": "Bearer " + self.admin_key})

    def invite(self, address, name="Stack Owner", locale=None):
        client = self.sql("select portal_api.create_client(:'a1', 'Stack Client')", self.port_id)
        body = {"email": address, "name": name}
        if locale:
            body["locale"] = locale
        status, _, _, _ = self.admin("POST", "/api/v1/clients/%s/portal-user" % client, body)
        assert status == 201
        return client

    def wait_for_link(self, recipient, kind_path, timeout=15, newer_than=0):
        deadline = time.time() + timeout
        while time.time() < deadline:
            for path in sorted(glob.glob(os.path.join(self.mail_dir, "*.eml")), key=os.path.getmtime, reverse=True):
                if os.path.getmtime(path) < newer_than:
                    continue
                message = email.message_from_file(open(path))
                if recipient not in message["To"]:
                    continue
                for part in message.walk():
                    if part.get_content_type() == "text/plain":
                        found = re.search(r"(https?://\S+)/portal/%s(?:\?lang=[A-Za-z-]+)?#token=([A-Za-z0-9_-]{43})" % kind_path,
                                          part.get_payload(decode=True).decode())
                        if found:
                            return found.group(0)
            time.sleep(0.1)
        raise AssertionError("no %s mail for %s" % (kind_path, recipient))

    def activated_user(self, address, password):
        self.invite(address)
        token = self.wait_for_link(address, "activate").split("#token=")[1]
        status, _, _, _ = self.request("POST", "/api/portal/auth/activate", {"token": token, "password": password})
        assert status == 200
        return address
