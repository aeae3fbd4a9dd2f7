/*
 * Internet checksum (RFC 1071), its incremental update (RFC 1624), and the
 * IPv4 header check.
 *
 * The reference checksum below works by the definition instead of by
 * folding carries: the one's complement sum of 16-bit words is their
 * ordinary sum taken modulo 0xffff, with a non-zero multiple of 0xffff
 * written as 0xffff (one's complement "negative zero").
 */
#include <stdio.h>

#include "testutil.h"

#include "inet.h"

static uint16_t
ref_csum(const uint8_t *p, size_t len)
{
	uint64_t sum = 0, s;
	size_t i;

	for (i = 0; i < len; i++)
		sum += (i % 2 == 0) ? (uint64_t)p[i] * 256 : p[i];
	s = sum % 0xffff;
	if (s == 0 && sum != 0)
		s = 0xffff;
	return (uint16_t)(0xffff - s);
}

/* The classic example header, checksum field zero. */
static const uint8_t EXAMPLE[20] = {
	0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
	0x00, 0x00, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7,
};

static void
test_csum_known(void **state)
{
	uint8_t h[20];

	(void)state;
	assert_int_equal(inet_csum(EXAMPLE, 20), 0xb861);
	assert_int_equal(ref_csum(EXAMPLE, 20), 0xb861);

	/* With its checksum in place, a header sums to zero. */
	memcpy(h, EXAMPLE, 20);
	h[10] = 0xb8;
	h[11] = 0x61;
	assert_int_equal(inet_csum(h, 20), 0);
	/* Any single bit flipped and it no longer does. */
	h[15] ^= 0x01;
	assert_int_not_equal(inet_csum(h, 20), 0);

	/*
	 * RFC 1071 s3: the words 0001 f203 f4f5 f6f7 sum to ddf2 with the
	 * carries folded in; the checksum is its complement.
	 */
	assert_int_equal(inet_csum((const uint8_t[]){ 0x00, 0x01, 0xf2, 0x03,
	    0xf4, 0xf5, 0xf6, 0xf7 }, 8), 0x220d);

	/* An odd length pads with a zero byte: 0102 + 0300 = 0402. */
	assert_int_equal(inet_csum((const uint8_t[]){ 0x01, 0x02, 0x03 }, 3),
	    0xfbfd);
	assert_int_equal(inet_csum((const uint8_t[]){ 0xab }, 1), 0x54ff);
	/* Nothing sums to 0, whose complement is ffff. */
	assert_int_equal(inet_csum(EXAMPLE, 0), 0xffff);
	/* ffff + ffff is ffff (not 0) in one's complement. */
	assert_int_equal(inet_csum((const uint8_t[]){ 0xff, 0xff, 0xff,
	    0xff }, 4), 0x0000);
}

static void
random_header(uint64_t *seed, uint8_t h[20])
{
	size_t i;

	for (i = 0; i < 20; i++)
		h[i] = (uint8_t)tu_rand64(seed);
	h[0] = 0x45;
	h[10] = h[11] = 0;
}

static void
test_csum_random(void **state)
{
	uint64_t seed = 1071;
	uint8_t buf[64];
	size_t len, i;
	int n;

	(void)state;
	for (n = 0; n < 20000; n++) {
		len = (size_t)tu_randn(&seed, sizeof(buf) + 1);
		for (i = 0; i < len; i++)
			buf[i] = (uint8_t)tu_rand64(&seed);
		assert_int_equal(inet_csum(buf, len), ref_csum(buf, len));
	}

	/* Every random header, checksum filled in, verifies to zero. */
	for (n = 0; n < 20000; n++) {
		uint16_t c;

		random_header(&seed, buf);
		c = inet_csum(buf, 20);
		buf[10] = (uint8_t)(c >> 8);
		buf[11] = (uint8_t)c;
		assert_int_equal(inet_csum(buf, 20), 0);
	}
}

/* The checksum after changing the 16-bit word at off from m to m_new. */
static void
check_update(uint8_t h[20], size_t off, uint16_t m_new)
{
	uint16_t hc, m, want, got;

	hc = (uint16_t)(h[10] << 8 | h[11]);
	m = (uint16_t)(h[off] << 8 | h[off + 1]);
	h[off] = (uint8_t)(m_new >> 8);
	h[off + 1] = (uint8_t)m_new;
	/* Recompute over the header with the checksum field zeroed. */
	h[10] = h[11] = 0;
	want = ref_csum(h, 20);
	got = inet_csum_update16(hc, m, m_new);
	if (got != want)
		fail_msg("update16(%04x, %04x, %04x) = %04x, recomputed %04x",
		    hc, m, m_new, got, want);
	h[10] = (uint8_t)(got >> 8);
	h[11] = (uint8_t)got;
	assert_int_equal(inet_csum(h, 20), 0);
}

static void
test_update_ttl(void **state)
{
	uint64_t seed = 1624;
	uint8_t h[20];
	uint16_t c, word;
	int n, k;

	(void)state;
	/* The example, TTL 64 -> 63: b861 + 0100 = b961. */
	memcpy(h, EXAMPLE, 20);
	assert_int_equal(inet_csum_update16(0xb861, 0x4011, 0x3f11), 0xb961);

	for (n = 0; n < 50000; n++) {
		random_header(&seed, h);
		c = inet_csum(h, 20);
		h[10] = (uint8_t)(c >> 8);
		h[11] = (uint8_t)c;
		/* Decrement the TTL down a few hops, as routers do. */
		for (k = 0; k < 4; k++) {
			word = (uint16_t)(h[8] << 8 | h[9]);
			check_update(h, 8, (uint16_t)(word - 0x100));
		}
		/* And an arbitrary TTL. */
		word = (uint16_t)(h[8] << 8 | h[9]);
		check_update(h, 8, (uint16_t)((word & 0xff) |
		    (uint16_t)(tu_rand64(&seed) << 8)));
	}

	/* The edges: TTL 0 <-> 255, and words of all ones and all zeros. */
	memcpy(h, EXAMPLE, 20);
	h[10] = 0xb8;
	h[11] = 0x61;
	check_update(h, 8, 0x0011);
	check_update(h, 8, 0xff11);
	check_update(h, 8, 0x0011);
	check_update(h, 4, 0xffff);
	check_update(h, 4, 0x0000);
	check_update(h, 6, 0xffff);
	check_update(h, 2, 0x0000);
}

/* The incremental update against a full recomputation, any word. */
static void
test_update_random_words(void **state)
{
	uint64_t seed = 3;
	uint8_t h[20];
	uint16_t c;
	size_t off;
	int n;

	(void)state;
	for (n = 0; n < 50000; n++) {
		random_header(&seed, h);
		c = inet_csum(h, 20);
		h[10] = (uint8_t)(c >> 8);
		h[11] = (uint8_t)c;
		do
			off = 2 * (size_t)tu_randn(&seed, 10);
		while (off == 10 || off == 0);
		check_update(h, off, (uint16_t)tu_rand64(&seed));
	}
}

/*
 * RFC 1624 eqn. 3 by its definition: HC' = ~(~HC + ~m + m') with the sum
 * in one's complement, i.e. modulo 0xffff with 0xffff for a non-zero
 * multiple of it.
 */
static uint16_t
ref_update16(uint16_t hc, uint16_t m, uint16_t m_new)
{
	uint64_t sum = (uint64_t)(0xffff - hc) + (0xffff - m) + m_new, s;

	s = sum % 0xffff;
	if (s == 0 && sum != 0)
		s = 0xffff;
	return (uint16_t)(0xffff - s);
}

static void
test_update_arith(void **state)
{
	static const uint16_t edge[] = { 0x0000, 0x0001, 0x0002, 0x00ff,
	    0x0100, 0x7fff, 0x8000, 0xfeff, 0xfffd, 0xfffe, 0xffff };
	uint64_t seed = 31;
	uint16_t hc, m, mn;
	size_t i, j, k;
	int n;

	(void)state;
	/*
	 * The edges include sums that carry twice: HC 0000, m 0000 and m'
	 * 0001 sum to 1ffff, which one fold leaves as 10000.
	 */
	assert_int_equal(inet_csum_update16(0x0000, 0x0000, 0x0001), 0xfffe);
	for (i = 0; i < nitems(edge); i++)
		for (j = 0; j < nitems(edge); j++)
			for (k = 0; k < nitems(edge); k++)
				assert_int_equal(inet_csum_update16(edge[i],
				    edge[j], edge[k]), ref_update16(edge[i],
				    edge[j], edge[k]));
	for (n = 0; n < 200000; n++) {
		hc = (uint16_t)tu_rand64(&seed);
		m = (uint16_t)tu_rand64(&seed);
		mn = (uint16_t)tu_rand64(&seed);
		assert_int_equal(inet_csum_update16(hc, m, mn),
		    ref_update16(hc, m, mn));
	}
}

/*
 * A real header whose checksum is 0000 and whose ID word is 0000: setting
 * the ID to 0001 takes the double carry above.
 */
static void
test_update_double_carry(void **state)
{
	uint8_t h[20];
	uint16_t s0, x;

	(void)state;
	memcpy(h, EXAMPLE, 20);
	h[4] = h[5] = 0;		/* ID */
	h[18] = h[19] = 0;		/* low word of the destination */
	/* Choose that word so the header sums to ffff: checksum 0000. */
	s0 = (uint16_t)~ref_csum(h, 20);
	x = (uint16_t)(0xffff - s0);
	h[18] = (uint8_t)(x >> 8);
	h[19] = (uint8_t)x;
	assert_int_equal(ref_csum(h, 20), 0x0000);
	assert_int_equal(inet_csum(h, 20), 0x0000);
	check_update(h, 4, 0x0001);
	assert_int_equal(h[10] << 8 | h[11], 0xfffe);
}

/* ipv4_hdr_check on a heap copy of exactly len bytes. */
static int
hdr_check(const uint8_t *h, size_t len)
{
	uint8_t *p = tu_exact(h, len);
	int rv;

	rv = ipv4_hdr_check(p, len);
	free(p);
	return rv;
}

static void
test_hdr_check(void **state)
{
	uint8_t h[64];
	size_t len;

	(void)state;
	memset(h, 0, sizeof(h));
	memcpy(h, EXAMPLE, 20);
	assert_int_equal(hdr_check(h, 20), 20);
	assert_int_equal(hdr_check(h, 64), 20);

	/* Options: IHL 6 and the largest, 15. */
	h[0] = 0x46;
	assert_int_equal(hdr_check(h, 24), 24);
	assert_int_equal(hdr_check(h, 23), -1);
	h[0] = 0x4f;
	assert_int_equal(hdr_check(h, 60), 60);
	assert_int_equal(hdr_check(h, 64), 60);
	/* IHL larger than what we have. */
	assert_int_equal(hdr_check(h, 59), -1);
	assert_int_equal(hdr_check(h, 40), -1);
	assert_int_equal(hdr_check(h, 20), -1);

	/* IHL below 5. */
	for (h[0] = 0x40; h[0] < 0x45; h[0]++)
		assert_int_equal(hdr_check(h, 64), -1);

	/* Not version 4. */
	h[0] = 0x65;
	assert_int_equal(hdr_check(h, 64), -1);
	h[0] = 0x05;
	assert_int_equal(hdr_check(h, 64), -1);
	h[0] = 0x55;
	assert_int_equal(hdr_check(h, 64), -1);
	h[0] = 0xf5;
	assert_int_equal(hdr_check(h, 64), -1);
	h[0] = 0x60;	/* an IPv6 header's first byte */
	assert_int_equal(hdr_check(h, 64), -1);

	/* Short: less than the fixed 20 bytes, whatever it claims. */
	h[0] = 0x45;
	for (len = 0; len < 20; len++)
		assert_int_equal(hdr_check(h, len), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_csum_known),
		cmocka_unit_test(test_csum_random),
		cmocka_unit_test(test_update_ttl),
		cmocka_unit_test(test_update_random_words),
		cmocka_unit_test(test_update_arith),
		cmocka_unit_test(test_update_double_carry),
		cmocka_unit_test(test_hdr_check),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
