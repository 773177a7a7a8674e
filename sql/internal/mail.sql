-- Mail: queueing a mail in the caller's transaction, waking the mailers, and sealing a mail's
-- token for the mailer that holds its lease.
--
-- A mail is queued in the same transaction as the token it carries, so a rolled-back invite
-- leaves no mail; the insert trigger NOTIFYs portal_mail (a hint; the table is the truth).
--
-- Raises: PA001 invalid_token (sealing an unknown token), PA009 token_conflict (a different hash
-- without the lease of an unsent mail).

set local role portal_owner;

-- Queues one mail for a user (the insert trigger NOTIFYs the mailers). The mail carries what its
-- templates need, so the mailer's claim is its only read: the user's and client's names, the
-- port's name and contact, the link's expiry, and p_data's values (e.g. newEmail). It goes to the
-- user's address, or to p_recipient (an email change's link goes to the address it confirms).
create or replace function portal.queue_mail(
    p_kind text, p_user portal.portal_users, p_token portal.portal_auth_tokens default null,
    p_recipient text default null, p_data jsonb default null)
returns bigint
language plpgsql
set search_path = pg_catalog, pg_temp
as $$
declare
    v_id bigint;
    v_client_name text;
    v_port portal.ports;
begin
    select c.name into v_client_name from portal.clients c where c.id = p_user.client_id;
    select * into v_port from portal.ports p where p.id = p_user.port_id;
    insert into portal.mail_outbox (kind, portal_user_id, recipient, token_id, data)
    values (p_kind, p_user.id, coalesce(p_recipient, p_user.email), p_token.id,
            jsonb_strip_nulls(jsonb_build_object(
                'name', p_user.name,
                'clientName', v_client_name,
                'portName', v_port.name,
                'replyTo', v_port.reply_to,
                'supportPhone', v_port.support_phone,
                'expiresAt', p_token.expires_at) || coalesce(p_data, '{}'::jsonb)))
    returning id into v_id;
    return v_id;
end
$$;
revoke all on function portal.queue_mail(text, portal.portal_users, portal.portal_auth_tokens, text, jsonb) from public;

-- A new mail wakes the mailers. The notification is a hint; the table is the truth.
create or replace function portal.mail_outbox_notify() returns trigger
language plpgsql
set search_path = pg_catalog, pg_temp
as $$
begin
    perform pg_notify('portal_mail', new.id::text);
    return null;
end
$$;
revoke all on function portal.mail_outbox_notify() from public;
create or replace trigger mail_outbox_notify after insert on portal.mail_outbox
    for each row execute function portal.mail_outbox_notify();

-- Seals the token of mail p_id for the mailer holding its lease: the hash is stored when the
-- token has none, the same hash again is a no-op, and a different hash — the token was sealed
-- under another PORTAL_TOKEN_KEY, and the mail was never sent — replaces it while the token is
-- live (unused, unrevoked, unexpired). The link of the earlier attempt stops working; the mail
-- now sent carries one that works. PA009 when p_worker holds no lease on an unsent mail of that
-- token (or the hash seals another token); PA001 unknown token; PA008 not 32 bytes.
create or replace function portal.seal_mail_token(p_id bigint, p_worker text, p_token_id text, p_token_hash bytea) returns void
language plpgsql
set search_path = pg_catalog, pg_temp
as $$
declare
    v_existing bytea := portal.lock_token_for_seal(p_token_id, p_token_hash);
begin
    if v_existing = p_token_hash then
        return;
    end if;
    if not exists (
        select from portal.mail_outbox m
         where m.id = p_id and m.token_id = p_token_id and m.status = 'sending' and m.locked_by = p_worker
           and m.locked_until > now() and m.sent_at is null) then
        raise exception 'only the mailer holding an unsent mail''s lease seals its token' using errcode = 'PA009';
    end if;
    if v_existing is not null and not portal.token_live(p_token_id) then
        raise exception 'token already sealed with a different hash' using errcode = 'PA009';
    end if;
    perform portal.store_token_hash(p_token_id, p_token_hash);
end
$$;
revoke all on function portal.seal_mail_token(bigint, text, text, bytea) from public;
comment on function portal.seal_mail_token(bigint, text, text, bytea) is
    'The lease holder of an unsent mail seals its token, re-sealing a live token sealed under another token key. PA001, PA008, PA009.';
