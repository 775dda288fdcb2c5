/* relaymail: delivery policy. ISC licence, see LICENSE.
 * Turns SMTP results into queue actions and an outcome: one session (one
 * TLS handshake, one AUTH) serves a whole flush; hosts are tried in
 * order; the table that maps (stage, reply) to sent, deferred or failed
 * and to a sysexits code lives here and nowhere else. */
#ifndef RELAY_H
#define RELAY_H

#include <stdint.h>
#include <stdio.h>

#include "conf.h"
#include "conn.h"
#include "net.h"
#include "relaymail.h"
#include "smtp.h"
#include "spool.h"

#define RELAY_RETRY_MIN_S	60	/* first retry after a minute, */
#define RELAY_RETRY_MAX_S	3600	/* doubling up to an hour */
#define RELAY_OPPORTUNISTIC_S	10	/* flush after a send, at most */
#define RELAY_TOKEN_S		3000	/* an OAuth token is reused 50 min */

struct relay_report {
	enum outcome out;
	int	 exit_code;	/* sysexits for the first send */
	char	 text[600];	/* one line: what happened */
};

struct relay {
	const struct conf *conf;
	struct spool *spool;
	int	 open;		/* a session is up */
	int	 down;		/* every host failed in this run */
	char	 down_why[600];
	int	 host;		/* index of the host in use */
	struct net net;
	struct tls *tls;
	struct conn conn;
	struct smtp smtp;
	struct smtp_params params;
	char	 port[8];
	char	 secret[1024];
	int	 have_secret;
	int	 token_cached;	/* the secret came from the token cache */
	int	 interactive;	/* the caller sees failures: no bounce */
	int	 connections;	/* sessions opened, for -v and tests */
	int	 sent, deferred, failed;
};

void	 relay_init(struct relay *, const struct conf *, struct spool *);

/* Delivers one loaded, locked message and updates the queue (removed,
 * deferred, or moved to failed/). */
enum outcome relay_message(struct relay *, struct spool_msg *,
	    struct relay_report *);

/* Delivers every queued message (only those due unless all), until
 * deadline_ms (CLOCK_MONOTONIC; 0 = none). Returns how many were tried. */
int	 relay_flush(struct relay *, int all, int64_t deadline_ms);

/* The connection test (-bt): connects to each host in turn as a send
 * would, and prints to fp the TLS details (protocol, each certificate's
 * subject, issuer, expiry and pin), the server's extensions and the AUTH
 * result. Sends no mail. 0 when some host is fully usable. */
int	 relay_probe(struct relay *, FILE *fp);

/* QUIT, close, wipe the secret. */
void	 relay_end(struct relay *);

#endif
