/* relaymail: [relay] provider presets and the sending limits. ISC licence,
 * see LICENSE.
 * A preset fills host, tls, user and the max_* limits from one table of
 * the providers' published submission endpoints and limits (sources in
 * sendmail.conf(5)). It only ever fills a key that no source set, so an
 * explicit key wins wherever it stands; applied by conf_finish(). */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "conf.h"
#include "conf_int.h"
#include "pool.h"

/* One name per vendor, the same in [relay] and [oauth]. */
const char *const conf_provider_names[] = { "none", "microsoft365", "gmail",
	"ses", "mailgun", "sendgrid", "postmark", "fastmail", NULL };

/* The other spellings a vendor has had, accepted in either section. */
static const struct {
	const char *word;
	enum conf_provider provider;
} conf_provider_synonyms[] = {
	{ "microsoft", CONF_PROVIDER_MICROSOFT365 },
	{ "google", CONF_PROVIDER_GMAIL },
};

/* One provider's defaults; 0 or NULL: the preset leaves it alone. */
static const struct conf_preset {
	const char *host;	/* "%s": the SES region */
	enum conf_tls tls;
	const char *user;
	int	 per_minute, per_hour, per_day, recipients;
	int	 own_sender;	/* refuses any sender but the mailbox */
	int	 connections;	/* the documented cap, or 0: the default */
} conf_presets[] = {
	[CONF_PROVIDER_NONE] = { NULL, CONF_TLS_STARTTLS, NULL, 0, 0, 0, 0, 0,
	    0 },
	/* 5.2.252 SendAsDenied for any other sender. */
	[CONF_PROVIDER_MICROSOFT365] = { "smtp.office365.com",
	    CONF_TLS_STARTTLS, NULL, 30, 0, 10000, 500, 1, 3 },
	[CONF_PROVIDER_GMAIL] = { "smtp.gmail.com", CONF_TLS_STARTTLS, NULL,
	    0, 0, 500, 100, 0, 0 },
	[CONF_PROVIDER_SES] = { "email-smtp.%s.amazonaws.com",
	    CONF_TLS_STARTTLS, NULL, 60, 0, 200, 50, 0, 0 },
	[CONF_PROVIDER_MAILGUN] = { "smtp.mailgun.org", CONF_TLS_STARTTLS,
	    NULL, 0, 0, 0, 1000, 0, 0 },
	[CONF_PROVIDER_SENDGRID] = { "smtp.sendgrid.net", CONF_TLS_STARTTLS,
	    "apikey", 0, 0, 0, 1000, 0, 0 },
	[CONF_PROVIDER_POSTMARK] = { "smtp.postmarkapp.com",
	    CONF_TLS_STARTTLS, NULL, 0, 0, 0, 50, 0, 0 },
	[CONF_PROVIDER_FASTMAIL] = { "smtp.fastmail.com", CONF_TLS_IMPLICIT,
	    NULL, 0, 0, 0, 0, 0, 0 },
};

/* see conf_int.h */
int
conf_provider_word(const char *v)
{
	size_t i;
	int p = conf_choice(v, conf_provider_names);

	for (i = 0; p < 0 && i < sizeof(conf_provider_synonyms) /
	    sizeof(conf_provider_synonyms[0]); i++)
		if (strcasecmp(v, conf_provider_synonyms[i].word) == 0)
			p = (int)conf_provider_synonyms[i].provider;
	return p;
}

/* see conf_int.h */
int
conf_preset_set_provider(struct conf_ctx *x, const char *v, void *f)
{
	int i = conf_provider_word(v);

	if (i < 0)
		return conf_bad(x, "must be microsoft365, gmail, ses, mailgun, "
		    "sendgrid, postmark, fastmail or none, not \"%s\"", v);
	*(enum conf_provider *)f = (enum conf_provider)i;
	return 0;
}

/* see conf_int.h */
int
conf_preset_set_limit(struct conf_ctx *x, const char *v, void *f)
{
	char *end;
	long n;

	n = strtol(v, &end, 10);
	if (end == v || *end != '\0' || n < 0 || n > 10000000)
		return conf_bad(x, "not a count from 0 (no limit) to 10000000: "
		    "\"%s\"", v);
	*(int *)f = (int)n;
	return 0;
}

/* see conf_int.h */
int
conf_preset_set_connections(struct conf_ctx *x, const char *v, void *f)
{
	char *end;
	long n;

	n = strtol(v, &end, 10);
	if (end == v || *end != '\0' || n < 1 || n > POOL_SLOTS_MAX)
		return conf_bad(x, "not a count from 1 to %d: \"%s\"",
		    POOL_SLOTS_MAX, v);
	*(int *)f = (int)n;
	return 0;
}

/* 1 when no source set section's key name. */
static int
conf_preset_unset(const struct conf *c, const char *section,
    const char *name)
{
	const struct conf_key *k = conf_key_find(section, name);

	return c->set_on[k - conf_keys] == 0;
}

static void
conf_preset_limit(struct conf *c, const char *name, int *field, int v)
{
	if (v > 0 && conf_preset_unset(c, "relay", name))
		*field = v;
}

/* A provider that refuses any sender but the mailbox (user): local
 * senders (root@this-host, www-data) become the mailbox, in the envelope
 * and in From:, unless [message] from or rewrite_from says otherwise. */
static int
conf_preset_sender(struct conf_ctx *x)
{
	struct conf *c = x->c;

	if (c->user == NULL || strchr(c->user, '@') == NULL)
		return 0;
	if (conf_preset_unset(c, "message", "from") &&
	    (c->from = strdup(c->user)) == NULL)
		return conf_bad(conf_at(x, "relay", "provider"), "out of "
		    "memory");
	if (conf_preset_unset(c, "message", "rewrite_from"))
		c->rewrite_from = CONF_REWRITE_LOCAL;
	return 0;
}

/* see conf_int.h */
int
conf_preset_finish(struct conf_ctx *x)
{
	struct conf *c = x->c;
	const struct conf_preset *p = &conf_presets[c->provider];
	const struct conf_key *host = conf_key_find("relay", "host");
	char name[256];

	if (c->region != NULL && c->provider != CONF_PROVIDER_SES)
		return conf_bad(conf_at(x, "relay", "region"), "only for "
		    "provider = ses (set host for other providers)");
	if (c->provider == CONF_PROVIDER_NONE)
		return 0;
	if (c->nhosts == 0) {
		conf_preset_describe(c->provider, c->region, name, sizeof(name),
		    NULL);
		if (host->set(conf_at(x, "relay", "provider"), name,
		    (char *)c + host->off) == -1)
			return -1;
	}
	if (conf_preset_unset(c, "relay", "tls"))
		c->tls = p->tls;
	if (p->user != NULL && conf_preset_unset(c, "relay", "user") &&
	    (c->user = strdup(p->user)) == NULL)
		return conf_bad(conf_at(x, "relay", "provider"), "out of "
		    "memory");
	conf_preset_limit(c, "max_per_minute", &c->max_per_minute,
	    p->per_minute);
	conf_preset_limit(c, "max_per_hour", &c->max_per_hour, p->per_hour);
	conf_preset_limit(c, "max_per_day", &c->max_per_day, p->per_day);
	conf_preset_limit(c, "max_recipients", &c->max_recipients,
	    p->recipients);
	conf_preset_limit(c, "max_connections", &c->max_connections,
	    p->connections);
	return p->own_sender ? conf_preset_sender(x) : 0;
}

/* see conf.h */
const char *
conf_preset_describe(enum conf_provider provider, const char *region,
    char *host, size_t len, enum conf_tls *tls)
{
	const struct conf_preset *p = &conf_presets[provider];

	if (provider == CONF_PROVIDER_NONE)
		return NULL;
	snprintf(host, len, p->host, region ? region : "us-east-1");
	if (tls != NULL)
		*tls = p->tls;
	return conf_provider_names[provider];
}

/* see conf_int.h */
void
conf_preset_print(const struct conf *c, FILE *fp)
{
	fprintf(fp, "data_timeout = %d\n", c->data_timeout);
	if (c->provider != CONF_PROVIDER_NONE)
		fprintf(fp, "provider = %s\n", conf_provider_names[c->provider]);
	if (c->region != NULL)
		fprintf(fp, "region = %s\n", c->region);
	fprintf(fp, "max_per_minute = %d\nmax_per_hour = %d\n"
	    "max_per_day = %d\nmax_recipients = %d\nmax_connections = %d\n",
	    c->max_per_minute, c->max_per_hour, c->max_per_day,
	    c->max_recipients, c->max_connections);
}
