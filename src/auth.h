/* relaymail: SASL client mechanisms. ISC licence, see LICENSE.
 * PLAIN, LOGIN, CRAM-MD5, XOAUTH2 and OAUTHBEARER: choosing one from the
 * server's EHLO list, and building each response. Pure: the SMTP dialogue
 * that carries them is smtp.c's. Callers wipe the buffers they pass. */
#ifndef AUTH_H
#define AUTH_H

#include <stddef.h>

enum auth_mech {
	AUTH_PLAIN = 1,
	AUTH_LOGIN = 2,
	AUTH_CRAM_MD5 = 4,
	AUTH_XOAUTH2 = 8,
	AUTH_OAUTHBEARER = 16
};

/* The mechanisms named in the text of an EHLO "AUTH ..." line (or the old
 * "AUTH=..." form), as a bit set. */
unsigned auth_parse_mechs(const char *list);

/* Picks a mechanism. forced: 0 for automatic, or one AUTH_* bit. Automatic
 * choice uses password mechanisms only: over TLS PLAIN, LOGIN, CRAM-MD5
 * (PLAIN needs one round trip and TLS already protects it); without TLS
 * CRAM-MD5 first, since it never sends the password. Returns the mechanism
 * or 0 when none fits. */
enum auth_mech auth_choose(unsigned offered, unsigned forced, int tls);

const char *auth_name(enum auth_mech);

/* base64("\0user\0pass"). Returns 0, or -1 if out is too small. */
int	 auth_plain(const char *user, const char *pass, char *out,
	    size_t outlen);
/* base64(user + " " + hex(HMAC-MD5(pass, challenge))), from the base64
 * challenge the server sent. 0, or -1 on a bad challenge or no room. */
int	 auth_cram_md5(const char *user, const char *pass,
	    const char *challenge, char *out, size_t outlen);
/* base64("user=U\1auth=Bearer T\1\1"). */
int	 auth_xoauth2(const char *user, const char *token, char *out,
	    size_t outlen);
/* RFC 7628: base64("n,a=U,\1host=H\1port=P\1auth=Bearer T\1\1"). */
int	 auth_oauthbearer(const char *user, const char *token,
	    const char *host, const char *port, char *out, size_t outlen);

#endif
