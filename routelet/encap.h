/* Encap: a fresh untagged Ethernet header toward the next hop. */
#ifndef RL_ENCAP_H
#define RL_ENCAP_H

#include "engine.h"
#include "ether.h"

static inline unsigned
rl_encap_inline(const struct rlconf *c, struct pkt *p)
{
	uint8_t *h;

	if ((h = pkt_push(p, ETHER_HDR_LEN)) == NULL)
		return RL_C_no_headroom;
	ether_write(h, c->nh_mac, c->src_mac, p->proto);
	p->out_vif = c->out_vif;
	return RL_PASS;
}

#endif
