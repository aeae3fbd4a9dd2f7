/*
 * Admission arithmetic (src/admit.c).  Expected values are worked out by
 * hand from the definitions in admit.h.
 */
#include <math.h>
#include <stdio.h>

#include "testutil.h"

#include "admit.h"

static void
test_pps(void **state)
{
	struct admit_flow f = { .r = 1e6, .b = 10000, .p = 2e6, .m = 100,
	    .M = 1500 };

	(void)state;
	/* peak 2 MB/s in 100-byte packets: 20000 packets/s */
	assert_int_equal(admit_pps(&f), 20000);
	/* an infinite peak counts as r */
	f.p = INFINITY;
	assert_int_equal(admit_pps(&f), 10000);
	/* so does a peak below r (RFC 2215 calls it unsound anyway) */
	f.p = 5e5;
	assert_int_equal(admit_pps(&f), 10000);
	/* m below 20 counts as 20 */
	f.p = 2e6;
	f.m = 0;
	assert_int_equal(admit_pps(&f), 100000);
	/* rounded up */
	f.m = 3 * 1000;
	f.p = 1e6 + 1;
	assert_int_equal(admit_pps(&f), 334);
	/* nonsense rates never fit */
	f.r = NAN;
	assert_int_equal(admit_pps(&f), UINT64_MAX);
	f.r = -1;
	assert_int_equal(admit_pps(&f), UINT64_MAX);
	/* best effort: nothing */
	f.r = 0;
	f.p = 0;
	assert_int_equal(admit_pps(&f), 0);
}

static void
test_cpu_ppm(void **state)
{
	(void)state;
	/* 20000 pps at 250 ns: 5 ms of CPU per second, 5000 ppm */
	assert_int_equal(admit_cpu_ppm(20000, 250), 5000);
	/* rounded up */
	assert_int_equal(admit_cpu_ppm(1, 1), 1);
	assert_int_equal(admit_cpu_ppm(0, 1000), 0);
	assert_int_equal(admit_cpu_ppm(UINT64_MAX, 2), UINT64_MAX);
}

static void
test_bw(void **state)
{
	(void)state;
	assert_int_equal(admit_bw(1e6), 1000000);
	assert_int_equal(admit_bw(1000.25), 1001);
	assert_int_equal(admit_bw(0), 0);
	assert_int_equal(admit_bw(INFINITY), UINT64_MAX);
	assert_int_equal(admit_bw(-5), UINT64_MAX);
	assert_int_equal(admit_bw(NAN), UINT64_MAX);
	assert_int_equal(admit_bw(1e30), UINT64_MAX);
}

static void
test_budget(void **state)
{
	struct admit a;

	(void)state;
	assert_int_equal(admit_init(&a, 2, 80, 4, 100), ADMIT_OK);
	/* 80% of 4 CPUs */
	assert_int_equal(a.cpu_budget_ppm, 3200000);
	assert_int_equal(a.port[0].reservable, ADMIT_UNLIMITED);
	assert_int_equal(admit_set_port(&a, 1, 10000000), ADMIT_OK);
	assert_int_equal(admit_set_port(&a, 2, 1), ADMIT_EPORT);
	assert_int_equal(admit_init(&a, ADMIT_MAX_PORTS + 1, 80, 4, 100),
	    ADMIT_EPARAM);
	assert_int_equal(admit_init(&a, 1, 101, 4, 100), ADMIT_EPARAM);
	assert_int_equal(admit_init(&a, 1, 50, 0, 100), ADMIT_EPARAM);
}

static void
test_take_release(void **state)
{
	struct admit a;
	struct admit_req r1 = { 1, 6000000, 100000 };
	struct admit_req r2 = { 1, 4000000, 100000 };
	struct admit_req r3 = { 1, 1, 0 };
	struct admit_req big_cpu = { 0, 1, 1000001 };
	struct admit_req bad = { 5, 1, 1 };

	(void)state;
	assert_int_equal(admit_init(&a, 2, 50, 2, 100), ADMIT_OK);
	assert_int_equal(admit_set_port(&a, 1, 10000000), ADMIT_OK);
	assert_int_equal(admit_take(&a, &r1), ADMIT_OK);
	assert_int_equal(admit_take(&a, &r2), ADMIT_OK);
	/* exactly full: one byte more does not fit, and changes nothing */
	assert_int_equal(a.port[1].reserved, 10000000);
	assert_int_equal(admit_take(&a, &r3), ADMIT_EBW);
	assert_int_equal(a.port[1].reserved, 10000000);
	assert_int_equal(a.port[1].nresv, 2);
	/* the budget is 1000000 ppm, 200000 used */
	assert_int_equal(admit_check(&a, &big_cpu), ADMIT_ECPU);
	assert_int_equal(admit_take(&a, &big_cpu), ADMIT_ECPU);
	assert_int_equal(a.cpu_used_ppm, 200000);
	big_cpu.cpu_ppm = 800000;
	assert_int_equal(admit_take(&a, &big_cpu), ADMIT_OK);
	assert_int_equal(a.cpu_used_ppm, 1000000);
	assert_int_equal(admit_take(&a, &bad), ADMIT_EPORT);
	admit_release(&a, &r1);
	assert_int_equal(a.port[1].reserved, 4000000);
	assert_int_equal(admit_take(&a, &r3), ADMIT_OK);
	admit_release(&a, &r2);
	admit_release(&a, &r3);
	admit_release(&a, &big_cpu);
	assert_int_equal(a.port[1].reserved, 0);
	assert_int_equal(a.port[1].nresv, 0);
	assert_int_equal(a.cpu_used_ppm, 0);
	/* releasing more than taken does not wrap */
	admit_release(&a, &r1);
	assert_int_equal(a.port[1].reserved, 0);
	assert_int_equal(a.cpu_used_ppm, 0);
}

static void
test_unlimited_and_overflow(void **state)
{
	struct admit a;
	struct admit_req r = { 0, UINT64_MAX - 1, 0 };
	struct admit_req inf = { 0, UINT64_MAX, 0 };

	(void)state;
	assert_int_equal(admit_init(&a, 1, 100, 1, 100), ADMIT_OK);
	/* an unlimited port takes anything finite, never "infinite" */
	assert_int_equal(admit_take(&a, &r), ADMIT_OK);
	assert_int_equal(admit_check(&a, &inf), ADMIT_EBW);
	/* a limited one does not overflow its sum */
	assert_int_equal(admit_init(&a, 1, 100, 1, 100), ADMIT_OK);
	assert_int_equal(admit_set_port(&a, 0, UINT64_MAX - 1), ADMIT_OK);
	assert_int_equal(admit_take(&a, &r), ADMIT_OK);
	r.bw = 2;
	assert_int_equal(admit_take(&a, &r), ADMIT_EBW);
}

static void
test_change(void **state)
{
	struct admit a;
	struct admit_req o = { 0, 6000, 10 }, n = { 0, 9000, 10 },
	    other = { 0, 2000, 10 };

	(void)state;
	assert_int_equal(admit_init(&a, 1, 100, 1, 100), ADMIT_OK);
	assert_int_equal(admit_set_port(&a, 0, 10000), ADMIT_OK);
	assert_int_equal(admit_take(&a, &o), ADMIT_OK);
	/* 6000 -> 9000 fits with the 6000 given back */
	assert_int_equal(admit_change(&a, &o, &n), ADMIT_OK);
	assert_int_equal(a.port[0].reserved, 9000);
	assert_int_equal(a.port[0].nresv, 1);
	/* and back; then another takes 2000 and 9000 no longer fits */
	assert_int_equal(admit_change(&a, &n, &o), ADMIT_OK);
	assert_int_equal(admit_take(&a, &other), ADMIT_OK);
	assert_int_equal(admit_change(&a, &o, &n), ADMIT_EBW);
	/* the refused change left the old reservation in place */
	assert_int_equal(a.port[0].reserved, 8000);
	assert_int_equal(a.port[0].nresv, 2);
	assert_int_equal(a.cpu_used_ppm, 20);
}

static void
test_vif_shape(void **state)
{
	uint64_t rate, burst;

	(void)state;
	/* 1 MB/s of 100-byte packets is 1.18 MB/s of frames */
	admit_vif_shape(1000000, 10000, 100, 1500, &rate, &burst);
	assert_int_equal(rate, 1180000);
	assert_int_equal(burst, 11800);
	/* the bucket holds at least one frame of M */
	admit_vif_shape(1000000, 100, 100, 1500, &rate, &burst);
	assert_int_equal(burst, 1518);
	/* m = 0 counts as 20 */
	admit_vif_shape(20, 0, 0, 0, &rate, &burst);
	assert_int_equal(rate, 38);
	assert_int_equal(burst, 18);
	admit_vif_shape(UINT64_MAX, INFINITY, 64, 1500, &rate, &burst);
	assert_int_equal(rate, UINT64_MAX);
	assert_int_equal(burst, 1518);
}

static void
test_cpu_params(void **state)
{
	uint32_t w, cap;

	(void)state;
	/* 1% of a CPU: weight 100, cap 5% (the floor) */
	admit_cpu_params(10000, &w, &cap);
	assert_int_equal(w, 100);
	assert_int_equal(cap, 5);
	/* 30%: weight 3000, cap 60% */
	admit_cpu_params(300000, &w, &cap);
	assert_int_equal(w, 3000);
	assert_int_equal(cap, 60);
	/* tiny: weight 10; huge: 10000 and 100% */
	admit_cpu_params(1, &w, &cap);
	assert_int_equal(w, 10);
	assert_int_equal(cap, 5);
	admit_cpu_params(5000000, &w, &cap);
	assert_int_equal(w, 10000);
	assert_int_equal(cap, 100);
	admit_cpu_params(UINT64_MAX, &w, &cap);
	assert_int_equal(w, 10000);
	assert_int_equal(cap, 100);
	/* rounded up: 2.00001% doubled is 5 (floor), 3.1% doubled is 7 */
	admit_cpu_params(31000, &w, &cap);
	assert_int_equal(cap, 7);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pps),
		cmocka_unit_test(test_cpu_ppm),
		cmocka_unit_test(test_bw),
		cmocka_unit_test(test_budget),
		cmocka_unit_test(test_take_release),
		cmocka_unit_test(test_unlimited_and_overflow),
		cmocka_unit_test(test_change),
		cmocka_unit_test(test_vif_shape),
		cmocka_unit_test(test_cpu_params),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
