"""The restore runbook (docs/operations.md) on a real pg_dump / pg_restore: what the restore revives (a
signed-out cookie, a consumed link) is refused again once the documented statement has run — and
so is a cookie issued after the backup and ended before the restore, whatever its epoch."""
import os
import re
import subprocess
import time
import uuid

from conftest import PASSWORD, unique
from stack import BINARY, ROOT, Stack


def documented_statement():
    runbook = open(os.path.join(ROOT, "docs", "operations.md")).read()
    section = runbook[runbook.index("## Restoring from a backup"):]
    return re.search(r"```sql\n(.+?)\n```", section, re.S).group(1).strip()


def test_after_a_restore_revived_cookies_and_links_are_refused(figures):
    superuser = os.environ["PORTAL_TEST_OPS_DATABASE_URL"].rsplit("dbname=", 1)[0]
    name = "portal_restore_%s" % uuid.uuid4().hex[:8]
    subprocess.run(["psql", superuser + "dbname=postgres", "-qc", "create database %s" % name], check=True)
    url = superuser + "dbname=" + name
    subprocess.run([BINARY, "migrate", "--database-url", url], check=True, capture_output=True)
    stack = Stack(url, "ops-restore")
    backup = os.path.join(stack.mail_dir, "backup.dump")
    try:
        stack.start()
        # Before the backup: A signed in; B invited (an outstanding activation link).
        a = stack.activated_user(unique("restore-a"), PASSWORD)
        status, headers, _, _ = stack.request("POST", "/api/portal/auth/sign-in", {"email": a, "password": PASSWORD})
        assert status == 200
        cookie = headers["Set-Cookie"].split(";")[0]
        b = unique("restore-b")
        stack.invite(b)
        link_b = stack.wait_for_link(b, "activate").split("#token=")[1]
        c = stack.activated_user(unique("restore-c"), PASSWORD)

        subprocess.run(["pg_dump", "-Fc", "-f", backup, url], check=True)

        # After the backup: A signs out everywhere, B activates.
        assert stack.request("POST", "/api/portal/auth/sign-out?scope=all", {}, {"Cookie": cookie})[0] in (200, 204)
        assert stack.request("GET", "/api/portal/auth/me", headers={"Cookie": cookie})[0] == 401
        assert stack.request("POST", "/api/portal/auth/activate", {"token": link_b, "password": PASSWORD})[0] == 200
        # C signs in and changes the password (its session epoch moves past the backup's), then
        # signs out everywhere: the cookie of the password change carries the epoch that the
        # restore's bump (backup epoch + 1) reaches.
        status, headers, _, _ = stack.request("POST", "/api/portal/auth/sign-in", {"email": c, "password": PASSWORD})
        assert status == 200
        status, headers, _, _ = stack.request(
            "POST", "/api/portal/auth/change-password",
            {"currentPassword": PASSWORD, "newPassword": "Another harbour at dawn 7"},
            {"Cookie": headers["Set-Cookie"].split(";")[0]})
        assert status == 200
        cookie_c = headers["Set-Cookie"].split(";")[0]
        assert stack.request("GET", "/api/portal/auth/me", headers={"Cookie": cookie_c})[0] == 200
        assert stack.request("POST", "/api/portal/auth/sign-out?scope=all", {}, {"Cookie": cookie_c})[0] in (200, 204)
        assert stack.request("GET", "/api/portal/auth/me", headers={"Cookie": cookie_c})[0] == 401

        # The disaster and the restore.
        subprocess.run(["psql", superuser + "dbname=postgres", "-qc", "drop database %s with (force)" % name], check=True)
        subprocess.run(["psql", superuser + "dbname=postgres", "-qc", "create database %s" % name], check=True)
        subprocess.run(["pg_restore", "--exit-on-error", "-d", url, backup], check=True)
        time.sleep(0.5)

        # What the restore revived: the signed-out cookie works, the used link is unused again.
        revived_cookie = stack.request("GET", "/api/portal/auth/me", headers={"Cookie": cookie})[0]
        revived_link = stack.request("POST", "/api/portal/auth/token-status", {"token": link_b})[2]
        assert revived_cookie == 200, revived_cookie
        assert revived_link["status"] == "valid", revived_link

        counts = stack.sql(documented_statement())

        assert stack.request("GET", "/api/portal/auth/me", headers={"Cookie": cookie})[0] == 401
        ended_after_backup = stack.request("GET", "/api/portal/auth/me", headers={"Cookie": cookie_c})[0]
        assert ended_after_backup == 401, "a cookie issued after the backup and ended before the restore: %s" % ended_after_backup
        status, _, body, _ = stack.request("POST", "/api/portal/auth/activate", {"token": link_b, "password": PASSWORD})
        assert status in (400, 410) and body["error"]["code"] != "internal_error", (status, body)
        # Nobody is locked out of their account: A signs in again; B gets a fresh invitation.
        assert stack.request("POST", "/api/portal/auth/sign-in", {"email": a, "password": PASSWORD})[0] == 200
        figures("restore runbook: pg_dump → sign-out + activation → pg_restore → after_restore()",
                "revived cookie 200 → 401, revived link valid → refused, cookie issued and ended after the backup → 401; %s"
                % counts)
    finally:
        stack.stop()
        subprocess.run(["psql", superuser + "dbname=postgres", "-qc", "drop database if exists %s with (force)" % name])
