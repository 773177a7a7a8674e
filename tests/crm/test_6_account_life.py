"""The life of an account in the CRM's deployment, through the real mailer: the cut-over from the
magic-link portal (forgot-password and send-activations mail activation links to imported
clients, who then sign in) and a deleted client whose queued mail is never delivered
(docs/crm-integration.md "Cutting over from the magic-link portal", docs/api.md "Deleting a
client")."""
import glob
import os
import subprocess
import time

from conftest import PASSWORD, sign_in, unique, unique_id
from stack import BINARY


def mails_to(stack, address):
    return [path for path in glob.glob(os.path.join(stack.mail_dir, "*.eml")) if address in open(path, errors="replace").read()]


def import_invited(stack, tmp_path, *addresses):
    """Imports a client and a portal user without a password (a magic-link-only user) per address."""
    clients, users = ["id,port_id,name"], ["id,port_id,client_id,email,password_hash,name,is_active"]
    for address in addresses:
        client = unique_id("cut-client")
        clients.append("%s,%s,%s" % (client, stack.port_id, "Client of " + address.split("@")[0]))
        users.append("%s,%s,%s,%s,,Owner,true" % (unique_id("cut-user"), stack.port_id, client, address))
    (tmp_path / "clients.csv").write_text("\n".join(clients) + "\n")
    (tmp_path / "portal_users.csv").write_text("\n".join(users) + "\n")
    return ["--clients", str(tmp_path / "clients.csv"), "--portal-users", str(tmp_path / "portal_users.csv")]


def admin(stack, *arguments):
    return subprocess.run([BINARY, "admin"] + list(arguments) + ["--database-url", stack.database_url],
                          capture_output=True, text=True)


def test_an_imported_client_who_types_their_email_into_forgot_password_gets_in(stack, tmp_path):
    address = unique("imported")
    imported = admin(stack, "import", *import_invited(stack, tmp_path, address))
    assert imported.returncode == 0, imported.stderr
    time.sleep(1)
    assert mails_to(stack, address) == [], "the import mails nobody"

    status, _, body, _ = stack.request("POST", "/api/portal/auth/forgot-password", {"email": address})
    assert status == 200 and body == {"ok": True}
    token = stack.wait_for_link(address, "activate").split("#token=")[1]
    assert stack.request("POST", "/api/portal/auth/activate", {"token": token, "password": PASSWORD})[0] == 200
    _, signed_in = sign_in(stack, address)
    assert signed_in["user"]["email"] == address


def test_send_activations_mails_every_invited_client_once(stack, tmp_path):
    first, second = unique("cut-one"), unique("cut-two")
    files = import_invited(stack, tmp_path, first, second)
    dry = admin(stack, "import", *files, "--send-activations", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    run = admin(stack, "import", *files, "--send-activations")
    assert run.returncode == 0, run.stderr
    assert "activation mails queued for the mailers" in run.stdout, run.stdout
    for address in (first, second):
        token = stack.wait_for_link(address, "activate").split("#token=")[1]
        assert stack.request("POST", "/api/portal/auth/activate", {"token": token, "password": PASSWORD})[0] == 200
        sign_in(stack, address)

    again = admin(stack, "send-activations", "--port", stack.port_id)
    assert again.returncode == 0, again.stderr
    time.sleep(1.5)
    assert len(mails_to(stack, first)) == 1 and len(mails_to(stack, second)) == 1, "activated users get nothing more"


def test_a_deleted_clients_queued_mail_is_never_delivered(stack):
    doomed, witness = unique("doomed"), unique("witness")
    client = stack.sql("select portal_api.create_client(:'a1', 'Doomed Client')", stack.port_id)
    # The invite and its mail, due in three seconds (as a mail waiting for a retry would be).
    stack.sql("begin; select portal_api.invite(:'a1', :'a2');"
              "update portal.mail_outbox set run_at = now() + interval '3 seconds' where recipient = :'a2'; commit;",
              client, doomed)
    status, _, _, _ = stack.admin("DELETE", "/api/v1/clients/" + client)
    assert status == 204
    assert stack.admin("DELETE", "/api/v1/clients/" + client)[0] == 404
    time.sleep(4)
    # The mailer is at work: a mail queued now arrives; the deleted client's never does.
    stack.invite(witness)
    stack.wait_for_link(witness, "activate")
    time.sleep(1)
    assert mails_to(stack, doomed) == [], "the deleted client's mail was sent"
    assert stack.sql("select count(*) from portal.auth_events where email = :'a1'", doomed) == "0"
    assert stack.admin("POST", "/api/v1/clients/%s/portal-user" % stack.sql(
        "select portal_api.create_client(:'a1', 'Again')", stack.port_id), {"email": doomed})[0] == 201, "the address is free"
