/* relaymail: libFuzzer target for the DER certificate reader: the input
 * is a certificate as a server (or a CA bundle) might send it. Whatever
 * der_cert_parse finds, der_cert_subject must find from any prefix that
 * holds the subject, and never read past what it is given.
 * ISC licence. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tls/tls_der.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct der_cert dc;
	const unsigned char *subj;
	size_t subjlen, end, i;
	unsigned char *copy;
	char buf[256];
	int r;

	if ((copy = malloc(size ? size : 1)) == NULL)
		return 0;
	memcpy(copy, data, size);
	if (der_cert_parse(copy, size, &dc) == 0) {
		der_name_string(dc.subject, dc.subject_len, buf, sizeof(buf));
		der_name_string(dc.issuer, dc.issuer_len, buf, sizeof(buf));
		if (dc.san != NULL)
			der_san_string(dc.san, dc.san_len, buf, sizeof(buf));
		end = (size_t)(dc.subject - copy) + dc.subject_len;
		if (der_cert_subject(copy, end, &subj, &subjlen) != 1 ||
		    subj != dc.subject || subjlen != dc.subject_len)
			abort();
	}
	/* Every prefix in its own block, so that ASan sees any overread. */
	for (i = 0; i <= size && i < 600; i++) {
		unsigned char *p = malloc(i ? i : 1);

		if (p == NULL)
			break;
		memcpy(p, data, i);
		r = der_cert_subject(p, i, &subj, &subjlen);
		if (r == 1 && (subj < p || subj + subjlen > p + i))
			abort();
		free(p);
	}
	free(copy);
	return 0;
}
