/* relaymail: the envelope and retry state as text. ISC licence.
 * The queue file's envelope follows the message: "from <a>", one
 * "rcpt|done|fail <b>" line per recipient (the word changes in place as
 * recipients are delivered or refused), DSN parameters; ID.st beside it
 * holds attempts, next try, the last error and each recipient's state
 * and reply, replaced atomically. (The other "env" of this program, the
 * environment, is conf_env.c's.) */
#define _GNU_SOURCE	/* pwrite in <unistd.h> with -D_DEFAULT_SOURCE */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "spool.h"
#include "spool_envelope.h"
#include "util.h"

/* see spool_envelope.h */
int
spool_envelope_safe(const char *v)
{
	for (; v != NULL && *v != '\0'; v++)
		if ((unsigned char)*v < 0x20 || *v == 0x7f)
			return 0;
	return 1;
}

/* see spool.h */
int
spool_set_sender(struct spool_msg *m, const char *from, char *err,
    size_t errlen)
{
	char *copy;

	if (!spool_envelope_safe(from))
		return util_err(err, errlen, "sender <%.100s>: contains a "
		    "control character", from);
	if ((copy = strdup(from)) == NULL)
		return util_err(err, errlen, "out of memory");
	free(m->from);
	m->from = copy;
	return 0;
}

/* see spool.h */
int
spool_add_rcpt(struct spool_msg *m, const char *rcpt, char *err,
    size_t errlen)
{
	char *copy;

	if (!spool_envelope_safe(rcpt))
		return util_err(err, errlen, "recipient <%.100s>: contains a "
		    "control character", rcpt);
	if (m->nrcpts == SPOOL_RCPT_MAX)
		return util_err(err, errlen, "more than %d recipients",
		    SPOOL_RCPT_MAX);
	if ((copy = strdup(rcpt)) == NULL)
		return util_err(err, errlen, "out of memory");
	memset(&m->rcpts[m->nrcpts], 0, sizeof(m->rcpts[0]));
	m->rcpts[m->nrcpts++].addr = copy;
	return 0;
}

/* see spool.h */
int
spool_refuse(struct spool_msg *m, int i, int code, const char *text)
{
	char buf[SPOOL_REPLY_MAX];

	if (i < 0 || i >= m->nrcpts)
		return -1;
	m->rcpts[i].state = SPOOL_RCPT_REFUSED;
	snprintf(buf, sizeof(buf), "%d %s", code, text != NULL ? text : "");
	/* One line in ID.st: nothing below a space survives. */
	spool_one_line(buf, sizeof(buf), buf);
	free(m->rcpts[i].reply);
	m->rcpts[i].reply = strdup(buf);
	return m->rcpts[i].reply == NULL ? -1 : 0;
}

static int
spool_envelope_dup_param(char **field, const char *v, char *err, size_t errlen)
{
	if (v == NULL)
		return 0;
	if (!spool_envelope_safe(v))
		return util_err(err, errlen, "DSN parameter: contains a "
		    "control character");
	free(*field);
	if ((*field = strdup(v)) == NULL)
		return util_err(err, errlen, "out of memory");
	return 0;
}

/* see spool.h */
int
spool_set_route(struct spool_msg *m, const char *route, char *err,
    size_t errlen)
{
	if (route == NULL)
		route = "";
	if (!spool_envelope_safe(route) || strchr(route, ' ') != NULL ||
	    util_strlcpy(m->route, route, sizeof(m->route)) >= sizeof(m->route))
		return util_err(err, errlen, "bad route name");
	return 0;
}

/* see spool.h */
int
spool_set_dsn(struct spool_msg *m, const char *notify, const char *ret,
    const char *envid, char *err, size_t errlen)
{
	if (spool_envelope_dup_param(&m->notify, notify, err, errlen) == -1 ||
	    spool_envelope_dup_param(&m->ret, ret, err, errlen) == -1 ||
	    spool_envelope_dup_param(&m->envid, envid, err, errlen) == -1)
		return -1;
	return 0;
}

static char *
spool_envelope_value(const char *line, const char *key)
{
	size_t k = strlen(key);
	const char *v;
	size_t len;
	char *r;

	if (strncmp(line, key, k) != 0 || line[k] != ' ')
		return NULL;
	v = line + k + 1;
	len = strlen(v);
	if (len >= 2 && v[0] == '<' && v[len - 1] == '>') {
		v++;
		len -= 2;
	}
	if ((r = malloc(len + 1)) == NULL)
		return NULL;
	memcpy(r, v, len);
	r[len] = '\0';
	return r;
}

/* The recipient line's word says its state (enum spool_rcpt_state's
 * order); a state change is written over the word in place, so
 * recording progress never needs a new block (a full disk cannot stop
 * it). Four bytes each. */
static const char *const spool_rcpt_words[] = { "rcpt", "done", "fail" };
#define SPOOL_RCPT_WORDS \
	(int)(sizeof(spool_rcpt_words) / sizeof(spool_rcpt_words[0]))

/* One "rcpt|done|fail <addr>" line at file offset off. 1 if it was one,
 * 0 if not, -1 when there are too many. */
static int
spool_envelope_rcpt(struct spool_msg *m, const char *line, off_t off)
{
	struct spool_rcpt *r;
	char *v = NULL;
	int st;

	for (st = 0; st < SPOOL_RCPT_WORDS; st++)
		if ((v = spool_envelope_value(line, spool_rcpt_words[st])) !=
		    NULL)
			break;
	if (v == NULL)
		return 0;
	if (m->nrcpts == SPOOL_RCPT_MAX) {
		free(v);
		return -1;
	}
	/* What the file says is on the disk as far as we can know. */
	r = &m->rcpts[m->nrcpts++];
	memset(r, 0, sizeof(*r));
	r->addr = v;
	r->state = r->word = (enum spool_rcpt_state)st;
	r->synced = 1;
	r->line = off;
	return 1;
}

/* "uid N": the submitting user; -1 or junk: unknown. */
static uid_t
spool_parse_uid(const char *v)
{
	char *end;
	long long n = strtoll(v, &end, 10);

	if (end == v || *end != '\0' || n < 0 ||
	    n >= (long long)SPOOL_UID_UNKNOWN)
		return SPOOL_UID_UNKNOWN;
	return (uid_t)n;
}

/* see spool_envelope.h */
int
spool_envelope_parse(struct spool_msg *m, char *env, off_t base, char *err,
    size_t errlen)
{
	char *line, *next, *v;
	int r;

	for (line = env; line != NULL && *line != '\0'; line = next) {
		off_t off = base + (line - env);
		next = strchr(line, '\n');
		if (next != NULL)
			*next++ = '\0';
		if ((r = spool_envelope_rcpt(m, line, off)) == -1)
			break;
		if (r == 1)
			continue;
		if (m->from == NULL &&
		    (v = spool_envelope_value(line, "from")) != NULL)
			m->from = v;
		else if (m->notify == NULL &&
		    (v = spool_envelope_value(line, "notify")) != NULL)
			m->notify = v;
		else if (m->ret == NULL &&
		    (v = spool_envelope_value(line, "ret")) != NULL)
			m->ret = v;
		else if (m->envid == NULL &&
		    (v = spool_envelope_value(line, "envid")) != NULL)
			m->envid = v;
		else if (strncmp(line, "arrival ", 8) == 0)
			m->arrival = (time_t)strtoll(line + 8, NULL, 10);
		else if (strncmp(line, "8bit ", 5) == 0)
			m->eightbit = atoi(line + 5) != 0;
		else if (strncmp(line, "utf8 ", 5) == 0)
			m->utf8 = atoi(line + 5) != 0;
		else if (strncmp(line, "uid ", 4) == 0)
			m->uid = spool_parse_uid(line + 4);
		else if (strncmp(line, "route ", 6) == 0)
			util_strlcpy(m->route, line + 6, sizeof(m->route));
	}
	if (m->from == NULL || m->nrcpts == 0)
		return util_err(err, errlen, "damaged queue file: no %s",
		    m->from == NULL ? "sender" : "recipient");
	return 0;
}

/* One envelope line at the end of what is written so far. */
static int
spool_envelope_line(struct spool_msg *m, off_t *off, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
spool_envelope_line(struct spool_msg *m, off_t *off, const char *fmt, ...)
{
	char line[ADDR_MAX + 64];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(line))
		return -1;
	if (util_write_all(m->fd, line, (size_t)n) == -1)
		return -1;
	*off += n;
	return 0;
}

/* see spool_envelope.h */
int
spool_envelope_write(struct spool_msg *m)
{
	off_t off = m->body_len;
	int i;

	/* The route first: spool_route_of reads only the first line. */
	if (lseek(m->fd, off, SEEK_SET) == -1 || (m->route[0] != '\0' &&
	    spool_envelope_line(m, &off, "route %s\n", m->route) == -1) ||
	    spool_envelope_line(m, &off, "from <%s>\narrival %lld\n8bit %d\n"
	    "utf8 %d\n", m->from, (long long)m->arrival, m->eightbit,
	    m->utf8) == -1 || spool_envelope_line(m, &off, "uid %lld\n", m->uid ==
	    SPOOL_UID_UNKNOWN ? -1LL : (long long)m->uid) == -1)
		return -1;
	for (i = 0; i < m->nrcpts; i++) {
		struct spool_rcpt *r = &m->rcpts[i];
		r->line = off;
		r->word = r->state;
		r->synced = 1;	/* by the commit that follows, or never */
		if (spool_envelope_line(m, &off, "%s <%s>\n",
		    spool_rcpt_words[r->state], r->addr) == -1)
			return -1;
	}
	if ((m->notify != NULL && spool_envelope_line(m, &off, "notify %.100s\n",
	    m->notify) == -1) || (m->ret != NULL && spool_envelope_line(m, &off,
	    "ret %.10s\n", m->ret) == -1) || (m->envid != NULL &&
	    spool_envelope_line(m, &off, "envid %.100s\n", m->envid) == -1))
		return -1;
	return 0;
}

/* see spool.h */
int
spool_mark(struct spool_msg *m)
{
	int i;

	for (i = 0; i < m->nrcpts; i++) {
		struct spool_rcpt *r = &m->rcpts[i];
		if (r->state == r->word || r->line == 0)
			continue;
		if (pwrite(m->fd, spool_rcpt_words[r->state], 4, r->line) != 4)
			return -1;
		r->word = r->state;
		r->synced = 0;
	}
	return 0;
}

/* see spool.h */
int
spool_record(struct spool_msg *m)
{
	int i, changed = 0;

	if (spool_mark(m) == -1)
		return -1;
	for (i = 0; i < m->nrcpts; i++)
		changed |= !m->rcpts[i].synced;
	/* Durable before the message can be tried again. */
	if (changed && fsync(m->fd) == -1)
		return -1;
	for (i = 0; i < m->nrcpts; i++)
		m->rcpts[i].synced = 1;
	return 0;
}

/* see spool_envelope.h */
void
spool_state_read(int dirfd, struct spool_msg *m)
{
	/* Each recipient line: "refused NNN " and its reply. Static: too
	 * big for the stack, and never needed twice at once. */
	static char buf[4096 + (16 + SPOOL_REPLY_MAX) * SPOOL_RCPT_MAX];
	char name[SPOOL_ID_MAX + 8];
	char *line, *next;
	ssize_t n;
	int fd;

	snprintf(name, sizeof(name), "%s.st", m->id);
	fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd == -1)
		return;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return;
	buf[n] = '\0';
	for (line = buf; line != NULL && *line != '\0'; line = next) {
		next = strchr(line, '\n');
		if (next != NULL)
			*next++ = '\0';
		if (strncmp(line, "attempts ", 9) == 0)
			m->attempts = atoi(line + 9);
		else if (strncmp(line, "next ", 5) == 0)
			m->next_try = (time_t)strtoll(line + 5, NULL, 10);
		else if (strncmp(line, "error ", 6) == 0)
			util_strlcpy(m->last_error, line + 6,
			    sizeof(m->last_error));
		else if (strncmp(line, "done ", 5) == 0 ||
		    strncmp(line, "refused ", 8) == 0) {
			char *text;
			int i = (int)strtol(strchr(line, ' ') + 1, &text, 10);
			if (i < 0 || i >= m->nrcpts)
				continue;
			m->rcpts[i].state = line[0] == 'd' ? SPOOL_RCPT_SENT :
			    SPOOL_RCPT_REFUSED;
			/* "refused N REPLY"; older files have no reply */
			if (line[0] == 'r' && *text == ' ' && text[1] != '\0' &&
			    m->rcpts[i].reply == NULL)
				m->rcpts[i].reply = strndup(text + 1,
				    SPOOL_REPLY_MAX - 1);
		}
	}
}

/* see spool.h */
time_t
spool_next_try(struct spool *s, const char *id)
{
	char name[SPOOL_ID_MAX + 8], buf[64], *p;
	ssize_t n;
	int fd;

	/* "attempts N\nnext T\n" starts every state file. */
	snprintf(name, sizeof(name), "%s.st", id);
	if ((fd = openat(s->qfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) ==
	    -1)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	if ((p = strstr(buf, "\nnext ")) == NULL)
		return 0;
	return (time_t)strtoll(p + 6, NULL, 10);
}

/* see spool_envelope.h */
int
spool_state_write(struct spool *s, int dirfd, struct spool_msg *m)
{
	char name[SPOOL_ID_MAX + 8], tmp[SPOOL_ID_MAX + 12], line[600];
	int fd, i, n, r = 0;

	snprintf(name, sizeof(name), "%s.st", m->id);
	snprintf(tmp, sizeof(tmp), "%s.st.new", m->id);
	unlinkat(dirfd, tmp, 0);
	fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0660);
	if (fd == -1)
		return -1;
	n = snprintf(line, sizeof(line), "attempts %d\nnext %lld\nerror %s\n",
	    m->attempts, (long long)m->next_try, m->last_error);
	if (util_write_all(fd, line, (size_t)n) == -1)
		r = -1;
	for (i = 0; i < m->nrcpts && r == 0; i++) {
		const struct spool_rcpt *rc = &m->rcpts[i];
		const char *reply = rc->state == SPOOL_RCPT_REFUSED ?
		    rc->reply : NULL;
		if (rc->state == SPOOL_RCPT_PENDING)
			continue;
		/* "refused", the index and the reply fit in line[600] */
		n = snprintf(line, sizeof(line), "%s %d%s%.*s\n",
		    rc->state == SPOOL_RCPT_SENT ? "done" : "refused", i,
		    reply != NULL ? " " : "", SPOOL_REPLY_MAX - 1,
		    reply != NULL ? reply : "");
		if (util_write_all(fd, line, (size_t)n) == -1)
			r = -1;
	}
	/* Recipient marks prevent a second delivery: make them durable. */
	if (r == 0 && fsync(fd) == -1)
		r = -1;
	close(fd);
	if (r == 0 && renameat(dirfd, tmp, dirfd, name) == -1)
		r = -1;
	if (r == -1)
		unlinkat(dirfd, tmp, 0);
	(void)s;
	return r;
}

/* see spool_envelope.h */
void
spool_one_line(char *dst, size_t len, const char *src)
{
	size_t i;

	if (dst != src)
		util_strlcpy(dst, src, len);
	for (i = 0; dst[i] != '\0'; i++)
		if ((unsigned char)dst[i] < 0x20 || dst[i] == 0x7f)
			dst[i] = ' ';
}
