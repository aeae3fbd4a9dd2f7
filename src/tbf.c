#include "clock.h"
#include "tbf.h"

static void	tbf_refill(struct tbf *, uint64_t);

static int
tbf_valid(uint64_t rate, uint64_t burst)
{
	return rate <= TBF_RATE_MAX && burst <= TBF_BURST_MAX &&
	    (rate == 0 || burst > 0);
}

int
tbf_init(struct tbf *tb, uint64_t rate, uint64_t burst, uint64_t now)
{
	if (!tbf_valid(rate, burst))
		return -1;
	tb->rate = rate;
	tb->burst = burst;
	tb->tokens = burst * NSEC_PER_SEC;
	tb->last = now;
	return 0;
}

int
tbf_set(struct tbf *tb, uint64_t rate, uint64_t burst, uint64_t now)
{
	uint64_t cap;

	if (!tbf_valid(rate, burst))
		return -1;
	cap = burst * NSEC_PER_SEC;
	if (tb->rate == 0) {
		/* An unlimited bucket is always full. */
		tb->tokens = cap;
		tb->last = now;
	} else
		tbf_refill(tb, now);	/* the old rate holds up to now */
	tb->rate = rate;
	tb->burst = burst;
	if (tb->tokens > cap)
		tb->tokens = cap;
	return 0;
}

static void
tbf_refill(struct tbf *tb, uint64_t now)
{
	uint64_t cap = tb->burst * NSEC_PER_SEC, room, dt;

	if (now <= tb->last)
		return;		/* clocks that step back add nothing */
	dt = now - tb->last;
	tb->last = now;
	room = cap - tb->tokens;
	/* Compare before multiplying: dt * rate may not fit in 64 bits. */
	if (dt >= room / tb->rate + 1)
		tb->tokens = cap;
	else
		tb->tokens += dt * tb->rate;
}

int
tbf_take(struct tbf *tb, uint32_t bytes, uint64_t now)
{
	uint64_t need = (uint64_t)bytes * NSEC_PER_SEC;

	if (tb->rate == 0)
		return 1;
	tbf_refill(tb, now);
	if (tb->tokens < need)
		return 0;
	tb->tokens -= need;
	return 1;
}

uint64_t
tbf_wait(struct tbf *tb, uint32_t bytes, uint64_t now)
{
	uint64_t need = (uint64_t)bytes * NSEC_PER_SEC, w;

	if (tb->rate == 0)
		return 0;
	if (bytes > tb->burst)
		return UINT64_MAX;
	tbf_refill(tb, now);
	if (tb->tokens >= need)
		return 0;
	w = (need - tb->tokens + tb->rate - 1) / tb->rate;
	/* A clock that stepped back waits out the step too. */
	return now < tb->last ? w + (tb->last - now) : w;
}

uint64_t
tbf_level(struct tbf *tb, uint64_t now)
{
	if (tb->rate == 0)
		return tb->burst;
	tbf_refill(tb, now);
	return tb->tokens / NSEC_PER_SEC;
}
