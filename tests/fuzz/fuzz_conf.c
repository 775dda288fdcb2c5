/* relaymail: libFuzzer target for the configuration reader. ISC licence. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1), err[512];
	struct conf c;

	if (text == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	conf_defaults(&c);
	conf_load_string(&c, "fuzz.conf", text, err, sizeof(err));
	conf_free(&c);
	free(text);
	return 0;
}
