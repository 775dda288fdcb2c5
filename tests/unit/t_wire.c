/* relaymail: the bytes on the wire for what a caller wrote. ISC licence.
 * Each input goes through the message copier (msg.c, where line endings
 * are made right) into a spool file, then through the SMTP client's body
 * writer (smtp_body.c) to a scripted server; what follows DATA must be
 * these exact bytes. They were recorded from relaymail 0.1, which also
 * repaired line endings on the way out: the copier alone gives the same.
 * Built a second time with tiny buffers (t_wire_small), so that lines and
 * CR LF pairs cross every chunk boundary. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "fake.h"
#include "msg.h"
#include "smtp.h"
#include "t.h"

#define HEAD	"From: a@example.org\nDate: Thu, 1 Jan 2026 00:00:00 +0000\n" \
		"Message-ID: <x@example.org>\n"
#define WHEAD	"From: a@example.org\r\nDate: Thu, 1 Jan 2026 00:00:00 +0000" \
		"\r\nMessage-ID: <x@example.org>\r\n"

struct wire_case {
	const char *name;
	const char *in;
	size_t	 len;		/* of in: it may hold NULs */
	int	 ignore_dots;	/* -i */
	const char *wire;	/* after "DATA\r\n", the final dot included */
};

#define IN(s)	s, sizeof(s) - 1

static const struct wire_case cases[] = {
	{ "lf_lines", IN(HEAD "Subject: a\n\nline1\nline2\n"), 0,
	    WHEAD "Subject: a\r\n\r\nline1\r\nline2\r\n.\r\n" },
	{ "crlf_lines", IN(HEAD "Subject: a\r\n\r\nbody\r\n"), 0,
	    WHEAD "Subject: a\r\n\r\nbody\r\n.\r\n" },
	{ "bare_cr_and_mixed", IN(HEAD "Subject: a\r\n\r\nbare\rcr\r\n"
	    "mixed\n\r\n.dot\n..two\n.\n"), 1,
	    WHEAD "Subject: a\r\n\r\nbarecr\r\nmixed\r\n\r\n..dot\r\n"
	    "...two\r\n..\r\n.\r\n" },
	{ "no_final_newline", IN(HEAD "Subject: a\n\nno final newline"), 0,
	    WHEAD "Subject: a\r\n\r\nno final newline\r\n.\r\n" },
	{ "cr_cr_lf_and_last_cr", IN(HEAD "Subject: a\n\nx\r\r\ny\r"), 0,
	    WHEAD "Subject: a\r\n\r\nx\r\ny\r\n.\r\n" },
	{ "nul", IN(HEAD "Subject: a\n\nnu\0l\n\0"), 0,
	    WHEAD "Subject: a\r\n\r\nnul\r\n.\r\n" },
	{ "postmark_and_dot", IN("From alice Thu Jan  1 00:00:00 2026\n" HEAD
	    "Subject: a\n\n.start\n"), 0,
	    WHEAD "Subject: a\r\n\r\n..start\r\n.\r\n" },
	{ "lone_dot_ends", IN(HEAD "Subject: a\n\nbefore\n.\nafter\n"), 0,
	    WHEAD "Subject: a\r\n\r\nbefore\r\n.\r\n" },
	{ "header_only", IN(HEAD "Subject: a\n"), 0,
	    WHEAD "Subject: a\r\n\r\n.\r\n" },
	{ "folded_header_cr", IN(HEAD "Subject: a\r\n\tb\rc\n\nx\n"), 0,
	    WHEAD "Subject: a\r\n\tbc\r\n\r\nx\r\n.\r\n" },
};

static struct fake f;
static struct transport t;
static struct conn c;
static struct smtp s;
static struct smtp_params p;
static struct smtp_result res;
static char err[300];

/* The copier's spool file for in; its descriptor. */
static int
spool(const char *in, size_t len, int ignore_dots)
{
	char path[] = "/tmp/t_wire.XXXXXX";
	int fd = mkstemp(path);
	struct msg_copier *m;
	struct msg_info info;
	struct msg_opts o;
	enum err_class class;
	size_t off;

	unlink(path);
	memset(&o, 0, sizeof(o));
	memset(&info, 0, sizeof(info));
	o.ignore_dots = ignore_dots;
	o.sender = "a@example.org";
	o.msgid = "ID1";
	o.domain = "example.org";
	if ((m = msg_begin(fd, &o, &info, err, sizeof(err))) == NULL)
		abort();
	for (off = 0; off < len && !msg_done(m); off += MSG_CHUNK)
		msg_feed(m, in + off, len - off < MSG_CHUNK ? len - off :
		    MSG_CHUNK);
	if (msg_end(m, &class) == -1)
		abort();
	return fd;
}

/* What the client wrote after DATA for the body in fd, or NULL. */
static const char *
send_body(int fd)
{
	struct smtp_rcpt r[1] = { { "b@example.net", 0, "" } };
	struct envelope e;
	const char *data;

	fake_init(&f, &t, "220 mx\r\n250 mx\r\n250 ok\r\n250 ok\r\n354 go\r\n"
	    "250 ok\r\n");
	conn_init(&c, &t);
	memset(&p, 0, sizeof(p));
	p.helo = "client.example";
	p.host = "mx.example";
	p.port = "25";
	p.timeout = 5;
	if (smtp_open(&s, &c, &p, &res) == -1)
		return NULL;
	memset(&e, 0, sizeof(e));
	e.from = "a@example.org";
	e.rcpts = r;
	e.nrcpts = 1;
	e.fd = fd;
	e.len = lseek(fd, 0, SEEK_END);
	if (smtp_send(&s, &e, &res) == -1)
		return NULL;
	f.out[f.out_len] = '\0';
	data = strstr(f.out, "DATA\r\n");
	return data != NULL ? data + 6 : NULL;
}

/* Prints s with CR and LF visible, for a failure's reader. */
static void
show(const char *what, const char *s)
{
	printf("    %s: ", what);
	for (; *s != '\0'; s++)
		if (*s == '\r')
			fputs("\\r", stdout);
		else if (*s == '\n')
			fputs("\\n", stdout);
		else
			putchar(*s);
	putchar('\n');
}

TEST(wire_bytes_unchanged)
{
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct wire_case *k = &cases[i];
		int fd = spool(k->in, k->len, k->ignore_dots);
		const char *got = send_body(fd);

		close(fd);
		if (got == NULL) {
			T_FAIL_("%s: not sent: %s", k->name, res.text);
			continue;
		}
		if (strcmp(got, k->wire) != 0) {
			T_FAIL_("%s: the wire differs", k->name);
			show("got", got);
			show("want", k->wire);
		}
	}
}

/* Appends count copies of ch (0: the string str) to buf at *n. */
static void
put(char *buf, size_t *n, int ch, size_t count, const char *str)
{
	if (ch == 0) {
		memcpy(buf + *n, str, strlen(str) + 1);
		*n += strlen(str);
		return;
	}
	memset(buf + *n, ch, count);
	*n += count;
	buf[*n] = '\0';
}

/* A line cut at 998 octets goes out as two lines, a header one folded. */
TEST(long_lines_cut_on_the_wire)
{
	static char in[4000], want[4200];
	size_t n = 0, w = 0;
	const char *got;
	int fd;

	put(in, &n, 0, 0, HEAD "Subject: ");
	put(in, &n, 's', 1000, NULL);
	put(in, &n, 0, 0, "\n\n");
	put(in, &n, 'x', 1500, NULL);
	put(in, &n, 0, 0, "\n");
	fd = spool(in, n, 0);
	got = send_body(fd);
	close(fd);
	T_OK(got != NULL);
	put(want, &w, 0, 0, WHEAD "Subject: ");
	put(want, &w, 's', 989, NULL);		/* 998 octets with the name */
	put(want, &w, 0, 0, "\r\n ");
	put(want, &w, 's', 11, NULL);
	put(want, &w, 0, 0, "\r\n\r\n");
	put(want, &w, 'x', 998, NULL);
	put(want, &w, 0, 0, "\r\n");
	put(want, &w, 'x', 502, NULL);
	put(want, &w, 0, 0, "\r\n.\r\n");
	T_STREQ(got, want);
}

TEST_MAIN("t_wire", {
	RUN(wire_bytes_unchanged);
	RUN(long_lines_cut_on_the_wire);
})
