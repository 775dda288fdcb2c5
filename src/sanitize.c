/* relaymail: options for the sanitizer build. ISC licence, see LICENSE.
 * LeakSanitizer cannot run in a set-group-ID process: it is not dumpable,
 * so LSan can neither stop its threads nor read ASAN_OPTIONS from
 * /proc/self/environ, and it ends the run with a fatal error. There leaks
 * are not checked; AddressSanitizer and UBSan still are. Linked into the
 * binary only (nothing calls it; the ASan runtime looks it up). */
#include <unistd.h>

const char *__asan_default_options(void);

const char *
__asan_default_options(void)
{
	return getegid() != getgid() || geteuid() != getuid() ?
	    "detect_leaks=0" : "";
}
