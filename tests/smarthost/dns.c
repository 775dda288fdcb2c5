/* relaymail test resolver (smarthost -m dns). ISC licence, see LICENSE.
 * A DNS server on UDP 127.0.0.1 for tests/integration/t_setup.sh, run
 * in a private network namespace whose resolv.conf names it: every
 * query is answered without a record, SERVFAIL for a name whose first
 * label is "servfail" (a resolver in trouble) and NXDOMAIN for any other
 * (the name does not exist). Each query's name is appended to
 * DIR/queries. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "smarthost.h"

/* The question's name at pkt[12..] as dotted text into out; the offset
 * after the question (name, type, class), or 0 if malformed. */
static size_t
dns_question(const unsigned char *pkt, size_t len, char *out, size_t outlen)
{
	size_t off = 12, o = 0;

	out[0] = '\0';
	while (off < len && pkt[off] != 0) {
		size_t l = pkt[off++];
		if (l > 63 || off + l > len || o + l + 2 > outlen)
			return 0;
		if (o > 0)
			out[o++] = '.';
		memcpy(out + o, pkt + off, l);
		o += l;
		off += l;
	}
	out[o] = '\0';
	if (off + 5 > len)
		return 0;
	return off + 5;
}

static volatile sig_atomic_t dns_done;

static void
dns_stop(int sig)
{
	(void)sig;
	dns_done = 1;
}

/* see smarthost.h */
void
dns_serve(const char *dir, int port, const char *portfile)
{
	struct sockaddr_in sa, from;
	socklen_t fl, sl = sizeof(sa);
	unsigned char pkt[512];
	char name[256], path[700];
	struct sigaction act;
	ssize_t n;
	size_t q;
	FILE *fp;
	int fd;

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sa.sin_port = htons((unsigned short)port);
	if ((fd = socket(AF_INET, SOCK_DGRAM, 0)) == -1 ||
	    bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == -1) {
		fprintf(stderr, "smarthost: dns: bind: %s\n", strerror(errno));
		exit(1);
	}
	getsockname(fd, (struct sockaddr *)&sa, &sl);
	snprintf(path, sizeof(path), "%s.tmp", portfile);
	if ((fp = fopen(path, "w")) == NULL)
		exit(1);
	fprintf(fp, "%d\n", ntohs(sa.sin_port));
	fclose(fp);
	rename(path, portfile);
	memset(&act, 0, sizeof(act));
	act.sa_handler = dns_stop;
	sigaction(SIGTERM, &act, NULL);
	sigaction(SIGINT, &act, NULL);
	snprintf(path, sizeof(path), "%s/queries", dir);
	while (!dns_done) {
		fl = sizeof(from);
		n = recvfrom(fd, pkt, sizeof(pkt), 0, (struct sockaddr *)&from,
		    &fl);
		if (n < 12 || (q = dns_question(pkt, (size_t)n, name,
		    sizeof(name))) == 0)
			continue;
		if ((fp = fopen(path, "a")) != NULL) {
			fprintf(fp, "%s\n", name);
			fclose(fp);
		}
		/* QR, the query's opcode and RD, RA; no records. */
		pkt[2] = (unsigned char)(0x80 | (pkt[2] & 0x79));
		pkt[3] = (unsigned char)(0x80 | (strncmp(name, "servfail.",
		    9) == 0 ? 2 : 3));
		pkt[4] = 0;
		pkt[5] = 1;
		memset(pkt + 6, 0, 6);
		sendto(fd, pkt, q, 0, (struct sockaddr *)&from, fl);
	}
	close(fd);
}
