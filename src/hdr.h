/* relaymail: streaming header-block scanner. ISC licence, see LICENSE.
 * Push one physical line at a time (without its line ending); the scanner
 * tells what the line is: the start of a field (with its name), the
 * continuation of the previous field, the blank line that ends the
 * header, or body. It keeps no copy of the header: the caller decides
 * what to keep. Pure. */
#ifndef HDR_H
#define HDR_H

#include <stddef.h>

enum hdr_event {
	HDR_FIELD,	/* "Name: value": name and value set */
	HDR_CONT,	/* folded continuation of the previous field */
	HDR_END,	/* the empty line that ends the header */
	HDR_BODY,	/* not a header line: the header ended without a
			 * blank line (or had none); this line is body */
	HDR_IN_BODY	/* after HDR_END/HDR_BODY: every later line */
};

struct hdr {
	int	 state;		/* private */
	/* Set on HDR_FIELD; point into the pushed line. */
	const char *name;
	size_t	 namelen;
	const char *value;	/* after the colon and leading blanks */
	size_t	 valuelen;
};

void	 hdr_init(struct hdr *);

/* Classifies one line. A line is a field when it begins with one or more
 * printable ASCII characters other than ':' and space, then ':'.
 * A line beginning with space or tab right after a field is HDR_CONT. A
 * leading mbox "From " line is reported as HDR_FIELD with name "From "
 * (namelen 5) only as the very first line; callers drop it. */
enum hdr_event hdr_push(struct hdr *, const char *line, size_t len);

/* Case-insensitive: is the current field's name equal to name? */
int	 hdr_is(const struct hdr *, const char *name);

#endif
