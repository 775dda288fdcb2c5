/* relaymail: libFuzzer target for the JSON reader: the input is a token
 * endpoint's reply body. ISC licence. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "json.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *keys[] = { "access_token", "expires_in", "error",
	    "k", "" };
	char out[128];
	long n;
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		if (json_string((const char *)data, size, keys[i], out,
		    sizeof(out)) == 0 && strlen(out) >= sizeof(out))
			__builtin_trap();
		json_number((const char *)data, size, keys[i], &n);
	}
	return 0;
}
