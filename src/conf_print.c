/* relaymail: the effective configuration, sendmail -bP. ISC licence.
 * Prints every section as sendmail.conf(5) spells it, with the values in
 * force after the file, the environment and the presets; a secret is
 * printed as ******** (password_command too for a user outside the
 * queue group). Writes only to the stream it is given. */
#include <stdio.h>
#include <string.h>

#include "conf.h"
#include "conf_int.h"
#include "priv.h"

/* [relay]'s keys, or a route's under its [route NAME]. */
static void
conf_print_relay(const struct conf *c, FILE *fp)
{
	int i;

	if (c->route == NULL)
		fprintf(fp, "[relay]\n");
	else {
		fprintf(fp, "\n[route %s]\nsenders =", c->route);
		for (i = 0; i < c->nsenders; i++)
			fprintf(fp, "%s%s", i ? ", " : " ", c->senders[i]);
		fputc('\n', fp);
	}
	fprintf(fp, "host =");
	for (i = 0; i < c->nhosts; i++)
		fprintf(fp, "%s%s%s%s", i ? ", " : " ", c->hosts[i].name,
		    c->hosts[i].port ? ":" : "",
		    c->hosts[i].port ? c->hosts[i].port : "");
	fprintf(fp, "\nport = %s\ntls = %s\ntls_verify = %s\n",
	    c->port ? c->port : "", conf_tls_names[c->tls],
	    c->tls_verify ? "yes" : "no");
	fprintf(fp, "tls_ca_file = %s\n", c->tls_ca_file);
	if (c->tls_host)
		fprintf(fp, "tls_host = %s\n", c->tls_host);
	for (i = 0; i < c->ntls_pins; i++)
		fprintf(fp, "tls_pin = %s\n", c->tls_pins[i]);
	if (c->tls_cert_file)
		fprintf(fp, "tls_cert_file = %s\ntls_key_file = %s\n",
		    c->tls_cert_file, c->tls_key_file);
	if (c->user)
		fprintf(fp, "user = %s\n", c->user);
	if (c->password)
		fprintf(fp, "password = ********\n");
	if (c->password_file)
		fprintf(fp, "password_file = %s\n", c->password_file);
	if (c->password_command)
		fprintf(fp, "password_command = %s\n", priv_outsider() ?
		    "********" : c->password_command);
	fprintf(fp, "auth = %s\nauth_allow_plaintext = %s\n",
	    conf_auth_names[c->auth],
	    c->auth_allow_plaintext ? "yes" : "no");
	if (c->helo)
		fprintf(fp, "helo = %s\n", c->helo);
	fprintf(fp, "timeout = %d\nwait = %d\n", c->timeout, c->wait);
	conf_preset_print(c, fp);
}

/* see conf.h */
void
conf_print(const struct conf *c, FILE *fp)
{
	int i;

	conf_print_relay(c, fp);
	fprintf(fp, "\n[queue]\ndir = %s\nmax_age = %lds\n"
	    "failed_max_age = %lds\nmax_size = %ld\njournal_size = %ld\n"
	    "bounce = %s\nrunner = %s\n", c->queue_dir, c->max_age,
	    c->failed_max_age, c->max_size, c->journal_size,
	    c->bounce ? "yes" : "no", c->runner ? "yes" : "no");
	conf_quota_print(c, fp);
	if (c->bounce_to)
		fprintf(fp, "bounce_to = %s\n", c->bounce_to);
	fprintf(fp, "\n[message]\n");
	if (c->domain)
		fprintf(fp, "domain = %s\n", c->domain);
	if (c->from)
		fprintf(fp, "from = %s\n", c->from);
	fprintf(fp, "rewrite_from = %s\n", conf_rewrite_names[c->rewrite_from]);
	if (c->aliases_file)
		fprintf(fp, "aliases_file = %s\n", c->aliases_file);
	if (c->naliases > 0)
		fprintf(fp, "\n[aliases]\n");
	for (i = 0; i < c->naliases; i++)
		fprintf(fp, "%s = %s\n", c->aliases[i].name,
		    c->aliases[i].value);
	if (c->log_file || c->log_stderr)
		fprintf(fp, "\n[log]\n");
	if (c->log_file)
		fprintf(fp, "file = %s\n", c->log_file);
	if (c->log_stderr)
		fprintf(fp, "stderr = yes\n");
	conf_oauth_print(c, fp);
	for (i = 0; i < c->nroutes; i++) {	/* in the order they are tried */
		conf_print_relay(c->routes[i], fp);
		conf_oauth_print(c->routes[i], fp);
	}
}
