-- Email change: a token type that carries the address it confirms, its lifetime, and the three
-- mails around it.
--
-- An email_change token is issued like the others (unsealed, single use, one live per user and
-- type) with new_email, the normalised address it moves the account to; using it applies the
-- change (api/portal.sql, confirm_email_change), where portal_users_email_key decides a race of
-- two changes to one address. Mails: email_change (the link, to the new address),
-- email_change_notice (to the old address, no link) and email_taken (a note, no link, to a
-- mailbox that already has an account, in place of the link).

set local role portal_owner;

alter table portal.portal_auth_tokens
    add column new_email text,
    drop constraint portal_auth_tokens_type_check,
    add constraint portal_auth_tokens_type_check check (type in ('activation', 'reset', 'email_change')),
    -- The address rides with its token, and only with an email_change token.
    add constraint portal_auth_tokens_new_email check ((type = 'email_change') = (new_email is not null)),
    add constraint portal_auth_tokens_new_email_shape check (new_email is null or portal.is_normalized_email(new_email)),
    add constraint portal_auth_tokens_email_change_lifetime
        check (type <> 'email_change' or expires_at <= created_at + interval '7 days');

alter table portal.settings
    add column email_change_ttl interval not null default '24 hours'
        check (email_change_ttl >= '5 minutes' and email_change_ttl <= '7 days');

alter table portal.mail_outbox
    drop constraint mail_outbox_kind_check,
    add constraint mail_outbox_kind_check check (kind in (
        'activation', 'reset', 'password_changed', 'email_change', 'email_change_notice', 'email_taken')),
    drop constraint mail_outbox_token_kind,
    add constraint mail_outbox_token_kind check ((kind in ('activation', 'reset', 'email_change')) = (token_id is not null));
