/*
 * MPLS label stack entries: wire format, reserved labels, stacks.
 *
 * Expected wire bytes come from a slow reference that builds the 32-bit
 * word with arithmetic (label * 2^12 + ...) and splits it into bytes by
 * division, so it shares no shift or mask with mpls.h.
 */
#include <stdio.h>

#include "testutil.h"

#include "mpls.h"

/* RFC 3032 s2.1 by arithmetic: Label(20) TC(3) S(1) TTL(8), big-endian. */
static void
ref_encode(uint32_t label, unsigned tc, unsigned s, unsigned ttl,
    uint8_t out[4])
{
	uint64_t v = (uint64_t)label * 4096 + tc * 512 + s * 256 + ttl;
	int i;

	for (i = 3; i >= 0; i--) {
		out[i] = (uint8_t)(v % 256);
		v /= 256;
	}
}

static void
ref_decode(const uint8_t b[4], uint32_t *label, unsigned *tc, unsigned *s,
    unsigned *ttl)
{
	uint64_t v = ((uint64_t)b[0] * 256 + b[1]) * 65536 +
	    (uint64_t)b[2] * 256 + b[3];

	*ttl = (unsigned)(v % 256);
	*s = (unsigned)(v / 256 % 2);
	*tc = (unsigned)(v / 512 % 8);
	*label = (uint32_t)(v / 4096);
}

static void
check_roundtrip(uint32_t label, unsigned tc, unsigned bos, unsigned ttl)
{
	struct mpls_lse e = { label, (uint8_t)tc, (uint8_t)bos, (uint8_t)ttl };
	struct mpls_lse d;
	uint8_t got[4], want[4];

	memset(got, 0xa5, sizeof(got));
	mpls_lse_encode(got, &e);
	ref_encode(label, tc, bos, ttl, want);
	assert_memory_equal(got, want, 4);

	memset(&d, 0x5a, sizeof(d));
	mpls_lse_decode(got, &d);
	assert_int_equal(d.label, label);
	assert_int_equal(d.tc, tc);
	assert_int_equal(d.bos, bos);
	assert_int_equal(d.ttl, ttl);
}

/* e encodes to the four bytes of want, written out big-endian. */
static void
encodes_to(struct mpls_lse e, uint32_t want)
{
	const uint8_t w[4] = { (uint8_t)(want >> 24), (uint8_t)(want >> 16),
	    (uint8_t)(want >> 8), (uint8_t)want };
	uint8_t b[4];

	mpls_lse_encode(b, &e);
	assert_memory_equal(b, w, 4);
}

static void
test_lse_known_bytes(void **state)
{
	static const uint8_t want[4] = { 0x00, 0x06, 0x4b, 0x40 };
	struct mpls_lse e = { .label = 100, .tc = 5, .bos = 1, .ttl = 64 };
	struct mpls_lse d;
	uint8_t b[4];

	(void)state;
	mpls_lse_encode(b, &e);
	assert_memory_equal(b, want, 4);
	assert_int_equal(mpls_lse_pack(&e), 0x00064b40u);

	mpls_lse_decode(want, &d);
	assert_int_equal(d.label, 100);
	assert_int_equal(d.tc, 5);
	assert_int_equal(d.bos, 1);
	assert_int_equal(d.ttl, 64);

	/* All ones: label 0xfffff, TC 7, S, TTL 255. */
	encodes_to((struct mpls_lse){ MPLS_LABEL_MAX, 7, 1, 255 }, 0xffffffff);
	/* Label only, in the top 20 bits. */
	encodes_to((struct mpls_lse){ 1, 0, 0, 0 }, 0x00001000);
}

static void
test_lse_roundtrip_edges(void **state)
{
	static const uint32_t labels[] = { 0, 1, 3, 15, 16, 100, 0x7ffff,
	    0x80000, 0xffffe, MPLS_LABEL_MAX };
	static const unsigned ttls[] = { 0, 1, 64, 127, 128, 254, 255 };
	size_t i, j;
	unsigned tc, bos;

	(void)state;
	for (i = 0; i < nitems(labels); i++)
		for (tc = 0; tc < 8; tc++)
			for (bos = 0; bos < 2; bos++)
				for (j = 0; j < nitems(ttls); j++)
					check_roundtrip(labels[i], tc, bos,
					    ttls[j]);
}

static void
test_lse_roundtrip_random(void **state)
{
	uint64_t seed = 0x3032;
	uint32_t label;
	unsigned tc, s, ttl;
	struct mpls_lse d;
	uint8_t b[4], again[4];
	int i;

	(void)state;
	for (i = 0; i < 100000; i++)
		check_roundtrip((uint32_t)tu_randn(&seed, MPLS_LABEL_COUNT),
		    (unsigned)tu_randn(&seed, 8), (unsigned)tu_randn(&seed, 2),
		    (unsigned)tu_randn(&seed, 256));

	/* The other way: any four bytes decode to the reference fields. */
	for (i = 0; i < 100000; i++) {
		uint64_t r = tu_rand64(&seed);

		memcpy(b, &r, 4);
		mpls_lse_decode(b, &d);
		ref_decode(b, &label, &tc, &s, &ttl);
		assert_int_equal(d.label, label);
		assert_int_equal(d.tc, tc);
		assert_int_equal(d.bos, s);
		assert_int_equal(d.ttl, ttl);
		mpls_lse_encode(again, &d);
		assert_memory_equal(again, b, 4);
	}
}

/* Out-of-range fields are masked: they must not spill into a neighbour. */
static void
test_lse_masking(void **state)
{
	(void)state;
	encodes_to((struct mpls_lse){ .label = 0x100000 | 16 }, 0x00010000);
	encodes_to((struct mpls_lse){ .tc = 8 | 2 }, 0x00000400);
	/* Any non-zero bos sets S and only S. */
	encodes_to((struct mpls_lse){ .bos = 0x80 }, 0x00000100);
}

static void
test_label_names(void **state)
{
	static const struct {
		uint32_t	 label;
		const char	*name;
	} named[] = {
		{ 0, "IPv4 Explicit NULL" },
		{ 1, "Router Alert" },
		{ 2, "IPv6 Explicit NULL" },
		{ 3, "Implicit NULL" },
		{ 7, "Entropy Label Indicator" },
		{ 13, "GAL" },
		{ 14, "OAM Alert" },
		{ 15, "Extension" },
	};
	static const uint32_t unnamed[] = { 4, 5, 6, 8, 9, 10, 11, 12, 16, 17,
	    100, MPLS_LABEL_MAX, MPLS_LABEL_COUNT, UINT32_MAX };
	size_t i;

	(void)state;
	for (i = 0; i < nitems(named); i++) {
		assert_non_null(mpls_label_name(named[i].label));
		assert_string_equal(mpls_label_name(named[i].label),
		    named[i].name);
	}
	for (i = 0; i < nitems(unnamed); i++)
		assert_null(mpls_label_name(unnamed[i]));
}

static void
test_label_classes(void **state)
{
	uint32_t l;

	(void)state;
	for (l = 0; l < 16; l++) {
		assert_true(mpls_label_reserved(l));
		/* Only the two Explicit NULLs may be sent (RFC 3032 s2.1). */
		assert_int_equal(mpls_label_sendable(l) != 0,
		    l == 0 || l == 2);
	}
	assert_false(mpls_label_reserved(16));
	assert_true(mpls_label_sendable(16));
	assert_true(mpls_label_sendable(17));
	assert_true(mpls_label_sendable(100));
	assert_true(mpls_label_sendable(MPLS_LABEL_MAX));
	assert_true(mpls_label_in_range(MPLS_LABEL_MAX));
	assert_false(mpls_label_in_range(MPLS_LABEL_COUNT));
	assert_false(mpls_label_sendable(MPLS_LABEL_COUNT));
	assert_false(mpls_label_sendable(MPLS_LABEL_COUNT + 16));
	assert_false(mpls_label_sendable(UINT32_MAX));
}

static void
test_stack_decode_good(void **state)
{
	uint8_t buf[16];
	struct mpls_lse out[4];
	uint8_t *p;
	int n;

	(void)state;
	ref_encode(100, 1, 0, 64, buf);
	ref_encode(200, 2, 0, 63, buf + 4);
	ref_encode(16, 3, 1, 1, buf + 8);
	/* Trailing payload after the BoS entry is not part of the stack. */
	ref_encode(0xfffff, 7, 0, 255, buf + 12);

	memset(out, 0xee, sizeof(out));
	n = mpls_stack_decode(buf, sizeof(buf), out, 4);
	assert_int_equal(n, 3);
	assert_int_equal(out[0].label, 100);
	assert_int_equal(out[0].tc, 1);
	assert_int_equal(out[0].bos, 0);
	assert_int_equal(out[0].ttl, 64);
	assert_int_equal(out[1].label, 200);
	assert_int_equal(out[1].ttl, 63);
	assert_int_equal(out[2].label, 16);
	assert_int_equal(out[2].tc, 3);
	assert_int_equal(out[2].bos, 1);
	assert_int_equal(out[2].ttl, 1);
	/* Slot 3 was not written. */
	assert_int_equal(out[3].label, 0xeeeeeeeeu);

	/* Exactly the stack, in a buffer of exactly its size. */
	p = tu_exact(buf, 12);
	assert_int_equal(mpls_stack_decode(p, 12, NULL, 0), 3);
	free(p);

	/* Deeper than max: all counted, only max stored. */
	memset(out, 0xee, sizeof(out));
	assert_int_equal(mpls_stack_decode(buf, sizeof(buf), out, 1), 3);
	assert_int_equal(out[0].label, 100);
	assert_int_equal(out[1].label, 0xeeeeeeeeu);

	/* One entry with S set. */
	p = tu_exact(buf + 8, 4);
	assert_int_equal(mpls_stack_decode(p, 4, out, 4), 1);
	assert_int_equal(out[0].label, 16);
	free(p);
}

static void
test_stack_decode_bad(void **state)
{
	uint8_t buf[12];
	uint8_t *p;
	size_t len;

	(void)state;
	ref_encode(100, 0, 0, 64, buf);
	ref_encode(200, 0, 0, 64, buf + 4);
	ref_encode(300, 0, 0, 64, buf + 8);

	/* No BoS within the buffer, whatever its length. */
	for (len = 0; len <= sizeof(buf); len++) {
		p = tu_exact(buf, len);
		assert_int_equal(mpls_stack_decode(p, len, NULL, 0), -1);
		free(p);
	}

	/*
	 * A BoS entry cut short: 1-3 bytes of it, alone or after a full
	 * entry.  The buffers are exactly len bytes, so ASan reports a read
	 * of the missing bytes.
	 */
	ref_encode(300, 0, 1, 64, buf + 4);
	for (len = 1; len <= 3; len++) {
		p = tu_exact(buf + 4, len);
		assert_int_equal(mpls_stack_decode(p, len, NULL, 0), -1);
		free(p);
		p = tu_exact(buf, 4 + len);
		assert_int_equal(mpls_stack_decode(p, 4 + len, NULL, 0), -1);
		free(p);
	}
	p = tu_exact(buf, 8);
	assert_int_equal(mpls_stack_decode(p, 8, NULL, 0), 2);
	free(p);
}

static void
test_stack_encode(void **state)
{
	struct mpls_lse in[3] = {
		{ 100, 1, 1, 64 },	/* S given, must be cleared */
		{ 200, 0, 1, 10 },
		{ 300, 7, 0, 255 },	/* S not given, must be set */
	};
	uint8_t want[12], got[13];

	(void)state;
	ref_encode(100, 1, 0, 64, want);
	ref_encode(200, 0, 0, 10, want + 4);
	ref_encode(300, 7, 1, 255, want + 8);
	memset(got, 0xcc, sizeof(got));
	assert_int_equal(mpls_stack_encode(got, in, 3), 12);
	assert_memory_equal(got, want, 12);
	assert_int_equal(got[12], 0xcc);
	assert_int_equal(mpls_stack_decode(got, 12, NULL, 0), 3);

	/* One entry: it is the bottom. */
	ref_encode(100, 1, 1, 64, want);
	assert_int_equal(mpls_stack_encode(got, in, 1), 4);
	assert_memory_equal(got, want, 4);

	/* None: nothing written. */
	memset(got, 0xcc, sizeof(got));
	assert_int_equal(mpls_stack_encode(got, in, 0), 0);
	assert_int_equal(got[0], 0xcc);
}

/* Parses s into a buffer with a guard after max entries. */
static int
parse(const char *s, uint32_t *labels, size_t max)
{
	uint32_t buf[8];
	char *copy;
	size_t i;
	int n;

	assert_true(max < nitems(buf));
	for (i = 0; i < nitems(buf); i++)
		buf[i] = 0xdeadbeef;
	copy = tu_exact_str(s);
	n = mpls_stack_parse(copy, buf, max);
	free(copy);
	assert_int_equal(buf[max], 0xdeadbeef);
	if (labels != NULL)
		memcpy(labels, buf, max * sizeof(*labels));
	return n;
}

static void
test_stack_parse_good(void **state)
{
	uint32_t l[4];

	(void)state;
	assert_int_equal(parse("100", l, 4), 1);
	assert_int_equal(l[0], 100);
	assert_int_equal(parse("100/200/16", l, 4), 3);
	assert_int_equal(l[0], 100);
	assert_int_equal(l[1], 200);
	assert_int_equal(l[2], 16);
	assert_int_equal(parse("1048575", l, 4), 1);
	assert_int_equal(l[0], 1048575);
	/* The Explicit NULLs may be sent. */
	assert_int_equal(parse("0/2", l, 4), 2);
	assert_int_equal(l[0], 0);
	assert_int_equal(l[1], 2);
	assert_int_equal(parse("16/17/18/19", l, 4), 4);
	assert_int_equal(l[3], 19);
	assert_int_equal(parse("0016", l, 4), 1);
	assert_int_equal(l[0], 16);
}

static void
test_stack_parse_bad(void **state)
{
	static const char *const bad[] = {
		"", "3", "1", "15", "100/", "/100", "100//200", "abc",
		"100a", "1048576", "4294967312", "99999999999999999999999",
		"+100", "-100", "100/-200", "100/+200", " 100", "100 ",
		"100/ 200", "0x10", "100,200", "16/3", "16/1/17", "/",
	};
	size_t i;

	(void)state;
	for (i = 0; i < nitems(bad); i++)
		if (parse(bad[i], NULL, 4) != -1)
			fail_msg("mpls_stack_parse accepted \"%s\"", bad[i]);
	/* More than max labels. */
	assert_int_equal(parse("16/17/18/19/20", NULL, 4), -1);
	assert_int_equal(parse("16/17", NULL, 1), -1);
	assert_int_equal(parse("16", NULL, 0), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lse_known_bytes),
		cmocka_unit_test(test_lse_roundtrip_edges),
		cmocka_unit_test(test_lse_roundtrip_random),
		cmocka_unit_test(test_lse_masking),
		cmocka_unit_test(test_label_names),
		cmocka_unit_test(test_label_classes),
		cmocka_unit_test(test_stack_decode_good),
		cmocka_unit_test(test_stack_decode_bad),
		cmocka_unit_test(test_stack_encode),
		cmocka_unit_test(test_stack_parse_good),
		cmocka_unit_test(test_stack_parse_bad),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
