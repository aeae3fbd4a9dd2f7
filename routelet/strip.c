/* Strip: takes the Ethernet header (and one 802.1Q tag) off an MPLS frame. */
#include "engine.h"
#include "ether.h"

unsigned
rl_strip(struct pkt *p)
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
