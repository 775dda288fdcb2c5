/* relaymail: libFuzzer target for the address lexer and both of its
 * consumers, the envelope parser and the header qualifier. Besides
 * crashes it traps when the two disagree about which local names an
 * input holds, or about whether it parses at all. ISC licence. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"

struct fuzz_addr_count {
	unsigned long	 parsed, looked;
};

static int
fuzz_addr_parsed(void *arg, const char *a, char *err, size_t errlen)
{
	struct fuzz_addr_count *n = arg;
	char out[ADDR_MAX + 1];

	if (addr_is_local(a) && addr_check(a, err, errlen) == 0)
		n->parsed++;
	addr_sender(a, out, sizeof(out), err, errlen);
	return 0;
}

static const char *
fuzz_addr_looked(void *arg, const char *local)
{
	struct fuzz_addr_count *n = arg;

	(void)local;
	n->looked++;
	return NULL;
}

static const char *
fuzz_addr_alias(void *arg, const char *local)
{
	(void)arg;
	return strcmp(local, "root") == 0 ? "ops@example.net" : NULL;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_addr_count n = { 0, 0 };
	const char *s = (const char *)data;
	char err[256], out[2048], *same;
	int rp;
	long rq;

	rp = addr_parse_list(s, size, fuzz_addr_parsed, &n, err, sizeof(err));
	addr_qualify_list(s, size, "example.org", fuzz_addr_alias, NULL,
	    out, sizeof(out));
	/* No domain and no alias: the copy is the input, so it always fits
	 * in size + 1 bytes and any -1 is a parse failure. */
	if ((same = malloc(size + 1)) == NULL)
		return 0;
	rq = addr_qualify_list(s, size, NULL, fuzz_addr_looked, &n, same,
	    size + 1);
	if ((rp == -1) != (rq == -1) || (rp == 0 && n.parsed != n.looked))
		abort();
	if (rq >= 0 && ((size_t)rq != size || memcmp(same, s, size) != 0))
		abort();
	free(same);
	return 0;
}
