-- Staff helping a client: who at the CRM acted (the admin API's X-Portal-Actor), a user's audit
-- history as support reads it, and the cut-over's activation mails for a whole port.
--
-- Raises: PA005 port_not_found, PA008 invalid_input (a staff actor that is empty, over 200 bytes
-- or holds control or invisible formatting characters).

set local role portal_owner;

-- Records the CRM staff user an admin-key call names: every audit row written by this statement
-- (the gateway's one call) carries it in staff_actor (internal/audit.sql's insert trigger, through
-- portal.staff_actor_now()). The setting is stamped with the statement's start, so a later
-- statement of the same transaction (a DBA's psql session) records nobody. NULL names nobody. A
-- claim of the key's holder: stored as given, trimmed. PA008.
create or replace function portal.act_for_staff(p_staff_actor text) returns void
language plpgsql
set search_path = pg_catalog, pg_temp
as $$
declare
    v_actor text := btrim(p_staff_actor);
begin
    if p_staff_actor is null then
        return;
    end if;
    if octet_length(v_actor) not between 1 and 200
       or v_actor ~ '[\u0001-\u001f\u007f-\u009f\u00ad\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]' then
        raise exception 'a staff actor is 1 to 200 bytes of printable text' using errcode = 'PA008',
            hint = 'X-Portal-Actor names the CRM''s staff user (an id or a login), without control or formatting characters.';
    end if;
    perform set_config('portal.staff_actor', portal.statement_stamp() || ':' || v_actor, true);
end
$$;
revoke all on function portal.act_for_staff(text) from public;

-- The current statement's start, as text: what scopes portal.act_for_staff's name to one call.
create or replace function portal.statement_stamp() returns text
language sql stable
set search_path = pg_catalog, pg_temp
as $$
    select to_char(statement_timestamp() at time zone 'UTC', 'YYYYMMDDHH24MISSUS') || '.' || pg_backend_pid();
$$;
revoke all on function portal.statement_stamp() from public;

-- The staff user named by this statement's admin-key call, or NULL.
create or replace function portal.staff_actor_now() returns text
language sql stable
set search_path = pg_catalog, pg_temp
as $$
    select case when v like portal.statement_stamp() || ':%' then substr(v, length(portal.statement_stamp()) + 2) end
      from (select current_setting('portal.staff_actor', true) as v) s;
$$;
revoke all on function portal.staff_actor_now() from public;

-- A portal user's audit history for support, newest first, at most p_limit rows (1 to 500,
-- default 50): when, what, who (on_behalf_of: admin_key:<id>, a DBA's name; "portal" for the
-- portal's own pages, i.e. the client or whoever typed the address), the staff user the key's
-- holder named, and the outcome (ok, failed, locked, refused, throttled, not_sent) with its
-- reason. No address, network address or user agent.
create or replace function portal.user_events(p_user portal.portal_users, p_limit integer) returns jsonb
language sql stable
set search_path = pg_catalog, pg_temp
as $$
    select coalesce(jsonb_agg(jsonb_strip_nulls(jsonb_build_object(
               'occurredAt', e.occurred_at,
               'event', e.event,
               'actor', coalesce(e.on_behalf_of, 'portal'),
               'staffActor', e.staff_actor,
               'outcome', case
                   when e.event = 'lockout' then 'locked'
                   when e.event like '%\_failed' then 'failed'
                   when e.event like '%\_refused' then 'refused'
                   when e.event like '%\_throttled' then 'throttled'
                   when e.detail ->> 'delivered' = 'false' then 'not_sent'
                   else 'ok' end,
               'reason', e.detail ->> 'reason')) order by e.id desc), '[]'::jsonb)
      from (select * from portal.auth_events e
             where e.portal_user_id = p_user.id
             order by e.id desc
             limit least(greatest(coalesce(p_limit, 50), 1), 500)) e;
$$;
revoke all on function portal.user_events(portal.portal_users, integer) from public;

-- The cut-over's mail: a fresh activation link for every invited (never activated), enabled
-- portal user of a port that has no live one. A user with a live link is left alone, so a second
-- run mails nobody twice. The mails are queued; the mailers send them at their pace. Each is
-- audited as resend (reason send-activations). p_dry_run counts and writes nothing. Returns
-- {"port", "invited", "withLiveLink", "queued" (would be, in a dry run), "disabled", "dryRun"}. PA005.
create or replace function portal.send_activations(p_port_id text, p_dry_run boolean, p_actor text) returns jsonb
language plpgsql
set search_path = pg_catalog, pg_temp
as $$
declare
    v_id text;
    v_user portal.portal_users;
    v_invited integer := 0;
    v_live integer := 0;
    v_queued integer := 0;
begin
    if not exists (select from portal.ports p where p.id = p_port_id) then
        raise exception 'port not found: %', p_port_id using errcode = 'PA005',
            hint = 'Port ids are the CRM''s, matched exactly (case included): portal-auth admin ports lists them.';
    end if;
    for v_id in
        select u.id from portal.portal_users u
         where u.port_id = p_port_id and u.is_active and u.password_hash is null
         order by u.created_at, u.id
    loop
        if coalesce(p_dry_run, false) then
            select * into v_user from portal.portal_users u where u.id = v_id;
        else
            select * into v_user from portal.portal_users u where u.id = v_id for update;
        end if;
        continue when v_user.id is null or not v_user.is_active or v_user.password_hash is not null;
        v_invited := v_invited + 1;
        if exists (select from portal.portal_auth_tokens t
                    where t.portal_user_id = v_user.id and t.type = 'activation'
                      and t.used_at is null and t.revoked_at is null and t.expires_at > now()) then
            v_live := v_live + 1;
            continue;
        end if;
        v_queued := v_queued + 1;
        if not coalesce(p_dry_run, false) then
            perform portal.queue_mail('activation', v_user, portal.issue_token(v_user.id, 'activation'));
            perform portal.log_event('resend', v_user, p_actor, null, null, '{"reason": "send-activations"}');
        end if;
    end loop;
    return jsonb_build_object(
        'port', p_port_id, 'invited', v_invited, 'withLiveLink', v_live, 'queued', v_queued,
        'disabled', (select count(*) from portal.portal_users u
                      where u.port_id = p_port_id and not u.is_active and u.password_hash is null),
        'dryRun', coalesce(p_dry_run, false));
end
$$;
revoke all on function portal.send_activations(text, boolean, text) from public;
