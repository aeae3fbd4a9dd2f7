/*
 * The burst loop and the configuration hand-over.  See engine.h for the
 * stages and for why one published pointer is enough for atomic updates.
 */
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "encap.h"
#include "engine.h"
#include "mplsop.h"
#include "shaper.h"
#include "strip.h"

const struct counter_desc rl_ctr_desc[RL_C_COUNT] = {
#define RL_CTR_DESC(n, d)	{ #n, d },
	RL_COUNTERS(RL_CTR_DESC)
#undef RL_CTR_DESC
};

int
rl_engine_init(struct rl_engine *e, struct pkt_pool *pool)
{
	unsigned v;

	memset(e, 0, sizeof(*e));
	atomic_init(&e->conf, NULL);
	atomic_init(&e->seq, 0);
	e->pool = pool;
	for (v = 0; v < RLCONF_MAX_VIFS; v++)
		if (tbf_init(&e->txq[v].tb, 0, 0, 0) == -1)
			return -1;
	for (v = 0; v < RL_C_COUNT; v++)
		atomic_init(&e->ctr[v], 0);
	return 0;
}

void
rl_engine_destroy(struct rl_engine *e)
{
	struct rl_txq *q;
	unsigned v;

	free(atomic_exchange(&e->conf, NULL));
	for (v = 0; v < RLCONF_MAX_VIFS; v++) {
		q = &e->txq[v];
		while (q->head != q->tail)
			pkt_pool_put(e->pool,
			    q->ring[q->head++ & (RL_TXQ_SIZE - 1)]);
	}
}

uint64_t
rl_engine_gen(struct rl_engine *e)
{
	struct rlconf *c = atomic_load(&e->conf);

	return c != NULL ? c->gen : 0;
}

int
rl_engine_apply(struct rl_engine *e, const struct rlconf *c, char *err,
    size_t errlen)
{
	struct rlconf *nc, *old;
	uint64_t s, cur;

	if (rlconf_validate(c, err, errlen) == -1)
		return -1;
	if ((cur = rl_engine_gen(e)) >= c->gen) {
		snprintf(err, errlen, "gen: %llu is not above the current %llu",
		    (unsigned long long)c->gen, (unsigned long long)cur);
		return -1;
	}
	if ((nc = malloc(sizeof(*nc))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	*nc = *c;
	old = atomic_exchange(&e->conf, nc);
	/*
	 * A burst that started before the exchange may still hold old.  Wait
	 * for it to end; a burst that starts later loads nc.
	 */
	s = atomic_load(&e->seq);
	if (s & 1)
		while (atomic_load(&e->seq) == s)
			sched_yield();
	free(old);
	return 0;
}

unsigned
rl_engine_rx_burst(struct rl_engine *e, struct pkt **pkts, unsigned n,
    uint64_t now)
{
	struct rlconf *c;
	struct pkt *p;
	unsigned i, r, queued = 0;
	uint64_t bytes = 0;

	atomic_fetch_add(&e->seq, 1);
	c = atomic_load(&e->conf);
	if (c != NULL && c->gen != e->seen_gen) {
		/* Validated at apply: tbf_set cannot fail here. */
		(void)tbf_set(&e->txq[c->out_vif].tb, c->rate, c->burst, now);
		e->seen_gen = c->gen;
	}
	for (i = 0; i < n; i++) {
		p = pkts[i];
		bytes += p->len;
		if (c == NULL)
			r = RL_C_no_config;
		else if ((r = rl_strip_inline(p)) == RL_PASS &&
		    (r = rl_mpls_inline(c, p)) == RL_PASS &&
		    (r = rl_encap_inline(c, p)) == RL_PASS)
			r = rl_shape_inline(e, c, p);
		if (r != RL_PASS) {
			ctr_add(&e->ctr[r], 1);
			pkt_pool_put(e->pool, p);
		} else
			queued++;
	}
	atomic_fetch_add(&e->seq, 1);
	ctr_add(&e->ctr[RL_C_rx_packets], n);
	ctr_add(&e->ctr[RL_C_rx_bytes], bytes);
	return queued;
}

/* The stages one by one, for tests and for tools that run a single stage. */
unsigned
rl_strip(struct pkt *p)
{
	return rl_strip_inline(p);
}

unsigned
rl_mpls(const struct rlconf *c, struct pkt *p)
{
	return rl_mpls_inline(c, p);
}

unsigned
rl_encap(const struct rlconf *c, struct pkt *p)
{
	return rl_encap_inline(c, p);
}

unsigned
rl_shape(struct rl_engine *e, const struct rlconf *c, struct pkt *p)
{
	return rl_shape_inline(e, c, p);
}
