/* relaymail: libFuzzer target for the HTTP reply parser: the input is a
 * token endpoint's whole reply. It is parsed whole, then again cut into
 * reads of a size the first byte picks, and both must agree: the parser
 * resumes where it stopped. ISC licence. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The verdict for data[0..size) given step bytes at a time (eof with the
 * last ones); the body in buf[0..*blen). */
static int
fuzz_parse(const uint8_t *data, size_t size, size_t step, char *buf,
    size_t *blen)
{
	struct http_reader rd = HTTP_READER_ZERO;
	size_t len = 0, k;
	int status, r;

	for (;;) {
		k = size - len < step ? size - len : step;
		memcpy(buf + len, data + len, k);
		len += k;
		r = http_reply_parse(&rd, buf, len, len == size, &status, blen);
		if (r != 0 || len == size)
			break;
	}
	if (r == 1 && (*blen > len || buf[*blen] != '\0'))
		__builtin_trap();
	return r;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *whole, *cut;
	size_t wlen = 0, clen = 0, step;
	int rw, rc;

	if (size < 1 || size > HTTP_REPLY_MAX)
		return 0;
	step = 1 + data[0] % 16;
	data++;
	size--;
	if ((whole = malloc(size + 1)) == NULL || (cut = malloc(size + 1)) ==
	    NULL) {
		free(whole);
		return 0;
	}
	rw = fuzz_parse(data, size, size > 0 ? size : 1, whole, &wlen);
	rc = fuzz_parse(data, size, step, cut, &clen);
	/* A reply complete early (Content-Length) may complete in the cut
	 * run before the rest of the bytes came: the same body either way. */
	if (rw != rc || (rw == 1 && (wlen != clen ||
	    memcmp(whole, cut, wlen) != 0)))
		__builtin_trap();
	free(whole);
	free(cut);
	return 0;
}
