/* relaymail: unit tests for the HTTPS client's pure parts: the URL and
 * the reply framing (length, chunked, to the end), whole and cut into
 * reads of every size. ISC licence. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "http.h"
#include "t.h"

static char err[256], buf[512];
static int status;
static size_t blen;

static int
reply(const char *s, int eof)
{
	size_t n = strlen(s);

	struct http_reader rd = HTTP_READER_ZERO;

	memcpy(buf, s, n + 1);
	return http_reply_parse(&rd, buf, n, eof, &status, &blen);
}

/* s fed step bytes at a time to one reader, as reads bring it: the
 * verdict at the end (eof given with the last bytes), the body in buf. */
static int
reply_cut(const char *s, size_t step, int eof)
{
	struct http_reader rd = HTTP_READER_ZERO;
	size_t n = strlen(s), len = 0;
	int r;

	for (;;) {
		size_t k = n - len < step ? n - len : step;
		memcpy(buf + len, s + len, k);
		len += k;
		r = http_reply_parse(&rd, buf, len, eof && len == n, &status,
		    &blen);
		if (r != 0 || len == n)
			return r;
	}
}

TEST(urls)
{
	struct http_url u;

	T_EQ(http_url_parse("https://login.example.com/t/oauth2/v2.0/token",
	    &u, err, sizeof(err)), 0);
	T_STREQ(u.host, "login.example.com");
	T_STREQ(u.port, "443");
	T_STREQ(u.path, "/t/oauth2/v2.0/token");
	T_EQ(http_url_parse("https://127.0.0.1:8443", &u, err, sizeof(err)),
	    0);
	T_STREQ(u.port, "8443");
	T_STREQ(u.path, "/");
	T_EQ(http_url_parse("https://[::1]:99/x?y=1", &u, err, sizeof(err)),
	    0);
	T_STREQ(u.host, "::1");
	T_STREQ(u.path, "/x?y=1");
	T_EQ(http_url_parse("http://a/", &u, err, sizeof(err)), -1);
	T_OK(strstr(err, "https") != NULL);
	T_EQ(http_url_parse("https://a:x/", &u, err, sizeof(err)), -1);
	T_EQ(http_url_parse("https://:1/", &u, err, sizeof(err)), -1);
	T_EQ(http_url_parse("https://a/b c", &u, err, sizeof(err)), -1);
	T_EQ(http_url_parse("https://[::1/", &u, err, sizeof(err)), -1);
}

TEST(content_length)
{
	const char *r = "HTTP/1.1 200 OK\r\nContent-Length: 7\r\n\r\n{\"a\":1}";

	T_EQ(reply(r, 0), 1);
	T_EQ(status, 200);
	T_STREQ(buf, "{\"a\":1}");
	T_EQ(reply("HTTP/1.1 400 Bad\r\ncontent-length:  9 \r\n\r\n{\"a\"", 0),
	    0);
	T_EQ(reply("HTTP/1.1 400 Bad\r\ncontent-length: 9\r\n\r\n{\"a\"", 1),
	    -1);
	T_EQ(reply("HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n", 0), -1);
	T_EQ(reply("HTTP/1.1 200 OK\r\nContent-Le", 0), 0);
}

TEST(chunked)
{
	T_EQ(reply("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
	    "3\r\n{\"a\r\nA;x=y\r\n\":\"bcdefg\"\r\n0\r\n\r\n", 0), 1);
	T_STREQ(buf, "{\"a\":\"bcdefg\"");
	T_EQ(reply("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
	    "3\r\n{\"a\r\n", 0), 0);
	T_EQ(reply("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
	    "3\r\n{\"a\r\n", 1), -1);
	T_EQ(reply("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
	    "3\r\n{\"ab\r\n0\r\n\r\n", 0), -1);
	T_EQ(reply("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
	    "fffffffff\r\n", 0), -1);
	T_EQ(reply("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
	    "0\r\nX-T: 1\r\n\r\n", 0), 1);
	T_EQ(blen, 0);
}

TEST(to_the_end)
{
	T_EQ(reply("HTTP/1.0 200 OK\r\n\r\n{}", 0), 0);
	T_EQ(reply("HTTP/1.0 200 OK\r\n\r\n{}", 1), 1);
	T_STREQ(buf, "{}");
	T_EQ(reply("SMTP/1.0 200 OK\r\n\r\n{}", 1), -1);
	T_EQ(reply("HTTP/1.1 2x0 OK\r\n\r\n{}", 1), -1);
}

/* Each reply gives the same verdict and body whole and in reads of any
 * size: the parser resumes where it stopped. */
TEST(cut_into_reads)
{
	static const char *const replies[] = {
		"HTTP/1.1 200 OK\r\nContent-Length: 7\r\n\r\n{\"a\":1}",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
		    "3\r\n{\"a\r\nA;x=y\r\n\":\"bcdefg\"\r\n0\r\nX: 1\r\n\r\n",
		"HTTP/1.0 200 OK\n\n{}",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
		    "3\r\n{\"ab\r\n0\r\n\r\n",
	};
	char whole[512];
	size_t i, step, wlen;
	int r, want;

	for (i = 0; i < sizeof(replies) / sizeof(replies[0]); i++) {
		want = reply(replies[i], 1);
		wlen = blen;
		memcpy(whole, buf, wlen);
		for (step = 1; step <= strlen(replies[i]); step++) {
			r = reply_cut(replies[i], step, 1);
			T_EQ(r, want);
			if (r == 1)
				T_MEMEQ(buf, blen, whole, wlen);
		}
	}
}

/* A 64 KiB header sent one byte per read: every byte is looked at a
 * bounded number of times, so the whole reply parses in milliseconds
 * (before the reader kept its place: 1.2 s at -O2, 2.9 s under ASan,
 * since each read searched the whole buffer again). */
TEST(slow_header_linear)
{
	struct http_reader rd = HTTP_READER_ZERO;
	size_t n, len, hl = 65536;
	char *src, *big;
	clock_t c0;
	int r = 0;

	src = malloc(hl + 128);
	big = malloc(hl + 128);
	T_OK(src != NULL && big != NULL);
	if (src == NULL || big == NULL)
		goto out;
	n = (size_t)snprintf(src, 64, "HTTP/1.1 200 OK\r\nX-Pad: ");
	while (n < hl)
		src[n++] = 'a';
	n += (size_t)snprintf(src + n, 64, "\r\nContent-Length: 2\r\n\r\n{}");
	c0 = clock();
	for (len = 1; len <= n && r == 0; len++) {
		big[len - 1] = src[len - 1];
		r = http_reply_parse(&rd, big, len, 0, &status, &blen);
	}
	T_EQ(r, 1);
	T_EQ(len - 1, n);
	T_STREQ(big, "{}");
	/* Well under a second even under ASan and valgrind. */
	T_OK((double)(clock() - c0) / CLOCKS_PER_SEC < 1.0);
out:
	free(src);
	free(big);
}

/* A chunk-size line that never ends is malformed at HTTP_LINE_MAX. */
TEST(endless_chunk_line)
{
	static char big[HTTP_LINE_MAX + 200];
	struct http_reader rd = HTTP_READER_ZERO;
	size_t n;

	n = (size_t)snprintf(big, sizeof(big), "HTTP/1.1 200 OK\r\n"
	    "Transfer-Encoding: chunked\r\n\r\n5;");
	memset(big + n, 'x', HTTP_LINE_MAX + 10);
	T_EQ(http_reply_parse(&rd, big, n + 100, 0, &status, &blen), 0);
	T_EQ(http_reply_parse(&rd, big, n + HTTP_LINE_MAX + 10, 0, &status,
	    &blen), -1);
}

TEST_MAIN("t_http", {
	RUN(urls);
	RUN(content_length);
	RUN(chunked);
	RUN(to_the_end);
	RUN(cut_into_reads);
	RUN(slow_header_linear);
	RUN(endless_chunk_line);
})
