/* relaymail: a small bounded JSON reader. ISC licence, see LICENSE.
 * A recursive-descent checker over a caller's buffer: json_find() walks
 * the whole top-level object (depth capped, so a hostile reply cannot
 * exhaust the stack) and remembers where the wanted member's value starts;
 * only then is that value decoded, into the caller's fixed buffer. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

struct json {
	const char *p, *end;
	int	 depth;
};

static void
json_ws(struct json *j)
{
	while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' ||
	    *j->p == '\n' || *j->p == '\r'))
		j->p++;
}

static int
json_hex4(const char *p, const char *end, unsigned *v)
{
	int i;

	if (end - p < 4)
		return -1;
	for (*v = 0, i = 0; i < 4; i++) {
		char c = p[i];
		unsigned d = c >= '0' && c <= '9' ? (unsigned)(c - '0') :
		    c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10) :
		    c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10) : 16;
		if (d == 16)
			return -1;
		*v = *v << 4 | d;
	}
	return 0;
}

/* Appends c to out as UTF-8 when out is set: 0, or -1 when it does not
 * fit (one byte is kept for the NUL). */
static int
json_put(char *out, size_t outlen, size_t *n, unsigned c)
{
	unsigned char b[4];
	size_t k, len;

	if (c < 0x80) {
		b[0] = (unsigned char)c;
		len = 1;
	} else if (c < 0x800) {
		b[0] = (unsigned char)(0xc0 | c >> 6);
		b[1] = (unsigned char)(0x80 | (c & 0x3f));
		len = 2;
	} else if (c < 0x10000) {
		b[0] = (unsigned char)(0xe0 | c >> 12);
		b[1] = (unsigned char)(0x80 | (c >> 6 & 0x3f));
		b[2] = (unsigned char)(0x80 | (c & 0x3f));
		len = 3;
	} else {
		b[0] = (unsigned char)(0xf0 | c >> 18);
		b[1] = (unsigned char)(0x80 | (c >> 12 & 0x3f));
		b[2] = (unsigned char)(0x80 | (c >> 6 & 0x3f));
		b[3] = (unsigned char)(0x80 | (c & 0x3f));
		len = 4;
	}
	if (out == NULL) {
		*n += len;
		return 0;
	}
	if (*n + len >= outlen)	/* else *n + len + 1 <= outlen */
		return -1;
	for (k = 0; k < len; k++)
		out[(*n)++] = (char)b[k];
	return 0;
}

/* One escape after the backslash at j->p: its code point, or -1.
 * RFC 8259 7: a character beyond the BMP is a UTF-16 surrogate pair. */
static long
json_escape(struct json *j)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char *e;
	unsigned hi, lo;

	if (++j->p >= j->end)
		return -1;
	if (*j->p != 'u') {
		if ((e = strchr(from, *j->p)) == NULL || *j->p == '\0')
			return -1;
		j->p++;
		return (unsigned char)to[e - from];
	}
	if (json_hex4(j->p + 1, j->end, &hi) == -1)
		return -1;
	j->p += 5;
	if (hi >= 0xdc00 && hi <= 0xdfff)
		return -1;	/* a low surrogate alone */
	if (hi < 0xd800 || hi > 0xdbff)
		return hi;
	if (j->end - j->p < 2 || j->p[0] != '\\' || j->p[1] != 'u' ||
	    json_hex4(j->p + 2, j->end, &lo) == -1 || lo < 0xdc00 ||
	    lo > 0xdfff)
		return -1;
	j->p += 6;
	return 0x10000 + ((long)(hi - 0xd800) << 10) + (lo - 0xdc00);
}

/* The string at j->p (at its opening quote), decoded into out when out is
 * set. Its length, or -1 when it is malformed, does not fit or holds a
 * NUL (no C string can carry it). */
static long
json_str(struct json *j, char *out, size_t outlen)
{
	size_t n = 0;
	long c;

	if (j->p >= j->end || *j->p++ != '"')
		return -1;
	while (j->p < j->end && *j->p != '"') {
		if ((unsigned char)*j->p < 0x20)
			return -1;	/* RFC 8259 7: controls are escaped */
		if (*j->p != '\\') {
			/* A byte as it is (UTF-8 passes through). */
			if (out != NULL && n + 1 >= outlen)
				return -1;
			if (out != NULL)
				out[n] = *j->p;
			n++;
			j->p++;
			continue;
		}
		if ((c = json_escape(j)) == -1 || (c == 0 && out != NULL))
			return -1;
		if (json_put(out, outlen, &n, (unsigned)c) == -1)
			return -1;
	}
	if (j->p >= j->end)
		return -1;
	j->p++;
	if (out != NULL)
		out[n] = '\0';
	return (long)n;
}

static int
json_num(struct json *j)
{
	const char *s = j->p;

	if (j->p < j->end && *j->p == '-')
		j->p++;
	if (j->p < j->end && *j->p == '0')
		j->p++;
	else if (j->p < j->end && *j->p >= '1' && *j->p <= '9')
		while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
			j->p++;
	else
		return -1;
	if (j->p < j->end && *j->p == '.') {
		if (++j->p >= j->end || *j->p < '0' || *j->p > '9')
			return -1;
		while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
			j->p++;
	}
	if (j->p < j->end && (*j->p == 'e' || *j->p == 'E')) {
		if (++j->p < j->end && (*j->p == '+' || *j->p == '-'))
			j->p++;
		if (j->p >= j->end || *j->p < '0' || *j->p > '9')
			return -1;
		while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
			j->p++;
	}
	return j->p > s ? 0 : -1;
}

static int json_value(struct json *);

/* An object or an array at j->p; with want set (objects only), *at is
 * pointed at the value of the first member named want. */
static int
json_compound(struct json *j, const char *want, const char **at)
{
	char close = *j->p == '{' ? '}' : ']', key[JSON_KEY_MAX + 1];
	long n;

	if (++j->depth > JSON_DEPTH_MAX)
		return -1;
	j->p++;
	json_ws(j);
	if (j->p < j->end && *j->p == close) {
		j->p++;
		j->depth--;
		return 0;
	}
	for (;;) {
		json_ws(j);
		if (close == '}') {
			const char *k = j->p, *after;
			int match;
			if ((n = json_str(j, NULL, 0)) == -1)
				return -1;
			after = j->p;
			j->p = k;
			match = want != NULL && *at == NULL &&
			    n <= JSON_KEY_MAX &&
			    json_str(j, key, sizeof(key)) != -1 &&
			    strcmp(key, want) == 0;
			j->p = after;
			json_ws(j);
			if (j->p >= j->end || *j->p++ != ':')
				return -1;
			json_ws(j);
			if (match)
				*at = j->p;
		}
		if (json_value(j) == -1)
			return -1;
		json_ws(j);
		if (j->p < j->end && *j->p == ',') {
			j->p++;
			continue;
		}
		if (j->p >= j->end || *j->p++ != close)
			return -1;
		j->depth--;
		return 0;
	}
}

static int
json_word(struct json *j, const char *w)
{
	size_t n = strlen(w);

	if ((size_t)(j->end - j->p) < n || memcmp(j->p, w, n) != 0)
		return -1;
	j->p += n;
	return 0;
}

static int
json_value(struct json *j)
{
	if (j->p >= j->end)
		return -1;
	switch (*j->p) {
	case '{':
	case '[':
		return json_compound(j, NULL, NULL);
	case '"':
		return json_str(j, NULL, 0) == -1 ? -1 : 0;
	case 't':
		return json_word(j, "true");
	case 'f':
		return json_word(j, "false");
	case 'n':
		return json_word(j, "null");
	default:
		return json_num(j);
	}
}

/* Checks doc as one object; the start of member key's value, or NULL
 * when doc is invalid or has no such member. */
static const char *
json_find(const char *doc, size_t len, const char *key)
{
	struct json j = { doc, doc + len, 0 };
	const char *at = NULL;

	json_ws(&j);
	if (j.p >= j.end || *j.p != '{')
		return NULL;
	if (json_compound(&j, key, &at) == -1)
		return NULL;
	json_ws(&j);
	return j.p == j.end ? at : NULL;
}

/* see json.h */
int
json_string(const char *doc, size_t len, const char *key, char *out,
    size_t outlen)
{
	struct json j = { NULL, doc + len, 0 };
	long n;

	if (outlen == 0 || (j.p = json_find(doc, len, key)) == NULL)
		return -1;
	n = json_str(&j, out, outlen);
	if (n == -1) {
		explicit_bzero(out, outlen);
		return -1;
	}
	return 0;
}

/* see json.h */
int
json_number(const char *doc, size_t len, const char *key, long *n)
{
	struct json j = { NULL, doc + len, 0 };
	char buf[24], *end;
	const char *s;

	if ((s = json_find(doc, len, key)) == NULL)
		return -1;
	j.p = s;
	if (*s == '"') {
		if (json_str(&j, buf, sizeof(buf)) == -1)
			return -1;
	} else {
		if (json_num(&j) == -1 || (size_t)(j.p - s) >= sizeof(buf))
			return -1;
		memcpy(buf, s, (size_t)(j.p - s));
		buf[j.p - s] = '\0';
	}
	if (buf[0] < '0' || buf[0] > '9')
		return -1;
	errno = 0;
	*n = strtol(buf, &end, 10);
	if (*end != '\0' || errno != 0)
		return -1;
	return 0;
}
