/* relaymail: addresses. ISC licence, see LICENSE.
 * RFC 5322 address lists (groups, comments, quoted strings, angle
 * addresses, display names) as found in To/Cc/Bcc and in recipient words,
 * and the checks an envelope address must pass before it reaches the wire.
 * Pure: works on memory only. */
#ifndef ADDR_H
#define ADDR_H

#include <stddef.h>
#include "relaymail.h"

/* Called for each address found, with the bare addr-spec (no angle
 * brackets, comments or display name; may be a bare local name such as
 * "root"). Return 0 to go on, -1 to stop parsing (addr_parse_list then
 * returns -1 and leaves err as the callback set it). */
typedef int (*addr_cb)(void *arg, const char *addr, char *err, size_t errlen);

/* Parses an address list of len bytes (need not be NUL-terminated;
 * folding CRLF/LF followed by white space is allowed). Empty members
 * ("a@x,", ",,") and empty groups ("undisclosed-recipients:;") are
 * skipped. 0, or -1 with one line in err ("unbalanced <", ...). */
int	 addr_parse_list(const char *s, size_t len, addr_cb cb, void *arg,
	    char *err, size_t errlen);

/* Validates an envelope address (bare addr-spec or local name): no
 * control characters (CR, LF, NUL, ...), no space outside quotes, at most
 * ADDR_MAX octets in all, local part <= 64, domain <= 255. 0, or -1 with
 * err. */
int	 addr_check(const char *addr, char *err, size_t errlen);

/* Extracts the addr-spec from a -f value: "a@x", "<a@x>", "Name <a@x>",
 * "<>" or "" (null sender: out becomes ""). 0, or -1 with err. */
int	 addr_sender(const char *in, char *out, size_t outlen, char *err,
	    size_t errlen);

/* An alias lookup: the address a local name stands for, or NULL. */
typedef const char *(*addr_alias_fn)(void *arg, const char *local);

/* Copies an address list (a header value) into out, turning each bare
 * local name ("root", "Name <root>", "root (Comment)") into its alias
 * when alias (may be NULL) knows one, else adding "@domain" (unless
 * domain is NULL); everything else is copied as it is. It finds the
 * addresses with the same lexer and list walker as addr_parse_list, so
 * the alias callback sees exactly the local names addr_parse_list would
 * report. Returns the length written (NUL-terminated), or -1 when out is
 * too small or the list does not parse (addr_parse_list would fail): the
 * caller then keeps the field as it was. */
long	 addr_qualify_list(const char *s, size_t len, const char *domain,
	    addr_alias_fn alias, void *arg, char *out, size_t outlen);

/* Does s contain a control character (CR, LF, NUL...; TAB is allowed)?
 * Words from argv must not: a line break there could add a recipient. */
int	 addr_has_control(const char *s);

/* Does addr contain a non-ASCII octet (needs SMTPUTF8)? */
int	 addr_is_utf8(const char *addr);

/* Is addr a bare local name (no '@')? */
int	 addr_is_local(const char *addr);

/* Is addr this host's own: a bare local name, or at host (the host's
 * name), its first label, or localhost? Such a sender (root@myhost) is
 * no mailbox a provider knows. */
int	 addr_is_host_local(const char *addr, const char *host);

#endif
