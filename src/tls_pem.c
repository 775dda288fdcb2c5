/* relaymail: PEM files read as a stream. ISC licence, see LICENSE.
 * A PEM file is read line by line and each object's base64 is decoded as
 * it arrives (util_b64_push), so memory is one line plus one object of at
 * most TLS_PEM_OBJ_MAX bytes, whatever the size of the bundle. BearSSL's
 * own PEM decoder is a small interpreter, about a hundred times slower:
 * with a 140-certificate bundle it was most of a send's CPU time. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tls_int.h"
#include "util.h"

/* The object being decoded. */
struct tls_pem_object {
	char	 label[128];
	unsigned char *der;
	size_t	 len, cap;
	struct util_b64 b64;
	int	 open;			/* inside BEGIN..END, still good */
};

static void
tls_pem_begin(struct tls_pem_object *o, const char *line)
{
	struct util_b64 zero = UTIL_B64_ZERO;

	util_strlcpy(o->label, line + 11, sizeof(o->label));
	o->label[strcspn(o->label, "-\r\n")] = '\0';
	o->len = 0;
	o->b64 = zero;
	o->open = 1;
}

/* Makes room for the bytes n more base64 characters can give; 0, or -1
 * when that would pass TLS_PEM_OBJ_MAX (or memory is short). */
static int
tls_pem_room(struct tls_pem_object *o, size_t n)
{
	size_t need = o->len + n / 4 * 3 + 3, cap = o->cap ? o->cap : 2048;
	unsigned char *nb;

	if (need <= o->cap)
		return 0;
	while (cap < need)
		cap *= 2;
	if (cap > TLS_PEM_OBJ_MAX || (nb = malloc(cap)) == NULL)
		return -1;
	/* Not realloc: the old block may hold part of a private key. */
	if (o->der != NULL) {
		memcpy(nb, o->der, o->len);
		explicit_bzero(o->der, o->cap);
		free(o->der);
	}
	o->der = nb;
	o->cap = cap;
	return 0;
}

/* One line of base64; an object that fails to decode is dropped. */
static void
tls_pem_body(struct tls_pem_object *o, const char *line)
{
	size_t n = strlen(line);
	long k;

	if (tls_pem_room(o, n) == -1 || (k = util_b64_push(&o->b64, line, n,
	    o->der + o->len, o->cap - o->len)) < 0) {
		o->open = 0;
		return;
	}
	o->len += (size_t)k;
}

/* see tls_int.h */
int
tls_pem_each(const char *path, tls_pem_cb cb, void *arg, char *err,
    size_t errlen)
{
	struct tls_pem_object o;
	char line[512];
	int r = 0;
	FILE *fp;

	if ((fp = fopen(path, "re")) == NULL)
		return util_err(err, errlen, "%s: %s", path, strerror(errno));
	memset(&o, 0, sizeof(o));
	while (r == 0 && fgets(line, sizeof(line), fp) != NULL) {
		if (strncmp(line, "-----BEGIN ", 11) == 0)
			tls_pem_begin(&o, line);
		else if (strncmp(line, "-----END ", 9) == 0) {
			if (o.open && o.len > 0)
				r = cb(arg, o.label, o.der, o.len);
			o.open = 0;
		} else if (o.open)
			tls_pem_body(&o, line);
	}
	fclose(fp);
	if (o.der != NULL) {
		explicit_bzero(o.der, o.cap);	/* it may be a private key */
		free(o.der);
	}
	return r < 0 ? -1 : r;
}
