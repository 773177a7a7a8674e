-- portal-auth 0016: mail that survives a restore and a key rotation; one email rule, one hash
-- rule and plausible times, enforced by constraints.
--
-- * Message-IDs. The mailer derived a mail's Message-ID from its outbox id alone; a restore
--   sets the outbox ids back, so new mails reused Message-IDs receivers had seen (and may drop as
--   duplicates). Each mail now carries a random message_key, returned by claim_mail: the
--   Message-ID is built from id and key — the same for every attempt of one mail, never the same
--   for two mails.
-- * Token key rotation. A mail sealed under the old PORTAL_TOKEN_KEY whose send failed went dead
--   ("token sealed under a different token key") when a mailer with the new key retried it.
--   portal_api.seal_mail_token seals for the mailer that holds a mail's lease, and re-seals an
--   unsent mail's live token under the hash of the current key: the mail goes out with a link
--   that works (a link of the earlier, failed attempt no longer does). portal_api.seal_token keeps
--   refusing another hash, and is no longer the mailer's (it seals only through its leases).
-- * Email. One rule (portal.email_normalized, mirrored by Sources/PortalCore/EmailAddress.swift
--   and property-tested against it): surrounding white space stripped, lower-cased, NFC; an
--   ASCII local part from a conservative set; a domain of LDH or IDN labels. Trailing U+00A0,
--   format characters (U+200B, U+202E, U+FEFF …), '%' and '?' in the local part no longer pass.
--   set_port_contact says why a non-ASCII local part is refused (mail is sent without SMTPUTF8).
-- * Password hashes. portal.is_password_hash accepts exactly what the gateway verifies
--   (Sources/PortalCrypto/PasswordHash.swift): PHC scrypt within the gateway's parameter range
--   with a salt and key of 8–64 bytes in canonical base64, or the seed's Node hashes in the shape
--   Node wrote (16-byte salt, 64-byte key, canonical base64url).
-- * Times. portal_users' created_at, updated_at, activated_at and last_login_at are finite and
--   between 1900 and 9999 (infinity, -infinity and BC dates broke the API's date-time format).
--
-- Stored accounts and ports must already obey the rules: the migration refuses to run otherwise,
-- naming the constraint and the query that lists the rows to fix (a NOT VALID constraint would
-- still refuse every later update of such a row, so staff could no longer disable the account or
-- end its sessions). Pending mail to an address outside the rule is buried (dead) first; sent and
-- dead mail keeps its recipient, and that one constraint may stay NOT VALID (a WARNING says so).
-- The database must lower-case non-ASCII letters (a UTF-8 LC_CTYPE): the rule depends on it.
--
-- Raises: PA008 invalid_input (an address, a hash or a time outside the rules), PA009
-- token_conflict (seal_mail_token: a different hash without the lease of an unsent mail), PA001
-- invalid_token (seal_mail_token: unknown token).

set local role portal_owner;

-- ---------------------------------------------------------------------------------------------
-- Email: one rule.
--
-- The rule (the same words in EmailAddress.swift):
--   1. White space around the address is stripped: U+0009–U+000D, U+0020, U+0085, U+00A0,
--      U+1680, U+2000–U+200A, U+2028, U+2029, U+202F, U+205F, U+3000.
--   2. It is lower-cased (one character at a time; U+0130 İ, whose lower case is two characters,
--      is refused) and put in NFC.
--   3. It is then at most 254 characters: a local part, one '@', a domain.
--   4. Local part: 1–64 of a-z 0-9 . ! # $ & ' * + / = ^ _ ` { | } ~ - (ASCII only: mail is
--      sent without SMTPUTF8; no '%', '?' or quotes), no dot first, last or twice in a row.
--   5. Domain: two or more labels separated by '.', each 1–63 characters of a-z 0-9 '-' or
--      non-ASCII characters (an IDN, written into headers as punycode), not starting or ending
--      with '-'; the last label is not all digits.
--   6. Refused anywhere, being invisible, a separator or a look-alike of '.' or '@': U+0080–U+00A0,
--      U+00AD, U+034F, U+0600–U+0605, U+061C, U+06DD, U+070F, U+0890–U+0891, U+08E2,
--      U+115F–U+1160, U+1680, U+17B4–U+17B5, U+180B–U+180F, U+2000–U+200F, U+2024,
--      U+2028–U+202F, U+205F–U+206F, U+3000, U+3002, U+3164, U+FE00–U+FE0F, U+FE6B, U+FEFF,
--      U+FF0E, U+FF20, U+FF61, U+FFA0, U+FFF0–U+FFFF, U+E000–U+F8FF, U+110BD, U+110CD,
--      U+13430–U+1343F, U+1BCA0–U+1BCA3, U+1D173–U+1D17A, U+E0000–U+E0FFF, U+F0000–U+10FFFF.
-- Lower-casing non-ASCII letters needs a Unicode-aware LC_CTYPE (C.UTF-8 or any UTF-8 locale).

-- The address in its normalised form (steps 1–2), or NULL when it breaks the rule.
create function portal.email_normalized(p_email text) returns text
language plpgsql immutable strict
set search_path = pg_catalog, pg_temp
as $$
declare
    v_email text := regexp_replace(p_email,
        '^[\u0009-\u000d \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+|[\u0009-\u000d \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$',
        '', 'g');
    v_at integer;
    v_local text;
    v_domain text;
    v_labels text[];
    v_label text;
begin
    if length(v_email) > 1000 or v_email ~ '\u0130' then
        return null;
    end if;
    v_email := normalize(lower(v_email), nfc);
    v_at := strpos(v_email, '@');
    if length(v_email) > 254 or v_at = 0 then
        return null;
    end if;
    v_local := substr(v_email, 1, v_at - 1);
    v_domain := substr(v_email, v_at + 1);
    if length(v_local) > 64
       or v_local !~ '^[a-z0-9!#$&''*+/=^_`{|}~-]+(\.[a-z0-9!#$&''*+/=^_`{|}~-]+)*$'
       or v_domain !~ '^[-.a-z0-9\u0080-\U0010ffff]+$'
       or v_domain ~ '[\u0080-\u00a0\u00ad\u034f\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u115f\u1160\u1680\u17b4\u17b5\u180b-\u180f\u2000-\u200f\u2024\u2028-\u202f\u205f-\u206f\u3000\u3002\u3164\ufe00-\ufe0f\ufe6b\ufeff\uff0e\uff20\uff61\uffa0\ufff0-\uffff\ue000-\uf8ff\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e0fff\U000f0000-\U0010ffff]' then
        return null;
    end if;
    v_labels := string_to_array(v_domain, '.');
    if cardinality(v_labels) < 2 or v_labels[cardinality(v_labels)] ~ '^[0-9]*$' then
        return null;
    end if;
    foreach v_label in array v_labels loop
        if length(v_label) not between 1 and 63 or v_label ~ '^-|-$' then
            return null;
        end if;
    end loop;
    return v_email;
end
$$;
revoke all on function portal.email_normalized(text) from public;
comment on function portal.email_normalized(text) is
    'The project''s one email rule: the address trimmed, lower-cased and in NFC when it follows the rule, else NULL (mirrored by EmailAddress.swift).';

-- Whether an address follows the rule as written: no white space around it, and its normalised
-- form exists (any case: the gateway passes addresses as typed, the database lower-cases them).
create or replace function portal.is_email(p_email text) returns boolean
language sql immutable strict
set search_path = pg_catalog, pg_temp
as $$
    select portal.email_normalized(p_email) is not null
       and p_email !~ '^[\u0009-\u000d \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]|[\u0009-\u000d \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]$';
$$;
comment on function portal.is_email(text) is
    'True when the address has no white space around it and follows the email rule in some case (portal.email_normalized).';

-- Whether an address is stored as it must be: following the rule, in its normalised form. The
-- constraints on every column that holds an address.
create function portal.is_normalized_email(p_email text) returns boolean
language sql immutable
set search_path = pg_catalog, pg_temp
as $$
    select coalesce(portal.email_normalized(p_email) = p_email, false);
$$;
revoke all on function portal.is_normalized_email(text) from public;
comment on function portal.is_normalized_email(text) is
    'True when the address follows the email rule and is already in its normalised form (the address columns'' CHECK).';

-- The normalised address, or PA008 when it breaks the rule. The one place an address is
-- normalised for storage.
create or replace function portal.normalize_email(p_email text) returns text
language plpgsql immutable
set search_path = pg_catalog, pg_temp
as $$
declare
    v_email text := portal.email_normalized(p_email);
begin
    if v_email is null then
        raise exception 'invalid email address' using errcode = 'PA008',
            hint = 'An address has an ASCII local part (letters, digits and .!#$&''*+/=^_`{|}~-) and a domain of LDH or IDN labels.';
    end if;
    return v_email;
end
$$;

-- The portal user with this address, or an all-NULL row, as in 0007, the address normalised by
-- the rule first: one typed with a no-break space around it, or its domain in NFD, finds its
-- account (the gateway passes addresses as typed).
create or replace function portal.user_by_email(p_email text, p_lock boolean default false) returns portal.portal_users
language plpgsql
set search_path = pg_catalog, pg_temp
as $$
declare
    v_user portal.portal_users;
    v_email text := coalesce(portal.email_normalized(p_email), lower(btrim(p_email)));
begin
    if p_lock then
        select * into v_user from portal.portal_users u where u.email = v_email for update;
    else
        select * into v_user from portal.portal_users u where u.email = v_email;
    end if;
    return v_user;
end
$$;

-- ---------------------------------------------------------------------------------------------
-- Password hashes: one rule.

-- The decoded length of canonical, unpadded base64 (p_url: the URL-safe alphabet), or NULL when
-- the text is not exactly what an encoder writes for those bytes.
create function portal.base64_length(p_text text, p_url boolean) returns integer
language plpgsql immutable strict
set search_path = pg_catalog, pg_temp
as $$
declare
    v_text text := p_text;
    v_bytes bytea;
begin
    if length(v_text) > 200 or length(v_text) % 4 = 1
       or v_text !~ (case when p_url then '^[A-Za-z0-9_-]+$' else '^[A-Za-z0-9+/]+$' end) then
        return null;
    end if;
    if p_url then
        v_text := translate(v_text, '-_', '+/');
    end if;
    v_bytes := decode(v_text || repeat('=', (4 - length(v_text) % 4) % 4), 'base64');
    if rtrim(translate(encode(v_bytes, 'base64'), E'\n', ''), '=') <> v_text then
        return null;
    end if;
    return octet_length(v_bytes);
end
$$;
revoke all on function portal.base64_length(text, boolean) from public;
comment on function portal.base64_length(text, boolean) is
    'Decoded length of canonical unpadded base64 (standard or URL-safe alphabet), NULL when not canonical.';

-- Whether a stored password hash is one the gateway verifies (the rule of
-- PasswordHash.Stored in Sources/PortalCrypto/PasswordHash.swift):
--   PHC  $scrypt$ln=L,r=R,p=P$<salt>$<key>: L, R, P plain decimals in that order, L 10–22,
--        R 1–32, P 1–16, 128·R·(2^L + P + 2) ≤ 2 GiB; salt and key 8–64 bytes each (8: the
--        PHC format's minimum salt; the gateway writes 16 and 32), canonical standard base64
--        without padding;
--   Node <salt>:<key>, as the seed's crypto.scrypt wrote it: a 16-byte salt and a 64-byte key,
--        canonical base64url without padding.
create function portal.is_password_hash(p_hash text) returns boolean
language plpgsql immutable strict
set search_path = pg_catalog, pg_temp
as $$
declare
    v_parts text[];
    v_ln integer;
    v_r integer;
    v_p integer;
begin
    if length(p_hash) > 300 then
        return false;
    end if;
    v_parts := regexp_match(p_hash,
        '^\$scrypt\$ln=([1-9][0-9]?),r=([1-9][0-9]?),p=([1-9][0-9]?)\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$');
    if v_parts is not null then
        v_ln := v_parts[1]::integer;
        v_r := v_parts[2]::integer;
        v_p := v_parts[3]::integer;
        return v_ln between 10 and 22 and v_r between 1 and 32 and v_p between 1 and 16
           and 128::bigint * v_r * ((1::bigint << v_ln) + v_p + 2) <= 2147483648
           and coalesce(portal.base64_length(v_parts[4], false) between 8 and 64, false)
           and coalesce(portal.base64_length(v_parts[5], false) between 8 and 64, false);
    end if;
    v_parts := regexp_match(p_hash, '^([A-Za-z0-9_-]+):([A-Za-z0-9_-]+)$');
    return v_parts is not null
       and coalesce(portal.base64_length(v_parts[1], true) = 16, false)
       and coalesce(portal.base64_length(v_parts[2], true) = 64, false);
end
$$;
revoke all on function portal.is_password_hash(text) from public;
comment on function portal.is_password_hash(text) is
    'True for a hash the gateway verifies: PHC scrypt in its parameter range (8-64 byte salt and key, canonical base64) or a Node salt:key as Node wrote it.';

-- ---------------------------------------------------------------------------------------------
-- Times: finite, and within years the API's date-time format can write.

create function portal.is_plausible_time(p_time timestamptz) returns boolean
language sql immutable
set search_path = pg_catalog, pg_temp
as $$
    select p_time is null or (p_time >= '1900-01-01 00:00:00+00' and p_time < '10000-01-01 00:00:00+00');
$$;
revoke all on function portal.is_plausible_time(timestamptz) from public;
comment on function portal.is_plausible_time(timestamptz) is
    'True for NULL or a time from 1900 to 9999 (no infinity, no BC date).';

-- The rules as PA008 with a sentence, before the CHECKs below would answer 23514: every path
-- that writes a portal user (the import, activation, a DBA's UPDATE) learns which field is wrong.
create function portal.portal_users_input_rules() returns trigger
language plpgsql
set search_path = pg_catalog, pg_temp
as $$
begin
    if new.password_hash is not null and not portal.is_password_hash(new.password_hash) then
        raise exception 'malformed password hash' using errcode = 'PA008',
            hint = 'A PHC scrypt hash the gateway verifies, or a Node salt:key hash as Node wrote it (16-byte salt, 64-byte key).';
    end if;
    if not (portal.is_plausible_time(new.created_at) and portal.is_plausible_time(new.updated_at)
            and portal.is_plausible_time(new.activated_at) and portal.is_plausible_time(new.last_login_at)) then
        raise exception 'times must be finite and between the years 1900 and 9999' using errcode = 'PA008';
    end if;
    return new;
end
$$;
revoke all on function portal.portal_users_input_rules() from public;
comment on function portal.portal_users_input_rules() is
    'Trigger: refuses a portal user''s malformed hash or implausible time with PA008 (the CHECKs stay the backstop).';
create trigger portal_users_input_rules
    before insert or update of password_hash, created_at, updated_at, activated_at, last_login_at
    on portal.portal_users
    for each row execute function portal.portal_users_input_rules();

-- ---------------------------------------------------------------------------------------------
-- The constraints.

-- The email rule lower-cases non-ASCII letters with lower(), which follows the database's
-- LC_CTYPE: under C or POSIX, 'Ü' stays 'Ü' and one mailbox could become two accounts.
do $$
begin
    if lower('Ü') <> 'ü' then
        raise exception 'this database does not lower-case non-ASCII letters (LC_CTYPE %): the email rule needs a UTF-8 locale',
            (select datctype from pg_catalog.pg_database where datname = current_database())
            using hint = 'create the database with a UTF-8 locale (e.g. LC_CTYPE ''C.UTF-8'' or ''en_US.UTF-8''), then migrate again';
    end if;
end
$$;

-- Pending mail to an address outside the rule could never be updated again under the new
-- constraint (the mailer could not even bury it): bury it now, saying why.
update portal.mail_outbox m
   set status = 'dead', locked_by = null, locked_until = null,
       last_error = 'the recipient is outside the email address rule'
 where m.status in ('queued', 'sending') and not portal.is_normalized_email(m.recipient);

alter table portal.portal_users drop constraint portal_users_email_shape;
alter table portal.portal_users add constraint portal_users_email_shape
    check (portal.is_normalized_email(email)) not valid;
alter table portal.portal_users drop constraint portal_users_hash_shape;
alter table portal.portal_users add constraint portal_users_hash_shape
    check (password_hash is null or portal.is_password_hash(password_hash)) not valid;
alter table portal.portal_users add constraint portal_users_times_plausible
    check (portal.is_plausible_time(created_at) and portal.is_plausible_time(updated_at)
           and portal.is_plausible_time(activated_at) and portal.is_plausible_time(last_login_at)) not valid;
alter table portal.ports drop constraint ports_reply_to_shape;
alter table portal.ports add constraint ports_reply_to_shape
    check (reply_to is null or portal.is_normalized_email(reply_to)) not valid;
alter table portal.mail_outbox add constraint mail_outbox_recipient_shape
    check (portal.is_normalized_email(recipient)) not valid;

-- Validated (a new database: always). Stored accounts or ports outside a rule stop the migration
-- with the queries that find them; old sent or dead mail outside it leaves that constraint NOT
-- VALID with a WARNING (no such row is ever updated again).
do $$
declare
    v_constraint record;
    v_broken text[] := '{}';
begin
    for v_constraint in
        select * from (values
            ('portal.portal_users', 'portal_users_email_shape', 'not portal.is_normalized_email(email)'),
            ('portal.portal_users', 'portal_users_hash_shape', 'not portal.is_password_hash(password_hash)'),
            ('portal.portal_users', 'portal_users_times_plausible',
             'not (portal.is_plausible_time(created_at) and portal.is_plausible_time(updated_at) and portal.is_plausible_time(activated_at) and portal.is_plausible_time(last_login_at))'),
            ('portal.ports', 'ports_reply_to_shape', 'not portal.is_normalized_email(reply_to)'),
            ('portal.mail_outbox', 'mail_outbox_recipient_shape', 'not portal.is_normalized_email(recipient)')
        ) c(table_name, constraint_name, breaking)
    loop
        begin
            execute format('alter table %s validate constraint %I', v_constraint.table_name, v_constraint.constraint_name);
        exception when check_violation then
            if v_constraint.table_name = 'portal.mail_outbox' then
                raise warning 'constraint % on % is not validated: sent or dead mail breaks it (find it with: select * from % where %)',
                    v_constraint.constraint_name, v_constraint.table_name, v_constraint.table_name, v_constraint.breaking;
            else
                v_broken := v_broken || format('%s (select * from %s where %s)',
                    v_constraint.constraint_name, v_constraint.table_name, v_constraint.breaking);
            end if;
        end;
    end loop;
    if cardinality(v_broken) > 0 then
        raise exception 'stored rows break the address, hash or time rules: %', array_to_string(v_broken, '; ')
            using errcode = 'PA008',
                  hint = 'fix or remove those rows (the queries list them), then run migrate again';
    end if;
end
$$;

-- Refuses a non-ASCII local part with a sentence that says why, then stores the address as
-- before. PA005, PA008.
create or replace function portal_api.set_port_contact(p_port_id text, p_reply_to text, p_phone text) returns void
language plpgsql security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    v_reply_to text;
    v_phone text := nullif(btrim(p_phone), '');
begin
    if portal.email_normalized(p_reply_to) is null and split_part(p_reply_to, '@', 1) ~ '[^\u0001-\u007f]' then
        raise exception 'the reply-to address''s local part (before the @) must be ASCII: mail is sent without SMTPUTF8, which relays need for it'
            using errcode = 'PA008';
    end if;
    v_reply_to := case when nullif(btrim(p_reply_to), '') is not null then portal.normalize_email(p_reply_to) end;
    if v_phone is not null and v_phone !~ '^\+?[0-9][0-9 ()./-]{2,39}$' then
        raise exception 'phone must be 3 to 40 digits, spaces or + ( ) . / -' using errcode = 'PA008';
    end if;
    update portal.ports p set reply_to = v_reply_to, support_phone = v_phone where p.id = p_port_id;
    if not found then
        raise exception 'port not found' using errcode = 'PA005';
    end if;
    insert into portal.auth_events (event, port_id, actor, detail)
    values ('port_updated', p_port_id, left(session_user, 200), jsonb_build_object('field', 'contact'));
end
$$;
comment on function portal_api.set_port_contact(text, text, text) is
    'Sets or clears (NULL) a port''s reply-to address and support phone, shown in its mails and pages. PA005, PA008 (also: a non-ASCII local part, since mail is sent without SMTPUTF8).';

-- ---------------------------------------------------------------------------------------------
-- Mail: a Message-ID unique across restores.

-- Random per mail: every attempt of one mail has the same key, two mails never do (a restore
-- sets ids back, not keys).
alter table portal.mail_outbox add column message_key uuid not null default gen_random_uuid();

-- As in 0013, returning the mail's message_key (the return type changes: dropped and created).
drop function portal_api.claim_mail(text, integer);
create function portal_api.claim_mail(p_worker text, p_limit integer default 10)
returns table (id bigint, kind text, recipient text, token_id text, token_expires_at timestamptz,
               data jsonb, attempts integer, message_key uuid)
language plpgsql security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    v_settings portal.settings;
    v_mail record;
begin
    if p_worker is null or length(p_worker) not between 1 and 200 then
        raise exception 'worker name must be 1 to 200 characters' using errcode = 'PA008';
    end if;
    select * into v_settings from portal.settings;
    for v_mail in
        with due as (
            select m.id from portal.mail_outbox m
             where (m.status = 'queued' and m.run_at <= now())
                or (m.status = 'sending' and m.locked_until < now())
             order by m.run_at, m.id
             limit least(greatest(coalesce(p_limit, 10), 1), 1000)
               for update skip locked)
        update portal.mail_outbox m
           set status = 'sending', locked_by = p_worker, locked_until = now() + v_settings.mail_lease,
               attempts = m.attempts + 1
          from due
         where m.id = due.id
        returning m.id, m.kind, m.recipient, m.token_id, m.data, m.attempts, m.message_key
    loop
        if v_mail.attempts > v_settings.mail_max_attempts then
            update portal.mail_outbox m
               set status = 'dead', locked_by = null, locked_until = null, attempts = m.attempts - 1,
                   last_error = coalesce(m.last_error, 'out of attempts')
             where m.id = v_mail.id;
            continue;
        end if;
        if v_mail.token_id is not null and not portal.token_live(v_mail.token_id) then
            update portal.mail_outbox m
               set status = 'skipped', locked_by = null, locked_until = null, attempts = m.attempts - 1,
                   last_error = 'token expired or revoked before sending'
             where m.id = v_mail.id;
            continue;
        end if;
        id := v_mail.id;
        kind := v_mail.kind;
        recipient := v_mail.recipient;
        token_id := v_mail.token_id;
        token_expires_at := (select t.expires_at from portal.portal_auth_tokens t where t.id = v_mail.token_id);
        data := v_mail.data;
        attempts := v_mail.attempts;
        message_key := v_mail.message_key;
        return next;
    end loop;
end
$$;
revoke all on function portal_api.claim_mail(text, integer) from public;
grant execute on function portal_api.claim_mail(text, integer) to portal_mailer;
comment on function portal_api.claim_mail(text, integer) is
    'Claims due mails with a lease (FOR UPDATE SKIP LOCKED); skips mails whose token died, buries mails out of attempts. Each row carries its message_key (the Message-ID''s unique half).';

-- ---------------------------------------------------------------------------------------------
-- Mail: sealing bound to the lease, re-sealing after a key rotation.

-- Seals the token of mail p_id for the mailer holding its lease: the hash is stored when the
-- token has none, the same hash again is a no-op, and a different hash — the token was sealed
-- under another PORTAL_TOKEN_KEY, and the mail was never sent — replaces it while the token is
-- live (unused, unrevoked, unexpired). The link of the earlier attempt stops working; the mail
-- now sent carries one that works. PA009 when p_worker holds no lease on an unsent mail of that
-- token (or the hash seals another token); PA001 unknown token; PA008 not 32 bytes.
create function portal.seal_mail_token(p_id bigint, p_worker text, p_token_id text, p_token_hash bytea) returns void
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
    begin
        update portal.portal_auth_tokens t set token_hash = p_token_hash where t.id = p_token_id;
    exception when unique_violation then
        raise exception 'this hash seals another token' using errcode = 'PA009';
    end;
end
$$;
revoke all on function portal.seal_mail_token(bigint, text, text, bytea) from public;
comment on function portal.seal_mail_token(bigint, text, text, bytea) is
    'The lease holder of an unsent mail seals its token, re-sealing a live token sealed under another token key. PA001, PA008, PA009.';

-- The mailer's seal, in the statement right before a send (after renew_mail confirmed the lease
-- and the token): portal.seal_mail_token. PA001, PA008, PA009.
create function portal_api.seal_mail_token(p_id bigint, p_worker text, p_token_id text, p_token_hash bytea) returns void
language plpgsql security definer
set search_path = pg_catalog, pg_temp
as $$
begin
    perform portal.seal_mail_token(p_id, p_worker, p_token_id, p_token_hash);
end
$$;
revoke all on function portal_api.seal_mail_token(bigint, text, text, bytea) from public;
grant execute on function portal_api.seal_mail_token(bigint, text, text, bytea) to portal_mailer;
comment on function portal_api.seal_mail_token(bigint, text, text, bytea) is
    'Mailer: seals the token of a mail it holds the lease of, re-sealing an unsent mail''s live token after a token key rotation. PA001, PA008, PA009.';

-- The mailer seals through its leases only; seal_token stays the DBA's idempotent seal.
revoke execute on function portal_api.seal_token(text, bytea) from portal_mailer;

revoke all on all functions in schema portal from public;
