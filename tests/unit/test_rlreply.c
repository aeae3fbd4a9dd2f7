/*
 * Reading a routelet's answers (src/rlreply.c): numbers are digits and
 * nothing else, counters are counter lines, text for a log is printable.
 * The old readers took "ack -1" as generation 2^64 - 1 and passed any
 * bytes on as counters (tests/fuzz/fuzz_rlreply holds these inputs too).
 */
#include "testutil.h"

#include "rlreply.h"

static void
test_answers(void **state)
{
	struct rlreply r;
	char err[160];

	(void)state;
	assert_int_equal(rlreply_parse("ready 3", &r, err, sizeof(err)),
	    RLR_READY);
	assert_int_equal(r.n, 3);
	assert_int_equal(rlreply_parse("ack 18446744073709551615", &r, err,
	    sizeof(err)), RLR_ACK);
	assert_true(r.n == UINT64_MAX);
	assert_int_equal(rlreply_parse("nak 7 in-label: missing", &r, err,
	    sizeof(err)), RLR_NAK);
	assert_int_equal(r.n, 7);
	assert_string_equal(r.text, "in-label: missing");
	assert_int_equal(rlreply_parse("nak 0", &r, err, sizeof(err)),
	    RLR_NAK);
	assert_string_equal(r.text, "");
	assert_int_equal(rlreply_parse("pong 9", &r, err, sizeof(err)),
	    RLR_PONG);
	assert_int_equal(rlreply_parse("fail no eth0", &r, err, sizeof(err)),
	    RLR_FAIL);
	assert_string_equal(r.text, "no eth0");
	assert_int_equal(rlreply_parse("err unknown request", &r, err,
	    sizeof(err)), RLR_ERR);
	assert_int_equal(rlreply_parse("stats\ngen 2\nrx_packets 5\n", &r,
	    err, sizeof(err)), RLR_STATS);
	assert_string_equal(r.text, "gen 2\nrx_packets 5\n");
}

static void
test_refused(void **state)
{
	static const char *const bad[] = {
		"ack -1", "ack +5", "ack  5", "ack 5x", "ack 5 ", "ack",
		"ack 18446744073709551616", "ready", "ready 2 3", "ready 0x2",
		"pong", "pong 1\n", "nak x", "nak -1 why", "acks 5", "",
		"stats", "stats\nrx 1\n", "stats\ngen 1\nRX 1\n",
		"stats\ngen 1\nrx_packets 1", "stats\ngen 1\n\x1b[2J 1\n",
		"stats\ngen 1\nrx_packets -1\n", "hello",
	};
	struct rlreply r;
	char err[160];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		assert_int_equal(rlreply_parse(bad[i], &r, err, sizeof(err)),
		    RLR_BAD);
		assert_true(err[0] != '\0');
	}
}

static void
test_seq(void **state)
{
	const char *rest;
	uint64_t s;
	char err[160];

	(void)state;
	assert_int_equal(rlreply_seq("12 4", &s, &rest), 0);
	assert_int_equal(s, 12);
	assert_string_equal(rest, "4");
	assert_int_equal(rlreply_seq("13\ngen 4\nrx_packets 1\n", &s, &rest),
	    0);
	assert_int_equal(rlreply_stats_check(rest, err, sizeof(err)), 0);
	assert_int_equal(rlreply_seq("-1 4", &s, &rest), -1);
	assert_int_equal(rlreply_seq("12", &s, &rest), -1);
	assert_int_equal(rlreply_seq("", &s, &rest), -1);
	assert_int_equal(rlreply_stats_check("gen 4\nx y\n", err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "line 2"));
}

static void
test_printable(void **state)
{
	char out[8];

	(void)state;
	assert_string_equal(rlreply_printable("a\x1b[b\n", out, sizeof(out)),
	    "a?[b?");
	assert_string_equal(rlreply_printable("0123456789", out, sizeof(out)),
	    "0123456");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_answers),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_seq),
		cmocka_unit_test(test_printable),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
