/* relaymail: delivery policy. ISC licence, see LICENSE.
 * The outcome table (classify) and the backoff live here; every queue
 * change after an attempt goes through finish(). A session failure is
 * never the message's fault: it defers, never fails, a message. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "addr.h"
#include "bounce.h"
#include "log.h"
#include "relay.h"
#include "tls.h"
#include "util.h"

/* see relay.h */
void
relay_init(struct relay *r, const struct conf *conf, struct spool *spool)
{
	memset(r, 0, sizeof(*r));
	r->conf = conf;
	r->spool = spool;
	r->net.fd = -1;
}

static void
tls_params(const struct relay *r, struct tls_params *tp)
{
	const struct conf *c = r->conf;
	int i;

	memset(tp, 0, sizeof(*tp));
	tp->host = c->hosts[r->host].name;
	tp->verify_name = c->tls_host;
	tp->verify = c->tls_verify;
	tp->ca_file = c->tls_ca_file;
	for (i = 0; i < c->ntls_pins && i < TLS_PINS_MAX; i++)
		tp->pins[i] = c->tls_pins[i];
	tp->npins = i;
	tp->cert_file = c->tls_cert_file;
	tp->key_file = c->tls_key_file;
}

/* Handshake over the socket, then move conn onto TLS. */
static int
start_tls(void *arg, struct conn *c, char *err, size_t errlen)
{
	struct relay *r = arg;
	struct tls_params tp;
	struct transport lower, up;

	if (r->tls == NULL && (r->tls = tls_new()) == NULL) {
		snprintf(err, errlen, "TLS: out of memory");
		return -1;
	}
	tls_params(r, &tp);
	net_transport(&r->net, &lower);
	conn_timeout(c, r->conf->timeout);
	if (tls_start(r->tls, &tp, &lower, err, errlen) == -1)
		return -1;
	tls_transport(r->tls, &up);
	if (conn_starttls(c, &up) == -1) {
		snprintf(err, errlen, "%s", conn_error(c));
		return -1;
	}
	log_verbose("TLS: %s, %s", tls_version(r->tls), tls_cipher(r->tls));
	return 0;
}

static void
close_session(struct relay *r)
{
	if (r->open)
		smtp_quit(&r->smtp);
	if (r->open && r->tls != NULL)
		conn_flush(&r->conn);
	tls_free(r->tls);
	r->tls = NULL;
	net_close(&r->net);
	r->open = 0;
}

/* An OAuth token from password_command is kept in the queue directory
 * for RELAY_TOKEN_S, so that a run of sendmail per cron job does not run
 * the command (often a network call) every time. The file is private
 * (0600 under our umask); a token the server refuses is dropped. */
#define TOKEN_FILE	".oauth-token"

static int
oauth(const struct relay *r)
{
	const struct conf *c = r->conf;

	return r->spool != NULL && c->password_command != NULL &&
	    (c->auth == CONF_AUTH_XOAUTH2 || c->auth == CONF_AUTH_OAUTHBEARER);
}

static int
token_load(struct relay *r)
{
	char buf[sizeof(r->secret) + 32], *nl;
	ssize_t n;
	int fd;

	fd = openat(r->spool->fd, TOKEN_FILE, O_RDONLY | O_NOFOLLOW |
	    O_CLOEXEC);
	if (fd == -1)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	if ((nl = strchr(buf, '\n')) == NULL ||
	    strtoll(buf, NULL, 10) <= (long long)time(NULL)) {
		explicit_bzero(buf, sizeof(buf));
		return -1;
	}
	nl[1 + strcspn(nl + 1, "\n")] = '\0';
	util_strlcpy(r->secret, nl + 1, sizeof(r->secret));
	explicit_bzero(buf, sizeof(buf));
	return r->secret[0] != '\0' ? 0 : -1;
}

static void
token_save(struct relay *r)
{
	char head[32];
	int fd, n;

	unlinkat(r->spool->fd, TOKEN_FILE ".new", 0);
	fd = openat(r->spool->fd, TOKEN_FILE ".new", O_WRONLY | O_CREAT |
	    O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd == -1)
		return;
	n = snprintf(head, sizeof(head), "%lld\n",
	    (long long)time(NULL) + RELAY_TOKEN_S);
	if (write(fd, head, (size_t)n) == n &&
	    write(fd, r->secret, strlen(r->secret)) ==
	    (ssize_t)strlen(r->secret) && write(fd, "\n", 1) == 1)
		renameat(r->spool->fd, TOKEN_FILE ".new", r->spool->fd,
		    TOKEN_FILE);
	close(fd);
	unlinkat(r->spool->fd, TOKEN_FILE ".new", 0);
}

static int
load_secret(struct relay *r, char *why, size_t len)
{
	char err[300];

	if (r->have_secret || r->conf->user == NULL)
		return 0;
	if (oauth(r) && token_load(r) == 0) {
		r->have_secret = r->token_cached = 1;
		return 0;
	}
	if (conf_password(r->conf, r->secret, sizeof(r->secret), err,
	    sizeof(err)) == -1) {
		snprintf(why, len, "%s", err);
		return -1;
	}
	r->have_secret = 1;
	if (oauth(r))
		token_save(r);
	return 0;
}

/* Connects to the first host that completes greeting, TLS and AUTH. */
static int
open_session(struct relay *r)
{
	const struct conf *c = r->conf;
	struct smtp_result res;
	char why[600] = "";
	int h;

	if (r->open)
		return 0;
	if (r->down)
		return -1;
	if (load_secret(r, why, sizeof(why)) == -1) {
		snprintf(r->down_why, sizeof(r->down_why), "%s", why);
		r->down = 1;
		return -1;
	}
	for (h = 0; h < c->nhosts; h++) {
		const struct conf_host *host = &c->hosts[h];
		struct transport t;
		char err[300];

		r->host = h;
		snprintf(r->port, sizeof(r->port), "%s",
		    host->port ? host->port : c->port);
		log_verbose("connecting to %s port %s", host->name, r->port);
		if (net_connect(&r->net, host->name, r->port, c->timeout)
		    == -1) {
			snprintf(why, sizeof(why), "%s:%s: %s", host->name,
			    r->port, r->net.err);
			log_info("relay=%s:%s status=unreachable reason=\"%s\"",
			    host->name, r->port, r->net.err);
			continue;
		}
		r->connections++;
		net_transport(&r->net, &t);
		conn_init(&r->conn, &t);
		/* A whole session may take at most this long. */
		conn_limit(&r->conn, c->timeout * 10);
		if (c->tls == CONF_TLS_IMPLICIT &&
		    start_tls(r, &r->conn, err, sizeof(err)) == -1) {
			snprintf(why, sizeof(why), "%s:%s: %s", host->name,
			    r->port, err);
			log_info("relay=%s:%s status=tls-failed reason=\"%s\"",
			    host->name, r->port, err);
			close_session(r);
			continue;
		}
		memset(&r->params, 0, sizeof(r->params));
		r->params.helo = c->helo ? c->helo : util_hostname();
		r->params.host = host->name;
		r->params.port = r->port;
		r->params.tls = c->tls == CONF_TLS_IMPLICIT;
		r->params.starttls = c->tls == CONF_TLS_STARTTLS;
		r->params.start_tls = start_tls;
		r->params.arg = r;
		r->params.user = c->user;
		r->params.secret = r->secret;
		r->params.auth_forced = c->auth == CONF_AUTH_AUTO ? 0 :
		    1u << (c->auth - 1);
		r->params.auth_plaintext = c->auth_allow_plaintext;
		r->params.timeout = c->timeout;
		if (smtp_open(&r->smtp, &r->conn, &r->params, &res) == 0) {
			r->open = 1;
			return 0;
		}
		if (res.code != 0)
			snprintf(why, sizeof(why), "%s:%s: %s: %d %s",
			    host->name, r->port, smtp_stage_name(res.stage),
			    res.code, res.text);
		else
			snprintf(why, sizeof(why), "%s:%s: %s: %s",
			    host->name, r->port, smtp_stage_name(res.stage),
			    res.text);
		log_info("relay=%s:%s status=session-failed reason=\"%s\"",
		    host->name, r->port, why);
		r->open = 1;	/* let close_session say QUIT if sane */
		close_session(r);
		if (res.stage == SMTP_AUTH && r->token_cached) {
			/* A cached token refused: fetch a fresh one and try
			 * this host again, once. */
			unlinkat(r->spool->fd, TOKEN_FILE, 0);
			explicit_bzero(r->secret, sizeof(r->secret));
			r->have_secret = r->token_cached = 0;
			if (load_secret(r, why, sizeof(why)) == 0)
				h--;
		}
	}
	snprintf(r->down_why, sizeof(r->down_why), "%s", why);
	r->down = 1;
	return -1;
}

/* When to try again: a minute, doubling to an hour, +-25 % jitter so
 * that many queued messages do not all come back at once. */
static time_t
next_try(int attempts)
{
	long delay = RELAY_RETRY_MIN_S;
	unsigned short rnd = 0;

	while (attempts-- > 0 && delay < RELAY_RETRY_MAX_S)
		delay *= 2;
	if (delay > RELAY_RETRY_MAX_S)
		delay = RELAY_RETRY_MAX_S;
	if (getentropy(&rnd, sizeof(rnd)) == 0)
		delay += (long)(rnd % (unsigned)(delay / 2 + 1)) - delay / 4;
	return time(NULL) + delay;
}

/* The outcome table for a failed transaction. */
static enum outcome
classify(const struct smtp_result *res, int *exit_code)
{
	*exit_code = 0;
	if (res->code == 0 && !res->permanent)
		return OUT_DEFERRED;	/* connection, timeout, TLS */
	if (res->code >= 400 && res->code < 500)
		return OUT_DEFERRED;
	if (res->code == 0) {		/* local: cannot ever be sent */
		*exit_code = EX_DATAERR;
		return OUT_FAILED;
	}
	switch (res->stage) {
	case SMTP_RCPT:
		*exit_code = EX_NOUSER;
		break;
	case SMTP_MAIL:
	case SMTP_DATA:
	case SMTP_EOM:
		*exit_code = res->code == 552 ? EX_DATAERR : EX_UNAVAILABLE;
		break;
	default:	/* a session-level 5xx: not this message's fault */
		return OUT_DEFERRED;
	}
	return OUT_FAILED;
}

static void
describe(char *buf, size_t len, const struct relay *r,
    const struct smtp_result *res)
{
	const char *host = r->conf->hosts[r->host].name;

	if (res->code != 0)
		snprintf(buf, len, "%s: %s: %d %s", host,
		    smtp_stage_name(res->stage), res->code, res->text);
	else
		snprintf(buf, len, "%s: %s: %s", host,
		    smtp_stage_name(res->stage), res->text);
}

static void
log_attempt(const struct relay *r, const struct spool_msg *m,
    const char *status, const char *reply)
{
	char to[1024] = "";
	size_t o = 0;
	int i;

	for (i = 0; i < m->nrcpts && o + 4 < sizeof(to); i++)
		o += (size_t)snprintf(to + o, sizeof(to) - o, "%s<%s>",
		    i ? "," : "", m->rcpts[i]);
	log_info("id=%s from=<%s> to=%s relay=%s:%s delay=%lds attempts=%d "
	    "status=%s reply=\"%s\"", m->id, m->from, to,
	    r->conf->hosts[r->host].name, r->port,
	    (long)(time(NULL) - m->arrival), m->attempts + 1, status,
	    reply);
}

/* Tells the sender of a message that failed for good. */
static void
bounce(struct relay *r, const struct spool_msg *m, const char *why)
{
	struct spool_msg b;
	struct relay_report rep;
	char err[300];
	int rv;

	rv = bounce_create(r->conf, r->spool, m, why, &b, err, sizeof(err));
	if (rv == -1)
		log_error("id=%s: cannot queue a bounce: %s", m->id, err);
	if (rv != 0)
		return;
	log_info("id=%s: bounce queued as %s to <%s>", m->id, b.id,
	    b.rcpts[0]);
	if (r->open)
		relay_message(r, &b, &rep);
	b.from = NULL;	/* borrowed */
	b.nrcpts = 0;
	spool_release(&b);
}

/* Applies an outcome to the queue. */
static enum outcome
finish(struct relay *r, struct spool_msg *m, enum outcome out,
    const char *why, struct relay_report *rep)
{
	int partial = 0, i;

	for (i = 0; i < m->nrcpts; i++)
		partial |= m->rcpt_done[i] == 1;
	long max_age = r->conf->max_age;

	if (out == OUT_DEFERRED && max_age > 0 &&
	    time(NULL) - m->arrival > max_age) {
		out = OUT_FAILED;
		snprintf(rep->text, sizeof(rep->text), "gave up after %ld "
		    "days: %s", max_age / 86400, why);
		why = rep->text;
	}
	switch (out) {
	case OUT_SENT:
		if (spool_done(r->spool, m) == -1)
			log_warn("id=%s: delivered, but removing the queue "
			    "file failed", m->id);
		r->sent++;
		break;
	case OUT_DEFERRED:
		spool_defer(r->spool, m, next_try(m->attempts), why);
		r->deferred++;
		break;
	case OUT_FAILED:
		if (spool_fail(r->spool, m, why) == -1)
			log_error("id=%s: cannot move to failed/: kept in q/",
			    m->id);
		r->failed++;
		if (!r->interactive || partial)
			bounce(r, m, why);
		break;
	}
	if (rep->text != why)
		snprintf(rep->text, sizeof(rep->text), "%s", why);
	rep->out = out;
	return out;
}

/* see relay.h */
enum outcome
relay_message(struct relay *r, struct spool_msg *m, struct relay_report *rep)
{
	struct smtp_rcpt rcpts[SPOOL_RCPT_MAX];
	int idx[SPOOL_RCPT_MAX];
	struct envelope env;
	struct smtp_result res;
	char why[700];
	int i, n = 0, pending = 0, refused = 0, code;
	enum outcome out;

	memset(rep, 0, sizeof(*rep));
	for (i = 0; i < m->nrcpts; i++) {
		if (m->rcpt_done[i] != 0)
			continue;
		memset(&rcpts[n], 0, sizeof(rcpts[n]));
		rcpts[n].addr = m->rcpts[i];
		idx[n++] = i;
	}
	if (n == 0)	/* nothing left to do: a leftover */
		return finish(r, m, OUT_SENT, "no recipient left", rep);
	if (open_session(r) == -1) {
		log_attempt(r, m, "deferred", r->down_why);
		return finish(r, m, OUT_DEFERRED, r->down_why, rep);
	}
	memset(&env, 0, sizeof(env));
	env.from = m->from;
	env.rcpts = rcpts;
	env.nrcpts = n;
	env.eightbit = m->eightbit;
	env.utf8 = m->utf8;
	env.notify = m->notify;
	env.ret = m->ret;
	env.envid = m->envid;
	env.fd = m->fd;
	env.off = 0;
	env.len = m->body_len;
	if (smtp_send(&r->smtp, &env, &res) == -1) {
		describe(why, sizeof(why), r, &res);
		if (!r->smtp.usable)
			close_session(r);
		out = classify(&res, &code);
		/* Per-recipient refusals are kept even if the rest waits. */
		for (i = 0; i < n; i++)
			if (rcpts[i].code >= 500)
				m->rcpt_done[idx[i]] = 2;
		log_attempt(r, m, out == OUT_FAILED ? "failed" : "deferred",
		    why);
		rep->exit_code = code;
		return finish(r, m, out, why, rep);
	}
	for (i = 0; i < n; i++) {
		if (rcpts[i].code >= 200 && rcpts[i].code < 300)
			m->rcpt_done[idx[i]] = 1;
		else if (rcpts[i].code >= 500) {
			m->rcpt_done[idx[i]] = 2;
			refused++;
			snprintf(why, sizeof(why), "%s: RCPT TO:<%s>: %d %s",
			    r->conf->hosts[r->host].name, rcpts[i].addr,
			    rcpts[i].code, rcpts[i].text);
		} else {
			pending++;
			snprintf(why, sizeof(why), "%s: RCPT TO:<%s>: %d %s",
			    r->conf->hosts[r->host].name, rcpts[i].addr,
			    rcpts[i].code, rcpts[i].text);
		}
	}
	log_attempt(r, m, pending ? "partly-deferred" : refused ?
	    "partly-failed" : "sent", refused || pending ? why : res.text);
	if (pending)
		return finish(r, m, OUT_DEFERRED, why, rep);
	if (refused)
		return finish(r, m, OUT_FAILED, why, rep);
	return finish(r, m, OUT_SENT, res.text, rep);
}

struct flush {
	struct relay *r;
	int all;
	int64_t deadline;
	int tried;
};

static int
flush_one(void *arg, const char *id)
{
	struct flush *f = arg;
	struct spool_msg m;
	struct relay_report rep;
	char err[300];
	int r;

	if (f->deadline != 0 && conn_now_ms() >= f->deadline)
		return 1;
	r = spool_load(f->r->spool, id, 0, &m, err, sizeof(err));
	if (r == 1)
		return 0;	/* someone else has it */
	if (r == -1) {
		log_error("queue file %s: %s; moved to failed/", id, err);
		/* Set it aside so it cannot stop every later flush. */
		renameat(f->r->spool->qfd, id, f->r->spool->failfd, id);
		return 0;
	}
	if (f->all || m.next_try <= time(NULL)) {
		relay_message(f->r, &m, &rep);
		f->tried++;
	}
	spool_release(&m);
	return 0;
}

/* see relay.h */
int
relay_flush(struct relay *r, int all, int64_t deadline_ms)
{
	struct flush f = { r, all, deadline_ms, 0 };

	spool_each(r->spool, 0, flush_one, &f);
	return f.tried;
}

static void
print_certs(const struct relay *r, FILE *fp)
{
	struct tls_certinfo ci;
	int i;

	if (r->tls == NULL)
		return;
	fprintf(fp, "  TLS: %s, %s\n", tls_version(r->tls), tls_cipher(r->tls));
	for (i = 0; tls_cert_info(r->tls, i, &ci) == 0; i++) {
		fprintf(fp, "  certificate %d: %s\n", i, ci.subject);
		fprintf(fp, "    issuer:  %s\n", ci.issuer);
		fprintf(fp, "    expires: %s\n", ci.not_after);
		fprintf(fp, "    pin:     tls_pin = %s\n", ci.pin);
	}
}

/* see relay.h */
int
relay_probe(struct relay *r, FILE *fp)
{
	static const struct { unsigned bit; const char *name; } exts[] = {
		{ SMTP_EXT_PIPELINING, "PIPELINING" },
		{ SMTP_EXT_SIZE, "SIZE" }, { SMTP_EXT_8BITMIME, "8BITMIME" },
		{ SMTP_EXT_SMTPUTF8, "SMTPUTF8" }, { SMTP_EXT_DSN, "DSN" },
		{ SMTP_EXT_ENHANCED, "ENHANCEDSTATUSCODES" },
		{ SMTP_EXT_AUTH, "AUTH" },
	};
	size_t i;
	int ok;

	ok = open_session(r) == 0;
	if (!ok) {
		fprintf(fp, "FAILED: %s\n", r->down_why);
		print_certs(r, fp);
		return -1;
	}
	fprintf(fp, "%s port %s: ready to send\n", r->conf->hosts[r->host].name,
	    r->port);
	print_certs(r, fp);
	fprintf(fp, "  extensions:");
	for (i = 0; i < sizeof(exts) / sizeof(exts[0]); i++)
		if (r->smtp.ext & exts[i].bit)
			fprintf(fp, " %s", exts[i].name);
	if (r->smtp.ext & SMTP_EXT_SIZE)
		fprintf(fp, " (SIZE %lu)", r->smtp.size_max);
	fputc('\n', fp);
	fprintf(fp, "  AUTH: %s\n", r->conf->user ? "accepted" :
	    "not configured");
	return 0;
}

/* see relay.h */
void
relay_end(struct relay *r)
{
	close_session(r);
	explicit_bzero(r->secret, sizeof(r->secret));
	r->have_secret = 0;
}
