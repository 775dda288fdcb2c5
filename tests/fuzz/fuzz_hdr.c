/* relaymail: libFuzzer target for the header scanner and the message
 * copier that drives it (stdin -> spool bytes). ISC licence. */
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hdr.h"
#include "msg.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct msg_opts o;
	struct msg_info info;
	struct rcpts to, resent;
	struct msg_copier *m;
	char err[256];
	int fd = open("/dev/null", 1);
	enum err_class werr;

	memset(&o, 0, sizeof(o));
	memset(&info, 0, sizeof(info));
	o.from_headers = 1;
	o.ignore_dots = size > 0 && (data[0] & 1);
	o.sender = "a@example.org";
	o.msgid = "ID";
	o.domain = "example.org";
	rcpts_init(&to, NULL, NULL);
	rcpts_init(&resent, NULL, NULL);
	info.to = &to;
	info.resent = &resent;
	if ((m = msg_begin(fd, &o, &info, err, sizeof(err))) != NULL) {
		/* Two pieces, to cross a boundary anywhere. */
		size_t half = size / 2;
		msg_feed(m, data, half);
		msg_feed(m, data + half, size - half);
		msg_end(m, &werr);
	}
	rcpts_free(&to);
	rcpts_free(&resent);
	close(fd);
	return 0;
}
