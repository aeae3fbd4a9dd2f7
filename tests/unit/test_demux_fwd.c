/*
 * quasar-demux's forwarding decision (demux/classify.c, demux/belswitch.c)
 * without sockets: the two files are compiled into this test, fed frames in
 * exact-size heap buffers (so ASan reports any read past a frame's end),
 * and what they would send is checked byte for byte.
 */
#include <arpa/inet.h>

#include "testutil.h"

#include "../../demux/belswitch.c"
#include "../../demux/classify.c"

#include "inet.h"

#define VIF_IFINDEX	77

static struct ltable lt;
static struct belfib be;
static struct dx_port ports[2];
static struct dx_fwd fwd;

static const uint8_t P0[6] = { 0x02, 0, 0, 0, 1, 1 };
static const uint8_t P1[6] = { 0x02, 0, 0, 0, 2, 1 };
static const uint8_t NH[6] = { 0x02, 0, 0, 0, 2, 2 };
static const uint8_t SRC[6] = { 0x02, 0, 0, 0, 1, 2 };

static int
setup(void **state)
{
	struct belfib_entry e;

	(void)state;
	assert_int_equal(ltable_init(&lt), LTABLE_OK);
	assert_int_equal(belfib_init(&be), BELFIB_OK);
	memset(ports, 0, sizeof(ports));
	ports[0].ifindex = 11;
	memcpy(ports[0].mac, P0, 6);
	ports[1].ifindex = 12;
	memcpy(ports[1].mac, P1, 6);
	fwd.lt = &lt;
	fwd.be = &be;
	fwd.ports = ports;
	fwd.nports = 2;

	assert_int_equal(ltable_set(&lt, 100, VIF_IFINDEX), LTABLE_OK);
	assert_int_equal(ltable_set(&lt, 101, 0), LTABLE_OK);	/* bad */
	memset(&e, 0, sizeof(e));
	e.op = BELFIB_OP_SWAP;
	e.out_label = 400;
	e.port = 1;
	memcpy(e.nh_mac, NH, 6);
	assert_int_equal(belfib_set(&be, 300, &e), BELFIB_OK);
	e.op = BELFIB_OP_POP;
	assert_int_equal(belfib_set(&be, 310, &e), BELFIB_OK);
	e.op = BELFIB_OP_SWAP;
	e.port = 7;					/* no such port */
	assert_int_equal(belfib_set(&be, 320, &e), BELFIB_OK);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	ltable_destroy(&lt);
	belfib_destroy(&be);
	return 0;
}

static size_t
put_lse(uint8_t *p, uint32_t label, uint8_t tc, int bos, uint8_t ttl)
{
	struct mpls_lse e = { label, tc, (uint8_t)bos, ttl };

	mpls_lse_encode(p, &e);
	return MPLS_LSE_LEN;
}

static size_t
put_eth(uint8_t *p, uint16_t type)
{
	ether_write(p, P0, SRC, type);
	return ETHER_HDR_LEN;
}

/* A 20-byte IPv4 header with a right checksum and a few bytes after. */
static size_t
put_ipv4(uint8_t *p, uint8_t ttl)
{
	static const uint8_t h[28] = { 0x45, 0, 0, 28, 0, 1, 0, 0, 64, 17, 0,
	    0, 10, 99, 1, 2, 10, 99, 2, 2, 0x0f, 0xa0, 0x13, 0x88, 0, 8, 0,
	    0 };

	memcpy(p, h, sizeof(h));
	p[IPV4_TTL_OFF] = ttl;
	wr16(p + IPV4_CSUM_OFF, inet_csum(p, IPV4_HDR_MIN));
	return sizeof(h);
}

/* What m would put on the wire. */
static size_t
flatten(const struct dx_txmsg *m, uint8_t *out, size_t max)
{
	size_t n = 0;
	uint32_t i;

	for (i = 0; i < m->niov; i++) {
		assert_true(n + m->iov[i].iov_len <= max);
		memcpy(out + n, m->iov[i].iov_base, m->iov[i].iov_len);
		n += m->iov[i].iov_len;
	}
	assert_int_equal(n, m->len);
	return n;
}

static unsigned
run(const uint8_t *frame, size_t len, struct dx_txmsg *m, uint8_t **copy)
{
	struct dx_frame fr;
	uint32_t label;

	*copy = tu_exact(frame, len);
	memset(&fr, 0, sizeof(fr));
	fr.data = *copy;
	fr.len = fr.wirelen = (uint32_t)len;
	fr.pkttype = PACKET_HOST;
	memset(m, 0, sizeof(*m));
	return dx_classify(&fwd, &fr, m, &label);
}

static void
test_routelet(void **state)
{
	uint8_t f[64], out[128], *c;
	struct dx_txmsg m;
	size_t n;

	(void)state;
	n = put_eth(f, ETHERTYPE_MPLS);
	n += put_lse(f + n, 100, 0, 1, 64);
	n += put_ipv4(f + n, 64);
	assert_int_equal(run(f, n, &m, &c), DXS_C_to_routelet);
	assert_int_equal(m.sll.sll_ifindex, VIF_IFINDEX);
	assert_int_equal(m.port, -1);
	assert_int_equal(flatten(&m, out, sizeof(out)), n);
	assert_memory_equal(out, f, n);			/* unchanged */
	free(c);
	/* A zero ifindex in the table is refused, not sent. */
	f[ETHER_HDR_LEN + 2] = 0x51;			/* label 101 */
	assert_int_equal(run(f, n, &m, &c), DXS_C_bad_vif);
	free(c);
}

static void
test_routelet_vlan_meta(void **state)
{
	uint8_t f[64], out[128], *c;
	struct dx_txmsg m;
	struct dx_frame fr;
	uint32_t label;
	size_t n;

	(void)state;
	n = put_eth(f, ETHERTYPE_MPLS);
	n += put_lse(f + n, 100, 0, 1, 64);
	n += put_ipv4(f + n, 64);
	c = tu_exact(f, n);
	memset(&fr, 0, sizeof(fr));
	fr.data = c;
	fr.len = fr.wirelen = (uint32_t)n;
	fr.vlan = 1;
	fr.tci = 0x2005;
	fr.tpid = ETHERTYPE_VLAN;
	assert_int_equal(dx_classify(&fwd, &fr, &m, &label), DXS_C_to_routelet);
	assert_int_equal(label, 100);
	assert_int_equal(flatten(&m, out, sizeof(out)), n + 4);
	/* The tag the kernel took off is back where it was. */
	assert_memory_equal(out, f, 12);
	assert_int_equal(rd16(out + 12), ETHERTYPE_VLAN);
	assert_int_equal(rd16(out + 14), 0x2005);
	assert_memory_equal(out + 16, f + 12, n - 12);
	assert_int_equal(ntohs(m.sll.sll_protocol), ETHERTYPE_VLAN);
	/* 802.1ad in the metadata is not ours. */
	fr.tpid = ETHERTYPE_QINQ;
	assert_int_equal(dx_classify(&fwd, &fr, &m, &label), DXS_C_not_mpls);
	free(c);
}

static void
test_swap(void **state)
{
	uint8_t f[80], want[80], out[128], *c;
	struct dx_txmsg m;
	size_t n, w;

	(void)state;
	/* Tagged in the frame, two labels: untagged out, top swapped. */
	memcpy(f, P0, 6);
	memcpy(f + 6, SRC, 6);
	wr16(f + 12, ETHERTYPE_VLAN);
	wr16(f + 14, 5);
	wr16(f + 16, ETHERTYPE_MPLS);
	n = 18;
	n += put_lse(f + n, 300, 5, 0, 64);
	n += put_lse(f + n, 777, 2, 1, 200);
	n += put_ipv4(f + n, 64);
	ether_write(want, NH, P1, ETHERTYPE_MPLS);
	w = ETHER_HDR_LEN;
	w += put_lse(want + w, 400, 5, 0, 63);
	w += put_lse(want + w, 777, 2, 1, 200);
	w += put_ipv4(want + w, 64);
	assert_int_equal(run(f, n, &m, &c), DXS_C_to_besteffort);
	assert_int_equal(m.sll.sll_ifindex, 12);
	assert_int_equal(m.port, 1);
	assert_int_equal(flatten(&m, out, sizeof(out)), w);
	assert_memory_equal(out, want, w);
	free(c);

	/* TTL 1 and 0 die here. */
	f[18 + 3] = 1;
	assert_int_equal(run(f, n, &m, &c), DXS_C_ttl_expired);
	free(c);
	f[18 + 3] = 0;
	assert_int_equal(run(f, n, &m, &c), DXS_C_ttl_expired);
	free(c);
}

static void
test_pop(void **state)
{
	uint8_t f[80], want[80], out[128], *c;
	struct dx_txmsg m;
	size_t n, w;

	(void)state;
	/* Penultimate hop: IPv4 out, TTL from the label, checksum right. */
	n = put_eth(f, ETHERTYPE_MPLS);
	n += put_lse(f + n, 310, 0, 1, 20);
	n += put_ipv4(f + n, 64);
	ether_write(want, NH, P1, ETHERTYPE_IPV4);
	w = ETHER_HDR_LEN + put_ipv4(want + ETHER_HDR_LEN, 19);
	assert_int_equal(run(f, n, &m, &c), DXS_C_to_besteffort);
	assert_int_equal(flatten(&m, out, sizeof(out)), w);
	assert_memory_equal(out, want, w);
	assert_int_equal(inet_csum(out + ETHER_HDR_LEN, IPV4_HDR_MIN), 0);
	free(c);

	/* Above the bottom: the next entry takes the TTL. */
	n = put_eth(f, ETHERTYPE_MPLS);
	n += put_lse(f + n, 310, 3, 0, 20);
	n += put_lse(f + n, 500, 6, 1, 64);
	ether_write(want, NH, P1, ETHERTYPE_MPLS);
	w = ETHER_HDR_LEN + put_lse(want + ETHER_HDR_LEN, 500, 6, 1, 19);
	assert_int_equal(run(f, n, &m, &c), DXS_C_to_besteffort);
	assert_int_equal(flatten(&m, out, sizeof(out)), w);
	assert_memory_equal(out, want, w);
	free(c);

	/* Popped to nothing IP-like. */
	n = put_eth(f, ETHERTYPE_MPLS);
	n += put_lse(f + n, 310, 0, 1, 20);
	assert_int_equal(run(f, n, &m, &c), DXS_C_bad_payload);
	free(c);
	f[n] = 0x4f;			/* IHL 15, 60 bytes, in 1 */
	assert_int_equal(run(f, n + 1, &m, &c), DXS_C_bad_payload);
	free(c);
	f[n] = 0x60;			/* IPv6 cut short */
	assert_int_equal(run(f, n + 20, &m, &c), DXS_C_bad_payload);
	free(c);
}

static void
test_drops(void **state)
{
	uint8_t f[80], *c;
	struct dx_txmsg m;
	struct dx_frame fr;
	uint32_t label;
	size_t n;

	(void)state;
	n = put_eth(f, ETHERTYPE_MPLS);
	assert_int_equal(run(f, n, &m, &c), DXS_C_bad_stack);
	free(c);
	assert_int_equal(run(f, 13, &m, &c), DXS_C_runt);
	free(c);
	n += put_lse(f + n, 300, 0, 0, 64);		/* no BoS */
	assert_int_equal(run(f, n, &m, &c), DXS_C_bad_stack);
	free(c);
	assert_int_equal(run(f, n - 1, &m, &c), DXS_C_bad_stack);
	free(c);
	n = put_eth(f, ETHERTYPE_MPLS);
	n += put_lse(f + n, 1, 0, 1, 64);		/* Router Alert */
	assert_int_equal(run(f, n, &m, &c), DXS_C_reserved_label);
	free(c);
	n = put_eth(f, ETHERTYPE_MPLS);
	n += put_lse(f + n, 999, 0, 1, 64);
	assert_int_equal(run(f, n, &m, &c), DXS_C_no_route);
	free(c);
	n = put_eth(f, ETHERTYPE_MPLS);
	n += put_lse(f + n, 320, 0, 1, 64);
	assert_int_equal(run(f, n, &m, &c), DXS_C_bad_port);
	free(c);
	/*
	 * The table is another process's file: an entry belfib_set() would
	 * refuse, written straight into the slot, is not followed (found by
	 * tests/fuzz/fuzz_classify).
	 */
	{
		static const struct {
			uint8_t		op, flags;
			uint32_t	out;
			uint8_t		nh0;
		} bad[] = {
			{ BELFIB_OP_SWAP, 0, 0x100003, 0x02 },	/* 21 bits */
			{ BELFIB_OP_SWAP, 0, 1, 0x02 },		/* reserved */
			{ BELFIB_OP_SWAP, 0, 400, 0x01 },	/* multicast */
			{ BELFIB_OP_SWAP, 1, 400, 0x02 },	/* flags */
			{ 3, 0, 400, 0x02 },			/* no such op */
		};
		struct belfib_entry raw;
		uint32_t words[BELFIB_WORDS];
		size_t i, k;

		for (i = 0; i < nitems(bad); i++) {
			memset(&raw, 0, sizeof(raw));
			raw.op = bad[i].op;
			raw.flags = bad[i].flags;
			raw.out_label = bad[i].out;
			raw.port = 1;
			memcpy(raw.nh_mac, NH, 6);
			raw.nh_mac[0] = bad[i].nh0;
			memcpy(words, &raw, sizeof(words));
			for (k = 0; k < BELFIB_WORDS; k++)
				atomic_store(&be.slot[330].w[k], words[k]);
			n = put_eth(f, ETHERTYPE_MPLS);
			n += put_lse(f + n, 330, 0, 1, 64);
			assert_int_equal(run(f, n, &m, &c),
			    DXS_C_be_bad_entry);
			free(c);
		}
		for (k = 0; k < BELFIB_WORDS; k++)
			atomic_store(&be.slot[330].w[k], 0);
	}
	n = put_eth(f, ETHERTYPE_IPV4);
	n += put_ipv4(f + n, 64);
	assert_int_equal(run(f, n, &m, &c), DXS_C_not_mpls);
	free(c);

	/* Not for us, and cut by the ring. */
	n = put_eth(f, ETHERTYPE_MPLS);
	n += put_lse(f + n, 100, 0, 1, 64);
	c = tu_exact(f, n);
	memset(&fr, 0, sizeof(fr));
	fr.data = c;
	fr.len = fr.wirelen = (uint32_t)n;
	fr.pkttype = PACKET_OTHERHOST;
	assert_int_equal(dx_classify(&fwd, &fr, &m, &label),
	    DXS_C_other_host);
	fr.pkttype = PACKET_HOST;
	fr.wirelen = (uint32_t)n + 100;
	assert_int_equal(dx_classify(&fwd, &fr, &m, &label), DXS_C_oversize);
	free(c);
}

/* Every IPv4 header, any TTL: the RFC 1624 update equals a recompute. */
static void
test_php_checksum_random(void **state)
{
	uint8_t f[128], out[160], *c, ip[60];
	struct dx_txmsg m;
	uint64_t seed = 1624;
	size_t n, hl, i;
	int k;
	uint8_t ttl;

	(void)state;
	for (k = 0; k < 20000; k++) {
		hl = 20 + 4 * tu_randn(&seed, 11);
		for (i = 0; i < hl; i++)
			ip[i] = (uint8_t)tu_rand64(&seed);
		ip[0] = (uint8_t)(0x40 | hl / 4);
		wr16(ip + IPV4_CSUM_OFF, 0);
		wr16(ip + IPV4_CSUM_OFF, inet_csum(ip, hl));
		ttl = (uint8_t)(2 + tu_randn(&seed, 254));
		n = put_eth(f, ETHERTYPE_MPLS);
		n += put_lse(f + n, 310, 0, 1, ttl);
		memcpy(f + n, ip, hl);
		n += hl;
		assert_int_equal(run(f, n, &m, &c), DXS_C_to_besteffort);
		flatten(&m, out, sizeof(out));
		if (out[ETHER_HDR_LEN + IPV4_TTL_OFF] != ttl - 1 ||
		    inet_csum(out + ETHER_HDR_LEN, hl) != 0)
			fail_msg("case %d: ttl %u, checksum wrong", k, ttl);
		free(c);
	}
}

/*
 * Random frames: MPLS EtherType mostly, labels from the tables often, any
 * length.  Whatever the verdict, nothing is read past the frame (ASan), and
 * a frame that passes goes out no longer than it came in (plus a tag put
 * back) with its iovecs inside the frame or the message's own header.
 */
static void
test_fuzz(void **state)
{
	static const uint32_t labels[] = { 100, 300, 310, 320, 999, 1, 16 };
	uint8_t f[256], *c;
	struct dx_txmsg m;
	struct dx_frame fr;
	uint64_t seed = 3032, verdicts[DXS_C_COUNT] = { 0 };
	uint32_t label, i;
	const uint8_t *b;
	size_t n, j;
	unsigned r;
	int k;

	(void)state;
	for (k = 0; k < 300000; k++) {
		n = tu_randn(&seed, 120);
		for (j = 0; j < n; j++)
			f[j] = (uint8_t)tu_rand64(&seed);
		if (n >= 14 && tu_randn(&seed, 8) != 0)
			wr16(f + 12, ETHERTYPE_MPLS);
		if (n >= 18 && tu_randn(&seed, 2) == 0) {
			/* A known label on top, S and TTL random. */
			label = labels[tu_randn(&seed, nitems(labels))];
			f[14] = (uint8_t)(label >> 12);
			f[15] = (uint8_t)(label >> 4);
			f[16] = (uint8_t)((label & 0xf) << 4 | (f[16] & 0x0f));
			if (n >= 38 && tu_randn(&seed, 2) == 0) {
				f[16] |= 1;	/* BoS, then IPv4-ish */
				f[18] = 0x45;
			}
		}
		c = tu_exact(f, n);
		memset(&fr, 0, sizeof(fr));
		fr.data = c;
		fr.len = fr.wirelen = (uint32_t)n;
		fr.vlan = tu_randn(&seed, 4) == 0;
		fr.tci = 7;
		fr.tpid = ETHERTYPE_VLAN;
		memset(&m, 0, sizeof(m));
		r = dx_classify(&fwd, &fr, &m, &label);
		assert_true(r < DXS_C_COUNT);
		verdicts[r]++;
		if (r == DXS_C_to_routelet || r == DXS_C_to_besteffort) {
			assert_true(m.len <= n + 4);
			for (i = 0; i < m.niov; i++) {
				b = m.iov[i].iov_base;
				if (b >= m.hdr && b < m.hdr + sizeof(m.hdr))
					assert_true(b + m.iov[i].iov_len <=
					    m.hdr + sizeof(m.hdr));
				else
					assert_true(b >= c && b +
					    m.iov[i].iov_len <= c + n);
			}
		}
		free(c);
	}
	/* The fuzz reached the interesting verdicts. */
	assert_true(verdicts[DXS_C_to_routelet] > 100);
	assert_true(verdicts[DXS_C_to_besteffort] > 100);
	assert_true(verdicts[DXS_C_bad_stack] > 100);
	assert_true(verdicts[DXS_C_ttl_expired] > 0);
	assert_true(verdicts[DXS_C_bad_payload] > 0);
	assert_true(verdicts[DXS_C_not_mpls] > 100);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_routelet),
		cmocka_unit_test(test_routelet_vlan_meta),
		cmocka_unit_test(test_swap),
		cmocka_unit_test(test_pop),
		cmocka_unit_test(test_drops),
		cmocka_unit_test(test_php_checksum_random),
		cmocka_unit_test(test_fuzz),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
