/*
 * qsink's arithmetic.  Every expected value is worked out by hand from the
 * definitions in src/qstats.h, in the comments next to it.
 */
#include <math.h>
#include <stdio.h>

#include "testutil.h"

#include "qstats.h"

static void
test_percentile_nearest_rank(void **state)
{
	/* The textbook nearest-rank example: ranks ceil(p * 5 / 100). */
	static const int64_t v[] = { 15, 20, 35, 40, 50 };

	(void)state;
	assert_int_equal(qstats_percentile(v, 5, 0), 15);
	assert_int_equal(qstats_percentile(v, 5, 5), 15);	/* rank 1 */
	assert_int_equal(qstats_percentile(v, 5, 30), 20);	/* 1.5 -> 2 */
	assert_int_equal(qstats_percentile(v, 5, 40), 20);	/* 2 */
	assert_int_equal(qstats_percentile(v, 5, 50), 35);	/* 2.5 -> 3 */
	assert_int_equal(qstats_percentile(v, 5, 99), 50);	/* 4.95 -> 5 */
	assert_int_equal(qstats_percentile(v, 5, 100), 50);
	assert_int_equal(qstats_percentile(v, 5, 250), 50);	/* clamped */
	assert_int_equal(qstats_percentile(v, 0, 50), 0);
}

static void
test_percentile_exact_ranks(void **state)
{
	int64_t *v;
	size_t i;

	(void)state;
	v = malloc(1000 * sizeof(*v));
	assert_non_null(v);
	for (i = 0; i < 1000; i++)
		v[i] = (int64_t)i + 1;
	/* 1..100: p50 is the 50th, p99 the 99th, never the 100th. */
	assert_int_equal(qstats_percentile(v, 100, 50), 50);
	assert_int_equal(qstats_percentile(v, 100, 99), 99);
	assert_int_equal(qstats_percentile(v, 100, 1), 1);
	/* 1..1000: p99 is rank 990; 1..10: p50 rank 5, p99 rank 10. */
	assert_int_equal(qstats_percentile(v, 1000, 99), 990);
	assert_int_equal(qstats_percentile(v, 10, 50), 5);
	assert_int_equal(qstats_percentile(v, 10, 99), 10);
	/* 1..101: p50 is ceil(50.5) = 51, the true median. */
	assert_int_equal(qstats_percentile(v, 101, 50), 51);
	/* One sample is every percentile. */
	assert_int_equal(qstats_percentile(v + 6, 1, 0), 7);
	assert_int_equal(qstats_percentile(v + 6, 1, 50), 7);
	assert_int_equal(qstats_percentile(v + 6, 1, 100), 7);
	free(v);
}

static void
test_jitter_hand(void **state)
{
	struct qstats_jitter j;

	(void)state;
	qstats_jitter_init(&j);
	assert_true(isnan(qstats_jitter_ns(&j)));
	/*
	 * sent 0, 100, 200, 300; received 1000, 1150, 1200, 1330:
	 * k=2 |150 - 100| = 50, k=3 |50 - 100| = 50, k=4 |130 - 100| = 30,
	 * mean 130 / 3.
	 */
	qstats_jitter_add(&j, 0, 1000);
	assert_true(isnan(qstats_jitter_ns(&j)));
	qstats_jitter_add(&j, 100, 1150);
	assert_true(qstats_jitter_ns(&j) == 50.0);
	qstats_jitter_add(&j, 200, 1200);
	qstats_jitter_add(&j, 300, 1330);
	assert_int_equal(j.n, 4);
	assert_int_equal(j.sum_ns, 130);
	assert_true(fabs(qstats_jitter_ns(&j) - 130.0 / 3.0) < 1e-9);
}

static void
test_jitter_constant_delay_is_zero(void **state)
{
	struct qstats_jitter j;
	int64_t k;

	(void)state;
	/* Any fixed latency, however large, and any spacing: no jitter. */
	qstats_jitter_init(&j);
	for (k = 0; k < 1000; k++)
		qstats_jitter_add(&j, k * k, k * k + 5000000);
	assert_true(qstats_jitter_ns(&j) == 0.0);
}

/*
 * The send stamp is the frame's own word: a stamp at either end of the
 * 64-bit range neither overflows (UBSan watches in the sanitizer build)
 * nor wraps the sum back to something small (found by
 * tests/fuzz/fuzz_qsink).
 */
static void
test_jitter_wild_stamps(void **state)
{
	struct qstats_jitter j;

	(void)state;
	qstats_jitter_init(&j);
	qstats_jitter_add(&j, INT64_MIN, 100);
	qstats_jitter_add(&j, INT64_MAX, 200);
	qstats_jitter_add(&j, INT64_MIN, 300);
	qstats_jitter_add(&j, 5, INT64_MIN);
	assert_int_equal(j.n, 4);
	/* Two differences of 2^63 each: the sum stops at its top. */
	qstats_jitter_init(&j);
	qstats_jitter_add(&j, 0, 0);
	qstats_jitter_add(&j, INT64_MIN, 0);
	assert_true(j.sum_ns == UINT64_C(1) << 63);
	qstats_jitter_add(&j, 0, 0);
	assert_true(j.sum_ns == UINT64_MAX);
}

static void
test_lat_clamped(void **state)
{
	struct qstats_lat l;
	int i;

	(void)state;
	memset(&l, 0, sizeof(l));
	assert_true(isnan(qstats_lat_mean(&l)));
	qstats_lat_add(&l, 1000);
	qstats_lat_add(&l, 3000);
	assert_true(l.min == 1000 && l.max == 3000);
	assert_true(qstats_lat_mean(&l) == 2000.0);
	memset(&l, 0, sizeof(l));
	for (i = 0; i < 100000; i++)
		qstats_lat_add(&l, INT64_MAX);
	assert_true(l.max == QSTATS_LAT_LIMIT);
	assert_true(l.sum == INT64_MAX);
	for (i = 0; i < 200000; i++)
		qstats_lat_add(&l, INT64_MIN);
	assert_true(l.min == -QSTATS_LAT_LIMIT);
	assert_true(l.sum >= INT64_MIN && l.sum < 0);
}

static void
test_jitter_in_received_order(void **state)
{
	struct qstats_jitter j;

	(void)state;
	/*
	 * Received in the order sent 0, 200, 100 at 10, 20, 30:
	 * k=2 |10 - 200| = 190, k=3 |10 - (-100)| = 110; mean 150.  Taken
	 * in sending order it would be different, so this pins the order.
	 */
	qstats_jitter_init(&j);
	qstats_jitter_add(&j, 0, 10);
	qstats_jitter_add(&j, 200, 20);
	qstats_jitter_add(&j, 100, 30);
	assert_true(qstats_jitter_ns(&j) == 150.0);
}

static void
test_seq_loss_reorder_dup(void **state)
{
	static const uint64_t in[] = { 0, 1, 2, 4, 3, 3, 5, 9 };
	static const enum qstats_seq_kind want[] = {
		QSTATS_SEQ_INORDER, QSTATS_SEQ_INORDER, QSTATS_SEQ_INORDER,
		QSTATS_SEQ_INORDER, QSTATS_SEQ_REORDERED, QSTATS_SEQ_DUPLICATE,
		QSTATS_SEQ_INORDER, QSTATS_SEQ_INORDER,
	};
	struct qstats_seq s;
	size_t i;

	(void)state;
	qstats_seq_init(&s);
	assert_int_equal(qstats_seq_expected(&s), 0);
	assert_int_equal(qstats_seq_lost(&s), 0);
	for (i = 0; i < nitems(in); i++)
		assert_int_equal(qstats_seq_add(&s, in[i]), want[i]);
	/* Seen 0-5 and 9: 6, 7, 8 missing out of 10 expected. */
	assert_int_equal(qstats_seq_expected(&s), 10);
	assert_int_equal(s.distinct, 7);
	assert_int_equal(qstats_seq_lost(&s), 3);
	assert_int_equal(s.reordered, 1);
	assert_int_equal(s.duplicates, 1);
	/* A late 7 is found again: one less lost, one more reordered. */
	assert_int_equal(qstats_seq_add(&s, 7), QSTATS_SEQ_REORDERED);
	assert_int_equal(qstats_seq_lost(&s), 2);
	assert_int_equal(s.reordered, 2);
}

static void
test_seq_not_from_zero(void **state)
{
	struct qstats_seq s;

	(void)state;
	/* A sink that starts late sees 1000 first: nothing before is lost. */
	qstats_seq_init(&s);
	assert_int_equal(qstats_seq_add(&s, 1000), QSTATS_SEQ_INORDER);
	assert_int_equal(qstats_seq_add(&s, 1001), QSTATS_SEQ_INORDER);
	assert_int_equal(qstats_seq_lost(&s), 0);
	/* One that comes below the first widens the range. */
	assert_int_equal(qstats_seq_add(&s, 998), QSTATS_SEQ_REORDERED);
	assert_int_equal(qstats_seq_expected(&s), 4);
	assert_int_equal(qstats_seq_lost(&s), 1);
}

static void
test_seq_window_edges(void **state)
{
	struct qstats_seq s;

	(void)state;
	qstats_seq_init(&s);
	qstats_seq_add(&s, 0);
	/* 4095 above: 0 is still inside the window... */
	assert_int_equal(qstats_seq_add(&s, 4095), QSTATS_SEQ_INORDER);
	assert_int_equal(qstats_seq_add(&s, 0), QSTATS_SEQ_DUPLICATE);
	/* ...and at 4096 it is out; bit 0 now belongs to 4096. */
	assert_int_equal(qstats_seq_add(&s, 4096), QSTATS_SEQ_INORDER);
	assert_int_equal(qstats_seq_add(&s, 0), QSTATS_SEQ_REORDERED);
	assert_int_equal(s.old_frames, 1);
	/* 1 was never seen: its bit was cleared as the window passed. */
	assert_int_equal(qstats_seq_add(&s, 1), QSTATS_SEQ_REORDERED);
	assert_int_equal(qstats_seq_add(&s, 1), QSTATS_SEQ_DUPLICATE);
	assert_int_equal(qstats_seq_add(&s, 4096), QSTATS_SEQ_DUPLICATE);
	assert_int_equal(s.duplicates, 3);
}

static void
test_seq_jump_clears_window(void **state)
{
	struct qstats_seq s;

	(void)state;
	qstats_seq_init(&s);
	qstats_seq_add(&s, 0);
	qstats_seq_add(&s, 2);
	assert_int_equal(qstats_seq_add(&s, 1), QSTATS_SEQ_REORDERED);
	/* Clears 3..4098, whose bits include those of 4096-4098. */
	assert_int_equal(qstats_seq_add(&s, 4098), QSTATS_SEQ_INORDER);
	assert_int_equal(qstats_seq_add(&s, 4097), QSTATS_SEQ_REORDERED);
	assert_int_equal(qstats_seq_add(&s, 3), QSTATS_SEQ_REORDERED);
	/* A jump over a whole window forgets everything before it. */
	assert_int_equal(qstats_seq_add(&s, 100000), QSTATS_SEQ_INORDER);
	assert_int_equal(qstats_seq_add(&s, 100000 - 4095),
	    QSTATS_SEQ_REORDERED);
	assert_int_equal(qstats_seq_add(&s, 100000 - 4095),
	    QSTATS_SEQ_DUPLICATE);
	assert_int_equal(qstats_seq_expected(&s), 100001);
	/* 0 1 2 3 4097 4098 95905 100000 */
	assert_int_equal(s.distinct, 8);
	assert_int_equal(qstats_seq_lost(&s), 100001 - 8);
}

static void
test_seq_extremes(void **state)
{
	struct qstats_seq s;

	(void)state;
	/* Garbage sequence numbers must not wrap the arithmetic. */
	qstats_seq_init(&s);
	qstats_seq_add(&s, UINT64_MAX);
	qstats_seq_add(&s, 0);
	assert_int_equal(qstats_seq_expected(&s), UINT64_MAX);
	assert_int_equal(qstats_seq_lost(&s), UINT64_MAX - 2);
	qstats_seq_init(&s);
	qstats_seq_add(&s, 0);
	qstats_seq_add(&s, UINT64_MAX);
	assert_int_equal(qstats_seq_expected(&s), UINT64_MAX);
}

static void
test_seq_random_against_model(void **state)
{
	uint8_t *seen;
	struct qstats_seq s;
	uint64_t rs = 42, seq, max = 0, dist = 0, dup = 0, reord = 0;
	int i, any = 0;

	(void)state;
	/*
	 * Reordering within the window, duplicates and gaps, against a
	 * plain array of every sequence number: the counts must agree.
	 */
	seen = calloc(200000, 1);
	assert_non_null(seen);
	qstats_seq_init(&s);
	for (i = 0; i < 100000; i++) {
		seq = (uint64_t)i * 2 - tu_randn(&rs, 3000);
		if (seq > 199999)
			seq = 0;
		if (seen[seq]) {
			dup++;
			assert_int_equal(qstats_seq_add(&s, seq),
			    QSTATS_SEQ_DUPLICATE);
			continue;
		}
		seen[seq] = 1;
		dist++;
		if (any && seq < max) {
			reord++;
			assert_int_equal(qstats_seq_add(&s, seq),
			    QSTATS_SEQ_REORDERED);
		} else
			assert_int_equal(qstats_seq_add(&s, seq),
			    QSTATS_SEQ_INORDER);
		if (!any || seq > max)
			max = seq;
		any = 1;
	}
	assert_int_equal(s.distinct, dist);
	assert_int_equal(s.duplicates, dup);
	assert_int_equal(s.reordered, reord);
	assert_int_equal(s.old_frames, 0);
	free(seen);
}

static void
test_rate(void **state)
{
	(void)state;
	/* 4000 frames 0.5 ms apart span 1.9995 s: exactly 2000 per second. */
	assert_true(fabs(qstats_rate(4000, 0, 1999500000) - 2000.0) < 1e-9);
	/* Three over two seconds: two intervals, one per second. */
	assert_true(qstats_rate(3, 5000000000, 7000000000) == 1.0);
	assert_true(qstats_rate(1, 0, 100) == 0.0);
	assert_true(qstats_rate(0, 0, 100) == 0.0);
	assert_true(qstats_rate(10, 100, 100) == 0.0);
	assert_true(qstats_rate(10, 200, 100) == 0.0);
}

static void
test_samples_by_flow(void **state)
{
	struct qstats_samples s;
	const int64_t *lat;
	size_t start[4];

	(void)state;
	assert_int_equal(qstats_samples_init(&s, 0), -1);
	assert_int_equal(qstats_samples_init(&s, 8), 0);
	assert_int_equal(qstats_samples_add(&s, 1, 30), 0);
	assert_int_equal(qstats_samples_add(&s, 0, 7), 0);
	assert_int_equal(qstats_samples_add(&s, 1, -5), 0);
	assert_int_equal(qstats_samples_add(&s, 3, 1), 0);
	assert_int_equal(qstats_samples_add(&s, 1, 10), 0);
	assert_int_equal(qstats_samples_add(&s, 0, INT64_MAX), 0);
	assert_int_equal(qstats_samples_add(&s, 0, INT64_MIN), 0);
	assert_int_equal(qstats_samples_add(&s, QSTATS_SAMPLES_FLOWS, 1), -1);
	assert_int_equal(qstats_samples_add(&s, 2, 4), 0);
	/* Full: refused and counted. */
	assert_int_equal(qstats_samples_add(&s, 2, 5), -1);
	assert_int_equal(s.dropped, 1);

	/* Flow 3 is past nflows: left out of every range. */
	qstats_samples_finish(&s, 3, start);
	lat = qstats_samples_lat(&s);
	assert_int_equal(start[0], 0);
	assert_int_equal(start[1], 3);
	assert_int_equal(start[2], 6);
	assert_int_equal(start[3], 7);
	assert_int_equal(lat[0], -QSTATS_LAT_LIMIT);	/* clamped */
	assert_int_equal(lat[1], 7);
	assert_int_equal(lat[2], QSTATS_LAT_LIMIT);
	assert_int_equal(lat[3], -5);
	assert_int_equal(lat[4], 10);
	assert_int_equal(lat[5], 30);
	assert_int_equal(lat[6], 4);
	assert_int_equal(qstats_percentile(lat + start[1], 3, 50), 10);
	/* Finished: no more adds, and no second conversion. */
	assert_int_equal(qstats_samples_add(&s, 0, 1), -1);
	qstats_samples_finish(&s, 3, start);
	assert_int_equal(start[3], 0);
	qstats_samples_free(&s);
}

static void
test_samples_many(void **state)
{
	struct qstats_samples s;
	const int64_t *lat;
	size_t start[3], i;

	(void)state;
	/* Two flows of 0..9999 in a shuffled order come back sorted. */
	assert_int_equal(qstats_samples_init(&s, 20000), 0);
	for (i = 0; i < 20000; i++)
		qstats_samples_add(&s, (unsigned)(i & 1),
		    (int64_t)((i / 2 * 7919) % 10000));
	qstats_samples_finish(&s, 2, start);
	lat = qstats_samples_lat(&s);
	assert_int_equal(start[1], 10000);
	assert_int_equal(start[2], 20000);
	for (i = 0; i < 10000; i++) {
		assert_int_equal(lat[i], (int64_t)i);
		assert_int_equal(lat[10000 + i], (int64_t)i);
	}
	assert_int_equal(qstats_percentile(lat, 10000, 50), 4999);
	assert_int_equal(qstats_percentile(lat + 10000, 10000, 99), 9899);
	qstats_samples_free(&s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_percentile_nearest_rank),
		cmocka_unit_test(test_percentile_exact_ranks),
		cmocka_unit_test(test_jitter_hand),
		cmocka_unit_test(test_jitter_constant_delay_is_zero),
		cmocka_unit_test(test_jitter_in_received_order),
		cmocka_unit_test(test_jitter_wild_stamps),
		cmocka_unit_test(test_lat_clamped),
		cmocka_unit_test(test_seq_loss_reorder_dup),
		cmocka_unit_test(test_seq_not_from_zero),
		cmocka_unit_test(test_seq_window_edges),
		cmocka_unit_test(test_seq_jump_clears_window),
		cmocka_unit_test(test_seq_extremes),
		cmocka_unit_test(test_seq_random_against_model),
		cmocka_unit_test(test_rate),
		cmocka_unit_test(test_samples_by_flow),
		cmocka_unit_test(test_samples_many),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
