/* relaymail: TCP connect with deadlines, and the socket transport.
 * ISC licence, see LICENSE. Every resolved address is tried in order;
 * every read and write polls against the conn's absolute deadline. */
#ifndef NET_H
#define NET_H

#include <stdint.h>
#include "conn.h"

struct net {
	int	 fd;
	int64_t	 deadline_ms;
	int	 noname;	/* net_connect: the name does not exist */
	char	 err[256];
};

/* Connects to host:port trying each address (IPv6 and IPv4) in the order
 * getaddrinfo returns them, each within timeout_s. 0, or -1 with a reason
 * in n->err ("connection refused", "timed out", "no such host ...");
 * n->noname is set when the name does not exist (NXDOMAIN, or under
 * .invalid), which waiting cannot change, unlike a resolver that did not
 * answer. */
int	 net_connect(struct net *, const char *host, const char *port,
	    int timeout_s);
void	 net_transport(struct net *, struct transport *out);
/* Says we are done writing and reads (throwing it away) until the
 * server closes its end, at most ms: a server that counts connections
 * has then counted ours gone. */
void	 net_linger(struct net *, int ms);
void	 net_close(struct net *);

#endif
