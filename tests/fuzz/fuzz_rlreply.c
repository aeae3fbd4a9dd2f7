/*
 * What quasard reads from a routelet, which it does not trust
 * (src/rlreply.c): the local backend's control answers ("ready", "ack",
 * "nak", "pong", "stats", "fail", "err") and the Xen backend's reply
 * nodes ("<seq> <gen>", "<seq>\n<counters>").
 *
 * Input: the first byte picks the transport (even: a local datagram,
 * odd: a Xen node), the rest is the message (to its first NUL, as both
 * transports hand it over).
 *
 * Invariants: a number read is the digits written, in full; an answer
 * taken as counters holds only "<name> <value>" lines; what goes to a
 * log is printable.
 */
#include <inttypes.h>

#include "fuzz.h"
#include "rlreply.h"

/* The number's digits at s (leading zeros aside) are v printed. */
static void
same_number(const char *s, uint64_t v)
{
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "%" PRIu64, v);

	while (s[0] == '0' && s[1] >= '0' && s[1] <= '9')
		s++;

	FZ_CHECK(strncmp(s, buf, (size_t)n) == 0 &&
	    (s[n] < '0' || s[n] > '9'), "read %" PRIu64 " from '%.30s'", v,
	    s);
}

static void
check_stats(const char *t)
{
	const char *p;

	for (p = t; *p != '\0'; p++)
		FZ_CHECK((*p >= 'a' && *p <= 'z') || (*p >= '0' &&
		    *p <= '9') || *p == '_' || *p == ' ' || *p == '\n',
		    "0x%02x in counters", (unsigned char)*p);
	FZ_CHECK(p == t || p[-1] == '\n', "counters not ended by a newline");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rlreply rep;
	char err[160], clean[64], *msg;
	const char *rest, *q;
	uint64_t seq;

	if (size < 1)
		return 0;
	msg = fz_strndup(data + 1, size - 1);
	if (data[0] & 1) {
		if (rlreply_seq(msg, &seq, &rest) == 0) {
			same_number(msg, seq);
			if (rlreply_stats_check(rest, err, sizeof(err)) == 0)
				check_stats(rest);
		}
	} else {
		err[0] = '\0';
		switch (rlreply_parse(msg, &rep, err, sizeof(err))) {
		case RLR_BAD:
			FZ_CHECK(err[0] != '\0', "refused with no reason");
			break;
		case RLR_READY:
		case RLR_ACK:
		case RLR_PONG:
		case RLR_NAK:
			same_number(strchr(msg, ' ') + 1, rep.n);
			break;
		case RLR_STATS:
			check_stats(rep.text);
			break;
		case RLR_FAIL:
		case RLR_ERR:
			FZ_CHECK(rep.text != NULL, "no reason");
			break;
		}
	}
	rlreply_printable(msg, clean, sizeof(clean));
	for (q = clean; *q != '\0'; q++)
		FZ_CHECK(*q >= ' ' && *q < 0x7f, "0x%02x to a log",
		    (unsigned char)*q);
	free(msg);
	return 0;
}
