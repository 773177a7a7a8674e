/*
 * portal-auth: the token and mail protocol, as the SQL implements it (README "The model").
 *
 * One portal user. Staff invite (token 0, activation, and its mail), then maybe resend
 * (token 1, activation: revokes token 0) or the user asks for a reset (token 1, reset), then
 * maybe disable the user (revokes every live token). Each token has one mail. Tokens expire at
 * any time. NM mailers claim due mail in batches under a lease (claim_mail: queued, or sending
 * with its lease run out; FOR UPDATE SKIP LOCKED makes each claim atomic), and for each mail of
 * the batch: renew_mail (lease still ours? token still live? else skipped), seal_token (first
 * sealer wins; another key conflicts → dead), send over SMTP (or fail: retry or dead),
 * complete_mail (still ours?). A lease may run out at any time, also while its holder sends.
 * A mailer may crash at any step (bounded by FAULTS) and restarts with nothing in hand.
 * NG gateways consume the mailed links (consume_token: right type, unused, unrevoked,
 * unexpired, user active; then every other live token of the user is revoked).
 *
 * Each atomic block is one SQL statement (one transaction) or one SMTP transaction.
 * Mutants (-DMUTANT_…) remove one guard each; scripts/model-check.sh expects each to fail.
 */

#define NT 2            /* tokens, and their mails */
#define NM 2            /* mailers; mailer i seals with key i (a key rotation rolling out) */
#define NG 2            /* gateways */
#ifndef FAULTS
#define FAULTS 1        /* crashes + leases lost mid-send, over the whole run */
#endif
#define MAX_ATTEMPTS 2  /* settings.mail_max_attempts */

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
byte hash[NT];            /* 0: not sealed yet; else the key that sealed it */
bit user_active = 1;

/* portal.mail_outbox */
byte status[NT];
byte holder[NT];          /* locked_by: 0 none, else mailer id 1..NM */
bit lease_out[NT];        /* locked_until < now() */
byte attempts[NT];

/* ghost state: what the properties talk about */
byte sends[NT];           /* SMTP transactions that delivered the mail */
byte interrupted[NT];     /* a holder crashed after sending, or its lease ran out mid-send */
byte link[NT];            /* key of the last delivered link (what a gateway can present) */
byte consumed[NT];
byte first_hash[NT];
byte final_status[NT];
byte midsend[NM + 1];     /* mail + 1 that mailer i is between a successful renew and complete */
byte delivered[NM + 1];   /* mail + 1 that mailer i delivered and has not completed */
bit lost[NM + 1];         /* mailer i's lease ran out while it was mid-send */
bit crash[NM + 1];
byte faults;
bit staff_done;

/* A status change that ends the mail: a final status never changes again. */
inline finish(m, s) {
    assert(final_status[m] == NONE);
    status[m] = s; holder[m] = 0; lease_out[m] = 0;
    final_status[m] = s
}

#define token_live(t) (issued[t] && !used[t] && !revoked[t] && !expired[t])

inline issue(t, kind) {
    /* portal.issue_token: revoke the user's live tokens of this type, insert, queue its mail */
    for (i : 0 .. NT - 1) {
        if
        :: issued[i] && ttype[i] == kind && !used[i] && !revoked[i] -> revoked[i] = 1
        :: else
        fi
    }
    issued[t] = 1; ttype[t] = kind; status[t] = QUEUED
}

inline revoke_all() {
    for (i : 0 .. NT - 1) {
        if
        :: issued[i] && !used[i] && !revoked[i] -> revoked[i] = 1
        :: else
        fi
    }
}

active proctype Staff() {
    byte i;
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

/* Time passes: a token expires; a lease runs out (while its holder sends: a fault). */
#define EXPIRE(t) atomic { issued[t] && !expired[t] -> expired[t] = 1 }
#define LEASE_RUNS_OUT(t) \
    atomic { \
        status[t] == SENDING && !lease_out[t] && (midsend[holder[t]] != t + 1 || faults < FAULTS) -> \
        if \
        :: midsend[holder[t]] == t + 1 -> faults++; interrupted[t]++; lost[holder[t]] = 1 \
        :: else \
        fi; \
        lease_out[t] = 1 \
    }

active proctype Clock() {
    do
    :: EXPIRE(0)
    :: EXPIRE(1)
    :: LEASE_RUNS_OUT(0)
    :: LEASE_RUNS_OUT(1)
    od
}

/* A final status (sent, dead, skipped) never changes. */
active proctype Monitor() {
    atomic {
        ((final_status[0] != NONE && status[0] != final_status[0]) || (final_status[1] != NONE && status[1] != final_status[1])) ->
        assert(false)
    }
}

/* A mailer process dies (SIGKILL, OOM, host lost). */
active proctype Crasher() {
    byte p;
    do
    :: atomic { faults < FAULTS -> select(p : 1 .. NM); crash[p] = 1; faults++ }
    :: faults >= FAULTS -> break
    od
}

proctype Mailer(byte me) {
    byte batch, m, i;
    bit ok;
restart:
    batch = 0; midsend[me] = 0; delivered[me] = 0; lost[me] = 0;
    do
    :: {
        /* portal_api.claim_mail: every due mail at once, under a fresh lease */
        atomic {
            for (i : 0 .. NT - 1) {
                if
#ifdef MUTANT_STEAL
                :: status[i] == QUEUED || status[i] == SENDING ->    /* a lease that still runs is taken */
#else
#ifdef MUTANT_NO_TAKEOVER
                :: status[i] == QUEUED ->                            /* an expired lease is never taken over */
#else
                :: status[i] == QUEUED || (status[i] == SENDING && lease_out[i]) ->
#endif
#endif
                    attempts[i]++;
                    if
                    :: attempts[i] > MAX_ATTEMPTS -> finish(i, DEAD)
                    :: attempts[i] <= MAX_ATTEMPTS && !token_live(i) -> finish(i, SKIPPED)
                    :: else -> status[i] = SENDING; holder[i] = me; lease_out[i] = 0; batch = batch | (1 << i)
                    fi
                :: else
                fi
            }
        }
        m = 0;
        do
        :: m == NT -> break
        :: m < NT && !(batch & (1 << m)) -> m++
        :: m < NT && (batch & (1 << m)) ->
            /* portal_api.renew_mail: still ours, token still live: the lease now covers the send */
            atomic {
                if
                :: status[m] == SENDING && holder[m] == me ->
                    if
                    :: token_live(m) -> lease_out[m] = 0; ok = 1; midsend[me] = m + 1
                    :: else -> finish(m, SKIPPED); ok = 0
                    fi
                :: else -> ok = 0
                fi
            };
            if
            :: ok ->
                /* portal_api.seal_token: the first sealer's hash stays; another key is refused */
                atomic {
                    if
#ifdef MUTANT_RESEAL
                    :: true -> hash[m] = me                          /* sealed again by whoever comes */
#else
                    :: hash[m] == 0 || hash[m] == me -> hash[m] = me
                    :: hash[m] != 0 && hash[m] != me ->
                        ok = 0;                                      /* PA conflict: fail_mail permanent */
                        if
                        :: status[m] == SENDING && holder[m] == me -> finish(m, DEAD)
                        :: else
                        fi;
                        midsend[me] = 0
#endif
                    fi;
                    if
                    :: first_hash[m] == 0 -> first_hash[m] = hash[m]
                    :: else
                    fi;
                    assert(hash[m] == first_hash[m])                  /* P6: a sealed hash never changes */
                }
            :: else
            fi;
            if
            :: ok ->
                if
                :: atomic {
                       /* SMTP accepts it */
                       /* P5: a mailer sends only a mail it holds (never one marked skipped, dead or sent),
                          unless its lease ran out while it was sending */
                       assert((status[m] == SENDING && holder[m] == me) || lost[me]);
                       sends[m]++; link[m] = me; delivered[me] = m + 1;
                       /* P4: every second delivery has a cause: a crash after sending, or a lease lost mid-send */
                       assert(sends[m] <= 1 + interrupted[m])
                   };
                   /* portal_api.complete_mail */
                   atomic {
                       if
#ifdef MUTANT_COMPLETE
                       :: status[m] == SENDING ->                      /* completes a mail another mailer took */
#else
                       :: status[m] == SENDING && holder[m] == me ->
#endif
                           finish(m, SENT)
                       :: else
                       fi;
                       midsend[me] = 0; delivered[me] = 0; lost[me] = 0
                   }
                :: atomic {
                       /* SMTP refuses it (transient or permanent): portal_api.fail_mail */
                       if
#ifdef MUTANT_FAIL
                       :: true ->                                      /* records a failure on a mail it lost */
#else
                       :: status[m] == SENDING && holder[m] == me ->
#endif
                           if
                           :: attempts[m] >= MAX_ATTEMPTS -> finish(m, DEAD)
                           :: attempts[m] < MAX_ATTEMPTS -> status[m] = QUEUED; holder[m] = 0; lease_out[m] = 0
                           :: attempts[m] < MAX_ATTEMPTS -> finish(m, DEAD)   /* a permanent 5xx */
                           fi
                       :: else
                       fi;
                       midsend[me] = 0; lost[me] = 0
                   }
                fi
            :: else
            fi;
            m++
        od;
        batch = 0
       } unless {
        crash[me] ->
        atomic {
            crash[me] = 0;
            if
            :: delivered[me] != 0 -> interrupted[delivered[me] - 1]++
            :: else
            fi
        };
        goto restart
       }
    od
}

#ifdef MUTANT_REUSE
#define UNUSED(t) true                 /* used_at is null dropped */
#else
#define UNUSED(t) !used[t]
#endif
#ifdef MUTANT_REVOKED
#define UNREVOKED(t) true              /* revoked_at is null dropped */
#else
#define UNREVOKED(t) !revoked[t]
#endif

/* portal_api.consume_token(kind, sha256(the mailed link)) by someone who received mail t */
#define CONSUME(t, kind) \
    atomic { \
        link[t] != 0 -> \
        if \
        :: ttype[t] == kind && hash[t] == link[t] && user_active && UNUSED(t) && UNREVOKED(t) && !expired[t] -> \
            assert(consumed[t] == 0);                               /* P1: consumed at most once */ \
            assert(!revoked[t] && !expired[t] && ttype[t] == kind); /* P2: never revoked, expired, or of another type */ \
            used[t] = 1; consumed[t]++; \
            revoke_all() \
        :: else                                                     /* PA001 */ \
        fi \
    }

proctype Gateway() {
    byte i;
    do
    :: CONSUME(0, ACTIVATION)
    :: CONSUME(0, RESET)
    :: CONSUME(1, ACTIVATION)
    :: CONSUME(1, RESET)
    od
}

init {
    byte i;
    atomic {
        for (i : 1 .. NM) { run Mailer(i) }
        for (i : 1 .. NG) { run Gateway() }
    }
}

/* P3: no mail is lost — every mail issued ends sent, dead or skipped (under weak fairness). */
#define all_final ((!issued[0] || final(0)) && (!issued[1] || final(1)))
ltl no_mail_lost { <> [] (staff_done && all_final) }
