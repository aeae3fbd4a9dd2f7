#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "qstats.h"

#define QS_LAT_BIAS	(INT64_C(1) << 47)
#define QS_LAT_BITS	48
#define QS_LAT_MASK	((UINT64_C(1) << QS_LAT_BITS) - 1)

int64_t
qstats_percentile(const int64_t *sorted, size_t n, unsigned pct)
{
	size_t rank;

	if (n == 0)
		return 0;
	if (pct > 100)
		pct = 100;
	/*
	 * ceil(pct * n / 100) in integers, so p99 of 100 samples is the 99th
	 * and not, through a rounding error, the 100th.  Split n so that the
	 * product cannot overflow even for an absurd n.
	 */
	rank = (n / 100) * pct + ((n % 100) * pct + 99) / 100;
	if (rank == 0)
		rank = 1;
	return sorted[rank - 1];
}

void
qstats_jitter_init(struct qstats_jitter *j)
{
	memset(j, 0, sizeof(*j));
}

void
qstats_jitter_add(struct qstats_jitter *j, int64_t sent, int64_t recv)
{
	int64_t d;

	uint64_t ad;

	if (j->n > 0) {
		/*
		 * Differences of differences: each gap is small in any run
		 * that means anything, but sent is the frame's own word, so
		 * the arithmetic wraps (unsigned) rather than overflow, and
		 * the sum saturates rather than wrap back to a small jitter.
		 */
		d = (int64_t)(((uint64_t)recv - (uint64_t)j->prev_recv) -
		    ((uint64_t)sent - (uint64_t)j->prev_sent));
		ad = d < 0 ? -(uint64_t)d : (uint64_t)d;
		j->sum_ns = ad > UINT64_MAX - j->sum_ns ? UINT64_MAX :
		    j->sum_ns + ad;
	}
	j->prev_sent = sent;
	j->prev_recv = recv;
	j->n++;
}

double
qstats_jitter_ns(const struct qstats_jitter *j)
{
	if (j->n < 2)
		return NAN;
	return (double)j->sum_ns / (double)(j->n - 1);
}

void
qstats_lat_add(struct qstats_lat *l, int64_t lat_ns)
{
	if (lat_ns > QSTATS_LAT_LIMIT)
		lat_ns = QSTATS_LAT_LIMIT;
	if (lat_ns < -QSTATS_LAT_LIMIT)
		lat_ns = -QSTATS_LAT_LIMIT;
	if (l->n == 0 || lat_ns < l->min)
		l->min = lat_ns;
	if (l->n == 0 || lat_ns > l->max)
		l->max = lat_ns;
	if (lat_ns > 0 && l->sum > INT64_MAX - lat_ns)
		l->sum = INT64_MAX;
	else if (lat_ns < 0 && l->sum < INT64_MIN - lat_ns)
		l->sum = INT64_MIN;
	else
		l->sum += lat_ns;
	l->n++;
}

double
qstats_lat_mean(const struct qstats_lat *l)
{
	return l->n > 0 ? (double)l->sum / (double)l->n : NAN;
}

void
qstats_seq_init(struct qstats_seq *s)
{
	memset(s, 0, sizeof(*s));
}

static int
seq_bit(const struct qstats_seq *s, uint64_t seq)
{
	uint64_t i = seq % QSTATS_SEQ_WINDOW;

	return (s->win[i / 64] >> (i % 64)) & 1;
}

static void
seq_set(struct qstats_seq *s, uint64_t seq)
{
	uint64_t i = seq % QSTATS_SEQ_WINDOW;

	s->win[i / 64] |= UINT64_C(1) << (i % 64);
}

static void
seq_clear(struct qstats_seq *s, uint64_t seq)
{
	uint64_t i = seq % QSTATS_SEQ_WINDOW;

	s->win[i / 64] &= ~(UINT64_C(1) << (i % 64));
}

enum qstats_seq_kind
qstats_seq_add(struct qstats_seq *s, uint64_t seq)
{
	uint64_t q;

	if (!s->started) {
		s->started = 1;
		s->min_seq = s->max_seq = seq;
		s->distinct = 1;
		seq_set(s, seq);
		return QSTATS_SEQ_INORDER;
	}
	if (seq > s->max_seq) {
		/*
		 * The window slides up: the bits of the numbers it now covers
		 * still say what they said a window ago, so clear them.
		 */
		if (seq - s->max_seq >= QSTATS_SEQ_WINDOW)
			memset(s->win, 0, sizeof(s->win));
		else
			for (q = s->max_seq + 1; q != seq; q++)
				seq_clear(s, q);
		seq_clear(s, seq);
		seq_set(s, seq);
		s->max_seq = seq;
		s->distinct++;
		return QSTATS_SEQ_INORDER;
	}
	if (s->max_seq - seq < QSTATS_SEQ_WINDOW) {
		if (seq_bit(s, seq)) {
			s->duplicates++;
			return QSTATS_SEQ_DUPLICATE;
		}
		seq_set(s, seq);
	} else
		s->old_frames++;
	if (seq < s->min_seq)
		s->min_seq = seq;
	s->distinct++;
	s->reordered++;
	return QSTATS_SEQ_REORDERED;
}

uint64_t
qstats_seq_expected(const struct qstats_seq *s)
{
	if (!s->started)
		return 0;
	if (s->max_seq - s->min_seq == UINT64_MAX)
		return UINT64_MAX;
	return s->max_seq - s->min_seq + 1;
}

uint64_t
qstats_seq_lost(const struct qstats_seq *s)
{
	uint64_t e = qstats_seq_expected(s);

	return e > s->distinct ? e - s->distinct : 0;
}

double
qstats_rate(uint64_t count, int64_t first, int64_t last)
{
	if (count < 2 || last <= first)
		return 0.0;
	return (double)(count - 1) * 1e9 / (double)(last - first);
}

int
qstats_samples_init(struct qstats_samples *s, size_t cap)
{
	memset(s, 0, sizeof(*s));
	if (cap == 0 || cap > SIZE_MAX / sizeof(*s->v)) {
		errno = EINVAL;
		return -1;
	}
	/*
	 * One allocation for the whole run.  A large one is mmap'd by
	 * malloc and its pages are only made real as samples reach them,
	 * so a generous cap costs nothing until it is used.
	 */
	s->v = malloc(cap * sizeof(*s->v));
	if (s->v == NULL)
		return -1;
	s->cap = cap;
	return 0;
}

void
qstats_samples_free(struct qstats_samples *s)
{
	free(s->v);
	memset(s, 0, sizeof(*s));
}

int
qstats_samples_add(struct qstats_samples *s, unsigned flow, int64_t lat_ns)
{
	if (s->finished || flow >= QSTATS_SAMPLES_FLOWS)
		return -1;
	if (s->n == s->cap) {
		s->dropped++;
		return -1;
	}
	if (lat_ns > QSTATS_LAT_LIMIT)
		lat_ns = QSTATS_LAT_LIMIT;
	if (lat_ns < -QSTATS_LAT_LIMIT)
		lat_ns = -QSTATS_LAT_LIMIT;
	s->v[s->n++] = (uint64_t)flow << QS_LAT_BITS |
	    (uint64_t)(lat_ns + QS_LAT_BIAS);
	return 0;
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

void
qstats_samples_finish(struct qstats_samples *s, unsigned nflows,
    size_t *start)
{
	size_t i;
	unsigned f;
	int64_t *lat;

	if (s->finished) {
		/* The flow indexes are gone; a second call gets no ranges. */
		for (f = 0; f <= nflows; f++)
			start[f] = 0;
		return;
	}
	if (s->n > 1)
		qsort(s->v, s->n, sizeof(*s->v), cmp_u64);
	/*
	 * The words sort by flow first (the top bits) and then by biased
	 * latency, whose order is the latency's: one pass finds where each
	 * flow begins.  Flows at or above nflows sort last, outside every
	 * range.
	 */
	i = 0;
	for (f = 0; f < nflows; f++) {
		start[f] = i;
		while (i < s->n && (s->v[i] >> QS_LAT_BITS) == f)
			i++;
	}
	start[nflows] = i;
	lat = (int64_t *)s->v;
	for (i = 0; i < s->n; i++)
		lat[i] = (int64_t)(s->v[i] & QS_LAT_MASK) - QS_LAT_BIAS;
	s->finished = 1;
}

const int64_t *
qstats_samples_lat(const struct qstats_samples *s)
{
	return (const int64_t *)s->v;
}
