/* relaymail: libFuzzer target for the option parser: the input is split
 * at NUL bytes into an argv. ISC licence. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size + 1), *argv[65], err[256];
	struct cli c;
	size_t i;
	int argc = 1;

	if (buf == NULL)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	argv[0] = "sendmail";
	argv[argc++] = buf;
	for (i = 0; i < size && argc < 64; i++)
		if (buf[i] == '\0')
			argv[argc++] = buf + i + 1;
	argv[argc] = NULL;
	cli_parse(&c, argc, argv, err, sizeof(err));
	free(buf);
	return 0;
}
