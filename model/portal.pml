/*
 * portal-auth: the token and mail protocol, as the SQL implements it.
 * README "The model" maps each step below to its SQL function; checked by scripts/model-check.sh.
 *
 * One portal user. Staff invite (token 0, activation, and its mail); then maybe resend (token 1,
 * activation: revokes token 0) or the user asks for a reset (token 1, reset); then maybe disable
 * the user (revokes every live token). Each token has exactly one mail. Tokens expire at any time.
 * NM mailers claim due mail in batches under a lease (claim_mail; FOR UPDATE SKIP LOCKED makes
 * each claim one atomic step), and for each mail of the batch: dispatch_mail's renewal and seal
 * (lease still ours and token still live, else skipped; the hash is set, or — the token was sealed
 * under another key by an earlier attempt of this unsent mail — replaced by the lease holder's),
 * then the SMTP transaction (accepted, or refused → fail_mail: retry or dead),
 * (portal_api.dispatch_mail is one statement right before the SMTP transaction; it also carries
 * the previous mail's complete_mail: one coarser atomic step than the model's, so fewer
 * interleavings, and every behaviour it allows is one the model already has)
 * then complete_mail (only if the lease is still ours). A lease may run out at any time, also
 * while its holder is sending (a fault); a mailer may crash between any two of its steps (a
 * fault) and restarts with nothing in hand, perhaps with a rotated token key. At most FAULTS
 * faults happen in a run. NG gateways
 * consume the mailed links (consume_token: right type, unused, unrevoked, unexpired, user active;
 * then every other live token of the user is revoked).
 *
 * One atomic block = one SQL statement (one transaction) or one SMTP transaction. Properties are
 * assertions (P1, P2, P4, P5, P6, and "a final status never changes") and an LTL formula (P3).
 * P6: a mail is marked sent only while its token carries the hash of the link its holder
 * delivered (a re-seal after a key rotation never leaves a sent mail with a dead link).
 * Mutants (-DMUTANT_<name>) each remove one guard of the SQL; scripts/model-check.sh expects
 * every one of them to be caught (STEAL with P5 switched off, -DWITHOUT_P5, to show that P4
 * alone catches a duplicate without a cause).
 */

#define NT 2            /* tokens, and their mails */
#define NM 2            /* mailers */
#define NG 2            /* gateways */
#ifndef FAULTS
#define FAULTS 1        /* mailer crashes + leases that run out mid-send, in the whole run */
#endif
#define MAX_ATTEMPTS 2  /* settings.mail_max_attempts */
#define NOP assert(true)

/* mail status */
#define NONE    0
#define QUEUED  1
#define SENDING 2
#define SENT    3
#define DEAD    4
#define SKIPPED 5
#define final(m) (status[m] == SENT || status[m] == DEAD || status[m] == SKIPPED)

#define ACTIVATION 1
#define RESET      2

/* portal.portal_auth_tokens */
bit issued[NT]; bit used[NT]; bit revoked[NT]; bit expired[NT];
byte ttype[NT];
byte hash[NT];            /* 0: not sealed yet; else the token key (1, or 2 after a rotation) that sealed it */
bit user_active = 1;
#define token_live(t) (issued[t] && !used[t] && !revoked[t] && !expired[t])

/* portal.mail_outbox */
byte status[NT];
byte holder[NT];          /* locked_by: 0 none, else mailer 1..NM */
bit lease_out[NT];        /* locked_until < now() */
byte attempts[NT];

/* ghost state, for the properties */
byte sends[NT];           /* SMTP transactions that delivered mail t */
byte interrupted[NT];     /* faults that may repeat mail t: its holder crashed after delivering it, or lost its lease mid-send */
byte link[NT];            /* the token key of the last delivered link of token t (0: none delivered) */
byte consumed[NT];        /* successful consume_token calls on token t */
byte midsend[NM + 1];     /* mail + 1 that mailer i is between renew and complete/fail */
byte delivered[NM + 1];   /* mail + 1 that mailer i delivered and has not completed */
bit lost[NM + 1];         /* mailer i's lease ran out while it was mid-send */
byte faults;
bit staff_done;

/* Ghost updates exist for the assertions only: the liveness run (-DLIVENESS) drops them, so the
   state space it searches is the protocol's own. */
#ifdef LIVENESS
#define GHOST(x) skip
#else
#define GHOST(x) x
#endif

/* Every status write: a final status (sent, dead, skipped) never changes. */
#define set_status(m, s) assert(!final(m)); status[m] = s
#define finish(m, s) set_status(m, s); holder[m] = 0; lease_out[m] = 0
/* A mail is marked sent only after the relay took it at least once. */
#define finish_sent(m) GHOST(assert(sends[m] > 0)); finish(m, SENT)

/* portal.issue_token: revoke the user's live tokens of this type, insert, queue its mail */
#define REVOKE_IF(i, cond) if :: issued[i] && !used[i] && !revoked[i] && (cond) -> revoked[i] = 1 :: else -> NOP fi
inline issue(t, kind) {
    REVOKE_IF(0, ttype[0] == kind); REVOKE_IF(1, ttype[1] == kind);
    issued[t] = 1; ttype[t] = kind; status[t] = QUEUED
}
/* portal.revoke_tokens */
inline revoke_all() { REVOKE_IF(0, true); REVOKE_IF(1, true) }

active proctype Staff() {
    atomic { issue(0, ACTIVATION) };                    /* portal_api.invite */
    if
    :: atomic { issue(1, ACTIVATION) }                  /* portal_api.resend_activation */
    :: atomic { user_active -> issue(1, RESET) }        /* portal_api.request_password_reset */
    :: skip
    fi;
    if
    :: atomic { user_active = 0; revoke_all() }         /* portal_api.disable_portal_user */
    :: skip
    fi;
    staff_done = 1
}

/* Time passes: a token expires; a lease runs out (while its holder is mid-send: a fault). */
#define EXPIRE(t) atomic { issued[t] && !expired[t] -> expired[t] = 1 }
#define LEASE_RUNS_OUT(t) \
    atomic { \
        status[t] == SENDING && !lease_out[t] && (midsend[holder[t]] != t + 1 || faults < FAULTS) -> \
        if \
        :: midsend[holder[t]] == t + 1 -> faults++; GHOST(interrupted[t]++); GHOST(lost[holder[t]] = 1) \
        :: else -> NOP \
        fi; \
        lease_out[t] = 1 \
    }

active proctype Clock() {
    do
#ifndef LIVENESS
    :: EXPIRE(0)
    :: EXPIRE(1)
#endif
    :: LEASE_RUNS_OUT(0)
    :: LEASE_RUNS_OUT(1)
    od
}

/* The mailer may die (SIGKILL, OOM, host lost) between its steps and restarts with nothing in
   hand; a crash after a delivery, before complete, is a fault that may repeat that mail. */
#define CRASH_POINT \
    if \
    :: atomic { \
            faults < FAULTS -> \
            faults++; \
            if \
            :: delivered[me] != 0 -> GHOST(interrupted[delivered[me] - 1]++) \
            :: delivered[me] == 0 -> NOP \
            fi; \
            if /* it may come back with a rotated PORTAL_TOKEN_KEY */ \
            :: key = 1 \
            :: key = 2 \
            fi \
        }; \
        goto restart \
    :: true -> NOP \
    fi

/* Guards the mutants remove. */
#ifdef MUTANT_STEAL
#define DUE(i) (status[i] == QUEUED || status[i] == SENDING)                   /* takes a lease that still runs */
#elif defined(MUTANT_NO_TAKEOVER)
#define DUE(i) (status[i] == QUEUED)                                           /* never takes over a lapsed lease */
#else
#define DUE(i) (status[i] == QUEUED || (status[i] == SENDING && lease_out[i]))
#endif
#ifdef MUTANT_COMPLETE
#define OURS_TO_COMPLETE(m) (status[m] == SENDING)                             /* complete ignores locked_by */
#else
#define OURS_TO_COMPLETE(m) (status[m] == SENDING && holder[m] == me)
#endif
#ifdef MUTANT_FAIL
#define OURS_TO_FAIL(m) (true)                                                 /* fail ignores status and locked_by */
#else
#define OURS_TO_FAIL(m) (status[m] == SENDING && holder[m] == me)
#endif
/* portal.seal_mail_token: set, the same again, or a re-seal by the lease holder of an unsent mail
   whose token is live */
#define MAY_SEAL(m) (hash[m] == 0 || hash[m] == key || (status[m] == SENDING && holder[m] == me && token_live(m)))

/* portal_api.claim_mail, for mail i */
#define CLAIM(i) \
    if \
    :: DUE(i) -> \
        attempts[i]++; \
        if \
        :: attempts[i] > MAX_ATTEMPTS -> finish(i, DEAD) \
        :: attempts[i] <= MAX_ATTEMPTS && !token_live(i) -> finish(i, SKIPPED) \
        :: else -> set_status(i, SENDING); holder[i] = me; lease_out[i] = 0; batch = batch | (1 << i) \
        fi \
    :: else -> NOP \
    fi

proctype Mailer(byte me) {
    byte batch, m;
    byte key = 1;   /* PORTAL_TOKEN_KEY: every mailer starts with the same one */
    bit ok;
restart:
    batch = 0;
    atomic { m = 0; ok = 0; midsend[me] = 0; delivered[me] = 0; lost[me] = 0 };
    do
    :: atomic { CLAIM(0); CLAIM(1) };
       CRASH_POINT;
       do
       :: batch == 0 -> break
       :: batch != 0 ->
           atomic {
               m = (batch & 1 -> 0 : 1); batch = batch & ~(1 << m);
               /* portal_api.dispatch_mail, its renewal (renew_mail): still ours, token still live → the lease now covers the send */
               if
               :: status[m] == SENDING && holder[m] == me && token_live(m) -> lease_out[m] = 0; ok = 1; midsend[me] = m + 1
               :: status[m] == SENDING && holder[m] == me && !token_live(m) -> finish(m, SKIPPED); ok = 0
               :: else -> ok = 0
               fi;
               /* portal_api.dispatch_mail, its seal (portal.seal_mail_token): sets the hash, or re-seals it for this lease (refused → fail_mail permanent → dead) */
               if
               :: ok && MAY_SEAL(m) -> hash[m] = key
               :: ok && !MAY_SEAL(m) -> finish(m, DEAD); ok = 0; midsend[me] = 0
#ifdef MUTANT_RESEAL
               :: !ok && hash[m] != 0 -> hash[m] = key                   /* the seal ignores the lease */
#endif
               :: else -> NOP
               fi
           };
           CRASH_POINT;
           if
           :: ok ->
               if
               :: atomic {
                      /* SMTP: the relay accepts the mail. P5: a mailer delivers only a mail it holds
                         (never one already sent, dead or skipped) unless its lease ran out mid-send */
#ifndef WITHOUT_P5
                      GHOST(assert((status[m] == SENDING && holder[m] == me) || lost[me]));
#endif
                      GHOST(sends[m]++); link[m] = key; GHOST(delivered[me] = m + 1);
                      /* P4: a second delivery always has a cause: a crash after delivering, or a lease lost mid-send */
                      GHOST(assert(sends[m] <= 1 + interrupted[m]))
                  };
                  CRASH_POINT;
                  atomic {
                      /* portal_api.complete_mail */
                      if
                      :: OURS_TO_COMPLETE(m) ->
                          GHOST(assert(hash[m] == link[m]));               /* P6: sent with the link that works */
                          finish_sent(m)
                      :: else -> NOP
                      fi;
                      midsend[me] = 0; GHOST(delivered[me] = 0); GHOST(lost[me] = 0); ok = 0
                  }
               :: atomic {
                      /* SMTP: the relay refuses it → portal_api.fail_mail: queued again, or dead when out of attempts */
                      ok = OURS_TO_FAIL(m);
                      if
                      :: ok && attempts[m] < MAX_ATTEMPTS -> set_status(m, QUEUED); holder[m] = 0; lease_out[m] = 0
                      :: ok && attempts[m] >= MAX_ATTEMPTS -> finish(m, DEAD)
                      :: else -> NOP
                      fi;
                      midsend[me] = 0; GHOST(lost[me] = 0); ok = 0
                  }
               fi
           :: else -> NOP
           fi
       od;
       m = 0
    od
}

#ifdef MUTANT_REUSE
#define UNUSED(t) (true)                 /* used_at is null, dropped */
#else
#define UNUSED(t) (!used[t])
#endif
#ifdef MUTANT_REVOKED
#define UNREVOKED(t) (true)              /* revoked_at is null, dropped */
#else
#define UNREVOKED(t) (!revoked[t])
#endif
#ifdef MUTANT_EXPIRED
#define UNEXPIRED(t) (true)              /* expires_at > now(), dropped */
#else
#define UNEXPIRED(t) (!expired[t])
#endif
#ifdef MUTANT_TYPE
#define OF_TYPE(t, kind) (true)          /* t.type = p_type, dropped */
#else
#define OF_TYPE(t, kind) (ttype[t] == kind)
#endif

/* portal_api.consume_token(kind, sha256(the link of mail t)), by whoever received mail t */
#define CONSUME(t, kind) \
    atomic { \
        link[t] != 0 && OF_TYPE(t, kind) && hash[t] == link[t] && user_active && UNUSED(t) && UNREVOKED(t) && UNEXPIRED(t) -> \
        consumed[t]++; \
        assert(consumed[t] == 1);                                /* P1: a token is consumed at most once */ \
        assert(!revoked[t] && !expired[t] && ttype[t] == kind);  /* P2: never a revoked or expired one, or of another type */ \
        used[t] = 1; \
        revoke_all() \
    }

proctype Gateway() {
    do
    :: CONSUME(0, ACTIVATION)
    :: CONSUME(0, RESET)
    :: CONSUME(1, ACTIVATION)
    :: CONSUME(1, RESET)
    od
}

/* The liveness run (-DLIVENESS) leaves out the gateways and token expiry: they only write
   token state, which can end a mail sooner (claim and renew mark it skipped) but never keeps a
   mailer from taking it; the safety run has them all. */
init {
    atomic {
        run Mailer(1); run Mailer(2);
#ifndef LIVENESS
        run Gateway(); run Gateway()
#endif
    }
}

/* P3: no mail is lost — every mail issued ends sent, dead or skipped (under weak fairness). */
#define all_final ((!issued[0] || final(0)) && (!issued[1] || final(1)))
ltl no_mail_lost { <> [] (staff_done && all_final) }
