/*
 * The routelet engine's receive path (routelet/engine.c) on whatever a
 * VIF hands it: strip, the label operation, encap, the shaper, then the
 * transmit side draining every queue.
 *
 * Input: a configuration drawn from the first bytes (op swap, pop or push
 * with one to four labels, TTL mode, output VIF, rate, burst, queue
 * length; the in-label is 100 or the input's), then bursts: a count byte,
 * then per frame a length byte and its bytes (a frame continues with the
 * frame before's bytes past the input, so long frames are reachable).
 *
 * Each frame's buffer is poisoned for ASan past its end, so any read or
 * write beyond the bytes received is a crash, not a quiet look into the
 * buffer's leftovers.
 *
 * Invariants: every frame is queued or counted in exactly one drop
 * counter; what leaves is a well-formed Ethernet frame from our MAC to the
 * next hop with no more bytes than went in plus the labels pushed; no
 * buffer is lost.
 */
#include <inttypes.h>
#include <sanitizer/asan_interface.h>

#include "engine.h"
#include "fuzz.h"
#include "mpls.h"

#define POOL	256

static struct pkt_pool pool;
static struct rl_engine eng;
static uint8_t last[PKT_MAXFRAME];

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (pkt_pool_init(&pool, POOL) == -1)
		abort();
	return 0;
}

static void
conf_from(struct fz *f, struct rlconf *c)
{
	uint8_t b = fz_u8(f);
	unsigned i;

	rlconf_init(c);
	c->gen = 1;
	c->op = (enum rl_op)(1 + b % 3);
	c->ttl_mode = (b >> 2) & 1 ? RL_TTL_PIPE : RL_TTL_UNIFORM;
	c->in_label = (b >> 3) & 1 ? 16 + fz_u32(f) % (MPLS_LABEL_MAX - 15) :
	    100;
	if (c->op != RL_OP_POP) {
		c->n_out = (uint8_t)(1 + (b >> 4) % RLCONF_MAX_LABELS);
		for (i = 0; i < c->n_out; i++)
			c->out_labels[i] = fz_u32(f) & MPLS_LABEL_MAX;
		c->set |= 1u << RLCONF_K_OUT_LABEL;
	}
	memcpy(c->nh_mac, "\x02\x00\x00\x00\x00\x20", 6);
	memcpy(c->src_mac, "\x02\x00\x00\x00\x00\x21", 6);
	c->out_vif = (uint16_t)(fz_u8(f) % RLCONF_MAX_VIFS);
	if (b & 0x40) {
		c->rate = fz_u32(f);
		c->burst = fz_u16(f) * 4u;
		c->set |= 1u << RLCONF_K_RATE | 1u << RLCONF_K_BURST;
	}
	if (b & 0x80) {
		c->qlen = 1 + fz_u8(f) % RLCONF_QLEN_MAX;
		c->set |= 1u << RLCONF_K_QLEN;
	}
	c->set |= 1u << RLCONF_K_GEN | 1u << RLCONF_K_OP |
	    1u << RLCONF_K_IN_LABEL | 1u << RLCONF_K_TTL_MODE |
	    1u << RLCONF_K_NH_MAC | 1u << RLCONF_K_SRC_MAC |
	    1u << RLCONF_K_OUT_VIF;
}

static uint64_t
drops(void)
{
	uint64_t s = 0;
	unsigned i;

	for (i = RL_C_runt; i < RL_C_COUNT; i++)
		s += ctr_get(&eng.ctr[i]);
	return s;
}

static void
check_out(const struct rlconf *c, struct pkt *p)
{
	FZ_CHECK(p->len >= ETHER_HDR_LEN, "%u-byte frame out", p->len);
	FZ_CHECK(memcmp(p->data, c->nh_mac, 6) == 0 &&
	    memcmp(p->data + 6, c->src_mac, 6) == 0, "wrong MACs");
	FZ_CHECK(p->len <= PKT_MAXFRAME + MPLS_LSE_LEN * RLCONF_MAX_LABELS,
	    "%u bytes out", p->len);
}

static unsigned
drain(const struct rlconf *c, uint64_t now)
{
	struct pkt *out[RL_BURST];
	unsigned v, n, i, sent = 0;

	for (v = 0; v < RLCONF_MAX_VIFS; v++)
		while ((n = rl_engine_tx_burst(&eng, v, now, out,
		    RL_BURST)) > 0) {
			for (i = 0; i < n; i++) {
				check_out(c, out[i]);
				ASAN_UNPOISON_MEMORY_REGION(out[i]->buf,
				    out[i]->bufsz);
				pkt_pool_put(&pool, out[i]);
			}
			sent += n;
		}
	return sent;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = { data, size };
	struct pkt *burst[RL_BURST], *p;
	struct rlconf c;
	char err[256];
	const uint8_t *q;
	uint64_t now = 1000000000ull, in = 0, queued = 0, sent = 0;
	size_t n, want;
	unsigned nb, i;

	if (rl_engine_init(&eng, &pool) == -1)
		abort();
	conf_from(&f, &c);
	if (rl_engine_apply(&eng, &c, err, sizeof(err)) == -1)
		goto out;
	while (fz_left(&f) > 0) {
		nb = 1 + fz_u8(&f) % RL_BURST;
		for (i = 0; i < nb && fz_left(&f) > 0; i++) {
			if ((p = pkt_pool_get(&pool)) == NULL)
				break;
			/* a frame the engine dropped came back poisoned */
			ASAN_UNPOISON_MEMORY_REGION(p->buf, p->bufsz);
			want = fz_u8(&f);
			if (want == 255)
				want = fz_u16(&f) % PKT_MAXFRAME;
			q = fz_take(&f, want, &n);
			memcpy(last, q, n);
			(void)pkt_load(p, last, want);
			ASAN_POISON_MEMORY_REGION(p->data + p->len,
			    p->bufsz - pkt_headroom(p) - p->len);
			burst[i] = p;
		}
		nb = i;
		queued += rl_engine_rx_burst(&eng, burst, nb, now);
		in += nb;
		FZ_CHECK(ctr_get(&eng.ctr[RL_C_rx_packets]) == in &&
		    queued + drops() == in, "%" PRIu64 " in, %" PRIu64
		    " queued, %" PRIu64 " dropped", in, queued, drops());
		now += 1000000;
		sent += drain(&c, now);
	}
	sent += drain(&c, now + 3600ull * 1000000000ull);
	FZ_CHECK(sent <= queued, "%" PRIu64 " sent of %" PRIu64, sent,
	    queued);
out:
	rl_engine_destroy(&eng);
	ASAN_UNPOISON_MEMORY_REGION(pool.mem, (size_t)POOL * PKT_BUFSZ);
	FZ_CHECK(pool.nfree == pool.size, "%u buffers lost",
	    pool.size - pool.nfree);
	return 0;
}
