/* relaymail: unit tests for the secret's sources and the shared files
 * they live in: the one first-line rule, password, password_file and
 * password_command, the atomic writer and the locked record. ISC
 * licence. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf.h"
#include "cred.h"
#include "state.h"
#include "t.h"

static struct conf c;
static char err[512], dir[] = "/tmp/t_cred.XXXXXX";
static int dfd = -1;

static int
load(const char *text)
{
	conf_free(&c);
	conf_defaults(&c);
	err[0] = '\0';
	if (conf_load_string(&c, "x.conf", text, err, sizeof(err)) == -1)
		return -1;
	return conf_finish(&c, err, sizeof(err));
}

/* One rule for every first line: up to CR, LF or NUL; empty or too long
 * is an error, never a cut secret. */
TEST(first_line_rule)
{
	char out[8];

	T_EQ(cred_line("abc\ndef", 7, 0, out, sizeof(out), err,
	    sizeof(err)), 0);
	T_STREQ(out, "abc");
	T_EQ(cred_line("abc\r\n", 5, 0, out, sizeof(out), err, sizeof(err)),
	    0);
	T_STREQ(out, "abc");
	T_EQ(cred_line("abc", 3, 0, out, sizeof(out), err, sizeof(err)), 0);
	T_STREQ(out, "abc");
	T_EQ(cred_line("\nabc", 4, 0, out, sizeof(out), err, sizeof(err)),
	    -1);
	T_STREQ(err, "the first line is empty");
	T_EQ(cred_line("", 0, 0, out, sizeof(out), err, sizeof(err)), -1);
	T_EQ(cred_line("1234567", 7, 0, out, sizeof(out), err, sizeof(err)),
	    0);
	T_EQ(cred_line("12345678", 8, 0, out, sizeof(out), err,
	    sizeof(err)), -1);
	T_STREQ(err, "the first line is longer than 7 bytes");
	/* the source had more than was read, and no line end came */
	T_EQ(cred_line("123", 3, 1, out, sizeof(out), err, sizeof(err)), -1);
	T_EQ(cred_line("12\n", 3, 1, out, sizeof(out), err, sizeof(err)), 0);
	T_STREQ(out, "12");
}

TEST(password_sources)
{
	char path[] = "/tmp/t_cred.pw.XXXXXX", buf[128], text[256];
	int fd = mkstemp(path);

	T_EQ(write(fd, "s3cret\nignored\n", 15), 15);
	close(fd);
	snprintf(text, sizeof(text), "[relay]\nhost = h\nuser = u\n"
	    "password_file = %s\n", path);
	T_EQ(load(text), 0);
	T_EQ(cred_password(&c, buf, sizeof(buf), err, sizeof(err)), 0);
	T_STREQ(buf, "s3cret");
	/* a first line longer than the buffer is an error, not a cut one */
	fd = open(path, O_WRONLY | O_TRUNC);
	T_EQ(write(fd, "0123456789", 10), 10);
	close(fd);
	T_EQ(cred_password(&c, buf, 8, err, sizeof(err)), -1);
	T_OK(strstr(err, "longer than 7 bytes") != NULL);
	unlink(path);
	T_EQ(cred_password(&c, buf, sizeof(buf), err, sizeof(err)), -1);
	T_OK(strstr(err, "s3cret") == NULL);
	T_EQ(load("[relay]\nhost = h\nuser = u\npassword_command = printf "
	    "'tok\\nx'\n"), 0);
	T_EQ(cred_password(&c, buf, sizeof(buf), err, sizeof(err)), 0);
	T_STREQ(buf, "tok");
	T_STREQ(err, "");
	T_EQ(load("[relay]\nhost = h\nuser = u\npassword_command = echo tok; "
	    "echo expires soon >&2\n"), 0);
	T_EQ(cred_password(&c, buf, sizeof(buf), err, sizeof(err)), 0);
	T_STREQ(buf, "tok");
	T_STREQ(err, "[relay] password_command: stderr: expires soon");
	T_EQ(load("[relay]\nhost = h\nuser = u\npassword_command = exit 3\n"),
	    0);
	T_EQ(cred_password(&c, buf, sizeof(buf), err, sizeof(err)), -1);
	T_OK(strstr(err, "status 3") != NULL);
	/* its stderr is part of the reason; its stdout never is */
	T_EQ(load("[relay]\nhost = h\nuser = u\npassword_command = echo "
	    "s3cret; echo no-token >&2; exit 2\n"), 0);
	T_EQ(cred_password(&c, buf, sizeof(buf), err, sizeof(err)), -1);
	T_STREQ(err, "[relay] password_command: exited with status 2: "
	    "no-token");
	T_EQ(load("[relay]\nhost = h\nuser = u\npassword_command = head -c "
	    "100000 /dev/zero\n"), 0);
	T_EQ(cred_password(&c, buf, sizeof(buf), err, sizeof(err)), -1);
	T_OK(strstr(err, "more than 65536 bytes") != NULL);
	T_EQ(load("[relay]\nhost = h\nuser = u\npassword_command = true\n"),
	    0);
	T_EQ(cred_password(&c, buf, sizeof(buf), err, sizeof(err)), -1);
	T_STREQ(err, "[relay] password_command: the first line is empty");
	/* a long first line, then more: too long, whatever follows */
	T_EQ(load("[relay]\nhost = h\nuser = u\npassword_command = printf "
	    "'%0200d\\n' 0; echo more\n"), 0);
	T_EQ(cred_password(&c, buf, sizeof(buf), err, sizeof(err)), -1);
	T_STREQ(err, "[relay] password_command: the first line is longer "
	    "than 127 bytes");
}

/* The atomic writer: the whole new content or the old one, the shared
 * mode whatever the umask, never through a planted link. */
TEST(shared_files)
{
	char buf[64], path[128];
	struct stat st;

	T_EQ(state_write(dfd, "t", "hello\n", 6), 0);
	T_EQ(state_read(dfd, "t", buf, sizeof(buf)), 6);
	T_STREQ(buf, "hello\n");
	T_EQ(fstatat(dfd, "t", &st, 0), 0);
	T_EQ(st.st_mode & 0777, 0600);	/* dir is not the group's */
	T_EQ(fchmod(dfd, 02770), 0);
	T_EQ(state_mode(dfd), 0660);
	T_EQ(state_write(dfd, "t", "again\n", 6), 0);
	T_EQ(fstatat(dfd, "t", &st, 0), 0);
	T_EQ(st.st_mode & 0777, 0660);	/* the group's, whatever the umask */
	snprintf(path, sizeof(path), "%s/t", dir);
	T_EQ(state_write_path(path, "third\n", 6), 0);
	T_EQ(state_read(dfd, "t", buf, sizeof(buf)), 6);
	T_STREQ(buf, "third\n");
	T_EQ(fchmod(dfd, 0700), 0);
	/* a failed write leaves the old file, and no temporary one */
	T_EQ(state_write_path("/nonexistent/dir/t", "x", 1), -1);
	state_remove(dfd, "t");
	T_EQ(state_read(dfd, "t", buf, sizeof(buf)), -1);
	T_EQ(symlinkat("/etc/passwd", dfd, "link"), 0);
	T_EQ(state_read(dfd, "link", buf, sizeof(buf)), -1);
	T_EQ(state_lock(dfd, "link", 0), -1);
	unlinkat(dfd, "link", 0);
}

/* The locked record: rewritten in place, one holder at a time, a file
 * from an older release that this user cannot write replaced. */
TEST(locked_record)
{
	char buf[64];
	int a, b;

	T_OK((a = state_lock(dfd, "rec", 0)) != -1);
	T_EQ(state_locked_write(a, "one two three\n", 14), 0);
	T_EQ(state_locked_write(a, "four\n", 5), 0);
	T_EQ(state_locked_read(a, buf, sizeof(buf)), 5);
	T_STREQ(buf, "four\n");
	/* held: a second open waits, then gives up */
	T_EQ(state_lock(dfd, "rec", 30), -1);
	close(a);
	T_OK((b = state_lock(dfd, "rec", 0)) != -1);
	close(b);
	T_EQ(fchmodat(dfd, "rec", 0, 0), 0);
	if (geteuid() != 0) {	/* root may write a 0 file anyway */
		T_OK((b = state_lock(dfd, "rec", 0)) != -1);
		T_EQ(state_locked_read(b, buf, sizeof(buf)), 0);
		close(b);
	}
	unlinkat(dfd, "rec", 0);
}

TEST_MAIN("t_cred", {
	umask(077);	/* as main() sets it */
	if (mkdtemp(dir) == NULL || (dfd = open(dir, O_RDONLY |
	    O_DIRECTORY)) == -1) {
		printf("FAIL t_cred: setup\n");
		return 1;
	}
	RUN(first_line_rule);
	RUN(password_sources);
	RUN(shared_files);
	RUN(locked_record);
	conf_free(&c);
	{
		char cmd[100];
		snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
		if (system(cmd) != 0)
			printf("warning: could not remove %s\n", dir);
	}
})
