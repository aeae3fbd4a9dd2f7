/*
 * The MPLS operation: swap, pop or push on a frame whose Ethernet header is
 * gone, with TTL handling per RFC 3032 s2.4 and RFC 3443.  A stack whose top
 * entry is not the bottom is walked to its bottom first, within the frame,
 * so nothing after a truncated stack is ever read.
 *
 * The common case -- swap one label for one -- is a single 32-bit read and
 * write of the top entry: label replaced, TC and S kept, TTL less one.
 */
#ifndef RL_MPLSOP_H
#define RL_MPLSOP_H

#include "engine.h"
#include "ether.h"
#include "inet.h"
#include "mpls.h"

static inline void
rl_put_labels(uint8_t *at, const struct rlconf *c, const struct mpls_lse *tmpl,
    int last_bos)
{
	struct mpls_lse e = *tmpl;
	unsigned i;

	for (i = 0; i < c->n_out; i++) {
		e.label = c->out_labels[i];
		e.bos = last_bos && i == c->n_out - 1u;
		mpls_lse_encode(at + i * MPLS_LSE_LEN, &e);
	}
}

/* Exposes the payload under a bottom-of-stack pop (penultimate hop). */
static inline unsigned
rl_pop_to_ip(const struct rlconf *c, struct pkt *p, uint8_t ttl)
{
	uint8_t *ip = p->data;
	uint16_t old;

	if (p->len >= 1 && (ip[0] >> 4) == 4) {
		if (ipv4_hdr_check(ip, p->len) == -1)
			return RL_C_bad_payload;
		p->proto = ETHERTYPE_IPV4;
		if (c->ttl_mode == RL_TTL_UNIFORM) {
			old = rd16(ip + IPV4_TTL_OFF);
			ip[IPV4_TTL_OFF] = ttl;
			wr16(ip + IPV4_CSUM_OFF, inet_csum_update16(
			    rd16(ip + IPV4_CSUM_OFF), old,
			    rd16(ip + IPV4_TTL_OFF)));
		}
		return RL_PASS;
	}
	if (p->len >= IPV6_HDR_LEN && (ip[0] >> 4) == 6) {
		p->proto = ETHERTYPE_IPV6;
		if (c->ttl_mode == RL_TTL_UNIFORM)
			ip[IPV6_HLIM_OFF] = ttl;
		return RL_PASS;
	}
	return RL_C_bad_payload;
}

static inline unsigned
rl_mpls_inline(const struct rlconf *c, struct pkt *p)
{
	struct mpls_lse top, next;
	uint32_t w, grow;
	uint8_t *d;

	if (p->len < MPLS_LSE_LEN)
		return RL_C_bad_stack;
	w = mpls_rd32(p->data);
	if (!(w & MPLS_LS_S_MASK) &&
	    mpls_stack_decode(p->data, p->len, NULL, 0) < 0)
		return RL_C_bad_stack;
	if (w >> MPLS_LS_LABEL_SHIFT != c->in_label)
		return RL_C_wrong_label;
	if ((w & MPLS_LS_TTL_MASK) <= 1)
		return RL_C_ttl_expired;
	w--;		/* TTL was >= 2: no borrow into S */
	if (c->op == RL_OP_SWAP && c->n_out == 1) {
		mpls_wr32(p->data, c->out_labels[0] << MPLS_LS_LABEL_SHIFT |
		    (w & ~MPLS_LS_LABEL_MASK));
		return RL_PASS;
	}
	mpls_lse_unpack(w, &top);

	switch (c->op) {
	case RL_OP_SWAP:
		grow = (c->n_out - 1u) * MPLS_LSE_LEN;
		if ((d = pkt_push(p, grow)) == NULL)
			return RL_C_no_headroom;
		rl_put_labels(d, c, &top, top.bos);
		return RL_PASS;
	case RL_OP_PUSH:
		grow = c->n_out * MPLS_LSE_LEN;
		mpls_wr32(p->data, w);
		if ((d = pkt_push(p, grow)) == NULL)
			return RL_C_no_headroom;
		rl_put_labels(d, c, &top, 0);
		return RL_PASS;
	case RL_OP_POP:
		(void)pkt_pull(p, MPLS_LSE_LEN);
		if (top.bos)
			return rl_pop_to_ip(c, p, top.ttl);
		if (c->ttl_mode == RL_TTL_UNIFORM) {
			mpls_lse_decode(p->data, &next);
			next.ttl = top.ttl;
			mpls_lse_encode(p->data, &next);
		}
		return RL_PASS;
	case RL_OP_NONE:
		break;
	}
	return RL_C_no_config;
}

#endif
