-- Deleting a client, and who at the CRM acted through an admin key.
--
-- portal_api.delete_client (internal/deletion.sql) removes the client; its portal user, tokens,
-- sessions and mail go with it through the foreign keys' ON DELETE CASCADE. The audit keeps what
-- happened without the person: the rows about that user keep their ids, kinds and times, and lose
-- the address, the network address, the user agent and any personal value in detail. That is the
-- one UPDATE portal.auth_events allows, and only these columns may change: the trigger in
-- internal/audit.sql admits it only inside delete_client's transaction (portal.erasing) and only
-- when it erases.
--
-- staff_actor: what the caller of the admin API says about who acted (X-Portal-Actor, the CRM's
-- staff user id), beside on_behalf_of (admin_key:<id>, which the key proves). A claim of the key's
-- holder, never checked against anything.

set local role portal_owner;

alter table portal.auth_events
    add column staff_actor text
        check (staff_actor is null or (octet_length(staff_actor) between 1 and 200 and staff_actor !~ '[[:cntrl:]]'));
comment on column portal.auth_events.staff_actor is
    'The CRM staff user an admin-key call named (X-Portal-Actor): a claim of the key''s holder, recorded as given.';

-- Erasure only: portal_owner (whose functions write the audit) may change these four columns and
-- no other; UPDATE of the table stays revoked (0008_audit.sql).
grant update (email, ip, user_agent, detail) on portal.auth_events to portal_owner;

-- The erasure finds a deleted person's rows that carry no user id (a failed sign-in with the
-- address before the invite, a refused invite) by the address, without reading the whole table.
create index auth_events_email_idx on portal.auth_events (email) where email is not null;
