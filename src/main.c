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

#include "admin.h"
#include "aliases.h"
#include "bsmtp.h"
#include "cli.h"
#include "conf.h"
#include "cred.h"
#include "detach.h"
#include "log.h"
#include "mailq.h"
#include "oauth.h"
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

/* What the caller hears once its message was kept, and the exit
 * status: silent when sent or queued for a passing reason (a terminal
 * gets one line); one warning when the settings keep it from going or
 * when some recipients refused it; the error when all of them did. */
static int
send_outcome(const struct conf *conf, const char *id,
    const struct relay_report *rep, int private)
{
	switch (rep->out) {
	case OUT_SENT:
		return 0;
	case OUT_DEFERRED:
		if (private) {
			log_error("cannot queue (%s is not writable) and "
			    "delivery failed: %s", conf->queue_dir, rep->text);
			return policy_exit(ERR_QUEUE);
		}
		if (rep->class == ERR_CONFIG)
			log_warning("queued, not sent (%s): %s; \"sendmail -bt\" "
			    "tests the settings", id, rep->text);
		else
			log_tty("queued (%s): %s", id, rep->text);
		return 0;
	case OUT_FAILED:
		break;
	}
	if (rep->partial) {
		/* Never non-zero: the others have it, and a caller that
		 * retries would send it to them again. */
		log_warning("sent, but %s; kept in failed/ as %s and reported "
		    "to the sender", rep->text, id);
		return 0;
	}
	log_error("%s", rep->text);
	return rep->exit_status ? rep->exit_status : EX_UNAVAILABLE;
}

/* The first attempt over r (initialised, perhaps connected already),
 * what the caller hears (through d when in a worker; an outcome nobody
 * heard is the sender's: a bounce), then the other due messages over
 * the warm connection. The exit status. */
static int
send_attempt(const struct conf *conf, struct submit *sub, struct detach *d,
    int private, struct relay *r)
{
	struct relay_report rep;
	struct detach_report dr;
	char id[SPOOL_ID_MAX];
	int code;

	r->defer_sync = d != NULL;	/* the caller's answer first */
	submit_relay(sub, r, &rep);
	util_strlcpy(id, submit_id(sub), sizeof(id));
	code = send_outcome(conf, id, &rep, private);
	if (d != NULL) {
		memset(&dr, 0, sizeof(dr));
		dr.out = rep.out;
		dr.status = code;
		if (detach_report(d, &dr) == -1 && rep.out == OUT_FAILED &&
		    !rep.partial)
			relay_bounce(r, &sub->msg, rep.text);
		detach_end(d);
	}
	relay_sync(r);
	submit_reset(sub);	/* unlocks it */
	if (rep.out == OUT_SENT && !private)	/* the connection is warm */
		relay_flush(r, 0, conn_now_ms() + RELAY_OPPORTUNISTIC_S * 1000);
	relay_end(r);
	return code;
}

/* A message that could not be kept: its error, the exit status. */
static int
send_failed(struct submit *sub)
{
	int code;

	log_error("%s", sub->err);
	code = policy_exit(sub->class);
	submit_reset(sub);
	return code;
}

/* A sealed message, locked: a worker starts connecting while the caller
 * makes the message durable (the promise point, submit_durable), then
 * makes the attempt, and the caller waits for it at most [relay] wait
 * (-odb: not at all). */
static int
send_detached(const struct cli *cli, const struct conf *conf,
    struct submit *sub)
{
	struct detach d;
	struct detach_report rep;
	struct relay r;
	char id[SPOOL_ID_MAX], err[300];
	int wait = cli->delivery == CLI_DELIVER_BACKGROUND ? 0 : conf->wait;

	switch (detach_start(&d, err, sizeof(err))) {
	case 0:
		/* Connect, TLS and AUTH while the caller's disk makes the
		 * message durable; nothing of it is sent before that. */
		relay_init(&r, conf, sub->spool);
		(void)session_open(&r.sess);
		if (detach_await_go(&d) == 1)
			send_attempt(conf, sub, &d, 0, &r);
		else {
			relay_end(&r);
			submit_reset(sub);	/* forgets; removes nothing */
		}
		return 0;
	case -1:
		log_warn("cannot deliver in the background (%s): delivering "
		    "while the caller waits", err);
		if (submit_durable(sub) == -1)
			return send_failed(sub);
		relay_init(&r, conf, sub->spool);
		return send_attempt(conf, sub, NULL, 0, &r);
	}
	if (submit_durable(sub) == -1) {
		detach_go(&d, 0);
		detach_end(&d);
		return send_failed(sub);
	}
	detach_go(&d, 1);
	util_strlcpy(id, submit_id(sub), sizeof(id));
	/* Closes our descriptor only: the lock is the worker's now (flock
	 * belongs to the open file, which the worker holds too). */
	submit_reset(sub);
	if (detach_wait(&d, wait, &rep) == 1) {
		detach_end(&d);
		return rep.status;
	}
	log_info("id=%s detached after %ds", id, wait);
	return 0;
}

/* Reads, keeps and relays the message: the exit status. */
static int
send_message(const struct cli *cli, const struct conf *conf, struct spool *s,
    int private)
{
	struct submit sub;
	struct submit_opts o;
	struct relay r;
	int i;

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
	if (submit_data(&sub, &o) == -1 || submit_read(&sub, 0) == -1)
		goto fail;
	if (!private && cli->delivery != CLI_DELIVER_QUEUE) {
		if (submit_seal(&sub) == -1)
			goto fail;
		return send_detached(cli, conf, &sub);
	}
	if (submit_commit(&sub) == -1)
		goto fail;
	/* The message is safe in the queue, and still locked. */
	if (private) {	/* nothing kept once we exit: the caller waits */
		relay_init(&r, conf, s);
		return send_attempt(conf, &sub, NULL, 1, &r);
	}
	log_info("id=%s: queued for the next queue run (-odq)",
	    submit_id(&sub));
	submit_reset(&sub);
	return 0;
fail:
	return send_failed(&sub);
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
	struct relay_filter filter = { cli->queue_match == 'I' ?
	    RELAY_MATCH_ID : cli->queue_match == 'S' ? RELAY_MATCH_SENDER :
	    RELAY_MATCH_RCPT, cli->queue_match_str };
	char err[600];

	if (spool_open(&s, conf->queue_dir, 1, err, sizeof(err)) == -1) {
		log_error("queue: %s", err);
		return EX_CANTCREAT;
	}
	if (!priv_outsider()) {	/* a user touches only its own files */
		spool_clean_tmp(&s, 60);
		admin_expire(&s, conf->failed_max_age);
	}
	signal(SIGTERM, on_stop);
	signal(SIGINT, on_stop);
	do {
		relay_init(&r, conf, &s);
		r.filter = cli->queue_match ? &filter : NULL;
		/* A plain -q is the administrator asking: try them all. */
		relay_flush(&r, cli->queue_interval == 0, 0);
		relay_end(&r);
		if (cli->queue_interval > 0 && !stop)
			sleep((unsigned)cli->queue_interval);
	} while (cli->queue_interval > 0 && !stop);
	spool_close(&s);
	return 0;
}

/* Whose messages mailq and -bpc show: a user outside the group sees
 * only its own (PRIVILEGES in sendmail(8)). */
static uid_t
main_whose(void)
{
	return priv_outsider() ? getuid() : MAILQ_EVERYONE;
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
	mailq_print(&s, main_whose(), stdout);
	spool_close(&s);
	return 0;
}

/* -bpc, -M, -Mrm, -Mg. An unknown id is the caller's mistake (66); a
 * message being delivered can be named again later (75). */
static int
queue_admin_mode(const struct cli *cli, const struct conf *conf)
{
	struct admin_result res;
	struct spool s;
	char err[600];
	int n;

	if (spool_open(&s, conf->queue_dir, 0, err, sizeof(err)) == -1) {
		if (cli->mode == CLI_COUNT && access(conf->queue_dir, F_OK)) {
			printf("0\n");
			return 0;
		}
		log_error("queue: %s", err);
		return EX_NOINPUT;
	}
	if (cli->mode == CLI_COUNT) {
		if ((n = mailq_count(&s, main_whose())) >= 0)
			printf("%d\n", n);
		else
			log_error("queue: %s: cannot be read", conf->queue_dir);
		spool_close(&s);
		return n >= 0 ? 0 : EX_NOINPUT;
	}
	admin_messages(conf, &s, cli->msg_op, cli->rcpts, cli->nrcpts, stdout,
	    &res);
	spool_close(&s);
	return res.unknown ? EX_NOINPUT : res.errors ? EX_IOERR : res.busy ?
	    EX_TEMPFAIL : 0;
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
		log_warning("RELAYMAIL_* variables ignored: running set-group-ID "
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

static void
main_alias_error(void *arg, const char *line)
{
	(void)arg;
	log_error("%s", line);
}

/* newaliases, -bi: no database to build; checks the aliases file and
 * [aliases], and works before a smart host is configured. */
static int
newaliases_mode(const struct cli *cli)
{
	struct conf conf;
	struct aliases_report rep;
	const char *path = cli->conf_path ? cli->conf_path : RELAYMAIL_CONF;
	char err[700];

	conf_defaults(&conf);
	if ((cli->conf_path != NULL || access(path, F_OK) == 0) &&
	    conf_load(&conf, path, err, sizeof(err)) == -1) {
		log_error("%s", err);
		conf_free(&conf);
		return policy_exit(ERR_CONFIG);
	}
	aliases_check(&conf, main_alias_error, NULL, &rep);
	if (cli->verbose)
		printf("%s: %d aliases, %d errors\n", rep.path ? rep.path :
		    "no aliases file", rep.naliases, rep.nerrors);
	conf_free(&conf);
	/* Lines left out are said above, but not an error: packages run
	 * newaliases from their scripts, and the other lines work. */
	return rep.unreadable ? policy_exit(ERR_CONFIG) : 0;
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

/* --oauth-login: the one-time sign-in that saves a refresh token. */
static int
oauth_login_mode(const struct conf *conf)
{
	char err[700];

	if (oauth_login(conf, stdout, err, sizeof(err)) == -1) {
		log_error("%s", err);
		return priv_outsider() ? EX_NOPERM : conf_oauth_on(conf) ?
		    EX_UNAVAILABLE : EX_CONFIG;
	}
	return 0;
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
	case CLI_COUNT:
	case CLI_MSG:
		return queue_admin_mode(cli, conf);
	case CLI_CONFIG:
		conf_print(conf, stdout);
		return 0;
	case CLI_SEND:
		return send_mode(cli, conf);
	case CLI_OAUTH_LOGIN:
		return oauth_login_mode(conf);
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
	if (cli_wants_help(argc, argv)) {
		fputs(cli_usage(), stdout);
		return 0;
	}
	if (cli_parse(&cli, argc, argv, err, sizeof(err)) == -1) {
		log_error("%s (sendmail --help lists the options)", err);
		return policy_exit(ERR_USAGE);
	}
	if (cli.mode == CLI_VERSION) {
		printf("relaymail %s\n", RELAYMAIL_VERSION);
		return 0;
	}
	if ((privileged = main_privileges(&cli)) == -1)
		return EX_OSERR;
	if (cli.mode == CLI_ALIASES)
		return newaliases_mode(&cli);
	if (main_settings(&cli, &conf, privileged, &path) == -1) {
		conf_free(&conf);
		return policy_exit(ERR_CONFIG);
	}
	log_init(cli.verbose, conf.log_file);
	/* Private files; set-group-ID, the queue group shares them. */
	umask(privileged ? 007 : 077);
	if (conf.log_stderr)
		log_to_stderr(1);
	if (cred_check_perms(&conf, path, err, sizeof(err)))
		log_warning("%s", err);
	code = run_mode(&cli, &conf);
	conf_free(&conf);
	return code;
}
