"""The CRM's ids are the ids: PUT /api/v1/clients/:id registers a client under the CRM's own id,
the invite button renders from one GET (state "none" and the allowed actions), and `portal-auth
admin import` moves the old portal's users in with their Node hashes (README "Moving from the
magic-link / Node portal")."""
import concurrent.futures
import json
import os
import subprocess
import tempfile

from conftest import PASSWORD, sign_in, unique, unique_id, wait_until
from stack import BINARY, free_port

FIXTURES = os.path.join(os.path.dirname(__file__), "fixtures")


def key_for_new_port(stack, name):
    port = stack.sql("select portal_api.create_port(:'a1')", name)
    return port, stack.sql("select portal_api.create_admin_key(:'a1', 'crm')", port)


def test_put_registers_a_client_under_the_crms_id(stack):
    client = unique_id("crm-client")
    path = "/api/v1/clients/" + client
    status, _, body, _ = stack.admin("PUT", path, {"name": "Jane Boats", "billingEmail": "Billing@Jane.example"})
    assert status == 201, body
    assert body["client"]["id"] == client and body["client"]["portId"] == stack.port_id
    assert body["client"]["billingEmail"] == "billing@jane.example"
    status, _, again, _ = stack.admin("PUT", path, {"name": "Jane Boats", "billingEmail": "billing@jane.example"})
    assert status == 200 and again["client"] == body["client"], "idempotent"
    status, _, renamed, _ = stack.admin("PUT", path, {"name": "Jane Boats Ltd"})
    assert status == 200 and renamed["client"]["name"] == "Jane Boats Ltd" and renamed["client"]["billingEmail"] is None

    # The same id under another port's key: 409, and which port holds it is not said.
    _, other_key = key_for_new_port(stack, "Other Marina")
    status, _, refused, raw = stack.request("PUT", path, {"name": "Impostor"}, headers={"Authorization": "Bearer " + other_key})
    assert status == 409 and refused["error"]["code"] == "id_taken"
    assert stack.port_id.encode() not in raw
    assert stack.sql("select name from portal.clients where id = :'a1'", client) == "Jane Boats Ltd", "nothing moved"

    for bad_path, bad_body in (("/api/v1/clients/a%20b", {"name": "x"}), (path, {"name": "x", "extra": 1}),
                               (path, {"name": ""}), (path, {"name": "x", "billingEmail": "not-an-email"}), (path, {})):
        status, _, error, _ = stack.admin("PUT", bad_path, bad_body)
        assert status == 400, (bad_path, bad_body, error)
    assert stack.request("PUT", path, {"name": "x"})[0] == 401, "an admin key is needed"


def test_concurrent_puts_of_one_new_client_create_it_once(stack):
    """A CRM retry racing its first attempt: one 201, the rest 200, never a 5xx."""
    client = unique_id("crm-race")
    with concurrent.futures.ThreadPoolExecutor(max_workers=16) as pool:
        statuses = list(pool.map(lambda _: stack.admin("PUT", "/api/v1/clients/" + client, {"name": "Race"})[0], range(16)))
    assert sorted(statuses) == [200] * 15 + [201], statuses
    assert stack.sql("select count(*) from portal.auth_events where event = 'client_created' and client_id = :'a1'", client) == "1"


def test_the_invite_button_renders_from_one_answer(stack):
    client = unique_id("crm-button")
    assert stack.admin("PUT", "/api/v1/clients/" + client, {"name": "Button Client"})[0] == 201
    path = "/api/v1/clients/%s/portal-user" % client
    status, _, body, _ = stack.admin("GET", path)
    assert status == 200 and body == {"portalUser": {"clientId": client, "portId": stack.port_id, "state": "none",
                                                     "actions": ["invite"]}}
    assert stack.admin("GET", "/api/v1/clients/%s/portal-user" % unique_id("no-such"))[0] == 404, "a wrong id is still 404"
    status, _, invited, _ = stack.admin("POST", path, {"email": unique("button")})
    assert status == 201 and invited["portalUser"]["state"] == "invited"
    assert invited["portalUser"]["actions"] == ["resend", "disable"]
    status, _, disabled, _ = stack.admin("POST", path + "?action=disable")
    assert disabled["portalUser"]["actions"] == ["enable"]


def admin_import(stack, *arguments):
    return subprocess.run([BINARY, "admin", "import", "--database-url", stack.database_url] + list(arguments),
                          capture_output=True, text=True)


def test_importing_the_old_portal_keeps_ids_and_legacy_passwords(stack):
    files = ["--ports", os.path.join(FIXTURES, "ports.csv"), "--clients", os.path.join(FIXTURES, "clients.csv"),
             "--portal-users", os.path.join(FIXTURES, "portal_users.csv")]
    dry = admin_import(stack, *files, "--dry-run", "--json")
    assert dry.returncode == 0, dry.stderr
    assert json.loads(dry.stdout) == {"dryRun": True, "ports": {"created": 2, "updated": 0, "unchanged": 0},
                                      "clients": {"created": 3, "updated": 0, "unchanged": 0},
                                      "portal_users": {"created": 3, "updated": 0, "unchanged": 0}}
    assert stack.sql("select count(*) from portal.ports where id like 'legacy-port-%'") == "0", "a dry run writes nothing"

    real = admin_import(stack, *files)
    assert real.returncode == 0, real.stderr
    assert "portal users: 3 created" in real.stdout
    again = admin_import(stack, *files, "--json")
    assert again.returncode == 0 and json.loads(again.stdout)["portal_users"] == {"created": 0, "updated": 0, "unchanged": 3}, \
        "re-runnable without duplicates"
    assert json.loads(again.stdout)["clients"]["unchanged"] == 3

    # Jane signs in with the password she had on the old portal; her hash is upgraded meanwhile
    # (hashes are only ever upgraded to a higher cost: this gateway hashes above the Node
    # portal's N=2^14, the tier's own gateway below it).
    port = free_port()
    gateway = stack.spawn_gateway(port, "gateway-ln15", PORTAL_SCRYPT="ln=15,r=8,p=1")
    upgrading = "http://localhost:%d" % port
    try:
        stack.wait_ready(base_url=upgrading, process=gateway)
        cookie, signed_in = sign_in(stack, "jane@janeboats.example", "correct horse battery staple", base_url=upgrading)
        assert signed_in["user"]["id"] == "legacy-user-1" and signed_in["user"]["clientId"] == "legacy-client-1"
        assert signed_in["user"]["portName"] == "Harbour Point Marina"
        wait_until(lambda: stack.sql("select password_hash from portal.portal_users where id = 'legacy-user-1'")
                   .startswith("$scrypt$ln=15,"), 15, "the legacy hash to be upgraded")
        sign_in(stack, "jane@janeboats.example", "correct horse battery staple", base_url=upgrading)
    finally:
        gateway.terminate()
        gateway.wait(timeout=15)

    # Tom had no password (magic links): invited; staff send him a link from the CRM.
    key = stack.sql("select portal_api.create_admin_key('legacy-port-1', 'crm')")
    headers = {"Authorization": "Bearer " + key}
    status, _, tom, _ = stack.request("GET", "/api/v1/clients/legacy-client-2/portal-user", headers=headers)
    assert status == 200 and tom["portalUser"]["state"] == "invited" and tom["portalUser"]["actions"] == ["resend", "disable"]
    assert stack.request("POST", "/api/v1/clients/legacy-client-2/portal-user?action=resend", headers=headers)[0] == 200
    token = stack.wait_for_link("tom@smith.example", "activate").split("#token=")[1]
    assert stack.request("POST", "/api/portal/auth/activate", {"token": token, "password": PASSWORD})[0] == 200
    sign_in(stack, "tom@smith.example")

    # Øre was inactive on the old portal: imported disabled, the right password is refused.
    status, _, _, _ = stack.request("POST", "/api/portal/auth/sign-in", {"email": "ore@ore.example", "password": "harbour-master-42"})
    assert status == 401
    assert stack.sql("select count(*) from portal.auth_events where event = 'portal_user_imported'") == "3"


def test_a_bad_row_imports_nothing_and_says_where(stack):
    folder = tempfile.mkdtemp(prefix="crm-import-")
    ports = os.path.join(folder, "ports.csv")
    clients = os.path.join(folder, "clients.csv")
    users = os.path.join(folder, "portal_users.csv")
    port = unique_id("bad-import-port")
    open(ports, "w").write("id,name\n%s,Bad Import Marina\n" % port)
    open(clients, "w").write("id,port_id,name,billing_email\n%s-c1,%s,One,\n%s-c2,%s,Two,\n" % (port, port, port, port))
    open(users, "w").write("id,port_id,client_id,email\n%s-u1,%s,%s-c1,one@x.example\n%s-u2,%s,%s-c2,not an email\n"
                           % (port, port, port, port, port, port))
    result = admin_import(stack, "--ports", ports, "--clients", clients, "--portal-users", users)
    assert result.returncode == 1
    assert "portal_users.csv line 3" in result.stderr and "nothing was imported" in result.stderr, result.stderr
    assert stack.sql("select count(*) from portal.ports where id = :'a1'", port) == "0", "all or nothing"

    open(ports, "wb").write("id,name\n%s,\u00d8resund\n".encode("cp1252") % port.encode())
    result = admin_import(stack, "--ports", ports)
    assert result.returncode == 1 and "is not UTF-8" in result.stderr, result.stderr

    open(users, "w").write("id,port_id,client_id\n")
    result = admin_import(stack, "--portal-users", users)
    assert result.returncode == 1 and "missing column email" in result.stderr, result.stderr
    result = admin_import(stack)
    assert result.returncode == 64, "no file named is a usage error"


def test_an_id_twice_in_one_file_is_refused_naming_both_lines(stack):
    folder = tempfile.mkdtemp(prefix="crm-import-")
    ports = os.path.join(folder, "ports.csv")
    port = unique_id("twice-port")
    open(ports, "w").write("id,name\n%s,First\n%s-b,Second\n%s,Third\n" % (port, port, port.upper()))
    result = admin_import(stack, "--ports", ports)
    assert result.returncode == 1, result.stdout
    assert "line 2 and line 4" in result.stderr and "differing only in case" in result.stderr, result.stderr
    assert stack.sql("select count(*) from portal.ports where lower(id) like lower(:'a1') || '%'", port) == "0", \
        "refused before anything was written"


def test_a_crm_id_differing_only_in_case_is_the_same_client(stack):
    client = unique_id("Case-Client")
    assert stack.admin("PUT", "/api/v1/clients/" + client, {"name": "Upper"})[0] == 201
    status, _, body, _ = stack.admin("PUT", "/api/v1/clients/" + client.lower(), {"name": "Lower"})
    assert status == 409 and body["error"]["code"] == "id_taken", body
    assert "differing only in case" in body["error"]["message"] and client in body["error"]["message"]
    assert stack.sql("select count(*) from portal.clients where lower(id) = lower(:'a1')", client) == "1"
