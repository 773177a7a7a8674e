-- portal-auth 0018: a DBA's refusal names what was wrong and what to do.
--
-- * "client not found" and "this client has no portal user" named no client: they now name the
--   id, and a HINT says how ids match (exactly; a client whose id differs only in case is named)
--   or how to invite one.
-- * "invalid email address" now says which part of the rule the address breaks (no "@", a
--   non-ASCII local part, a domain without a dot …), with 0016's HINT. The rule itself
--   (portal.email_normalized) is unchanged: portal.email_problem only words the refusal.
-- * set_setting: a bare number for a duration is read by Postgres as seconds ('3600' is one
--   hour); a NOTICE now says so, with the value it became.
-- * help() shows set_rate_limit with every bucket (its comment named 5 of 10) and says that a
--   bare window is read as seconds.
--
-- Raises: PA004 client_not_found (find_client), PA006 portal_user_not_found (find_portal_user),
-- PA008 invalid_input (normalize_email), PA010 invalid_setting (set_setting), each with a HINT.

set local role portal_owner;

-- The client, or PA004 naming the id. p_port_id, when given, confines the lookup to one port
-- (admin keys): the hint then names nothing outside that port.
create or replace function portal.find_client(p_client_id text, p_port_id text default null) returns portal.clients
language plpgsql stable
set search_path = pg_catalog, pg_temp
as $$
declare
    v_client portal.clients;
    v_other portal.clients;
begin
    select * into v_client from portal.clients c
     where c.id = p_client_id and (p_port_id is null or c.port_id = p_port_id);
    if not found then
        v_other := portal.client_by_id_any_case(p_client_id);
        if v_other.id is not null and (p_port_id is null or v_other.port_id = p_port_id) then
            raise exception 'client not found: %', p_client_id using errcode = 'PA004',
                hint = format('Client ids match exactly, case included: did you mean %L?', v_other.id);
        end if;
        raise exception 'client not found: %', p_client_id using errcode = 'PA004',
            hint = case when p_port_id is null
                then 'Client ids are the CRM''s, matched exactly (case included). Create a client with '
                     || 'select portal_api.create_client(''<port id>'', ''<name>'', null, ''<client id>'');'
                else 'Client ids are the CRM''s, matched exactly (case included), within this admin key''s port.'
            end;
    end if;
    return v_client;
end
$$;

-- The client's portal user, or PA004/PA006 naming the client. p_lock as in 0009.
create or replace function portal.find_portal_user(p_client_id text, p_port_id text default null, p_lock boolean default true)
returns portal.portal_users
language plpgsql
set search_path = pg_catalog, pg_temp
as $$
declare
    v_user portal.portal_users;
begin
    perform portal.find_client(p_client_id, p_port_id);
    if p_lock then
        select * into v_user from portal.portal_users u where u.client_id = p_client_id for update;
    else
        select * into v_user from portal.portal_users u where u.client_id = p_client_id;
    end if;
    if not found then
        raise exception 'client % has no portal user', p_client_id using errcode = 'PA006',
            hint = format('Invite one: select portal_api.invite(%L, ''<email>'');', p_client_id);
    end if;
    return v_user;
end
$$;

-- Which part of the email rule (0016) an address breaks, in words, or NULL when it follows the
-- rule. Only words a refusal: portal.email_normalized decides.
create function portal.email_problem(p_email text) returns text
language plpgsql immutable
set search_path = pg_catalog, pg_temp
as $$
declare
    v_email text;
    v_at integer;
    v_local text;
    v_domain text;
    v_labels text[];
    v_label text;
begin
    if p_email is null then
        return 'no address was given';
    end if;
    if portal.email_normalized(p_email) is not null then
        return null;
    end if;
    v_email := regexp_replace(p_email,
        '^[\u0009-\u000d \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+|[\u0009-\u000d \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$',
        '', 'g');
    if v_email = '' then
        return 'it is empty';
    end if;
    if length(v_email) > 254 then
        return 'it is longer than 254 characters';
    end if;
    if v_email ~ '\u0130' then
        return 'it has an İ (U+0130), whose lower case is two characters';
    end if;
    v_email := normalize(lower(v_email), nfc);
    v_at := strpos(v_email, '@');
    if v_at = 0 then
        return 'it has no "@"';
    end if;
    v_local := substr(v_email, 1, v_at - 1);
    v_domain := substr(v_email, v_at + 1);
    if v_domain like '%@%' then
        return 'it has more than one "@"';
    end if;
    if v_local = '' then
        return 'nothing comes before the "@"';
    end if;
    if length(v_local) > 64 then
        return 'the part before the "@" is longer than 64 characters';
    end if;
    if v_local ~ '[^\u0001-\u007f]' then
        return 'the part before the "@" is not ASCII (mail is sent without SMTPUTF8)';
    end if;
    if v_local !~ '^[a-z0-9.!#$&''*+/=^_`{|}~-]+$' then
        return 'the part before the "@" has a character other than letters, digits and .!#$&''*+/=^_`{|}~-';
    end if;
    if v_local ~ '^\.|\.$|\.\.' then
        return 'the part before the "@" has a dot first, last or twice in a row';
    end if;
    if v_domain = '' then
        return 'nothing comes after the "@"';
    end if;
    if v_domain !~ '^[-.a-z0-9\u0080-\U0010ffff]+$' then
        return 'the domain has a character other than letters, digits, "-" and "."';
    end if;
    if v_domain ~ '[\u0080-\u00a0\u00ad\u034f\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u115f\u1160\u1680\u17b4\u17b5\u180b-\u180f\u2000-\u200f\u2024\u2028-\u202f\u205f-\u206f\u3000\u3002\u3164\ufe00-\ufe0f\ufe6b\ufeff\uff0e\uff20\uff61\uffa0\ufff0-\uffff\ue000-\uf8ff\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e0fff\U000f0000-\U0010ffff]' then
        return 'the domain has an invisible character or a look-alike of "." or "@"';
    end if;
    v_labels := string_to_array(v_domain, '.');
    if cardinality(v_labels) < 2 then
        return 'the domain has no "." (e.g. example.com)';
    end if;
    foreach v_label in array v_labels loop
        if v_label = '' then
            return 'the domain has a dot first, last or twice in a row';
        end if;
        if length(v_label) > 63 then
            return 'a part of the domain is longer than 63 characters';
        end if;
        if v_label ~ '^-|-$' then
            return 'a part of the domain starts or ends with "-"';
        end if;
    end loop;
    if v_labels[cardinality(v_labels)] ~ '^[0-9]*$' then
        return 'the domain ends in a number';
    end if;
    return 'it does not follow the email rule';
end
$$;
revoke all on function portal.email_problem(text) from public;
comment on function portal.email_problem(text) is
    'Which part of the email rule an address breaks, in words (NULL when it follows the rule); words PA008''s message.';

-- The normalised address, or PA008 saying which part of the rule it breaks. As in 0016.
create or replace function portal.normalize_email(p_email text) returns text
language plpgsql immutable
set search_path = pg_catalog, pg_temp
as $$
declare
    v_email text := portal.email_normalized(p_email);
begin
    if v_email is null then
        raise exception 'invalid email address: %', portal.email_problem(p_email) using errcode = 'PA008',
            hint = 'An address has an ASCII local part (letters, digits and .!#$&''*+/=^_`{|}~-) and a domain of LDH or IDN labels.';
    end if;
    return v_email;
end
$$;

-- ---------------------------------------------------------------------------------------------
-- Durations.

-- The NOTICE for a duration setting given as a bare number, which Postgres reads as seconds
-- ('3600' is 01:00:00), or NULL when p_value is not a bare number.
create function portal.bare_seconds_note(p_name text, p_value text) returns text
language plpgsql immutable
set search_path = pg_catalog, pg_temp
as $$
begin
    if p_value !~ '^\s*[+-]?[0-9]+(\.[0-9]*)?\s*$' then
        return null;
    end if;
    return format('%s: the bare number %s was read as %s seconds (%s); write the unit to be clear, e.g. ''1 hour''.',
                  p_name, btrim(p_value), btrim(p_value), p_value::interval);
end
$$;
revoke all on function portal.bare_seconds_note(text, text) from public;
comment on function portal.bare_seconds_note(text, text) is
    'The notice for a duration given as a bare number (read as seconds), NULL for any other value.';

-- Changes one policy setting. As in 0008 (PA010 with a HINT: the valid names, an example or the
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
comment on function portal_api.set_setting(text, text) is
    'Sets one policy setting (see settings()), e.g. set_setting(''reset_ttl'', ''30 minutes''); a bare number for a duration is read as seconds (a NOTICE says so). PA010 unknown name or value out of bounds, with a HINT.';

-- help() shows the comments: set_rate_limit's named 5 of the 10 buckets.
comment on function portal_api.set_rate_limit(text, integer, interval) is
    'Sets a rate-limit rule: p_max_hits per p_window (1 to 1000000 hits per 1 second to 1 day; a bare number for the window is read as seconds). Buckets: admin_key, change_password_ip, change_password_user, client_id_key, forgot_email, forgot_ip, invite_key, sign_in_fail_ip, sign_in_ip, token_ip (their meaning: rate_limits()). PA010 unknown bucket or out of range, with a HINT.';
