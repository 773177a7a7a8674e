-- The mail outbox: mail is queued in the transaction that decides to send it, and delivered by
-- the mailer under a lease.
--
-- A mailer claims due rows (status sending, locked_by, locked_until: the lease), renews the
-- lease right before each send, and only the lease holder may complete, fail, skip or release a
-- mail (api/mail.sql). A new row wakes the mailers (NOTIFY portal_mail, internal/mail.sql).
-- data holds template values (names, dates), never a secret; message_key makes each mail's
-- Message-ID unique across restores (ids restart at their backup values).

set local role portal_owner;

create table portal.mail_outbox (
    id bigint generated always as identity primary key,
    kind text not null check (kind in ('activation', 'reset', 'password_changed')),
    portal_user_id text references portal.portal_users (id) on delete cascade,
    recipient text not null check (length(recipient) between 3 and 254),
    token_id text references portal.portal_auth_tokens (id) on delete cascade,
    data jsonb not null default '{}' check (jsonb_typeof(data) = 'object'),
    status text not null default 'queued' check (status in ('queued', 'sending', 'sent', 'dead', 'skipped')),
    attempts integer not null default 0 check (attempts >= 0),
    run_at timestamptz not null default now(),
    locked_by text,
    locked_until timestamptz,
    last_error text check (last_error is null or length(last_error) <= 1000),
    sent_at timestamptz,
    created_at timestamptz not null default now(),
    message_key uuid not null default gen_random_uuid(),
    constraint mail_outbox_recipient_shape check (portal.is_normalized_email(recipient)),
    constraint mail_outbox_token_kind check ((kind in ('activation', 'reset')) = (token_id is not null)),
    constraint mail_outbox_lease check ((status = 'sending') = (locked_by is not null and locked_until is not null)),
    constraint mail_outbox_sent check ((status = 'sent') = (sent_at is not null))
);
-- The claim query's index: pending mail in run order.
create index mail_outbox_pending_idx on portal.mail_outbox (run_at, id) where status in ('queued', 'sending');
create index mail_outbox_status_idx on portal.mail_outbox (status);
create index mail_outbox_user_idx on portal.mail_outbox (portal_user_id, id);
create index mail_outbox_token_idx on portal.mail_outbox (token_id);
