/* relaymail: streaming header-block scanner. ISC licence, see LICENSE.
 * Classifies one line at a time; keeps only which part of the message it
 * is in. A field name is printable ASCII other than ':' (RFC 5322 2.2),
 * optionally followed by blanks before the colon (obsolete syntax). */
#include <string.h>
#include <strings.h>

#include "hdr.h"

enum { ST_FIRST, ST_FIELD, ST_NOFIELD, ST_BODY };

/* see hdr.h */
void
hdr_init(struct hdr *h)
{
	memset(h, 0, sizeof(*h));
	h->state = ST_FIRST;
}

static int
field(struct hdr *h, const char *line, size_t len)
{
	size_t i = 0, n;

	while (i < len && line[i] > 32 && line[i] < 127 && line[i] != ':')
		i++;
	n = i;
	if (n == 0)
		return 0;
	while (i < len && (line[i] == ' ' || line[i] == '\t'))
		i++;
	if (i == len || line[i] != ':')
		return 0;
	i++;
	while (i < len && (line[i] == ' ' || line[i] == '\t'))
		i++;
	h->name = line;
	h->namelen = n;
	h->value = line + i;
	h->valuelen = len - i;
	return 1;
}

/* see hdr.h */
enum hdr_event
hdr_push(struct hdr *h, const char *line, size_t len)
{
	int first = h->state == ST_FIRST;

	if (h->state == ST_BODY)
		return HDR_IN_BODY;
	if (first && ((len >= 5 && memcmp(line, "From ", 5) == 0) ||
	    (len >= 6 && memcmp(line, ">From ", 6) == 0))) {
		h->state = ST_NOFIELD;
		h->name = line;
		h->namelen = line[0] == '>' ? 6 : 5;
		h->value = line + h->namelen;
		h->valuelen = len - h->namelen;
		return HDR_FIELD;
	}
	if (len == 0) {
		h->state = ST_BODY;
		return HDR_END;
	}
	if ((line[0] == ' ' || line[0] == '\t') && h->state == ST_FIELD)
		return HDR_CONT;
	if (field(h, line, len)) {
		h->state = ST_FIELD;
		return HDR_FIELD;
	}
	h->state = ST_BODY;
	return HDR_BODY;
}

/* see hdr.h */
int
hdr_is(const struct hdr *h, const char *name)
{
	return h->name != NULL && strlen(name) == h->namelen &&
	    strncasecmp(h->name, name, h->namelen) == 0;
}
