/*
 * What dom0 reads from a routelet: its answers on the control channel
 * (src/rlctl.h for the local backend's socket, src/rlxs.h for the Xen
 * backend's reply nodes).  A routelet runs the flow's traffic and is not
 * trusted, so its answers are read strictly, here, once for both
 * backends: a number is digits and nothing else, counters are
 * "<name> <value>" lines of a counter's name and a decimal, and any text
 * that goes on to a log or a control client is printable.
 */
#ifndef Q_RLREPLY_H
#define Q_RLREPLY_H

#include <stddef.h>
#include <stdint.h>

enum rlreply_kind {
	RLR_BAD = 0,	/* none of the answers below */
	RLR_READY,	/* "ready <nvifs>" */
	RLR_FAIL,	/* "fail <reason>" */
	RLR_ACK,	/* "ack <gen>" */
	RLR_NAK,	/* "nak <gen> [<reason>]" */
	RLR_PONG,	/* "pong <gen>" */
	RLR_STATS,	/* "stats\n<counters>" */
	RLR_ERR,	/* "err <reason>" */
};

struct rlreply {
	enum rlreply_kind kind;
	uint64_t	 n;	/* ready: VIFs; ack, nak, pong: generation */
	const char	*text;	/* fail, nak, err: reason; stats: counters */
};

/*
 * Reads one answer of the local channel (a NUL-terminated message).  The
 * kind, or RLR_BAD with why in err.  r->text points into msg.
 */
enum rlreply_kind rlreply_parse(const char *msg, struct rlreply *r,
		    char *err, size_t errlen);

/*
 * A Xen reply node that answers a request by its sequence number:
 * "<seq> <gen>" (pong) or "<seq>\n<counters>" (stats).  0 with *seq_r and
 * *rest_r (after the separator), or -1.
 */
int		 rlreply_seq(const char *v, uint64_t *seq_r,
		    const char **rest_r);

/*
 * Counters as a routelet reports them: "gen <n>" then "<name> <value>"
 * lines, names of lower-case letters, digits and '_', values decimal, each
 * line ended by a newline.  0, or -1 with the first fault in err.
 */
int		 rlreply_stats_check(const char *text, char *err,
		    size_t errlen);

/* A strict unsigned decimal (digits only, no overflow): 0, or -1. */
int		 rlreply_u64(const char *s, const char **end_r, uint64_t *v_r);

/* Routelet text made fit for a log line: non-printing bytes as '?'. */
const char	*rlreply_printable(const char *in, char *out, size_t len);

#endif
