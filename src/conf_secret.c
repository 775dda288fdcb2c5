/* relaymail: the relay password's sources. ISC licence, see LICENSE.
 * conf.c only records which of password, password_file and
 * password_command was given; this file reads the secret when a session
 * needs it (never at start-up) and warns when the configuration file that
 * holds one is readable by all users. No secret ever reaches an error. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cmd.h"
#include "conf.h"
#include "util.h"

/* The first line of fp, without its line end, into buf. 0, or -1 when
 * there is none or it is empty. */
static int
conf_first_line(FILE *fp, char *buf, size_t len)
{
	if (fgets(buf, (int)len, fp) == NULL)
		return -1;
	buf[strcspn(buf, "\r\n")] = '\0';
	return buf[0] != '\0' ? 0 : -1;
}

static int
conf_password_file(const char *path, char *buf, size_t len, char *err,
    size_t errlen)
{
	FILE *fp;
	int r;

	if ((fp = fopen(path, "re")) == NULL)
		return util_err(err, errlen, "[relay] password_file: %s: %s",
		    path, strerror(errno));
	r = conf_first_line(fp, buf, len);
	fclose(fp);
	if (r == -1)
		return util_err(err, errlen, "[relay] password_file: %s: "
		    "empty", path);
	return 0;
}

static int
conf_password_command(const char *cmd, char *buf, size_t len, char *err,
    size_t errlen)
{
	char why[300], diag[300];

	if (cmd_first_line(cmd, buf, len, diag, sizeof(diag), why,
	    sizeof(why)) == 0) {
		if (diag[0] != '\0')	/* a warning, for the log */
			snprintf(err, errlen, "[relay] password_command: "
			    "stderr: %s", diag);
		return 0;
	}
	explicit_bzero(buf, len);
	return util_err(err, errlen, "[relay] password_command: %s%s%s", why,
	    diag[0] ? ": " : "", diag);
}

/* see conf.h */
int
conf_password(const struct conf *c, char *buf, size_t len, char *err,
    size_t errlen)
{
	buf[0] = '\0';
	if (errlen > 0)
		err[0] = '\0';
	if (c->password != NULL) {
		if (util_strlcpy(buf, c->password, len) >= len) {
			explicit_bzero(buf, len);
			return util_err(err, errlen, "[relay] password: too "
			    "long");
		}
		return 0;
	}
	if (c->password_file != NULL)
		return conf_password_file(c->password_file, buf, len, err,
		    errlen);
	if (c->password_command != NULL)
		return conf_password_command(c->password_command, buf, len,
		    err, errlen);
	return 0;
}

/* see conf.h */
int
conf_check_perms(const struct conf *c, const char *path, char *warn,
    size_t len)
{
	struct stat st;

	if (c->password == NULL || stat(path, &st) == -1 ||
	    !(st.st_mode & S_IROTH))
		return 0;
	snprintf(warn, len, "%s: readable by all users but holds a "
	    "password; chmod 600 (or 640 with a group)", path);
	return 1;
}
