-- Deleting a client as the CRM's cascade says: the client, its portal user, the user's tokens,
-- sessions and mail (the foreign keys' ON DELETE CASCADE), the rate-limit windows keyed by its
-- address or id, and the person in the audit (schema/0011_account_deletion.sql: the rows stay,
-- their address, network address, user agent and personal detail values go).
--
-- A mail in a mailer's hands cannot be called back: the mailer renews its lease and re-checks the
-- mail in one statement right before it hands the mail to SMTP (api/mail.sql, dispatch_mail), and
-- from then on the send is out of the database's reach. So the delete locks the user's mail rows
-- (a mailer's claim skips them, its renew waits and then finds nothing: not sent) and refuses,
-- deleting nothing, while any of them is leased (status sending, lease not yet ended): after a
-- delete commits no mail of that person can be sent, and one the mailer had already begun is
-- finished before the delete can succeed. The refusal is a value, {"error": "mail_in_flight",
-- "retryAfter": <seconds the lease still runs>}: the DBA function raises it as 55P03 with a hint,
-- the admin API answers 503 with that Retry-After.
--
-- Raises: PA004 client_not_found.

set local role portal_owner;

-- Deletes a client (of p_port_id when given) and everything of its portal user; erases that
-- user from the audit; writes one client_deleted row (ids and counts, no personal data). Returns
-- the counts: {"portalUserId", "sessionsEnded", "mailsDropped" (queued or failed, never to be
-- sent), "auditRowsErased"}, or {"error": "mail_in_flight", "retryAfter": n} having changed
-- nothing. PA004.
create or replace function portal.delete_client(p_client_id text, p_port_id text, p_actor text) returns jsonb
language plpgsql
set search_path = pg_catalog, pg_temp
as $$
declare
    v_client portal.clients := portal.find_client(p_client_id, p_port_id);
    v_user portal.portal_users;
    v_wait integer;
    v_sessions integer := 0;
    v_mails integer := 0;
    v_erased integer;
    v_counts jsonb;
begin
    perform from portal.clients c where c.id = v_client.id for update;
    select * into v_user from portal.portal_users u where u.client_id = v_client.id for update;
    if v_user.id is not null then
        -- Lock order: the user, then its mail (as the mailer's renew: the mail row, then the token).
        perform from portal.mail_outbox m
         where m.portal_user_id = v_user.id or m.recipient = v_user.email
           for update;
        select ceil(extract(epoch from max(m.locked_until) - now()))::integer into v_wait
          from portal.mail_outbox m
         where (m.portal_user_id = v_user.id or m.recipient = v_user.email)
           and m.status = 'sending' and m.locked_until > now();
        if v_wait is not null then
            return jsonb_build_object('error', 'mail_in_flight', 'retryAfter', greatest(v_wait, 1));
        end if;
        select count(*) into v_sessions from portal.sessions s where s.portal_user_id = v_user.id;
        select count(*) into v_mails from portal.mail_outbox m
         where (m.portal_user_id = v_user.id or m.recipient = v_user.email) and m.status in ('queued', 'sending');
        -- Mail to this address on another user's behalf holds the address too.
        delete from portal.mail_outbox m where m.recipient = v_user.email;
        delete from portal.rate_limits l where l.key in (v_user.email, v_user.id);
    end if;
    delete from portal.clients c where c.id = v_client.id;

    perform set_config('portal.erasing', 'on', true);
    update portal.auth_events e
       set email = null, ip = null, user_agent = null, detail = portal.erased_detail(e.detail)
     where (e.client_id = v_client.id or e.portal_user_id = v_user.id or e.email = v_user.email)
       and (e.email is not null or e.ip is not null or e.user_agent is not null
            or e.detail is distinct from portal.erased_detail(e.detail));
    get diagnostics v_erased = row_count;
    perform set_config('portal.erasing', 'off', true);

    v_counts := jsonb_build_object('portalUserId', v_user.id, 'sessionsEnded', v_sessions, 'mailsDropped', v_mails,
                                   'auditRowsErased', v_erased);
    insert into portal.auth_events (event, port_id, client_id, portal_user_id, actor, on_behalf_of, detail)
    values ('client_deleted', v_client.port_id, v_client.id, v_user.id, left(session_user, 200), left(p_actor, 200),
            v_counts - 'portalUserId');
    return v_counts;
end
$$;
revoke all on function portal.delete_client(text, text, text) from public;
comment on function portal.delete_client(text, text, text) is
    'Deletes a client with its portal user, tokens, sessions and mail, erasing that person from the audit; returns the counts, or {"error": "mail_in_flight", "retryAfter": n} (nothing deleted) while one of its mails is being sent. PA004.';
