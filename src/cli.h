/* relaymail: the sendmail command line. ISC licence, see LICENSE.
 * Parses argv the way sendmail and Postfix do (clustered flags, values
 * glued or in the next word, -o taking the rest of its word, "--", stop at
 * the first recipient) into a struct cli. Pure: no I/O, no allocation;
 * strings point into argv. */
#ifndef CLI_H
#define CLI_H

#include <stddef.h>

enum cli_mode {
	CLI_SEND,	/* -bm, the default */
	CLI_LIST,	/* -bp, mailq */
	CLI_SMTP,	/* -bs */
	CLI_ALIASES,	/* -bi, -I, newaliases: nothing to do */
	CLI_FLUSH,	/* -q, -q30m */
	CLI_TEST,	/* -bt-style connection test (see sendmail.8) */
	CLI_CONFIG,	/* print the effective configuration */
	CLI_VERSION,
	CLI_COUNT,	/* -bpc: the number of messages */
	CLI_MSG,	/* -M, -Mrm, -Mg ID...: see msg_op */
	CLI_OAUTH_LOGIN,	/* --oauth-login: the one-time OAuth sign-in */
	CLI_JOURNAL,	/* --journal [WORD]: the delivery journal */
	CLI_HEALTH,	/* --health[=AGE]: the local health check */
	CLI_CONFIGURE	/* --configure ADDRESS: a section for it */
};

/* --oauth-login[=code|=device]: which OAuth 2.0 flow signs in. */
enum cli_login {
	CLI_LOGIN_AUTO,		/* code when an authorization endpoint is
				 * known, else device */
	CLI_LOGIN_CODE,		/* authorization code, PKCE, loopback */
	CLI_LOGIN_DEVICE	/* device authorization (RFC 8628) */
};

/* What -M does to the messages named (the words after it). */
enum cli_msg_op {
	CLI_MSG_RUN,	/* -M: try now (a failed one: once more) */
	CLI_MSG_REMOVE,	/* -Mrm: remove, no report to the sender */
	CLI_MSG_GIVEUP	/* -Mg: report to the sender, then remove */
};

enum cli_body { CLI_BODY_UNSET, CLI_BODY_7BIT, CLI_BODY_8BITMIME };

/* -od: how long the caller waits for the first attempt. */
enum cli_delivery {
	CLI_DELIVER_WAIT,	/* -odi, -odd, the default: [relay] wait */
	CLI_DELIVER_BACKGROUND,	/* -odb: not at all */
	CLI_DELIVER_QUEUE	/* -odq, -odQ: no attempt; the queue run */
};

struct cli {
	enum cli_mode mode;
	const char *progname;	/* basename of argv[0] */
	const char *conf_path;	/* -C, or NULL */
	const char *from;	/* -f/-r as given (may be "", "<>",
				 * "Name <a@x>"), or NULL */
	const char *fullname;	/* -F, or NULL */
	int	 from_headers;	/* -t */
	int	 ignore_dots;	/* -i, -oi, -O IgnoreDots[=true] */
	int	 verbose;	/* -v */
	enum cli_body body;	/* -B */
	enum cli_delivery delivery;	/* -od, -O DeliveryMode */
	const char *dsn_notify;	/* -N, or NULL */
	const char *dsn_ret;	/* -R, or NULL */
	const char *dsn_envid;	/* -V, or NULL */
	long	 queue_interval;	/* -q30m: seconds; 0 for plain -q */
	char	 queue_match;	/* -qI, -qR, -qS: 'I', 'R' or 'S'; 0 = none */
	const char *queue_match_str;	/* the substring after it */
	enum cli_msg_op msg_op;	/* CLI_MSG */
	enum cli_login login;	/* CLI_OAUTH_LOGIN */
	long	 health_age;	/* --health=AGE: seconds; 0 for the default */
	const char *configure;	/* --configure ADDRESS */
	const char *route;	/* --route NAME: [route NAME], not [relay] */
	int	 write;		/* --write: into -C FILE, a new file */
	char *const *rcpts;	/* the recipient words (each an address list);
				 * for CLI_MSG the queue ids (at least one);
				 * for CLI_JOURNAL the filter (at most one) */
	int	 nrcpts;
};

/* Parses argc/argv into c. 0, or -1 with one line in err naming the
 * option ("unknown option -z", "option -f needs a value", "-bd: relaymail
 * never runs as a daemon"). */
int	 cli_parse(struct cli *c, int argc, char *const argv[], char *err,
	    size_t errlen);

/* 1 when the words before the first recipient hold --help, or -h alone
 * (-h with a number is sendmail's hop count, ignored). */
int	 cli_wants_help(int argc, char *const argv[]);

/* The usage summary, several lines, for --help. */
const char *cli_usage(void);

#endif
