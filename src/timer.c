/*
 * The timer heap: see timer.h.  Index 0 is the root; children of i are
 * 2i+1 and 2i+2.  Every move of a timer in the array updates its idx.
 */
#include <stdlib.h>

#include "timer.h"

void
timer_heap_init(struct timer_heap *th)
{
	th->h = NULL;
	th->n = 0;
	th->cap = 0;
	th->fired = 0;
}

void
timer_heap_fini(struct timer_heap *th)
{
	uint32_t i;

	for (i = 0; i < th->n; i++)
		th->h[i]->idx = TIMER_IDLE;
	free(th->h);
	timer_heap_init(th);
}

void
timer_init(struct timer *t, void (*fn)(struct timer_heap *, struct timer *,
    void *), void *arg)
{
	t->when = 0;
	t->idx = TIMER_IDLE;
	t->fn = fn;
	t->arg = arg;
}

static void
put(struct timer_heap *th, uint32_t i, struct timer *t)
{
	th->h[i] = t;
	t->idx = i;
}

static void
sift_up(struct timer_heap *th, uint32_t i)
{
	struct timer *t = th->h[i];
	uint32_t parent;

	while (i > 0) {
		parent = (i - 1) / 2;
		if (th->h[parent]->when <= t->when)
			break;
		put(th, i, th->h[parent]);
		i = parent;
	}
	put(th, i, t);
}

static void
sift_down(struct timer_heap *th, uint32_t i)
{
	struct timer *t = th->h[i];
	uint32_t c;

	for (;;) {
		c = 2 * i + 1;
		if (c >= th->n)
			break;
		if (c + 1 < th->n && th->h[c + 1]->when < th->h[c]->when)
			c++;
		if (t->when <= th->h[c]->when)
			break;
		put(th, i, th->h[c]);
		i = c;
	}
	put(th, i, t);
}

int
timer_set(struct timer_heap *th, struct timer *t, uint64_t when)
{
	struct timer **nh;
	uint32_t ncap;

	if (timer_pending(t)) {
		t->when = when;
		sift_up(th, t->idx);
		sift_down(th, t->idx);
		return 0;
	}
	if (th->n == th->cap) {
		ncap = th->cap ? th->cap * 2 : 64;
		if (ncap <= th->cap ||
		    (nh = realloc(th->h, ncap * sizeof(*nh))) == NULL)
			return -1;
		th->h = nh;
		th->cap = ncap;
	}
	t->when = when;
	put(th, th->n++, t);
	sift_up(th, t->idx);
	return 0;
}

void
timer_cancel(struct timer_heap *th, struct timer *t)
{
	uint32_t i = t->idx;
	struct timer *last;

	if (i == TIMER_IDLE || i >= th->n || th->h[i] != t)
		return;
	t->idx = TIMER_IDLE;
	last = th->h[--th->n];
	if (i == th->n)
		return;
	put(th, i, last);
	sift_up(th, i);
	sift_down(th, last->idx);
}

uint64_t
timer_next(const struct timer_heap *th)
{
	return th->n > 0 ? th->h[0]->when : TIMER_NONE;
}

unsigned
timer_run(struct timer_heap *th, uint64_t now)
{
	struct timer *t;
	unsigned fired = 0;

	while (th->n > 0 && th->h[0]->when <= now) {
		t = th->h[0];
		timer_cancel(th, t);
		fired++;
		th->fired++;
		t->fn(th, t, t->arg);
	}
	return fired;
}

int
timer_poll_ms(const struct timer_heap *th, uint64_t now, int cap_ms)
{
	uint64_t next = timer_next(th), ms;

	if (next == TIMER_NONE)
		return cap_ms;
	if (next <= now)
		return 0;
	/* Rounded up: waking before the deadline would only spin. */
	ms = (next - now + 999999) / 1000000;
	return ms < (uint64_t)cap_ms ? (int)ms : cap_ms;
}

uint64_t
timer_jitter(uint64_t r, uint32_t rnd)
{
	/* r/2 + r * rnd / 2^32, in [r/2, 3r/2), the product in two halves so
	 * that it does not overflow 64 bits. */
	uint64_t hi = r >> 32, lo = r & 0xffffffffu;

	return r / 2 + hi * rnd + ((lo * rnd) >> 32);
}

uint64_t
timer_lifetime(uint64_t r, unsigned k)
{
	/* (K + 0.5) * 1.5 * R = (2K + 1) * 3 * R / 4 */
	return ((uint64_t)2 * k + 1) * 3 * r / 4;
}
