-- Operating the database: what is callable (help), policy (settings, rate limits), housekeeping
-- (maintenance, prune) and the step after a restore. Granted to portal_admin (maintenance and
-- prune also to portal_mailer, which runs them on a timer).
--
-- Raises: PA008 invalid_input, PA010 invalid_setting.

set local role portal_owner;

-- The portal_api functions the caller's login role may execute, with what they do: \df without
-- the noise.
create or replace function portal_api.help()
returns table (function text, description text)
language sql security definer stable
set search_path = pg_catalog, pg_temp
as $$
    select p.oid::regprocedure::text, obj_description(p.oid, 'pg_proc')
      from pg_proc p join pg_namespace n on n.oid = p.pronamespace
     where n.nspname = 'portal_api' and has_function_privilege(session_user, p.oid, 'execute')
     order by 1;
$$;
revoke all on function portal_api.help() from public;
grant execute on function portal_api.help() to portal_admin, portal_gateway, portal_mailer;
comment on function portal_api.help() is
    'The portal_api functions you may execute, with what each does.';

-- The policy, one row per setting: name, current value, allowed range, description.
create or replace function portal_api.settings()
returns table (name text, value text, allowed text, description text)
language sql security definer stable
set search_path = pg_catalog, pg_temp
as $$
    select c.name, to_jsonb(s) ->> c.name, c.allowed, c.description
      from portal.setting_catalog() c cross join portal.settings s
     order by c.name;
$$;
revoke all on function portal_api.settings() from public;
grant execute on function portal_api.settings() to portal_admin;
comment on function portal_api.settings() is
    'The policy settings with their current value, allowed range and meaning (change with set_setting).';

-- Changes one policy setting (PA010 with a HINT: the valid names, an example or the
-- range), and a NOTICE when a duration was given as a bare number, read as seconds.
create or replace function portal_api.set_setting(p_name text, p_value text) returns void
language plpgsql security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    v_type text;
    v_info record;
    v_note text;
begin
    select c.* into v_info from portal.setting_catalog() c where c.name = p_name;
    select a.atttypid::regtype::text into v_type
      from pg_catalog.pg_attribute a
     where a.attrelid = 'portal.settings'::regclass and a.attname = p_name and a.attnum > 0
       and not a.attisdropped and p_name not in ('id', 'updated_at');
    if v_type is null or v_info.name is null then
        raise exception 'unknown setting "%"', p_name using errcode = 'PA010',
            hint = 'Settings: ' || (select string_agg(c.name, ', ' order by c.name) from portal.setting_catalog() c)
                   || '. See select * from portal_api.settings();';
    end if;
    begin
        execute format('update portal.settings set %I = $1::%s, updated_at = now()', p_name, v_type) using p_value;
    exception
        when invalid_text_representation or invalid_datetime_format or datetime_field_overflow
             or interval_field_overflow or numeric_value_out_of_range or not_null_violation then
            raise exception '% takes %, not "%"', p_name,
                case when v_type = 'interval' then 'an interval' else 'a whole number' end, p_value
                using errcode = 'PA010', hint = format('For example: select portal_api.set_setting(%L, %L);', p_name, v_info.example);
        when check_violation then
            raise exception 'value out of range for %: %', p_name, p_value
                using errcode = 'PA010', hint = format('%s allows %s.', p_name, v_info.allowed);
    end;
    if v_type = 'interval' then
        v_note := portal.bare_seconds_note(p_name, p_value);
        if v_note is not null then
            raise notice '%', v_note;
        end if;
    end if;
    insert into portal.auth_events (event, actor, detail)
    values ('setting_changed', left(session_user, 200), jsonb_build_object('name', p_name, 'value', p_value));
end
$$;
revoke all on function portal_api.set_setting(text, text) from public;
grant execute on function portal_api.set_setting(text, text) to portal_admin;
comment on function portal_api.set_setting(text, text) is
    'Sets one policy setting (see settings()), e.g. set_setting(''reset_ttl'', ''30 minutes''); a bare number for a duration is read as seconds (a NOTICE says so). PA010 unknown name or value out of bounds, with a HINT.';

-- The rate limits, one row per bucket.
create or replace function portal_api.rate_limits()
returns table (bucket text, max_hits integer, window_length interval, allowed text, description text)
language sql security definer stable
set search_path = pg_catalog, pg_temp
as $$
    select r.bucket, r.max_hits, r.window_length, '1 to 1000000 hits per 1 second to 1 day', c.description
      from portal.rate_limit_rules r left join portal.rate_limit_catalog() c on c.bucket = r.bucket
     order by r.bucket;
$$;
revoke all on function portal_api.rate_limits() from public;
grant execute on function portal_api.rate_limits() to portal_admin;
comment on function portal_api.rate_limits() is
    'The rate-limit rules with their meaning (change with set_rate_limit).';

-- Changes one rate-limit rule. Raises PA010 with a HINT (the buckets, or the allowed range).
create or replace function portal_api.set_rate_limit(p_bucket text, p_max_hits integer, p_window interval) returns void
language plpgsql security definer
set search_path = pg_catalog, pg_temp
as $$
begin
    update portal.rate_limit_rules r set max_hits = p_max_hits, window_length = p_window where r.bucket = p_bucket;
    if not found then
        raise exception 'unknown rate-limit bucket "%"', p_bucket using errcode = 'PA010',
            hint = 'Buckets: ' || (select string_agg(r.bucket, ', ' order by r.bucket) from portal.rate_limit_rules r) || '.';
    end if;
exception when check_violation or not_null_violation then
    raise exception 'rate limit out of range for %', p_bucket using errcode = 'PA010',
        hint = 'A rule allows 1 to 1000000 hits per window of 1 second to 1 day.';
end
$$;
revoke all on function portal_api.set_rate_limit(text, integer, interval) from public;
grant execute on function portal_api.set_rate_limit(text, integer, interval) to portal_admin;
comment on function portal_api.set_rate_limit(text, integer, interval) is
    'Sets a rate-limit rule: p_max_hits per p_window (1 to 1000000 hits per 1 second to 1 day; a bare number for the window is read as seconds). Buckets: admin_key, change_email_ip, change_email_user, change_password_ip, change_password_user, client_id_key, forgot_email, forgot_ip, invite_key, send_reset_user, sign_in_fail_ip, sign_in_ip, token_ip (their meaning: rate_limits()). PA010 unknown bucket or out of range, with a HINT.';

-- Housekeeping, run now and then by the mailer: drops finished rate-limit windows and expired
-- sessions. Returns the number of rows removed. Raises nothing.
create or replace function portal_api.maintenance() returns integer
language plpgsql security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    v_a integer;
    v_b integer;
begin
    delete from portal.rate_limits l using portal.rate_limit_rules r
     where r.bucket = l.bucket and l.window_start + r.window_length <= now();
    get diagnostics v_a = row_count;
    delete from portal.sessions s where s.expires_at <= now();
    get diagnostics v_b = row_count;
    return v_a + v_b;
end
$$;
revoke all on function portal_api.maintenance() from public;
grant execute on function portal_api.maintenance() to portal_admin, portal_mailer;
comment on function portal_api.maintenance() is
    'Removes expired rate-limit windows and expired sessions.';

-- Deletes what can no longer matter and returns the counts (jsonb). p_before (at least 1 hour,
-- default 30 days) is the age of finished mail, dead tokens and old windows that are kept;
-- expired sessions go whatever their age; audit events go after audit_retention. Raises PA008
-- for a p_before under 1 hour.
create or replace function portal_api.prune(p_before interval default '30 days') returns jsonb
language plpgsql security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    v_cutoff timestamptz;
    v_audit_cutoff timestamptz;
    v_counts jsonb;
    v_mail integer;
    v_tokens integer;
    v_windows integer;
    v_sessions integer;
    v_events integer;
begin
    if p_before is null or p_before < interval '1 hour' then
        raise exception 'prune keeps at least the last hour' using errcode = 'PA008',
            hint = 'For example: select portal_api.prune(''30 days'');';
    end if;
    v_cutoff := now() - p_before;
    select now() - s.audit_retention into v_audit_cutoff from portal.settings s;

    delete from portal.mail_outbox m
     where m.status in ('sent', 'dead', 'skipped') and m.created_at < v_cutoff;
    get diagnostics v_mail = row_count;
    -- A dead token's remaining mails (if any) could only be skipped: they go with it (cascade).
    delete from portal.portal_auth_tokens t
     where t.created_at < v_cutoff
       and (t.used_at is not null or t.revoked_at is not null or t.expires_at < v_cutoff);
    get diagnostics v_tokens = row_count;
    delete from portal.rate_limits l using portal.rate_limit_rules r
     where r.bucket = l.bucket and l.window_start + r.window_length <= now();
    get diagnostics v_windows = row_count;
    delete from portal.sessions s where s.expires_at <= now();
    get diagnostics v_sessions = row_count;
    perform set_config('portal.pruning', 'on', true);
    delete from portal.auth_events e where e.occurred_at < v_audit_cutoff;
    get diagnostics v_events = row_count;
    perform set_config('portal.pruning', 'off', true);

    v_counts := jsonb_build_object('mails', v_mail, 'tokens', v_tokens, 'rateLimitWindows', v_windows,
                                   'expiredSessions', v_sessions, 'auditEvents', v_events);
    insert into portal.auth_events (event, actor, detail)
    values ('pruned', left(session_user, 200),
            v_counts || jsonb_build_object('before', p_before::text, 'auditBefore', v_audit_cutoff));
    return v_counts;
end
$$;
revoke all on function portal_api.prune(interval) from public;
grant execute on function portal_api.prune(interval) to portal_admin, portal_mailer;
comment on function portal_api.prune(interval) is
    'Retention: deletes finished mail, dead tokens and old windows older than p_before (default 30 days), expired sessions, and audit events older than audit_retention; returns the counts and audits them. PA008.';

-- After a restore from a backup: ends every session whatever its epoch — deletes
-- every recorded session (a cookie issued after the backup has no row here; one issued before
-- loses its row) and bumps every epoch —, revokes every outstanding link and skips its mail;
-- returns the counts (jsonb, with sessionsEnded) and audits them. Raises nothing.
create or replace function portal_api.after_restore() returns jsonb
language plpgsql security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    v_users integer;
    v_sessions integer;
    v_tokens integer;
    v_mails integer;
    v_counts jsonb;
begin
    update portal.portal_users u set session_epoch = u.session_epoch + 1;
    get diagnostics v_users = row_count;
    delete from portal.sessions;
    get diagnostics v_sessions = row_count;
    update portal.portal_auth_tokens t set revoked_at = now()
     where t.used_at is null and t.revoked_at is null and t.expires_at > now();
    get diagnostics v_tokens = row_count;
    -- Their mails would be skipped at the send anyway (renew_mail re-checks the token); saying so
    -- now keeps the outbox gauges honest.
    update portal.mail_outbox m
       set status = 'skipped', locked_by = null, locked_until = null,
           last_error = 'database restored from a backup: the link was revoked'
     where m.status in ('queued', 'sending') and m.token_id is not null;
    get diagnostics v_mails = row_count;

    v_counts := jsonb_build_object('usersSignedOut', v_users, 'sessionsEnded', v_sessions, 'linksRevoked', v_tokens,
        'mailsSkipped', v_mails,
        'liveAdminKeys', (select count(*) from portal.admin_keys k where k.revoked_at is null),
        'activeUsers', (select count(*) from portal.portal_users u where u.is_active));
    insert into portal.auth_events (event, actor, detail) values ('restored', left(session_user, 200), v_counts);
    return v_counts;
end
$$;
revoke all on function portal_api.after_restore() from public;
grant execute on function portal_api.after_restore() to portal_admin;
comment on function portal_api.after_restore() is
    'After a restore from a backup: ends every session whatever its epoch (deletes every recorded session, bumps every epoch), revokes every outstanding link and skips its mail; returns the counts and audits them.';
