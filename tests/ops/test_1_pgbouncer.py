"""The gateway through a real PgBouncer (Debian's 1.18) in transaction mode: the full portal flow,
400 concurrent session checks multiplexed onto fewer server connections than the gateway holds."""
import os
import shutil
import subprocess
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from conftest import PASSWORD, as_postgres, postgres_owned_dir, unique, wait_until
from stack import Stack, free_port


@pytest.fixture
def pgbouncer():
    directory = postgres_owned_dir("portal-pgbouncer-")
    port = free_port()
    database = subprocess.run(["psql", os.environ["PORTAL_TEST_OPS_DATABASE_URL"], "-qtAc", "select current_database()"],
                              capture_output=True, text=True, check=True).stdout.strip()
    config = os.path.join(directory, "pgbouncer.ini")
    with open(config, "w") as f:
        f.write("""[databases]
portal = host={socket} port={pg_port} dbname={database}
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {port}
unix_socket_dir =
auth_type = trust
auth_file = {dir}/users.txt
admin_users = postgres
pool_mode = transaction
default_pool_size = 4
max_client_conn = 200
logfile = {dir}/pgbouncer.log
pidfile = {dir}/pgbouncer.pid
""".format(socket=os.environ["PORTAL_TEST_PG_SOCKET_DIR"], pg_port=os.environ["PORTAL_TEST_PG_PORT"], database=database,
           port=port, dir=directory))
    with open(os.path.join(directory, "users.txt"), "w") as f:
        f.write('"portal_gateway" ""\n"postgres" ""\n')
    subprocess.run(["chown", "-R", "postgres:postgres", directory] if os.geteuid() == 0 else ["true"], check=True)
    process = subprocess.Popen(as_postgres(["pgbouncer", config]), stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    admin = "host=127.0.0.1 port=%d dbname=pgbouncer user=postgres" % port
    try:
        wait_until(lambda: subprocess.run(["psql", admin, "-qtAc", "show version"], capture_output=True).returncode == 0,
                   15, "PgBouncer to listen")
        yield {"url": "host=127.0.0.1 port=%d dbname=portal" % port, "admin": admin}
    finally:
        process.terminate()
        process.wait(timeout=10)
        shutil.rmtree(directory, ignore_errors=True)


def bouncer_stats(admin):
    """{column: value} of SHOW STATS for the `portal` database."""
    out = subprocess.run(["psql", admin, "-qAF\t", "-c", "show stats"], capture_output=True, text=True, check=True).stdout
    lines = [line.split("\t") for line in out.strip().splitlines()]
    header = lines[0]
    for row in lines[1:]:
        if row[0] == "portal":
            return dict(zip(header, row))
    raise AssertionError("no stats for the portal database: %s" % out)


def test_the_full_flow_through_pgbouncer_in_transaction_mode(pgbouncer, figures):
    stack = Stack(os.environ["PORTAL_TEST_OPS_DATABASE_URL"], "ops-pgbouncer", gateway_database_url=pgbouncer["url"],
                  gateway_env={"PORTAL_DB_POOL": "10", "PORTAL_DB_PREPARED": "false"})
    stack.sql("select portal_api.set_rate_limit('sign_in_ip', 1000000, '1 minute')")
    try:
        stack.start()
        address = unique("bouncer")
        stack.activated_user(address, PASSWORD)
        status, headers, body, _ = stack.request("POST", "/api/portal/auth/sign-in", {"email": address, "password": PASSWORD})
        assert status == 200, body
        cookie = headers["Set-Cookie"].split(";")[0]

        def me(_):
            return stack.request("GET", "/api/portal/auth/me", headers={"Cookie": cookie})[0]

        before = int(bouncer_stats(pgbouncer["admin"])["total_xact_count"])
        with ThreadPoolExecutor(max_workers=40) as pool:
            started = time.time()
            statuses = list(pool.map(me, range(400)))
            elapsed = time.time() - started
        assert statuses == [200] * 400, {s: statuses.count(s) for s in set(statuses)}
        after = int(bouncer_stats(pgbouncer["admin"])["total_xact_count"])
        assert after - before >= 400, "the session checks went through PgBouncer (%d transactions)" % (after - before)
        # Transaction mode multiplexed the gateway's 10 connections onto at most 4 server connections.
        servers = subprocess.run(["psql", os.environ["PORTAL_TEST_OPS_DATABASE_URL"], "-qtAc",
                                  "select count(*) from pg_stat_activity where usename = 'portal_gateway'"],
                                 capture_output=True, text=True, check=True).stdout.strip()
        assert int(servers) <= 4, servers
        figures("400 concurrent /me through PgBouncer (transaction mode, 4 server connections)",
                "all 200, %.0f req/s" % (400 / elapsed))

        started = time.time()
        assert stack.request("POST", "/api/portal/auth/forgot-password", {"email": address})[0] == 200
        link = stack.wait_for_link(address, "reset-password", newer_than=started - 1)
        new_password = "Tide tables and rope 77"
        status, _, body, _ = stack.request("POST", "/api/portal/auth/reset-password",
                                           {"token": link.split("#token=")[1], "password": new_password})
        assert status == 200, body
        assert stack.request("GET", "/api/portal/auth/me", headers={"Cookie": cookie})[0] == 401, "the old cookie is refused"
        assert stack.request("POST", "/api/portal/auth/sign-in", {"email": address, "password": PASSWORD})[0] == 401
        assert stack.request("POST", "/api/portal/auth/sign-in", {"email": address, "password": new_password})[0] == 200
    finally:
        stack.stop()
        stack.sql("select portal_api.set_rate_limit('sign_in_ip', 30, '1 minute')")


def test_the_default_settings_work_behind_pgbouncer_in_transaction_mode(pgbouncer, figures):
    """A new operator's gateway: PgBouncer in front, PORTAL_DB_PREPARED left at its default. The
    named statements PgBouncer 1.18 cannot carry (26000, 42P05) run again unnamed, the gateway
    stops naming them and says once which setting silences it; every call answers."""
    # A log folder of its own: the warning is counted in this run's lines only.
    stack = Stack(os.environ["PORTAL_TEST_OPS_DATABASE_URL"], "ops-pgbouncer-defaults-" + uuid.uuid4().hex[:8],
                  gateway_database_url=pgbouncer["url"], gateway_env={"PORTAL_DB_POOL": "10"})
    stack.sql("select portal_api.set_rate_limit('sign_in_ip', 1000000, '1 minute')")
    try:
        stack.start()
        address = unique("bouncer-defaults")
        stack.activated_user(address, PASSWORD)
        status, headers, body, _ = stack.request("POST", "/api/portal/auth/sign-in", {"email": address, "password": PASSWORD})
        assert status == 200, body
        cookie = headers["Set-Cookie"].split(";")[0]

        def me(_):
            return stack.request("GET", "/api/portal/auth/me", headers={"Cookie": cookie})[0]

        with ThreadPoolExecutor(max_workers=40) as pool:
            started = time.time()
            statuses = list(pool.map(me, range(400)))
            elapsed = time.time() - started
        assert statuses == [200] * 400, {s: statuses.count(s) for s in set(statuses)}
        assert stack.request("GET", "/readyz")[0] == 200
        assert stack.request("HEAD", "/readyz")[0] == 200
        logs = stack.logs()
        assert logs.count("lost or refused a named prepared statement") == 1, "said once"
        assert "PORTAL_DB_PREPARED=false" in logs, "with the setting that silences it"
        assert "database error" not in logs, "no call failed"
        figures("400 concurrent /me through PgBouncer with the default PORTAL_DB_PREPARED",
                "all 200, %.0f req/s" % (400 / elapsed))
    finally:
        stack.stop()
        stack.sql("select portal_api.set_rate_limit('sign_in_ip', 30, '1 minute')")
