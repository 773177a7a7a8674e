-- Languages and time zones: the client's own language, the marina's default language and zone.
--
-- Which language a page or mail uses is decided in one place: the portal user's own choice
-- (portal_users.locale: staff set it on invite, PUT /api/v1/clients/:id and the import; the client
-- on the pages), else the marina's default (ports.locale, portal_api.set_port_locale), else, for
-- pages only, the browser's Accept-Language, else English. A mail is rendered in the language and
-- zone portal_api.claim_mail resolves when it is claimed, not when it was queued.
--
-- A locale is a BCP 47 tag in its normalised form by the one rule of LanguageTag.swift (language,
-- optional script, optional region; `de`, `de-AT`, `sr-Latn-RS`): the pattern below is its
-- `sqlPattern`. A time zone is an IANA name; whether Postgres knows it (pg_timezone_names) is
-- checked by set_port_locale, as a CHECK cannot consult a catalogue view: the CHECK holds the shape.

set local role portal_owner;

alter table portal.portal_users
    add column locale text,
    add constraint portal_users_locale_shape
        check (locale is null or locale ~ '^[a-z]{2,3}(-[A-Z][a-z]{3})?(-([A-Z]{2}|[0-9]{3}))?$');

alter table portal.ports
    add column locale text,
    add column time_zone text,
    add constraint ports_locale_shape
        check (locale is null or locale ~ '^[a-z]{2,3}(-[A-Z][a-z]{3})?(-([A-Z]{2}|[0-9]{3}))?$'),
    add constraint ports_time_zone_shape
        check (time_zone is null or time_zone ~ '^[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+){0,3}$' and length(time_zone) <= 64);

comment on column portal.portal_users.locale is
    'The client''s own language (BCP 47, normalised), or null for the marina''s default.';
comment on column portal.ports.locale is
    'The marina''s default language for its clients'' pages and mails (BCP 47, normalised), or null for English.';
comment on column portal.ports.time_zone is
    'The marina''s IANA time zone, in which mails write times (a link''s expiry), or null for UTC.';
