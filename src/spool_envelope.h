/* relaymail: the envelope and retry state as text. ISC licence.
 * Private to spool.c and spool_envelope.c: nothing else reads or writes
 * the queue file's envelope or the ID.st state file. */
#ifndef SPOOL_ENVELOPE_H
#define SPOOL_ENVELOPE_H

#include <stddef.h>
#include <sys/types.h>

#include "spool.h"

/* No control characters (a NULL value is fine). 1 or 0. */
int	 spool_envelope_safe(const char *v);

/* Writes m's envelope after the message (at m->body_len) and records
 * where each recipient line starts. Every recipient's word is then its
 * state, taken as synced: the commit's fsync follows, or the message is
 * thrown away. 0 or -1 (errno). */
int	 spool_envelope_write(struct spool_msg *m);

/* Parses the envelope text env, read from file offset base, into m. 0,
 * or -1 with err ("damaged queue file: ..."). */
int	 spool_envelope_parse(struct spool_msg *m, char *env, off_t base,
	    char *err, size_t errlen);

/* ID.st in dirfd: read (missing is fine; its recipient states override
 * the queue file's words), and replaced atomically. */
void	 spool_state_read(int dirfd, struct spool_msg *m);
int	 spool_state_write(struct spool *s, int dirfd, struct spool_msg *m);

/* src copied into dst (len bytes) as one line: control characters made
 * blanks. dst may be src. */
void	 spool_one_line(char *dst, size_t len, const char *src);

#endif
