/*
 * The incoming label allocator (src/lalloc.c): never a reserved label,
 * never one outside the range, never the same one twice, next-fit so a
 * freed label waits for the range to wrap, and labels someone else holds
 * are skipped.
 */
#include <stdio.h>

#include "testutil.h"

#include "lalloc.h"
#include "mpls.h"

static void
test_range(void **state)
{
	struct lalloc la;
	uint32_t l;

	(void)state;
	assert_int_equal(lalloc_init(&la, 100, 99), LALLOC_ERANGE);
	assert_int_equal(lalloc_init(&la, 16, MPLS_LABEL_MAX + 1),
	    LALLOC_ERANGE);
	/* 0-15 are never handed out: the range starts at 16 */
	assert_int_equal(lalloc_init(&la, 0, 20), LALLOC_OK);
	assert_int_equal(la.min, 16);
	assert_int_equal(lalloc_size(&la), 5);
	assert_int_equal(lalloc_alloc(&la, &l, NULL, NULL), LALLOC_OK);
	assert_int_equal(l, 16);
	assert_int_equal(lalloc_reserve(&la, 3), LALLOC_ERANGE);
	assert_int_equal(lalloc_free(&la, 3), LALLOC_ERANGE);
	assert_int_equal(lalloc_free(&la, 21), LALLOC_ERANGE);
	lalloc_fini(&la);
	/* a range of one label, the highest there is */
	assert_int_equal(lalloc_init(&la, MPLS_LABEL_MAX, MPLS_LABEL_MAX),
	    LALLOC_OK);
	assert_int_equal(lalloc_alloc(&la, &l, NULL, NULL), LALLOC_OK);
	assert_int_equal(l, MPLS_LABEL_MAX);
	assert_int_equal(lalloc_alloc(&la, &l, NULL, NULL), LALLOC_EFULL);
	lalloc_fini(&la);
}

static void
test_exhaust_and_unique(void **state)
{
	struct lalloc la;
	static uint8_t seen[4096];
	uint32_t l, i, n = 1000;

	(void)state;
	assert_int_equal(lalloc_init(&la, 1000, 1000 + n - 1), LALLOC_OK);
	memset(seen, 0, sizeof(seen));
	for (i = 0; i < n; i++) {
		assert_int_equal(lalloc_alloc(&la, &l, NULL, NULL), LALLOC_OK);
		assert_true(l >= 1000 && l < 1000 + n);
		assert_int_equal(seen[l - 1000], 0);
		seen[l - 1000] = 1;
		assert_true(lalloc_used(&la, l));
	}
	assert_int_equal(la.used, n);
	assert_int_equal(lalloc_alloc(&la, &l, NULL, NULL), LALLOC_EFULL);
	/* one freed is the one found */
	assert_int_equal(lalloc_free(&la, 1500), LALLOC_OK);
	assert_int_equal(lalloc_free(&la, 1500), LALLOC_ENOTUSED);
	assert_false(lalloc_used(&la, 1500));
	assert_int_equal(lalloc_alloc(&la, &l, NULL, NULL), LALLOC_OK);
	assert_int_equal(l, 1500);
	lalloc_fini(&la);
}

static void
test_next_fit(void **state)
{
	struct lalloc la;
	uint32_t l;

	(void)state;
	assert_int_equal(lalloc_init(&la, 100, 199), LALLOC_OK);
	assert_int_equal(lalloc_alloc(&la, &l, NULL, NULL), LALLOC_OK);
	assert_int_equal(l, 100);
	assert_int_equal(lalloc_free(&la, 100), LALLOC_OK);
	/* 100 is free again, but the search goes on from 101 */
	assert_int_equal(lalloc_alloc(&la, &l, NULL, NULL), LALLOC_OK);
	assert_int_equal(l, 101);
	/* and wraps at the top */
	assert_int_equal(lalloc_reserve(&la, 199), LALLOC_OK);
	assert_int_equal(lalloc_reserve(&la, 199), LALLOC_EINUSE);
	la.next = 199;
	assert_int_equal(lalloc_alloc(&la, &l, NULL, NULL), LALLOC_OK);
	assert_int_equal(l, 100);
	lalloc_fini(&la);
}

static int
busy_even(uint32_t label, void *arg)
{
	unsigned *calls = arg;

	(*calls)++;
	return label % 2 == 0;
}

static void
test_busy_skipped(void **state)
{
	struct lalloc la;
	unsigned calls = 0, i;
	uint32_t l;

	(void)state;
	assert_int_equal(lalloc_init(&la, 100, 109), LALLOC_OK);
	for (i = 0; i < 5; i++) {
		assert_int_equal(lalloc_alloc(&la, &l, busy_even, &calls),
		    LALLOC_OK);
		assert_int_equal(l % 2, 1);
	}
	/* the busy ones stay marked: the range is full */
	assert_int_equal(la.used, 10);
	assert_int_equal(lalloc_alloc(&la, &l, busy_even, &calls),
	    LALLOC_EFULL);
	assert_true(lalloc_used(&la, 104));
	/* and come back when freed */
	assert_int_equal(lalloc_free(&la, 104), LALLOC_OK);
	assert_int_equal(lalloc_alloc(&la, &l, NULL, NULL), LALLOC_OK);
	assert_int_equal(l, 104);
	lalloc_fini(&la);
}

/* The whole label space, nearly full, with words of 64 all taken. */
static void
test_large_range(void **state)
{
	struct lalloc la;
	uint64_t seed = 3;
	uint32_t l, i, want;

	(void)state;
	assert_int_equal(lalloc_init(&la, 16, MPLS_LABEL_MAX), LALLOC_OK);
	assert_int_equal(lalloc_size(&la), MPLS_LABEL_MAX - 15);
	for (i = 16; i <= MPLS_LABEL_MAX; i++)
		assert_int_equal(lalloc_reserve(&la, i), LALLOC_OK);
	want = 16 + (uint32_t)tu_randn(&seed, MPLS_LABEL_MAX - 15);
	assert_int_equal(lalloc_free(&la, want), LALLOC_OK);
	la.next = 16;
	assert_int_equal(lalloc_alloc(&la, &l, NULL, NULL), LALLOC_OK);
	assert_int_equal(l, want);
	assert_int_equal(lalloc_alloc(&la, &l, NULL, NULL), LALLOC_EFULL);
	lalloc_fini(&la);
	assert_string_equal(lalloc_strerror(LALLOC_EFULL),
	    "every label of the range is taken");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_range),
		cmocka_unit_test(test_exhaust_and_unique),
		cmocka_unit_test(test_next_fit),
		cmocka_unit_test(test_busy_skipped),
		cmocka_unit_test(test_large_range),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
