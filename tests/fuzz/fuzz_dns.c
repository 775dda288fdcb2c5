/* relaymail: libFuzzer target for the DNS answer parser: the input is a
 * name server's response, read as the answer to both questions
 * sendmail --configure asks (the MX of example.com, the SRV records of
 * _submissions._tcp.example.com). ISC licence. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "dns.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* What a caller relies on: a bounded count, and names it can print. */
static void
fuzz_dns_check(const struct dns_answer *a)
{
	int i;

	if (a->n < 0 || a->n > DNS_RR_MAX || (a->status != DNS_FOUND) !=
	    (a->n == 0))
		__builtin_trap();
	for (i = 0; i < a->n; i++)
		if (a->rr[i].host[0] == '\0' ||
		    strlen(a->rr[i].host) > DNS_NAME_MAX ||
		    strpbrk(a->rr[i].host, " \\\r\n") != NULL)
			__builtin_trap();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dns_answer a;

	dns_parse(data, size, "example.com", DNS_T_MX, &a);
	fuzz_dns_check(&a);
	dns_parse(data, size, "_submissions._tcp.example.com", DNS_T_SRV, &a);
	fuzz_dns_check(&a);
	return 0;
}
