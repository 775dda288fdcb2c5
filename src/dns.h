/* relaymail: the DNS answers sendmail --configure reads. ISC licence, see
 * LICENSE.
 * dns_parse() reads a DNS response (RFC 1035) from memory: the header's
 * code, the question (it must be the one asked), and the answer's MX or
 * SRV records (RFC 2782) for the name asked or the name its CNAMEs lead
 * to. Pure and bounded: a name is read through at most 255 octets and
 * compression pointers that only go backwards, so a hostile answer can
 * neither loop nor overflow; fuzzed (tests/fuzz/fuzz_dns.c).
 * dns_lookup() asks the system's resolver (res_query, /etc/resolv.conf;
 * in libc with glibc 2.34 and later and with musl) and parses its reply. */
#ifndef DNS_H
#define DNS_H

#include <stddef.h>

#define DNS_T_CNAME	5
#define DNS_T_MX	15
#define DNS_T_SRV	33

#define DNS_NAME_MAX	253	/* a name as text, without the final dot */
#define DNS_RR_MAX	16	/* records kept from one answer; more are
				 * left out (a domain lists a few servers) */
#define DNS_CNAME_MAX	8	/* CNAMEs followed in one answer */
#define DNS_MSG_MAX	8192	/* bytes of a reply dns_lookup reads */

enum dns_status {
	DNS_FOUND,	/* at least one record of the type asked */
	DNS_NODATA,	/* the name exists, without such records */
	DNS_NXDOMAIN,	/* the name does not exist */
	DNS_FAIL	/* no answer to rely on: a timeout, SERVFAIL, REFUSED,
			 * an answer to another question, a malformed one */
};

/* One MX or SRV record. */
struct dns_rr {
	unsigned pref;		/* MX preference, SRV priority */
	unsigned weight;	/* SRV */
	unsigned port;		/* SRV */
	char	 host[DNS_NAME_MAX + 1];	/* exchange or target, lower
					 * case, no final dot; "." for the
					 * root ("no service", RFC 2782 and
					 * RFC 7505) */
};

struct dns_answer {
	enum dns_status status;
	struct dns_rr rr[DNS_RR_MAX];	/* in the order of the answer */
	int	 n;
	char	 why[120];	/* DNS_FAIL: what went wrong, e.g. "SERVFAIL" */
};

/* Parses the response msg[0..len) to the question (qname, qtype, class
 * IN) into a, and returns a->status. A record counts when its owner is
 * qname (ASCII case ignored) or the end of the CNAME chain from it, and
 * its type is qtype; a name that is not plain host-name text (a dot, a
 * backslash, a blank or a control octet inside a label) makes the answer
 * malformed. */
enum dns_status dns_parse(const unsigned char *msg, size_t len,
	    const char *qname, int qtype, struct dns_answer *a);

/* Asks the system's resolver for qname's records of qtype (class IN) and
 * parses the reply into a; returns a->status. Waits as /etc/resolv.conf
 * says (timeout, attempts). */
enum dns_status dns_lookup(const char *qname, int qtype,
	    struct dns_answer *a);

#endif
