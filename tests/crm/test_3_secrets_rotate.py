"""Secrets rotate without signing anyone out (README "Rotating secrets"): two gateways on one
database, one rotated to a new PORTAL_JWT_SECRET with the old one in PORTAL_JWT_PREVIOUS_SECRETS;
a mailer restarted with a new PORTAL_TOKEN_KEY; an admin key replaced, its last use visible."""
import json
import subprocess

from conftest import PASSWORD, sign_in, unique, wait_until
from stack import BINARY, JWT_SECRET, free_port

NEW_SECRET = "rotated-jwt-secret-0123456789abcdefghijklmn"


def test_a_rotated_gateway_keeps_old_cookies_and_refuses_unknown_kids(stack):
    address = stack.activated_user(unique("rotate"), PASSWORD)
    old_cookie, _ = sign_in(stack, address)          # signed by the old secret (the stack's gateway)

    rotated_port = free_port()
    rotated = stack.spawn_gateway(rotated_port, "gateway-rotated", PORTAL_JWT_SECRET=NEW_SECRET,
                                  PORTAL_JWT_PREVIOUS_SECRETS=JWT_SECRET)
    retired_port = free_port()
    retired = stack.spawn_gateway(retired_port, "gateway-retired", PORTAL_JWT_SECRET=NEW_SECRET)
    try:
        rotated_url = "http://localhost:%d" % rotated_port
        retired_url = "http://localhost:%d" % retired_port
        stack.wait_ready(base_url=rotated_url, process=rotated)
        stack.wait_ready(base_url=retired_url, process=retired)

        me = lambda cookie, url: stack.request("GET", "/api/portal/auth/me", headers={"Cookie": cookie}, base_url=url)[0]
        assert me(old_cookie, rotated_url) == 200, "a cookie of the previous secret still works after the rotation"
        new_cookie, _ = sign_in(stack, address, base_url=rotated_url)
        assert me(new_cookie, rotated_url) == 200
        assert me(new_cookie, stack.base_url) == 401, "the old gateway does not know the new secret's kid"
        assert me(old_cookie, retired_url) == 401, "once the old secret is retired, its cookies are refused"
        assert me(new_cookie, retired_url) == 200

        # Signing out through the rotated gateway ends the old cookie everywhere.
        status, _, _, _ = stack.request("POST", "/api/portal/auth/sign-out", {}, headers={"Cookie": old_cookie},
                                        base_url=rotated_url)
        assert status == 204
        assert me(old_cookie, rotated_url) == 401 and me(old_cookie, stack.base_url) == 401
    finally:
        for process in (rotated, retired):
            process.terminate()
            process.wait(timeout=15)


def test_a_link_mailed_before_a_token_key_rotation_still_works_after_it(stack):
    """PORTAL_TOKEN_KEY only derives the raw tokens of mails not yet sent: a link already mailed is
    checked by its hash in the database, whatever the key is now."""
    before = unique("before-rotation")
    stack.invite(before)
    link_before = stack.wait_for_link(before, "activate")

    stack.mailer.terminate()
    stack.mailer.wait(timeout=15)
    after = unique("after-rotation")
    stack.invite(after)                            # queued while no mailer runs
    rotated = stack.spawn_mailer("mailer-rotated", PORTAL_TOKEN_KEY="rotated-token-key-0123456789abcdefghijklmnop")
    try:
        link_after = stack.wait_for_link(after, "activate")
        for link in (link_before, link_after):
            token = link.split("#token=")[1]
            status, _, body, _ = stack.request("POST", "/api/portal/auth/activate", {"token": token, "password": PASSWORD})
            assert status == 200, body
        sign_in(stack, before)
        sign_in(stack, after)
    finally:
        rotated.terminate()
        rotated.wait(timeout=15)
        stack.start_mailer()


def test_list_keys_shows_when_a_key_went_quiet(stack):
    old_key = stack.sql("select portal_api.create_admin_key(:'a1', 'rotation old')", stack.port_id)
    client = stack.invite(unique("keys"))
    headers = {"Authorization": "Bearer " + old_key}
    assert stack.request("GET", "/api/v1/clients/%s/portal-user" % client, headers=headers)[0] == 200
    new_key = stack.sql("select portal_api.create_admin_key(:'a1', 'rotation new')", stack.port_id)
    listed = subprocess.run([BINARY, "admin", "list-keys", stack.port_id, "--json", "--database-url", stack.database_url],
                            capture_output=True, text=True, check=True)
    keys = {k["label"]: k for k in json.loads(listed.stdout)}
    assert keys["rotation old"]["last_used_at"] is not None, "the old key's last use is shown"
    assert keys["rotation new"]["last_used_at"] is None, "the new key has not been used yet"
    old_id = keys["rotation old"]["id"]
    subprocess.run([BINARY, "admin", "revoke-key", old_id, "--database-url", stack.database_url], check=True,
                   capture_output=True)
    assert stack.request("GET", "/api/v1/clients/%s/portal-user" % client, headers=headers)[0] == 401
    assert stack.request("GET", "/api/v1/clients/%s/portal-user" % client,
                         headers={"Authorization": "Bearer " + new_key})[0] == 200
