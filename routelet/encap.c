/* Encap: a fresh untagged Ethernet header toward the next hop. */
#include "engine.h"
#include "ether.h"

unsigned
rl_encap(const struct rlconf *c, struct pkt *p)
{
	uint8_t *h;

	if ((h = pkt_push(p, ETHER_HDR_LEN)) == NULL)
		return RL_C_no_headroom;
	ether_write(h, c->nh_mac, c->src_mac, p->proto);
	p->out_vif = c->out_vif;
	return RL_PASS;
}
