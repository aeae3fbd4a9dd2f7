/*
 * Shaper, enqueue side: one FIFO per output VIF; a full queue drops at the
 * tail.  The dequeue side, where the token bucket decides, is shaper.c.
 */
#ifndef RL_SHAPER_H
#define RL_SHAPER_H

#include "engine.h"

#define RL_TXQ_MASK	(RL_TXQ_SIZE - 1)

static inline unsigned
rl_shape_inline(struct rl_engine *e, const struct rlconf *c, struct pkt *p)
{
	struct rl_txq *q = &e->txq[p->out_vif];

	if (c->rate != 0 && p->len > c->burst)
		return RL_C_oversize;
	if (q->tail - q->head >= c->qlen)
		return RL_C_queue_full;
	q->ring[q->tail++ & RL_TXQ_MASK] = p;
	return RL_PASS;
}

#endif
