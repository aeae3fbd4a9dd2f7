/*
 * The arithmetic of qsink's per-flow report, kept apart from the socket code
 * so the unit tests can check it against hand-worked values:
 *
 *  - exact percentiles (nearest rank) over stored latency samples;
 *  - the QuaSAR paper's jitter (HPSR 2006, section VI, footnote 6): the mean
 *    over k >= 2 of |(recv_k - recv_k-1) - (sent_k - sent_k-1)|, taken in
 *    the order frames are received;
 *  - sequence accounting: loss from gaps (expected = max - min + 1),
 *    reordering and duplicates;
 *  - a rate over the first-to-last interval.
 *
 * Times are signed nanoseconds so that a latency between two machines whose
 * clocks disagree comes out negative rather than wrapping.  Nothing here
 * allocates except qstats_samples_init, once.
 */
#ifndef Q_QSTATS_H
#define Q_QSTATS_H

#include <stddef.h>
#include <stdint.h>

/*
 * Nearest-rank percentile of n > 0 ascending values: the smallest value such
 * that at least pct% of the values are <= it, i.e. sorted[ceil(pct*n/100)-1].
 * pct 0 gives the minimum, 100 the maximum; above 100 is taken as 100.  It is
 * always one of the samples, never an interpolation.
 */
int64_t		qstats_percentile(const int64_t *sorted, size_t n, unsigned pct);

struct qstats_jitter {
	uint64_t	n;		/* frames seen */
	uint64_t	sum_ns;		/* sum of the |differences| */
	int64_t		prev_sent;
	int64_t		prev_recv;
};

void		qstats_jitter_init(struct qstats_jitter *j);
void		qstats_jitter_add(struct qstats_jitter *j, int64_t sent,
		    int64_t recv);
/* The mean in nanoseconds, or NAN before the second frame. */
double		qstats_jitter_ns(const struct qstats_jitter *j);

/*
 * A flow's latency: least, greatest and mean.  The send stamp is the
 * frame's own word, so a latency is clamped to +-QSTATS_LAT_LIMIT (about
 * 39 hours: beyond that it is a broken stamp, not a delay) and the sum
 * saturates: no frame can make the arithmetic overflow.
 */
struct qstats_lat {
	uint64_t	n;
	int64_t		min, max;	/* ns, once n > 0 */
	int64_t		sum;
};

void		qstats_lat_add(struct qstats_lat *l, int64_t lat_ns);
/* The mean in nanoseconds, or NAN before the first frame. */
double		qstats_lat_mean(const struct qstats_lat *l);

/*
 * Sequence accounting for one flow.  A window of the last QSTATS_SEQ_WINDOW
 * sequence numbers below the highest seen tells a late frame (reordered)
 * from one already counted (duplicate).  A frame older than the window is
 * counted reordered and distinct: whether it is a duplicate can no longer be
 * told, and counting it distinct can only make the loss smaller, never
 * invent loss (old_frames says how many there were).
 */
#define QSTATS_SEQ_WINDOW	4096	/* bits, a multiple of 64 */

enum qstats_seq_kind {
	QSTATS_SEQ_INORDER,	/* above every sequence number seen before */
	QSTATS_SEQ_REORDERED,	/* below the highest, not seen before */
	QSTATS_SEQ_DUPLICATE,	/* seen before */
};

struct qstats_seq {
	uint64_t	min_seq;
	uint64_t	max_seq;
	uint64_t	distinct;	/* frames counted once each */
	uint64_t	reordered;
	uint64_t	duplicates;
	uint64_t	old_frames;	/* older than the window (also reordered) */
	int		started;
	uint64_t	win[QSTATS_SEQ_WINDOW / 64];	/* bit seq % WINDOW */
};

void		qstats_seq_init(struct qstats_seq *s);
enum qstats_seq_kind qstats_seq_add(struct qstats_seq *s, uint64_t seq);
/* max - min + 1, saturated; 0 before the first frame. */
uint64_t	qstats_seq_expected(const struct qstats_seq *s);
/* expected - distinct, or 0 when more arrived than the range holds. */
uint64_t	qstats_seq_lost(const struct qstats_seq *s);

/*
 * Events per second over [first, last]: (count - 1) / (last - first), the
 * count of intervals over their span, so n evenly spaced frames at r per
 * second give exactly r.  0 when count < 2 or the span is not positive.
 */
double		qstats_rate(uint64_t count, int64_t first, int64_t last);

/*
 * Latency samples of many flows in one array allocated once: each sample is
 * one 64-bit word, the flow's index in the top 16 bits and the latency,
 * offset by 2^47 ns and clamped to 48 bits (about +-39 hours), below.  After
 * qstats_samples_finish sorts them, each flow's latencies are contiguous,
 * ascending, converted in place to plain signed nanoseconds.
 */
#define QSTATS_SAMPLES_FLOWS	65536u
#define QSTATS_LAT_LIMIT	((INT64_C(1) << 47) - 1)

struct qstats_samples {
	uint64_t	*v;
	size_t		 n;
	size_t		 cap;
	uint64_t	 dropped;	/* adds refused because the array was full */
	int		 finished;
};

/* Returns 0, or -1 (errno set) when cap is 0 or the memory is not there. */
int		qstats_samples_init(struct qstats_samples *s, size_t cap);
void		qstats_samples_free(struct qstats_samples *s);
/* Returns 0, or -1 when full (counted in dropped) or flow is out of range. */
int		qstats_samples_add(struct qstats_samples *s, unsigned flow,
		    int64_t lat_ns);
/*
 * Sorts by flow then latency and converts in place.  start must hold
 * nflows + 1 entries: flow f's latencies are then
 * qstats_samples_lat(s)[start[f] .. start[f+1]).  Samples of flows >= nflows
 * are left out of every range.  Adds are refused afterwards.
 */
void		qstats_samples_finish(struct qstats_samples *s,
		    unsigned nflows, size_t *start);
const int64_t	*qstats_samples_lat(const struct qstats_samples *s);

#endif
