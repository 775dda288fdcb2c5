/* relaymail: SASL client mechanisms. ISC licence, see LICENSE.
 * Every intermediate buffer that held a secret is wiped before return. */
#include <bearssl.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "auth.h"
#include "util.h"

static const struct {
	const char *name;
	enum auth_mech mech;
} mechs[] = {
	{ "PLAIN", AUTH_PLAIN },
	{ "LOGIN", AUTH_LOGIN },
	{ "CRAM-MD5", AUTH_CRAM_MD5 },
	{ "XOAUTH2", AUTH_XOAUTH2 },
	{ "OAUTHBEARER", AUTH_OAUTHBEARER },
};

#define NMECHS	(sizeof(mechs) / sizeof(mechs[0]))

/* see auth.h */
unsigned
auth_parse_mechs(const char *list)
{
	unsigned set = 0;
	size_t i, n;

	while (*list != '\0') {
		while (*list == ' ' || *list == '=' || *list == '\t')
			list++;
		n = strcspn(list, " =\t");
		for (i = 0; i < NMECHS; i++)
			if (strlen(mechs[i].name) == n &&
			    strncasecmp(list, mechs[i].name, n) == 0)
				set |= mechs[i].mech;
		list += n;
	}
	return set;
}

/* see auth.h */
enum auth_mech
auth_choose(unsigned offered, unsigned forced, int tls)
{
	static const unsigned over_tls[] = { AUTH_PLAIN, AUTH_LOGIN,
	    AUTH_CRAM_MD5 };
	static const unsigned plaintext[] = { AUTH_CRAM_MD5, AUTH_PLAIN,
	    AUTH_LOGIN };
	const unsigned *order = tls ? over_tls : plaintext;
	unsigned pick = 0;
	size_t i;

	if (forced != 0)
		pick = offered & forced;
	else
		for (i = 0; i < 3 && pick == 0; i++)
			pick = offered & order[i];
	return (enum auth_mech)pick;
}

/* see auth.h */
const char *
auth_name(enum auth_mech m)
{
	size_t i;

	for (i = 0; i < NMECHS; i++)
		if (mechs[i].mech == m)
			return mechs[i].name;
	return "?";
}

/* Base64 of a secret assembled in buf (len bytes), then wipes buf. */
static int
encode_wipe(char *buf, size_t len, char *out, size_t outlen)
{
	long r = util_b64_encode(buf, len, out, outlen);

	explicit_bzero(buf, len);
	return r < 0 ? -1 : 0;
}

/* see auth.h */
int
auth_plain(const char *user, const char *pass, char *out, size_t outlen)
{
	char buf[1024];
	size_t ul = strlen(user), pl = strlen(pass);

	if (ul + pl + 2 > sizeof(buf))
		return -1;
	buf[0] = '\0';
	memcpy(buf + 1, user, ul);
	buf[ul + 1] = '\0';
	memcpy(buf + ul + 2, pass, pl);
	return encode_wipe(buf, ul + pl + 2, out, outlen);
}

/* see auth.h */
int
auth_cram_md5(const char *user, const char *pass, const char *challenge,
    char *out, size_t outlen)
{
	br_hmac_key_context kc;
	br_hmac_context hc;
	unsigned char chal[512], mac[16];
	char buf[1024];
	long clen;
	size_t ul = strlen(user), i;
	int r;

	clen = util_b64_decode(challenge, strlen(challenge), chal,
	    sizeof(chal));
	if (clen <= 0 || ul + 1 + 32 > sizeof(buf))
		return -1;
	br_hmac_key_init(&kc, &br_md5_vtable, pass, strlen(pass));
	br_hmac_init(&hc, &kc, 0);
	br_hmac_update(&hc, chal, (size_t)clen);
	br_hmac_out(&hc, mac);
	memcpy(buf, user, ul);
	buf[ul] = ' ';
	for (i = 0; i < 16; i++)
		snprintf(buf + ul + 1 + 2 * i, 3, "%02x", mac[i]);
	r = encode_wipe(buf, ul + 1 + 32, out, outlen);
	explicit_bzero(&kc, sizeof(kc));
	explicit_bzero(&hc, sizeof(hc));
	explicit_bzero(mac, sizeof(mac));
	return r;
}

/* see auth.h */
int
auth_xoauth2(const char *user, const char *token, char *out, size_t outlen)
{
	char buf[4096];
	int n;

	n = snprintf(buf, sizeof(buf), "user=%s\001auth=Bearer %s\001\001",
	    user, token);
	if (n < 0 || (size_t)n >= sizeof(buf)) {
		explicit_bzero(buf, sizeof(buf));
		return -1;
	}
	return encode_wipe(buf, (size_t)n, out, outlen);
}

/* see auth.h */
int
auth_oauthbearer(const char *user, const char *token, const char *host,
    const char *port, char *out, size_t outlen)
{
	char buf[4096];
	int n;

	n = snprintf(buf, sizeof(buf), "n,a=%s,\001host=%s\001port=%s\001"
	    "auth=Bearer %s\001\001", user, host, port, token);
	if (n < 0 || (size_t)n >= sizeof(buf)) {
		explicit_bzero(buf, sizeof(buf));
		return -1;
	}
	return encode_wipe(buf, (size_t)n, out, outlen);
}
