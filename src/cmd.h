/* relaymail: running password_command. ISC licence, see LICENSE.
 * The command runs under /bin/sh with stdin from /dev/null, in /, with
 * descriptors 0-2 only, every signal at its default and none blocked,
 * no core file, the file limits at their hard values, and its output
 * read through pipes with caps and a deadline. Set-group-ID,
 * it runs with the queue group as real, effective and saved group (so
 * that a script it starts keeps it) and a fixed environment: nothing the
 * caller set reaches it. Otherwise it inherits the caller's environment. */
#ifndef CMD_H
#define CMD_H

#include <stddef.h>

#define CMD_TIMEOUT_S	30		/* the whole run */
#define CMD_OUT_MAX	(64 * 1024)	/* stdout bytes read, at most */
#define CMD_PATH	"/usr/sbin:/usr/bin:/sbin:/bin"
#define CMD_NOFILE	1024		/* open files: at least this soft
					 * limit, when the hard one allows */

/* Runs cmd: its output (without a NUL added) into out[0..*outn), at
 * most outlen bytes, *cut set when it printed more; the first line of
 * its stderr (or "") into diag. 0 when it exited with status 0 within
 * CMD_TIMEOUT_S and CMD_OUT_MAX bytes; else -1 with err ("exited with
 * status 3", "timed out after 30 s"). Which line is the secret is the
 * caller's rule (cred.c). The caller wipes out; the copy read from the
 * pipe is wiped here. */
int	 cmd_run(const char *cmd, char *out, size_t outlen, size_t *outn,
	    int *cut, char *diag, size_t diaglen, char *err, size_t errlen);

#endif
