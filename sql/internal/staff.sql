-- Staff actions shared by the DBA functions (api/admin.sql) and the admin HTTP API
-- (api/crm.sql): the port of an admin key, inviting, the actions on a client's portal user, and
-- changing its address.
--
-- Raises: PA002 email_taken, PA003 portal_user_exists, PA004 client_not_found, PA006
-- portal_user_not_found, PA007 already_active, PA008 invalid_input, PA012
-- portal_user_disabled, PA014 invalid_admin_key.

set local role portal_owner;

-- Port of a live admin key, or PA014. Touches last_used_at at most once a minute.
create or replace function portal.port_for_admin_key(p_key_hash bytea, out port_id text, out key_id text)
language plpgsql
set search_path = pg_catalog, pg_temp
as $$
begin
    select k.port_id, k.id into port_id, key_id from portal.admin_keys k
     where k.key_hash = p_key_hash and k.revoked_at is null;
    if not found then
        raise exception 'invalid admin key' using errcode = 'PA014';
    end if;
    update portal.admin_keys k set last_used_at = now()
     where k.id = key_id and (k.last_used_at is null or k.last_used_at < now() - interval '1 minute');
end
$$;
revoke all on function portal.port_for_admin_key(bytea) from public;

-- Invites a client: portal user + activation token + queued mail, one transaction.
-- Raises PA004 (client, or not in p_port_id), PA002 email_taken, PA003 portal_user_exists, PA008.
create or replace function portal.do_invite(
    p_client_id text, p_port_id text, p_email text, p_name text, p_actor text, p_locale text default null)
returns portal.portal_users
language plpgsql
set search_path = pg_catalog, pg_temp
as $$
declare
    v_client portal.clients := portal.find_client(p_client_id, p_port_id);
    v_email text := portal.normalize_email(p_email);
    v_name text := nullif(btrim(p_name), '');
    v_locale text := portal.normalize_locale(p_locale);
    v_user portal.portal_users;
    v_constraint text;
begin
    if length(v_name) > 200 then
        raise exception 'name is longer than 200 characters' using errcode = 'PA008';
    end if;
    if exists (select from portal.portal_users u where u.client_id = v_client.id) then
        raise exception 'this client already has a portal user' using errcode = 'PA003';
    end if;
    begin
        insert into portal.portal_users (port_id, client_id, email, name, created_by, locale)
        values (v_client.port_id, v_client.id, v_email, coalesce(v_name, v_client.name), left(p_actor, 200), v_locale)
        returning * into v_user;
    exception when unique_violation then
        get stacked diagnostics v_constraint = constraint_name;
        if v_constraint = 'portal_users_email_key' then
            raise exception 'this email address is already used by another portal user' using errcode = 'PA002';
        end if;
        raise exception 'this client already has a portal user' using errcode = 'PA003';
    end;
    perform portal.queue_mail('activation', v_user, portal.issue_token(v_user.id, 'activation'));
    perform portal.log_event('invite', v_user, p_actor);
    return v_user;
end
$$;
revoke all on function portal.do_invite(text, text, text, text, text, text) from public;

-- resend | disable | enable | unlock | revoke-sessions | send-reset on a client's portal user;
-- returns its status. send-reset, for a client on the phone: a reset mail for an active user (a
-- locked one too: a reset is how its owner gets back in), a fresh activation link for one still
-- invited, at most send_reset_user times per user and window: past it, nothing is sent, the
-- refusal is audited (reset_throttled) and the answer is {"error": "rate_limited", "retryAfter": n}. Disable and revoke-sessions bump the epoch and delete every recorded session of the
-- user. Enabling an invited user whose activation link is no longer live (disable revoked it,
-- or it expired) issues and mails a fresh one, and the status says so ("note").
-- Raises PA004, PA006, PA007 (resend after activation), PA012 (resend while disabled), PA008.
create or replace function portal.do_client_action(p_client_id text, p_port_id text, p_action text, p_actor text)
returns jsonb
language plpgsql
set search_path = pg_catalog, pg_temp
as $$
declare
    v_user portal.portal_users := portal.find_portal_user(p_client_id, p_port_id);
    v_note text;
    v_wait integer;
begin
    case p_action
    when 'send-reset' then
        if not v_user.is_active then
            raise exception 'this portal user is disabled' using errcode = 'PA012',
                hint = 'Enable it first; a disabled account''s links would not work.';
        end if;
        v_wait := portal.rate_limit_hit('send_reset_user', v_user.id);
        if v_wait > 0 then
            perform portal.log_event('reset_throttled', v_user, p_actor, null, null, '{"reason": "send_reset_user"}');
            return jsonb_build_object('error', 'rate_limited', 'retryAfter', v_wait);
        end if;
        if v_user.password_hash is null then
            perform portal.queue_mail('activation', v_user, portal.issue_token(v_user.id, 'activation'));
            perform portal.log_event('resend', v_user, p_actor, null, null, '{"reason": "send-reset"}');
            v_note := 'This account was never activated: a fresh activation link was mailed instead of a reset link.';
        else
            perform portal.queue_mail('reset', v_user, portal.issue_token(v_user.id, 'reset'));
            perform portal.log_event('reset_sent', v_user, p_actor);
        end if;
    when 'resend' then
        if v_user.password_hash is not null then
            raise exception 'this portal user has already activated the account' using errcode = 'PA007';
        end if;
        if not v_user.is_active then
            raise exception 'this portal user is disabled' using errcode = 'PA012';
        end if;
        perform portal.queue_mail('activation', v_user, portal.issue_token(v_user.id, 'activation'));
        perform portal.log_event('resend', v_user, p_actor);
    when 'disable' then
        update portal.portal_users u
           set is_active = false, session_epoch = u.session_epoch + 1, updated_at = now()
         where u.id = v_user.id returning * into v_user;
        perform portal.end_sessions(v_user.id);
        perform portal.revoke_tokens(v_user.id);
        perform portal.log_event('disable', v_user, p_actor);
    when 'enable' then
        update portal.portal_users u set is_active = true, updated_at = now()
         where u.id = v_user.id returning * into v_user;
        perform portal.log_event('enable', v_user, p_actor);
        if v_user.password_hash is null and not exists (
            select from portal.portal_auth_tokens t
             where t.portal_user_id = v_user.id and t.type = 'activation'
               and t.used_at is null and t.revoked_at is null and t.expires_at > now()) then
            perform portal.queue_mail('activation', v_user, portal.issue_token(v_user.id, 'activation'));
            perform portal.log_event('resend', v_user, p_actor, null, null, '{"reason": "enabled without a live link"}');
            v_note := 'A fresh activation link was mailed (the previous one was no longer live).';
            raise notice '%', v_note;
        end if;
    when 'unlock' then
        update portal.portal_users u set failed_attempts = 0, locked_until = null, updated_at = now()
         where u.id = v_user.id returning * into v_user;
        perform portal.log_event('unlock', v_user, p_actor);
    when 'revoke-sessions' then
        update portal.portal_users u set session_epoch = u.session_epoch + 1, updated_at = now()
         where u.id = v_user.id returning * into v_user;
        perform portal.end_sessions(v_user.id);
        perform portal.log_event('revoke_sessions', v_user, p_actor);
    else
        raise exception 'unknown action "%"', p_action using errcode = 'PA008',
            hint = 'Actions: resend, disable, enable, unlock, revoke-sessions, send-reset.';
    end case;
    return portal.user_status(v_user) || jsonb_strip_nulls(jsonb_build_object('note', v_note));
end
$$;
revoke all on function portal.do_client_action(text, text, text, text) from public;

-- Staff change a client's portal address. Invited (no password yet): the address changes now and
-- a fresh activation link (the old one revoked) goes to it. Active: nothing changes yet: an
-- email_change link goes to the new address and a notice to the old one; the change applies when
-- the link is used (portal_api.confirm_email_change). The same address again changes nothing.
-- Returns the status, with a note saying which of these happened.
-- Raises PA004, PA006, PA002 email_taken (another portal user has the address), PA008 (a malformed
-- address), PA012 (a disabled user).
create or replace function portal.do_change_email(p_client_id text, p_port_id text, p_email text, p_actor text)
returns jsonb
language plpgsql
set search_path = pg_catalog, pg_temp
as $$
declare
    v_user portal.portal_users := portal.find_portal_user(p_client_id, p_port_id);
    v_email text := portal.normalize_email(p_email);
    v_old text := v_user.email;
    v_note text;
begin
    if not v_user.is_active then
        raise exception 'this portal user is disabled' using errcode = 'PA012',
            hint = 'Enable it first; a disabled account''s links would not work.';
    end if;
    if v_email = v_user.email then
        return portal.user_status(v_user) || jsonb_build_object('note', 'The address is already this one: nothing changed.');
    end if;
    if exists (select from portal.portal_users u where u.email = v_email) then
        raise exception 'this email address is already used by another portal user' using errcode = 'PA002';
    end if;
    if v_user.password_hash is null then
        begin
            update portal.portal_users u set email = v_email, updated_at = now()
             where u.id = v_user.id returning * into v_user;
        exception when unique_violation then
            raise exception 'this email address is already used by another portal user' using errcode = 'PA002';
        end;
        perform portal.queue_mail('activation', v_user, portal.issue_token(v_user.id, 'activation'));
        perform portal.log_event('email_changed', v_user, p_actor, null, null, jsonb_build_object('from', v_old));
        v_note := 'The address changed and a fresh activation link was mailed to it (the previous link no longer works).';
    else
        perform portal.queue_mail('email_change', v_user, portal.issue_token(v_user.id, 'email_change', v_email), v_email);
        perform portal.queue_mail('email_change_notice', v_user, null, null, jsonb_build_object('newEmail', v_email));
        perform portal.log_event('email_change_requested', v_user, p_actor, null, null, jsonb_build_object('newEmail', v_email));
        v_note := 'A confirmation link was mailed to the new address and a notice to the current one; '
                  || 'the address changes when the link is used.';
    end if;
    return portal.user_status(v_user) || jsonb_build_object('note', v_note);
end
$$;
revoke all on function portal.do_change_email(text, text, text, text) from public;
