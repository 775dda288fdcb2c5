/* relaymail: for `make static` only. ISC licence, see LICENSE.
 * Debian builds libbearssl.a with _FORTIFY_SOURCE, so it calls glibc's
 * checked copies, which musl does not have. These keep the check. */
#include <stdlib.h>
#include <string.h>

void	*__memcpy_chk(void *, const void *, size_t, size_t);
void	*__memmove_chk(void *, const void *, size_t, size_t);
void	*__memset_chk(void *, int, size_t, size_t);

void *
__memcpy_chk(void *d, const void *s, size_t n, size_t room)
{
	if (n > room)
		abort();
	return memcpy(d, s, n);
}

void *
__memmove_chk(void *d, const void *s, size_t n, size_t room)
{
	if (n > room)
		abort();
	return memmove(d, s, n);
}

void *
__memset_chk(void *d, int c, size_t n, size_t room)
{
	if (n > room)
		abort();
	return memset(d, c, n);
}
