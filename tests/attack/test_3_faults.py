"""Faults: Postgres stopped under traffic, backends killed, a read-only database, SIGTERM."""
import os
import signal
import subprocess
import tempfile
import threading
import time
import uuid

PASSWORD = "Harbour lights at dusk 42"


def pg_ctl(arguments):
    subprocess.run("%s %s >/dev/null 2>&1 </dev/null" % (os.environ["PORTAL_TEST_PG_CTL"], arguments), shell=True, check=True)


def unique(prefix):
    return "%s-%s@example.com" % (prefix, uuid.uuid4().hex[:10])


def test_terminated_backends_are_replaced(stack, report):
    assert stack.request("GET", "/readyz")[0] == 200
    stack.sql("select pg_terminate_backend(pid) from pg_stat_activity where application_name in "
              "('portal-auth-gateway', 'portal-auth-mailer', 'portal-auth-listener')")
    time.sleep(0.3)
    statuses = [stack.request("GET", "/readyz")[0] for _ in range(5)]
    assert statuses.count(200) >= 4 and 500 not in statuses, statuses
    report("pg_terminate_backend on every gateway and mailer connection", "next requests served (%s)" % statuses)


def test_a_read_only_database_is_503_with_no_partial_state(stack, report):
    address = stack.activated_user(unique("readonly"), PASSWORD)
    database = stack.sql("select current_database()")
    stack.sql('alter database "%s" set default_transaction_read_only = on' % database)
    stack.sql("select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'portal-auth-gateway'")
    try:
        time.sleep(0.3)
        before = stack.sql("select count(*) from portal.auth_events")
        status, headers, body, _ = stack.request("POST", "/api/portal/auth/forgot-password", {"email": address})
        assert status == 503 and body["error"]["code"] == "unavailable" and "Retry-After" in headers, (status, body)
        status = stack.request("POST", "/api/portal/auth/sign-in", {"email": address, "password": PASSWORD})[0]
        assert status == 503
        assert stack.sql("select count(*) from portal.auth_events") == before
    finally:
        stack.sql('set default_transaction_read_only = off; alter database "%s" reset default_transaction_read_only' % database)
        stack.sql("select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'portal-auth-gateway'")
    time.sleep(0.3)
    assert stack.request("POST", "/api/portal/auth/sign-in", {"email": address, "password": PASSWORD})[0] == 200
    report("database switched to read-only under the gateway", "503 + Retry-After, no partial writes; recovers when writable")


def test_a_full_disk_is_503_with_no_partial_state(stack, report):
    """The audit table moves to a tablespace on a tiny tmpfs that is then filled: every write
    path (each one audits) fails with 53100 and must surface as 503, leaving nothing half done."""
    address = stack.activated_user(unique("diskfull"), PASSWORD)
    mount_point = tempfile.mkdtemp(prefix="portal-full-")  # reachable by the postgres user
    os.chmod(mount_point, 0o755)
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=32m", "tmpfs", mount_point], check=True)
    filler = os.path.join(mount_point, "filler")
    try:
        subprocess.run(["chown", "postgres:postgres", mount_point], check=True)
        os.makedirs(os.path.join(mount_point, "ts"))
        subprocess.run(["chown", "postgres:postgres", os.path.join(mount_point, "ts")], check=True)
        stack.sql("create tablespace portal_full location '%s'" % os.path.join(mount_point, "ts"))
        stack.sql("alter table portal.auth_events set tablespace portal_full")
        subprocess.run("dd if=/dev/zero of=%s bs=64k 2>/dev/null; sync" % filler, shell=True)
        tokens_before = stack.sql("select count(*) from portal.portal_auth_tokens")
        statuses = []
        for attempt in range(300):
            status, headers, body, _ = stack.request("POST", "/api/portal/auth/sign-in",
                                                     {"email": unique("ghost"), "password": "whatever it is"})
            statuses.append(status)
            if status == 503:
                break
        assert statuses[-1] == 503 and set(statuses) <= {401, 503}, sorted(set(statuses))
        assert body["error"]["code"] == "unavailable" and "Retry-After" in headers
        status = stack.request("POST", "/api/portal/auth/forgot-password", {"email": address})[0]
        assert status == 503
        assert stack.sql("select count(*) from portal.portal_auth_tokens") == tokens_before, "no token without its audit row"
    finally:
        if os.path.exists(filler):
            os.remove(filler)
        stack.sql("alter table portal.auth_events set tablespace pg_default")
        stack.sql("drop tablespace if exists portal_full")
        subprocess.run(["umount", mount_point], check=False)
    assert stack.request("POST", "/api/portal/auth/sign-in", {"email": address, "password": PASSWORD})[0] == 200
    report("disk full (the audit table's tablespace on a filled tmpfs)",
           "503 + Retry-After after %d writes that fit; no token without its audit row; recovers" % (len(statuses) - 1))


def test_postgres_restart_under_traffic(stack, report):
    address = stack.activated_user(unique("restart"), PASSWORD)
    results, stop = [], threading.Event()

    def traffic(kind):
        while not stop.is_set():
            started = time.time()
            try:
                if kind == "sign-in":
                    status = stack.request("POST", "/api/portal/auth/sign-in", {"email": address, "password": PASSWORD}, timeout=10)[0]
                else:
                    status = stack.request("POST", "/api/portal/auth/forgot-password", {"email": unique("f")}, timeout=10)[0]
            except Exception:
                status = -1  # no HTTP answer at all: hung or crashed
            results.append((started, time.time() - started, status))
            time.sleep(0.05)

    threads = [threading.Thread(target=traffic, args=(k,)) for k in ("sign-in", "forgot", "sign-in")]
    for t in threads:
        t.start()
    time.sleep(1)
    down_at = time.time()
    pg_ctl("stop -m fast")
    time.sleep(3)
    pg_ctl("start")
    up_at = time.time()
    recovered_at = None
    deadline = up_at + 15
    while time.time() < deadline:
        if stack.request("POST", "/api/portal/auth/sign-in", {"email": address, "password": PASSWORD}, timeout=10)[0] == 200:
            recovered_at = time.time()
            break
        time.sleep(0.1)
    time.sleep(1)
    stop.set()
    for t in threads:
        t.join()
    during = [r for r in results if down_at + 0.5 < r[0] < up_at - 0.5]
    assert during, "traffic ran while Postgres was down"
    assert all(status == 503 for _, _, status in during), sorted(set(s for _, _, s in during))
    assert max(duration for _, duration, _ in during) < 8, "requests never hang"
    assert all(status not in (-1, 500) for _, _, status in results)
    assert stack.gateway.poll() is None, "the gateway did not crash"
    assert recovered_at is not None and recovered_at - up_at <= 5, "recovered %.1f s after Postgres returned" % ((recovered_at or 0) - up_at)
    address2 = unique("after")
    stack.invite(address2)
    stack.wait_for_link(address2, "activate", timeout=10)
    report("Postgres stopped for 3 s under sign-in + forgot-password traffic (%d requests)" % len(results),
           "503 while down (%d requests, none hung), recovered %.1f s after restart; mailer re-listened" % (
               len(during), recovered_at - up_at))


def test_sigterm_lets_requests_in_flight_finish(stack, report):
    address = stack.activated_user(unique("sigterm"), PASSWORD)
    outcomes = []

    def sign_in():
        try:
            outcomes.append(stack.request("POST", "/api/portal/auth/sign-in", {"email": address, "password": PASSWORD}, timeout=20)[0])
        except Exception as error:  # noqa: BLE001
            outcomes.append(repr(error))

    threads = [threading.Thread(target=sign_in) for _ in range(6)]
    for t in threads:
        t.start()
    time.sleep(0.05)
    stack.gateway.send_signal(signal.SIGTERM)
    for t in threads:
        t.join()
    code = stack.gateway.wait(timeout=20)
    stack.start_gateway()
    assert code == 0
    assert all(o == 200 for o in outcomes), outcomes
    report("SIGTERM to the gateway with 6 sign-ins in flight", "all 6 answered 200; exit 0")
