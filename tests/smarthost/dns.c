/* relaymail test resolver (smarthost -m dns). ISC licence, see LICENSE.
 * A DNS server on UDP 127.0.0.1 for the tests that run in a private
 * network namespace whose resolv.conf names it (t_setup.sh,
 * t_configure.sh). A query is answered from DIR/records when that file
 * has lines for its name, one record a line:
 *	NAME MX PREFERENCE HOST
 *	NAME SRV PRIORITY WEIGHT PORT TARGET	(TARGET "." for none)
 *	NAME CNAME TARGET
 *	NAME SERVFAIL				(every query for NAME)
 * CNAMEs are followed (and put in the answer) as a resolver would; a
 * name with lines but none of the type asked has no such record. Any
 * other name: SERVFAIL when its first label is "servfail" (a resolver
 * in trouble), else NXDOMAIN (the name does not exist). Each query's
 * name is appended to DIR/queries. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
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

#define DNS_PKT_MAX	512	/* a UDP answer, without EDNS */

/* An answer being built after the question. */
struct dns_reply {
	unsigned char *pkt;
	size_t	 len;
	unsigned an;	/* records appended */
	int	 full;	/* one did not fit: the rest are left out */
};

/* name's labels, uncompressed; 0 or -1 when there is no room. */
static int
dns_put_name(struct dns_reply *r, const char *name)
{
	size_t n;

	if (strcmp(name, ".") == 0)
		name = "";
	while (*name != '\0') {
		n = strcspn(name, ".");
		if (n == 0 || n > 63 || r->len + 1 + n >= DNS_PKT_MAX)
			return -1;
		r->pkt[r->len++] = (unsigned char)n;
		memcpy(r->pkt + r->len, name, n);
		r->len += n;
		name += n + (name[n] == '.');
	}
	if (r->len + 1 > DNS_PKT_MAX)
		return -1;
	r->pkt[r->len++] = 0;
	return 0;
}

static int
dns_put16(struct dns_reply *r, unsigned v)
{
	if (r->len + 2 > DNS_PKT_MAX)
		return -1;
	r->pkt[r->len++] = (unsigned char)(v >> 8);
	r->pkt[r->len++] = (unsigned char)v;
	return 0;
}

/* One record of the records file, words w[0..n), into r. */
static void
dns_put_record(struct dns_reply *r, char **w, int n)
{
	size_t start = r->len, rdata;
	int type = strcasecmp(w[1], "MX") == 0 ? 15 : strcasecmp(w[1],
	    "SRV") == 0 ? 33 : 5;
	int bad;

	if (r->full)
		return;
	bad = dns_put_name(r, w[0]) == -1 || dns_put16(r, (unsigned)type) ==
	    -1 || dns_put16(r, 1) == -1 || dns_put16(r, 0) == -1 ||
	    dns_put16(r, 60) == -1 || dns_put16(r, 0) == -1;
	rdata = r->len;
	if (!bad && type == 15)
		bad = n < 4 || dns_put16(r, (unsigned)atoi(w[2])) == -1 ||
		    dns_put_name(r, w[3]) == -1;
	else if (!bad && type == 33)
		bad = n < 6 || dns_put16(r, (unsigned)atoi(w[2])) == -1 ||
		    dns_put16(r, (unsigned)atoi(w[3])) == -1 ||
		    dns_put16(r, (unsigned)atoi(w[4])) == -1 ||
		    dns_put_name(r, w[5]) == -1;
	else if (!bad)
		bad = n < 3 || dns_put_name(r, w[2]) == -1;
	if (bad) {
		r->len = start;
		r->full = 1;
		return;
	}
	r->pkt[rdata - 2] = (unsigned char)((r->len - rdata) >> 8);
	r->pkt[rdata - 1] = (unsigned char)(r->len - rdata);
	r->an++;
}

/* Walks DIR/records for owner: each line's words into w (n of them),
 * then calls back; stops when it returns 1. 1 when a line named owner. */
static int
dns_records(const char *path, const char *owner,
    int (*cb)(void *arg, char **w, int n), void *arg)
{
	char buf[512], *w[8], *p;
	int n, seen = 0;
	FILE *fp;

	if ((fp = fopen(path, "r")) == NULL)
		return 0;
	while (fgets(buf, sizeof(buf), fp) != NULL) {
		for (n = 0, p = strtok(buf, " \t\r\n"); p != NULL && n < 8;
		    p = strtok(NULL, " \t\r\n"))
			w[n++] = p;
		if (n < 2 || w[0][0] == '#' || strcasecmp(w[0], owner) != 0)
			continue;
		seen = 1;
		if (cb(arg, w, n) == 1)
			break;
	}
	fclose(fp);
	return seen;
}

struct dns_find {
	const char *type;	/* the type asked, as the file writes it */
	struct dns_reply *r;
	char	 cname[256];	/* a CNAME line's target, or "" */
	int	 servfail;
};

static int
dns_find_cname(void *arg, char **w, int n)
{
	struct dns_find *f = arg;

	if (strcasecmp(w[1], "SERVFAIL") == 0)
		f->servfail = 1;
	if (strcasecmp(w[1], "CNAME") == 0 && n >= 3) {
		snprintf(f->cname, sizeof(f->cname), "%s", w[2]);
		dns_put_record(f->r, w, n);
		return 1;
	}
	return 0;
}

static int
dns_find_type(void *arg, char **w, int n)
{
	struct dns_find *f = arg;

	if (strcasecmp(w[1], f->type) == 0)
		dns_put_record(f->r, w, n);
	return 0;
}

/* The answer to (name, qtype) from DIR/records into r: the response
 * code, or -1 when the file says nothing of name. */
static int
dns_answer(const char *dir, const char *name, unsigned qtype,
    struct dns_reply *r)
{
	struct dns_find f;
	char path[700], cur[256];
	int hops;

	snprintf(path, sizeof(path), "%s/records", dir);
	memset(&f, 0, sizeof(f));
	f.r = r;
	f.type = qtype == 15 ? "MX" : qtype == 33 ? "SRV" : qtype == 5 ?
	    "CNAME" : "-";
	snprintf(cur, sizeof(cur), "%s", name);
	if (!dns_records(path, cur, dns_find_cname, &f))
		return -1;
	for (hops = 0; f.cname[0] != '\0' && qtype != 5 && hops < 8;
	    hops++) {
		snprintf(cur, sizeof(cur), "%s", f.cname);
		f.cname[0] = '\0';
		dns_records(path, cur, dns_find_cname, &f);
	}
	if (f.servfail)
		return 2;
	if (qtype != 5)
		dns_records(path, cur, dns_find_type, &f);
	return 0;
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
	unsigned char pkt[DNS_PKT_MAX];
	struct dns_reply r;
	int rcode;
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
		r.pkt = pkt;
		r.len = q;
		r.an = 0;
		r.full = 0;
		rcode = dns_answer(dir, name, (unsigned)pkt[q - 4] << 8 |
		    pkt[q - 3], &r);
		if (rcode == -1)
			rcode = strncmp(name, "servfail.", 9) == 0 ? 2 : 3;
		if (rcode != 0) {
			r.len = q;
			r.an = 0;
		}
		/* QR, the query's opcode and RD, RA; the records found. */
		pkt[2] = (unsigned char)(0x80 | (pkt[2] & 0x79));
		pkt[3] = (unsigned char)(0x80 | rcode);
		pkt[4] = 0;
		pkt[5] = 1;
		pkt[6] = (unsigned char)(r.an >> 8);
		pkt[7] = (unsigned char)r.an;
		memset(pkt + 8, 0, 4);
		sendto(fd, pkt, r.len, 0, (struct sockaddr *)&from, fl);
	}
	close(fd);
}
