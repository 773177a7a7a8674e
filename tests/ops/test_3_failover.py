"""Failover on a real HA manager: pg_auto_failover (a monitor, a primary and a secondary on
loopback). The gateway and the mailer use the formation's multi-host URI (`pg_autoctl show
uri`, target_session_attrs=read-write) and are never restarted.

Two scenarios, in order: `pg_autoctl perform failover` (node 1 → node 2), then the primary's
machine dying (SIGKILL of node 2's keeper and postmaster: its whole process group, so nothing
restarts it) → node 1. In both, sign-ins answer 200 or 503 (never hang) and work again on the new
primary; 200 mails queued across the failover are each sent once, or one of them twice (the
mail in flight when the old primary went away, the duplicate the README admits)."""
import collections
import os
import shutil
import signal
import subprocess
import threading
import time
import urllib.parse

import pytest
from conftest import PASSWORD, SMTPSink, as_postgres, postgres_owned_dir, queue_mails, statuses, unique, wait_until
from stack import BINARY, Stack, free_port

PG_BIN = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True).stdout.strip() or "/usr/lib/postgresql/15/bin"


class Formation:
    def __init__(self):
        self.dir = postgres_owned_dir("portal-failover-")
        self.groups = {}
        self.monitor_port = free_port()
        self.ports = {"node1": free_port(), "node2": free_port()}
        self.monitor_url = "postgres://autoctl_node@127.0.0.1:%d/pg_auto_failover?sslmode=disable" % self.monitor_port

    def autoctl(self, name, *arguments):
        """Starts `pg_autoctl <arguments>` as the postgres user in a process group of its own."""
        # Its configuration and state files go under our folder, not ~postgres.
        env = ["PATH=" + PG_BIN + ":" + os.environ["PATH"], "XDG_CONFIG_HOME=" + self.dir + "/config",
               "XDG_DATA_HOME=" + self.dir + "/data", "XDG_RUNTIME_DIR=" + self.dir + "/run"]
        log = open(os.path.join(self.dir, name + ".log"), "a")
        process = subprocess.Popen(as_postgres(["env"] + env + ["pg_autoctl"] + list(arguments)),
                                   stdout=log, stderr=subprocess.STDOUT, start_new_session=True, cwd=self.dir)
        self.groups[name] = process
        return process

    def monitor_sql(self, query):
        return subprocess.run(["psql", "host=127.0.0.1 port=%d dbname=pg_auto_failover user=postgres" % self.monitor_port,
                               "-qtAc", query], capture_output=True, text=True, timeout=10).stdout.strip()

    def states(self):
        """{node name: (reported state, assigned state)}."""
        rows = self.monitor_sql("select nodename, reportedstate, goalstate from pgautofailover.node")
        return {name: (reported, goal) for name, reported, goal in (row.split("|") for row in rows.splitlines() if row)}

    def primary(self):
        for name, (reported, goal) in self.states().items():
            if reported in ("primary", "wait_primary", "single") and goal == reported:
                return name
        return None

    def start(self):
        for sub in ("config", "data", "run"):
            os.makedirs(os.path.join(self.dir, sub), exist_ok=True)
        subprocess.run(["chown", "-R", "postgres:postgres", self.dir] if os.geteuid() == 0 else ["true"], check=True)
        self.autoctl("monitor", "create", "monitor", "--pgdata", self.dir + "/monitor", "--pgport", str(self.monitor_port),
                     "--hostname", "127.0.0.1", "--listen", "127.0.0.1", "--auth", "trust", "--no-ssl", "--run")
        wait_until(lambda: self.monitor_sql("select count(*) from pgautofailover.formation") == "1", 60, "the monitor")
        # Detect a dead node in seconds (the defaults: health checks every 5 s, 20 s to unhealthy). The
        # monitor still waits pgautofailover.primary_demote_timeout (30 s, left at its default) for
        # the old primary to demote itself before it promotes the standby: that bounds the
        # failover time after a machine dies, and is what keeps two primaries from taking writes.
        self.monitor_sql("alter system set pgautofailover.health_check_period = 1000")
        self.monitor_sql("alter system set pgautofailover.health_check_retry_delay = 500")
        self.monitor_sql("alter system set pgautofailover.health_check_max_retries = 1")
        self.monitor_sql("alter system set pgautofailover.node_considered_unhealthy_timeout = 4000")
        self.monitor_sql("select pg_reload_conf()")
        for name in ("node1", "node2"):
            self.autoctl(name, "create", "postgres", "--pgdata", self.dir + "/" + name, "--pgport", str(self.ports[name]),
                         "--hostname", "127.0.0.1", "--listen", "127.0.0.1", "--auth", "trust", "--no-ssl",
                         "--monitor", self.monitor_url, "--dbname", "portal", "--name", name, "--run")
            if name == "node1":
                wait_until(lambda: self.primary() == "node1", 90, "node 1 to run as the first primary")

        # The standby's pg_basebackup waits for a spread checkpoint (minutes): ask for it now.
        def standby_ready():
            subprocess.run(["psql", "host=127.0.0.1 port=%d dbname=portal user=postgres" % self.ports["node1"], "-qc", "checkpoint"],
                           capture_output=True, timeout=30)
            states = self.states()
            return states.get("node1") == ("primary", "primary") and states.get("node2") == ("secondary", "secondary")

        wait_until(standby_ready, 120, "node 2 to stream as a secondary", interval=1)
        uri = subprocess.run(as_postgres(["env", "PATH=" + PG_BIN + ":" + os.environ["PATH"], "pg_autoctl", "show", "uri",
                                          "--monitor", self.monitor_url, "--formation", "default"]),
                             capture_output=True, text=True, check=True, cwd=self.dir).stdout.strip()
        assert "target_session_attrs=read-write" in uri, uri
        self.uri = uri

    def url_as(self, user):
        """The formation URI with `user` set (and TLS off: the nodes run without it here)."""
        parts = urllib.parse.urlsplit(self.uri)
        query = dict(urllib.parse.parse_qsl(parts.query))
        query.update(user=user, sslmode="disable", connect_timeout="3")
        return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query)))

    def kill(self, name):
        """The node's machine dies: SIGKILL to its keeper and postmaster (one process group)."""
        postmaster = int(open(os.path.join(self.dir, name, "postmaster.pid")).readline())
        os.killpg(self.groups[name].pid, signal.SIGKILL)
        try:
            os.kill(postmaster, signal.SIGKILL)
        except ProcessLookupError:
            pass

    def stop(self):
        for process in self.groups.values():
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        for name in ("monitor", "node1", "node2"):
            try:
                os.kill(int(open(os.path.join(self.dir, name, "postmaster.pid")).readline()), signal.SIGKILL)
            except (OSError, ValueError):
                pass
        # A SIGKILLed postmaster can leave children behind (the monitor's logger and health-check
        # worker outlived it once): every process still working in one of our data folders goes.
        time.sleep(0.5)
        for pid in filter(str.isdigit, os.listdir("/proc")):
            try:
                if os.readlink("/proc/%s/cwd" % pid).startswith(self.dir + os.sep):
                    os.kill(int(pid), signal.SIGKILL)
            except OSError:
                pass
        time.sleep(0.5)
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture(scope="module")
def formation():
    formation = Formation()
    try:
        formation.start()
        subprocess.run([BINARY, "migrate",
                        "--database-url", formation.url_as("postgres")], check=True, capture_output=True)
        yield formation
    finally:
        formation.stop()


@pytest.fixture(scope="module")
def portal(formation):
    sink = SMTPSink("failover", "--stall-data", "0.05")  # 50 ms per mail: 100 mails span the switch
    url = formation.url_as("postgres")
    stack = Stack(url, "ops-failover", gateway_database_url=url,
                  mailer_env={"SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(sink.port), "SMTP_TLS": "none", "SMTP_TIMEOUT": "5"})
    stack.mail_dir = sink.maildir
    stack.sql("select portal_api.set_setting('mail_lease', '5 seconds')")
    stack.sql("select portal_api.set_rate_limit('sign_in_ip', 1000000, '1 minute')")
    stack.sink = sink
    try:
        stack.start()
        stack.address = stack.activated_user(unique("failover"), PASSWORD)
        yield stack
    finally:
        stack.stop()
        sink.stop()


def fail_over(portal, formation, figures, what, switch):
    """Runs `switch()` under a steady sign-in load with 100 mails in flight, then queues 100 more."""
    before = formation.primary()
    ids = queue_mails(portal, 100)
    samples = []  # (started, seconds, status)
    stop = threading.Event()

    def sign_ins():
        while not stop.is_set():
            started = time.time()
            try:
                status = portal.request("POST", "/api/portal/auth/sign-in", {"email": portal.address, "password": PASSWORD},
                                        timeout=10)[0]
            except Exception as error:  # a timeout is a hang: recorded, and fails the test below
                status = "no answer (%s)" % type(error).__name__
            samples.append((started, time.time() - started, status))
            time.sleep(0.05)

    load = threading.Thread(target=sign_ins)
    load.start()
    time.sleep(1)
    t0 = time.time()
    try:
        switch()
        after = wait_until(lambda: (lambda p: p if p and p != before else None)(formation.primary()), 90, "a new primary")
        switched = time.time()
        wait_until(lambda: any(s > switched and status == 200 for s, _, status in samples), 60, "a sign-in on the new primary")
    finally:
        stop.set()
        load.join(timeout=30)
    during = [(s, d, status) for s, d, status in samples if s >= t0]
    failed = [status for _, _, status in during if status != 200]
    assert set(failed) <= {503}, collections.Counter(failed)
    assert max(d for _, d, _ in during) < 5, "no request hung (longest %.1f s)" % max(d for _, d, _ in during)
    first_ok = min(s + d for s, d, status in during if status == 200 and s > switched - 0.001) - t0
    ids |= queue_mails(portal, 100)
    wait_until(lambda: statuses(portal, ids).get("sent") == 200, 120, "200 mails sent", interval=0.5)
    received = collections.Counter(i for i in portal.sink.outbox_ids() if i in ids)
    assert set(received) == ids, "no mail lost (%d of 200)" % len(received)
    twice = [i for i, n in received.items() if n > 1]
    assert len(twice) <= 1 and max(received.values()) <= 2, twice
    assert portal.gateway.poll() is None and portal.mailer.poll() is None, "neither process restarted"
    figures("failover: " + what, "%s → %s; first sign-in on the new primary %.1f s after it began; %d of %d sign-ins meanwhile "
            "answered 503 (none hung, longest %.2f s); 200/200 mails sent, %d twice"
            % (before, after, first_ok, len(failed), len(during), max(d for _, d, _ in during), len(twice)))


def test_perform_failover(formation, portal, figures):
    assert formation.primary() == "node1"
    fail_over(portal, formation, figures, "pg_autoctl perform failover", lambda: subprocess.run(
        as_postgres(["env", "PATH=" + PG_BIN + ":" + os.environ["PATH"], "pg_autoctl", "perform", "failover",
                     "--monitor", formation.monitor_url, "--formation", "default"]),
        capture_output=True, check=True, cwd=formation.dir, timeout=60))


def test_the_primary_machine_dies(formation, portal, figures):
    primary = formation.primary()
    assert primary in ("node1", "node2")
    # Wait until the old primary streams again as a secondary: only then can it take over.
    wait_until(lambda: (lambda s: all(v[0] == v[1] and v[0] in ("primary", "secondary") for v in s.values()))(formation.states()),
               90, "both nodes settled")
    fail_over(portal, formation, figures, "SIGKILL of the primary's keeper and postmaster", lambda: formation.kill(primary))
