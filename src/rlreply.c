/*
 * The routelet's answers, read strictly (rlreply.h).  Nothing here trusts
 * a length, a number or a byte the routelet wrote.
 */
#include <stdio.h>
#include <string.h>

#include "rlreply.h"

#define RLR_NAME_MAX	32

int
rlreply_u64(const char *s, const char **end_r, uint64_t *v_r)
{
	uint64_t v = 0;
	const char *p = s;

	if (*p < '0' || *p > '9')
		return -1;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (v > (UINT64_MAX - (uint64_t)(*p - '0')) / 10)
			return -1;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	*end_r = p;
	*v_r = v;
	return 0;
}

/* "<word> <number>", and what follows the number. */
static int
word_num(const char *msg, size_t wlen, struct rlreply *r, const char **end_r)
{
	if (msg[wlen] != ' ')
		return -1;
	return rlreply_u64(msg + wlen + 1, end_r, &r->n);
}

static enum rlreply_kind
bad(struct rlreply *r, char *err, size_t errlen, const char *msg,
    const char *why)
{
	char clean[64];

	r->kind = RLR_BAD;
	snprintf(err, errlen, "'%s': %s",
	    rlreply_printable(msg, clean, sizeof(clean)), why);
	return RLR_BAD;
}

enum rlreply_kind
rlreply_parse(const char *msg, struct rlreply *r, char *err, size_t errlen)
{
	const char *end;

	memset(r, 0, sizeof(*r));
	if (strncmp(msg, "ready", 5) == 0 && (msg[5] == ' ' ||
	    msg[5] == '\0')) {
		if (word_num(msg, 5, r, &end) == -1 || *end != '\0')
			return bad(r, err, errlen, msg, "not 'ready <VIFs>'");
		return r->kind = RLR_READY;
	}
	if (strncmp(msg, "ack", 3) == 0 && (msg[3] == ' ' ||
	    msg[3] == '\0')) {
		if (word_num(msg, 3, r, &end) == -1 || *end != '\0')
			return bad(r, err, errlen, msg, "not 'ack <gen>'");
		return r->kind = RLR_ACK;
	}
	if (strncmp(msg, "pong", 4) == 0 && (msg[4] == ' ' ||
	    msg[4] == '\0')) {
		if (word_num(msg, 4, r, &end) == -1 || *end != '\0')
			return bad(r, err, errlen, msg, "not 'pong <gen>'");
		return r->kind = RLR_PONG;
	}
	if (strncmp(msg, "nak", 3) == 0 && (msg[3] == ' ' ||
	    msg[3] == '\0')) {
		if (word_num(msg, 3, r, &end) == -1 ||
		    (*end != '\0' && *end != ' '))
			return bad(r, err, errlen, msg,
			    "not 'nak <gen> <reason>'");
		r->text = *end == ' ' ? end + 1 : end;
		return r->kind = RLR_NAK;
	}
	if (strncmp(msg, "stats\n", 6) == 0) {
		r->text = msg + 6;
		if (rlreply_stats_check(r->text, err, errlen) == -1) {
			r->kind = RLR_BAD;
			return RLR_BAD;
		}
		return r->kind = RLR_STATS;
	}
	if (strncmp(msg, "fail", 4) == 0 && (msg[4] == ' ' ||
	    msg[4] == '\0')) {
		r->text = msg[4] == ' ' ? msg + 5 : msg + 4;
		return r->kind = RLR_FAIL;
	}
	if (strncmp(msg, "err", 3) == 0 && (msg[3] == ' ' ||
	    msg[3] == '\0')) {
		r->text = msg[3] == ' ' ? msg + 4 : msg + 3;
		return r->kind = RLR_ERR;
	}
	return bad(r, err, errlen, msg, "no such answer");
}

int
rlreply_seq(const char *v, uint64_t *seq_r, const char **rest_r)
{
	const char *end;

	if (rlreply_u64(v, &end, seq_r) == -1 || (*end != ' ' &&
	    *end != '\n'))
		return -1;
	*rest_r = end + 1;
	return 0;
}

int
rlreply_stats_check(const char *text, char *err, size_t errlen)
{
	const char *p = text, *name, *end;
	unsigned line = 0;
	uint64_t v;
	size_t n;

	if (strncmp(p, "gen ", 4) != 0) {
		snprintf(err, errlen, "counters: no 'gen' line first");
		return -1;
	}
	while (*p != '\0') {
		line++;
		name = p;
		for (n = 0; (p[n] >= 'a' && p[n] <= 'z') ||
		    (p[n] >= '0' && p[n] <= '9') || p[n] == '_'; n++)
			;
		if (n == 0 || n > RLR_NAME_MAX || p[n] != ' ') {
			snprintf(err, errlen, "counters, line %u: not a "
			    "counter's name", line);
			return -1;
		}
		if (rlreply_u64(name + n + 1, &end, &v) == -1 ||
		    *end != '\n') {
			snprintf(err, errlen, "counters, line %u: %.*s: not "
			    "a decimal value on a line of its own", line,
			    (int)n, name);
			return -1;
		}
		p = end + 1;
	}
	return 0;
}

const char *
rlreply_printable(const char *in, char *out, size_t len)
{
	size_t i;

	if (len == 0)
		return "";
	for (i = 0; i + 1 < len && in[i] != '\0'; i++)
		out[i] = in[i] >= ' ' && in[i] < 0x7f ? in[i] : '?';
	out[i] = '\0';
	return out;
}
