/* relaymail: libFuzzer target for the queue file's envelope parser: the
 * input is the text after the message ("from <a>", "rcpt <b>", ...), as
 * spool_load reads it from a queue file someone may have damaged.
 * ISC licence. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "spool.h"
#include "spool_envelope.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct spool_msg m;
	char err[300], *env;
	int i;

	if ((env = malloc(size + 1)) == NULL)
		return 0;
	memcpy(env, data, size);
	env[size] = '\0';
	memset(&m, 0, sizeof(m));
	m.fd = -1;
	m.uid = SPOOL_UID_UNKNOWN;
	if (spool_envelope_parse(&m, env, 4096, err, sizeof(err)) == 0 &&
	    (m.from == NULL || m.nrcpts < 1 || m.nrcpts > SPOOL_RCPT_MAX ||
	    memchr(m.route, '\0', sizeof(m.route)) == NULL))
		__builtin_trap();
	for (i = 0; i < m.nrcpts; i++)
		if (m.rcpts[i].addr == NULL || m.rcpts[i].line < 4096 ||
		    m.rcpts[i].state < SPOOL_RCPT_PENDING ||
		    m.rcpts[i].state > SPOOL_RCPT_REFUSED)
			__builtin_trap();
	spool_release(&m);
	free(env);
	return 0;
}
