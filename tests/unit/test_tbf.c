/*
 * Token bucket on an injected clock.  Expected values are worked out by
 * hand from the definition: rate r bytes/s refills r bytes per 10^9 ns,
 * exactly, up to the burst.
 */
#include <stdio.h>

#include "testutil.h"

#include "clock.h"
#include "tbf.h"

#define MS	NSEC_PER_MSEC
#define SEC	NSEC_PER_SEC

static void
test_init_invalid(void **state)
{
	struct tbf tb;

	(void)state;
	assert_int_equal(tbf_init(&tb, TBF_RATE_MAX + 1, 1500, 0), -1);
	assert_int_equal(tbf_init(&tb, 1000, TBF_BURST_MAX + 1, 0), -1);
	assert_int_equal(tbf_init(&tb, 0, TBF_BURST_MAX + 1, 0), -1);
	assert_int_equal(tbf_init(&tb, 1000, 0, 0), -1);
	assert_int_equal(tbf_init(&tb, 1, 0, 0), -1);
	assert_int_equal(tbf_init(&tb, UINT64_MAX, UINT64_MAX, 0), -1);
	/* The limits themselves are valid, and so is "unlimited, no depth". */
	assert_int_equal(tbf_init(&tb, TBF_RATE_MAX, TBF_BURST_MAX, 0), 0);
	assert_int_equal(tbf_init(&tb, 0, 0, 0), 0);
	assert_int_equal(tbf_init(&tb, 1, 1, 0), 0);
}

static void
test_starts_full(void **state)
{
	struct tbf tb;

	(void)state;
	assert_int_equal(tbf_init(&tb, 1000, 1500, 5 * SEC), 0);
	assert_int_equal(tbf_level(&tb, 5 * SEC), 1500);
	assert_int_equal(tbf_wait(&tb, 1500, 5 * SEC), 0);
	/* Full stays full: time adds nothing beyond the burst. */
	assert_int_equal(tbf_level(&tb, 100 * SEC), 1500);
}

static void
test_burst_then_refuse(void **state)
{
	struct tbf tb;
	uint64_t t = 5 * SEC;
	int i;

	(void)state;
	assert_int_equal(tbf_init(&tb, 1000, 1500, t), 0);
	assert_int_equal(tbf_take(&tb, 1000, t), 1);
	assert_int_equal(tbf_level(&tb, t), 500);
	/* Too much: refused, and nothing taken. */
	assert_int_equal(tbf_take(&tb, 501, t), 0);
	assert_int_equal(tbf_level(&tb, t), 500);
	assert_int_equal(tbf_take(&tb, 500, t), 1);
	assert_int_equal(tbf_level(&tb, t), 0);
	for (i = 0; i < 10; i++)
		assert_int_equal(tbf_take(&tb, 1, t), 0);
	/* Zero bytes always conform. */
	assert_int_equal(tbf_take(&tb, 0, t), 1);
	assert_int_equal(tbf_level(&tb, t), 0);
}

static void
test_refill_exact(void **state)
{
	struct tbf tb;
	uint64_t t = 5 * SEC;

	(void)state;
	assert_int_equal(tbf_init(&tb, 1000, 1500, t), 0);
	assert_int_equal(tbf_take(&tb, 1500, t), 1);

	/* 1000 B/s: 1 ms is exactly one byte, 1 ns short of it is none. */
	assert_int_equal(tbf_take(&tb, 1, t + MS - 1), 0);
	assert_int_equal(tbf_level(&tb, t + MS - 1), 0);
	assert_int_equal(tbf_take(&tb, 1, t + MS), 1);
	assert_int_equal(tbf_take(&tb, 1, t + MS), 0);

	/* Refills in pieces add up exactly: 1000 steps of 1 us = 1 byte. */
	t += MS;
	for (int i = 1; i <= 1000; i++)
		assert_int_equal(tbf_level(&tb, t + (uint64_t)i * 1000),
		    i == 1000 ? 1 : 0);
	t += MS;
	assert_int_equal(tbf_take(&tb, 1, t), 1);

	/* 1 s is 1000 bytes; 2 s would be 2000 but the burst caps it. */
	assert_int_equal(tbf_level(&tb, t + SEC), 1000);
	assert_int_equal(tbf_level(&tb, t + 2 * SEC), 1500);
	assert_int_equal(tbf_level(&tb, t + 3 * SEC), 1500);

	/* An odd rate: 3 B/s is 1 byte per 333333333.3 ns. */
	assert_int_equal(tbf_init(&tb, 3, 10, 0), 0);
	assert_int_equal(tbf_take(&tb, 10, 0), 1);
	assert_int_equal(tbf_level(&tb, 333333333), 0);
	assert_int_equal(tbf_level(&tb, 333333334), 1);
	assert_int_equal(tbf_level(&tb, SEC - 1), 2);
	assert_int_equal(tbf_level(&tb, SEC), 3);
}

static void
test_wait_exact(void **state)
{
	struct tbf tb;
	uint64_t t = 5 * SEC;

	(void)state;
	assert_int_equal(tbf_init(&tb, 1000, 1500, t), 0);
	assert_int_equal(tbf_take(&tb, 1500, t), 1);
	assert_int_equal(tbf_wait(&tb, 1, t), MS);
	assert_int_equal(tbf_wait(&tb, 1500, t), 1500 * MS);
	/* Waiting takes nothing. */
	assert_int_equal(tbf_wait(&tb, 1, t), MS);
	/* Half a byte held: half the wait. */
	assert_int_equal(tbf_wait(&tb, 1, t + MS / 2), MS / 2);
	assert_int_equal(tbf_wait(&tb, 1500, t + MS / 2), 1499500000);
	assert_int_equal(tbf_wait(&tb, 1, t + MS), 0);
	assert_int_equal(tbf_level(&tb, t + MS), 1);

	/* Rounded up: 1e9 / 3 = 333333333.3 -> 333333334. */
	assert_int_equal(tbf_init(&tb, 3, 10, 0), 0);
	assert_int_equal(tbf_take(&tb, 10, 0), 1);
	assert_int_equal(tbf_wait(&tb, 1, 0), 333333334);
	assert_int_equal(tbf_take(&tb, 1, 333333333), 0);
	assert_int_equal(tbf_take(&tb, 1, 333333334), 1);

	/* 1e10 / 7 = 1428571428.57 -> 1428571429. */
	assert_int_equal(tbf_init(&tb, 7, 10, 0), 0);
	assert_int_equal(tbf_take(&tb, 10, 0), 1);
	assert_int_equal(tbf_wait(&tb, 10, 0), 1428571429);
	assert_int_equal(tbf_take(&tb, 10, 1428571428), 0);
	assert_int_equal(tbf_take(&tb, 10, 1428571429), 1);
}

static void
test_too_big(void **state)
{
	struct tbf tb;

	(void)state;
	assert_int_equal(tbf_init(&tb, 1000, 1500, 0), 0);
	assert_int_equal(tbf_wait(&tb, 1501, 0), UINT64_MAX);
	assert_int_equal(tbf_wait(&tb, UINT32_MAX, 0), UINT64_MAX);
	assert_int_equal(tbf_take(&tb, 1501, 0), 0);
	assert_int_equal(tbf_take(&tb, UINT32_MAX, 0), 0);
	/* Refusing took nothing. */
	assert_int_equal(tbf_level(&tb, 0), 1500);
	/* The burst itself can always conform, given time. */
	assert_int_equal(tbf_take(&tb, 1, 0), 1);
	assert_int_equal(tbf_wait(&tb, 1500, 0), MS);
}

static void
test_unlimited(void **state)
{
	struct tbf tb;
	int i;

	(void)state;
	assert_int_equal(tbf_init(&tb, 0, 0, 0), 0);
	for (i = 0; i < 1000; i++) {
		assert_int_equal(tbf_take(&tb, UINT32_MAX, 0), 1);
		assert_int_equal(tbf_take(&tb, 1500, (uint64_t)i), 1);
	}
	assert_int_equal(tbf_wait(&tb, UINT32_MAX, 0), 0);
	assert_int_equal(tbf_level(&tb, 0), 0);

	assert_int_equal(tbf_init(&tb, 0, 1500, 0), 0);
	assert_int_equal(tbf_take(&tb, 1501, 0), 1);
	assert_int_equal(tbf_wait(&tb, 1501, 0), 0);
	assert_int_equal(tbf_level(&tb, 0), 1500);
}

static void
test_clock_backwards(void **state)
{
	struct tbf tb;
	uint64_t t = 10 * SEC;

	(void)state;
	assert_int_equal(tbf_init(&tb, 1000, 1500, t), 0);
	assert_int_equal(tbf_take(&tb, 1500, t), 1);
	/* Stepping back 5 s adds nothing... */
	assert_int_equal(tbf_level(&tb, t - 5 * SEC), 0);
	assert_int_equal(tbf_take(&tb, 1, t - 5 * SEC), 0);
	assert_int_equal(tbf_take(&tb, 1, 0), 0);
	/* ...nor does coming forward again to where it was... */
	assert_int_equal(tbf_level(&tb, t - 1), 0);
	assert_int_equal(tbf_level(&tb, t), 0);
	/* ...and time counts again from the latest instant seen. */
	assert_int_equal(tbf_level(&tb, t + MS), 1);
	assert_int_equal(tbf_level(&tb, t + MS - 1), 1);
	assert_int_equal(tbf_level(&tb, t + 2 * MS), 2);
}

static void
test_set(void **state)
{
	struct tbf tb;

	(void)state;
	assert_int_equal(tbf_init(&tb, 1000, 1500, 0), 0);
	assert_int_equal(tbf_take(&tb, 1000, 0), 1);
	/* A smaller burst clamps the tokens held... */
	assert_int_equal(tbf_set(&tb, 1000, 100, 0), 0);
	assert_int_equal(tbf_level(&tb, 0), 100);
	assert_int_equal(tbf_take(&tb, 101, 0), 0);
	/* ...a larger one keeps them, it does not fill the bucket. */
	assert_int_equal(tbf_set(&tb, 1000, 1500, 0), 0);
	assert_int_equal(tbf_level(&tb, 0), 100);
	assert_int_equal(tbf_level(&tb, SEC), 1100);

	/* The old rate holds up to the change, the new one after it. */
	assert_int_equal(tbf_init(&tb, 1000, 10000, 0), 0);
	assert_int_equal(tbf_take(&tb, 10000, 0), 1);
	assert_int_equal(tbf_set(&tb, 2000, 10000, SEC), 0);
	assert_int_equal(tbf_level(&tb, SEC), 1000);
	assert_int_equal(tbf_level(&tb, 2 * SEC), 3000);

	/* Invalid values are refused and change nothing. */
	assert_int_equal(tbf_set(&tb, TBF_RATE_MAX + 1, 10000, 2 * SEC), -1);
	assert_int_equal(tbf_set(&tb, 1000, TBF_BURST_MAX + 1, 2 * SEC), -1);
	assert_int_equal(tbf_set(&tb, 1000, 0, 2 * SEC), -1);
	assert_int_equal(tb.rate, 2000);
	assert_int_equal(tb.burst, 10000);
	assert_int_equal(tbf_level(&tb, 2 * SEC), 3000);
}

static void
test_set_from_unlimited(void **state)
{
	struct tbf tb;
	uint64_t t = 7 * SEC;

	(void)state;
	/* Unlimited to limited starts full, and counts from then. */
	assert_int_equal(tbf_init(&tb, 0, 0, 0), 0);
	assert_int_equal(tbf_set(&tb, 1000, 500, t), 0);
	assert_int_equal(tbf_level(&tb, t), 500);
	assert_int_equal(tbf_take(&tb, 500, t), 1);
	assert_int_equal(tbf_take(&tb, 1, t), 0);
	assert_int_equal(tbf_level(&tb, t + MS), 1);

	/* Limited, emptied, to unlimited: everything conforms... */
	assert_int_equal(tbf_init(&tb, 1000, 1500, 0), 0);
	assert_int_equal(tbf_take(&tb, 1500, 0), 1);
	assert_int_equal(tbf_set(&tb, 0, 1500, 0), 0);
	assert_int_equal(tbf_take(&tb, 100000, 0), 1);
	assert_int_equal(tbf_wait(&tb, 100000, 0), 0);
	/* ...and back to limited starts full again. */
	assert_int_equal(tbf_set(&tb, 1000, 1500, MS), 0);
	assert_int_equal(tbf_level(&tb, MS), 1500);
	assert_int_equal(tbf_take(&tb, 1500, MS), 1);
	assert_int_equal(tbf_level(&tb, 2 * MS), 1);
}

static void
test_no_overflow(void **state)
{
	struct tbf tb;

	(void)state;
	/* The largest rate and burst: 1 ns is 100 bytes. */
	assert_int_equal(tbf_init(&tb, TBF_RATE_MAX, TBF_BURST_MAX, 0), 0);
	assert_int_equal(tbf_level(&tb, 0), TBF_BURST_MAX);
	assert_int_equal(tbf_take(&tb, (uint32_t)TBF_BURST_MAX, 0), 1);
	assert_int_equal(tbf_level(&tb, 0), 0);
	assert_int_equal(tbf_level(&tb, 1), 100);
	/*
	 * 2^30 bytes at 1e11 B/s take 10737418.24 ns; 1 ns has passed, so
	 * 10737417.24 are left, rounded up.
	 */
	assert_int_equal(tbf_wait(&tb, (uint32_t)TBF_BURST_MAX, 1), 10737418);
	assert_int_equal(tbf_level(&tb, 1000000000000000000ull),
	    TBF_BURST_MAX);

	/*
	 * 184467441 ns at 1e11 B/s is 2^64 + 26290448384 nanobytes: a
	 * product that wrapped would leave 26 bytes, not a full bucket.
	 */
	assert_int_equal(tbf_init(&tb, TBF_RATE_MAX, TBF_BURST_MAX, 0), 0);
	assert_int_equal(tbf_take(&tb, (uint32_t)TBF_BURST_MAX, 0), 1);
	assert_int_equal(tbf_level(&tb, 184467441), TBF_BURST_MAX);

	/* 2^59 ns at 32 B/s is exactly 2^64 nanobytes: would wrap to 0. */
	assert_int_equal(tbf_init(&tb, 32, TBF_BURST_MAX, 0), 0);
	assert_int_equal(tbf_take(&tb, (uint32_t)TBF_BURST_MAX, 0), 1);
	assert_int_equal(tbf_level(&tb, 1ull << 59), TBF_BURST_MAX);

	/* 1e18 ns at 1 B/s is 1e9 bytes, below the 2^30 burst: exact. */
	assert_int_equal(tbf_init(&tb, 1, TBF_BURST_MAX, 0), 0);
	assert_int_equal(tbf_take(&tb, (uint32_t)TBF_BURST_MAX, 0), 1);
	assert_int_equal(tbf_level(&tb, 1000000000000000000ull), 1000000000);
	assert_int_equal(tbf_level(&tb, 2000000000000000000ull),
	    TBF_BURST_MAX);

	/* At the end of the clock's range. */
	assert_int_equal(tbf_init(&tb, 1000, 1500, UINT64_MAX - SEC), 0);
	assert_int_equal(tbf_take(&tb, 1500, UINT64_MAX - SEC), 1);
	assert_int_equal(tbf_level(&tb, UINT64_MAX), 1000);
	assert_int_equal(tbf_wait(&tb, 1500, UINT64_MAX), 500 * MS);
}

/*
 * Greedy sender on a fixed tick for 10 s: it takes every packet the bucket
 * lets through.  Nanobytes make the refill exact, so the total is the
 * burst plus rate x time, less what is left over (under one packet).
 */
static void
test_long_run_ticks(void **state)
{
	const uint64_t rate = 1000003, burst = 3000, pkt = 1000;
	/* 5^6 ns: divides 10 s, and is no round number of bytes at rate. */
	const uint64_t step = 15625, end = 10 * SEC;
	uint64_t t, last = 0, taken = 0, credit, left;
	struct tbf tb;

	(void)state;
	assert_int_equal(tbf_init(&tb, rate, burst, 0), 0);
	for (t = 0; t <= end; t += step) {
		while (tbf_take(&tb, (uint32_t)pkt, t))
			taken += pkt;
		last = t;
	}
	assert_int_equal(last, end);
	/*
	 * Exact, in nanobytes: the bucket never filled up (a tick adds 15.6
	 * bytes to under one packet), so nothing was clamped away and
	 * credit - taken is what the bucket holds, under one packet.
	 */
	credit = burst * SEC + end * rate;
	assert_true(taken * SEC <= credit);
	left = credit - taken * SEC;
	assert_true(left < pkt * SEC);
	assert_int_equal(tbf_level(&tb, end), left / SEC);
	/* Which is: rate x 10 s + burst, within one packet. */
	assert_in_range(taken, rate * 10 + burst - pkt, rate * 10 + burst);
}

/*
 * Greedy sender that sleeps exactly tbf_wait(): the packet conforms at the
 * instant given and not a nanosecond before.
 */
static void
test_long_run_wait(void **state)
{
	const uint64_t rate = 1000003, burst = 3000, pkt = 1500;
	const uint64_t end = 10 * SEC;
	uint64_t t = 0, w, taken = 0, waits = 0;
	struct tbf tb;

	(void)state;
	assert_int_equal(tbf_init(&tb, rate, burst, 0), 0);
	while (t <= end) {
		if (tbf_take(&tb, (uint32_t)pkt, t)) {
			taken += pkt;
			continue;
		}
		w = tbf_wait(&tb, (uint32_t)pkt, t);
		assert_true(w > 0 && w != UINT64_MAX);
		/* Not yet at w - 1 (this refills, which is additive)... */
		assert_int_equal(tbf_take(&tb, (uint32_t)pkt, t + w - 1), 0);
		t += w;
		waits++;
		/* ...but then, if still within the run. */
		if (t <= end)
			assert_int_equal(tbf_wait(&tb, (uint32_t)pkt, t), 0);
	}
	assert_true(waits > 1000);
	assert_in_range(taken, rate * 10 + burst - pkt, rate * 10 + burst);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_invalid),
		cmocka_unit_test(test_starts_full),
		cmocka_unit_test(test_burst_then_refuse),
		cmocka_unit_test(test_refill_exact),
		cmocka_unit_test(test_wait_exact),
		cmocka_unit_test(test_too_big),
		cmocka_unit_test(test_unlimited),
		cmocka_unit_test(test_clock_backwards),
		cmocka_unit_test(test_set),
		cmocka_unit_test(test_set_from_unlimited),
		cmocka_unit_test(test_no_overflow),
		cmocka_unit_test(test_long_run_ticks),
		cmocka_unit_test(test_long_run_wait),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
