/* relaymail: unit tests for the SMTP client dialogue. ISC licence.
 * Each test scripts a server's replies and checks the exact bytes the
 * client wrote, or the failure it reported. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "auth.h"
#include "fake.h"
#include "smtp.h"
#include "t.h"

static struct fake f;
static struct transport t;
static struct conn c;
static struct smtp s;
static struct smtp_params p;
static struct smtp_result res;

static void
setup(const char *server, int tls)
{
	fake_init(&f, &t, server);
	conn_init(&c, &t);
	memset(&p, 0, sizeof(p));
	p.helo = "client.example";
	p.host = "mx.example";
	p.port = "587";
	p.tls = tls;
	p.timeout = 5;
}

/* A body file holding text; returns its descriptor. */
static int
body(const char *text)
{
	char path[] = "/tmp/t_smtp.XXXXXX";
	int fd = mkstemp(path);

	unlink(path);
	if (write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		abort();
	return fd;
}

static void
envelope(struct envelope *e, struct smtp_rcpt *r, int n, int fd)
{
	memset(e, 0, sizeof(*e));
	e->from = "a@x.example";
	e->rcpts = r;
	e->nrcpts = n;
	e->fd = fd;
	e->len = lseek(fd, 0, SEEK_END);
}

#define OUT_IS(s_) T_MEMEQ(f.out, f.out_len, s_, strlen(s_))

TEST(plain_transaction)
{
	struct smtp_rcpt r[1] = { { "b@y.example", 0, "" } };
	struct envelope e;
	int fd = body("Subject: hi\r\n\r\nhello\r\n");

	setup("220 mx ESMTP\r\n250 mx\r\n250 ok\r\n250 ok\r\n354 go\r\n"
	    "250 2.0.0 queued\r\n", 0);
	T_EQ(smtp_open(&s, &c, &p, &res), 0);
	envelope(&e, r, 1, fd);
	T_EQ(smtp_send(&s, &e, &res), 0);
	T_EQ(r[0].code, 250);
	OUT_IS("EHLO client.example\r\nMAIL FROM:<a@x.example>\r\n"
	    "RCPT TO:<b@y.example>\r\nDATA\r\n"
	    "Subject: hi\r\n\r\nhello\r\n.\r\n");
	T_STREQ(res.text, "2.0.0 queued");
	close(fd);
}

TEST(pipelined_in_one_flush)
{
	struct smtp_rcpt r[2] = { { "b@y", 0, "" }, { "c@y", 0, "" } };
	struct envelope e;
	int fd = body("x\r\n"), flushes;

	setup("220 mx\r\n250-mx\r\n250-PIPELINING\r\n250-SIZE 1000\r\n"
	    "250 8BITMIME\r\n250 ok\r\n250 ok\r\n250 ok\r\n354 go\r\n"
	    "250 done\r\n", 0);
	T_EQ(smtp_open(&s, &c, &p, &res), 0);
	T_OK(s.ext & SMTP_EXT_PIPELINING);
	T_EQ(s.size_max, 1000);
	envelope(&e, r, 2, fd);
	e.eightbit = 1;
	flushes = f.flushes;
	T_EQ(smtp_send(&s, &e, &res), 0);
	/* MAIL..DATA in one flush, then the body and dot in another. */
	T_EQ(f.flushes - flushes, 2);
	T_OK(strstr(f.out, "MAIL FROM:<a@x.example> SIZE=3 BODY=8BITMIME\r\n"
	    "RCPT TO:<b@y>\r\nRCPT TO:<c@y>\r\nDATA\r\n") != NULL);
	close(fd);
}

TEST(dot_stuffing)
{
	struct smtp_rcpt r[1] = { { "b@y", 0, "" } };
	struct envelope e;
	/* Lines starting with a dot; a lone dot; an empty line. */
	int fd = body(".one\r\n..two\r\n\r\n.\r\nend\r\n");

	setup("220 mx\r\n250 mx\r\n250 ok\r\n250 ok\r\n354 go\r\n250 ok\r\n",
	    0);
	T_EQ(smtp_open(&s, &c, &p, &res), 0);
	envelope(&e, r, 1, fd);
	T_EQ(smtp_send(&s, &e, &res), 0);
	T_OK(strstr(f.out, "DATA\r\n..one\r\n...two\r\n\r\n..\r\nend\r\n"
	    ".\r\n") != NULL);
	close(fd);
}

/* The spool holds CR LF lines (msg.c makes them so): a file with a bare
 * LF, a bare CR or no final CR LF is damaged, and none of it is repaired
 * or sent as it is. The message fails (ERR_DATA); the connection, which
 * has part of it, is dropped without the final dot. */
TEST(damaged_body_not_sent)
{
	static const char *const damaged[] = { "ok\r\nbare\nlf\r\n",
	    "ok\r\ncr\rhere\r\n", "ok\r\nend", "ok\r\nend\r",
	    "\nfirst\r\n" };
	struct smtp_rcpt r[1] = { { "b@y", 0, "" } };
	struct envelope e;
	size_t i;

	for (i = 0; i < sizeof(damaged) / sizeof(damaged[0]); i++) {
		int fd = body(damaged[i]);

		setup("220 mx\r\n250 mx\r\n250 ok\r\n250 ok\r\n354 go\r\n"
		    "250 ok\r\n", 0);
		T_EQ(smtp_open(&s, &c, &p, &res), 0);
		envelope(&e, r, 1, fd);
		T_EQ(smtp_send(&s, &e, &res), -1);
		T_EQ(res.class, ERR_DATA);
		T_EQ(res.stage, SMTP_DATA);
		T_OK(!s.usable);
		f.out[f.out_len] = '\0';
		T_OK(strstr(f.out, "\r\n.\r\n") == NULL);
		T_OK(strstr(f.out, "cr\rhere") == NULL);
		T_OK(strstr(f.out, "bare\n") == NULL);
		close(fd);
	}
}

TEST(multiline_reply_and_bytewise)
{
	setup("220-first\r\n220-second\r\n220 third\r\n250-mx\r\n"
	    "250 DSN\r\n", 0);
	f.step = 1;
	T_EQ(smtp_open(&s, &c, &p, &res), 0);
	T_OK(s.ext & SMTP_EXT_DSN);
}

TEST(malformed_replies)
{
	setup("hello there\r\n", 0);
	T_EQ(smtp_open(&s, &c, &p, &res), -1);
	T_EQ(res.stage, SMTP_GREETING);
	T_OK(strstr(res.text, "malformed reply") != NULL);

	setup("220-a\r\n230 b\r\n", 0);
	T_EQ(smtp_open(&s, &c, &p, &res), -1);
	T_OK(strstr(res.text, "disagree") != NULL);

	setup("999 what\r\n", 0);
	T_EQ(smtp_open(&s, &c, &p, &res), -1);

	setup("220 mx", 0);	/* no line end, then EOF */
	T_EQ(smtp_open(&s, &c, &p, &res), -1);
	T_EQ(res.code, 0);
}

TEST(endless_reply_is_bounded)
{
	static char big[SMTP_REPLY_LINES_MAX * 8 + 64];
	size_t o = 0;
	int i;

	o += (size_t)snprintf(big, sizeof(big), "220 mx\r\n");
	for (i = 0; i < SMTP_REPLY_LINES_MAX + 2; i++)
		o += (size_t)snprintf(big + o, sizeof(big) - o, "250-x\r\n");
	setup(big, 0);
	T_EQ(smtp_open(&s, &c, &p, &res), -1);
	T_EQ(res.stage, SMTP_EHLO);
	T_OK(strstr(res.text, "lines") != NULL);
}

TEST(long_reply_line)
{
	static char big[CONN_BUF + 64];

	memset(big, 'x', sizeof(big) - 1);
	memcpy(big, "220 ", 4);
	setup(big, 0);
	T_EQ(smtp_open(&s, &c, &p, &res), -1);
	T_EQ(res.code, 0);
}

static int
fake_tls(void *arg, struct conn *cn, char *err, size_t errlen)
{
	(void)arg;
	/* The handshake "succeeds" on the same transport. */
	if (conn_starttls(cn, &t) == -1) {
		snprintf(err, errlen, "%s", conn_error(cn));
		return -1;
	}
	return 0;
}

TEST(starttls_injection_refused)
{
	/* "250 injected" arrives with the 220: it must not count. */
	setup("220 mx\r\n250-mx\r\n250 STARTTLS\r\n220 go ahead\r\n"
	    "250 injected\r\n", 0);
	f.burst = 1;
	p.starttls = 1;
	p.start_tls = fake_tls;
	T_EQ(smtp_open(&s, &c, &p, &res), -1);
	T_EQ(res.stage, SMTP_STARTTLS);
	T_OK(strstr(res.text, "before the TLS handshake") != NULL);
}

TEST(starttls_then_ehlo_again)
{
	setup("220 mx\r\n250-mx\r\n250-AUTH PLAIN\r\n250 STARTTLS\r\n"
	    "220 go ahead\r\n", 0);
	p.starttls = 1;
	p.start_tls = fake_tls;
	/* Nothing follows the 220, so the switch is clean; the server
	 * then hangs up, but only after we said EHLO again. */
	T_EQ(smtp_open(&s, &c, &p, &res), -1);	/* EOF after TLS */
	T_OK(strstr(f.out, "STARTTLS\r\nEHLO client.example\r\n") != NULL);
}

TEST(starttls_missing_is_an_error)
{
	setup("220 mx\r\n250-mx\r\n250 AUTH PLAIN\r\n", 0);
	p.starttls = 1;
	p.start_tls = fake_tls;
	p.user = "u";
	p.secret = "p";
	T_EQ(smtp_open(&s, &c, &p, &res), -1);
	T_EQ(res.stage, SMTP_STARTTLS);
	/* No credentials crossed in plaintext. */
	T_OK(strstr(f.out, "AUTH") == NULL);
}

TEST(no_auth_without_tls)
{
	setup("220 mx\r\n250-mx\r\n250 AUTH PLAIN LOGIN\r\n", 0);
	p.user = "u";
	p.secret = "p";
	T_EQ(smtp_open(&s, &c, &p, &res), -1);
	T_EQ(res.stage, SMTP_AUTH);
	T_OK(strstr(f.out, "AUTH") == NULL);
}

TEST(auth_plain_and_login)
{
	setup("220 mx\r\n250-mx\r\n250 AUTH PLAIN LOGIN\r\n235 ok\r\n", 1);
	p.user = "alice";
	p.secret = "secret";
	T_EQ(smtp_open(&s, &c, &p, &res), 0);
	T_OK(strstr(f.out, "AUTH PLAIN AGFsaWNlAHNlY3JldA==\r\n") != NULL);

	setup("220 mx\r\n250-mx\r\n250 AUTH LOGIN\r\n334 VXNlcm5hbWU6\r\n"
	    "334 UGFzc3dvcmQ6\r\n235 ok\r\n", 1);
	p.user = "alice";
	p.secret = "secret";
	T_EQ(smtp_open(&s, &c, &p, &res), 0);
	T_OK(strstr(f.out, "AUTH LOGIN\r\nYWxpY2U=\r\nc2VjcmV0\r\n") != NULL);

	setup("220 mx\r\n250-mx\r\n250 AUTH PLAIN\r\n535 5.7.8 no\r\n", 1);
	p.user = "alice";
	p.secret = "wrong";
	T_EQ(smtp_open(&s, &c, &p, &res), -1);
	T_EQ(res.code, 535);
	T_STREQ(res.text, "5.7.8 no");
}

TEST(cram_md5)
{
	char out[256];

	/* RFC 2195's example. */
	T_EQ(auth_cram_md5("tim", "tanstaaftanstaaf",
	    "PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+", out,
	    sizeof(out)), 0);
	T_STREQ(out, "dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw");
	T_EQ(auth_choose(AUTH_PLAIN | AUTH_CRAM_MD5, 0, 1), AUTH_PLAIN);
	T_EQ(auth_choose(AUTH_PLAIN | AUTH_CRAM_MD5, 0, 0), AUTH_CRAM_MD5);
	T_EQ(auth_choose(AUTH_PLAIN, AUTH_XOAUTH2, 1), 0);
	T_EQ(auth_choose(AUTH_CRAM_MD5, 0, 1), AUTH_CRAM_MD5);
	T_EQ(auth_choose(AUTH_LOGIN, 0, 0), AUTH_LOGIN);
	T_EQ(auth_parse_mechs(" PLAIN login CRAM-MD5 XOAUTH2"),
	    AUTH_PLAIN | AUTH_LOGIN | AUTH_CRAM_MD5 | AUTH_XOAUTH2);
}

TEST(rcpt_partly_refused)
{
	struct smtp_rcpt r[2] = { { "b@y", 0, "" }, { "c@y", 0, "" } };
	struct envelope e;
	int fd = body("x\r\n");

	setup("220 mx\r\n250 mx\r\n250 ok\r\n550 5.1.1 no such user\r\n"
	    "250 ok\r\n354 go\r\n250 ok\r\n", 0);
	T_EQ(smtp_open(&s, &c, &p, &res), 0);
	envelope(&e, r, 2, fd);
	T_EQ(smtp_send(&s, &e, &res), 0);
	T_EQ(r[0].code, 550);
	T_EQ(r[1].code, 250);
	close(fd);
}

/* Opens a session on script, sends one message to the n recipients r
 * and expects it refused at stage st with code; the session stays
 * usable. The caller closes *fd and checks the rest. */
static void
send_refused(const char *t_name_, const char *script, struct smtp_rcpt *r,
    int n, enum smtp_stage st, int code, int *fd)
{
	struct envelope e;

	*fd = body("x\r\n");
	setup(script, 0);
	T_EQ(smtp_open(&s, &c, &p, &res), 0);
	envelope(&e, r, n, *fd);
	T_EQ(smtp_send(&s, &e, &res), -1);
	T_EQ(res.stage, st);
	T_EQ(res.code, code);
	T_OK(s.usable);
}

TEST(rcpt_all_refused)
{
	struct smtp_rcpt r[1] = { { "b@y", 0, "" } };
	int fd;

	send_refused(t_name_, "220 mx\r\n250-mx\r\n250 PIPELINING\r\n"
	    "250 ok\r\n550 5.1.1 no such user\r\n554 no valid recipients\r\n",
	    r, 1, SMTP_RCPT, 550, &fd);
	close(fd);
}

/* Both modes share one reply loop; these pin what each mode does when
 * MAIL or every RCPT is refused. */
TEST(pipelined_mail_refused_drains)
{
	struct smtp_rcpt r[2] = { { "b@y", 0, "" }, { "c@y", 0, "" } };
	struct envelope e;
	int fd;

	send_refused(t_name_, "220 mx\r\n250-mx\r\n250 PIPELINING\r\n"
	    "553 5.1.8 bad sender\r\n503 no\r\n503 no\r\n503 no\r\n"
	    "250 reset\r\n250 ok\r\n250 ok\r\n354 go\r\n250 done\r\n",
	    r, 2, SMTP_MAIL, 553, &fd);
	T_EQ(r[0].code, 0);
	/* The three 503s were read as the answers to RCPT, RCPT, DATA: the
	 * next transaction (RSET first) lines up with its replies. */
	envelope(&e, r, 1, fd);
	T_EQ(smtp_send(&s, &e, &res), 0);
	T_STREQ(res.text, "done");
	close(fd);
}

TEST(unpipelined_all_refused_sends_no_data)
{
	struct smtp_rcpt r[2] = { { "b@y", 0, "" }, { "c@y", 0, "" } };
	int fd;

	send_refused(t_name_, "220 mx\r\n250 mx\r\n250 ok\r\n"
	    "550 5.1.1 no b\r\n551 no c\r\n", r, 2, SMTP_RCPT, 551, &fd);
	T_EQ(r[0].code, 550);
	T_EQ(r[1].code, 551);
	T_OK(strstr(f.out, "DATA") == NULL);
	close(fd);
}

TEST(pipelined_all_refused_but_354)
{
	struct smtp_rcpt r[1] = { { "b@y", 0, "" } };
	int fd;

	send_refused(t_name_, "220 mx\r\n250-mx\r\n250 PIPELINING\r\n"
	    "250 ok\r\n550 5.1.1 no such user\r\n354 go\r\n250 empty\r\n",
	    r, 1, SMTP_RCPT, 550, &fd);
	T_OK(strstr(f.out, "DATA\r\n.\r\n") != NULL);
	close(fd);
}

TEST(crlf_in_address_never_sent)
{
	struct smtp_rcpt r[1] = { { "b@y\r\nRCPT TO:<evil@z>", 0, "" } };
	struct envelope e;
	int fd = body("x\r\n");

	setup("220 mx\r\n250 mx\r\n", 0);
	T_EQ(smtp_open(&s, &c, &p, &res), 0);
	envelope(&e, r, 1, fd);
	T_EQ(smtp_send(&s, &e, &res), -1);
	T_EQ(res.class, ERR_DATA);
	T_OK(strstr(f.out, "evil") == NULL);
	close(fd);
}

TEST(helo_fallback)
{
	setup("220 mx\r\n502 what\r\n250 hello\r\n", 0);
	T_EQ(smtp_open(&s, &c, &p, &res), 0);
	OUT_IS("EHLO client.example\r\nHELO client.example\r\n");
}

TEST(size_limit_before_mail)
{
	struct smtp_rcpt r[1] = { { "b@y", 0, "" } };
	struct envelope e;
	int fd = body("0123456789\r\n");

	setup("220 mx\r\n250-mx\r\n250 SIZE 5\r\n", 0);
	T_EQ(smtp_open(&s, &c, &p, &res), 0);
	envelope(&e, r, 1, fd);
	T_EQ(smtp_send(&s, &e, &res), -1);
	T_EQ(res.class, ERR_DATA);
	T_OK(strstr(f.out, "MAIL") == NULL);
	close(fd);
}

/* One transaction against a scripted server; the result of smtp_send.
 * From the text burst_from on (if not NULL), the server's replies arrive
 * together, as a server's stray ones would. */
static int
send_one(const char *script, const char *burst_from, struct smtp_rcpt *r,
    int n)
{
	struct envelope e;
	int fd = body("x\r\n"), rv;

	setup(script, 0);
	if (smtp_open(&s, &c, &p, &res) == -1)
		return 99;
	if (burst_from != NULL) {
		f.burst = 1;
		f.burst_at = (size_t)(strstr(script, burst_from) - script);
	}
	envelope(&e, r, n, fd);
	rv = smtp_send(&s, &e, &res);
	close(fd);
	return rv;
}

/* A reply of the wrong class is a protocol error, never a verdict. */
TEST(wrong_class_reply_is_protocol_error)
{
	struct smtp_rcpt r[1] = { { "b@y", 0, "" } };

	T_EQ(send_one("220 mx\r\n250 mx\r\n250 ok\r\n250 ok\r\n"
	    "250 ok\r\n", NULL, r, 1), -1);	/* DATA answered 250 */
	T_EQ(res.code, 0);
	T_EQ(res.class, ERR_PROTO);
	T_EQ(res.stage, SMTP_DATA);
	T_OK(strstr(res.text, "protocol error: DATA answered 250") != NULL);
	T_OK(!s.usable);
	T_EQ(send_one("220 mx\r\n250 mx\r\n354 what\r\n", NULL, r, 1),
	    -1);
	T_EQ(res.class, ERR_PROTO);	/* MAIL answered 354 */
	T_EQ(res.stage, SMTP_MAIL);
	T_EQ(send_one("220 mx\r\n250 mx\r\n250 ok\r\n250 ok\r\n"
	    "354 go\r\n354 again\r\n", NULL, r, 1), -1);
	T_EQ(res.class, ERR_PROTO);	/* end of data answered 354 */
	T_EQ(res.stage, SMTP_EOM);
}

/* "354" and a stray "250" in one packet, then 554 at the end of data:
 * never counted as sent. */
TEST(stray_reply_after_354)
{
	struct smtp_rcpt r[1] = { { "b@y", 0, "" } };

	T_EQ(send_one("220 mx\r\n250 mx\r\n250 ok\r\n250 ok\r\n"
	    "354 go\r\n250 stray\r\n554 no\r\n", "354 go", r, 1), -1);
	T_EQ(res.class, ERR_PROTO);
	T_EQ(res.stage, SMTP_DATA);
	T_OK(!s.usable);
	T_OK(strstr(f.out, "\r\n.\r\n") == NULL);	/* no body sent */
}

/* A server that answers twice at the end of data: this message is not
 * counted as sent, and the session is dropped before the next one. */
TEST(double_reply_at_end_of_data)
{
	struct smtp_rcpt r[1] = { { "b@y", 0, "" } };

	/* the 354 comes alone, the two replies to the dot together */
	T_EQ(send_one("220 mx\r\n250 mx\r\n250 ok\r\n250 ok\r\n"
	    "354 go\r\n250 ok\r\n250 again\r\n", "250 ok\r\n250 again",
	    r, 1), -1);
	T_EQ(res.class, ERR_PROTO);
	T_EQ(res.stage, SMTP_EOM);
	T_OK(!s.usable);
}

TEST_MAIN("t_smtp", {
	RUN(plain_transaction);
	RUN(pipelined_in_one_flush);
	RUN(pipelined_mail_refused_drains);
	RUN(unpipelined_all_refused_sends_no_data);
	RUN(pipelined_all_refused_but_354);
	RUN(dot_stuffing);
	RUN(damaged_body_not_sent);
	RUN(multiline_reply_and_bytewise);
	RUN(malformed_replies);
	RUN(endless_reply_is_bounded);
	RUN(long_reply_line);
	RUN(starttls_injection_refused);
	RUN(starttls_then_ehlo_again);
	RUN(starttls_missing_is_an_error);
	RUN(no_auth_without_tls);
	RUN(auth_plain_and_login);
	RUN(cram_md5);
	RUN(rcpt_partly_refused);
	RUN(rcpt_all_refused);
	RUN(crlf_in_address_never_sent);
	RUN(helo_fallback);
	RUN(size_limit_before_mail);
	RUN(wrong_class_reply_is_protocol_error);
	RUN(stray_reply_after_354);
	RUN(double_reply_at_end_of_data);
})
