-- Languages: the one BCP 47 rule of LanguageTag.swift, in SQL.
--
-- Raises: PA008 invalid_input (a locale outside the rule, a time zone Postgres does not know).

set local role portal_owner;

-- A locale as the portal stores it, from a tag in any letter case: `DE-at` → `de-AT`,
-- `sr-latn-rs` → `sr-Latn-RS`; NULL for NULL. The rule is LanguageTag's (a language of 2 or 3
-- letters, an optional 4-letter script, an optional region of 2 letters or 3 digits, ASCII, at
-- most 12 characters); the result satisfies the CHECKs of schema/0013_locales.sql. PA008 with a
-- HINT for anything else (`de_AT`, `de-1996`, `en-u-ca-buddhist`, whitespace, the empty string).
create or replace function portal.normalize_locale(p_locale text) returns text
language plpgsql immutable
set search_path = pg_catalog, pg_temp
as $$
declare
    v_tag text;
    v_part text;
    v_parts text[];
begin
    if p_locale is null then
        return null;
    end if;
    -- ASCII letters, digits and hyphens only, before any case mapping (lower() of a non-ASCII
    -- letter can be ASCII: the Kelvin sign becomes k).
    if length(p_locale) between 2 and 12 and p_locale ~ '^[A-Za-z0-9-]+$' then
        v_parts := string_to_array(p_locale, '-');
        v_tag := lower(v_parts[1]);
        foreach v_part in array v_parts[2:] loop
            v_tag := v_tag || '-' || case when length(v_part) = 4 then upper(left(v_part, 1)) || lower(substr(v_part, 2))
                                          else upper(v_part) end;
        end loop;
        if v_tag ~ '^[a-z]{2,3}(-[A-Z][a-z]{3})?(-([A-Z]{2}|[0-9]{3}))?$' then
            return v_tag;
        end if;
    end if;
    raise exception 'locale must be a BCP 47 language tag: a language, optionally a script and a region' using errcode = 'PA008',
        hint = 'For example de, de-AT, pt-BR or sr-Latn-RS (a hyphen, not an underscore; no variants or extensions).';
end
$$;
revoke all on function portal.normalize_locale(text) from public;

-- An IANA time zone Postgres knows (pg_timezone_names), as given; NULL for NULL. PA008 with a HINT
-- for anything else: a zone Postgres does not know would fail every mail that writes a time.
create or replace function portal.checked_time_zone(p_time_zone text) returns text
language plpgsql stable
set search_path = pg_catalog, pg_temp
as $$
begin
    if p_time_zone is null then
        return null;
    end if;
    if length(p_time_zone) > 64 or p_time_zone !~ '^[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+){0,3}$'
       or not exists (select from pg_timezone_names z where z.name = p_time_zone) then
        raise exception 'time zone % is not an IANA time zone this database knows', quote_literal(left(p_time_zone, 64))
            using errcode = 'PA008',
            hint = 'An IANA name such as Europe/Berlin, Europe/Zagreb or Atlantic/Canary (select name from pg_timezone_names).';
    end if;
    return p_time_zone;
end
$$;
revoke all on function portal.checked_time_zone(text) from public;
