-- The input rules the tables' constraints enforce: one email rule, one password-hash rule,
-- plausible times. They live with the schema because a constraint uses them: changing one is a
-- data migration (a new versioned file that re-validates the stored rows), not a function edit.
-- Each is mirrored in Swift and property-tested against it (EmailAddress.swift,
-- PasswordHash.swift).
--
-- The email rule (the same words in Sources/PortalCore/EmailAddress.swift):
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
-- Lower-casing non-ASCII letters needs a Unicode-aware LC_CTYPE (checked by 0001_roles_and_schemas.sql).
--
-- Raises nothing: the rules answer true/false/NULL; callers raise PA008.

set local role portal_owner;

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

-- Which part of the email rule an address breaks, in words, or NULL when it follows the
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

-- Whether an address follows the rule as written: no white space around it, and its normalised
-- form exists (any case: the gateway passes addresses as typed, the database lower-cases them).
create function portal.is_email(p_email text) returns boolean
language sql immutable strict
set search_path = pg_catalog, pg_temp
as $$
    select portal.email_normalized(p_email) is not null
       and p_email !~ '^[\u0009-\u000d \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]|[\u0009-\u000d \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]$';
$$;
revoke all on function portal.is_email(text) from public;
comment on function portal.is_email(text) is
    'True when the address has no white space around it and follows the email rule in some case (portal.email_normalized).';

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

create function portal.is_plausible_time(p_time timestamptz) returns boolean
language sql immutable
set search_path = pg_catalog, pg_temp
as $$
    select p_time is null or (p_time >= '1900-01-01 00:00:00+00' and p_time < '10000-01-01 00:00:00+00');
$$;
revoke all on function portal.is_plausible_time(timestamp with time zone) from public;
comment on function portal.is_plausible_time(timestamp with time zone) is
    'True for NULL or a time from 1900 to 9999 (no infinity, no BC date).';
