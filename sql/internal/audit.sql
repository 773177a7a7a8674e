-- The audit trail: its event vocabulary, the one function that writes it, and the triggers that
-- keep it append-only.
--
-- Every event kind the functions write is listed once, here, in portal.auth_event_kinds() with
-- what it records; a trigger refuses any other kind (23514), so a typo in a function fails its
-- test instead of writing an event no query looks for.
--
-- Raises: 23514 check_violation (an unknown event kind), 42501 insufficient_privilege (an
-- update, delete or truncate of portal.auth_events).

set local role portal_owner;

-- The event vocabulary: every kind of audit row, with what it records.
create or replace function portal.auth_event_kinds()
returns table (event text, meaning text)
language sql immutable
set search_path = pg_catalog, pg_temp
as $$
    values
        ('port_created', 'A port (tenant) was created.'),
        ('port_updated', 'A port was renamed (detail: from/to).'),
        ('client_created', 'A client was created.'),
        ('client_updated', 'A client''s name or billing email changed (detail: from/to).'),
        ('client_id_refused', 'An admin key tried to PUT a client id that another port holds.'),
        ('invite', 'A portal user was created and its activation mail queued.'),
        ('invite_refused', 'An admin key''s invite named an address already in use.'),
        ('resend', 'A new activation link was queued (the old one revoked).'),
        ('portal_user_imported', 'A portal user came in from the old portal.'),
        ('activation', 'The client set a password with an activation link.'),
        ('sign_in_ok', 'A sign-in succeeded.'),
        ('sign_in_failed', 'A sign-in failed (wrong password, locked, disabled or not activated).'),
        ('lockout', 'Failed sign-ins locked the account for a while.'),
        ('reset_requested', 'Forgot-password queued a reset mail.'),
        ('reset_throttled', 'Forgot-password was refused by the account''s rate limit (no mail).'),
        ('reset_completed', 'The client set a new password with a reset link.'),
        ('password_changed', 'The client changed the password while signed in.'),
        ('email_change_requested', 'A change of address was asked for (detail: newEmail, or the reason no link was sent).'),
        ('email_changed', 'The portal user''s address changed (detail: from).'),
        ('hash_upgraded', 'A stored hash was replaced by a stronger one after a sign-in.'),
        ('sign_out', 'One session was signed out.'),
        ('sign_out_everywhere', 'The client signed out every session.'),
        ('disable', 'Staff disabled the portal user.'),
        ('enable', 'Staff enabled the portal user again.'),
        ('unlock', 'Staff cleared a lockout.'),
        ('revoke_sessions', 'Staff ended every session of the portal user.'),
        ('admin_key_created', 'An admin API key was created.'),
        ('admin_key_revoked', 'An admin API key was revoked.'),
        ('setting_changed', 'A policy setting or rate-limit rule changed (detail: from/to).'),
        ('activation_requested', 'Forgot-password on an invited account queued a fresh activation link (the old one revoked).'),
        ('reset_sent', 'Staff queued a reset mail for an active user (a client on the phone).'),
        ('client_deleted', 'A client and its portal user were deleted; that user''s audit rows were erased (detail: counts).'),
        ('pruned', 'Retention deleted old rows (detail: counts).'),
        ('restored', 'after_restore() ran after a restore from a backup (detail: counts).');
$$;
revoke all on function portal.auth_event_kinds() from public;
comment on function portal.auth_event_kinds() is
    'The audit event vocabulary: each kind of portal.auth_events row and what it records.';

-- Refuses an audit row whose kind is not in the vocabulary.
create or replace function portal.auth_events_known_kind() returns trigger
language plpgsql
set search_path = pg_catalog, pg_temp
as $$
begin
    if not exists (select from portal.auth_event_kinds() k where k.event = new.event) then
        raise exception 'unknown audit event kind %', new.event using errcode = 'check_violation';
    end if;
    return new;
end
$$;
revoke all on function portal.auth_events_known_kind() from public;
create or replace trigger auth_events_known_kind before insert on portal.auth_events
    for each row execute function portal.auth_events_known_kind();

-- Every row written while an admin-key call named its staff user (portal.act_for_staff, that
-- statement only) carries that name in staff_actor.
create or replace function portal.auth_events_staff_actor() returns trigger
language plpgsql
set search_path = pg_catalog, pg_temp
as $$
begin
    new.staff_actor := coalesce(new.staff_actor, portal.staff_actor_now());
    return new;
end
$$;
revoke all on function portal.auth_events_staff_actor() from public;
create or replace trigger auth_events_staff_actor before insert on portal.auth_events
    for each row execute function portal.auth_events_staff_actor();

-- Appends one audit row: the actor is always session_user; p_actor is kept as on_behalf_of.
create or replace function portal.log_event(
    p_event text, p_user portal.portal_users, p_actor text default null,
    p_ip inet default null, p_user_agent text default null, p_detail jsonb default null)
returns void
language sql
set search_path = pg_catalog, pg_temp
as $$
    insert into portal.auth_events (event, port_id, client_id, portal_user_id, email, actor, on_behalf_of, ip,
                                    user_agent, detail)
    values (p_event, p_user.port_id, p_user.client_id, p_user.id, p_user.email, left(session_user, 200),
            left(p_actor, 200), p_ip, left(p_user_agent, 512), p_detail);
$$;
revoke all on function portal.log_event(text, portal.portal_users, text, inet, text, jsonb) from public;

-- {"field": {"from": …, "to": …}} for each field whose value changes (an empty object when none).
create or replace function portal.changes(p_old jsonb, p_new jsonb) returns jsonb
language sql immutable
set search_path = pg_catalog, pg_temp
as $$
    select coalesce(jsonb_object_agg(n.key, jsonb_build_object('from', coalesce(p_old -> n.key, 'null'::jsonb), 'to', n.value)), '{}'::jsonb)
      from jsonb_each(p_new) n
     where (p_old -> n.key) is distinct from n.value;
$$;
revoke all on function portal.changes(jsonb, jsonb) from public;

-- What an erased row's detail keeps: the values that say what happened (a reason, a count, a
-- key id), none that could name the person (an address, a name, a from/to pair), and "erased".
create or replace function portal.erased_detail(p_detail jsonb) returns jsonb
language sql immutable
set search_path = pg_catalog, pg_temp
as $$
    select case when p_detail is not null then
        coalesce((select jsonb_object_agg(d.key, d.value) from jsonb_each(p_detail) d
                   where d.key in ('reason', 'state', 'seconds', 'failures', 'delivered', 'keyId', 'field', 'via')),
                 '{}'::jsonb) || '{"erased": true}'::jsonb end;
$$;
revoke all on function portal.erased_detail(jsonb) from public;
comment on function portal.erased_detail(jsonb) is
    'An audit detail with its personal values removed: only reason, state, seconds, failures, delivered, keyId, field, via, and "erased": true.';

-- Append-only, except for the rows prune removes inside its own transaction, and the erasure of
-- a deleted client's rows inside delete_client's (portal.erasing): email, ip and user agent set
-- to NULL and detail to portal.erased_detail, every other column as it was (0011's column grant
-- lets portal_owner change only those four).
create or replace function portal.auth_events_refuse_change() returns trigger
language plpgsql
set search_path = pg_catalog, pg_temp
as $$
begin
    if tg_op = 'DELETE' and current_setting('portal.pruning', true) = 'on' then
        return old;
    end if;
    if tg_op = 'UPDATE' and current_setting('portal.erasing', true) = 'on'
       and new.email is null and new.ip is null and new.user_agent is null
       and new.detail is not distinct from portal.erased_detail(old.detail)
       and (new.id, new.occurred_at, new.event, new.port_id, new.client_id, new.portal_user_id, new.actor,
            new.on_behalf_of, new.staff_actor)
           is not distinct from (old.id, old.occurred_at, old.event, old.port_id, old.client_id, old.portal_user_id,
                                 old.actor, old.on_behalf_of, old.staff_actor) then
        return new;
    end if;
    raise exception 'portal.auth_events is append-only' using errcode = 'insufficient_privilege';
end
$$;
revoke all on function portal.auth_events_refuse_change() from public;
create or replace trigger auth_events_no_update before update or delete on portal.auth_events
    for each row execute function portal.auth_events_refuse_change();
create or replace trigger auth_events_no_truncate before truncate on portal.auth_events
    for each statement execute function portal.auth_events_refuse_change();
