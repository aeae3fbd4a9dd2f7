/*
 * The traffic tools' wire format (tools/qtraffic.h): frames qgen builds are
 * well formed, with checksums that verify from scratch; qsink's parser finds
 * the payload through what routers do to a frame and refuses, without
 * reading out of bounds, anything else: every truncation, random bytes and
 * random corruptions (run under ASan by make check, which would catch a
 * stray read of the exact-length heap copies).  Also the strict argument
 * parsers both tools use.
 */
#include <stdio.h>

#include "testutil.h"

#include "../../tools/qtraffic.h"

static const uint8_t DST[6] = { 0x02, 0, 0, 0, 0, 0x02 };
static const uint8_t SRC[6] = { 0x02, 0, 0, 0, 0, 0x01 };

/* A whole frame from a template: header copy, stamp, zero padding. */
static size_t
make_frame(uint8_t *buf, uint32_t label, uint32_t flow, size_t size,
    uint64_t seq, uint64_t sent)
{
	struct qt_tmpl t;

	assert_int_equal(qt_tmpl_build(&t, DST, SRC, label, 33, flow,
	    QT_MAGIC_MONO, size), 0);
	memset(buf, 0, size);
	memcpy(buf, t.hdr, t.hlen);
	qt_stamp(buf, &t, seq, sent);
	return t.size;
}

/* The UDP checksum over the pseudo-header and segment, from scratch. */
static int
udp_csum_ok(const uint8_t *ip)
{
	uint8_t *b;
	size_t ulen = rd16(ip + QT_IPV4_LEN + 4);
	uint16_t c;

	b = calloc(1, 12 + ulen);
	assert_non_null(b);
	memcpy(b, ip + 12, 8);
	b[9] = 17;
	wr16(b + 10, (uint16_t)ulen);
	memcpy(b + 12, ip + QT_IPV4_LEN, ulen);
	c = inet_csum(b, 12 + ulen);
	free(b);
	return c == 0 && rd16(ip + QT_IPV4_LEN + 6) != 0;
}

static void
test_build_labelled(void **state)
{
	uint8_t f[200];
	struct mpls_lse e;
	struct qt_rx rx;
	const uint8_t *ip = f + 18;

	(void)state;
	assert_int_equal(make_frame(f, 100, 7, 200, 12345,
	    UINT64_C(0x0102030405060708)), 200);
	assert_memory_equal(f, DST, 6);
	assert_memory_equal(f + 6, SRC, 6);
	assert_int_equal(rd16(f + 12), ETHERTYPE_MPLS);
	mpls_lse_decode(f + 14, &e);
	assert_int_equal(e.label, 100);
	assert_int_equal(e.bos, 1);
	assert_int_equal(e.ttl, 33);
	assert_int_equal(e.tc, 0);
	assert_int_equal(ip[0], 0x45);
	assert_int_equal(rd16(ip + 2), 200 - 18);
	assert_int_equal(rd16(ip + 6), 0x4000);
	assert_int_equal(ip[9], 17);
	assert_int_equal(inet_csum(ip, 20), 0);
	assert_int_equal(rd16(ip + 24), 200 - 18 - 20);
	assert_int_equal(rd16(ip + 20), QT_UDP_SPORT + 7);
	assert_true(udp_csum_ok(ip));
	/* The payload header, big-endian, where the layout says. */
	assert_int_equal(qt_rd32(f + 46), QT_MAGIC_MONO);
	assert_int_equal(qt_rd32(f + 50), 7);
	assert_int_equal(qt_rd64(f + 54), 12345);
	assert_int_equal(f[62], 0x01);
	assert_int_equal(f[69], 0x08);

	assert_int_equal(qt_parse(f, 200, &rx), 0);
	assert_int_equal(rx.magic, QT_MAGIC_MONO);
	assert_int_equal(rx.flow, 7);
	assert_int_equal(rx.seq, 12345);
	assert_int_equal(rx.sent, UINT64_C(0x0102030405060708));
	assert_int_equal(rx.nlabels, 1);
	assert_int_equal(rx.top_label, 100);
}

static void
test_build_plain(void **state)
{
	uint8_t f[1514];
	struct qt_rx rx;

	(void)state;
	assert_int_equal(make_frame(f, 0, 70000, 66, 1, 2), 66);
	assert_int_equal(rd16(f + 12), ETHERTYPE_IPV4);
	assert_int_equal(inet_csum(f + 14, 20), 0);
	assert_true(udp_csum_ok(f + 14));
	assert_int_equal(qt_parse(f, 66, &rx), 0);
	assert_int_equal(rx.nlabels, 0);
	assert_int_equal(rx.flow, 70000);
	assert_int_equal(rx.seq, 1);

	/* A full-size frame: the checksum covers the zero padding too. */
	assert_int_equal(make_frame(f, 0, 3, 1514, UINT64_MAX, UINT64_MAX),
	    1514);
	assert_int_equal(rd16(f + 16), 1500);
	assert_true(udp_csum_ok(f + 14));
	assert_int_equal(qt_parse(f, 1514, &rx), 0);
	assert_int_equal(rx.seq, UINT64_MAX);
}

static void
test_size_and_label_limits(void **state)
{
	struct qt_tmpl t;

	(void)state;
	/* Headers plus the 24-byte payload header: 70 labelled, 66 plain. */
	assert_int_equal(qt_size_min(100), 70);
	assert_int_equal(qt_size_min(0), 66);
	assert_int_equal(qt_tmpl_build(&t, DST, SRC, 100, 64, 1,
	    QT_MAGIC_MONO, 69), -1);
	assert_int_equal(qt_tmpl_build(&t, DST, SRC, 100, 64, 1,
	    QT_MAGIC_MONO, 70), 0);
	assert_int_equal(qt_tmpl_build(&t, DST, SRC, 0, 64, 1,
	    QT_MAGIC_MONO, 65), -1);
	assert_int_equal(qt_tmpl_build(&t, DST, SRC, 0, 64, 1,
	    QT_MAGIC_MONO, 66), 0);
	assert_int_equal(qt_tmpl_build(&t, DST, SRC, 0, 64, 1,
	    QT_MAGIC_MONO, QT_SIZE_MAX), 0);
	assert_int_equal(qt_tmpl_build(&t, DST, SRC, 0, 64, 1,
	    QT_MAGIC_MONO, QT_SIZE_MAX + 1), -1);
	assert_int_equal(qt_tmpl_build(&t, DST, SRC, 3, 64, 1,
	    QT_MAGIC_MONO, 100), -1);
	assert_int_equal(qt_tmpl_build(&t, DST, SRC, 15, 64, 1,
	    QT_MAGIC_MONO, 100), -1);
	assert_int_equal(qt_tmpl_build(&t, DST, SRC, 16, 64, 1,
	    QT_MAGIC_MONO, 100), 0);
	assert_int_equal(qt_tmpl_build(&t, DST, SRC, MPLS_LABEL_MAX, 64, 1,
	    QT_MAGIC_MONO, 100), 0);
	assert_int_equal(qt_tmpl_build(&t, DST, SRC, MPLS_LABEL_MAX + 1, 64,
	    1, QT_MAGIC_MONO, 100), -1);
}

static void
test_udp_csum_zero_sent_as_ones(void **state)
{
	uint8_t f[100];
	uint64_t seq;
	int found = 0;

	(void)state;
	/*
	 * About one sequence number in 65535 makes the sum come out 0,
	 * which UDP sends as 0xffff (0 would mean "no checksum"); find one
	 * and check it still verifies.
	 */
	for (seq = 0; seq < 1000000 && !found; seq++) {
		make_frame(f, 100, 1, 100, seq, 0);
		if (rd16(f + 18 + 26) == 0xffff)
			found = 1;
		assert_true(udp_csum_ok(f + 18));
	}
	assert_true(found);
}

static void
test_every_truncation(void **state)
{
	uint8_t f[100], *c;
	struct qt_rx rx;
	size_t n;

	(void)state;
	/* Every prefix shorter than the headers is refused, safely. */
	make_frame(f, 100, 1, 100, 5, 6);
	for (n = 0; n <= 100; n++) {
		c = tu_exact(f, n);
		assert_int_equal(qt_parse(c, n, &rx), n >= 70 ? 0 : -1);
		free(c);
	}
	make_frame(f, 0, 1, 100, 5, 6);
	for (n = 0; n <= 100; n++) {
		c = tu_exact(f, n);
		assert_int_equal(qt_parse(c, n, &rx), n >= 66 ? 0 : -1);
		free(c);
	}
}

static void
test_through_routers(void **state)
{
	uint8_t f[200], g[220];
	struct mpls_lse st[3] = {
		{ 500, 0, 0, 9 }, { 600, 0, 0, 9 }, { 100, 0, 1, 9 },
	};
	struct qt_rx rx;

	(void)state;
	make_frame(f, 100, 9, 200, 77, 88);
	/* A push: three labels deep now; the top one is reported. */
	memcpy(g, f, 14);
	mpls_stack_encode(g + 14, st, 3);
	memcpy(g + 26, f + 18, 182);
	assert_int_equal(qt_parse(g, 208, &rx), 0);
	assert_int_equal(rx.nlabels, 3);
	assert_int_equal(rx.top_label, 500);
	assert_int_equal(rx.seq, 77);

	/* A penultimate-hop pop: plain IPv4 with the same payload. */
	memcpy(g, f, 12);
	wr16(g + 12, ETHERTYPE_IPV4);
	memcpy(g + 14, f + 18, 182);
	assert_int_equal(qt_parse(g, 196, &rx), 0);
	assert_int_equal(rx.nlabels, 0);
	assert_int_equal(rx.flow, 9);

	/* An 802.1Q tag in front of the label. */
	memcpy(g, f, 12);
	wr16(g + 12, ETHERTYPE_VLAN);
	wr16(g + 14, 42);
	memcpy(g + 16, f + 12, 188);
	assert_int_equal(qt_parse(g, 204, &rx), 0);
	assert_int_equal(rx.top_label, 100);
	assert_int_equal(rx.sent, 88);

	/* IPv4 options: IHL 6 moves UDP four bytes on. */
	memcpy(g, f, 38);
	g[18] = 0x46;
	memset(g + 38, 1, 4);		/* four NOPs */
	memcpy(g + 42, f + 38, 162);
	assert_int_equal(qt_parse(g, 204, &rx), 0);
	assert_int_equal(rx.seq, 77);
}

static void
test_not_ours(void **state)
{
	uint8_t f[200], g[200];
	struct qt_rx rx;

	(void)state;
	make_frame(f, 100, 9, 200, 77, 88);
	memcpy(g, f, 200);
	g[46] ^= 1;				/* magic */
	assert_int_equal(qt_parse(g, 200, &rx), -1);
	memcpy(g, f, 200);
	g[18 + 9] = 6;				/* TCP */
	assert_int_equal(qt_parse(g, 200, &rx), -1);
	memcpy(g, f, 200);
	wr16(g + 18 + 6, 0x2000);		/* MF: a fragment */
	assert_int_equal(qt_parse(g, 200, &rx), -1);
	memcpy(g, f, 200);
	wr16(g + 18 + 6, 0x0010);		/* a later fragment */
	assert_int_equal(qt_parse(g, 200, &rx), -1);
	memcpy(g, f, 200);
	g[18] = 0x65;				/* IPv6 after the stack */
	assert_int_equal(qt_parse(g, 200, &rx), -1);
	memcpy(g, f, 200);
	g[16] &= (uint8_t)~1;			/* no bottom of stack */
	assert_int_equal(qt_parse(g, 200, &rx), -1);
	memcpy(g, f, 200);
	wr16(g + 12, ETHERTYPE_IPV6);
	assert_int_equal(qt_parse(g, 200, &rx), -1);
	memcpy(g, f, 200);
	wr16(g + 18 + 2, 40);			/* IP length too short */
	assert_int_equal(qt_parse(g, 200, &rx), -1);
	memcpy(g, f, 200);
	wr16(g + 38 + 4, 20);			/* UDP length too short */
	assert_int_equal(qt_parse(g, 200, &rx), -1);
	memcpy(g, f, 200);
	g[18] = 0x4f;				/* IHL 15: beyond the frame */
	assert_int_equal(qt_parse(g, 70, &rx), -1);
}

static void
test_garbage(void **state)
{
	uint8_t f[300], *c;
	struct qt_rx rx;
	uint64_t rs = 0x5eed;
	size_t n, i, k;
	int ok = 0;

	(void)state;
	/* Random bytes of every length up to 300: refused, no stray read. */
	for (i = 0; i < 50000; i++) {
		n = (size_t)tu_randn(&rs, 301);
		for (k = 0; k < n; k++)
			f[k] = (uint8_t)tu_rand64(&rs);
		/* Often look like MPLS or IPv4, to get past the first test. */
		if (n >= 14 && (i & 1))
			wr16(f + 12, (i & 2) ? ETHERTYPE_MPLS : ETHERTYPE_IPV4);
		c = tu_exact(f, n);
		(void)qt_parse(c, n, &rx);
		free(c);
	}
	/* A valid frame with a few random bytes changed, and cut short. */
	for (i = 0; i < 50000; i++) {
		make_frame(f, (i & 1) ? 100 : 0, 1, 120, i, i);
		for (k = 0; k < 1 + tu_randn(&rs, 4); k++)
			f[tu_randn(&rs, 70)] = (uint8_t)tu_rand64(&rs);
		n = (size_t)tu_randn(&rs, 121);
		c = tu_exact(f, n);
		if (qt_parse(c, n, &rx) == 0)
			ok++;
		free(c);
	}
	/* Some corruptions miss the fields checked: those still parse. */
	assert_true(ok > 0);
}

static void
test_parse_u64(void **state)
{
	uint64_t v = 99;

	(void)state;
	assert_int_equal(qt_parse_u64("0", 0, 10, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(qt_parse_u64("10", 0, 10, &v), 0);
	assert_int_equal(v, 10);
	assert_int_equal(qt_parse_u64("18446744073709551615", 0, UINT64_MAX,
	    &v), 0);
	assert_int_equal(v, UINT64_MAX);
	v = 99;
	assert_int_equal(qt_parse_u64("11", 0, 10, &v), -1);
	assert_int_equal(qt_parse_u64("0", 1, 10, &v), -1);
	assert_int_equal(qt_parse_u64("", 0, 10, &v), -1);
	assert_int_equal(qt_parse_u64(NULL, 0, 10, &v), -1);
	assert_int_equal(qt_parse_u64("-1", 0, UINT64_MAX, &v), -1);
	assert_int_equal(qt_parse_u64("+1", 0, 10, &v), -1);
	assert_int_equal(qt_parse_u64(" 1", 0, 10, &v), -1);
	assert_int_equal(qt_parse_u64("1 ", 0, 10, &v), -1);
	assert_int_equal(qt_parse_u64("1x", 0, 10, &v), -1);
	assert_int_equal(qt_parse_u64("0x10", 0, 100, &v), -1);
	assert_int_equal(qt_parse_u64("1.5", 0, 10, &v), -1);
	assert_int_equal(qt_parse_u64("18446744073709551616", 0, UINT64_MAX,
	    &v), -1);
	assert_int_equal(v, 99);	/* untouched on failure */
}

static void
test_parse_secs(void **state)
{
	uint64_t v = 99;

	(void)state;
	assert_int_equal(qt_parse_secs("2", 10, 0, &v), 0);
	assert_int_equal(v, 2000000000);
	assert_int_equal(qt_parse_secs("0.5", 10, 0, &v), 0);
	assert_int_equal(v, 500000000);
	assert_int_equal(qt_parse_secs(".25", 10, 0, &v), 0);
	assert_int_equal(v, 250000000);
	assert_int_equal(qt_parse_secs("3.", 10, 0, &v), 0);
	assert_int_equal(v, 3000000000);
	assert_int_equal(qt_parse_secs("10", 10, 0, &v), 0);
	assert_int_equal(qt_parse_secs("10.001", 10, 0, &v), -1);
	assert_int_equal(qt_parse_secs("0", 10, 0, &v), -1);
	assert_int_equal(qt_parse_secs("0.0000000001", 10, 0, &v), -1);
	assert_int_equal(qt_parse_secs("0", 10, 1, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(qt_parse_secs("0.0", 10, 1, &v), 0);
	assert_int_equal(qt_parse_secs("", 10, 1, &v), -1);
	assert_int_equal(qt_parse_secs(".", 10, 1, &v), -1);
	assert_int_equal(qt_parse_secs("1.2.3", 10, 0, &v), -1);
	assert_int_equal(qt_parse_secs("-1", 10, 0, &v), -1);
	assert_int_equal(qt_parse_secs("+1", 10, 0, &v), -1);
	assert_int_equal(qt_parse_secs(" 1", 10, 0, &v), -1);
	assert_int_equal(qt_parse_secs("1e3", 1e6, 0, &v), -1);
	assert_int_equal(qt_parse_secs("inf", 1e6, 0, &v), -1);
	assert_int_equal(qt_parse_secs("nan", 1e6, 0, &v), -1);
	assert_int_equal(qt_parse_secs("0x10", 1e6, 0, &v), -1);
	assert_int_equal(qt_parse_secs(NULL, 1e6, 0, &v), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_build_labelled),
		cmocka_unit_test(test_build_plain),
		cmocka_unit_test(test_size_and_label_limits),
		cmocka_unit_test(test_udp_csum_zero_sent_as_ones),
		cmocka_unit_test(test_every_truncation),
		cmocka_unit_test(test_through_routers),
		cmocka_unit_test(test_not_ours),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_parse_u64),
		cmocka_unit_test(test_parse_secs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
