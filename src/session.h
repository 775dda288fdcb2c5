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
	/* -bt: shown the server's chain when a handshake fails, before
	 * the connection is dropped; NULL for a send. */
	void	(*tls_failed)(void *arg, const struct tls *);
	void	*tls_failed_arg;
};

/* spool: for the OAuth token cache, or NULL. */
void	 session_init(struct session *, const struct conf *, struct spool *);

/* Opens a session if none is up. 0, or -1 with down_why/down_class. */
int	 session_open(struct session *);

/* The current host's name, for messages. */
const char *session_host(const struct session *);

/* Drops the connection (QUIT when the dialogue is still sane); the next
 * session_open connects again. */
void	 session_close(struct session *);

/* session_close, and the secret wiped. */
void	 session_end(struct session *);

#endif
