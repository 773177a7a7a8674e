-- The audit trail: append-only.
--
-- No foreign keys: the history outlives the rows it talks about. Rows are only ever inserted by
-- portal.log_event; the event vocabulary (portal.auth_event_kinds()) and the triggers that keep
-- the table append-only live in internal/audit.sql. Even the owner may not update, delete or
-- truncate (only prune's retention deletes, inside its own transaction).

set local role portal_owner;

create table portal.auth_events (
    id bigint generated always as identity primary key,
    occurred_at timestamptz not null default now(),
    event text not null,
    port_id text,
    client_id text,
    portal_user_id text,
    email text check (email is null or length(email) <= 254),
    actor text check (actor is null or length(actor) <= 200),
    ip inet,
    user_agent text check (user_agent is null or length(user_agent) <= 512),
    detail jsonb,
    on_behalf_of text check (on_behalf_of is null or length(on_behalf_of) <= 200)
);
comment on column portal.auth_events.actor is
    'The database role that acted (session_user): cannot be forged by a caller.';
comment on column portal.auth_events.on_behalf_of is
    'Who the caller says it acted for (a CRM user, admin_key:<id>, $USER of the CLI): informative only.';
create index auth_events_user_idx on portal.auth_events (portal_user_id, id);
create index auth_events_client_idx on portal.auth_events (client_id, id);
revoke update, truncate on portal.auth_events from portal_owner;
