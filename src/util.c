/* relaymail: what libc lacks. ISC licence, see LICENSE.
 * Small helpers with no state of their own, except the cached host name. */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

/* see util.h */
int
util_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	ssize_t n;

	while (len > 0) {
		if ((n = write(fd, p, len)) == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* see util.h */
int
util_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err != NULL && errlen > 0) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* see util.h */
size_t
util_strlcpy(char *dst, const char *src, size_t dstlen)
{
	size_t n = strlen(src);

	if (dstlen > 0) {
		size_t k = n < dstlen - 1 ? n : dstlen - 1;
		memcpy(dst, src, k);
		dst[k] = '\0';
	}
	return n;
}

/* see util.h */
void
util_span(char *buf, size_t len, long s)
{
	if (s < 0)
		s = 0;
	if (s >= 86400)
		snprintf(buf, len, "%ldd %ldh", s / 86400, s % 86400 / 3600);
	else if (s >= 3600)
		snprintf(buf, len, "%ldh %ldm", s / 3600, s % 3600 / 60);
	else if (s >= 60)
		snprintf(buf, len, "%ldm %lds", s / 60, s % 60);
	else
		snprintf(buf, len, "%lds", s);
}

/* see util.h */
void
util_date(char *buf, size_t len, time_t t)
{
	static const char *days[] = { "Sun", "Mon", "Tue", "Wed", "Thu",
	    "Fri", "Sat" };
	static const char *months[] = { "Jan", "Feb", "Mar", "Apr", "May",
	    "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	struct tm tm;
	long off;
	char sign = '+';

	/* Month and day names are fixed by RFC 5322, whatever the locale. */
	localtime_r(&t, &tm);
	off = tm.tm_gmtoff / 60;
	if (off < 0) {
		sign = '-';
		off = -off;
	}
	snprintf(buf, len, "%s, %d %s %d %02d:%02d:%02d %c%02ld%02ld",
	    days[tm.tm_wday], tm.tm_mday, months[tm.tm_mon],
	    tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec, sign,
	    off / 60, off % 60);
}

/* see util.h */
const char *
util_hostname(void)
{
	static char name[256];
	struct addrinfo hints, *res;

	if (name[0] != '\0')
		return name;
	if (gethostname(name, sizeof(name) - 1) == -1 || name[0] == '\0') {
		util_strlcpy(name, "localhost", sizeof(name));
		return name;
	}
	name[sizeof(name) - 1] = '\0';
	if (strchr(name, '.') != NULL)
		return name;
	/* A short name: ask the resolver (usually /etc/hosts) for the FQDN. */
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_flags = AI_CANONNAME;
	if (getaddrinfo(name, NULL, &hints, &res) == 0) {
		if (res->ai_canonname != NULL &&
		    strchr(res->ai_canonname, '.') != NULL)
			util_strlcpy(name, res->ai_canonname, sizeof(name));
		freeaddrinfo(res);
	}
	return name;
}

/* see util.h */
int
util_ehlo_name(const char *helo, const char *host, const char *domain,
    const struct sockaddr *local, char *out, size_t outlen)
{
	char ip[INET6_ADDRSTRLEN];
	size_t n;

	if (helo != NULL)
		n = (size_t)snprintf(out, outlen, "%s", helo);
	else if (host != NULL && strchr(host, '.') != NULL)
		n = (size_t)snprintf(out, outlen, "%s", host);
	else if (host != NULL && host[0] != '\0' && domain != NULL)
		n = (size_t)snprintf(out, outlen, "%s.%s", host, domain);
	else if (local != NULL && local->sa_family == AF_INET &&
	    inet_ntop(AF_INET, &((const struct sockaddr_in *)local)->sin_addr,
	    ip, sizeof(ip)) != NULL)
		n = (size_t)snprintf(out, outlen, "[%s]", ip);
	else if (local != NULL && local->sa_family == AF_INET6 &&
	    inet_ntop(AF_INET6,
	    &((const struct sockaddr_in6 *)local)->sin6_addr, ip,
	    sizeof(ip)) != NULL)
		n = (size_t)snprintf(out, outlen, "[IPv6:%s]", ip);
	else
		return -1;
	return n < outlen ? 0 : -1;
}

static const char b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* see util.h */
long
util_b64_encode(const void *in, size_t len, char *out, size_t outlen)
{
	const unsigned char *p = in;
	size_t i, o = 0;

	if (outlen < (len + 2) / 3 * 4 + 1)
		return -1;
	for (i = 0; i + 2 < len; i += 3) {
		out[o++] = b64[p[i] >> 2];
		out[o++] = b64[((p[i] & 3) << 4) | (p[i + 1] >> 4)];
		out[o++] = b64[((p[i + 1] & 15) << 2) | (p[i + 2] >> 6)];
		out[o++] = b64[p[i + 2] & 63];
	}
	if (i < len) {
		out[o++] = b64[p[i] >> 2];
		if (i + 1 < len) {
			out[o++] = b64[((p[i] & 3) << 4) | (p[i + 1] >> 4)];
			out[o++] = b64[(p[i + 1] & 15) << 2];
		} else {
			out[o++] = b64[(p[i] & 3) << 4];
			out[o++] = '=';
		}
		out[o++] = '=';
	}
	out[o] = '\0';
	return (long)o;
}

/* Each byte's value as a base64 digit; 64 for a blank, 65 for '=', 66
 * for anything else. A table: a CA bundle is a quarter of a megabyte of
 * base64 scanned on every TLS send. */
#define B64_BLANK	64
#define B64_PAD		65
#define B64_BAD		66
static unsigned char b64_value[256];

static void
util_b64_table(void)
{
	int i;

	if (b64_value['='] == B64_PAD)
		return;
	memset(b64_value, B64_BAD, sizeof(b64_value));
	for (i = 0; i < 64; i++)
		b64_value[(unsigned char)b64[i]] = (unsigned char)i;
	b64_value[' '] = b64_value['\t'] = B64_BLANK;
	b64_value['\r'] = b64_value['\n'] = B64_BLANK;
	b64_value['='] = B64_PAD;
}

/* The one decoder: strict (blanks = 0) for AUTH, or skipping blanks for
 * PEM bodies that arrive line by line. */
static long
util_b64_run(struct util_b64 *s, const char *in, size_t len, void *out,
    size_t outlen, int blanks)
{
	const unsigned char *p = (const unsigned char *)in;
	unsigned char *q = out;
	size_t i, o = 0;
	unsigned v;

	util_b64_table();
	for (i = 0; i < len; i++) {
		/* Four digits on a byte boundary: three bytes at once. */
		while (s->bits == 0 && !s->pad && len - i >= 4 &&
		    outlen - o >= 3 && (b64_value[p[i]] | b64_value[p[i + 1]] |
		    b64_value[p[i + 2]] | b64_value[p[i + 3]]) < 64) {
			v = (unsigned)b64_value[p[i]] << 18 |
			    (unsigned)b64_value[p[i + 1]] << 12 |
			    (unsigned)b64_value[p[i + 2]] << 6 |
			    b64_value[p[i + 3]];
			q[o++] = (unsigned char)(v >> 16);
			q[o++] = (unsigned char)(v >> 8);
			q[o++] = (unsigned char)v;
			i += 4;
		}
		if (i == len)
			break;
		v = b64_value[p[i]];
		if (v < 64 && !s->pad) {
			s->acc = (s->acc << 6) | v;
			if ((s->bits += 6) >= 8) {
				s->bits -= 8;
				if (o >= outlen)
					return -1;
				q[o++] = (unsigned char)(s->acc >> s->bits);
			}
		} else if (v == B64_PAD) {
			if (++s->pad > 2)
				return -1;
		} else if (v != B64_BLANK || !blanks)
			return -1;
	}
	return (long)o;
}

/* see util.h */
long
util_b64_decode(const char *in, size_t len, void *out, size_t outlen)
{
	struct util_b64 s = UTIL_B64_ZERO;

	return util_b64_run(&s, in, len, out, outlen, 0);
}

/* see util.h */
long
util_b64_push(struct util_b64 *s, const char *in, size_t len, void *out,
    size_t outlen)
{
	return util_b64_run(s, in, len, out, outlen, 1);
}

/* see util.h */
int
util_fds(void)
{
	int fd;

	for (fd = 0; fd <= 2; fd++) {
		if (fcntl(fd, F_GETFD) != -1 || errno != EBADF)
			continue;
		if (open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY) != fd)
			return -1;
	}
	return 0;
}

/* see util.h */
int
util_prefix(const char *s, const char *prefix)
{
	return strncasecmp(s, prefix, strlen(prefix)) == 0;
}
