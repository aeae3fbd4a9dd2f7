/*
 * Shaper, dequeue side: a frame waits in its VIF's queue (shaper.h) until
 * the VIF's token bucket holds its length.  This is the routelet's own hold on its reservation; the platform's
 * limit on the VIF (tc, or Xen's netback credit) is the one it cannot lift.
 */
#include "shaper.h"

unsigned
rl_engine_tx_burst(struct rl_engine *e, unsigned vif, uint64_t now,
    struct pkt **out, unsigned max)
{
	struct rl_txq *q;
	struct pkt *p;
	unsigned n = 0;
	uint64_t bytes = 0;

	if (vif >= RLCONF_MAX_VIFS)
		return 0;
	q = &e->txq[vif];
	if (q->tb.rate == 0) {
		/* Unlimited: no bucket to ask. */
		while (n < max && q->head != q->tail) {
			p = q->ring[q->head++ & RL_TXQ_MASK];
			p->ts = now;
			bytes += p->len;
			out[n++] = p;
		}
	}
	while (n < max && q->head != q->tail) {
		p = q->ring[q->head & RL_TXQ_MASK];
		if (q->tb.rate != 0 && p->len > q->tb.burst) {
			/* The burst shrank under it: it can never go. */
			q->head++;
			ctr_add(&e->ctr[RL_C_oversize], 1);
			pkt_pool_put(e->pool, p);
			continue;
		}
		if (!tbf_take(&q->tb, p->len, now))
			break;
		q->head++;
		p->ts = now;
		bytes += p->len;
		out[n++] = p;
	}
	ctr_add(&e->ctr[RL_C_tx_packets], n);
	ctr_add(&e->ctr[RL_C_tx_bytes], bytes);
	return n;
}

unsigned
rl_engine_queued(const struct rl_engine *e, unsigned vif)
{
	if (vif >= RLCONF_MAX_VIFS)
		return 0;
	return e->txq[vif].tail - e->txq[vif].head;
}

uint64_t
rl_engine_next_tx(struct rl_engine *e, uint64_t now)
{
	struct rl_txq *q;
	uint64_t best = UINT64_MAX, w;
	unsigned v;

	for (v = 0; v < RLCONF_MAX_VIFS; v++) {
		q = &e->txq[v];
		if (q->head == q->tail)
			continue;
		w = tbf_wait(&q->tb, q->ring[q->head & RL_TXQ_MASK]->len, now);
		if (w == UINT64_MAX)
			w = 0;		/* due now: tx_burst drops it */
		if (now + w < best)
			best = now + w;
	}
	return best;
}
