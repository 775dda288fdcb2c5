/* relaymail: -bs, an SMTP server dialogue on stdin/stdout. ISC licence.
 * For Symfony Mailer, Laravel, Nextcloud and Alpine: HELO/EHLO, MAIL,
 * RCPT, DATA, RSET, NOOP, VRFY, HELP, QUIT, several messages a session.
 * The 250 after DATA is said only once the message is relayed or safely
 * queued; a permanent refusal upstream is that reply instead. */
#ifndef BSMTP_H
#define BSMTP_H

struct cli;
struct conf;

/* Runs the dialogue until QUIT or end of input. Returns an exit status. */
int	 bsmtp_run(const struct cli *, const struct conf *);

#endif
