/* relaymail: the [oauth] section's rules. ISC licence, see LICENSE.
 * The setters conf.c's table cannot share (provider, grant, tenant), the
 * rules between [oauth] and [relay] (a mailbox in user, no password, a
 * mechanism that carries a token), and the section's part of conf_print.
 * The endpoints a provider implies are oauth.c's. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "conf_int.h"

static const char *conf_oauth_grants[] = { "refresh_token",
    "client_credentials", NULL };

/* The OAuth side of a vendor, or -1 for one without OAuth here. */
static int
conf_oauth_vendor(enum conf_provider p)
{
	switch (p) {
	case CONF_PROVIDER_NONE:
		return CONF_OAUTH_NONE;
	case CONF_PROVIDER_MICROSOFT365:
		return CONF_OAUTH_MICROSOFT;
	case CONF_PROVIDER_GMAIL:
		return CONF_OAUTH_GOOGLE;
	default:
		return -1;
	}
}

/* see conf_int.h: the vendor's one name, as [relay] provider spells it
 * (microsoft and google are taken too). */
int
conf_oauth_set_provider(struct conf_ctx *x, const char *v, void *f)
{
	int p = conf_provider_word(v), i = p < 0 ? -1 :
	    conf_oauth_vendor((enum conf_provider)p);

	if (i < 0)
		return conf_bad(x, "must be microsoft365 or gmail, not \"%s\" "
		    "(or set token_url)", v);
	*(enum conf_oauth_provider *)f = (enum conf_oauth_provider)i;
	return 0;
}

/* see conf_int.h */
int
conf_oauth_set_grant(struct conf_ctx *x, const char *v, void *f)
{
	int i = conf_choice(v, conf_oauth_grants);

	if (i < 0)
		return conf_bad(x, "must be refresh_token or "
		    "client_credentials, not \"%s\"", v);
	*(enum conf_oauth_grant *)f = (enum conf_oauth_grant)i;
	return 0;
}

/* see conf_int.h: the tenant goes into a URL path. */
int
conf_oauth_set_tenant(struct conf_ctx *x, const char *v, void *f)
{
	char **p = f;
	size_t i;

	for (i = 0; v[i] != '\0'; i++)
		if (!isalnum((unsigned char)v[i]) && v[i] != '-' &&
		    v[i] != '.' && v[i] != '_')
			return conf_bad(x, "not a tenant name or ID: \"%s\"", v);
	if (i == 0)
		return conf_bad(x, "empty");
	free(*p);
	if ((*p = strdup(v)) == NULL)
		return conf_bad(x, "out of memory");
	return 0;
}

/* see conf.h */
int
conf_oauth_on(const struct conf *c)
{
	return c->oauth_provider != CONF_OAUTH_NONE ||
	    c->oauth_token_url != NULL;
}

/* The rules of the section alone. */
static int
conf_oauth_keys(struct conf_ctx *x)
{
	const struct conf *c = x->c;

	if (c->oauth_client_id == NULL)
		return conf_bad(conf_at(x, "oauth", "client_id"), "required "
		    "key missing");
	if (c->oauth_token_url == NULL && c->oauth_provider ==
	    CONF_OAUTH_MICROSOFT && c->oauth_tenant == NULL)
		return conf_bad(conf_at(x, "oauth", "tenant"), "required with "
		    "provider = microsoft365 (the directory's name or ID)");
	if (c->oauth_client_secret != NULL &&
	    c->oauth_client_secret_file != NULL)
		return conf_bad(conf_at(x, "oauth", "client_secret"), "give "
		    "only one of client_secret and client_secret_file");
	if (c->oauth_grant == CONF_GRANT_CLIENT_CREDENTIALS &&
	    c->oauth_client_secret == NULL &&
	    c->oauth_client_secret_file == NULL)
		return conf_bad(conf_at(x, "oauth", "grant"), "client_"
		    "credentials needs client_secret or client_secret_file");
	if (c->oauth_grant == CONF_GRANT_REFRESH_TOKEN &&
	    c->oauth_refresh_token_file == NULL)
		return conf_bad(conf_at(x, "oauth", "refresh_token_file"),
		    "required with grant = refresh_token (sendmail "
		    "--oauth-login writes it)");
	return 0;
}

/* see conf_int.h */
int
conf_oauth_finish(struct conf_ctx *x)
{
	struct conf *c = x->c;

	/* [relay] provider = microsoft365 and a client_id: that vendor's
	 * endpoints. */
	if (!conf_oauth_on(c) && c->oauth_client_id != NULL &&
	    conf_oauth_vendor(c->provider) > 0)
		c->oauth_provider = (enum conf_oauth_provider)
		    conf_oauth_vendor(c->provider);
	if (!conf_oauth_on(c)) {
		if (c->oauth_client_id != NULL)
			return conf_bad(conf_at(x, "oauth", "client_id"),
			    "[oauth] needs provider (or [relay] provider = "
			    "microsoft365 or gmail) or token_url");
		return 0;
	}
	if (conf_oauth_keys(x) == -1)
		return -1;
	if (c->user == NULL)
		return conf_bad(conf_at(x, "relay", "user"), "required with "
		    "[oauth]: the mailbox to send as");
	if (c->password != NULL || c->password_file != NULL ||
	    c->password_command != NULL)
		return conf_bad(conf_at(x, "relay", c->password ? "password" :
		    c->password_file ? "password_file" : "password_command"),
		    "not with [oauth], which supplies the token");
	if (c->auth == CONF_AUTH_AUTO)
		c->auth = CONF_AUTH_XOAUTH2;
	if (c->auth != CONF_AUTH_XOAUTH2 && c->auth != CONF_AUTH_OAUTHBEARER)
		return conf_bad(conf_at(x, "relay", "auth"), "must be xoauth2 "
		    "or oauthbearer with [oauth]");
	return 0;
}

/* see conf_int.h */
void
conf_oauth_print(const struct conf *c, FILE *fp)
{
	if (!conf_oauth_on(c))
		return;
	if (c->route != NULL)
		fprintf(fp, "\n[oauth %s]\n", c->route);
	else
		fprintf(fp, "\n[oauth]\n");
	if (c->oauth_provider != CONF_OAUTH_NONE)
		fprintf(fp, "provider = %s\n", conf_provider_names[
		    c->oauth_provider == CONF_OAUTH_MICROSOFT ?
		    CONF_PROVIDER_MICROSOFT365 : CONF_PROVIDER_GMAIL]);
	if (c->oauth_tenant)
		fprintf(fp, "tenant = %s\n", c->oauth_tenant);
	if (c->oauth_token_url)
		fprintf(fp, "token_url = %s\n", c->oauth_token_url);
	if (c->oauth_auth_url)
		fprintf(fp, "auth_url = %s\n", c->oauth_auth_url);
	if (c->oauth_device_url)
		fprintf(fp, "device_url = %s\n", c->oauth_device_url);
	fprintf(fp, "client_id = %s\n", c->oauth_client_id);
	if (c->oauth_client_secret)
		fprintf(fp, "client_secret = ********\n");
	if (c->oauth_client_secret_file)
		fprintf(fp, "client_secret_file = %s\n",
		    c->oauth_client_secret_file);
	fprintf(fp, "grant = %s\n", conf_oauth_grants[c->oauth_grant]);
	if (c->oauth_refresh_token_file)
		fprintf(fp, "refresh_token_file = %s\n",
		    c->oauth_refresh_token_file);
	if (c->oauth_scope)
		fprintf(fp, "scope = %s\n", c->oauth_scope);
	if (c->oauth_ca_file)
		fprintf(fp, "ca_file = %s\n", c->oauth_ca_file);
}
