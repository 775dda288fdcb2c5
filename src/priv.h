/* relaymail: who this process acts for. ISC licence, see LICENSE.
 * Installed set-group-ID, every local user runs relaymail with the queue
 * group as the effective group. These calls say what that user may do,
 * and drop the group for good when the user picked the settings (-C). */
#ifndef PRIV_H
#define PRIV_H

#include <stddef.h>
#include <sys/types.h>

/* 1 when the effective ids differ from the real ones (set-group-ID or
 * set-user-ID): we act for a caller with more than the caller has. */
int	 priv_elevated(void);

/* Drops every elevated id for good: the supplementary groups (only when
 * the effective uid is root, the only case where they are ours and not
 * the caller's), then real, effective and saved gid and uid, each checked
 * with getresgid/getresuid. 0, or -1 with err. */
int	 priv_drop(char *err, size_t errlen);

/* 1 when the caller is a local user outside the queue group, acting
 * through the set-group-ID binary: such a user sees and delivers only
 * the messages it submitted, and -bP hides password_command. 0 for root,
 * for the group's own runs (real or supplementary group) and for any
 * process that is not elevated. */
int	 priv_outsider(void);

/* The queue group's name, for a sentence (the effective group's, or its
 * number when it has no name). A static buffer. */
const char *priv_group_name(void);

#endif
