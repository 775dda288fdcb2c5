/* relaymail: a minimal HTTPS client for the OAuth token endpoint.
 * ISC licence, see LICENSE. One POST of a form over net + tls (the
 * server verified as the smart host is, against a CA bundle), one reply
 * read whole into the caller's buffer: Content-Length, chunked, or up to
 * the end of the connection. Nothing else of HTTP is spoken. */
#ifndef HTTP_H
#define HTTP_H

#include <stddef.h>

#define HTTP_REPLY_MAX	65536	/* a token reply is a few KiB */
#define HTTP_HOST_MAX	256
#define HTTP_PATH_MAX	1024

struct http_url {
	char	 host[HTTP_HOST_MAX];	/* without brackets for IPv6 */
	char	 port[8];		/* "443" unless given */
	char	 path[HTTP_PATH_MAX];	/* "/" unless given */
};

/* Splits "https://host[:port][/path]" (host may be [v6]). 0, or -1 with
 * a reason in err; only https is accepted. Pure. */
int	 http_url_parse(const char *url, struct http_url *u, char *err,
	    size_t errlen);

/* Where the reply parser stopped in a reply still being read: zeroed
 * (HTTP_READER_ZERO) before the first call, then kept between calls, so
 * that reading a reply costs time linear in its size however the server
 * cuts it (a header sent one byte per read is looked at once, not once
 * per read). */
struct http_reader {
	size_t	 scanned;	/* the head's end searched up to here */
	size_t	 body;		/* where the body starts; 0: head not whole */
	int	 status;
	int	 chunked;
	long	 clen;		/* Content-Length, or -1 */
	size_t	 next;		/* chunked: the next size or trailer line */
	size_t	 line_scan;	/* chunked: its LF searched up to here */
	size_t	 data_end;	/* chunked: the chunk being read ends here
				 * (its CR LF included); 0: none */
	size_t	 out;		/* chunked: the data so far, moved down to
				 * buf[body..out) as each chunk completes */
	int	 trailer;	/* chunked: the last chunk was seen */
};
#define HTTP_READER_ZERO	{ 0, 0, 0, 0, -1, 0, 0, 0, 0, 0 }
#define HTTP_LINE_MAX	4096	/* a chunk-size or trailer line, at most */

/* Parses the reply in buf[0..len), of which the calls before (with the
 * same rd) saw a prefix: the status into *status and, once complete, the
 * body moved to buf[0..*bodylen) (dechunked, NUL-terminated; buf has room
 * for len + 1 bytes). 1 when complete, 0 when more bytes are needed (eof:
 * none will come), -1 when malformed. Pure. */
int	 http_reply_parse(struct http_reader *rd, char *buf, size_t len,
	    int eof, int *status, size_t *bodylen);

/* POSTs form (application/x-www-form-urlencoded) to url and reads the
 * reply, all within timeout_s, verifying the server with ca_file (NULL:
 * the system bundle). On 0, buf[0..*bodylen) holds the body (NUL-
 * terminated) and *status the HTTP status; buflen caps the whole reply.
 * -1 with one line in err ("login.example.com:443: TLS: ..."). The caller
 * wipes buf: it holds tokens. */
int	 http_post_form(const char *url, const char *ca_file, const char *form,
	    int timeout_s, char *buf, size_t buflen, int *status,
	    size_t *bodylen, char *err, size_t errlen);

#endif
