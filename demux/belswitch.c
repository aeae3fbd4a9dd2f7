/*
 * The best-effort label switch (the paper's Q-BE path): one swap or pop on
 * the top entry, TTL per RFC 3032 s2.4 and the uniform model of RFC 3443,
 * a new Ethernet header toward the next hop, out of the entry's port.
 *
 * The label stack is rewritten in place in the receive ring; the new
 * Ethernet header is written into the message's own buffer and sent in
 * front of it (see struct dx_txmsg), so a pop, which moves the start of the
 * frame, costs no copy either.  The output frame is untagged: a tag names a
 * VLAN on the input link, not on the output one.
 */
#include <arpa/inet.h>

#include "demux.h"
#include "inet.h"

/* Penultimate-hop pop: expose the IP packet, TTL copied in (uniform). */
static unsigned
dx_php(uint8_t *ip, uint32_t len, uint8_t ttl, uint16_t *type)
{
	uint16_t old;

	if (len >= 1 && (ip[0] >> 4) == 4) {
		if (ipv4_hdr_check(ip, len) == -1)
			return DXS_C_bad_payload;
		old = rd16(ip + IPV4_TTL_OFF);
		ip[IPV4_TTL_OFF] = ttl;
		/* RFC 1624: fix the checksum for the one word we changed. */
		wr16(ip + IPV4_CSUM_OFF, inet_csum_update16(rd16(ip +
		    IPV4_CSUM_OFF), old, rd16(ip + IPV4_TTL_OFF)));
		*type = ETHERTYPE_IPV4;
		return DXS_C_to_besteffort;
	}
	if (len >= IPV6_HDR_LEN && (ip[0] >> 4) == 6) {
		ip[IPV6_HLIM_OFF] = ttl;	/* no header checksum in v6 */
		*type = ETHERTYPE_IPV6;
		return DXS_C_to_besteffort;
	}
	return DXS_C_bad_payload;
}

unsigned
dx_belswitch(const struct dx_fwd *f, const struct belfib_entry *e,
    const struct mpls_lse *top_in, uint8_t *lse, uint32_t room,
    struct dx_txmsg *m)
{
	const struct dx_port *out;
	struct mpls_lse top = *top_in, next;
	uint16_t type = ETHERTYPE_MPLS;
	uint8_t *start = lse;
	unsigned rc;

	if (e->port >= f->nports)
		return DXS_C_bad_port;
	if (top.ttl <= 1)
		return DXS_C_ttl_expired; /* no ICMP from dom0's BE path */
	top.ttl--;

	switch (e->op) {
	case BELFIB_OP_SWAP:
		top.label = e->out_label;	/* TC and S stay */
		mpls_lse_encode(lse, &top);
		break;
	case BELFIB_OP_POP:
		start = lse + MPLS_LSE_LEN;
		room -= MPLS_LSE_LEN;	/* the stack walk saw this entry */
		if (top.bos) {
			rc = dx_php(start, room, top.ttl, &type);
			if (rc != DXS_C_to_besteffort)
				return rc;
			break;
		}
		/* Not the bottom: the walk saw the next entry whole. */
		mpls_lse_decode(start, &next);
		next.ttl = top.ttl;
		mpls_lse_encode(start, &next);
		break;
	default:
		/* belfib_lookup returns only swap or pop; be strict anyway. */
		return DXS_C_no_route;
	}

	out = &f->ports[e->port];
	ether_write(m->hdr, e->nh_mac, ether_addr_is_zero(e->src_mac) ?
	    out->mac : e->src_mac, type);
	m->iov[0].iov_base = m->hdr;
	m->iov[0].iov_len = ETHER_HDR_LEN;
	m->iov[1].iov_base = start;
	m->iov[1].iov_len = room;
	m->niov = 2;
	m->len = ETHER_HDR_LEN + room;
	m->sll.sll_ifindex = out->ifindex;
	m->sll.sll_protocol = htons(type);
	m->port = (int)e->port;
	return DXS_C_to_besteffort;
}
