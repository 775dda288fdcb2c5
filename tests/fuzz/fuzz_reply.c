/* relaymail: libFuzzer target for the SMTP reply parser and EHLO
 * capability parser: the input is the server's side of a session.
 * ISC licence. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "smtp.h"

struct fz {
	const uint8_t *p;
	size_t	 n, off;
};

static ssize_t
rd(void *ctx, void *buf, size_t len)
{
	struct fz *f = ctx;
	size_t k = f->n - f->off;

	if (k > len)
		k = len;
	if (k > 7)	/* small reads cross line boundaries */
		k = 7;
	memcpy(buf, f->p + f->off, k);
	f->off += k;
	return (ssize_t)k;
}

static ssize_t
wr(void *ctx, const void *buf, size_t len)
{
	(void)ctx;
	(void)buf;
	return (ssize_t)len;
}

static int
fl(void *ctx)
{
	(void)ctx;
	return 0;
}

static void
dl(void *ctx, int64_t when)
{
	(void)ctx;
	(void)when;
}

static const char *
es(void *ctx)
{
	(void)ctx;
	return "fuzz";
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = { data, size, 0 };
	struct transport t = { rd, wr, fl, dl, es, &f };
	static struct conn c;
	struct smtp s;
	struct smtp_params p;
	struct smtp_result res;

	memset(&p, 0, sizeof(p));
	p.helo = "fuzz.example";
	p.host = "h";
	p.port = "25";
	p.tls = 1;
	p.user = "u";
	p.secret = "p";
	p.timeout = 1;
	conn_init(&c, &t);
	smtp_open(&s, &c, &p, &res);
	return 0;
}
