/* relaymail: a relay-only sendmail. ISC licence, see LICENSE.
 * argv[0] and the flags pick a mode; this file wires cli -> conf ->
 * msg -> spool -> relay and is the only place that turns an outcome into
 * an exit status (sysexits.h). Silent on success, queued included. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "addr.h"
#include "bsmtp.h"
#include "cli.h"
#include "conf.h"
#include "log.h"
#include "mailq.h"
#include "msg.h"
#include "rcpt.h"
#include "relay.h"
#include "relaymail.h"
#include "spool.h"
#include "util.h"

extern char **environ;

/* The file being written, for a SIGINT/SIGTERM that stops us early. */
static int tmp_dirfd = -1;
static char tmp_name[SPOOL_ID_MAX];
static volatile sig_atomic_t stop;

static void
on_signal(int sig)
{
	if (tmp_dirfd != -1 && tmp_name[0] != '\0')
		unlinkat(tmp_dirfd, tmp_name, 0);
	signal(sig, SIG_DFL);
	raise(sig);
}

static void
on_stop(int sig)
{
	(void)sig;
	stop = 1;
}

/* The spool to use: the queue, or when it cannot be written a private
 * one in /tmp that only lives while we try to deliver. */
static int
open_spool(const struct conf *conf, struct spool *s, char *tmpdir,
    size_t tmplen, char *err, size_t errlen)
{
	char why[600];
	const char *base = getenv("TMPDIR");

	tmpdir[0] = '\0';
	if (spool_open(s, conf->queue_dir, 1, why, sizeof(why)) == 0 &&
	    faccessat(s->tmpfd, ".", W_OK, AT_EACCESS) == 0)
		return 0;
	if (s->fd != -1) {
		snprintf(why, sizeof(why), "%s: not writable", conf->queue_dir);
		spool_close(s);
	}
	if (base == NULL || *base != '/' || getegid() != getgid())
		base = "/tmp";
	snprintf(tmpdir, tmplen, "%s/relaymail.XXXXXX", base);
	if (mkdtemp(tmpdir) == NULL ||
	    spool_open(s, tmpdir, 1, err, errlen) == -1) {
		snprintf(err, errlen, "%s", why);
		return -1;
	}
	log_warn("queue: %s; trying to deliver without it", why);
	return 1;
}

static void
remove_tmp_spool(struct spool *s, const char *dir)
{
	static const char *subs[] = { "q", "tmp", "failed" };
	int fds[3] = { s->qfd, s->tmpfd, s->failfd };
	struct dirent *de;
	size_t i;
	DIR *d;

	/* It holds at most our one message and its state file. */
	for (i = 0; i < 3; i++) {
		int fd = openat(fds[i], ".", O_RDONLY | O_DIRECTORY);
		if (fd == -1 || (d = fdopendir(fd)) == NULL)
			continue;
		while ((de = readdir(d)) != NULL)
			if (de->d_name[0] != '.')
				unlinkat(fds[i], de->d_name, 0);
		closedir(d);
		unlinkat(s->fd, subs[i], AT_REMOVEDIR);
	}
	spool_close(s);
	rmdir(dir);
}

static int
sender_of(const struct cli *cli, const struct conf *conf, char *out,
    size_t outlen, char *err, size_t errlen)
{
	char raw[ADDR_MAX + 1];
	struct passwd *pw;

	if (cli->from != NULL) {
		if (addr_sender(cli->from, raw, sizeof(raw), err, errlen) == -1)
			return -1;
	} else if (conf->from != NULL)
		util_strlcpy(raw, conf->from, sizeof(raw));
	else if ((pw = getpwuid(getuid())) != NULL)
		util_strlcpy(raw, pw->pw_name, sizeof(raw));
	else
		snprintf(raw, sizeof(raw), "uid%ld", (long)getuid());
	if (raw[0] == '\0') {
		out[0] = '\0';
		return 0;
	}
	if (rcpts_qualify(conf, raw, out, outlen) == -1) {
		snprintf(err, errlen, "sender address too long");
		return -1;
	}
	return addr_check(out, err, errlen);
}

static const char *
user_fullname(const struct cli *cli)
{
	struct passwd *pw;
	static char name[256];

	if (cli->fullname != NULL)
		return cli->fullname;
	if ((pw = getpwuid(getuid())) == NULL || pw->pw_gecos == NULL)
		return NULL;
	util_strlcpy(name, pw->pw_gecos, sizeof(name));
	name[strcspn(name, ",")] = '\0';	/* GECOS: name,room,phone */
	return name[0] ? name : NULL;
}

static int
send_mode(const struct cli *cli, const struct conf *conf)
{
	struct rcpts argr, tor, resr, *from_hdr;
	struct msg_opts opts;
	struct msg_info info;
	struct spool s;
	struct spool_msg m;
	struct relay r;
	struct relay_report rep;
	char sender[ADDR_MAX + 1], err[700], tmpdir[600];
	int i, werr, tmpspool, code = 0;

	if (sender_of(cli, conf, sender, sizeof(sender), err,
	    sizeof(err)) == -1) {
		log_error("sender: %s", err);
		return EX_DATAERR;
	}
	rcpts_init(&argr, conf);
	rcpts_init(&tor, conf);
	rcpts_init(&resr, conf);
	for (i = 0; i < cli->nrcpts; i++)
		if (addr_has_control(cli->rcpts[i])) {
			log_error("recipient argument %d: contains a control "
			    "character (CR, LF...)", i + 1);
			code = EX_DATAERR;
			goto out_rcpts;
		} else if (rcpts_add_list(&argr, cli->rcpts[i],
		    strlen(cli->rcpts[i]), err, sizeof(err)) == -1) {
			log_error("recipient \"%.100s\": %s", cli->rcpts[i],
			    err);
			code = EX_DATAERR;
			goto out_rcpts;
		}
	if ((tmpspool = open_spool(conf, &s, tmpdir, sizeof(tmpdir), err,
	    sizeof(err))) == -1) {
		log_error("queue: %s", err);
		code = EX_CANTCREAT;
		goto out_rcpts;
	}
	if (spool_create(&s, &m, err, sizeof(err)) == -1) {
		log_error("queue: %s", err);
		code = EX_CANTCREAT;
		goto out_spool;
	}
	tmp_dirfd = s.tmpfd;
	util_strlcpy(tmp_name, m.id, sizeof(tmp_name));

	memset(&opts, 0, sizeof(opts));
	memset(&info, 0, sizeof(info));
	opts.ignore_dots = cli->ignore_dots;
	opts.from_headers = cli->from_headers;
	opts.sender = sender;
	opts.fullname = user_fullname(cli);
	opts.msgid = m.id;
	opts.domain = conf->domain ? conf->domain : util_hostname();
	opts.qualify = conf->domain;
	opts.aliases = conf->naliases > 0 ? conf : NULL;
	if (conf->rewrite_from != CONF_REWRITE_NO && conf->from != NULL) {
		opts.rewrite_from = conf->from;
		opts.rewrite_local = conf->rewrite_from == CONF_REWRITE_LOCAL;
	}
	info.to = &tor;
	info.resent = &resr;
	if (msg_copy(0, m.fd, &opts, &info, &werr, err, sizeof(err)) == -1) {
		log_error("%s", err);
		code = werr ? EX_IOERR : strncmp(err, "reading", 7) == 0 ?
		    EX_IOERR : EX_DATAERR;
		goto out_abort;
	}
	/* -t and argv recipients are united (as Postfix does). */
	from_hdr = info.has_resent ? &resr : &tor;
	for (i = 0; i < from_hdr->n; i++)
		if (rcpts_add_list(&argr, from_hdr->v[i],
		    strlen(from_hdr->v[i]), err, sizeof(err)) == -1) {
			log_error("recipient: %s", err);
			code = EX_DATAERR;
			goto out_abort;
		}
	if (argr.n == 0) {
		log_error("no recipients: give addresses as arguments, or "
		    "use -t to read them from To/Cc/Bcc");
		code = EX_USAGE;
		goto out_abort;
	}
	m.from = sender;
	m.nrcpts = argr.n;
	for (i = 0; i < argr.n; i++) {
		m.rcpts[i] = argr.v[i];
		if (addr_is_utf8(argr.v[i]))
			m.utf8 = 1;
	}
	if (addr_is_utf8(sender))
		m.utf8 = 1;
	m.eightbit = info.eightbit || cli->body == CLI_BODY_8BITMIME;
	m.notify = (char *)cli->dsn_notify;
	m.ret = (char *)cli->dsn_ret;
	m.envid = (char *)cli->dsn_envid;
	m.body_len = info.size;
	if (info.nuls || info.bare_cr || info.split)
		log_info("id=%s: input repaired: %d NUL removed, %d bare CR "
		    "removed, %d lines cut at 998 octets", m.id, info.nuls,
		    info.bare_cr, info.split);
	if (spool_commit(&s, &m, err, sizeof(err)) == -1) {
		/* spool_commit has removed the file. */
		tmp_name[0] = '\0';
		log_error("queue: %s", err);
		code = EX_IOERR;
		m.from = NULL;
		m.nrcpts = 0;
		m.notify = m.ret = m.envid = NULL;
		goto out_spool;
	}
	tmp_name[0] = '\0';
	/* The message is safe in q/, and still locked by m.fd. */
	relay_init(&r, conf, &s);
	r.interactive = 1;	/* our exit status tells of a failure */
	relay_message(&r, &m, &rep);
	r.interactive = 0;
	/* m borrows sender and recipients from here: release only the
	 * descriptor, and with it the lock. */
	m.from = NULL;
	m.nrcpts = 0;
	m.notify = m.ret = m.envid = NULL;
	spool_release(&m);
	switch (rep.out) {
	case OUT_SENT:
		if (!tmpspool)	/* the connection is warm: use it */
			relay_flush(&r, 0, conn_now_ms() +
			    RELAY_OPPORTUNISTIC_S * 1000);
		break;
	case OUT_DEFERRED:
		if (tmpspool) {
			log_error("cannot queue (%s is not writable) and "
			    "delivery failed: %s", conf->queue_dir, rep.text);
			code = EX_CANTCREAT;
		} else
			log_info("id=%s: queued, will retry: %s", m.id,
			    rep.text);
		break;
	case OUT_FAILED:
		log_error("%s", rep.text);
		code = rep.exit_code ? rep.exit_code : EX_UNAVAILABLE;
		break;
	}
	relay_end(&r);
	goto out_spool;
out_abort:
	tmp_name[0] = '\0';
	spool_abort(&s, &m);
out_spool:
	if (tmpspool)
		remove_tmp_spool(&s, tmpdir);
	else
		spool_close(&s);
out_rcpts:
	rcpts_free(&argr);
	rcpts_free(&tor);
	rcpts_free(&resr);
	return code;
}

static int
flush_mode(const struct cli *cli, const struct conf *conf)
{
	struct spool s;
	struct relay r;
	char err[600];

	if (spool_open(&s, conf->queue_dir, 1, err, sizeof(err)) == -1) {
		log_error("queue: %s", err);
		return EX_CANTCREAT;
	}
	spool_clean_tmp(&s, 86400);
	signal(SIGTERM, on_stop);
	signal(SIGINT, on_stop);
	do {
		relay_init(&r, conf, &s);
		/* A plain -q is the administrator asking: try them all. */
		relay_flush(&r, cli->queue_interval == 0, 0);
		relay_end(&r);
		if (cli->queue_interval > 0 && !stop)
			sleep((unsigned)cli->queue_interval);
	} while (cli->queue_interval > 0 && !stop);
	spool_close(&s);
	return 0;
}

static int
list_mode(const struct conf *conf)
{
	struct spool s;
	char err[600];

	if (spool_open(&s, conf->queue_dir, 0, err, sizeof(err)) == -1) {
		if (errno == ENOENT || access(conf->queue_dir, F_OK) == -1) {
			printf("Mail queue is empty\n");
			return 0;
		}
		log_error("queue: %s", err);
		return EX_NOINPUT;
	}
	mailq_print(&s, stdout);
	spool_close(&s);
	return 0;
}

static int
env_has_config(void)
{
	char **e;

	for (e = environ; *e != NULL; e++)
		if (strncmp(*e, "RELAYMAIL_", 10) == 0)
			return 1;
	return 0;
}

int
main(int argc, char *argv[])
{
	struct cli cli;
	struct conf conf;
	const char *path;
	char err[700];
	int privileged, code;

	if (util_fds() == -1)
		return EX_OSERR;
	signal(SIGPIPE, SIG_IGN);
	if (cli_parse(&cli, argc, argv, err, sizeof(err)) == -1) {
		log_error("%s", err);
		return EX_USAGE;
	}
	if (cli.mode == CLI_ALIASES)
		return 0;	/* relay-only: no alias database to build */
	if (cli.mode == CLI_VERSION) {
		printf("relaymail %s\n", RELAYMAIL_VERSION);
		return 0;
	}
	privileged = getegid() != getgid() || geteuid() != getuid();
	if (privileged && cli.conf_path != NULL) {
		/* sendmail's rule: another config means no privilege. */
		if (setgid(getgid()) == -1 || setuid(getuid()) == -1) {
			log_error("-C: cannot drop privileges");
			return EX_OSERR;
		}
		privileged = 0;
	}
	if (privileged) {
		/* Set-group-ID: nothing from the caller's environment may
		 * steer what runs with the group (password_command). */
		if (env_has_config())
			log_warn("RELAYMAIL_* variables ignored: running "
			    "set-group-ID (use -C, which drops the group)");
		clearenv();
		setenv("PATH", "/usr/sbin:/usr/bin:/sbin:/bin", 1);
	}
	conf_defaults(&conf);
	path = cli.conf_path ? cli.conf_path : RELAYMAIL_CONF;
	if (cli.conf_path == NULL && !privileged && env_has_config() &&
	    access(path, F_OK) == -1) {
		/* A container configured only through the environment. */
	} else if (conf_load(&conf, path, err, sizeof(err)) == -1) {
		log_error("%s", err);
		conf_free(&conf);
		return EX_CONFIG;
	}
	if (!privileged && (conf_load_env(&conf, environ, err,
	    sizeof(err)) == -1 || conf_finish(&conf, err, sizeof(err)) == -1)) {
		log_error("%s", err);
		conf_free(&conf);
		return EX_CONFIG;
	}
	log_init(cli.verbose, conf.log_file);
	/* Private files; set-group-ID, the queue group shares them. */
	umask(privileged ? 007 : 077);
	if (conf_check_perms(&conf, path, err, sizeof(err)))
		log_warn("%s", err);
	switch (cli.mode) {
	case CLI_LIST:
		code = list_mode(&conf);
		break;
	case CLI_FLUSH:
		code = flush_mode(&cli, &conf);
		break;
	case CLI_SMTP:
		code = bsmtp_run(&cli, &conf);
		break;
	case CLI_TEST: {
		struct relay r;
		log_init(1, conf.log_file);	/* show the dialogue */
		relay_init(&r, &conf, NULL);
		code = relay_probe(&r, stdout) == 0 ? 0 : EX_UNAVAILABLE;
		relay_end(&r);
		break;
	}
	case CLI_CONFIG:
		conf_print(&conf, stdout);
		code = 0;
		break;
	case CLI_SEND:
		signal(SIGINT, on_signal);
		signal(SIGTERM, on_signal);
		signal(SIGHUP, on_signal);
		code = send_mode(&cli, &conf);
		break;
	default:
		log_error("this mode is not available yet");
		code = EX_UNAVAILABLE;
		break;
	}
	conf_free(&conf);
	return code;
}
