/* relaymail: a small bounded JSON reader. ISC licence, see LICENSE.
 * Reads one member of the top-level object of a token endpoint's reply
 * (access_token, expires_in, error...). The whole document is checked
 * (RFC 8259 grammar, nesting at most JSON_DEPTH_MAX) before any value is
 * trusted; nothing is allocated, and every output is capped by its caller. */
#ifndef JSON_H
#define JSON_H

#include <stddef.h>

#define JSON_DEPTH_MAX	32	/* arrays and objects inside each other */
#define JSON_KEY_MAX	64	/* longer member names never match */

/* The string member key of the object doc[0..len), unescaped (UTF-8),
 * into out (NUL-terminated). The first member of that name counts.
 * 0; -1 when doc is not a valid JSON object, the member is missing or
 * not a string, holds a NUL, or does not fit in outlen. */
int	 json_string(const char *doc, size_t len, const char *key, char *out,
	    size_t outlen);

/* The member key as a whole number from 0 to LONG_MAX into *n; a string
 * of digits counts too (some providers quote expires_in). 0 or -1. */
int	 json_number(const char *doc, size_t len, const char *key, long *n);

#endif
