/* relaymail: unit tests for the queue. ISC licence.
 * Commit, load, lock contention, defer, fail, damaged files, listing. */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "spool.h"
#include "t.h"

static char dir[] = "/tmp/t_spool.XXXXXX";
static struct spool s;
static char err[300];

static int
commit_one(struct spool_msg *m, const char *body, const char *rcpt)
{
	if (spool_create(&s, m, err, sizeof(err)) == -1)
		return -1;
	if (write(m->fd, body, strlen(body)) != (ssize_t)strlen(body))
		return -1;
	if (spool_set_sender(m, "a@x", err, sizeof(err)) == -1 ||
	    spool_add_rcpt(m, rcpt, err, sizeof(err)) == -1) {
		spool_abort(&s, m);
		return -1;
	}
	m->body_len = (off_t)strlen(body);
	m->eightbit = 1;
	return spool_commit(&s, m, err, sizeof(err));
}

/* Drop the lock; the message frees its own envelope. */
static void
drop(struct spool_msg *m)
{
	spool_release(m);
}

static int
count(void *arg, const char *id)
{
	(void)id;
	(*(int *)arg)++;
	return 0;
}

TEST(commit_and_load)
{
	struct spool_msg m, l, other;
	char id[SPOOL_ID_MAX];
	char buf[64];

	T_EQ(commit_one(&m, "Subject: x\r\n\r\nbody\r\n", "b@y"), 0);
	snprintf(id, sizeof(id), "%s", m.id);
	/* Still locked by its writer. */
	T_EQ(spool_load(&s, id, 0, &other, err, sizeof(err)), 1);
	drop(&m);
	T_EQ(spool_load(&s, id, 0, &l, err, sizeof(err)), 0);
	T_STREQ(l.from, "a@x");
	T_EQ(l.nrcpts, 1);
	T_STREQ(l.rcpts[0], "b@y");
	T_EQ(l.body_len, 20);
	T_OK(l.eightbit);
	T_EQ(pread(l.fd, buf, 20, 0), 20);
	T_MEMEQ(buf, 20, "Subject: x\r\n\r\nbody\r\n", 20);
	/* Locked while loaded. */
	T_EQ(spool_load(&s, id, 0, &other, err, sizeof(err)), 1);
	T_EQ(spool_defer(&s, &l, 12345, "421 busy\r\ninjected"), 0);
	spool_release(&l);
	T_EQ(spool_load(&s, id, 0, &l, err, sizeof(err)), 0);
	T_EQ(l.attempts, 1);
	T_EQ(l.next_try, 12345);
	T_STREQ(l.last_error, "421 busy  injected");
	T_EQ(spool_fail(&s, &l, "550 no"), 0);
	spool_release(&l);
	T_EQ(spool_load(&s, id, 0, &l, err, sizeof(err)), 1);
	T_EQ(spool_load(&s, id, 1, &l, err, sizeof(err)), 0);
	T_STREQ(l.last_error, "550 no");
	T_EQ(spool_done(&s, &l), 0);
	spool_release(&l);
	T_EQ(spool_load(&s, id, 1, &l, err, sizeof(err)), 1);
}

TEST(recipient_marks_survive)
{
	struct spool_msg m, l;
	char id[SPOOL_ID_MAX];

	T_EQ(commit_one(&m, "x\r\n", "b@y"), 0);
	snprintf(id, sizeof(id), "%s", m.id);
	m.rcpt_done[0] = 2;
	T_EQ(spool_defer(&s, &m, 1, "partly"), 0);
	drop(&m);
	T_EQ(spool_load(&s, id, 0, &l, err, sizeof(err)), 0);
	T_EQ(l.rcpt_done[0], 2);
	spool_done(&s, &l);
	spool_release(&l);
}

TEST(damaged_and_links)
{
	struct spool_msg l;
	int fd;

	fd = openat(s.qfd, "00BAD", O_WRONLY | O_CREAT, 0600);
	T_OK(fd != -1);
	T_EQ(write(fd, "junk", 4), 4);
	close(fd);
	T_EQ(spool_load(&s, "00BAD", 0, &l, err, sizeof(err)), -1);
	T_OK(strstr(err, "damaged") != NULL);
	unlinkat(s.qfd, "00BAD", 0);
	T_EQ(symlinkat("/etc/passwd", s.qfd, "00LINK"), 0);
	T_EQ(spool_load(&s, "00LINK", 0, &l, err, sizeof(err)), -1);
	T_OK(strstr(err, "symbolic link") != NULL);
	unlinkat(s.qfd, "00LINK", 0);
	T_EQ(spool_load(&s, "../x", 0, &l, err, sizeof(err)), -1);
}

TEST(listing_skips_state_files)
{
	struct spool_msg m;
	int n = 0;

	T_EQ(commit_one(&m, "x\r\n", "b@y"), 0);
	T_EQ(spool_defer(&s, &m, 1, "later"), 0);
	drop(&m);
	T_EQ(commit_one(&m, "y\r\n", "c@y"), 0);
	drop(&m);
	spool_each(&s, 0, count, &n);
	T_EQ(n, 2);
}

TEST(files_are_private)
{
	struct spool_msg m;
	struct stat st;

	T_EQ(commit_one(&m, "x\r\n", "b@y"), 0);
	T_EQ(fstatat(s.qfd, m.id, &st, 0), 0);
	T_EQ(st.st_mode & 0777, 0600);
	drop(&m);
}

TEST(control_chars_refused)
{
	struct spool_msg m;

	T_EQ(commit_one(&m, "x\r\n", "b@y\nrcpt <evil@z>"), -1);
	T_OK(strstr(err, "control") != NULL);
}

static int
tmp_files(void)
{
	int n = 0;
	DIR *d = fdopendir(openat(s.tmpfd, ".", O_RDONLY | O_DIRECTORY));
	struct dirent *de;

	if (d == NULL)
		return -1;
	while ((de = readdir(d)) != NULL)
		n += de->d_name[0] != '.';
	closedir(d);
	return n;
}

/* A writer that dies before the commit leaves nothing anywhere (Linux:
 * an unnamed file); an abort removes a named one too. */
TEST(unfinished_message_leaves_nothing)
{
	struct spool_msg m;
	int before = 0;

	spool_each(&s, 0, count, &before);
	T_EQ(spool_create(&s, &m, err, sizeof(err)), 0);
	T_EQ(write(m.fd, "partial", 7), 7);
#ifdef __linux__
	T_EQ(m.named, 0);
	T_EQ(tmp_files(), 0);
#endif
	spool_abort(&s, &m);
	T_EQ(tmp_files(), 0);
	T_EQ(m.fd, -1);
	{
		int after = 0;
		spool_each(&s, 0, count, &after);
		T_EQ(after, before);
	}
}

/* The message owns its envelope: setters copy, release frees. */
TEST(envelope_is_owned)
{
	struct spool_msg m, l;
	char from[] = "first@x", rcpt[] = "r@y";
	char id[SPOOL_ID_MAX];
	uid_t owner;

	T_EQ(spool_create(&s, &m, err, sizeof(err)), 0);
	T_EQ(write(m.fd, "x\r\n", 3), 3);
	m.body_len = 3;
	T_EQ(spool_set_sender(&m, from, err, sizeof(err)), 0);
	T_EQ(spool_set_sender(&m, "second@x", err, sizeof(err)), 0);
	T_EQ(spool_add_rcpt(&m, rcpt, err, sizeof(err)), 0);
	T_EQ(spool_set_dsn(&m, "SUCCESS", "HDRS", NULL, err, sizeof(err)), 0);
	from[0] = rcpt[0] = 'Z';	/* the caller's copies change */
	T_EQ(spool_commit(&s, &m, err, sizeof(err)), 0);
	snprintf(id, sizeof(id), "%s", m.id);
	spool_release(&m);
	T_EQ(spool_load(&s, id, 0, &l, err, sizeof(err)), 0);
	T_STREQ(l.from, "second@x");
	T_STREQ(l.rcpts[0], "r@y");
	T_STREQ(l.notify, "SUCCESS");
	T_STREQ(l.ret, "HDRS");
	T_OK(l.envid == NULL);
	T_EQ(l.uid, getuid());	/* the envelope's "uid N" */
	T_EQ(spool_owner(&s, id, 0, &owner), 0);
	T_EQ(owner, getuid());
	T_EQ(spool_owner(&s, "nosuch", 0, &owner), -1);
	T_EQ(spool_add_rcpt(&l, "bad\r\nrcpt <x@y>", err, sizeof(err)), -1);
	spool_done(&s, &l);
	spool_release(&l);
}

TEST(set_aside)
{
	struct spool_msg m;
	char id[SPOOL_ID_MAX];
	struct stat st;

	T_EQ(commit_one(&m, "x\r\n", "b@y"), 0);
	snprintf(id, sizeof(id), "%s", m.id);
	drop(&m);
	T_EQ(spool_set_aside(&s, id), 0);
	T_EQ(fstatat(s.failfd, id, &st, 0), 0);
	T_EQ(fstatat(s.qfd, id, &st, 0), -1);
	T_EQ(spool_set_aside(&s, "../x"), -1);
}

TEST_MAIN("t_spool", {
	umask(077);	/* as main() sets it */
	if (mkdtemp(dir) == NULL || spool_open(&s, dir, 1, err,
	    sizeof(err)) == -1) {
		printf("FAIL t_spool: setup: %s\n", err);
		return 1;
	}
	RUN(commit_and_load);
	RUN(recipient_marks_survive);
	RUN(damaged_and_links);
	RUN(listing_skips_state_files);
	RUN(files_are_private);
	RUN(control_chars_refused);
	RUN(unfinished_message_leaves_nothing);
	RUN(envelope_is_owned);
	RUN(set_aside);
	spool_close(&s);
	{
		char cmd[100];
		snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
		if (system(cmd) != 0)
			printf("warning: could not remove %s\n", dir);
	}
})
