"""After everything above: no password, raw token or secret in any log, the Postgres log, or a
pg_dump."""
import email as email_lib
import glob
import os
import re
import subprocess

from stack import JWT_SECRET, OUTPUT, TOKEN_KEY

PASSWORDS = ["Harbour lights at dusk 42", "nope nope nope", "' or '1'='1"]


def test_no_secret_in_logs_or_dump(stack, report):
    raw_tokens = set()
    for path in glob.glob(os.path.join(stack.mail_dir, "*.eml")):
        for part in email_lib.message_from_file(open(path)).walk():
            if part.get_content_type() == "text/plain":
                raw_tokens.update(re.findall(r"#token=([A-Za-z0-9_-]{43})", part.get_payload(decode=True).decode()))
    assert len(raw_tokens) >= 3, "the suite mailed tokens to look for"
    logs = stack.logs() + "".join(open(p, errors="replace").read()
                                  for p in glob.glob(os.path.join(OUTPUT, "logs", "**", "*.log"), recursive=True))
    postgres_log = open(os.environ["PORTAL_TEST_PG_LOG"], errors="replace").read()
    dump = subprocess.run(["pg_dump", "--dbname=" + stack.database_url], capture_output=True, text=True, check=True).stdout
    places = {"gateway and mailer logs": logs, "Postgres log": postgres_log, "pg_dump": dump}
    secrets = list(raw_tokens) + PASSWORDS + [TOKEN_KEY, JWT_SECRET, stack.admin_key]
    for name, text in places.items():
        leaked = [s for s in secrets if s in text]
        assert not leaked, "%s contains %d secrets" % (name, len(leaked))
    assert "#token=" not in logs
    report("%d mailed tokens, the passwords, both keys and the admin key searched in gateway/mailer logs, "
           "the Postgres log and pg_dump" % len(raw_tokens), "0 found")
