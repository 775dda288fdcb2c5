/* relaymail: libFuzzer target for the address-list parser. ISC licence. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "addr.h"

static int
cb(void *arg, const char *a, char *err, size_t errlen)
{
	char out[ADDR_MAX + 1];

	(void)arg;
	addr_check(a, err, errlen);
	addr_sender(a, out, sizeof(out), err, errlen);
	return 0;
}

static const char *
alias(void *arg, const char *local)
{
	(void)arg;
	return strcmp(local, "root") == 0 ? "ops@example.net" : NULL;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[256];

	char out[2048];

	addr_parse_list((const char *)data, size, cb, NULL, err, sizeof(err));
	addr_qualify_list((const char *)data, size, "example.org", alias, NULL,
	    out, sizeof(out));
	return 0;
}
