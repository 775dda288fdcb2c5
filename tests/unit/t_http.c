/* relaymail: unit tests for the HTTPS client's pure parts: the URL and
 * the reply framing (length, chunked, to the end). ISC licence. */
#include <string.h>

#include "http.h"
#include "t.h"

static char err[256], buf[512];
static int status;
static size_t blen;

static int
reply(const char *s, int eof)
{
	size_t n = strlen(s);

	memcpy(buf, s, n + 1);
	return http_reply_parse(buf, n, eof, &status, &blen);
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

TEST_MAIN("t_http", {
	RUN(urls);
	RUN(content_length);
	RUN(chunked);
	RUN(to_the_end);
})
