/* relaymail: the configuration file. ISC licence, see LICENSE.
 * Reads /etc/sendmail.conf (or -C FILE) with inih through a reader of our
 * own, so that every error names FILE:LINE: [section] key: reason and an
 * over-long line is an error instead of a silent truncation. */
#ifndef CONF_H
#define CONF_H

#include <stddef.h>
#include <stdio.h>

#define CONF_HOSTS_MAX		8
#define CONF_PINS_MAX		8	/* [relay] tls_pin */
#define CONF_ALIASES_MAX	256
#define CONF_LINE_MAX		199	/* Debian's inih cuts lines here */
#define CONF_KEYS_MAX		64	/* entries of conf.c's key table */
#define CONF_FROM_ENV		(-1)	/* set_on[]: set by the environment */
#define CONF_MAX_SIZE		(50L << 20)	/* [queue] max_size default */
#define CONF_MAX_CONNECTIONS	3	/* [relay] max_connections default */
#define CONF_JOURNAL_SIZE	(1L << 20)	/* [queue] journal_size default */
#define CONF_MAX_USER_PCT	10	/* [queue] max_user_size default: % */
#define CONF_MIN_FREE_PCT	1	/* [queue] min_free default: % */
#define CONF_ROUTES_MAX		16	/* [route NAME] sections */
#define CONF_SENDERS_MAX	32	/* entries of a route's senders */
#define CONF_ROUTE_NAME_MAX	32	/* bytes of a route's name, with NUL */

enum conf_tls { CONF_TLS_STARTTLS, CONF_TLS_IMPLICIT, CONF_TLS_NONE };
enum conf_rewrite { CONF_REWRITE_NO, CONF_REWRITE_LOCAL, CONF_REWRITE_ALWAYS };
enum conf_auth { CONF_AUTH_AUTO, CONF_AUTH_PLAIN, CONF_AUTH_LOGIN,
		 CONF_AUTH_CRAM_MD5, CONF_AUTH_XOAUTH2, CONF_AUTH_OAUTHBEARER };
enum conf_oauth_provider { CONF_OAUTH_NONE, CONF_OAUTH_MICROSOFT,
			   CONF_OAUTH_GOOGLE };
enum conf_provider { CONF_PROVIDER_NONE, CONF_PROVIDER_MICROSOFT365,
		     CONF_PROVIDER_GMAIL, CONF_PROVIDER_SES,
		     CONF_PROVIDER_MAILGUN, CONF_PROVIDER_SENDGRID,
		     CONF_PROVIDER_POSTMARK, CONF_PROVIDER_FASTMAIL };
enum conf_oauth_grant { CONF_GRANT_REFRESH_TOKEN,
			CONF_GRANT_CLIENT_CREDENTIALS };

struct conf_host {
	char	*name;		/* host name or IP literal (no brackets) */
	char	*port;		/* "587"; from host:port, [v6]:port or port = */
};

/* A limit in bytes, or a share of the queue's file system (quota.c
 * turns it into bytes when a message arrives). */
struct conf_share {
	long	 bytes;		/* when percent is 0; 0: no limit */
	int	 percent;	/* 1..100: of the file system's size */
};

/* An alias: of [aliases] here, or of the aliases file (aliases.c). */
struct conf_alias {
	char	*name;		/* local name, or "default" */
	char	*value;		/* address list; NULL when unusable (the
				 * file's only) */
	char	*why;		/* unusable: "FILE:LINE: reason" */
	int	 line;		/* in the aliases file; 0 for [aliases] */
};

struct conf {
	char	*path;			/* the file read, for messages */

	/* [relay] */
	struct conf_host hosts[CONF_HOSTS_MAX];	/* host = a, b:2525, [::1]:465 */
	int	 nhosts;
	char	*port;			/* default per tls mode when unset */
	enum conf_tls tls;		/* starttls */
	int	 tls_verify;		/* yes */
	char	*tls_ca_file;		/* RELAYMAIL_CA_FILE */
	char	*tls_host;		/* name to verify instead of host */
	char	*tls_pins[CONF_PINS_MAX];/* tls_pin = sha256/... (space separated) */
	int	 ntls_pins;
	char	*tls_cert_file;
	char	*tls_key_file;
	char	*user;			/* AUTH when set */
	char	*password;
	char	*password_file;		/* first line */
	char	*password_command;	/* first line of its output */
	enum conf_auth auth;		/* auto */
	int	 auth_allow_plaintext;	/* no */
	char	*helo;			/* default: the host's FQDN */
	int	 timeout;		/* seconds per step; default 60 */
	int	 data_timeout;		/* seconds for the final dot's reply;
					 * default 600 (RFC 5321 4.5.3.2.6) */
	enum conf_provider provider;	/* fills the keys left unset */
	char	*region;		/* ses: default us-east-1 */
	int	 max_per_minute;	/* sends; 0: no limit */
	int	 max_per_hour;
	int	 max_per_day;
	int	 max_recipients;	/* per transaction; 0: no limit */
	int	 wait;			/* seconds a caller waits on the
					 * network at most; default 5 */
	int	 max_connections;	/* open at once, every sender of the
					 * host together; default 3 */

	/* [queue] */
	char	*queue_dir;		/* RELAYMAIL_QUEUE */
	long	 max_age;		/* seconds; default 5 days */
	long	 failed_max_age;	/* failed/ keeps a message; 7 days,
					 * 0 = for ever */
	long	 max_size;		/* message bytes; 0 = no limit */
	long	 journal_size;		/* bytes of each journal file; 0 =
					 * no journal */
	struct conf_share max_user_size;	/* queued by one user outside
					 * the group; 10% */
	struct conf_share min_free;	/* kept free on the file system; 1% */
	int	 bounce;		/* yes */
	int	 runner;		/* yes: deferred mail is retried by a
					 * background runner (runner.c) */
	char	*bounce_to;

	/* [message] */
	char	*domain;		/* qualifies bare local names */
	char	*from;			/* envelope sender without -f */
	enum conf_rewrite rewrite_from;	/* no */
	char	*aliases_file;		/* aliases(5); "" for none */

	/* [aliases] */
	struct conf_alias aliases[CONF_ALIASES_MAX];
	int	 naliases;

	/* [oauth]: set when provider or token_url is (conf_oauth_on) */
	enum conf_oauth_provider oauth_provider;	/* none */
	char	*oauth_tenant;		/* microsoft: the directory */
	char	*oauth_token_url;	/* default: the provider's */
	char	*oauth_auth_url;	/* default: the provider's */
	char	*oauth_device_url;	/* default: the provider's */
	char	*oauth_client_id;
	char	*oauth_client_secret;
	char	*oauth_client_secret_file;	/* first line */
	enum conf_oauth_grant oauth_grant;	/* refresh_token */
	char	*oauth_refresh_token_file;
	char	*oauth_scope;		/* default: the provider's */
	char	*oauth_ca_file;		/* default: the system bundle */

	/* [log] */
	char	*log_file;		/* also log to this file */
	int	 log_stderr;		/* every log line to stderr too */

	/* Routes (conf_route.c). In a route: its name and whose mail takes
	 * it; the base's [queue], [message], [aliases] and [log], shared. In
	 * the base ([relay], the default route): the routes, in order. */
	char	*route;			/* NULL: [relay] */
	char	*senders[CONF_SENDERS_MAX];
	int	 nsenders;
	const struct conf *base;	/* a route: the settings it is of */
	char	*route_from;		/* a route's own [message] from (a
					 * preset's), or NULL */
	struct conf *routes[CONF_ROUTES_MAX];
	int	 nroutes;
	int	 routes_built;		/* conf_route_finish has run */

	/* Where each key of conf.c's table was set, so that a cross-key
	 * rule can name it: its line in path, CONF_FROM_ENV, or 0 (unset). */
	int	 set_on[CONF_KEYS_MAX];
};

/* Fills c with the defaults. */
void	 conf_defaults(struct conf *c);

/* Reads path into c (after conf_defaults). 0, or -1 with one line in err:
 * "FILE:LINE: [section] key: reason" (or "FILE: reason" when it cannot be
 * opened). The rules between keys wait for conf_finish(), so that the
 * environment can still supply what the file leaves out. */
int	 conf_load(struct conf *c, const char *path, char *err, size_t errlen);

/* Same, from a string in memory (tests, fuzzing); name is used in errors. */
int	 conf_load_string(struct conf *c, const char *name, const char *text,
	    char *err, size_t errlen);

/* Applies RELAYMAIL_<SECTION>_<KEY>[_FILE] from the environment, after
 * the file: each key given replaces the file's value whole (a list such as
 * host or tls_pin included), and RELAYMAIL_ALIASES_<NAME> replaces the
 * file's alias of that name. 0, or -1 with "environment: VAR: reason". */
int	 conf_load_env(struct conf *c, char *const *envp, char *err,
	    size_t errlen);

/* Checks required keys and cross-key rules (a user needs a password
 * source; the port default follows tls, recomputed on each call). Called
 * once the file and the environment are read; reads no other file (the
 * aliases file is read where recipients are expanded: aliases.h). 0, or -1 with one line in
 * err naming the key where it was set: "FILE:LINE: [section] key: reason",
 * "environment: VAR: reason", or "FILE: [section] key: reason" if unset. */
int	 conf_finish(struct conf *c, char *err, size_t errlen);

/* -1 with "no smart host configured: edit FILE ([relay] host)" when no
 * host is set (the installed file's host line is commented), else 0:
 * for the modes that connect; listing the queue needs none. */
int	 conf_need_host(const struct conf *c, char *err, size_t errlen);

/* A TLS mode that does not match the port's convention (465 with tls =
 * starttls; 587 or 25 with tls = tls), which would fail only after the
 * whole wait: 1 with one sentence in buf that says which is tried, or
 * 0 when none. After conf_finish. */
int	 conf_mode_warning(const struct conf *c, char *buf, size_t len);

/* 1 when an [oauth] section supplies the AUTH token, else 0. */
int	 conf_oauth_on(const struct conf *c);

/* The route whose senders take sender (the envelope sender; user: the
 * submitting user's login, when sender has no domain), the first in the
 * file's order; c itself ([relay]) when none does. */
const struct conf *conf_route_for(const struct conf *c, const char *sender,
	    const char *user);

/* The route called name, c for NULL or "" ([relay]), or NULL when there
 * is none of that name (any more). */
const struct conf *conf_route_named(const struct conf *c, const char *name);

/* A shared file of the queue for route c: file itself for [relay], else
 * "file.NAME" (in buf). */
const char *conf_route_file(const struct conf *c, const char *file, char *buf,
	    size_t len);
/* A provider preset (conf_preset.c), for sendmail --configure: the smart
 * host it fills in into host (for ses email-smtp.REGION.amazonaws.com,
 * us-east-1 when region is NULL) and its TLS mode into *tls (unless
 * NULL); returns its name as [relay] provider takes it, or NULL for
 * CONF_PROVIDER_NONE. */
const char *conf_preset_describe(enum conf_provider provider,
	    const char *region, char *host, size_t len, enum conf_tls *tls);

/* Prints the effective configuration, secrets masked. */
void	 conf_print(const struct conf *c, FILE *fp);

void	 conf_free(struct conf *c);

#endif
