/* relaymail: the message as the caller wrote it, made ready for SMTP.
 * ISC licence, see LICENSE. Reads stdin in fixed chunks and writes the
 * spool copy: CRLF line ends, lines cut at 998 octets, NUL and bare CR
 * removed, the lone-dot rule without -i, a leading mbox "From " line
 * dropped, Bcc/Resent-Bcc/Return-Path/Content-Length removed, Date,
 * Message-ID and From added when missing, recipients collected for -t.
 * Memory stays constant whatever the message size (one header field is
 * held at a time, at most MSG_FIELD_MAX bytes). */
#ifndef MSG_H
#define MSG_H

#include <stddef.h>
#include <sys/types.h>

#include "rcpt.h"
#include "relaymail.h"

#ifndef MSG_CHUNK
#define MSG_CHUNK	65536		/* bytes read from stdin at a time */
#endif
#define MSG_FIELD_MAX	65536		/* one header field, folded lines */

struct msg_opts {
	int	 ignore_dots;	/* -i: a lone "." is content */
	int	 from_headers;	/* -t: collect To/Cc/Bcc */
	const char *sender;	/* envelope sender ("" = null) for From: */
	const char *fullname;	/* -F, or the user's name, or NULL */
	const char *msgid;	/* left part of a generated Message-ID */
	const char *domain;	/* right part, and for qualifying */
	const char *rewrite_from;	/* force From: to this address, or NULL */
	int	 rewrite_local;	/* only when From: is this host's own */
	const char *hostname;	/* this host's name, for rewrite_local */
	const char *qualify;	/* [message] domain for header addresses */
	struct aliases *aliases;	/* for To/Cc: read on first need */
	const char *trace;	/* a header field (no CRLF) written first */
};

struct msg_info {
	off_t	 size;		/* bytes written */
	int	 eightbit;	/* an octet >= 0x80 was seen */
	int	 nuls;		/* NUL octets removed */
	int	 split;		/* lines cut at 998 octets */
	int	 bare_cr;	/* bare CRs removed */
	int	 dot_end;	/* ended by a lone "." */
	struct rcpts *to;	/* -t: To/Cc/Bcc recipients */
	struct rcpts *resent;	/* -t: Resent-To/Cc/Bcc recipients */
	int	 has_resent;	/* a Resent-To/Cc/Bcc field exists */
};

/* Copies the message into the spool file out, pushed a piece at a time
 * (submit.c reads the caller's input; in -bs the dialogue owns it):
 * begin, feed any number of times, end. info->to and info->resent must be
 * set (initialised lists) when opts->from_headers. end frees the copier
 * and returns 0, or -1 with err and *class: ERR_IO "writing the queue
 * file: ..." (disk full), ERR_DATA "header field To: longer than 65536
 * bytes", a bad address... (reading the input is the caller's job). */
struct msg_copier;
struct msg_copier *msg_begin(int out, const struct msg_opts *,
	    struct msg_info *, char *err, size_t errlen);
int	 msg_feed(struct msg_copier *, const void *buf, size_t len);
/* 1 once the lone dot that ends the message (without -i) was seen:
 * later input is not part of it. */
int	 msg_done(const struct msg_copier *);
int	 msg_end(struct msg_copier *, enum err_class *class);

#endif
