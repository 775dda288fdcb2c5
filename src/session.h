/* relaymail: one SMTP session with the smart host. ISC licence.
 * Tries the configured hosts in order until one completes the greeting,
 * TLS (implicit or STARTTLS), EHLO and AUTH; the session then carries
 * every message of a flush (one handshake, one AUTH). When every host has
 * failed, the session stays down for the rest of the run with one reason
 * and its class, so a flush does not knock on a dead door per message. */
#ifndef SESSION_H
#define SESSION_H

#include "conf.h"
#include "conn.h"
#include "cred.h"
#include "net.h"
#include "pool.h"
#include "relaymail.h"
#include "smtp.h"
#include "spool.h"

struct tls;

struct session {
	const struct conf *conf;
	struct cred cred;
	int	 open;		/* a session is up */
	int	 down;		/* every host failed in this run */
	char	 down_why[600];
	enum err_class down_class;	/* why it is down */
	int	 down_cred;	/* the secret could not be had (cred_load) */
	enum smtp_stage down_stage;	/* where the last host stopped */
	int	 down_code;		/* and its reply, or 0 */
	enum err_class tls_class;	/* of a failed handshake */
	int	 host;		/* index of the host in use */
	char	 port[8];
	struct net net;
	struct tls *tls;
	struct conn conn;
	struct smtp smtp;
	struct smtp_params params;
	char	 helo[256];	/* the EHLO name, see util_ehlo_name */
	int	 connections;	/* sessions opened, for -v and tests */
	struct pool pool;	/* the queue's connection slots */
	struct pool_slot slot;	/* held while a connection is open */
	int	 slot_wait;	/* seconds session_open waits for a slot */
	int	 busy;		/* the last session_open found no slot, or
				 * the server refused us over its cap */
	/* -bt: shown the server's chain when a handshake fails, before
	 * the connection is dropped; NULL for a send. */
	void	(*tls_failed)(void *arg, const struct tls *);
	void	*tls_failed_arg;
};

/* spool: for the OAuth token cache and the connection pool, or NULL
 * (then connections are not counted). */
void	 session_init(struct session *, const struct conf *, struct spool *);

/* Opens a session if none is up: a slot of the pool first (waiting up
 * to slot_wait seconds), then the hosts in order. 0, or -1 with
 * down_why/down_class; busy set (and the session not down) when no slot
 * could be had or the server refused the connection over its cap. */
int	 session_open(struct session *);

/* Takes a slot for the next session_open without waiting past
 * deadline_ms (0: one try). 1 when one is held, else 0. */
int	 session_take_slot(struct session *, int64_t deadline_ms);

/* Hands the session a slot its caller took (the worker of a send). */
void	 session_adopt_slot(struct session *, struct pool_slot *slot);

/* 1 when res, the failure of a transaction, refuses the connection over
 * the provider's cap (policy_over_cap): the session is closed, the pool
 * lowered, busy and down_why set. Else 0. */
int	 session_over_cap(struct session *, const struct smtp_result *res);

/* The current host's name, for messages. */
const char *session_host(const struct session *);

/* Drops the connection (QUIT when the dialogue is still sane, then the
 * server's own close awaited briefly, so that it counts us gone before
 * the slot goes to someone else) and gives the slot back; the next
 * session_open connects again. */
void	 session_close(struct session *);

/* session_close, and the secret wiped. */
void	 session_end(struct session *);

#endif
