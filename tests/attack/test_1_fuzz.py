"""Fuzzing from openapi.yaml (Schemathesis) and hand-made malformed input: never a 5xx, never
an undocumented status, and the gateway stays up."""
import json
import os
import re
import socket
import subprocess
import sys
import time

from stack import ROOT


def test_schemathesis_finds_no_server_error_or_undocumented_status(stack, report, tmp_path):
    command = [
        # The interpreter's own copy: pip may put the `schemathesis` script off PATH.
        sys.executable, "-m", "schemathesis.cli", "run", os.path.join(ROOT, "openapi.yaml"), "--url", stack.base_url,
        "--checks", "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance",
        "--max-examples", "100", "--seed", "20261127", "--workers", "2", "--generation-deterministic",
        "--header", "Authorization: Bearer " + stack.admin_key, "--header", "Origin: " + stack.base_url,
        "--report", "junit", "--report-dir", str(tmp_path), "--no-color", "--request-timeout", "30",
    ]
    run = subprocess.run(command, capture_output=True, text=True, timeout=1500)
    output = run.stdout + run.stderr
    with open(os.path.join(stack.log_dir, "schemathesis.txt"), "w") as f:
        f.write(output)
    cases = sum(int(n) for n in re.findall(r'tests="(\d+)"', open(next(tmp_path.glob("*.xml"))).read())[:1]) \
        if list(tmp_path.glob("*.xml")) else 0
    generated = re.findall(r"(\d+) generated", output)
    total = sum(int(n) for n in generated) if generated else cases
    report("Schemathesis: every operation of openapi.yaml, %s generated cases" % total,
           "exit %d; 5xx or undocumented status: %s" % (run.returncode, "none" if run.returncode == 0 else "see log"))
    assert run.returncode == 0, output[-4000:]
    assert total >= 1000, "only %s cases were generated" % total
    assert stack.request("GET", "/healthz")[0] == 200


def raw_http(stack, payload, timeout=15):
    """Sends raw bytes, returns the status code of the reply (0 when the server closed it)."""
    with socket.create_connection(("127.0.0.1", stack.port), timeout=timeout) as s:
        s.sendall(payload)
        data = b""
        try:
            while b"\r\n\r\n" not in data:
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
        except socket.timeout:
            return -1
    match = re.match(rb"HTTP/1\.[01] (\d{3})", data)
    return int(match.group(1)) if match else 0


def post(stack, path, body):
    head = ("POST %s HTTP/1.1\r\nHost: localhost\r\nOrigin: %s\r\nContent-Type: application/json\r\n"
            "Content-Length: %d\r\nConnection: close\r\n\r\n" % (path, stack.base_url, len(body))).encode()
    return raw_http(stack, head + body)


def test_hand_made_malformed_input_never_yields_a_server_error(stack, report):
    long = "a" * 10000
    cases = {
        "invalid UTF-8": b'{"email": "\xff\xfe@example.com", "password": "x"}',
        "NUL byte in a string": b'{"email": "a\\u0000b@example.com", "password": "p\\u0000w"}',
        "raw NUL byte": b'{"email": "a\x00b@example.com", "password": "x"}',
        "10,000-character email": json.dumps({"email": long + "@example.com", "password": "x"}).encode(),
        "10,000-character password": json.dumps({"email": "a@example.com", "password": long}).encode(),
        "deeply nested JSON": b'{"email": ' + b"[" * 5000 + b"]" * 5000 + b', "password": "x"}',
        "duplicate keys": b'{"email": "a@example.com", "email": "b@example.com", "password": "x"}',
        "numbers where strings belong": b'{"email": 12, "password": 3.5}',
        "booleans and null": b'{"email": true, "password": null}',
        "top-level array": b'[{"email": "a@example.com"}]',
        "empty body": b"",
        "truncated JSON": b'{"email": "a@exa',
        "SQL in every field": json.dumps({"email": "x'); drop table portal.portal_users; --@example.com",
                                          "password": "' or '1'='1"}).encode(),
    }
    statuses = {}
    for path in ("/api/portal/auth/sign-in", "/api/portal/auth/forgot-password", "/api/portal/auth/activate",
                 "/api/portal/auth/reset-password", "/api/portal/auth/token-status"):
        for name, body in cases.items():
            status = post(stack, path, body)
            statuses[(path, name)] = status
            assert 0 < status < 500, "%s %s → %s" % (path, name, status)
    huge_header = ("GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Junk: %s\r\nConnection: close\r\n\r\n" % ("j" * 200000)).encode()
    huge = raw_http(stack, huge_header)
    assert huge == 0 or 400 <= huge < 500 or huge == 431, "huge header → %s" % huge
    assert stack.request("GET", "/healthz")[0] == 200
    assert stack.sql("select count(*) from portal.portal_users where email like '%drop table%'") == "0"
    report("%d hand-made malformed bodies × 5 endpoints (invalid UTF-8, NUL, 10,000 characters, nesting, duplicate keys, "
           "wrong types, SQL) and a 200 KB header" % len(cases), "all 4xx, no 5xx, gateway up")


def test_a_slow_loris_body_is_cut_off(stack, report):
    with socket.create_connection(("127.0.0.1", stack.port), timeout=30) as s:
        s.sendall(("POST /api/portal/auth/sign-in HTTP/1.1\r\nHost: localhost\r\nOrigin: %s\r\n"
                   "Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{" % stack.base_url).encode())
        started = time.time()
        reply = b""
        while time.time() - started < 25:
            try:
                s.settimeout(2)
                s.sendall(b" ")
                chunk = s.recv(4096)
                if not chunk:
                    break
                reply += chunk
                if b"\r\n\r\n" in reply:
                    break
            except socket.timeout:
                continue
            except (BrokenPipeError, ConnectionResetError):
                break
        elapsed = time.time() - started
    assert elapsed < 20, "the trickled body was not cut off (%.1f s)" % elapsed
    assert reply.startswith(b"HTTP/1.1 408") or reply == b"", reply[:100]
    report("slow-loris body (1 byte / 2 s)", "cut off after %.0f s with %s" % (elapsed, "408" if reply else "a closed connection"))
