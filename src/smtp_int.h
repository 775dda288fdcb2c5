/* relaymail: what smtp.c and smtp_body.c share. ISC licence.
 * Private to the SMTP client: nothing else includes it. */
#ifndef SMTP_INT_H
#define SMTP_INT_H

#include "smtp.h"

/* Records a local or transport failure (code 0) of class at stage st in
 * res; the session is unusable unless class is ERR_DATA. Returns -1. */
int	 smtp_fail(struct smtp *, struct smtp_result *res, enum smtp_stage st,
	    enum err_class class, const char *fmt, ...)
	    __attribute__((format(printf, 5, 6)));

/* The connection's own error as a failure at st. Returns -1. */
int	 smtp_conn_failed(struct smtp *, struct smtp_result *res,
	    enum smtp_stage st);

/* Flushes what is buffered; -1 with res on failure. */
int	 smtp_flush(struct smtp *, struct smtp_result *res, enum smtp_stage st);

/* The body of env (CRLF lines, not stuffed) onto the wire, dot-stuffed,
 * then the final "." line, flushed. 0, or -1 with res: ERR_DATA, and
 * the session unusable, for a file whose lines are not all CR LF. */
int	 smtp_send_body(struct smtp *, struct envelope *env,
	    struct smtp_result *res);

#endif
