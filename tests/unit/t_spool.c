/* relaymail: unit tests for the queue. ISC licence.
 * Commit, load, lock contention, defer, fail, damaged files, listing. */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "bounce.h"
#include "conf.h"
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
	T_STREQ(l.rcpts[0].addr, "b@y");
	T_EQ(l.rcpts[0].state, SPOOL_RCPT_PENDING);
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
	T_EQ(spool_move_to_failed(&s, &l, "550 no"), 0);
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
	T_EQ(spool_refuse(&m, 0, 550, "no\r\nsuch"), 0);
	T_EQ(m.rcpts[0].state, SPOOL_RCPT_REFUSED);
	T_EQ(spool_defer(&s, &m, 1, "partly"), 0);
	drop(&m);
	T_EQ(spool_load(&s, id, 0, &l, err, sizeof(err)), 0);
	T_EQ(l.rcpts[0].state, SPOOL_RCPT_REFUSED);
	T_STREQ(l.rcpts[0].reply, "550 no  such");
	spool_done(&s, &l);
	spool_release(&l);
}

static int
put_file(int dirfd, const char *name, const char *text, size_t len)
{
	int fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL, 0600);

	if (fd == -1)
		return -1;
	if (write(fd, text, len) != (ssize_t)len) {
		close(fd);
		return -1;
	}
	return close(fd);
}

/* A queue file and its ID.st exactly as relaymail 0.1 writes them: the
 * message, the envelope, the 40-byte tail; the recipients' words in the
 * file, their states and replies in ID.st ("refused N" without a reply
 * is an older file's). */
static const char old_body[] = "Subject: x\r\n\r\nbody\r\n";
static const char old_envelope[] =
    "from <a@x>\narrival 1700000000\n8bit 1\nutf8 0\nuid 1000\n"
    "rcpt <b@y>\ndone <c@y>\nfail <d@y>\nrcpt <e@y>\nrcpt <f@y>\n"
    "notify SUCCESS,FAILURE\nret HDRS\nenvid abc\n"
    "relaymail-envelope 00000000000000000020\n";
static const char old_state[] =
    "attempts 3\nnext 1700000600\nerror 451 4.3.0 try later\n"
    "done 1\nrefused 2 550 5.1.1 no such user\nrefused 3\n"
    "refused 7 550 beyond the recipients: ignored\n";

TEST(reads_todays_queue_files)
{
	char file[sizeof(old_body) + sizeof(old_envelope)], word[5];
	size_t len = strlen(old_body) + strlen(old_envelope);
	struct spool_msg l;
	struct stat st;

	snprintf(file, sizeof(file), "%s%s", old_body, old_envelope);
	T_EQ(put_file(s.qfd, "0000000001000000001", file, len), 0);
	T_EQ(put_file(s.qfd, "0000000001000000001.st", old_state,
	    strlen(old_state)), 0);
	T_EQ(spool_load(&s, "0000000001000000001", 0, &l, err, sizeof(err)),
	    0);
	T_STREQ(l.from, "a@x");
	T_EQ(l.arrival, 1700000000);
	T_OK(l.eightbit && !l.utf8);
	T_EQ(l.uid, 1000);
	T_EQ(l.body_len, 20);
	T_STREQ(l.notify, "SUCCESS,FAILURE");
	T_STREQ(l.ret, "HDRS");
	T_STREQ(l.envid, "abc");
	T_EQ(l.attempts, 3);
	T_EQ(l.next_try, 1700000600);
	T_STREQ(l.last_error, "451 4.3.0 try later");
	T_EQ(l.nrcpts, 5);
	T_STREQ(l.rcpts[0].addr, "b@y");
	T_EQ(l.rcpts[0].state, SPOOL_RCPT_PENDING);
	T_STREQ(l.rcpts[1].addr, "c@y");
	T_EQ(l.rcpts[1].state, SPOOL_RCPT_SENT);	/* ID.st and the word */
	T_EQ(l.rcpts[2].state, SPOOL_RCPT_REFUSED);
	T_STREQ(l.rcpts[2].reply, "550 5.1.1 no such user");
	T_EQ(l.rcpts[3].state, SPOOL_RCPT_REFUSED);	/* ID.st only */
	T_OK(l.rcpts[3].reply == NULL);
	T_EQ(l.rcpts[4].state, SPOOL_RCPT_PENDING);
	/* The state is written back over the words in place: the file keeps
	 * its size and its tail, and says what ID.st said. */
	l.rcpts[4].state = SPOOL_RCPT_SENT;
	T_EQ(spool_record(&l), 0);
	T_EQ(fstat(l.fd, &st), 0);
	T_EQ(st.st_size, (off_t)len);
	T_EQ(pread(l.fd, word, 4, l.rcpts[3].line), 4);
	T_MEMEQ(word, 4, "fail", 4);
	T_EQ(pread(l.fd, word, 4, l.rcpts[4].line), 4);
	T_MEMEQ(word, 4, "done", 4);
	T_EQ(pread(l.fd, word, 4, l.rcpts[0].line), 4);
	T_MEMEQ(word, 4, "rcpt", 4);
	spool_release(&l);
	/* Loaded again without its state file, the words alone say it. */
	T_EQ(unlinkat(s.qfd, "0000000001000000001.st", 0), 0);
	T_EQ(spool_load(&s, "0000000001000000001", 0, &l, err, sizeof(err)),
	    0);
	T_EQ(l.rcpts[0].state, SPOOL_RCPT_PENDING);
	T_EQ(l.rcpts[1].state, SPOOL_RCPT_SENT);
	T_EQ(l.rcpts[2].state, SPOOL_RCPT_REFUSED);
	T_EQ(l.rcpts[3].state, SPOOL_RCPT_REFUSED);
	T_EQ(l.rcpts[4].state, SPOOL_RCPT_SENT);
	T_EQ(spool_done(&s, &l), 0);
	spool_release(&l);
}

/* spool_mark writes a word without an fsync (synced cleared); only
 * spool_record makes it durable (synced set). */
TEST(marks_then_records)
{
	struct spool_msg m;
	char word[5];

	T_EQ(commit_one(&m, "x\r\n", "b@y"), 0);
	T_EQ(spool_add_rcpt(&m, "late@y", err, sizeof(err)), 0);
	T_OK(m.rcpts[0].synced && m.rcpts[0].line > 0);
	T_EQ(m.rcpts[1].line, 0);	/* not in the file: never marked */
	m.rcpts[0].state = SPOOL_RCPT_SENT;
	m.rcpts[1].state = SPOOL_RCPT_SENT;
	T_EQ(spool_mark(&m), 0);
	T_EQ(m.rcpts[0].word, SPOOL_RCPT_SENT);
	T_OK(!m.rcpts[0].synced);
	T_EQ(m.rcpts[1].word, SPOOL_RCPT_PENDING);
	T_EQ(pread(m.fd, word, 4, m.rcpts[0].line), 4);
	T_MEMEQ(word, 4, "done", 4);
	T_EQ(spool_record(&m), 0);
	T_OK(m.rcpts[0].synced);
	T_EQ(spool_done(&s, &m), 0);
	drop(&m);
}

/* 1 if the len bytes at p are CR LF lines and nothing else. */
static int
crlf_lines(const char *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if ((p[i] == '\r') != (i + 1 < len && p[i + 1] == '\n') ||
		    (p[i] == '\n' && (i == 0 || p[i - 1] != '\r')))
			return 0;
	return len >= 2 && p[len - 1] == '\n';
}

/* A report copies the original header up to 64 KB: cut right after a
 * CR, it still holds CR LF lines alone, as every spool file must. */
TEST(bounce_header_cut_keeps_crlf)
{
	static char msg[70000], rep[80000];
	struct spool_msg m, b;
	struct conf c;
	size_t n = 0;
	ssize_t r;

	while (n < 65536 - 100) {	/* fields of 100 bytes, CR LF ended */
		n += (size_t)snprintf(msg + n, sizeof(msg) - n, "X-Pad: %091d"
		    "\r\n", 0);
	}
	/* One field whose CR is byte 65535: the last one copied. */
	memset(msg + n, 'y', 65535 - n);
	memcpy(msg + n, "X-End: ", 7);
	memcpy(msg + 65535, "\r\n\r\nbody\r\n", 10);
	n = 65545;
	T_EQ(spool_create(&s, &m, err, sizeof(err)), 0);
	T_EQ(write(m.fd, msg, n), (ssize_t)n);
	m.body_len = (off_t)n;
	T_EQ(spool_set_sender(&m, "a@x", err, sizeof(err)), 0);
	T_EQ(spool_add_rcpt(&m, "b@y", err, sizeof(err)), 0);
	T_EQ(spool_commit(&s, &m, err, sizeof(err)), 0);
	conf_defaults(&c);
	T_EQ(bounce_create(&c, &s, &m, "550 no", &b, err, sizeof(err)), 0);
	r = pread(b.fd, rep, sizeof(rep), 0);
	T_OK(r > 65536 && (off_t)r > b.body_len);
	T_OK(crlf_lines(rep, (size_t)b.body_len));
	spool_done(&s, &b);
	spool_release(&b);
	spool_done(&s, &m);
	drop(&m);
	conf_free(&c);
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
	T_STREQ(l.rcpts[0].addr, "r@y");
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
	RUN(reads_todays_queue_files);
	RUN(marks_then_records);
	RUN(bounce_header_cut_keeps_crlf);
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
