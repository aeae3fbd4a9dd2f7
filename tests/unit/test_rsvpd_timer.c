/*
 * quasard's timer heap (src/timer.c), against a slow reference: an array
 * of deadlines searched linearly for the earliest.  Plus the RFC 2205
 * s3.7 arithmetic: jitter in [0.5R, 1.5R], lifetime (K + 0.5) * 1.5 * R.
 */
#include <stdio.h>

#include "testutil.h"

#include "timer.h"

#define NT	500

struct rec {
	struct timer	 t;
	unsigned	 id;
	unsigned	*log;
	unsigned	*nlog;
};

static void
fire_log(struct timer_heap *th, struct timer *t, void *arg)
{
	struct rec *r = arg;

	(void)th;
	(void)t;
	r->log[(*r->nlog)++] = r->id;
}

/* The heap property and the idx back-pointers, checked from the outside. */
static void
check_heap(const struct timer_heap *th)
{
	uint32_t i;

	for (i = 0; i < th->n; i++) {
		assert_int_equal(th->h[i]->idx, i);
		if (i > 0)
			assert_true(th->h[(i - 1) / 2]->when <= th->h[i]->when);
	}
}

static void
test_order(void **state)
{
	struct timer_heap th;
	static struct rec r[NT];
	unsigned log[NT], nlog = 0, i;
	uint64_t seed = 1, prev = 0;

	(void)state;
	timer_heap_init(&th);
	assert_int_equal(timer_next(&th), TIMER_NONE);
	for (i = 0; i < NT; i++) {
		r[i].id = i;
		r[i].log = log;
		r[i].nlog = &nlog;
		timer_init(&r[i].t, fire_log, &r[i]);
		assert_false(timer_pending(&r[i].t));
		assert_int_equal(timer_set(&th, &r[i].t,
		    1 + tu_randn(&seed, 1000)), 0);
		assert_true(timer_pending(&r[i].t));
	}
	check_heap(&th);
	assert_int_equal(timer_run(&th, 1000), NT);
	assert_int_equal(nlog, NT);
	for (i = 0; i < NT; i++) {
		assert_true(r[log[i]].t.when >= prev);
		prev = r[log[i]].t.when;
		assert_false(timer_pending(&r[log[i]].t));
	}
	assert_int_equal(th.n, 0);
	timer_heap_fini(&th);
}

/* Random set / move / cancel / run, compared with a linear model. */
static void
test_against_model(void **state)
{
	struct timer_heap th;
	static struct rec r[NT];
	static uint64_t model[NT];	/* 0: not armed */
	unsigned log[NT], nlog, i, k, step, want;
	uint64_t seed = 42, now = 0, when;

	(void)state;
	timer_heap_init(&th);
	for (i = 0; i < NT; i++) {
		r[i].id = i;
		r[i].log = log;
		r[i].nlog = &nlog;
		timer_init(&r[i].t, fire_log, &r[i]);
		model[i] = 0;
	}
	for (step = 0; step < 20000; step++) {
		k = (unsigned)tu_randn(&seed, NT);
		switch (tu_randn(&seed, 4)) {
		case 0:
		case 1:
			when = now + 1 + tu_randn(&seed, 5000);
			assert_int_equal(timer_set(&th, &r[k].t, when), 0);
			model[k] = when;
			break;
		case 2:
			timer_cancel(&th, &r[k].t);
			model[k] = 0;
			break;
		default:
			now += tu_randn(&seed, 300);
			nlog = 0;
			want = 0;
			for (i = 0; i < NT; i++)
				if (model[i] != 0 && model[i] <= now)
					want++;
			assert_int_equal(timer_run(&th, now), want);
			assert_int_equal(nlog, want);
			for (i = 0; i < nlog; i++) {
				assert_true(model[log[i]] != 0 &&
				    model[log[i]] <= now);
				if (i > 0)
					assert_true(model[log[i - 1]] <=
					    model[log[i]]);
			}
			for (i = 0; i < nlog; i++)
				model[log[i]] = 0;
			break;
		}
		check_heap(&th);
		when = TIMER_NONE;
		for (i = 0; i < NT; i++) {
			assert_int_equal(timer_pending(&r[i].t), model[i] != 0);
			if (model[i] != 0 && model[i] < when)
				when = model[i];
		}
		assert_int_equal(timer_next(&th), when);
	}
	timer_heap_fini(&th);
}

struct periodic {
	struct timer	t;
	unsigned	count;
	uint64_t	period;
	struct timer	*victim;	/* cancelled by the first firing */
};

static void
fire_periodic(struct timer_heap *th, struct timer *t, void *arg)
{
	struct periodic *p = arg;

	p->count++;
	if (p->victim != NULL) {
		timer_cancel(th, p->victim);
		p->victim = NULL;
	}
	assert_int_equal(timer_set(th, t, t->when + p->period), 0);
}

static void
fire_fail(struct timer_heap *th, struct timer *t, void *arg)
{
	(void)th;
	(void)t;
	(void)arg;
	fail_msg("a cancelled timer fired");
}

/* A callback re-arms itself and cancels another timer due at the same
 * time: the cancelled one never fires. */
static void
test_rearm_and_cancel_in_callback(void **state)
{
	struct timer_heap th;
	struct periodic p = { .period = 10 };
	struct timer other;

	(void)state;
	timer_heap_init(&th);
	timer_init(&p.t, fire_periodic, &p);
	timer_init(&other, fire_fail, NULL);
	p.victim = &other;
	assert_int_equal(timer_set(&th, &p.t, 10), 0);
	assert_int_equal(timer_set(&th, &other, 11), 0);
	/* 10, 20, ..., 100: ten firings, the victim gone after the first */
	assert_int_equal(timer_run(&th, 100), 10);
	assert_int_equal(p.count, 10);
	assert_false(timer_pending(&other));
	assert_int_equal(timer_next(&th), 110);
	timer_cancel(&th, &p.t);
	timer_cancel(&th, &p.t);	/* twice is harmless */
	assert_int_equal(timer_next(&th), TIMER_NONE);
	timer_heap_fini(&th);
}

static void
test_poll_ms(void **state)
{
	struct timer_heap th;
	struct timer t;

	(void)state;
	timer_heap_init(&th);
	timer_init(&t, fire_fail, NULL);
	assert_int_equal(timer_poll_ms(&th, 0, 100), 100);
	assert_int_equal(timer_set(&th, &t, 5500000), 0);	/* 5.5 ms */
	assert_int_equal(timer_poll_ms(&th, 0, 100), 6);	/* rounded up */
	assert_int_equal(timer_poll_ms(&th, 5000000, 100), 1);
	assert_int_equal(timer_poll_ms(&th, 5500000, 100), 0);
	assert_int_equal(timer_poll_ms(&th, 9000000, 100), 0);
	assert_int_equal(timer_set(&th, &t, 10000000000ull), 0);
	assert_int_equal(timer_poll_ms(&th, 0, 100), 100);	/* capped */
	timer_cancel(&th, &t);
	timer_heap_fini(&th);
}

static void
test_jitter(void **state)
{
	uint64_t seed = 7, r = 30000, v, lo = UINT64_MAX, hi = 0, sum = 0;
	unsigned i, n = 100000;

	(void)state;
	assert_int_equal(timer_jitter(r, 0), 15000);
	/* the top of the range is approached, never reached */
	assert_int_equal(timer_jitter(r, UINT32_MAX), 44999);
	assert_int_equal(timer_jitter(1000, 0x80000000u), 1000);
	for (i = 0; i < n; i++) {
		v = timer_jitter(r, (uint32_t)tu_rand64(&seed));
		assert_true(v >= r / 2 && v < r + r / 2);
		lo = v < lo ? v : lo;
		hi = v > hi ? v : hi;
		sum += v;
	}
	/* spread over the whole range, centred on R */
	assert_true(lo < 15300 && hi > 44700);
	assert_true(sum / n > 29700 && sum / n < 30300);
	/* nanosecond periods of a day do not overflow */
	r = 86400ull * 1000000000ull;
	assert_true(timer_jitter(r, UINT32_MAX) < r + r / 2);
	assert_true(timer_jitter(r, UINT32_MAX) > r + r / 2 - r / 1000000);
}

static void
test_lifetime(void **state)
{
	(void)state;
	/* RFC 2205 s3.7: R = 30 s, K = 3: L = 3.5 * 1.5 * 30 = 157.5 s */
	assert_int_equal(timer_lifetime(30000, 3), 157500);
	/* the lab's R = 1 s, K = 3: 5.25 s */
	assert_int_equal(timer_lifetime(1000, 3), 5250);
	assert_int_equal(timer_lifetime(1000, 1), 2250);
	assert_int_equal(timer_lifetime(0, 3), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order),
		cmocka_unit_test(test_against_model),
		cmocka_unit_test(test_rearm_and_cancel_in_callback),
		cmocka_unit_test(test_poll_ms),
		cmocka_unit_test(test_jitter),
		cmocka_unit_test(test_lifetime),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
