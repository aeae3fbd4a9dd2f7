/*
 * Start-up calibration (src/calib.c) through the local backend with the
 * real routelet: as root, in a network namespace of the test's own
 * (unshared first thing) and under a cgroup instance named after the
 * test's pid.  Skipped when not root or when the routelet binary
 * (QUASAR_ROUTELET, default build/bin/routelet) is missing.
 *
 * No timing is asserted beyond what any machine this runs on gives a real
 * forwarding path: at least 1 us and at most 1 ms a frame.  The engine's
 * stages alone cost tens of ns, so a calibration that stopped measuring
 * the routelet's system calls and wake-ups would fail here.
 */
#include <inttypes.h>
#include <stdio.h>
#include <unistd.h>

#include <net/if.h>

#include "testutil.h"
#include "lbtest.h"

#include "backend.h"
#include "calib.h"
#include "cgroup.h"
#include "clock.h"
#include "log.h"
#include "nl.h"

#define ACK_MS		5000

static const char *skip_why;
static char routelet[256], instance[64];
static struct backend be;
static struct cg cg;
static struct nl_sock *nl;

#define NEED_SETUP()	LBT_NEED_SETUP(skip_why)

static int
has_group(const char *name, void *arg)
{
	if (strcmp(name, "rl1048575") == 0)
		(*(int *)arg)++;
	return 0;
}

/* Nothing of the calibration domain is left: no group, no VIF. */
static void
assert_nothing_left(unsigned nvifs)
{
	char name[32];		/* IF_NAMESIZE holds them: ids are 20 bits */
	unsigned n;
	int groups = 0;

	assert_true(cg_list(&cg, has_group, &groups) >= 0);
	assert_int_equal(groups, 0);
	for (n = 0; n < nvifs; n++) {
		snprintf(name, sizeof(name), "vif%u.%u", CALIB_DOM_ID, n);
		assert_int_equal(qnl_ifindex(nl, name), 0);
	}
}

static void
assert_plausible(const struct calib_res *res)
{
	print_message("%" PRIu32 " ns a frame (rounds %" PRIu32 "-%" PRIu32
	    "), %u of %u frames back, %" PRIu64 " ns of CPU, took %" PRIu64
	    " ms\n", res->per_frame_ns, res->min_ns, res->max_ns, res->back,
	    res->sent, res->cpu_ns, res->took_ns / NSEC_PER_MSEC);
	assert_int_equal(res->why[0], '\0');
	assert_int_equal(res->rate, CALIB_RATE);
	assert_int_equal(res->sent, CALIB_FRAMES);
	assert_true(res->back >= res->sent - res->sent / 10);
	assert_true(res->back <= res->sent);
	/* a real forwarding path: system calls and a wake-up a frame */
	assert_true(res->per_frame_ns >= 1000);
	assert_true(res->per_frame_ns <= 1000000);
	assert_true(res->min_ns <= res->per_frame_ns);
	assert_true(res->per_frame_ns <= res->max_ns);
	/* every round's frames cost between the cheapest and the dearest
	 * round's figure (each rounded up) */
	assert_true(res->cpu_ns > (uint64_t)(res->min_ns - 1) * res->back);
	assert_true(res->cpu_ns <= (uint64_t)res->max_ns * res->back);
	assert_true(res->took_ns > 0);
}

/* Two VIFs, as on a router with two ports: in on one, out on the other. */
static void
test_two_vifs(void **state)
{
	struct calib_res res;

	(void)state;
	NEED_SETUP();
	assert_int_equal(calib_run(&be, 2, &res), 0);
	assert_plausible(&res);
	assert_nothing_left(2);
}

/* One VIF (a one-port router): in and out on the same one. */
static void
test_one_vif(void **state)
{
	struct calib_res res;

	(void)state;
	NEED_SETUP();
	assert_int_equal(calib_run(&be, 1, &res), 0);
	assert_plausible(&res);
	assert_nothing_left(1);
}

/*
 * A domain that cannot be made (its first VIF's name is taken): -1, the
 * reason, no figure, and only what was there before is left.
 */
static void
test_create_fails(void **state)
{
	uint8_t m0[6] = { 0x02, 0x50, 0, 0, 1, 0 };
	uint8_t m1[6] = { 0x02, 0x50, 0, 0, 1, 1 };
	char name[IF_NAMESIZE];
	struct calib_res res;

	(void)state;
	NEED_SETUP();
	snprintf(name, sizeof(name), "vif%u.0", CALIB_DOM_ID);
	assert_true(qnl_veth_create(nl, name, m0, "calibpeer", m1,
	    getpid()) > 0);
	assert_int_equal(calib_run(&be, 2, &res), -1);
	print_message("why: %s\n", res.why);
	assert_non_null(strstr(res.why, "could not make routelet domain"));
	assert_int_equal(res.per_frame_ns, 0);
	assert_int_equal(res.sent, 0);
	assert_true(qnl_ifindex(nl, name) > 0);
	assert_int_equal(qnl_link_del(nl, name), 0);
	assert_nothing_left(2);
}

static void
test_bad_vifs(void **state)
{
	struct calib_res res;

	(void)state;
	NEED_SETUP();
	assert_int_equal(calib_run(&be, 0, &res), -1);
	assert_non_null(strstr(res.why, "VIFs"));
	assert_int_equal(calib_run(&be, RLCONF_MAX_VIFS + 1, &res), -1);
	assert_non_null(strstr(res.why, "VIFs"));
	assert_int_equal(res.per_frame_ns, 0);
}

static int
group_setup(void **state)
{
	(void)state;
	if (skip_why != NULL)
		return 0;
	assert_non_null(nl = qnl_open());
	lbt_open(&be, instance, routelet, ACK_MS);
	assert_int_equal(cg_open(&cg, instance), 0);
	return 0;
}

static int
group_teardown(void **state)
{
	(void)state;
	if (skip_why != NULL)
		return 0;
	backend_close(&be);
	cg_close(&cg);
	qnl_close(nl);
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_two_vifs),
		cmocka_unit_test(test_one_vif),
		cmocka_unit_test(test_create_fails),
		cmocka_unit_test(test_bad_vifs),
	};

	log_init("test_calib", LOG_TO_STDERR);
	skip_why = lbt_init("qtest-calib", routelet, sizeof(routelet),
	    instance, sizeof(instance));
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
