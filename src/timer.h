/*
 * A timer heap: a binary min-heap of intrusive timers, for a
 * single-threaded event loop (quasard's RSVP soft state: refreshes,
 * lifetimes, Hellos).
 *
 * A timer lives inside the object it times (a PSB, a neighbour) and knows
 * its index in the heap, so setting, moving and cancelling one are
 * O(log n) and never search.  Time is whatever the caller says it is
 * (nanoseconds, usually clock_mono_ns()): the heap reads no clock, so
 * tests run it on their own.
 *
 * timer_run() fires every timer due at "now", earliest first.  A timer is
 * off the heap before its callback runs, so the callback may set it again
 * (a periodic refresh does), set or cancel any other timer, or free the
 * object that holds it.
 */
#ifndef Q_TIMER_H
#define Q_TIMER_H

#include <stdint.h>

#define TIMER_NONE	UINT64_MAX	/* timer_next(): nothing pending */
#define TIMER_IDLE	UINT32_MAX	/* timer.idx when not on the heap */

struct timer_heap;

struct timer {
	uint64_t	 when;
	uint32_t	 idx;		/* in the heap, or TIMER_IDLE */
	void		(*fn)(struct timer_heap *, struct timer *, void *arg);
	void		*arg;
};

struct timer_heap {
	struct timer	**h;
	uint32_t	  n;
	uint32_t	  cap;
	uint64_t	  fired;	/* callbacks run, for statistics */
};

void		timer_heap_init(struct timer_heap *th);
/* Frees the array; the timers still on it are only forgotten. */
void		timer_heap_fini(struct timer_heap *th);

void		timer_init(struct timer *t, void (*fn)(struct timer_heap *,
		    struct timer *, void *), void *arg);
/* Arms t for time when, or moves it there: 0, or -1 out of memory. */
int		timer_set(struct timer_heap *th, struct timer *t,
		    uint64_t when);
/* Takes t off the heap; harmless if it is not on it. */
void		timer_cancel(struct timer_heap *th, struct timer *t);

static inline int
timer_pending(const struct timer *t)
{
	return t->idx != TIMER_IDLE;
}

/* The earliest deadline, or TIMER_NONE. */
uint64_t	timer_next(const struct timer_heap *th);
/* Fires every timer due at now; returns how many fired. */
unsigned	timer_run(struct timer_heap *th, uint64_t now);

/*
 * Milliseconds until the earliest deadline from now, for poll(): 0 if one
 * is due, at most cap_ms, cap_ms if none is pending.
 */
int		timer_poll_ms(const struct timer_heap *th, uint64_t now,
		    int cap_ms);

/*
 * RFC 2205 s3.7: a refresh period drawn uniformly from [0.5 R, 1.5 R].
 * rnd is a random 32-bit number; R and the result in the same unit.
 */
uint64_t	timer_jitter(uint64_t r, uint32_t rnd);

/* RFC 2205 s3.7: the lifetime of state refreshed every R, L = (K + 0.5)
 * * 1.5 * R, in R's unit. */
uint64_t	timer_lifetime(uint64_t r, unsigned k);

#endif
