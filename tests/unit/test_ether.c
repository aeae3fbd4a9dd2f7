/*
 * Ethernet II headers, one 802.1Q tag, MAC address text.
 */
#include <stdio.h>

#include "testutil.h"

#include "ether.h"

static const uint8_t DST[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 };
static const uint8_t SRC[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x02 };

/* A frame of len bytes: dst, src, then the given bytes, then 0x5a padding. */
static uint8_t *
frame(const uint8_t *after, size_t alen, size_t len)
{
	uint8_t buf[64];
	size_t i;

	assert_true(len <= sizeof(buf) && 12 + alen <= sizeof(buf));
	memcpy(buf, DST, 6);
	memcpy(buf + 6, SRC, 6);
	memcpy(buf + 12, after, alen);
	for (i = 12 + alen; i < sizeof(buf); i++)
		buf[i] = 0x5a;
	return tu_exact(buf, len);
}

static void
test_parse_untagged(void **state)
{
	static const uint8_t t[] = { 0x88, 0x47 };
	struct ether_info ei;
	uint8_t *p;

	(void)state;
	p = frame(t, sizeof(t), 14);
	memset(&ei, 0xff, sizeof(ei));
	assert_int_equal(ether_parse(p, 14, &ei), 0);
	assert_ptr_equal(ei.dst, p);
	assert_ptr_equal(ei.src, p + 6);
	assert_int_equal(ei.type, 0x8847);
	assert_int_equal(ei.vlan, 0);
	assert_int_equal(ei.tci, 0);
	assert_int_equal(ei.hlen, 14);
	free(p);

	p = frame((const uint8_t[]){ 0x08, 0x00 }, 2, 60);
	assert_int_equal(ether_parse(p, 60, &ei), 0);
	assert_int_equal(ei.type, ETHERTYPE_IPV4);
	assert_int_equal(ei.hlen, 14);
	free(p);
}

static void
test_parse_tagged(void **state)
{
	/* TPID 8100, PCP 5 DEI 1 VID 0xabc, then MPLS. */
	static const uint8_t t[] = { 0x81, 0x00, 0xba, 0xbc, 0x88, 0x47 };
	struct ether_info ei;
	uint8_t *p;

	(void)state;
	p = frame(t, sizeof(t), 18);
	memset(&ei, 0, sizeof(ei));
	assert_int_equal(ether_parse(p, 18, &ei), 0);
	assert_ptr_equal(ei.dst, p);
	assert_ptr_equal(ei.src, p + 6);
	assert_int_equal(ei.type, 0x8847);
	assert_int_equal(ei.vlan, 1);
	assert_int_equal(ei.tci, 0xbabc);
	assert_int_equal(ei.hlen, 18);
	free(p);
}

/* A second tag is not looked into: its TPID is the payload type. */
static void
test_parse_double_tag(void **state)
{
	static const uint8_t qq[] = { 0x81, 0x00, 0x00, 0x0a, 0x81, 0x00,
	    0x00, 0x0b, 0x88, 0x47 };
	static const uint8_t qad[] = { 0x81, 0x00, 0x00, 0x0a, 0x88, 0xa8,
	    0x00, 0x0b, 0x88, 0x47 };
	static const uint8_t ad[] = { 0x88, 0xa8, 0x00, 0x0a, 0x81, 0x00,
	    0x00, 0x0b, 0x88, 0x47 };
	struct ether_info ei;
	uint8_t *p;

	(void)state;
	p = frame(qq, sizeof(qq), 22);
	assert_int_equal(ether_parse(p, 22, &ei), 0);
	assert_int_equal(ei.type, ETHERTYPE_VLAN);
	assert_int_equal(ei.vlan, 1);
	assert_int_equal(ei.tci, 0x000a);
	assert_int_equal(ei.hlen, 18);
	free(p);

	p = frame(qad, sizeof(qad), 22);
	assert_int_equal(ether_parse(p, 22, &ei), 0);
	assert_int_equal(ei.type, ETHERTYPE_QINQ);
	assert_int_equal(ei.vlan, 1);
	assert_int_equal(ei.hlen, 18);
	free(p);

	/* An 802.1ad outer tag is not a tag we take off at all. */
	p = frame(ad, sizeof(ad), 22);
	assert_int_equal(ether_parse(p, 22, &ei), 0);
	assert_int_equal(ei.type, ETHERTYPE_QINQ);
	assert_int_equal(ei.vlan, 0);
	assert_int_equal(ei.hlen, 14);
	free(p);
}

static void
test_parse_runts(void **state)
{
	static const uint8_t t[] = { 0x81, 0x00, 0x00, 0x01, 0x88, 0x47 };
	static const uint8_t u[] = { 0x88, 0x47 };
	struct ether_info ei;
	uint8_t *p;
	size_t len;

	(void)state;
	/* Exactly-sized buffers: a read past len is an ASan error. */
	for (len = 0; len < 14; len++) {
		p = frame(u, sizeof(u), len);
		assert_int_equal(ether_parse(p, len, &ei), -1);
		free(p);
	}
	for (len = 14; len < 18; len++) {
		p = frame(t, sizeof(t), len);
		assert_int_equal(ether_parse(p, len, &ei), -1);
		free(p);
	}
	p = frame(t, sizeof(t), 18);
	assert_int_equal(ether_parse(p, 18, &ei), 0);
	free(p);
}

static void
test_write(void **state)
{
	static const uint8_t want[14] = {
		0x02, 0x00, 0x00, 0x00, 0x00, 0x01,
		0x02, 0x00, 0x00, 0x00, 0x00, 0x02,
		0x88, 0x47,
	};
	uint8_t buf[16];

	(void)state;
	memset(buf, 0xcc, sizeof(buf));
	ether_write(buf, DST, SRC, ETHERTYPE_MPLS);
	assert_memory_equal(buf, want, 14);
	/* Nothing past the header. */
	assert_int_equal(buf[14], 0xcc);
	assert_int_equal(buf[15], 0xcc);

	ether_write(buf, SRC, DST, 0xabcd);
	assert_memory_equal(buf, SRC, 6);
	assert_memory_equal(buf + 6, DST, 6);
	assert_int_equal(buf[12], 0xab);
	assert_int_equal(buf[13], 0xcd);
}

static void
test_rd_wr16(void **state)
{
	uint8_t b[2];

	(void)state;
	wr16(b, 0x1234);
	assert_int_equal(b[0], 0x12);
	assert_int_equal(b[1], 0x34);
	assert_int_equal(rd16(b), 0x1234);
	wr16(b, 0xfffe);
	assert_int_equal(b[0], 0xff);
	assert_int_equal(b[1], 0xfe);
	assert_int_equal(rd16(b), 0xfffe);
}

/* Parses s from a heap copy of exactly its size. */
static int
addr_parse(const char *s, uint8_t mac[ETHER_ADDR_LEN])
{
	char *copy = tu_exact_str(s);
	int rv;

	rv = ether_addr_parse(copy, mac);
	free(copy);
	return rv;
}

static void
test_addr_parse_good(void **state)
{
	static const uint8_t want[6] = { 0xaa, 0xbb, 0xcc, 0x00, 0x11, 0x22 };
	uint8_t mac[6];

	(void)state;
	memset(mac, 0, sizeof(mac));
	assert_int_equal(addr_parse("aa:BB:cc:00:11:22", mac), 0);
	assert_memory_equal(mac, want, 6);
	memset(mac, 0, sizeof(mac));
	assert_int_equal(addr_parse("aa-bb-cc-00-11-22", mac), 0);
	assert_memory_equal(mac, want, 6);
	assert_int_equal(addr_parse("FF:ff:Ff:fF:09:90", mac), 0);
	assert_memory_equal(mac,
	    ((const uint8_t[]){ 0xff, 0xff, 0xff, 0xff, 0x09, 0x90 }), 6);
	assert_int_equal(addr_parse("00:00:00:00:00:00", mac), 0);
	assert_memory_equal(mac, ((const uint8_t[6]){ 0 }), 6);
}

static void
test_addr_parse_bad(void **state)
{
	static const char *const bad[] = {
		"",
		"a",
		"aa",
		"aa:",
		"aa:bb:cc:00:11",		/* short */
		"aa:bb:cc:00:11:",
		"aa:bb:cc:00:11:2",
		"aa:bb:cc:00:11:22:",		/* long */
		"aa:bb:cc:00:11:22:33",
		"aa:bb:cc:00:11:22x",		/* trailing junk */
		"aa:bb:cc:00:11:22 ",
		" aa:bb:cc:00:11:22",
		"aa:bb-cc:00:11:22",		/* mixed separators */
		"aa-bb-cc-00-11:22",
		"aa:bb:cc:00:11-22",
		"aabbcc001122",			/* no separators */
		"aa.bb.cc.00.11.22",
		"aa::bb:cc:00:11",
		"gg:bb:cc:00:11:22",		/* not hex */
		"aa:bb:cc:00:11:2g",
		"a:b:c:d:e:f",
		"0aa:bb:cc:00:11:22",
		"-aa-bb-cc-00-11-22",
		"+a:bb:cc:00:11:22",
	};
	uint8_t mac[6], keep[6] = { 1, 2, 3, 4, 5, 6 };
	size_t i;

	(void)state;
	for (i = 0; i < nitems(bad); i++) {
		memcpy(mac, keep, 6);
		if (addr_parse(bad[i], mac) != -1)
			fail_msg("ether_addr_parse accepted \"%s\"", bad[i]);
		/* A failed parse leaves the output alone. */
		assert_memory_equal(mac, keep, 6);
	}
}

/*
 * The string ends at its NUL, whatever follows in memory: "aa" then NULs
 * between the octets must not be read as an address.
 */
static void
test_addr_parse_stops_at_nul(void **state)
{
	static const char buf[] = "aa\0bb\0cc\0dd\0ee\0ff";
	uint8_t mac[6];

	(void)state;
	assert_int_equal(ether_addr_parse(buf, mac), -1);
}

static void
test_addr_fmt(void **state)
{
	static const uint8_t m[6] = { 0xaa, 0xbb, 0xcc, 0x00, 0x11, 0x22 };
	char buf[ETHER_ADDR_STRLEN + 2];
	uint8_t back[6];
	uint64_t seed = 6;
	int i, j;

	(void)state;
	memset(buf, 'X', sizeof(buf));
	assert_ptr_equal(ether_addr_fmt(m, buf), buf);
	assert_string_equal(buf, "aa:bb:cc:00:11:22");
	/* Exactly ETHER_ADDR_STRLEN bytes used. */
	assert_int_equal(buf[ETHER_ADDR_STRLEN], 'X');

	ether_addr_fmt((const uint8_t[6]){ 0, 1, 0x0f, 0x10, 0xf0, 0xff }, buf);
	assert_string_equal(buf, "00:01:0f:10:f0:ff");

	/* fmt then parse gives the address back. */
	for (i = 0; i < 1000; i++) {
		uint8_t r[6];

		for (j = 0; j < 6; j++)
			r[j] = (uint8_t)tu_rand64(&seed);
		ether_addr_fmt(r, buf);
		assert_int_equal(strlen(buf), 17);
		assert_int_equal(ether_addr_parse(buf, back), 0);
		assert_memory_equal(back, r, 6);
	}
}

static void
test_addr_class(void **state)
{
	(void)state;
	assert_true(ether_addr_is_unicast(DST));
	assert_true(ether_addr_is_unicast((const uint8_t[6]){ 0xfe, 0xff,
	    0xff, 0xff, 0xff, 0xff }));
	assert_false(ether_addr_is_unicast((const uint8_t[6]){ 0x01, 0x00,
	    0x5e, 0x00, 0x00, 0x01 }));
	assert_false(ether_addr_is_unicast((const uint8_t[6]){ 0xff, 0xff,
	    0xff, 0xff, 0xff, 0xff }));
	assert_false(ether_addr_is_unicast((const uint8_t[6]){ 0x33, 0x33,
	    0, 0, 0, 1 }));
	/* The group bit is the first octet's low bit, not any other. */
	assert_true(ether_addr_is_unicast((const uint8_t[6]){ 0x02, 0x01,
	    0x01, 0x01, 0x01, 0x01 }));

	assert_true(ether_addr_is_zero((const uint8_t[6]){ 0 }));
	assert_false(ether_addr_is_zero((const uint8_t[6]){ 0, 0, 0, 0, 0,
	    1 }));
	assert_false(ether_addr_is_zero((const uint8_t[6]){ 0x80, 0, 0, 0,
	    0, 0 }));
	assert_false(ether_addr_is_zero(DST));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_untagged),
		cmocka_unit_test(test_parse_tagged),
		cmocka_unit_test(test_parse_double_tag),
		cmocka_unit_test(test_parse_runts),
		cmocka_unit_test(test_write),
		cmocka_unit_test(test_rd_wr16),
		cmocka_unit_test(test_addr_parse_good),
		cmocka_unit_test(test_addr_parse_bad),
		cmocka_unit_test(test_addr_parse_stops_at_nul),
		cmocka_unit_test(test_addr_fmt),
		cmocka_unit_test(test_addr_class),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
