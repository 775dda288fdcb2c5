/* relaymail: what libc lacks. ISC licence, see LICENSE.
 * Bounded string copy, RFC 5322 dates, the host's name, base64, and
 * descriptors 0-2 made safe. Pure except util_hostname and util_fds. */
#ifndef UTIL_H
#define UTIL_H

#include <stddef.h>
#include <time.h>

/* Formats one line into err (printf style) and returns -1, so that a
 * failing step reads "return util_err(err, errlen, "...: %s", why);".
 * The one helper every module uses to leave its reason. */
int	 util_err(char *err, size_t errlen, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));

/* Copies src into dst (size dstlen), always NUL-terminated. Returns
 * strlen(src): >= dstlen means it was truncated. */
size_t	 util_strlcpy(char *dst, const char *src, size_t dstlen);

/* Writes all of p to fd, retrying short writes and EINTR. 0 or -1
 * (errno). */
int	 util_write_all(int fd, const void *p, size_t len);

/* "Tue, 24 Nov 2026 10:00:00 +0000" (RFC 5322 3.3), local time. */
void	 util_date(char *buf, size_t len, time_t t);

/* A length of time for a person: "42s", "5m 3s", "2h 5m", "3d 4h"
 * (negative counts as 0). */
void	 util_span(char *buf, size_t len, long seconds);

/* The host's fully qualified name if it has one, else its short name,
 * else "localhost". Looked up once, on first use. */
const char *util_hostname(void);

/* The EHLO name, always fully qualified (RFC 5321 4.1.4): helo when set;
 * else host when it has a dot; else host.domain when domain is set;
 * else the address literal of local, the near end of the connection
 * ("[192.0.2.1]", "[IPv6:2001:db8::1]"). 0, or -1 when out is too small
 * or local is not an IP address. */
struct sockaddr;
int	 util_ehlo_name(const char *helo, const char *host,
	    const char *domain, const struct sockaddr *local, char *out,
	    size_t outlen);

/* Base64 (RFC 4648) of len bytes into out (NUL-terminated). Returns the
 * encoded length, or -1 if outlen is too small. */
long	 util_b64_encode(const void *in, size_t len, char *out, size_t outlen);
/* Decodes; returns the decoded length or -1 on bad input / no room. */
long	 util_b64_decode(const char *in, size_t len, void *out, size_t outlen);

/* Base64 that arrives in pieces (a PEM body, line by line): the state
 * carries the bits between calls. */
struct util_b64 {
	unsigned long acc;	/* undecoded bits, the low `bits' of them */
	int	 bits;
	int	 pad;		/* '=' seen: only '=' or blanks may follow */
};
#define UTIL_B64_ZERO	{ 0, 0, 0 }
/* Decodes the next piece, skipping blanks (space, tab, CR, LF). Returns
 * the bytes written to out, or -1 on a character outside the alphabet,
 * data after '=', more than two '=', or no room in outlen. */
long	 util_b64_push(struct util_b64 *, const char *in, size_t len,
	    void *out, size_t outlen);

/* Opens /dev/null on any of descriptors 0, 1, 2 that is closed, so that no
 * file we open later becomes stdout or stderr. 0 or -1. */
int	 util_fds(void);

/* Case-insensitive ASCII prefix test. */
int	 util_prefix(const char *s, const char *prefix);

#endif
