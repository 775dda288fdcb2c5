/* relaymail: a relay-only sendmail. ISC licence, see LICENSE.
 * argv[0] and the flags pick a mode; the settings are read once; each
 * mode hands over to its module (submit, relay, mailq, bsmtp, probe).
 * Exit statuses come from policy.c's table and are returned only here.
 * Silent on success, queued included. */
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

#include "bsmtp.h"
#include "cli.h"
#include "conf.h"
#include "log.h"
#include "mailq.h"
#include "policy.h"
#include "priv.h"
#include "probe.h"
#include "relay.h"
#include "relaymail.h"
#include "spool.h"
#include "submit.h"
#include "util.h"

extern char **environ;

static volatile sig_atomic_t stop;

static void
on_stop(int sig)
{
	(void)sig;
	stop = 1;
}

/* The queue, or when it cannot be written a private spool that lives
 * only while the message is tried. 0, 1 for a private one, -1. */
static int
send_spool(const struct conf *conf, struct spool *s, char *dir, size_t len,
    char *err, size_t errlen)
{
	char why[600];
	const char *base = getegid() != getgid() ? NULL : getenv("TMPDIR");

	dir[0] = '\0';
	if (spool_open(s, conf->queue_dir, 1, why, sizeof(why)) == 0 &&
	    faccessat(s->tmpfd, ".", W_OK, AT_EACCESS) == 0)
		return 0;
	if (s->fd != -1) {
		snprintf(why, sizeof(why), "%s: not writable", conf->queue_dir);
		spool_close(s);
	}
	if (spool_open_private(s, base, dir, len, err, errlen) == -1) {
		snprintf(err, errlen, "%s", why);
		return -1;
	}
	log_warn("queue: %s; trying to deliver without it", why);
	return 1;
}

/* Reads, keeps and relays the message: the exit status. */
static int
send_message(const struct cli *cli, const struct conf *conf, struct spool *s,
    int private)
{
	struct submit sub;
	struct submit_opts o;
	struct relay r;
	struct relay_report rep;
	int i, code = 0;

	submit_init(&sub, conf, s);
	memset(&o, 0, sizeof(o));
	o.ignore_dots = cli->ignore_dots;
	o.from_headers = cli->from_headers;
	o.eightbit = cli->body == CLI_BODY_8BITMIME;
	o.fullname = cli->fullname;
	o.notify = cli->dsn_notify;
	o.ret = cli->dsn_ret;
	o.envid = cli->dsn_envid;
	if (submit_sender(&sub, cli->from) == -1)
		goto fail;
	for (i = 0; i < cli->nrcpts; i++)
		if (submit_rcpt(&sub, cli->rcpts[i]) == -1)
			goto fail;
	if (submit_data(&sub, &o) == -1 || submit_read(&sub, 0) == -1 ||
	    submit_commit(&sub) == -1)
		goto fail;
	/* The message is safe in the queue, and still locked. */
	relay_init(&r, conf, s);
	submit_relay(&sub, &r, &rep);
	submit_reset(&sub);	/* unlocks it */
	switch (rep.out) {
	case OUT_SENT:
		if (!private)	/* the connection is warm: use it */
			relay_flush(&r, 0, conn_now_ms() +
			    RELAY_OPPORTUNISTIC_S * 1000);
		break;
	case OUT_DEFERRED:
		if (private) {
			log_error("cannot queue (%s is not writable) and "
			    "delivery failed: %s", conf->queue_dir, rep.text);
			code = policy_exit(ERR_QUEUE);
		} else
			log_info("id=%s: queued, will retry: %s",
			    submit_id(&sub), rep.text);
		break;
	case OUT_FAILED:
		log_error("%s", rep.text);
		code = rep.exit_status ? rep.exit_status : EX_UNAVAILABLE;
		break;
	}
	relay_end(&r);
	return code;
fail:
	log_error("%s", sub.err);
	code = policy_exit(sub.class);
	submit_reset(&sub);
	return code;
}

static int
send_mode(const struct cli *cli, const struct conf *conf)
{
	struct spool s;
	char err[700], dir[600];
	int private, code;

	if ((private = send_spool(conf, &s, dir, sizeof(dir), err,
	    sizeof(err))) == -1) {
		log_error("queue: %s", err);
		return policy_exit(ERR_QUEUE);
	}
	code = send_message(cli, conf, &s, private);
	if (private)
		spool_remove_private(&s, dir);
	else
		spool_close(&s);
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
	if (!priv_outsider())	/* a user touches only its own files */
		spool_clean_tmp(&s, 60);
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

/* Set-group-ID (or set-user-ID): 1; 0 when not, or when -C dropped the
 * privilege for good (sendmail's rule: another config, no privilege);
 * -1 when it could not be dropped. */
static int
main_privileges(const struct cli *cli)
{
	char err[300];
	int had_config;

	if (!priv_elevated())
		return 0;
	if (cli->conf_path != NULL) {
		/* Before the file is read or a byte comes from the network:
		 * the user picked both, so no parser runs with the group. */
		if (priv_drop(err, sizeof(err)) == -1) {
			log_error("-C: %s", err);
			return -1;
		}
		return 0;
	}
	/* Nothing from the caller's environment may steer what runs with
	 * the group (password_command, TZ, locales): cleared before any
	 * other work, the warning included. */
	had_config = env_has_config();
	clearenv();
	setenv("PATH", "/usr/sbin:/usr/bin:/sbin:/bin", 1);
	if (had_config)
		log_warn("RELAYMAIL_* variables ignored: running set-group-ID "
		    "(use -C, which drops the group)");
	return 1;
}

/* The settings: -C FILE or /etc/sendmail.conf, then the environment
 * (unless privileged). 0, or -1 after saying why. */
static int
main_settings(const struct cli *cli, struct conf *conf, int privileged,
    const char **path)
{
	char err[700];

	conf_defaults(conf);
	*path = cli->conf_path ? cli->conf_path : RELAYMAIL_CONF;
	if (cli->conf_path == NULL && !privileged && env_has_config() &&
	    access(*path, F_OK) == -1) {
		/* A container configured only through the environment. */
	} else if (conf_load(conf, *path, err, sizeof(err)) == -1)
		goto fail;
	if (!privileged && conf_load_env(conf, environ, err, sizeof(err)) == -1)
		goto fail;
	if (conf_finish(conf, err, sizeof(err)) == -1)
		goto fail;
	return 0;
fail:
	log_error("%s", err);
	return -1;
}

static int
test_mode(const struct conf *conf)
{
	struct session sess;
	int code;

	log_init(1, conf->log_file);	/* show the dialogue */
	session_init(&sess, conf, NULL);
	code = probe_run(&sess, stdout) == 0 ? 0 : EX_UNAVAILABLE;
	session_end(&sess);
	return code;
}

static int
run_mode(const struct cli *cli, const struct conf *conf)
{
	switch (cli->mode) {
	case CLI_LIST:
		return list_mode(conf);
	case CLI_FLUSH:
		return flush_mode(cli, conf);
	case CLI_SMTP:
		return bsmtp_run(cli, conf);
	case CLI_TEST:
		return test_mode(conf);
	case CLI_CONFIG:
		conf_print(conf, stdout);
		return 0;
	case CLI_SEND:
		return send_mode(cli, conf);
	default:
		log_error("this mode is not available yet");
		return EX_UNAVAILABLE;
	}
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
		return policy_exit(ERR_USAGE);
	}
	if (cli.mode == CLI_ALIASES)
		return 0;	/* relay-only: no alias database to build */
	if (cli.mode == CLI_VERSION) {
		printf("relaymail %s\n", RELAYMAIL_VERSION);
		return 0;
	}
	if ((privileged = main_privileges(&cli)) == -1)
		return EX_OSERR;
	if (main_settings(&cli, &conf, privileged, &path) == -1) {
		conf_free(&conf);
		return policy_exit(ERR_CONFIG);
	}
	log_init(cli.verbose, conf.log_file);
	/* Private files; set-group-ID, the queue group shares them. */
	umask(privileged ? 007 : 077);
	if (conf_check_perms(&conf, path, err, sizeof(err)))
		log_warn("%s", err);
	code = run_mode(&cli, &conf);
	conf_free(&conf);
	return code;
}
