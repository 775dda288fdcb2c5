/* relaymail: the SMTP client dialogue. ISC licence, see LICENSE.
 * Greeting, EHLO, STARTTLS hand-off, AUTH, and per message MAIL, RCPT,
 * DATA and the body (CRLF, dot-stuffed, streamed from a file), over a
 * struct conn. It knows stages, codes and text; it does not know queues
 * or exit statuses. Testable with an in-memory transport. */
#ifndef SMTP_H
#define SMTP_H

#include <stddef.h>
#include <sys/types.h>

#include "conn.h"
#include "relaymail.h"

#define SMTP_LINE_MAX		4096	/* bytes in one reply line (RFC: 512) */
#define SMTP_REPLY_LINES_MAX	128	/* lines in one multi-line reply */
#define SMTP_TEXT_MAX		512

enum smtp_stage {
	SMTP_CONNECT, SMTP_GREETING, SMTP_EHLO, SMTP_STARTTLS, SMTP_AUTH,
	SMTP_MAIL, SMTP_RCPT, SMTP_DATA, SMTP_EOM, SMTP_RSET, SMTP_QUIT
};

enum smtp_ext {
	SMTP_EXT_STARTTLS = 1 << 0,
	SMTP_EXT_AUTH = 1 << 1,
	SMTP_EXT_PIPELINING = 1 << 2,
	SMTP_EXT_SIZE = 1 << 3,
	SMTP_EXT_8BITMIME = 1 << 4,
	SMTP_EXT_SMTPUTF8 = 1 << 5,
	SMTP_EXT_DSN = 1 << 6,
	SMTP_EXT_ENHANCED = 1 << 7
};

struct smtp_result {
	enum smtp_stage stage;	/* where it stopped */
	int	 code;		/* the server's reply, 0 for a local reason */
	enum err_class class;	/* for code 0: ERR_TEMP (connection,
				 * timeout), ERR_PROTO (the server broke the
				 * dialogue), ERR_DATA (this message can never
				 * go as it is), ERR_CONFIG (the settings) */
	char	 text[SMTP_TEXT_MAX];	/* server text or local reason */
};

struct smtp_params {
	const char *helo;	/* EHLO name */
	const char *host;	/* for OAUTHBEARER and messages */
	const char *port;
	int	 tls;		/* the connection is already TLS (implicit) */
	int	 starttls;	/* STARTTLS required */
	/* Runs the TLS handshake on c's transport and switches c over with
	 * conn_starttls(). 0, or -1 with a reason in err. */
	int	(*start_tls)(void *arg, struct conn *c, char *err,
		    size_t errlen);
	void	*arg;
	const char *user;	/* AUTH when non-NULL */
	const char *secret;	/* password or token */
	unsigned auth_forced;	/* an AUTH_* bit, or 0 for automatic */
	int	 auth_plaintext;	/* AUTH allowed without TLS */
	int	 timeout;	/* seconds for each step */
	int	 data_timeout;	/* seconds for the reply to the final dot
				 * (RFC 5321 4.5.3.2.6: 10 min); 0: timeout */
};

struct smtp_rcpt {
	const char *addr;
	int	 code;		/* the RCPT reply; 0 if not tried */
	char	 text[256];
};

struct envelope {
	const char *from;	/* "" for the null sender */
	struct smtp_rcpt *rcpts;
	int	 nrcpts;
	int	 eightbit;	/* the body has 8-bit octets */
	int	 utf8;		/* an address has non-ASCII octets */
	const char *notify, *ret, *envid;	/* DSN, or NULL */
	int	 fd;		/* the message, CRLF lines, not stuffed */
	off_t	 off, len;	/* where it is in fd */
};

struct smtp {
	struct conn *c;
	const struct smtp_params *p;
	unsigned ext;		/* SMTP_EXT_* offered */
	unsigned mechs;		/* AUTH_* offered */
	unsigned long size_max;	/* SIZE n, or 0 */
	int	 tls;		/* the session is encrypted */
	int	 usable;	/* can take another transaction */
	int	 dirty;		/* a transaction needs RSET */
};

/* Greeting, EHLO, STARTTLS and EHLO again, AUTH. 0, or -1 with res. */
int	 smtp_open(struct smtp *, struct conn *, const struct smtp_params *,
	    struct smtp_result *res);

/* One transaction. 0 when the server answered 250 after the final dot
 * (some recipients may still have been refused: see env->rcpts[i].code);
 * -1 otherwise, with res. s->usable says whether the session can take
 * another message. */
int	 smtp_send(struct smtp *, struct envelope *env,
	    struct smtp_result *res);

/* Says QUIT if the session is sane; does not wait for the reply. */
void	 smtp_quit(struct smtp *);

const char *smtp_stage_name(enum smtp_stage);

#endif
