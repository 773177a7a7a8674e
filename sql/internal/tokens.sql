-- Tokens: issuing, revoking, using and reading activation, reset and email-change tokens.
--
-- Where the token rules are enforced:
--   single use   portal.use_token: one UPDATE that sets used_at only where used_at and
--                revoked_at are NULL and the token has not expired (the losing racer updates
--                nothing), with schema/0005_tokens.sql's CHECK that used and revoked exclude
--                each other;
--   expiry       the same UPDATE (expires_at > now()); lifetimes from settings, bounded by CHECKs;
--   one live     issue_token revokes the live token of that type first; the partial unique index
--                portal_auth_tokens_one_live refuses a second.
-- Lock order: the user row first (callers hold it), then its token rows.
--
-- Raises nothing itself: callers turn "no token" into PA001 invalid_token.

set local role portal_owner;

-- Single use: uses the token with this hash, of p_type, once. True for the one caller whose
-- UPDATE set used_at on a token still unused, unrevoked and unexpired; false for every other
-- caller (a replay, a lost race, an unsealed, revoked, expired or wrong-type token). The caller
-- holds the token's user row (lock order: user, then token).
create or replace function portal.use_token(p_token_hash bytea, p_type text) returns boolean
language plpgsql
set search_path = pg_catalog, pg_temp
as $$
begin
    update portal.portal_auth_tokens t set used_at = now()
     where t.token_hash = p_token_hash and t.type = p_type
       and t.used_at is null and t.revoked_at is null and t.expires_at > now();
    return found;
end
$$;
revoke all on function portal.use_token(bytea, text) from public;


-- Issues a fresh, unsealed token of p_type, revoking the live one in the same transaction. An
-- email_change token carries p_new_email, the normalised address it confirms (NULL for the others).
create or replace function portal.issue_token(p_user_id text, p_type text, p_new_email text default null)
returns portal.portal_auth_tokens
language plpgsql
set search_path = pg_catalog, pg_temp
as $$
declare
    v_ttl interval;
    v_token portal.portal_auth_tokens;
begin
    select case p_type when 'activation' then s.activation_ttl when 'email_change' then s.email_change_ttl
                       else s.reset_ttl end
      into v_ttl from portal.settings s;
    update portal.portal_auth_tokens t set revoked_at = now()
     where t.portal_user_id = p_user_id and t.type = p_type and t.used_at is null and t.revoked_at is null;
    insert into portal.portal_auth_tokens (portal_user_id, type, expires_at, new_email)
    values (p_user_id, p_type, now() + v_ttl, p_new_email)
    returning * into v_token;
    return v_token;
end
$$;
revoke all on function portal.issue_token(text, text, text) from public;

-- Revokes every live token of a user (disable, password set).
create or replace function portal.revoke_tokens(p_user_id text) returns void
language sql
set search_path = pg_catalog, pg_temp
as $$
    update portal.portal_auth_tokens t set revoked_at = now()
     where t.portal_user_id = p_user_id and t.used_at is null and t.revoked_at is null;
$$;
revoke all on function portal.revoke_tokens(text) from public;

create or replace function portal.token_live(p_token_id text) returns boolean
language sql stable
set search_path = pg_catalog, pg_temp
as $$
    select coalesce(
        (select t.used_at is null and t.revoked_at is null and t.expires_at > now()
           from portal.portal_auth_tokens t where t.id = p_token_id),
        false);
$$;
revoke all on function portal.token_live(text) from public;
comment on function portal.token_live(text) is
    'True when the token exists, is unused, unrevoked and unexpired; looked up by id alone (a plan that cannot scan every live token).';

-- The state of a user's newest link: live (with expiresAt), expired, revoked, used, or none.
create or replace function portal.link_status(p_user_id text) returns jsonb
language sql stable
set search_path = pg_catalog, pg_temp
as $$
    select coalesce((
        select jsonb_build_object(
                   'type', t.type,
                   'state', case
                       when t.used_at is not null then 'used'
                       when t.revoked_at is not null then 'revoked'
                       when t.expires_at <= now() then 'expired'
                       else 'live' end,
                   'expiresAt', t.expires_at)
          from portal.portal_auth_tokens t
         where t.portal_user_id = p_user_id
         order by t.created_at desc, t.id desc
         limit 1), '{"state": "none"}'::jsonb);
$$;
revoke all on function portal.link_status(text) from public;

-- Sealing, the two steps every seal shares. First: checks the hash (32 bytes: PA008), locks the
-- token row and returns the hash it holds (NULL: unsealed); PA001 when there is no such token.
create or replace function portal.lock_token_for_seal(p_token_id text, p_token_hash bytea) returns bytea
language plpgsql
set search_path = pg_catalog, pg_temp
as $$
declare
    v_existing bytea;
begin
    if p_token_hash is null or octet_length(p_token_hash) <> 32 then
        raise exception 'a token hash is 32 bytes (SHA-256)' using errcode = 'PA008';
    end if;
    select t.token_hash into v_existing from portal.portal_auth_tokens t where t.id = p_token_id for update;
    if not found then
        raise exception 'token not found' using errcode = 'PA001';
    end if;
    return v_existing;
end
$$;
revoke all on function portal.lock_token_for_seal(text, bytea) from public;

-- Then: stores the hash on the locked token; PA009 when that hash already seals another token.
create or replace function portal.store_token_hash(p_token_id text, p_token_hash bytea) returns void
language plpgsql
set search_path = pg_catalog, pg_temp
as $$
begin
    update portal.portal_auth_tokens t set token_hash = p_token_hash where t.id = p_token_id;
exception when unique_violation then
    raise exception 'this hash seals another token' using errcode = 'PA009';
end
$$;
revoke all on function portal.store_token_hash(text, bytea) from public;
