/* relaymail: unit tests for the message copier. ISC licence.
 * Feeds a message through the copier and checks the spool bytes exactly.
 * Built a second time with -DMSG_CHUNK=7 so that lines, CR LF pairs and
 * header fields cross chunk boundaries. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "msg.h"
#include "t.h"

static char out[1 << 20];
static size_t out_len;
static struct rcpts to, resent;
static struct msg_info info;
static char err[300];
static const char *trace;	/* msg_opts.trace for the next copy */

static int
copy(const char *in, size_t len, int dots, int t)
{
	char op[] = "/tmp/t_msg_out.XXXXXX";
	int ofd = mkstemp(op), r = 0;
	enum err_class werr;
	struct msg_copier *m;
	struct msg_opts o;
	size_t off;
	ssize_t n;

	unlink(op);
	memset(&o, 0, sizeof(o));
	o.ignore_dots = dots;
	o.from_headers = t;
	o.sender = "alice@example.org";
	o.msgid = "ID1";
	o.domain = "example.org";
	o.trace = trace;
	rcpts_free(&to);
	rcpts_free(&resent);
	rcpts_init(&to, NULL, NULL);
	rcpts_init(&resent, NULL, NULL);
	memset(&info, 0, sizeof(info));
	info.to = &to;
	info.resent = &resent;
	/* As submit_read feeds it: MSG_CHUNK bytes at a time (7 in the
	 * small build), nothing more once the lone dot was seen. */
	if ((m = msg_begin(ofd, &o, &info, err, sizeof(err))) == NULL)
		abort();
	for (off = 0; off < len && r == 0 && !msg_done(m); off += MSG_CHUNK)
		r = msg_feed(m, in + off, len - off < MSG_CHUNK ? len - off :
		    MSG_CHUNK);
	r = msg_end(m, &werr);
	lseek(ofd, 0, SEEK_SET);
	n = read(ofd, out, sizeof(out) - 1);
	out_len = n > 0 ? (size_t)n : 0;
	out[out_len] = '\0';
	close(ofd);
	return r;
}

#define COPY(s, dots, t) copy(s, sizeof(s) - 1, dots, t)
#define FULL "From: a@x\r\nDate: d\r\nMessage-ID: <m@x>\r\n"

TEST(crlf_everywhere)
{
	T_EQ(COPY("From: a@x\nDate: d\r\nMessage-ID: <m@x>\n\nline1\r\n"
	    "line2\nend", 1, 0), 0);
	T_STREQ(out, FULL "\r\nline1\r\nline2\r\nend\r\n");
	T_EQ(info.size, (long long)out_len);
}

TEST(lone_dot_ends_without_i)
{
	T_EQ(COPY(FULL "\nbefore\n.\nafter\n", 0, 0), 0);
	T_STREQ(out, FULL "\r\nbefore\r\n");
	T_OK(info.dot_end);
	T_EQ(COPY(FULL "\nbefore\r\n.\r\nafter\n", 1, 0), 0);
	T_STREQ(out, FULL "\r\nbefore\r\n.\r\nafter\r\n");
	/* ".." is not un-stuffed, and ". " is not a lone dot. */
	T_EQ(COPY(FULL "\n..\n. \nx\n", 0, 0), 0);
	T_STREQ(out, FULL "\r\n..\r\n. \r\nx\r\n");
}

TEST(missing_headers_added)
{
	T_EQ(COPY("Subject: s\n\nbody\n", 1, 0), 0);
	T_OK(strncmp(out, "Subject: s\r\nFrom: alice@example.org\r\nDate: ",
	    41) == 0);
	T_OK(strstr(out, "\r\nMessage-ID: <ID1@example.org>\r\n\r\nbody\r\n")
	    != NULL);
}

TEST(no_header_at_all)
{
	T_EQ(COPY("just a line\nand another\n", 1, 0), 0);
	T_OK(strncmp(out, "From: alice@example.org\r\nDate: ", 31) == 0);
	T_OK(strstr(out, "\r\n\r\njust a line\r\nand another\r\n") != NULL);
}

TEST(bcc_and_friends_removed)
{
	T_EQ(COPY(FULL "Bcc: secret@x,\n other@x\nReturn-Path: <r@x>\n"
	    "Content-Length: 5\nResent-Bcc: z@x\nSubject: s\n\nb\n", 1, 0), 0);
	T_STREQ(out, FULL "Subject: s\r\n\r\nb\r\n");
}

TEST(recipients_from_headers)
{
	T_EQ(COPY("To: A <a@x>, \"b, c\" <b@x>\nCc: c@x\n (comment)\n"
	    "Bcc: d@x\nFrom: f@x\n\nbody\nTo: not@header\n", 1, 1), 0);
	T_EQ(to.n, 4);
	T_STREQ(to.v[0], "a@x");
	T_STREQ(to.v[1], "b@x");
	T_STREQ(to.v[2], "c@x");
	T_STREQ(to.v[3], "d@x");
	T_OK(strstr(out, "Bcc") == NULL);
	T_OK(!info.has_resent);
}

TEST(resent_headers)
{
	T_EQ(COPY("To: a@x\nResent-To: r@x\nResent-Bcc: s@x\n\nb\n", 1, 1), 0);
	T_OK(info.has_resent);
	T_EQ(resent.n, 2);
	T_STREQ(resent.v[0], "r@x");
}

TEST(trace_field_first)
{
	trace = "Received: by h (relaymail, from userid 7 bob); d";
	/* first even before a leading mbox line, and counted in the size */
	T_EQ(COPY("From bob Mon Jan  1 00:00:00 2024\n" FULL "\nb\n", 1, 0),
	    0);
	trace = NULL;
	T_STREQ(out, "Received: by h (relaymail, from userid 7 bob); d\r\n"
	    FULL "\r\nb\r\n");
	T_EQ(info.size, (long long)out_len);
}

TEST(mbox_from_line_dropped)
{
	T_EQ(COPY("From alice@x Mon Jan  1 00:00:00 2024\n" FULL "\nb\n", 1,
	    0), 0);
	T_STREQ(out, FULL "\r\nb\r\n");
}

TEST(nul_and_bare_cr)
{
	T_EQ(copy(FULL "\na\0b\rc\r\n", sizeof(FULL "\na\0b\rc\r\n") - 1, 1,
	    0), 0);
	T_STREQ(out, FULL "\r\nabc\r\n");
	T_EQ(info.nuls, 1);
	T_EQ(info.bare_cr, 1);
}

TEST(long_lines_cut)
{
	static char in[5000], want[5000];
	size_t o;

	o = (size_t)snprintf(in, sizeof(in), "%s\n", FULL);
	memset(in + o, 'x', 2000);
	in[o + 2000] = '\n';
	T_EQ(copy(in, o + 2001, 1, 0), 0);
	o = (size_t)snprintf(want, sizeof(want), "%s\r\n", FULL);
	memset(want + o, 'x', 998);
	memcpy(want + o + 998, "\r\n", 2);
	memset(want + o + 1000, 'x', 998);
	memcpy(want + o + 1998, "\r\n", 2);
	memset(want + o + 2000, 'x', 4);
	memcpy(want + o + 2004, "\r\n", 3);
	T_STREQ(out, want);
	T_EQ(info.split, 2);
}

TEST(long_header_folded)
{
	static char in[3000];
	size_t o;

	o = (size_t)snprintf(in, sizeof(in), "X-Long: ");
	memset(in + o, 'y', 1500);
	o += 1500;
	o += (size_t)snprintf(in + o, sizeof(in) - o, "\n" FULL "\nb\n");
	T_EQ(copy(in, o, 1, 0), 0);
	/* Cut at 998 and folded: the header stays one field. */
	T_OK(strstr(out, "yyy\r\n yyy") != NULL);
	T_OK(strstr(out, "\r\n\r\nb\r\n") != NULL);
}

TEST(eightbit_seen)
{
	T_EQ(COPY(FULL "\ncaf\xc3\xa9\n", 1, 0), 0);
	T_OK(info.eightbit);
	T_EQ(COPY(FULL "\nplain\n", 1, 0), 0);
	T_OK(!info.eightbit);
}

TEST(giant_field_is_an_error)
{
	static char in[MSG_FIELD_MAX * 2];
	size_t o = 0;

	o += (size_t)snprintf(in, sizeof(in), "To: a@x");
	while (o + 20 < sizeof(in) - 10)
		o += (size_t)snprintf(in + o, sizeof(in) - o, ",\n b@x");
	o += (size_t)snprintf(in + o, sizeof(in) - o, "\n\n");
	T_EQ(copy(in, o, 1, 1), -1);
	T_OK(strstr(err, "longer than") != NULL);
}

TEST_MAIN("t_msg", {
	RUN(crlf_everywhere);
	RUN(trace_field_first);
	RUN(lone_dot_ends_without_i);
	RUN(missing_headers_added);
	RUN(no_header_at_all);
	RUN(bcc_and_friends_removed);
	RUN(recipients_from_headers);
	RUN(resent_headers);
	RUN(mbox_from_line_dropped);
	RUN(nul_and_bare_cr);
	RUN(long_lines_cut);
	RUN(long_header_folded);
	RUN(eightbit_seen);
	RUN(giant_field_is_an_error);
	rcpts_free(&to);
	rcpts_free(&resent);
})
