"""The operations tier: portal-auth next to the real components a deployment puts around it —
PgBouncer in transaction mode, two gateways and two mailers on one database, pg_auto_failover,
Prometheus' promtool. Each neighbour is installed by scripts/test.sh and started here on
loopback; every wait is bounded.

Environment (set by scripts/test.sh ops): PORTAL_TEST_OPS_DATABASE_URL (a superuser conninfo of
a migrated database), PORTAL_TEST_PG_SOCKET_DIR and PORTAL_TEST_PG_PORT (the test cluster, for
PgBouncer to reach)."""
import email
import glob
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support"))
from stack import OUTPUT, ROOT  # noqa: E402
from sink import SMTPSink  # noqa: E402,F401  (the ops tests import it from here)

PASSWORD = "Harbour lights at dusk 42"
FIGURES = []


def unique(prefix):
    return "%s-%s@example.com" % (prefix, uuid.uuid4().hex[:10])


def postgres_owned_dir(prefix):
    """A fresh folder the postgres user owns (initdb, PgBouncer and pg_autoctl refuse root)."""
    path = tempfile.mkdtemp(prefix=prefix)
    os.chmod(path, 0o755)
    if os.geteuid() == 0:
        subprocess.run(["chown", "-R", "postgres:postgres", path], check=True)
    return path


def as_postgres(command):
    return (["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []) + command


@pytest.fixture(scope="session")
def figures():
    """Numbers worth quoting (failover time, duplicates, …): printed and written to
    .run/test-output/ops-figures.md at the end."""
    yield lambda what, value: FIGURES.append((what, value))
    os.makedirs(OUTPUT, exist_ok=True)
    with open(os.path.join(OUTPUT, "ops-figures.md"), "w") as f:
        f.write("| measured | value |\n| --- | --- |\n")
        for what, value in FIGURES:
            f.write("| %s | %s |\n" % (what, value))


def wait_until(predicate, timeout, what, interval=0.2):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError("timed out after %ss waiting for %s" % (timeout, what))


def queue_mails(stack, count):
    """`count` invitations in one transaction (one activation mail each); their outbox ids."""
    tag = uuid.uuid4().hex[:8]
    stack.sql("select count(portal_api.invite(portal_api.create_client(:'a1', 'Bulk ' || i), "
              "'bulk-' || :'a2' || '-' || i || '@example.com')) from generate_series(1, %d) i" % count, stack.port_id, tag)
    ids = stack.sql("select string_agg(id::text, ',') from portal.mail_outbox where recipient like 'bulk-' || :'a1' || '-%'", tag)
    return {int(i) for i in ids.split(",")}


def statuses(stack, ids):
    rows = stack.sql("select status, count(*) from portal.mail_outbox where id = any(string_to_array(:'a1', ',')::bigint[]) "
                     "group by status", ",".join(map(str, ids)))
    return dict((status, int(n)) for status, n in (row.split("|") for row in rows.splitlines()))


def scrape(url):
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.read().decode()


def sample(text, name, labels=""):
    found = re.search(r"^%s%s (\S+)$" % (re.escape(name), re.escape(labels)), text, re.M)
    return float(found.group(1)) if found else None
