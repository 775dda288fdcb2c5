/* relaymail: libFuzzer target for the token endpoint's URL parser: the
 * input is [oauth] token_url or device_url. ISC licence. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct http_url u;
	char err[256], *url;

	if ((url = malloc(size + 1)) == NULL)
		return 0;
	memcpy(url, data, size);
	url[size] = '\0';
	if (http_url_parse(url, &u, err, sizeof(err)) == 0 &&
	    (u.host[0] == '\0' || u.port[0] == '\0' || u.path[0] != '/' ||
	    memchr(u.host, '\0', sizeof(u.host)) == NULL ||
	    strspn(u.port, "0123456789") != strlen(u.port) ||
	    strchr(u.path, ' ') != NULL || strchr(u.path, '#') != NULL))
		__builtin_trap();
	free(url);
	return 0;
}
