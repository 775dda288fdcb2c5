/* relaymail: shared constants. ISC licence, see LICENSE.
 * Version, default paths, limits that several modules agree on, and the
 * outcome of a delivery attempt. Nothing here allocates or does I/O. */
#ifndef RELAYMAIL_H
#define RELAYMAIL_H

#define RELAYMAIL_VERSION	"0.1"
#define RELAYMAIL_CONF		"/etc/sendmail.conf"
#define RELAYMAIL_QUEUE		"/var/spool/relaymail"
#define RELAYMAIL_CA_FILE	"/etc/ssl/certs/ca-certificates.crt"
#define RELAYMAIL_IDENT		"relaymail"

/* RFC 5321 4.5.3.1: path 256 octets, local part 64, domain 255. */
#define ADDR_MAX		256
/* RFC 5321 4.5.3.1.6: a text line is at most 998 octets plus CRLF. */
#define LINE_MAX_OCTETS		998

/* What became of one message (or one recipient) after an attempt. */
enum outcome {
	OUT_SENT,	/* 250 after DATA: handed off */
	OUT_DEFERRED,	/* temporary: stays queued, retried later */
	OUT_FAILED	/* permanent: moved to failed/, reported */
};

/* The class of a failure, kept beside its sentence so that no caller
 * recovers it by matching words. policy.c alone maps it to an outcome
 * (policy_attempt) and an exit status (policy_exit); elsewhere it is
 * passed up, or tested for one decision at a time (a deferral for the
 * settings is said as a warning; after a protocol error no reply of the
 * transaction is trusted). */
enum err_class {
	ERR_NONE = 0,
	ERR_USAGE,	/* the command line */
	ERR_CONFIG,	/* the settings: a key, a missing or unreadable file,
			 * credentials or a certificate the server refuses */
	ERR_DATA,	/* the message or an address: retrying cannot help */
	ERR_INPUT,	/* reading the message from the caller failed */
	ERR_QUEUE,	/* the queue cannot be opened or a file created */
	ERR_IO,		/* writing the queue failed (disk full) */
	ERR_TEMP,	/* a passing condition (network, resources): retry */
	ERR_PROTO	/* the server broke the protocol: drop it, retry */
};

#endif
