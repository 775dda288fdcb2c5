/* relaymail: one submission path. ISC licence, see LICENSE.
 * Everything between "a caller hands us a message" and "it is relayed or
 * safely queued", the same for the command line and for each -bs DATA:
 * sender and recipients (argv, -t, RCPT), the message copied into the
 * spool with one set of options, and the commit (the promise point).
 * Each step leaves a sentence and a class on failure; the delivery is
 * handoff.c's. */
#ifndef SUBMIT_H
#define SUBMIT_H

#include <stddef.h>

#include "aliases.h"
#include "conf.h"
#include "msg.h"
#include "quota.h"
#include "rcpt.h"
#include "relaymail.h"
#include "spool.h"

struct submit_opts {
	int	 ignore_dots;	/* -i: a lone "." is content */
	int	 from_headers;	/* -t: recipients from To/Cc/Bcc too */
	int	 eightbit;	/* -B8BITMIME or BODY=8BITMIME */
	const char *fullname;	/* -F, or NULL for the user's own */
	const char *notify, *ret, *envid;	/* DSN, or NULL */
};

struct submit {
	const struct conf *base;	/* the settings: [relay] and the routes */
	const struct conf *conf;	/* the message's route (submit_sender
					 * picks it), base until then */
	struct spool *spool;
	struct spool_msg msg;
	struct msg_copier *copier;	/* while the message is read */
	struct msg_opts mopts;
	struct msg_info info;
	struct submit_opts opts;
	struct aliases aliases;		/* read when a local name needs it */
	struct rcpts rcpts;		/* argv or RCPT */
	struct rcpts hdr_to, hdr_resent;	/* -t */
	char	 sender[ADDR_MAX + 1];
	char	 fullname[256];
	char	 trace[512];	/* Received: naming the submitting user */
	long long fed;		/* message bytes given, for max_size */
	int	 has_sender;
	int	 writing;	/* msg is open in the spool, not committed */
	int	 committed;	/* msg is durable in q/ */
	int	 too_big;	/* refused for [queue] max_size */
	struct quota quota;	/* [queue] min_free and max_user_size */
	int	 over_quota;	/* refused for one of them: a passing
				 * reason (452 in -bs) */
	enum err_class class;	/* of the last failure */
	char	 err[700];	/* its sentence */
};

/* Starts an empty submission into spool. Never fails. */
void	 submit_init(struct submit *, const struct conf *, struct spool *);

/* The envelope sender: given as -f or MAIL FROM takes ("a@x", "<a@x>",
 * "Name <a@x>", "" or "<>" for the null sender), or NULL for [message]
 * from, else the user's login; bare names are qualified. 0, or -1
 * (ERR_DATA). */
int	 submit_sender(struct submit *, const char *given);

/* Adds the recipients of one argv word or RCPT address (an address list;
 * aliases expanded, names qualified, duplicates dropped). 0, or -1
 * (ERR_DATA: a control character, a bad or too many addresses). */
int	 submit_rcpt(struct submit *, const char *list);

/* Opens the message in the spool and the copier with opts. 0, or -1
 * (ERR_QUEUE; over_quota when [queue] min_free or max_user_size leaves
 * no room). */
int	 submit_data(struct submit *, const struct submit_opts *);

/* Copies part of the message; submit_read copies fd up to its end (and
 * drains what follows a lone dot). 0, or -1 (ERR_INPUT, ERR_IO,
 * ERR_DATA). */
int	 submit_feed(struct submit *, const void *buf, size_t len);
int	 submit_read(struct submit *, int fd);

/* Ends the message, settles the recipients (argv and -t united) and
 * commits it: the promise point. 0 once the message is durable in q/ and
 * still locked; -1 (ERR_USAGE: no recipient; ERR_IO; ERR_DATA) when
 * nothing was kept. */
int	 submit_commit(struct submit *);

/* submit_commit in two steps: the message ended and sealed (envelope
 * written, not yet durable or in q/), then the promise point. Each is 0,
 * or -1 with nothing kept (as submit_commit). */
int	 submit_seal(struct submit *);
int	 submit_durable(struct submit *);

/* The queue id of the message, once submit_data succeeded. */
const char *submit_id(const struct submit *);

/* Throws away an uncommitted message, unlocks a committed one, forgets
 * the envelope: ready for the next message (-bs RSET). */
void	 submit_reset(struct submit *);

#endif
