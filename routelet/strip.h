/*
 * Strip: takes the Ethernet header (and one 802.1Q tag) off an MPLS frame.
 * Inline, like every stage, so the burst loop in engine.c compiles into one
 * straight run per frame; engine.c also exports it for the tests.
 */
#ifndef RL_STRIP_H
#define RL_STRIP_H

#include "engine.h"
#include "ether.h"

static inline unsigned
rl_strip_inline(struct pkt *p)
{
	struct ether_info ei;

	if (ether_parse(p->data, p->len, &ei) == -1)
		return RL_C_runt;
	if (ei.type != ETHERTYPE_MPLS)
		return RL_C_not_mpls;
	(void)pkt_pull(p, ei.hlen);	/* ether_parse checked len >= hlen */
	p->proto = ETHERTYPE_MPLS;
	return RL_PASS;
}

#endif
