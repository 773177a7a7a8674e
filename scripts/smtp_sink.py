#!/usr/bin/env python3
"""A real SMTP server for the tests (aiosmtpd): stores each accepted message as an .eml file.

    smtp_sink.py --maildir DIR [--port 0] [--starttls CERT KEY] [--auth USER:PASS]
                 [--reject REGEX] [--tempfail REGEX] [--tempfail-once REGEX] [--stall-data SECONDS]
                 [--no-smtputf8]

Prints "READY <port>" once it listens on 127.0.0.1. Recipients matching --reject get
550 (permanent), matching --tempfail get 451 (transient), matching --tempfail-once get 451 the
first time each address is offered and are accepted after that (a relay's passing hiccup). With
--no-smtputf8 it does not announce SMTPUTF8 and, like many relays, refuses a command that is not
ASCII (500). With --starttls, STARTTLS is required
before MAIL; with --auth, AUTH (PLAIN/LOGIN, over TLS) is required too.
"""
import argparse
import asyncio
import os
import re
import signal
import ssl
import sys
import time
import uuid

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class Handler:
    def __init__(self, maildir, reject, tempfail, stall=0.0, tempfail_once=None):
        self.maildir = maildir
        self.stall = stall
        self.reject = re.compile(reject) if reject else None
        self.tempfail = re.compile(tempfail) if tempfail else None
        self.tempfail_once = re.compile(tempfail_once) if tempfail_once else None
        self.tempfailed = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.reject and self.reject.search(address):
            return "550 5.1.1 No such user here"
        if self.tempfail and self.tempfail.search(address):
            return "451 4.3.0 Try again later"
        if self.tempfail_once and self.tempfail_once.search(address) and address not in self.tempfailed:
            self.tempfailed.add(address)
            return "451 4.3.0 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.stall:
            await asyncio.sleep(self.stall)
        name = "%d-%s.eml" % (time.time_ns(), uuid.uuid4().hex[:8])
        tmp = os.path.join(self.maildir, "." + name)
        with open(tmp, "wb") as f:
            f.write(("X-Envelope-From: %s\r\nX-Envelope-To: %s\r\nX-Peer: %s:%s\r\nX-TLS: %s\r\nX-Auth: %s\r\n" % (
                envelope.mail_from, ",".join(envelope.rcpt_tos), session.peer[0], session.peer[1],
                "yes" if session.ssl else "no",
                session.auth_data.login.decode() if session.authenticated and session.auth_data else "-")).encode())
            f.write(envelope.original_content or envelope.content)
        os.rename(tmp, os.path.join(self.maildir, name))
        return "250 Message accepted"


def main():
    # A parent that runs on worker threads (Swift concurrency, libdispatch) may hand us a blocked
    # SIGTERM: unblock it, or the tests could never stop us.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    parser = argparse.ArgumentParser()
    parser.add_argument("--maildir", required=True)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--starttls", nargs=2, metavar=("CERT", "KEY"))
    parser.add_argument("--auth")
    parser.add_argument("--reject")
    parser.add_argument("--tempfail")
    parser.add_argument("--tempfail-once")
    parser.add_argument("--stall-data", type=float, default=0.0)
    parser.add_argument("--no-smtputf8", action="store_true")
    args = parser.parse_args()
    os.makedirs(args.maildir, exist_ok=True)

    kwargs = {"enable_SMTPUTF8": not args.no_smtputf8}
    if args.starttls:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(*args.starttls)
        kwargs.update(tls_context=context, require_starttls=True)
    if args.auth:
        user, password = args.auth.split(":", 1)

        def authenticator(server, session, envelope, mechanism, auth_data):
            ok = isinstance(auth_data, LoginPassword) and auth_data.login.decode() == user \
                and auth_data.password.decode() == password
            return AuthResult(success=ok, handled=False, auth_data=auth_data)

        kwargs.update(authenticator=authenticator, auth_required=True, auth_require_tls=bool(args.starttls))

    port = args.port
    if port == 0:
        import socket
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
    controller = Controller(Handler(args.maildir, args.reject, args.tempfail, args.stall_data, args.tempfail_once), hostname="127.0.0.1", port=port,
                            server_hostname="localhost", ready_timeout=10, **kwargs)
    controller.start()
    print("READY %d" % port, flush=True)
    stop = asyncio.Event()
    loop = asyncio.new_event_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    loop.run_until_complete(stop.wait())
    controller.stop()


if __name__ == "__main__":
    sys.exit(main())
