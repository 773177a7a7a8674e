"""scripts/smtp_sink.py as a test fixture: a real SMTP server (aiosmtpd) on loopback that stores
each accepted message as an .eml file. Shared by the ops and crm tiers."""
import email
import email.policy
import glob
import os
import re
import subprocess
import sys
import tempfile

from stack import ROOT


class SMTPSink:
    """scripts/smtp_sink.py: a real SMTP server (aiosmtpd) storing each accepted message."""

    def __init__(self, name, *arguments):
        self.maildir = tempfile.mkdtemp(prefix="%s-smtp-" % name)
        self.process = subprocess.Popen([sys.executable, os.path.join(ROOT, "scripts", "smtp_sink.py"), "--maildir", self.maildir]
                                        + list(arguments),
                                        stdout=subprocess.PIPE, text=True)
        line = self.process.stdout.readline()
        assert line.startswith("READY "), line
        self.port = int(line.split()[1])

    def message_ids(self):
        """Message-ID of every message received (one entry per delivery: duplicates repeat)."""
        ids = []
        for path in glob.glob(os.path.join(self.maildir, "*.eml")):
            with open(path, "rb") as f:
                message = email.message_from_binary_file(f)
            ids.append(message["Message-ID"])
        return ids

    def outbox_ids(self):
        """The outbox id of every message received: <portal-auth.mail-<id>.<message key>@domain>."""
        return [int(re.search(r"mail-(\d+)\.[0-9a-f-]+@", m).group(1)) for m in self.message_ids()]

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)

    def messages(self, recipient=None):
        """Every received message (email.message.EmailMessage), optionally only those to `recipient`."""
        found = []
        for path in sorted(glob.glob(os.path.join(self.maildir, "*.eml")), key=os.path.getmtime):
            with open(path, "rb") as f:
                message = email.message_from_binary_file(f, policy=email.policy.default)
            if recipient is None or recipient in str(message["To"]):
                found.append(message)
        return found
