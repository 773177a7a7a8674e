"""Each marina speaks as itself: its name in the sender, subject and body of its mails (received
by a real SMTP server), its reply-to and phone when set; its name on the portal's pages."""
import pytest

from conftest import PASSWORD, sign_in, unique, unique_id, wait_until
from sink import SMTPSink


SMTP = {"SMTP_HOST": "127.0.0.1", "SMTP_TLS": "none", "SMTP_FROM": "noreply@portal.example", "SMTP_TIMEOUT": "5"}


def stop(process):
    process.terminate()
    process.wait(timeout=15)


@pytest.fixture(scope="module")
def marina(stack):
    """The tier's stack with its file mailer replaced by one that sends to a real SMTP server (one
    outbox: only one kind of mailer may run at a time, or the other would take these mails)."""
    sink = SMTPSink("crm-marina")
    stop(stack.mailer)
    mailers = [stack.spawn_mailer("mailer-smtp", SMTP_PORT=str(sink.port), **SMTP)]
    try:
        yield stack, sink, mailers
    finally:
        stop(mailers[0])
        sink.stop()
        stack.start_mailer()


def sender(message):
    address = message["From"].addresses[0]
    return address.display_name, address.addr_spec


def invite_in_port(stack, port_name, contact=None):
    """A port of its own (with an admin key), one client, one invitation; (port id, key, email)."""
    port = stack.sql("select portal_api.create_port(:'a1', :'a2')", port_name, unique_id("port"))
    if contact:
        reply_to, phone = contact
        stack.sql("select portal_api.set_port_contact(:'a1', nullif(:'a2', ''), nullif(:'a3', ''))", port, reply_to or "",
                  phone or "")
    key = stack.sql("select portal_api.create_admin_key(:'a1', 'crm')", port)
    client = unique_id("client")
    headers = {"Authorization": "Bearer " + key}
    status, _, body, _ = stack.request("PUT", "/api/v1/clients/" + client, {"name": "Jane Boats"}, headers=headers)
    assert status == 201, body
    address = unique("marina")
    status, _, body, _ = stack.request("POST", "/api/v1/clients/%s/portal-user" % client, {"email": address, "name": "Jane"},
                                       headers=headers)
    assert status == 201, body
    return port, key, address


def test_the_mail_names_the_marina_and_its_contact(marina):
    stack, sink, _ = marina
    _, _, address = invite_in_port(stack, "North Harbour", ("office@north-harbour.example", "+44 1632 960123"))
    message = wait_until(lambda: sink.messages(address), 15, "the invitation")[0]
    assert sender(message) == ("North Harbour", "noreply@portal.example")
    assert message["Subject"] == "Set your password for the North Harbour client portal"
    assert message["Reply-To"].addresses[0].addr_spec == "office@north-harbour.example"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "An account for Jane Boats has been created for you on the North Harbour client portal." in text
    assert "Questions? Call +44 1632 960123 or write to office@north-harbour.example." in text
    assert "North Harbour client portal" in html and 'href="mailto:office@north-harbour.example"' in html


def test_a_marina_without_a_contact_gets_no_reply_to(marina):
    stack, sink, _ = marina
    _, _, address = invite_in_port(stack, "Øresund Marina")
    message = wait_until(lambda: sink.messages(address), 15, "the invitation")[0]
    assert sender(message) == ("Øresund Marina", "noreply@portal.example"), "a non-ASCII name is carried (RFC 2047)"
    assert message["Reply-To"] is None
    assert "Questions?" not in message.get_body(("plain",)).get_content()


def test_mail_from_name_overrides_every_marina(marina):
    stack, sink, mailers = marina
    stop(mailers[0])
    override = stack.spawn_mailer("mailer-override", SMTP_PORT=str(sink.port), MAIL_FROM_NAME="Marina Group", **SMTP)
    try:
        _, _, address = invite_in_port(stack, "West Basin")
        message = wait_until(lambda: sink.messages(address), 15, "the invitation")[0]
        assert sender(message) == ("Marina Group", "noreply@portal.example")
        assert "West Basin" in message["Subject"], "the subject still names the marina"
    finally:
        stop(override)
        mailers[0] = stack.spawn_mailer("mailer-smtp", SMTP_PORT=str(sink.port), **SMTP)


def test_the_pages_name_the_marina(marina):
    stack, sink, _ = marina
    _, _, address = invite_in_port(stack, "South Quay", (None, "+1 555 0100"))
    message = wait_until(lambda: sink.messages(address), 15, "the invitation")[0]
    token = message.get_body(("plain",)).get_content().split("#token=")[1].split()[0]
    status, _, body, _ = stack.request("POST", "/api/portal/auth/token-status", {"token": token})
    assert status == 200 and body == {"status": "valid", "type": "activation", "portName": "South Quay"}
    status, _, body, _ = stack.request("POST", "/api/portal/auth/activate", {"token": token, "password": PASSWORD})
    assert status == 200
    status, _, body, _ = stack.request("POST", "/api/portal/auth/token-status", {"token": token})
    assert body == {"status": "used", "type": "activation"}, "a used link names no marina"
    status, _, body, _ = stack.request("POST", "/api/portal/auth/token-status", {"token": "A" * 43})
    assert body == {"status": "invalid"}
    cookie, signed_in = sign_in(stack, address)
    assert signed_in["user"]["portName"] == "South Quay" and signed_in["user"]["clientName"] == "Jane Boats"
    status, _, me, _ = stack.request("GET", "/api/portal/auth/me", headers={"Cookie": cookie})
    assert me["user"]["portName"] == "South Quay" and me["user"]["clientName"] == "Jane Boats"
    assert me["user"]["supportPhone"] == "+1 555 0100" and "supportEmail" not in me["user"]
