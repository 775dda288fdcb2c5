/* relaymail: one SMTP session with the smart host. ISC licence.
 * The order is fixed: connect, implicit TLS, greeting, EHLO, STARTTLS,
 * EHLO, AUTH (smtp_open). A refused cached token is refetched and the same
 * host tried once more; any other failure moves on to the next host. */
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "log.h"
#include "policy.h"
#include "session.h"
#include "tls/tls.h"
#include "util.h"

/* see session.h */
void
session_init(struct session *s, const struct conf *conf, struct spool *spool)
{
	char err[300];

	memset(s, 0, sizeof(*s));
	s->conf = conf;
	s->net.fd = -1;
	s->slot = (struct pool_slot)POOL_SLOT_ZERO;
	s->slot_wait = conf->timeout;
	cred_init(&s->cred, conf, spool);
	if (pool_open(&s->pool, spool, conf, err, sizeof(err)) == -1)
		log_warn("%s; connections are not shared", err);
}

/* see session.h */
const char *
session_host(const struct session *s)
{
	return s->conf->hosts[s->host].name;
}

static void
session_tls_params(const struct session *s, struct tls_params *tp)
{
	const struct conf *c = s->conf;

	memset(tp, 0, sizeof(*tp));
	tp->host = session_host(s);
	tp->verify_name = c->tls_host;
	tp->verify = c->tls_verify;
	tp->ca_file = c->tls_ca_file;
	tp->pins = c->tls_pins;
	tp->npins = c->ntls_pins;
	tp->cert_file = c->tls_cert_file;
	tp->key_file = c->tls_key_file;
}

/* Handshake over the socket, then move conn onto TLS: the smtp_params
 * start_tls hook, also used at once for implicit TLS. */
static int
session_start_tls(void *arg, struct conn *c, char *err, size_t errlen)
{
	struct session *s = arg;
	struct tls_params tp;
	struct transport lower, up;

	if (s->tls == NULL && (s->tls = tls_new()) == NULL)
		return util_err(err, errlen, "TLS: out of memory");
	session_tls_params(s, &tp);
	net_transport(&s->net, &lower);
	conn_timeout(c, s->conf->timeout);
	s->tls_class = ERR_NONE;
	if (tls_start(s->tls, &tp, &lower, err, errlen) == -1) {
		s->tls_class = tls_error_class(s->tls);
		if (s->tls_failed != NULL)
			s->tls_failed(s->tls_failed_arg, s->tls);
		return -1;
	}
	tls_transport(s->tls, &up);
	if (conn_starttls(c, &up) == -1)
		return util_err(err, errlen, "%s", conn_error(c));
	log_verbose("TLS: %s, %s", tls_version(s->tls), tls_cipher(s->tls));
	return 0;
}

/* A server that counts our connections has counted this one gone. */
#define SESSION_LINGER_MS	2000

/* The connection closed (QUIT when the dialogue is still sane); the
 * slot is kept, for the next host of the list. */
static void
session_drop(struct session *s)
{
	if (s->open)
		smtp_quit(&s->smtp);
	if (s->open && s->tls != NULL)
		conn_flush(&s->conn);
	if (s->slot.fd != -1)
		net_linger(&s->net, SESSION_LINGER_MS);
	tls_free(s->tls);
	s->tls = NULL;
	net_close(&s->net);
	s->open = 0;
}

/* see session.h */
void
session_close(struct session *s)
{
	session_drop(s);
	pool_give(&s->slot);
}

/* see session.h */
int
session_take_slot(struct session *s, int64_t deadline_ms)
{
	if (s->slot.fd != -1 || s->pool.dirfd == -1)
		return 1;
	return pool_take(&s->pool, &s->slot, deadline_ms);
}

/* see session.h */
void
session_adopt_slot(struct session *s, struct pool_slot *slot)
{
	pool_give(&s->slot);
	s->slot = *slot;
	*slot = (struct pool_slot)POOL_SLOT_ZERO;
}

/* The server refused us over its cap: fewer connections for a while. */
static void
session_refused(struct session *s, const char *why)
{
	s->busy = 1;
	util_strlcpy(s->down_why, why, sizeof(s->down_why));
	pool_refused(&s->pool, time(NULL));
	log_info("relay=%s:%s status=over-cap connections=%d reason=\"%s\"",
	    session_host(s), s->port, pool_cap(&s->pool, time(NULL)), why);
}

/* see session.h */
int
session_over_cap(struct session *s, const struct smtp_result *res)
{
	char why[600];

	if (!policy_over_cap(res->stage, res->code, res->text))
		return 0;
	snprintf(why, sizeof(why), "%s:%s: %s: %d %s", session_host(s),
	    s->port, smtp_stage_name(res->stage), res->code, res->text);
	s->down_stage = res->stage;
	s->down_code = res->code;
	session_close(s);
	session_refused(s, why);
	return 1;
}

/* The EHLO name (util_ehlo_name), the near end of the socket last. */
static const char *
session_helo(struct session *s)
{
	const struct conf *c = s->conf;
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	memset(&ss, 0, sizeof(ss));
	if (getsockname(s->net.fd, (struct sockaddr *)&ss, &len) == -1)
		ss.ss_family = AF_UNSPEC;
	if (util_ehlo_name(c->helo, util_hostname(), c->domain,
	    (struct sockaddr *)&ss, s->helo, sizeof(s->helo)) == -1)
		util_strlcpy(s->helo, util_hostname(), sizeof(s->helo));
	return s->helo;
}

static void
session_params(struct session *s)
{
	const struct conf *c = s->conf;
	struct smtp_params *p = &s->params;

	memset(p, 0, sizeof(*p));
	p->helo = session_helo(s);
	p->host = session_host(s);
	p->port = s->port;
	p->tls = c->tls == CONF_TLS_IMPLICIT;
	p->starttls = c->tls == CONF_TLS_STARTTLS;
	p->start_tls = session_start_tls;
	p->arg = s;
	p->user = c->user;
	p->secret = s->cred.secret;
	p->auth_forced = c->auth == CONF_AUTH_AUTO ? 0 : 1u << (c->auth - 1);
	p->auth_plaintext = c->auth_allow_plaintext;
	p->timeout = c->timeout;
	p->data_timeout = c->data_timeout;
}

/* The class of a failed smtp_open: what the person must fix, or what
 * passes by itself. */
static enum err_class
session_class(const struct session *s, const struct smtp_result *res)
{
	if (s->tls_class != ERR_NONE)
		return s->tls_class;	/* the STARTTLS handshake */
	if (res->stage == SMTP_AUTH && res->code >= 500)
		return ERR_CONFIG;	/* credentials refused */
	if (res->code == 0)
		return res->class;	/* e.g. no STARTTLS offered: CONFIG */
	return ERR_TEMP;
}

/* Port 465 says nothing until the client speaks TLS: with tls =
 * starttls there, a few seconds of silence are enough to say so. */
#define SESSION_GREETING_HINT_S	5

/* Waits for the first byte of the greeting: a few seconds on port 465,
 * else the whole timeout. 0 when something came (smtp_open reads it), or
 * -1 with the sentence in why: nothing came. */
static int
session_greeting_wait(struct session *s, char *why, size_t len,
    enum err_class *class)
{
	struct pollfd pfd = { s->net.fd, POLLIN, 0 };
	int smtps = strcmp(s->port, "465") == 0 ||
	    strcmp(s->port, "smtps") == 0;
	int wait = s->conf->timeout;

	if (smtps && wait > SESSION_GREETING_HINT_S)
		wait = SESSION_GREETING_HINT_S;
	if (poll(&pfd, 1, wait * 1000) != 0)
		return 0;	/* data, EOF or an error: smtp_open says */
	*class = smtps ? ERR_CONFIG : ERR_TEMP;
	s->down_stage = SMTP_GREETING;
	s->down_code = 0;
	util_err(why, len, "%s:%s: no greeting: if this is port 465, use "
	    "tls = tls", session_host(s), s->port);
	log_info("relay=%s:%s status=no-greeting", session_host(s), s->port);
	session_drop(s);
	return -1;
}

/* One host: connect, TLS, smtp_open. 0, or -1 with why and the class. */
static int
session_try(struct session *s, char *why, size_t len, enum err_class *class)
{
	const struct conf *c = s->conf;
	const char *name = session_host(s);
	struct smtp_result res;
	struct transport t;
	char err[300];

	log_verbose("connecting to %s port %s", name, s->port);
	if (net_connect(&s->net, name, s->port, c->timeout) == -1) {
		/* A name that does not exist is the settings' mistake. */
		*class = s->net.noname ? ERR_CONFIG : ERR_TEMP;
		s->down_stage = SMTP_CONNECT;
		s->down_code = 0;
		log_info("relay=%s:%s status=unreachable reason=\"%s\"",
		    name, s->port, s->net.err);
		return util_err(why, len, "%s:%s: %s%s", name, s->port,
		    s->net.err, s->net.noname ? "; check [relay] host" : "");
	}
	s->connections++;
	s->tls_class = ERR_NONE;
	net_transport(&s->net, &t);
	conn_init(&s->conn, &t);
	/* A whole session may take at most this long, the wait for the
	 * final dot's reply included. */
	conn_limit(&s->conn, c->timeout * 10 + c->data_timeout);
	if (c->tls == CONF_TLS_IMPLICIT &&
	    session_start_tls(s, &s->conn, err, sizeof(err)) == -1) {
		*class = s->tls_class;
		s->down_stage = SMTP_CONNECT;
		s->down_code = 0;
		log_info("relay=%s:%s status=tls-failed reason=\"%s\"", name,
		    s->port, err);
		session_drop(s);
		return util_err(why, len, "%s:%s: %s", name, s->port, err);
	}
	if (c->tls != CONF_TLS_IMPLICIT &&
	    session_greeting_wait(s, why, len, class) == -1)
		return -1;
	session_params(s);
	if (smtp_open(&s->smtp, &s->conn, &s->params, &res) == 0) {
		s->open = 1;
		return 0;
	}
	if (res.code != 0)
		util_err(why, len, "%s:%s: %s: %d %s", name, s->port,
		    smtp_stage_name(res.stage), res.code, res.text);
	else
		util_err(why, len, "%s:%s: %s: %s", name, s->port,
		    smtp_stage_name(res.stage), res.text);
	*class = session_class(s, &res);
	s->down_stage = res.stage;
	s->down_code = res.code;
	s->busy = policy_over_cap(res.stage, res.code, res.text);
	if (!s->busy)
		log_info("relay=%s:%s status=session-failed reason=\"%s\"",
		    name, s->port, why);
	s->open = 1;	/* let session_close say QUIT if sane */
	session_drop(s);
	return -1;
}

/* see session.h */
int
session_open(struct session *s)
{
	const struct conf *c = s->conf;
	enum err_class class = ERR_TEMP;
	char why[600] = "";
	int h;

	if (s->open && cred_expired(&s->cred)) {
		/* A long flush outlived its OAuth token: AUTH afresh. */
		session_close(s);
		cred_wipe(&s->cred);
	}
	if (s->open)
		return 0;
	if (s->down)
		return -1;
	s->busy = 0;
	if (!session_take_slot(s, conn_now_ms() + (int64_t)s->slot_wait *
	    1000)) {
		s->busy = 1;
		s->down_code = 0;
		snprintf(s->down_why, sizeof(s->down_why), "all %d connections "
		    "to the smart host are in use ([relay] max_connections)",
		    pool_cap(&s->pool, time(NULL)));
		return -1;
	}
	if (cred_load(&s->cred, why, sizeof(why)) == -1) {
		class = s->cred.class;
		s->down_cred = 1;
		goto down;
	}
	if (c->nhosts == 0) {	/* routes alone, and a sender none takes */
		class = ERR_CONFIG;
		util_strlcpy(why, "no smart host for [relay]: set [relay] host, "
		    "or a route's senders that take this sender", sizeof(why));
		goto down;
	}
	for (h = 0; h < c->nhosts; h++) {
		const struct conf_host *host = &c->hosts[h];

		s->host = h;
		snprintf(s->port, sizeof(s->port), "%s",
		    host->port ? host->port : c->port);
		if (session_try(s, why, sizeof(why), &class) == 0)
			return 0;
		if (s->busy) {	/* another host of the list is no better */
			pool_give(&s->slot);
			session_refused(s, why);
			return -1;
		}
		/* A cached token refused: a fresh one, the same host. */
		if (s->down_stage == SMTP_AUTH && cred_refused(&s->cred))
			h--;
	}
down:
	pool_give(&s->slot);
	util_strlcpy(s->down_why, why, sizeof(s->down_why));
	s->down_class = class;
	s->down = 1;
	return -1;
}

/* see session.h */
void
session_end(struct session *s)
{
	session_close(s);
	cred_wipe(&s->cred);
	pool_close(&s->pool);
}
