/* relaymail: sendmail --configure ADDRESS. ISC licence, see LICENSE.
 * Finds the smart host for an address: a provider preset when the
 * address's domain, or one of its MX hosts, is one a provider is known
 * by; else the submission servers the domain publishes (RFC 6186 SRV
 * records, _submissions._tcp first: TLS from the first byte, RFC 8314).
 * Then writes them as a [relay] section (or [route NAME]) whose comments
 * say where they came from and what is left to fill in (the password,
 * or an OAuth client). The DNS is asked through a function the caller
 * gives, so the decisions are tested without a network. */
#ifndef CONFIGURE_H
#define CONFIGURE_H

#include <stdio.h>

#include "conf.h"
#include "dns.h"

#define CONFIGURE_ROUTE_MAX	(CONF_ROUTE_NAME_MAX - 1)	/* a route's
					 * name, as [route NAME] takes it */

enum configure_status {
	CONFIGURE_FOUND,
	CONFIGURE_NONE,		/* the DNS answered: no preset, no SRV host */
	CONFIGURE_DNS_FAIL,	/* a lookup had no answer to rely on */
	CONFIGURE_BAD_ADDRESS	/* not an address a section can name */
};

enum configure_source {
	CONFIGURE_BY_DOMAIN,	/* the domain is the provider's own */
	CONFIGURE_BY_MX,	/* an MX host is the provider's */
	CONFIGURE_BY_SRV	/* the domain's RFC 6186 SRV records */
};

/* Asks for qname's records of qtype into a; returns a->status. */
typedef enum dns_status (*configure_lookup)(void *arg, const char *qname,
	    int qtype, struct dns_answer *a);

struct configure_host {
	char	 name[DNS_NAME_MAX + 1];
	unsigned port;
};

struct configure {
	const char *address;	/* as given (borrowed) */
	const char *domain;	/* inside address */
	enum configure_source source;
	enum conf_provider provider;	/* CONF_PROVIDER_NONE: SRV */
	const char *what;	/* the provider as people call it:
				 * "Google Workspace" */
	const char *host;	/* a host the preset does not fill in (an
				 * endpoint of another region), or NULL */
	char	 region[64];	/* ses: the region of the MX */
	char	 evidence[DNS_NAME_MAX + 1];	/* the MX host, or the SRV
						 * name, that told */
	int	 implicit_tls;	/* SRV: _submissions (else _submission) */
	struct configure_host hosts[CONF_HOSTS_MAX];	/* SRV, in order */
	int	 nhosts;
	char	 why[1024];	/* not found: one sentence */
};

/* Finds the settings for address into cf, asking lookup (with arg) for
 * the MX and SRV records it needs: none for a domain a preset knows by
 * name. CONFIGURE_FOUND; or another status with one sentence in cf->why
 * that says what was looked up and what to do. */
enum configure_status configure_find(struct configure *cf,
	    const char *address, configure_lookup lookup, void *arg);

/* Where the settings came from, for a person: "Google Workspace, by the
 * MX of example.com (aspmx.l.google.com)". */
void	 configure_source_text(const struct configure *cf, char *buf,
	    size_t len);

/* 0 when name can name a route ([route NAME]): 1 to CONFIGURE_ROUTE_MAX
 * letters, digits, '-', '_' or '.'; else -1. */
int	 configure_route_ok(const char *name);

/* Writes the section for a found cf: [relay], or with route [route
 * NAME] and its senders line. Every line fits a line of sendmail.conf. */
void	 configure_print(const struct configure *cf, const char *route,
	    FILE *fp);

/* Writes the section into path, a new file (never an existing one, nor
 * through a link), mode 0600, or 0640 with group when group is not -1;
 * synced before it returns. 0, or -1 with err (the file removed). */
int	 configure_save(const struct configure *cf, const char *route,
	    const char *path, long group, char *err, size_t errlen);

#endif
