#!/usr/bin/env python3
"""portal-auth benchmarks: every figure is measured side by side with its reference in this run.
Run through bench/run.sh (it builds in release mode and starts a Postgres cluster of its own)."""
import argparse
import base64
import glob
import hashlib
import os
import re
import shutil
import signal
import smtplib
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
TOKEN_KEY = "bench-token-key-0123456789abcdefghijklmnopqr"
JWT_SECRET = "bench-jwt-secret-0123456789abcdefghijklmnopq"
PASSWORD = "Harbour lights at dusk 42"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Bench:
    def __init__(self, args):
        self.binary = args.binary
        self.database = args.database
        self.pg_bin = args.pg_bin
        self.seconds = 3 if args.smoke else 15
        self.smoke = args.smoke
        self.cores = os.cpu_count()
        self.rows = []
        self.logs = tempfile.mkdtemp(prefix="bench-logs-")

    # -- plumbing ----------------------------------------------------------------------------

    def sql(self, query, user=None):
        url = self.database + (" user=%s" % user if user else "")
        return subprocess.run(["psql", url, "-qtA", "-v", "ON_ERROR_STOP=1", "-c", query],
                              capture_output=True, text=True, check=True).stdout.strip()

    def gateway(self, scrypt, workers, queue=None, pool=10, extra=None):
        port = free_port()
        env = dict(os.environ, DATABASE_URL=self.database + " user=portal_gateway", PORTAL_BASE_URL="http://localhost:%d" % port,
                   PORTAL_TOKEN_KEY=TOKEN_KEY, PORTAL_JWT_SECRET=JWT_SECRET, PORTAL_SCRYPT=scrypt,
                   PORTAL_HASH_WORKERS=str(workers), PORTAL_DB_POOL=str(pool), PORT=str(port), HOST="127.0.0.1",
                   LOG_LEVEL="warning",
                   # The bench measures one scrypt cost after another on the same accounts: a gateway
                   # whose cost is below most stored hashes' would refuse to start (the hash census).
                   PORTAL_SCRYPT_ALLOW_REFUSED="true")
        if queue is not None:
            env["PORTAL_HASH_QUEUE"] = str(queue)
        env.update(extra or {})
        process = subprocess.Popen([self.binary, "serve"], env=env, stdout=open(os.path.join(self.logs, "gateway.log"), "a"),
                                   stderr=subprocess.STDOUT)
        for _ in range(200):
            try:
                urllib.request.urlopen("http://127.0.0.1:%d/healthz" % port, timeout=1).read()
                return process, port
            except Exception:
                time.sleep(0.05)
        raise RuntimeError("gateway did not start")

    @staticmethod
    def stop(process):
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()

    def wrk(self, url, connections, seconds, script=None, headers=(), threads=None):
        command = ["wrk", "-t", str(threads or min(connections, 2)), "-c", str(connections), "-d", "%ds" % seconds,
                   "--latency", "--timeout", "30s"]
        for header in headers:
            command += ["-H", header]
        if script:
            command += ["-s", script]
        out = subprocess.run(command + [url], capture_output=True, text=True, check=True).stdout
        rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
        non2xx = int((re.search(r"Non-2xx or 3xx responses: (\d+)", out) or [0, 0])[1])
        total = int(re.search(r"(\d+) requests in", out).group(1))

        def percentile(name):
            found = re.search(r"\s%s%%\s+([\d.]+)(us|ms|s)\b" % name, out)
            if not found:
                return float("nan")
            value, unit = float(found.group(1)), found.group(2)
            return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value
        return {"rps": rps, "non2xx": non2xx, "total": total, "p50": percentile("50"), "p99": percentile("99")}

    def lua(self, body):
        path = os.path.join(self.logs, "post-%s.lua" % uuid.uuid4().hex[:6])
        with open(path, "w") as f:
            f.write('wrk.method = "POST"\nwrk.body = [[%s]]\nwrk.headers["Content-Type"] = "application/json"\n' % body)
        return path

    def row(self, what, ratio, goal, detail):
        self.rows.append((what, ratio, goal, detail))
        print("  %-58s %s" % (what, detail), flush=True)

    def user_with_password(self, ln):
        """A fresh activated user whose hash has parameters ln,8,1 (made with the same OpenSSL scrypt)."""
        salt = os.urandom(16)
        key = hashlib.scrypt(PASSWORD.encode(), salt=salt, n=1 << ln, r=8, p=1, maxmem=2 ** 31 - 1, dklen=32)
        b64 = lambda b: base64.b64encode(b).decode().rstrip("=")
        phc = "$scrypt$ln=%d,r=8,p=1$%s$%s" % (ln, b64(salt), b64(key))
        email = "bench-%s@example.com" % uuid.uuid4().hex[:12]
        port = self.sql("select portal_api.create_port('Bench')")
        client = self.sql("select portal_api.create_client('%s', 'Bench Client')" % port)
        self.sql("select portal_api.invite('%s', '%s')" % (client, email))
        self.sql("update portal.portal_users set password_hash = '%s', activated_at = now() where email = '%s'" % (phc, email))
        self.sql("update portal.mail_outbox set status = 'skipped' where status = 'queued'")
        return email, port

    @staticmethod
    def bare_scrypt(threads, seconds, ln):
        """Hashes per second of OpenSSL's scrypt (hashlib releases the GIL) on `threads` threads."""
        count = [0] * threads
        stop = time.time() + seconds

        def work(i):
            salt = os.urandom(16)
            while time.time() < stop:
                hashlib.scrypt(PASSWORD.encode(), salt=salt, n=1 << ln, r=8, p=1, maxmem=2 ** 31 - 1, dklen=32)
                count[i] += 1
        pool = [threading.Thread(target=work, args=(i,)) for i in range(threads)]
        started = time.time()
        for t in pool:
            t.start()
        for t in pool:
            t.join()
        return sum(count) / (time.time() - started)

    # -- benchmarks --------------------------------------------------------------------------

    def probe_health(self, port, seconds, rate=50):
        """GET /healthz at `rate` per second (a light probe, so it does not steal the CPU it
        measures); returns the latencies in ms."""
        latencies = []
        deadline = time.time() + seconds
        while time.time() < deadline:
            started = time.perf_counter()
            urllib.request.urlopen("http://127.0.0.1:%d/healthz" % port, timeout=5).read()
            latencies.append((time.perf_counter() - started) * 1000)
            time.sleep(max(0, 1 / rate - (time.perf_counter() - started)))
        return sorted(latencies)

    def sign_in_vs_scrypt(self):
        for sql in ("sign_in_ip", "admin_key"):
            self.sql("select portal_api.set_rate_limit('%s', 1000000, '1 minute')" % sql)
        workers = self.cores
        for label, ln in (("default ln=17", 17), ("test-sized ln=12", 12)):
            email, _ = self.user_with_password(ln)
            gateway, port = self.gateway("ln=%d,r=8,p=1" % ln, workers)
            try:
                script = self.lua('{"email": "%s", "password": "%s"}' % (email, PASSWORD))
                url = "http://127.0.0.1:%d/api/portal/auth/sign-in" % port
                result = self.wrk(url, 2 * workers, self.seconds, script)
                deeper = self.wrk(url, 4 * workers, self.seconds, script) if ln == 12 else None
                health = []
                if ln == 17:
                    # A second window: the same saturation, with a light /healthz probe alongside.
                    loader = threading.Thread(target=lambda: self.wrk(url, 2 * workers, self.seconds, script))
                    loader.start()
                    time.sleep(1)
                    health = self.probe_health(port, max(1, self.seconds - 2))
                    loader.join()
            finally:
                self.stop(gateway)
            bare = self.bare_scrypt(workers, self.seconds, ln)
            ratio = result["rps"] / bare
            self.row("sign-in ÷ bare scrypt (%s, %d workers)" % (label, workers), ratio, "≥ 0.85",
                     "%.1f sign-ins/s vs %.1f hashes/s; %d non-2xx" % (result["rps"], bare, result["non2xx"]))
            if deeper:
                # Two requests per worker leave a worker idle while its request does its three SQL
                # calls; four keep the pool fed (the hash queue is what absorbs a burst).
                self.row("sign-in ÷ bare scrypt (%s, %d connections per worker)" % (label, 4), deeper["rps"] / bare, "—",
                         "%.1f sign-ins/s vs %.1f hashes/s; p99 %.1f ms; %d non-2xx" % (
                             deeper["rps"], bare, deeper.get("p99", 0), deeper["non2xx"]))
            if health:
                p99 = health[min(len(health) - 1, int(len(health) * 0.99))]
                self.row("/healthz p99 while sign-ins saturate the hash pool", None, "p99 ≤ 20 ms",
                         "p50 %.2f ms, p99 %.2f ms (%d probes at 50/s)" % (statistics.median(health), p99, len(health)))

    def overload(self):
        email, _ = self.user_with_password(17)
        workers = self.cores
        gateway, port = self.gateway("ln=17,r=8,p=1", workers)
        peak = 0
        stop = threading.Event()

        def watch():
            nonlocal peak
            while not stop.is_set():
                try:
                    text = open("/proc/%d/status" % gateway.pid).read()
                    peak = max(peak, int(re.search(r"VmHWM:\s+(\d+) kB", text).group(1)))
                except Exception:
                    pass
                time.sleep(0.1)
        watcher = threading.Thread(target=watch)
        watcher.start()
        try:
            script = self.lua('{"email": "%s", "password": "%s"}' % (email, PASSWORD))
            result = self.wrk("http://127.0.0.1:%d/api/portal/auth/sign-in" % port, 500, self.seconds, script, threads=2)
            alive = gateway.poll() is None
        finally:
            stop.set()
            watcher.join()
            self.stop(gateway)
        budget = (workers * 128 * 1024 * 8 * 128 + 100 * 1024 * 1024) / 1024  # kB: workers × 128 MiB + 100 MiB
        served = result["total"] - result["non2xx"]
        self.row("overload: 500 concurrent sign-ins (ln=17)", peak / budget, "RSS ≤ budget (ratio ≤ 1)",
                 "peak RSS %.0f MiB of %.0f MiB budget; %d served, %d refused (503); alive: %s" % (
                     peak / 1024, budget / 1024, served, result["non2xx"], alive))

    @staticmethod
    def process_counters(pid):
        """CPU seconds and context switches (voluntary, involuntary) summed over the process's threads."""
        with open("/proc/%d/stat" % pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        ticks = os.sysconf("SC_CLK_TCK")
        cpu = (int(fields[11]) + int(fields[12])) / ticks
        voluntary = involuntary = 0
        for status in glob.glob("/proc/%d/task/*/status" % pid):
            try:
                text = open(status).read()
            except OSError:
                continue
            voluntary += int(re.search(r"^voluntary_ctxt_switches:\s+(\d+)", text, re.M).group(1))
            involuntary += int(re.search(r"^nonvoluntary_ctxt_switches:\s+(\d+)", text, re.M).group(1))
        return cpu, voluntary, involuntary

    def measured(self, gateway, url, connections=10, headers=()):
        """wrk against the gateway, with the gateway's CPU time and context switches per request."""
        cpu0, vol0, inv0 = self.process_counters(gateway.pid)
        result = self.wrk(url, connections, self.seconds, headers=headers)
        cpu1, vol1, inv1 = self.process_counters(gateway.pid)
        requests = max(result["total"], 1)
        result["cpu_us"] = (cpu1 - cpu0) * 1e6 / requests
        result["switches"] = ((vol1 - vol0) / requests, (inv1 - inv0) / requests)
        return result

    def me_vs_pgbench(self):
        email, _ = self.user_with_password(10)
        gateway, port = self.gateway("ln=10,r=8,p=1", self.cores, pool=10)
        try:
            request = urllib.request.Request("http://127.0.0.1:%d/api/portal/auth/sign-in" % port, method="POST",
                                             data=('{"email": "%s", "password": "%s"}' % (email, PASSWORD)).encode(),
                                             headers={"Content-Type": "application/json"})
            response = urllib.request.urlopen(request)
            cookie = response.headers["Set-Cookie"].split(";")[0]
            payload = cookie.split("=", 1)[1].split(".")[1]
            claims = __import__("json").loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
            base = "http://127.0.0.1:%d" % port
            figures = {
                "me": self.measured(gateway, base + "/api/portal/auth/me", headers=["Cookie: " + cookie]),
                "healthz": self.measured(gateway, base + "/healthz"),
                "readyz": self.measured(gateway, base + "/readyz"),
            }
        finally:
            self.stop(gateway)
        script = os.path.join(self.logs, "session_check.sql")
        with open(script, "w") as f:
            f.write("select portal_api.session_check('%s', %d, '%s');\n" % (claims["sub"], claims["sv"], claims["jti"]))
        select1 = os.path.join(self.logs, "select1.sql")
        with open(select1, "w") as f:
            f.write("select 1;\n")
        simple = self.pgbench(script, 10, self.seconds, user="portal_gateway", mode="simple")
        prepared = self.pgbench(script, 10, self.seconds, user="portal_gateway", mode="prepared")
        ping = self.pgbench(select1, 10, self.seconds, user="portal_gateway", mode="simple")
        me = figures["me"]
        self.row("/me ÷ pgbench session_check, -M simple (10 connections)", me["rps"] / simple, "≥ 0.6",
                 "%.0f req/s vs %.0f tps; /me p50 %.2f ms, p99 %.2f ms" % (me["rps"], simple, me["p50"], me["p99"]))
        self.row("/me ÷ pgbench session_check, -M prepared", me["rps"] / prepared, "—",
                 "%.0f req/s vs %.0f tps" % (me["rps"], prepared))
        self.row("/readyz ÷ /healthz", figures["readyz"]["rps"] / figures["healthz"]["rps"], "≥ 0.8",
                 "%.0f vs %.0f req/s; p50 %.2f / %.2f ms, p99 %.2f / %.2f ms" % (
                     figures["readyz"]["rps"], figures["healthz"]["rps"], figures["readyz"]["p50"], figures["healthz"]["p50"],
                     figures["readyz"]["p99"], figures["healthz"]["p99"]))
        self.row("/readyz ÷ pgbench select 1, -M simple", figures["readyz"]["rps"] / ping, "—",
                 "%.0f req/s vs %.0f tps" % (figures["readyz"]["rps"], ping))
        self.row("/me per request: context switches (voluntary + involuntary), gateway CPU", None, "—",
                 "%.2f + %.2f, %.0f µs" % (me["switches"][0], me["switches"][1], me["cpu_us"]))

    def pages(self):
        """A page in another language costs what the English one does: every language's pages
        are rendered at start, so a request only picks one (Accept-Language read per request)."""
        gateway, port = self.gateway("ln=10,r=8,p=1", 2, pool=2)
        try:
            url = "http://127.0.0.1:%d/portal/login" % port

            def size(language):
                request = urllib.request.Request(url, headers={"Accept-Language": language} if language else {})
                return len(urllib.request.urlopen(request).read())
            sizes = {language: size(language) for language in ("", "de", "el")}
            english = self.measured(gateway, url)
            german = self.measured(gateway, url, headers=["Accept-Language: de"])
        finally:
            self.stop(gateway)
        self.row("/portal/login, Accept-Language: de ÷ without", german["rps"] / english["rps"], "≥ 0.9",
                 "%.0f vs %.0f req/s; p99 %.2f / %.2f ms; gateway CPU %.0f / %.0f µs; %d / %d bytes (el %d)" % (
                     german["rps"], english["rps"], german["p99"], english["p99"], german["cpu_us"], english["cpu_us"],
                     sizes["de"], sizes[""], sizes["el"]))

    def pgbench(self, script, clients, seconds, user=None, mode="simple"):
        url = self.database + (" user=%s" % user if user else "")
        out = subprocess.run([os.path.join(self.pg_bin, "pgbench"), "-n", "-M", mode, "-f", script, "-c", str(clients),
                              "-j", str(min(clients, 2)), "-T", str(seconds), url],
                             capture_output=True, text=True, check=True).stdout
        return float(re.search(r"tps = ([\d.]+)", out).group(1))

    def token_lifecycle(self):
        port = self.sql("select portal_api.create_port('Lifecycle')")
        lifecycle = os.path.join(self.logs, "lifecycle.sql")
        with open(lifecycle, "w") as f:
            f.write("select portal_api.invite(portal_api.create_client('%s', 'c'), 'lc-' || gen_random_uuid() || '@example.com') as uid \\gset\n" % port)
            f.write("select id as tid from portal.portal_auth_tokens where portal_user_id = :'uid' \\gset\n".replace(":'uid'", "':uid'"))
            f.write("select portal_api.seal_token(':tid', sha256(convert_to(':tid', 'UTF8')));\n")
            f.write("select portal_api.consume_token('activation', sha256(convert_to(':tid', 'UTF8')), '$scrypt$ln=10,r=8,p=1$c2FsdHNhbHQ$a2V5a2V5a2V5a2V5');\n")
        tps = self.pgbench(lifecycle, 4, self.seconds)
        self.row("token lifecycle in SQL (invite + seal + consume)", None, "—", "%.0f lifecycles/s (4 clients)" % tps)
        known = [self.user_with_password(10)[0] for _ in range(20)]
        for name, emails in (("known", known), ("unknown", ["nobody-%d@example.com" % i for i in range(20)])):
            script = os.path.join(self.logs, "reset-%s.sql" % name)
            with open(script, "w") as f:
                f.write("\\set i random(0, 19)\n")
                f.write("select portal_api.request_password_reset((array['%s'])[:i + 1]);\n" % "','".join(emails))
            tps = self.pgbench(script, 4, self.seconds, user="portal_gateway")
            self.row("reset requests in SQL (%s emails)" % name, None, "—", "%.0f requests/s (4 clients)" % tps)

    def mail(self):
        maildir = tempfile.mkdtemp(prefix="bench-sink-")
        sink = subprocess.Popen([sys.executable, os.path.join(ROOT, "scripts", "smtp_sink.py"), "--maildir", maildir],
                                stdout=subprocess.PIPE, text=True)
        smtp_port = int(sink.stdout.readline().split()[1])
        count = 500 if self.smoke else 5000
        try:
            # Reference: a plain SMTP client pushing the same number of similar messages over one connection.
            message = open(glob.glob(os.path.join(ROOT, "Sources", "Mailer", "Templates", "activation.html.mustache"))[0]).read()
            body = "Subject: reference\r\nContent-Type: text/html\r\n\r\n" + message * 3
            started = time.time()
            with smtplib.SMTP("127.0.0.1", smtp_port) as client:
                for i in range(count):
                    client.sendmail("ref@bench.example", ["ref-%d@example.com" % i], body)
            reference = count / (time.time() - started)
            for path in glob.glob(os.path.join(maildir, "*.eml")):
                os.remove(path)

            # Only this step's mail: what earlier steps queued (reset requests, invites) is set aside.
            self.sql("update portal.mail_outbox set status = 'skipped' where status = 'queued'")
            port = self.sql("select portal_api.create_port('Mail bench')")
            self.sql("select portal_api.invite(portal_api.create_client('%s', 'c' || g), 'mail-' || g || '@example.com') "
                     "from generate_series(1, %d) g" % (port, count))
            env = dict(os.environ, DATABASE_URL=self.database + " user=portal_mailer", PORTAL_BASE_URL="https://portal.example",
                       PORTAL_TOKEN_KEY=TOKEN_KEY, SMTP_HOST="127.0.0.1", SMTP_PORT=str(smtp_port), SMTP_TLS="none",
                       MAILER_BATCH="50", MAILER_POLL_INTERVAL="30", LOG_LEVEL="warning")
            started = time.time()
            mailer = subprocess.Popen([self.binary, "mailer"], env=env, stdout=open(os.path.join(self.logs, "mailer.log"), "a"),
                                      stderr=subprocess.STDOUT)
            def delivered():
                # Names only (the sink's unfinished files start with a dot), every 0.2 s: globbing
                # thousands of files every 50 ms took 14 % of a core from what is measured.
                return sum(1 for name in os.listdir(maildir) if not name.startswith("."))
            while delivered() < count and time.time() - started < 600:
                time.sleep(0.2)
            rate = delivered() / (time.time() - started)
            self.row("mail backlog (%d) ÷ plain SMTP client into the same sink" % count, rate / reference, "—",
                     "%.0f mails/s vs %.0f messages/s" % (rate, reference))
            for path in glob.glob(os.path.join(maildir, "*.eml")):
                os.remove(path)

            def arrived(address):
                """The sink's file for `address` (its name does not say, its text does), found
                without listing the folder on every poll: a glob per millisecond is CPU the mailer
                and Postgres would be denied on two cores. Other files (mail still coming from
                earlier steps) are removed as they are seen."""
                deadline = time.time() + 30
                seen = None
                while time.time() < deadline:
                    # Looked at once before waiting: the mail may be in before psql has exited.
                    mtime = os.stat(maildir).st_mtime_ns
                    if mtime != seen:
                        seen = mtime
                        for path in glob.glob(os.path.join(maildir, "*.eml")):
                            with open(path, errors="replace") as f:
                                mine = address in f.read()
                            if mine:
                                return path
                            os.remove(path)
                    time.sleep(0.0005)
                return None

            # Commit to SMTP: from the last moment inside the invite's transaction (clock_timestamp()
            # right before COMMIT, so the commit's own WAL flush counts) to the sink's file time,
            # both on this machine's clock — psql's start-up is not counted.
            latencies = []
            for i in range(5 if self.smoke else 200):
                address = "lat-%s@example.com" % uuid.uuid4().hex[:10]
                out = subprocess.run(["psql", self.database, "-qtA", "-v", "ON_ERROR_STOP=1", "-c", "begin",
                                      "-c", "select portal_api.invite(portal_api.create_client('%s', 'lat'), '%s')" % (port, address),
                                      "-c", "select extract(epoch from clock_timestamp())", "-c", "commit"],
                                     capture_output=True, text=True, check=True).stdout.split()
                committed = float(out[-1])
                path = arrived(address)
                if path is None:
                    continue
                latencies.append((os.stat(path).st_mtime - committed) * 1000)
                os.remove(path)
                time.sleep(0.02)
            self.stop(mailer)
            latencies.sort()
            p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
            self.row("commit-to-SMTP latency, single mails", None, "p50 ≤ 10 ms, p99 ≤ 50 ms",
                     "p50 %.1f ms, p99 %.1f ms (%d mails)" % (statistics.median(latencies), p99, len(latencies)))
        finally:
            sink.terminate()
            sink.wait()
            shutil.rmtree(maildir, ignore_errors=True)

    def table(self):
        lines = ["machine: %d cores, %s; scrypt through OpenSSL %s" % (
                     self.cores, open("/proc/meminfo").readline().split(":")[1].strip(), __import__("ssl").OPENSSL_VERSION),
                 "", "| measurement | ratio | goal | figures |", "| --- | --- | --- | --- |"]
        for what, ratio, goal, detail in self.rows:
            lines.append("| %s | %s | %s | %s |" % (what, "%.2f" % ratio if ratio is not None else "—", goal, detail))
        return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    parser.add_argument("--database", required=True)
    parser.add_argument("--pg-bin", required=True)
    parser.add_argument("--smoke", action="store_true")
    parser.add_argument("--only", help="comma-separated steps: sign_in_vs_scrypt, overload, me_vs_pgbench, pages, token_lifecycle, mail")
    args = parser.parse_args()
    bench = Bench(args)
    steps = (bench.sign_in_vs_scrypt, bench.overload, bench.me_vs_pgbench, bench.pages, bench.token_lifecycle, bench.mail)
    if args.only:
        wanted = set(args.only.split(","))
        steps = [step for step in steps if step.__name__ in wanted]
    for step in steps:
        print("==> %s" % step.__name__, flush=True)
        step()
    table = bench.table()
    os.makedirs(os.path.join(ROOT, ".run", "bench"), exist_ok=True)
    with open(os.path.join(ROOT, ".run", "bench", "results.md"), "w") as f:
        f.write(table + "\n")
    print("\n" + table)


if __name__ == "__main__":
    main()
