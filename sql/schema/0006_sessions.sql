-- Live sessions: one row per issued session cookie (its jti).
--
-- A cookie is valid while its row exists, is unexpired and carries the user's current
-- session_epoch. Signing out deletes the row; sign-out everywhere, a password change or reset,
-- disabling and a restore delete them all (internal/sessions.sql).

set local role portal_owner;

create table portal.sessions (
    jti text primary key check (length(jti) between 1 and 64),
    portal_user_id text not null references portal.portal_users (id) on delete cascade,
    session_epoch integer not null,
    created_at timestamptz not null default now(),
    expires_at timestamptz not null,
    constraint sessions_expiry check (expires_at > created_at)
);
create index sessions_user_idx on portal.sessions (portal_user_id);
create index sessions_expiry_idx on portal.sessions (expires_at);
