"""Black-box security checks over HTTP against the running gateway and mailer."""
import statistics
import urllib.parse
import time
import uuid


def unique(prefix):
    return "%s-%s@example.com" % (prefix, uuid.uuid4().hex[:10])


PASSWORD = "Harbour lights at dusk 42"


def test_host_header_injection_cannot_change_a_mailed_link(stack, report):
    address = stack.activated_user(unique("host"), PASSWORD)
    since = time.time()
    status, _, _, _ = stack.request("POST", "/api/portal/auth/forgot-password", {"email": address},
                                    {"Host": "evil.example", "X-Forwarded-Host": "evil.example",
                                     "X-Forwarded-Proto": "https", "Forwarded": "host=evil.example"})
    assert status == 200
    link = stack.wait_for_link(address, "reset-password", newer_than=since - 1)
    assert link.startswith(stack.base_url + "/portal/reset-password?lang=en#token="), link.split("#")[0]
    report("forgot-password with Host / X-Forwarded-Host / Forwarded: evil.example", "link built from PORTAL_BASE_URL")


def test_sql_injection_strings_are_stored_verbatim_or_refused(stack, report):
    nasty = "Robert'); drop table portal.portal_users; --"
    client = stack.sql("select portal_api.create_client(:'a1', 'x')", stack.port_id)
    address = unique("sqli")
    status, _, body, _ = stack.admin("POST", "/api/v1/clients/%s/portal-user" % client, {"email": address, "name": nasty})
    assert status == 201 and body["portalUser"]["name"] == nasty
    assert stack.sql("select name from portal.portal_users where email = :'a1'", address) == nasty
    for email in ("' or 1=1 --@example.com", "a@example.com' --"):
        status = stack.request("POST", "/api/portal/auth/sign-in", {"email": email, "password": "' or '1'='1"})[0]
        assert status in (400, 401)
    status = stack.admin("GET", "/api/v1/clients/%s/portal-user" % urllib.parse.quote("x' or '1'='1", safe=""))[0]
    assert status == 400, "not an id at all (ids are letters, digits and . _ : -)"
    status = stack.admin("GET", "/api/v1/clients/%s/portal-user" % urllib.parse.quote("x--or-1=1", safe=""))[0]
    assert status in (400, 404)
    assert int(stack.sql("select count(*) from portal.portal_users")) > 0
    report("SQL-injection strings in name, email, password and the client id", "stored verbatim or refused (400/401/404)")


def test_every_sign_in_failure_looks_the_same_and_takes_as_long(stack, report):
    active = stack.activated_user(unique("active"), PASSWORD)
    disabled = stack.activated_user(unique("disabled"), PASSWORD)
    locked = stack.activated_user(unique("locked"), PASSWORD)
    invited = unique("invited")
    stack.invite(invited)
    stack.sql("select portal_api.disable_portal_user(client_id) from portal.portal_users where email = :'a1'", disabled)
    stack.sql("update portal.portal_users set locked_until = now() + interval '1 hour' where email = :'a1'", locked)
    kinds = {"unknown": lambda: unique("ghost"), "wrong password": lambda: active, "not activated": lambda: invited,
             "disabled": lambda: disabled, "locked": lambda: locked}
    bodies, times = {}, {k: [] for k in kinds}
    for round in range(12):
        for kind, email in kinds.items():
            if kind == "wrong password" and round % 4 == 3:
                stack.sql("update portal.portal_users set failed_attempts = 0 where email = :'a1'", active)
            started = time.perf_counter()
            status, _, _, raw = stack.request("POST", "/api/portal/auth/sign-in",
                                              {"email": email(), "password": PASSWORD if kind != "wrong password" else "nope nope nope"},
                                              {"X-Forwarded-For": "10.9.%d.%d" % (round, len(times[kind]) + 1)})
            times[kind].append(time.perf_counter() - started)
            assert status == 401
            bodies.setdefault(kind, raw)
    assert len(set(bodies.values())) == 1, bodies
    medians = {k: statistics.median(v) for k, v in times.items()}
    spread = max(medians.values()) / min(medians.values())
    # With test-sized scrypt (ln=10) the noise of a shared machine dominates; the distributions
    # must still overlap: every median lies within the others' range.
    for kind, values in times.items():
        assert min(values) <= max(medians.values()) and max(values) >= min(medians.values()), (kind, medians)
    # forgot-password: known accounts (two requests each, under the per-address throttle) vs
    # unknown addresses, interleaved; one body, and latency distributions that overlap.
    known_users = [stack.activated_user(unique("forgot"), PASSWORD) for _ in range(8)]
    forgot = {"known": [], "unknown": []}
    forgot_bodies = set()
    for round in range(2):
        for user in known_users:
            for kind, email in (("known", user), ("unknown", unique("nobody"))):
                started = time.perf_counter()
                status, _, _, raw = stack.request("POST", "/api/portal/auth/forgot-password", {"email": email})
                forgot[kind].append(time.perf_counter() - started)
                assert status == 200
                forgot_bodies.add(raw)
    assert len(forgot_bodies) == 1
    known_median, unknown_median = statistics.median(forgot["known"]), statistics.median(forgot["unknown"])
    assert min(forgot["known"]) <= unknown_median <= max(forgot["known"]), forgot
    assert min(forgot["unknown"]) <= known_median <= max(forgot["unknown"]), forgot
    report("sign-in as unknown / wrong password / not activated / disabled / locked (12 each)",
           "one 401 body; medians %s ms (max/min %.2f)" % (
               ", ".join("%.0f" % (m * 1000) for m in medians.values()), spread))
    report("forgot-password for known vs unknown email (16 each, interleaved)",
           "one 200 body; medians %.1f vs %.1f ms, each inside the other's range" % (known_median * 1000, unknown_median * 1000))


def test_brute_force_from_rotating_addresses_locks_without_saying_so(stack, report):
    address = stack.activated_user(unique("brute"), PASSWORD)
    replies = set()
    for attempt in range(12):
        status, _, _, raw = stack.request("POST", "/api/portal/auth/sign-in", {"email": address, "password": "guess %d!!" % attempt},
                                          {"X-Forwarded-For": "10.200.0.%d" % (attempt + 1)})
        assert status == 401
        replies.add(raw)
    status, _, _, raw = stack.request("POST", "/api/portal/auth/sign-in", {"email": address, "password": PASSWORD},
                                      {"X-Forwarded-For": "10.200.1.1"})
    assert status == 401 and raw in replies and len(replies) == 1, "locked looks like any failure"
    stack.sql("update portal.portal_users set locked_until = now() - interval '1 second' where email = :'a1'", address)
    assert stack.request("POST", "/api/portal/auth/sign-in", {"email": address, "password": PASSWORD},
                         {"X-Forwarded-For": "10.200.1.2"})[0] == 200
    report("12 wrong passwords from 12 addresses, then the right one", "locked with the same 401; works after the back-off")


def test_tokens_are_single_use_typed_and_survive_prefetch(stack, report):
    address = unique("token")
    stack.invite(address)
    link = stack.wait_for_link(address, "activate")
    token = link.split("#token=")[1]
    for method in ("GET", "HEAD"):
        assert stack.request(method, link.replace(stack.base_url, ""))[0] == 200
        assert stack.request(method, "/portal/activate?token=" + token)[0] == 200
    assert stack.request("POST", "/api/portal/auth/token-status", {"token": token})[2]["status"] == "valid"
    assert stack.request("POST", "/api/portal/auth/reset-password", {"token": token, "password": PASSWORD})[0] == 400
    assert stack.request("POST", "/api/portal/auth/activate", {"token": token, "password": PASSWORD})[0] == 200
    assert stack.request("POST", "/api/portal/auth/activate", {"token": token, "password": PASSWORD})[0] == 400
    report("GET/HEAD of the mailed link (fragment and ?token=), wrong type, reuse", "nothing consumed; wrong type and reuse refused")


def test_admin_keys_are_confined_to_their_port(stack, report):
    other_port = stack.sql("select portal_api.create_port('Other Port')")
    other_client = stack.sql("select portal_api.create_client(:'a1', 'Other')", other_port)
    other_key = stack.sql("select portal_api.create_admin_key(:'a1', 'other')", other_port)
    stack.sql("select portal_api.invite(:'a1', :'a2')", other_client, unique("other"))
    path = "/api/v1/clients/%s/portal-user" % other_client
    assert stack.admin("GET", path)[0] == 404
    assert stack.admin("POST", path + "?action=disable")[0] == 404
    assert stack.admin("POST", path, {"email": unique("steal")})[0] == 404
    assert stack.request("GET", path, headers={"Authorization": "Bearer " + other_key})[0] == 200
    key_id = stack.sql("select id from portal.admin_keys where port_id = :'a1'", other_port)
    stack.sql("select portal_api.revoke_admin_key(:'a1')", key_id)
    assert stack.request("GET", path, headers={"Authorization": "Bearer " + other_key})[0] == 401
    report("port A's admin key on port B's client (read, act, invite); a revoked key", "404 / 404 / 404; 401")


def test_csrf_foreign_origin_is_refused(stack, report):
    address = stack.activated_user(unique("csrf"), PASSWORD)
    status, headers, _, _ = stack.request("POST", "/api/portal/auth/sign-in", {"email": address, "password": PASSWORD})
    cookie = headers["Set-Cookie"].split(";")[0]
    for path in ("/api/portal/auth/sign-out?scope=all", "/api/portal/auth/change-password"):
        assert stack.request("POST", path, {}, {"Origin": "https://evil.example", "Cookie": cookie})[0] == 403
    assert stack.request("GET", "/api/portal/auth/me", headers={"Cookie": cookie})[0] == 200
    assert all(flag in headers["Set-Cookie"] for flag in ("Secure", "HttpOnly", "SameSite=Lax", "Path=/"))
    report("state-changing requests from a foreign Origin with a valid cookie", "403; session intact; cookie Secure, HttpOnly, SameSite=Lax")
