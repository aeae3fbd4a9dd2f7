/*
 * Token bucket: rate in bytes per second, burst (depth) in bytes.
 *
 * Tokens are kept in nanobytes (bytes x 10^9), so refilling is an exact
 * integer product of elapsed nanoseconds and the rate: no rounding drift at
 * any packet rate.  The bucket is told the time by its caller, which makes it
 * run on whatever clock the caller has (a test's, a pcap's, the monotonic one).
 */
#ifndef Q_TBF_H
#define Q_TBF_H

#include <stdint.h>

#define TBF_RATE_MAX	(100ull * 1000 * 1000 * 1000)	/* 800 Gbit/s */
#define TBF_BURST_MAX	(1ull << 30)			/* 1 GiB */

struct tbf {
	uint64_t	rate;		/* bytes/s; 0 means unlimited */
	uint64_t	burst;		/* bytes */
	uint64_t	tokens;		/* nanobytes, <= burst * 10^9 */
	uint64_t	last;		/* ns of the last refill */
};

/* Returns -1 if rate or burst is out of range; the bucket starts full. */
int		tbf_init(struct tbf *tb, uint64_t rate, uint64_t burst,
		    uint64_t now);

/* New rate and burst; the tokens held are kept, up to the new burst. */
int		tbf_set(struct tbf *tb, uint64_t rate, uint64_t burst,
		    uint64_t now);

/* Takes bytes if they conform now: 1 if taken, 0 if not (nothing taken). */
int		tbf_take(struct tbf *tb, uint32_t bytes, uint64_t now);

/*
 * Nanoseconds from now until bytes would conform; 0 if they do now, and
 * UINT64_MAX if they never can (more than the burst).
 */
uint64_t	tbf_wait(struct tbf *tb, uint32_t bytes, uint64_t now);

/* Whole bytes of tokens held at now. */
uint64_t	tbf_level(struct tbf *tb, uint64_t now);

#endif
