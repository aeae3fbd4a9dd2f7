/*
 * Counters: add/get, the text and JSON dumps, and a reader running beside
 * the one writer.
 */
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>

#include "testutil.h"

#include "counter.h"

static const struct counter_desc DESC[3] = {
	{ "rx_packets", "frames received" },
	{ "drops", "frames dropped" },
	{ "a_rather_long_name", "x" },
};

/* What fn wrote to a memory stream, as a NUL-terminated heap string. */
static char *
dump(void (*fn)(FILE *, const counter_t *, int), const counter_t *c,
    int arg)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	f = open_memstream(&buf, &len);
	assert_non_null(f);
	fn(f, c, arg);
	assert_int_equal(fclose(f), 0);
	assert_non_null(buf);
	assert_int_equal(strlen(buf), len);
	return buf;
}

static void
dump_text(FILE *f, const counter_t *c, int skip_zero)
{
	ctr_dump_text(f, DESC, c, 3, skip_zero);
}

static void
dump_json(FILE *f, const counter_t *c, int n)
{
	ctr_dump_json(f, DESC, c, (unsigned)n);
}

static void
test_add_get(void **state)
{
	counter_t c;

	(void)state;
	atomic_init(&c, 0);
	assert_int_equal(ctr_get(&c), 0);
	ctr_add(&c, 1);
	ctr_add(&c, 41);
	assert_int_equal(ctr_get(&c), 42);
	ctr_add(&c, 0);
	assert_int_equal(ctr_get(&c), 42);
	ctr_add(&c, UINT64_MAX - 42);
	assert_int_equal(ctr_get(&c), UINT64_MAX);
	/* Counters wrap like the unsigned integers they are. */
	ctr_add(&c, 1);
	assert_int_equal(ctr_get(&c), 0);
}

static void
test_dump_text(void **state)
{
	counter_t c[3];
	char *s;

	(void)state;
	atomic_init(&c[0], 5);
	atomic_init(&c[1], 0);
	atomic_init(&c[2], UINT64_MAX);
	/* Name in 16 columns, value right-aligned in 12, two blanks. */
	s = dump(dump_text, c, 0);
	assert_string_equal(s,
	    "rx_packets                  5  frames received\n"
	    "drops                       0  frames dropped\n"
	    "a_rather_long_name 18446744073709551615  x\n");
	free(s);
	s = dump(dump_text, c, 1);
	assert_string_equal(s,
	    "rx_packets                  5  frames received\n"
	    "a_rather_long_name 18446744073709551615  x\n");
	free(s);
}

static void
test_dump_json(void **state)
{
	counter_t c[3];
	char *s;

	(void)state;
	atomic_init(&c[0], 5);
	atomic_init(&c[1], 0);
	atomic_init(&c[2], UINT64_MAX);
	s = dump(dump_json, c, 3);
	assert_string_equal(s, "{\"rx_packets\":5,\"drops\":0,"
	    "\"a_rather_long_name\":18446744073709551615}");
	free(s);
	s = dump(dump_json, c, 1);
	assert_string_equal(s, "{\"rx_packets\":5}");
	free(s);
	s = dump(dump_json, c, 0);
	assert_string_equal(s, "{}");
	free(s);
}

#define NADD	2000000u

struct rw {
	counter_t	c;
	_Atomic int	done;
};

static void *
writer(void *arg)
{
	struct rw *rw = arg;
	uint32_t i;

	for (i = 0; i < NADD; i++)
		ctr_add(&rw->c, 3);
	atomic_store(&rw->done, 1);
	return NULL;
}

/* A reader never sees a value going back, or one the writer never had. */
static void
test_reader_beside_writer(void **state)
{
	static struct rw rw;
	pthread_t t;
	uint64_t v, last = 0, reads = 0;
	int done;

	(void)state;
	atomic_init(&rw.c, 0);
	atomic_init(&rw.done, 0);
	assert_int_equal(pthread_create(&t, NULL, writer, &rw), 0);
	do {
		done = atomic_load(&rw.done);
		v = ctr_get(&rw.c);
		if (v < last || v % 3 != 0 || v > 3ull * NADD)
			fail_msg("read %" PRIu64 " after %" PRIu64, v, last);
		last = v;
		reads++;
	} while (!done);
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_int_equal(ctr_get(&rw.c), 3ull * NADD);
	assert_true(reads > 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_add_get),
		cmocka_unit_test(test_dump_text),
		cmocka_unit_test(test_dump_json),
		cmocka_unit_test(test_reader_beside_writer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
