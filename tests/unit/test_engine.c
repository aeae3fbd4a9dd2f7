/*
 * The routelet engine: each stage against hand-built wire bytes, every
 * truncation of a valid frame, the shaper on an injected clock, and a
 * configuration swapped under a running data path.
 */
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "clock.h"
#include "engine.h"
#include "ether.h"
#include "inet.h"
#include "mpls.h"

static const uint8_t MAC_IN_DST[6] = { 0x02, 0, 0, 0, 0, 0x10 };
static const uint8_t MAC_IN_SRC[6] = { 0x02, 0, 0, 0, 0, 0x11 };
static const uint8_t MAC_NH[6] = { 0x02, 0, 0, 0, 0, 0x20 };
static const uint8_t MAC_SRC[6] = { 0x02, 0, 0, 0, 0, 0x21 };
static const uint8_t MAC_NH2[6] = { 0x02, 0, 0, 0, 0, 0x30 };

#define CONF_BASE "nh-mac=02:00:00:00:00:20 src-mac=02:00:00:00:00:21 "

/* A frame built byte by byte, independent of the code under test. */
struct frame {
	uint8_t	b[256];
	size_t	len;
};

static void
put_lse(struct frame *f, uint32_t label, unsigned tc, int bos, unsigned ttl)
{
	uint32_t v = label << 12 | tc << 9 | (bos ? 1u << 8 : 0) | ttl;

	f->b[f->len++] = (uint8_t)(v >> 24);
	f->b[f->len++] = (uint8_t)(v >> 16);
	f->b[f->len++] = (uint8_t)(v >> 8);
	f->b[f->len++] = (uint8_t)v;
}

static void
put_eth(struct frame *f, const uint8_t *dst, const uint8_t *src,
    uint16_t type)
{
	memcpy(f->b + f->len, dst, 6);
	memcpy(f->b + f->len + 6, src, 6);
	f->b[f->len + 12] = (uint8_t)(type >> 8);
	f->b[f->len + 13] = (uint8_t)type;
	f->len += 14;
}

/* A 20-byte IPv4 header with a correct checksum and 8 payload bytes. */
static void
put_ipv4(struct frame *f, unsigned ttl)
{
	uint8_t *h = f->b + f->len;
	uint32_t sum = 0;
	int i;

	memset(h, 0, 28);
	h[0] = 0x45;
	h[3] = 28;
	h[8] = (uint8_t)ttl;
	h[9] = 17;
	h[12] = 10; h[15] = 1;
	h[16] = 10; h[19] = 2;
	for (i = 0; i < 20; i += 2)
		sum += (uint32_t)(h[i] << 8 | h[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	h[10] = (uint8_t)(~sum >> 8);
	h[11] = (uint8_t)~sum;
	for (i = 20; i < 28; i++)
		h[i] = (uint8_t)i;
	f->len += 28;
}

static void
put_ipv6(struct frame *f, unsigned hlim)
{
	uint8_t *h = f->b + f->len;

	memset(h, 0, 40);
	h[0] = 0x60;
	h[6] = 59;	/* no next header */
	h[7] = (uint8_t)hlim;
	f->len += 40;
}

struct fixture {
	struct pkt_pool		pool;
	struct rl_engine	eng;
	uint64_t		gen;
};

static int
setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	assert_non_null(fx);
	assert_int_equal(pkt_pool_init(&fx->pool, 2048), 0);
	assert_int_equal(rl_engine_init(&fx->eng, &fx->pool), 0);
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *fx = *state;

	rl_engine_destroy(&fx->eng);
	/* Every buffer must be back: the engine leaks none on any path. */
	assert_int_equal(fx->pool.nfree, fx->pool.size);
	pkt_pool_destroy(&fx->pool);
	free(fx);
	return 0;
}

static void
apply(struct fixture *fx, const char *text)
{
	struct rlconf c;
	char err[256], buf[512];

	snprintf(buf, sizeof(buf), "gen=%llu %s",
	    (unsigned long long)++fx->gen, text);
	if (rlconf_parse(&c, buf, err, sizeof(err)) == -1)
		fail_msg("rlconf_parse: %s", err);
	if (rl_engine_apply(&fx->eng, &c, err, sizeof(err)) == -1)
		fail_msg("rl_engine_apply: %s", err);
}

/* Sends one frame through at time now; returns the frame sent, or NULL. */
static struct pkt *
run1(struct fixture *fx, const struct frame *f, uint64_t now)
{
	struct pkt *p = pkt_pool_get(&fx->pool), *out[4];
	unsigned v, n;

	assert_non_null(p);
	assert_int_equal(pkt_load(p, f->b, f->len), 0);
	rl_engine_rx_burst(&fx->eng, &p, 1, now);
	for (v = 0; v < RLCONF_MAX_VIFS; v++) {
		n = rl_engine_tx_burst(&fx->eng, v, now, out, 4);
		assert_true(n <= 1);
		if (n == 1) {
			assert_int_equal(out[0]->out_vif, v);
			return out[0];
		}
	}
	return NULL;
}

static void
expect_out(struct fixture *fx, const struct frame *in,
    const struct frame *want)
{
	struct pkt *p = run1(fx, in, 0);

	assert_non_null(p);
	assert_int_equal(p->len, want->len);
	assert_memory_equal(p->data, want->b, want->len);
	pkt_pool_put(&fx->pool, p);
}

static void
expect_drop(struct fixture *fx, const struct frame *in, enum rl_ctr why)
{
	uint64_t before = ctr_get(&fx->eng.ctr[why]);

	assert_null(run1(fx, in, 0));
	assert_int_equal(ctr_get(&fx->eng.ctr[why]), before + 1);
}

static void
test_swap(void **state)
{
	struct fixture *fx = *state;
	struct frame in = { .len = 0 }, want = { .len = 0 };

	apply(fx, CONF_BASE "op=swap in-label=100 out-label=200 out-vif=1");
	put_eth(&in, MAC_IN_DST, MAC_IN_SRC, ETHERTYPE_MPLS);
	put_lse(&in, 100, 5, 1, 64);
	put_ipv4(&in, 30);
	put_eth(&want, MAC_NH, MAC_SRC, ETHERTYPE_MPLS);
	put_lse(&want, 200, 5, 1, 63);
	put_ipv4(&want, 30);
	expect_out(fx, &in, &want);
}

static void
test_swap_stack_keeps_lower_entries(void **state)
{
	struct fixture *fx = *state;
	struct frame in = { .len = 0 }, want = { .len = 0 };

	apply(fx, CONF_BASE "op=swap in-label=100 out-label=200/300");
	put_eth(&in, MAC_IN_DST, MAC_IN_SRC, ETHERTYPE_MPLS);
	put_lse(&in, 100, 1, 0, 10);
	put_lse(&in, 555, 2, 1, 77);
	put_ipv4(&in, 30);
	put_eth(&want, MAC_NH, MAC_SRC, ETHERTYPE_MPLS);
	put_lse(&want, 200, 1, 0, 9);
	put_lse(&want, 300, 1, 0, 9);
	put_lse(&want, 555, 2, 1, 77);
	put_ipv4(&want, 30);
	expect_out(fx, &in, &want);
}

static void
test_push(void **state)
{
	struct fixture *fx = *state;
	struct frame in = { .len = 0 }, want = { .len = 0 };

	apply(fx, CONF_BASE "op=push in-label=100 out-label=900");
	put_eth(&in, MAC_IN_DST, MAC_IN_SRC, ETHERTYPE_MPLS);
	put_lse(&in, 100, 3, 1, 64);
	put_ipv4(&in, 30);
	put_eth(&want, MAC_NH, MAC_SRC, ETHERTYPE_MPLS);
	put_lse(&want, 900, 3, 0, 63);
	put_lse(&want, 100, 3, 1, 63);
	put_ipv4(&want, 30);
	expect_out(fx, &in, &want);
}

static void
test_pop_php_ipv4_uniform(void **state)
{
	struct fixture *fx = *state;
	struct frame in = { .len = 0 }, want = { .len = 0 };
	struct pkt *p;

	apply(fx, CONF_BASE "op=pop in-label=100 ttl-mode=uniform");
	put_eth(&in, MAC_IN_DST, MAC_IN_SRC, ETHERTYPE_MPLS);
	put_lse(&in, 100, 0, 1, 10);
	put_ipv4(&in, 64);
	/* RFC 3443 uniform: the exposed IP TTL is the decremented LSP TTL. */
	put_eth(&want, MAC_NH, MAC_SRC, ETHERTYPE_IPV4);
	put_ipv4(&want, 9);
	expect_out(fx, &in, &want);

	p = run1(fx, &in, 0);
	assert_non_null(p);
	assert_int_equal(inet_csum(p->data + ETHER_HDR_LEN, 20), 0);
	pkt_pool_put(&fx->pool, p);
}

static void
test_pop_php_ipv4_pipe(void **state)
{
	struct fixture *fx = *state;
	struct frame in = { .len = 0 }, want = { .len = 0 };

	apply(fx, CONF_BASE "op=pop in-label=100 ttl-mode=pipe");
	put_eth(&in, MAC_IN_DST, MAC_IN_SRC, ETHERTYPE_MPLS);
	put_lse(&in, 100, 0, 1, 10);
	put_ipv4(&in, 64);
	/* Pipe: the IP header is the egress LER's business, untouched here. */
	put_eth(&want, MAC_NH, MAC_SRC, ETHERTYPE_IPV4);
	put_ipv4(&want, 64);
	expect_out(fx, &in, &want);
}

static void
test_pop_php_ipv6(void **state)
{
	struct fixture *fx = *state;
	struct frame in = { .len = 0 }, want = { .len = 0 };

	apply(fx, CONF_BASE "op=pop in-label=100");
	put_eth(&in, MAC_IN_DST, MAC_IN_SRC, ETHERTYPE_MPLS);
	put_lse(&in, 100, 0, 1, 50);
	put_ipv6(&in, 200);
	put_eth(&want, MAC_NH, MAC_SRC, ETHERTYPE_IPV6);
	put_ipv6(&want, 49);
	expect_out(fx, &in, &want);
}

static void
test_pop_not_bottom(void **state)
{
	struct fixture *fx = *state;
	struct frame in = { .len = 0 }, want = { .len = 0 }, pin = { .len = 0 };

	apply(fx, CONF_BASE "op=pop in-label=100");
	put_eth(&in, MAC_IN_DST, MAC_IN_SRC, ETHERTYPE_MPLS);
	put_lse(&in, 100, 0, 0, 20);
	put_lse(&in, 777, 4, 1, 200);
	put_ipv4(&in, 64);
	put_eth(&want, MAC_NH, MAC_SRC, ETHERTYPE_MPLS);
	put_lse(&want, 777, 4, 1, 19);
	put_ipv4(&want, 64);
	expect_out(fx, &in, &want);

	apply(fx, CONF_BASE "op=pop in-label=100 ttl-mode=pipe");
	put_eth(&pin, MAC_NH, MAC_SRC, ETHERTYPE_MPLS);
	put_lse(&pin, 777, 4, 1, 200);
	put_ipv4(&pin, 64);
	expect_out(fx, &in, &pin);
}

static void
test_vlan_tagged_input(void **state)
{
	struct fixture *fx = *state;
	struct frame in = { .len = 0 }, want = { .len = 0 };

	apply(fx, CONF_BASE "op=swap in-label=100 out-label=200");
	put_eth(&in, MAC_IN_DST, MAC_IN_SRC, ETHERTYPE_VLAN);
	in.b[in.len++] = 0x00;
	in.b[in.len++] = 0x2a;
	in.b[in.len++] = 0x88;
	in.b[in.len++] = 0x47;
	put_lse(&in, 100, 0, 1, 64);
	put_ipv4(&in, 30);
	put_eth(&want, MAC_NH, MAC_SRC, ETHERTYPE_MPLS);
	put_lse(&want, 200, 0, 1, 63);
	put_ipv4(&want, 30);
	expect_out(fx, &in, &want);
}

static void
test_drops(void **state)
{
	struct fixture *fx = *state;
	struct frame f;

	apply(fx, CONF_BASE "op=swap in-label=100 out-label=200");

	f.len = 0; put_eth(&f, MAC_IN_DST, MAC_IN_SRC, ETHERTYPE_MPLS);
	put_lse(&f, 100, 0, 1, 1); put_ipv4(&f, 30);
	expect_drop(fx, &f, RL_C_ttl_expired);

	f.len = 0; put_eth(&f, MAC_IN_DST, MAC_IN_SRC, ETHERTYPE_MPLS);
	put_lse(&f, 100, 0, 1, 0); put_ipv4(&f, 30);
	expect_drop(fx, &f, RL_C_ttl_expired);

	f.len = 0; put_eth(&f, MAC_IN_DST, MAC_IN_SRC, ETHERTYPE_MPLS);
	put_lse(&f, 101, 0, 1, 64); put_ipv4(&f, 30);
	expect_drop(fx, &f, RL_C_wrong_label);

	f.len = 0; put_eth(&f, MAC_IN_DST, MAC_IN_SRC, ETHERTYPE_IPV4);
	put_ipv4(&f, 30);
	expect_drop(fx, &f, RL_C_not_mpls);

	f.len = 0; put_eth(&f, MAC_IN_DST, MAC_IN_SRC, ETHERTYPE_MPLS_MC);
	put_lse(&f, 100, 0, 1, 64); put_ipv4(&f, 30);
	expect_drop(fx, &f, RL_C_not_mpls);

	/* A stack that never reaches its bottom within the frame. */
	f.len = 0; put_eth(&f, MAC_IN_DST, MAC_IN_SRC, ETHERTYPE_MPLS);
	put_lse(&f, 100, 0, 0, 64); put_lse(&f, 101, 0, 0, 64);
	expect_drop(fx, &f, RL_C_bad_stack);

	f.len = 0; put_eth(&f, MAC_IN_DST, MAC_IN_SRC, ETHERTYPE_MPLS);
	expect_drop(fx, &f, RL_C_bad_stack);

	f.len = 0; put_eth(&f, MAC_IN_DST, MAC_IN_SRC, ETHERTYPE_MPLS);
	f.len -= 1;
	expect_drop(fx, &f, RL_C_runt);

	apply(fx, CONF_BASE "op=pop in-label=100");
	/* Bottom of stack over something that is not an IP header. */
	f.len = 0; put_eth(&f, MAC_IN_DST, MAC_IN_SRC, ETHERTYPE_MPLS);
	put_lse(&f, 100, 0, 1, 64);
	memset(f.b + f.len, 0x55, 30); f.len += 30;
	expect_drop(fx, &f, RL_C_bad_payload);

	/* IPv4 whose IHL claims more header than the frame holds. */
	f.len = 0; put_eth(&f, MAC_IN_DST, MAC_IN_SRC, ETHERTYPE_MPLS);
	put_lse(&f, 100, 0, 1, 64); put_ipv4(&f, 30);
	f.b[18] = 0x4f;
	f.len = 18 + 24;
	expect_drop(fx, &f, RL_C_bad_payload);

	assert_int_equal(ctr_get(&fx->eng.ctr[RL_C_tx_packets]), 0);
}

static void
test_no_config(void **state)
{
	struct fixture *fx = *state;
	struct frame f = { .len = 0 };

	put_eth(&f, MAC_IN_DST, MAC_IN_SRC, ETHERTYPE_MPLS);
	put_lse(&f, 100, 0, 1, 64);
	put_ipv4(&f, 30);
	expect_drop(fx, &f, RL_C_no_config);
	assert_int_equal(rl_engine_gen(&fx->eng), 0);
}

static void
test_apply_rejects(void **state)
{
	struct fixture *fx = *state;
	struct rlconf c;
	char err[256];

	apply(fx, CONF_BASE "op=swap in-label=100 out-label=200");
	/* Same generation again: stale. */
	assert_int_equal(rlconf_parse(&c, "gen=1 op=swap in-label=100 "
	    "out-label=300 " CONF_BASE, err, sizeof(err)), 0);
	assert_int_equal(rl_engine_apply(&fx->eng, &c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "gen"));
	/* Invalid as a whole: pop with an out-label. */
	c.gen = 5;
	c.op = RL_OP_POP;
	assert_int_equal(rl_engine_apply(&fx->eng, &c, err, sizeof(err)), -1);
	assert_int_equal(rl_engine_gen(&fx->eng), 1);
}

/*
 * Every prefix of valid frames, in a buffer allocated to exactly that size
 * after the headroom, through the stages: each is dropped with a reason or
 * forwarded, and the sanitizer build catches any byte read past the end.
 */
static unsigned
stages(const struct rlconf *c, const struct frame *f, size_t n)
{
	struct pkt p;
	uint8_t *buf;
	unsigned r;

	buf = malloc(PKT_HEADROOM + n + 1);
	assert_non_null(buf);
	pkt_init(&p, buf, (uint32_t)(PKT_HEADROOM + n));
	memcpy(p.data, f->b, n);
	p.len = (uint32_t)n;
	if ((r = rl_strip(&p)) == RL_PASS && (r = rl_mpls(c, &p)) == RL_PASS)
		r = rl_encap(c, &p);
	free(buf);
	return r;
}

static void
test_truncations(void **state)
{
	static const char *const ops[] = {
		"gen=1 " CONF_BASE "op=swap in-label=100 out-label=200/300",
		"gen=1 " CONF_BASE "op=pop in-label=100",
		"gen=1 " CONF_BASE "op=push in-label=100 out-label=300",
	};
	struct frame tagged = { .len = 0 }, plain = { .len = 0 };
	struct rlconf c;
	char err[256];
	size_t n, o;
	unsigned r;

	(void)state;
	/* Tagged, two labels: a pop exposes a label, not IP. */
	put_eth(&tagged, MAC_IN_DST, MAC_IN_SRC, ETHERTYPE_VLAN);
	tagged.b[tagged.len++] = 0; tagged.b[tagged.len++] = 7;
	tagged.b[tagged.len++] = 0x88; tagged.b[tagged.len++] = 0x47;
	put_lse(&tagged, 100, 0, 0, 64);
	put_lse(&tagged, 100, 0, 1, 64);
	put_ipv4(&tagged, 30);
	/* Untagged, one label: a pop exposes the IPv4 header. */
	put_eth(&plain, MAC_IN_DST, MAC_IN_SRC, ETHERTYPE_MPLS);
	put_lse(&plain, 100, 0, 1, 64);
	put_ipv4(&plain, 30);

	for (o = 0; o < sizeof(ops) / sizeof(ops[0]); o++) {
		if (rlconf_parse(&c, ops[o], err, sizeof(err)) == -1)
			fail_msg("%s", err);
		for (n = 0; n <= tagged.len; n++) {
			r = stages(&c, &tagged, n);
			if (n < 18)
				assert_int_equal(r, RL_C_runt);
			else if (n < 26)
				assert_int_equal(r, RL_C_bad_stack);
			else
				assert_int_equal(r, RL_PASS);
		}
		for (n = 0; n <= plain.len; n++) {
			r = stages(&c, &plain, n);
			if (n < 14)
				assert_int_equal(r, RL_C_runt);
			else if (n < 18)
				assert_int_equal(r, RL_C_bad_stack);
			else if (c.op == RL_OP_POP && n < 18 + 20)
				assert_int_equal(r, RL_C_bad_payload);
			else
				assert_int_equal(r, RL_PASS);
		}
	}
}

static void
test_shaper(void **state)
{
	struct fixture *fx = *state;
	struct frame f = { .len = 0 };
	struct pkt *p, *out[8];
	uint64_t t;
	unsigned i, n;

	/* 1000 B/s, room for exactly two 64-byte frames. */
	apply(fx, CONF_BASE "op=swap in-label=100 out-label=200 rate=1000 "
	    "burst=130 qlen=3");
	put_eth(&f, MAC_IN_DST, MAC_IN_SRC, ETHERTYPE_MPLS);
	put_lse(&f, 100, 0, 1, 64);
	put_ipv4(&f, 30);
	memset(f.b + f.len, 0, 64 - f.len);
	f.len = 64;
	for (i = 0; i < 6; i++) {
		p = pkt_pool_get(&fx->pool);
		assert_int_equal(pkt_load(p, f.b, f.len), 0);
		rl_engine_rx_burst(&fx->eng, &p, 1, 0);
	}
	/* qlen 3: three queued, three dropped at the tail. */
	assert_int_equal(rl_engine_queued(&fx->eng, 0), 3);
	assert_int_equal(ctr_get(&fx->eng.ctr[RL_C_queue_full]), 3);
	n = rl_engine_tx_burst(&fx->eng, 0, 0, out, 8);
	assert_int_equal(n, 2);
	for (i = 0; i < n; i++)
		pkt_pool_put(&fx->pool, out[i]);
	/* The third needs 64 - 2 bytes of refill: 62 ms at 1000 B/s. */
	t = rl_engine_next_tx(&fx->eng, 0);
	assert_int_equal(t, 62 * NSEC_PER_MSEC);
	assert_int_equal(rl_engine_tx_burst(&fx->eng, 0, t - 1, out, 8), 0);
	assert_int_equal(rl_engine_tx_burst(&fx->eng, 0, t, out, 8), 1);
	assert_int_equal(out[0]->ts, t);
	pkt_pool_put(&fx->pool, out[0]);
	assert_int_equal(rl_engine_next_tx(&fx->eng, t), UINT64_MAX);

	/* A frame bigger than the bucket can never go: dropped, not stuck. */
	memset(f.b + f.len, 0, 200);
	f.len = 200;
	assert_null(run1(fx, &f, t));
	assert_int_equal(ctr_get(&fx->eng.ctr[RL_C_oversize]), 1);
	assert_int_equal(rl_engine_queued(&fx->eng, 0), 0);
}

/* ---- a configuration swapped under a running data path ------------- */

struct race {
	struct fixture	*fx;
	atomic_int	 stop;
	_Atomic uint64_t sent;
	uint64_t	 seen_a, seen_b, mixed;
};

static void *
race_datapath(void *arg)
{
	struct race *rc = arg;
	struct fixture *fx = rc->fx;
	struct frame f = { .len = 0 };
	struct pkt *burst[RL_BURST], *out[RL_BURST];
	struct mpls_lse e;
	unsigned i, n;
	int is_a, is_b;

	put_eth(&f, MAC_IN_DST, MAC_IN_SRC, ETHERTYPE_MPLS);
	put_lse(&f, 100, 0, 1, 64);
	put_ipv4(&f, 30);
	while (!atomic_load(&rc->stop)) {
		for (i = 0; i < RL_BURST; i++) {
			burst[i] = pkt_pool_get(&fx->pool);
			(void)pkt_load(burst[i], f.b, f.len);
		}
		rl_engine_rx_burst(&fx->eng, burst, RL_BURST, 0);
		rc->sent += RL_BURST;
		while ((n = rl_engine_tx_burst(&fx->eng, 0, 0, out,
		    RL_BURST)) > 0) {
			for (i = 0; i < n; i++) {
				mpls_lse_decode(out[i]->data + 14, &e);
				is_a = e.label == 200 &&
				    memcmp(out[i]->data, MAC_NH, 6) == 0;
				is_b = e.label == 201 &&
				    memcmp(out[i]->data, MAC_NH2, 6) == 0;
				rc->seen_a += is_a;
				rc->seen_b += is_b;
				rc->mixed += !is_a && !is_b;
				pkt_pool_put(&fx->pool, out[i]);
			}
		}
	}
	return NULL;
}

static void
test_reconfig_under_traffic(void **state)
{
	struct fixture *fx = *state;
	struct race rc = { .fx = fx };
	struct rlconf a, b;
	pthread_t dp;
	char err[256];
	uint64_t gen = 0;
	int i;

	assert_int_equal(rlconf_parse(&a, "gen=1 op=swap in-label=100 "
	    "out-label=200 " CONF_BASE, err, sizeof(err)), 0);
	assert_int_equal(rlconf_parse(&b, "gen=1 op=swap in-label=100 "
	    "out-label=201 nh-mac=02:00:00:00:00:30 src-mac=02:00:00:00:00:21",
	    err, sizeof(err)), 0);
	a.gen = ++gen;
	assert_int_equal(rl_engine_apply(&fx->eng, &a, err, sizeof(err)), 0);
	assert_int_equal(pthread_create(&dp, NULL, race_datapath, &rc), 0);
	/* Swap only while frames flow, and until many bursts have seen it. */
	while (atomic_load(&rc.sent) == 0)
		sched_yield();
	for (i = 0; i < 20000 || atomic_load(&rc.sent) < 200000; i++) {
		struct rlconf *c = (i & 1) ? &a : &b;

		c->gen = ++gen;
		assert_int_equal(rl_engine_apply(&fx->eng, c, err,
		    sizeof(err)), 0);
	}
	atomic_store(&rc.stop, 1);
	assert_int_equal(pthread_join(dp, NULL), 0);

	assert_int_equal(rc.mixed, 0);
	assert_int_equal(rc.seen_a + rc.seen_b, rc.sent);
	assert_int_equal(ctr_get(&fx->eng.ctr[RL_C_tx_packets]), rc.sent);
	assert_int_equal(rl_engine_gen(&fx->eng), gen);
	assert_true(rc.sent > 0);
}

static void
test_counter_names(void **state)
{
	unsigned i, j;

	(void)state;
	for (i = 0; i < RL_C_COUNT; i++) {
		assert_non_null(rl_ctr_desc[i].name);
		assert_non_null(rl_ctr_desc[i].desc);
		for (j = 0; j < i; j++)
			assert_string_not_equal(rl_ctr_desc[i].name,
			    rl_ctr_desc[j].name);
	}
	assert_string_equal(rl_ctr_desc[RL_C_ttl_expired].name,
	    "ttl_expired");
}

#define T(f)	cmocka_unit_test_setup_teardown(f, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_swap),
		T(test_swap_stack_keeps_lower_entries),
		T(test_push),
		T(test_pop_php_ipv4_uniform),
		T(test_pop_php_ipv4_pipe),
		T(test_pop_php_ipv6),
		T(test_pop_not_bottom),
		T(test_vlan_tagged_input),
		T(test_drops),
		T(test_no_config),
		T(test_apply_rejects),
		T(test_truncations),
		T(test_shaper),
		T(test_reconfig_under_traffic),
		cmocka_unit_test(test_counter_names),
	};

	return cmocka_run_group_tests_name("engine", tests, NULL, NULL);
}
