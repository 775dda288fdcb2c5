/* relaymail: a relay-only sendmail. ISC licence, see LICENSE.
 * argv[0] and the flags pick a mode; the settings are read once; each
 * mode hands over to its module (submit, relay, mailq, bsmtp, probe).
 * Exit statuses come from policy.c's table and are returned only here.
 * Silent on success, queued included. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
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
#include "admin.h"
#include "aliases.h"
#include "bsmtp.h"
#include "cli.h"
#include "conf.h"
#include "configure.h"
#include "cred.h"
#include "dns.h"
#include "flush.h"
#include "handoff.h"
#include "health.h"
#include "journal.h"
#include "log.h"
#include "mailq.h"
#include "oauth.h"
#include "policy.h"
#include "priv.h"
#include "probe.h"
#include "relay.h"
#include "relaymail.h"
#include "runner.h"
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

/* Reads the message and hands it over (handoff.c): the exit status. */
static int
send_message(const struct cli *cli, const struct conf *conf, struct spool *s)
{
	struct handoff h;
	struct handoff_answer ans;
	struct submit sub;
	struct submit_opts o;
	int i;

	handoff_init(&h, conf, s, 0, cli->delivery == CLI_DELIVER_BACKGROUND,
	    cli->delivery == CLI_DELIVER_QUEUE);
	submit_init(&sub, conf, s);
	memset(&o, 0, sizeof(o));
	o.ignore_dots = cli->ignore_dots;
	o.from_headers = cli->from_headers;
	o.eightbit = cli->body == CLI_BODY_8BITMIME;
	o.fullname = cli->fullname;
	o.notify = cli->dsn_notify;
	o.ret = cli->dsn_ret;
	o.envid = cli->dsn_envid;
	/* A step that fails leaves its error in sub: the answer. */
	if (submit_sender(&sub, cli->from) == 0) {
		for (i = 0; i < cli->nrcpts; i++)
			if (submit_rcpt(&sub, cli->rcpts[i]) == -1)
				break;
		if (i == cli->nrcpts && submit_data(&sub, &o) == 0)
			(void)submit_read(&sub, 0);
	}
	if (handoff_message(&h, &sub, &ans) == 1)
		return 0;	/* the worker, done */
	return ans.status;
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
	code = send_message(cli, conf, &s);
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
	int i, left = 0;

	if (spool_open(&s, conf->queue_dir, 1, err, sizeof(err)) == -1) {
		log_error("queue: %s", err);
		return EX_CANTCREAT;
	}
	if (cli->delivery == CLI_DELIVER_BACKGROUND && cli->queue_interval == 0 &&
	    !cli->queue_match) {
		/* -q -odb: the run goes on in the background runner. */
		spool_close(&s);
		runner_ensure(conf);
		return 0;
	}
	if (!priv_outsider()) {	/* a user touches only its own files */
		spool_clean_tmp(&s, 60);
		admin_expire(&s, conf->failed_max_age);
	}
	signal(SIGTERM, on_stop);
	signal(SIGINT, on_stop);
	do {
		/* [relay], then each route, over its own connections. */
		for (i = -1, left = 0; i < conf->nroutes && !stop; i++) {
			relay_init(&r, i < 0 ? conf : conf->routes[i], &s);
			r.filter = cli->queue_match ? &filter : NULL;
			/* A plain -q is the administrator asking: try them
			 * all. */
			flush_queue(&r, cli->queue_interval == 0, 0);
			left |= flush_next_due(&r) != -1;
			relay_end(&r);
		}
		if (cli->queue_interval > 0 && !stop)
			sleep((unsigned)cli->queue_interval);
	} while (cli->queue_interval > 0 && !stop);
	spool_close(&s);
	if (left && cli->queue_interval == 0)
		runner_ensure(conf);	/* what is left goes on by itself */
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
		log_user_warning("RELAYMAIL_* variables ignored: running "
		    "set-group-ID (use -C, which drops the group)");
	return 1;
}

/* 1 for the modes that need a smart host configured: not those that
 * only read the queue (--health says "unhealthy" without one). */
static int
main_needs_host(const struct cli *cli)
{
	switch (cli->mode) {
	case CLI_LIST:
	case CLI_COUNT:
	case CLI_JOURNAL:
		return 0;
	default:
		return 1;
	}
}

/* The settings: -C FILE or /etc/sendmail.conf, then the environment
 * (unless privileged). 0; 1 for a queue run with no smart host
 * configured (nothing to do: the timer and the cron job run -q whatever
 * the settings); or -1 with why in err. */
static int
main_settings(const struct cli *cli, struct conf *conf, int privileged,
    const char **path, char *err, size_t errlen)
{
	conf_defaults(conf);
	*path = cli->conf_path ? cli->conf_path : RELAYMAIL_CONF;
	if (cli->conf_path == NULL && !privileged && env_has_config() &&
	    access(*path, F_OK) == -1) {
		/* A container configured only through the environment. */
	} else if (conf_load(conf, *path, err, errlen) == -1)
		return -1;
	if (!privileged && conf_load_env(conf, environ, err, errlen) == -1)
		return -1;
	if (conf_finish(conf, err, errlen) == -1)
		return -1;
	if (main_needs_host(cli) && conf_need_host(conf, err, errlen) == -1)
		return cli->mode == CLI_FLUSH ? 1 : -1;
	return 0;
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

/* -bt: the summary on stdout; the dialogue with -v. */
static int
test_mode(const struct cli *cli, const struct conf *conf)
{
	const struct conf *one;
	int i, bad = 0;

	if (cli->nrcpts > 0) {	/* -bt NAME: that route alone */
		if ((one = conf_route_named(conf, cli->rcpts[0])) == NULL) {
			log_error("-bt %s: no [route %s] in the settings",
			    cli->rcpts[0], cli->rcpts[0]);
			return EX_USAGE;
		}
		return probe_main(one, stdout) == 0 ? 0 : EX_UNAVAILABLE;
	}
	/* [relay], then every route, each said before its lines. */
	for (i = -1; i < conf->nroutes; i++) {
		if (conf->nroutes > 0)
			printf("%s[%s%s]\n", i < 0 ? "" : "\n", i < 0 ? "relay" :
			    "route ", i < 0 ? "" : conf->routes[i]->route);
		if (probe_main(i < 0 ? conf : conf->routes[i], stdout) != 0)
			bad = 1;
	}
	return bad ? EX_UNAVAILABLE : 0;
}

/* --journal [WORD]: the delivery journal's lines, those for WORD (an
 * id or an address) only; 1 when none matched, as grep. */
static int
journal_mode(const struct cli *cli, const struct conf *conf)
{
	struct spool s;
	char err[600];
	int n;

	if (spool_open(&s, conf->queue_dir, 0, err, sizeof(err)) == -1) {
		log_error("queue: %s", err);
		return EX_NOINPUT;
	}
	n = journal_show(&s, cli->nrcpts > 0 ? cli->rcpts[0] : NULL, stdout);
	spool_close(&s);
	if (n == -1) {
		log_error("%s: no delivery journal yet ([queue] journal_size)",
		    conf->queue_dir);
		return EX_NOINPUT;
	}
	return n > 0 ? 0 : 1;
}

/* --health[=AGE]: one line on stdout; 0 healthy, 1 not (as a container
 * HEALTHCHECK wants). Never touches the network. */
static int
health_mode(const struct cli *cli, const struct conf *conf)
{
	char line[800];
	int r;

	r = health_check(conf, cli->health_age > 0 ? cli->health_age :
	    HEALTH_MAX_AGE_S, line, sizeof(line));
	printf("%s\n", line);
	return r == 0 ? 0 : 1;
}

/* --oauth-login: the one-time sign-in that saves a refresh token. */
static int
oauth_login_mode(const struct cli *cli, const struct conf *conf)
{
	enum oauth_flow flow = cli->login == CLI_LOGIN_CODE ? OAUTH_FLOW_CODE :
	    cli->login == CLI_LOGIN_DEVICE ? OAUTH_FLOW_DEVICE :
	    OAUTH_FLOW_AUTO;
	char err[700];

	if (oauth_login(conf, flow, stdout, err, sizeof(err)) == -1) {
		log_error("%s", err);
		return priv_outsider() ? EX_NOPERM : conf_oauth_on(conf) ?
		    EX_UNAVAILABLE : EX_CONFIG;
	}
	return 0;
}

/* --configure's resolver: dns_lookup, each answer said with -v. */
static enum dns_status
main_lookup(void *arg, const char *qname, int qtype, struct dns_answer *a)
{
	const char *type = qtype == DNS_T_MX ? "MX" : "SRV";
	int i;

	(void)arg;
	switch (dns_lookup(qname, qtype, a)) {
	case DNS_FOUND:
		for (i = 0; i < a->n; i++)
			if (qtype == DNS_T_MX)
				log_verbose("DNS: %s MX %u %s", qname,
				    a->rr[i].pref, a->rr[i].host);
			else
				log_verbose("DNS: %s SRV %u %u %u %s", qname,
				    a->rr[i].pref, a->rr[i].weight,
				    a->rr[i].port, a->rr[i].host);
		break;
	case DNS_NODATA:
		log_verbose("DNS: %s %s: no such record", qname, type);
		break;
	case DNS_NXDOMAIN:
		log_verbose("DNS: %s %s: no such name", qname, type);
		break;
	case DNS_FAIL:
		log_verbose("DNS: %s %s: %s", qname, type, a->why);
		break;
	}
	return a->status;
}

/* --configure ADDRESS [--route NAME] [-C FILE --write]: the section for
 * the address, on stdout or into a new file. It reads no settings and
 * needs no privilege: the group is dropped before the DNS is asked, and
 * serves only to give the new file to it when root writes one, as make
 * install gives /etc/sendmail.conf. */
static int
configure_mode(const struct cli *cli)
{
	struct configure cf;
	struct group *gr;
	struct stat st;
	char err[700], found[1200];
	const char *shown = addr_has_control(cli->configure) ? "(the address)" :
	    cli->configure;
	long group = geteuid() == 0 && getegid() != getgid() ?
	    (long)getegid() : -1;

	log_init(cli->verbose, NULL);
	if (priv_elevated() && priv_drop(err, sizeof(err)) == -1) {
		log_error("--configure: %s", err);
		return EX_OSERR;
	}
	if (cli->route != NULL && configure_route_ok(cli->route) == -1) {
		log_error("--route: a route's name is 1 to %d letters, digits, "
		    "'-' or '_'", CONFIGURE_ROUTE_MAX);
		return policy_exit(ERR_USAGE);
	}
	switch (configure_find(&cf, cli->configure, main_lookup, NULL)) {
	case CONFIGURE_FOUND:
		break;
	case CONFIGURE_BAD_ADDRESS:
		log_error("--configure %s: %s", shown, cf.why);
		return policy_exit(ERR_DATA);
	default:	/* none found, or the DNS did not answer */
		log_error("--configure %s: %s", shown, cf.why);
		return EX_UNAVAILABLE;
	}
	configure_source_text(&cf, found, sizeof(found));
	log_verbose("%s: %s", cli->configure, found);
	if (!cli->write) {
		configure_print(&cf, cli->route, stdout);
		return fflush(stdout) == EOF ? EX_IOERR : 0;
	}
	if (configure_save(&cf, cli->route, cli->conf_path, group, err,
	    sizeof(err)) == -1) {
		log_error("--write: %s", err);
		return EX_CANTCREAT;
	}
	if (stat(cli->conf_path, &st) == 0)
		printf("wrote %s (mode %04o, group %s): fill in what its "
		    "comments ask for, then test it with: sendmail -C %s -bt\n",
		    cli->conf_path, (unsigned)(st.st_mode & 07777),
		    (gr = getgrgid(st.st_gid)) != NULL ? gr->gr_name : "?",
		    cli->conf_path);
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
		return test_mode(cli, conf);
	case CLI_COUNT:
	case CLI_MSG:
		return queue_admin_mode(cli, conf);
	case CLI_CONFIG:
		conf_print(conf, stdout);
		return 0;
	case CLI_SEND:
		return send_mode(cli, conf);
	case CLI_OAUTH_LOGIN:
		return oauth_login_mode(cli, conf);
	case CLI_JOURNAL:
		return journal_mode(cli, conf);
	case CLI_HEALTH:
		return health_mode(cli, conf);
	default:
		log_error("this mode is not available yet");
		return EX_UNAVAILABLE;
	}
}

/* 1 for the modes that may talk to the smart host. */
static int
main_connects(const struct cli *cli)
{
	switch (cli->mode) {
	case CLI_SEND:
	case CLI_SMTP:
	case CLI_FLUSH:
	case CLI_TEST:
		return 1;
	case CLI_MSG:
		return cli->msg_op == CLI_MSG_RUN;
	default:
		return 0;
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
	if (cli.mode == CLI_CONFIGURE)	/* reads no settings */
		return configure_mode(&cli);
	if ((privileged = main_privileges(&cli)) == -1)
		return EX_OSERR;
	if (cli.mode == CLI_ALIASES)
		return newaliases_mode(&cli);
	if ((code = main_settings(&cli, &conf, privileged, &path, err,
	    sizeof(err))) != 0) {
		conf_free(&conf);
		if (code == 1)		/* -q with nothing configured */
			return 0;
		if (cli.mode == CLI_HEALTH) {	/* one line, on stdout */
			printf("unhealthy: %s\n", err);
			return 1;
		}
		log_error("%s", err);
		return policy_exit(ERR_CONFIG);
	}
	log_init(cli.verbose, conf.log_file);
	/* Private files; set-group-ID, the queue group shares them. */
	umask(privileged ? 007 : 077);
	if (conf.log_stderr)
		log_to_stderr(1);
	if (cred_check_perms(&conf, path, err, sizeof(err)))
		log_user_warning("%s", err);
	/* Before any network wait, so that a caller that leaves after
	 * [relay] wait has read it. */
	if (main_connects(&cli) && conf_mode_warning(&conf, err, sizeof(err)))
		log_user_warning("%s", err);
	code = run_mode(&cli, &conf);
	conf_free(&conf);
	return code;
}
