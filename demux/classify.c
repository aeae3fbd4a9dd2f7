/*
 * The per-frame decision: is it ours (addressed to us, MPLS, a sane label
 * stack), and then routelet, best effort or drop.
 *
 * The whole stack is walked to its bottom within the captured bytes before
 * anything is looked up, even for frames that go to a routelet unchanged: a
 * bad frame dies here, once, instead of in the routelet and its CPU share,
 * and nothing past the frame's end is ever read.
 */
#include <arpa/inet.h>
#include <limits.h>

#include "demux.h"

/*
 * The frame as it came in.  If the kernel took an 802.1Q tag off into
 * metadata, the tag goes back between the MACs and the EtherType: a
 * routelet gets the frame exactly as the port did.
 */
static void
dx_msg_unchanged(const struct dx_frame *fr, struct dx_txmsg *m, int ifindex)
{
	m->sll.sll_ifindex = ifindex;
	m->port = -1;
	m->len = fr->len;
	if (!fr->vlan) {
		m->sll.sll_protocol = htons(rd16(fr->data + 12));
		m->iov[0].iov_base = fr->data;
		m->iov[0].iov_len = fr->len;
		m->niov = 1;
		return;
	}
	wr16(m->hdr, fr->tpid);
	wr16(m->hdr + 2, fr->tci);
	m->sll.sll_protocol = htons(fr->tpid);
	m->iov[0].iov_base = fr->data;
	m->iov[0].iov_len = 2 * ETHER_ADDR_LEN;
	m->iov[1].iov_base = m->hdr;
	m->iov[1].iov_len = 4;
	m->iov[2].iov_base = fr->data + 2 * ETHER_ADDR_LEN;
	m->iov[2].iov_len = fr->len - 2 * ETHER_ADDR_LEN;
	m->niov = 3;
	m->len += 4;
}

unsigned
dx_classify(const struct dx_fwd *f, struct dx_frame *fr, struct dx_txmsg *m,
    uint32_t *label_r)
{
	struct belfib_entry e;
	struct ether_info ei;
	struct mpls_lse top;
	int64_t vif;
	uint32_t room;
	uint8_t *lse;
	int rc;

	*label_r = UINT32_MAX;
	/* A router takes unicast frames for its own MAC only. */
	if (fr->pkttype == PACKET_OTHERHOST)
		return DXS_C_other_host;
	if (fr->len < fr->wirelen)
		return DXS_C_oversize;
	if (ether_parse(fr->data, fr->len, &ei) == -1)
		return DXS_C_runt;
	/*
	 * One 802.1Q tag at most: in the frame or in the metadata, not both,
	 * and not an 802.1ad service tag.
	 */
	if (ei.type != ETHERTYPE_MPLS ||
	    (fr->vlan && (ei.vlan || fr->tpid != ETHERTYPE_VLAN)))
		return DXS_C_not_mpls;
	lse = fr->data + ei.hlen;
	room = fr->len - ei.hlen;
	if (mpls_stack_decode(lse, room, &top, 1) < 0)
		return DXS_C_bad_stack;
	*label_r = top.label;
	/* Explicit NULL, Router Alert, ...: not in either table, by rule. */
	if (mpls_label_reserved(top.label))
		return DXS_C_reserved_label;

	if ((vif = ltable_lookup(f->lt, top.label)) >= 0) {
		if (vif == 0 || vif > INT_MAX)
			return DXS_C_bad_vif;
		dx_msg_unchanged(fr, m, (int)vif);
		return DXS_C_to_routelet;
	}
	rc = belfib_lookup(f->be, top.label, &e);
	if (rc == BELFIB_EBUSY)
		return DXS_C_be_busy;
	if (rc != BELFIB_OK)
		return DXS_C_no_route;
	/*
	 * The table is a file another process writes: an entry that
	 * belfib_set() would have refused (a reserved or too wide out-label,
	 * a multicast next hop, an unknown op or flags) is not followed.
	 */
	if (belfib_check(top.label, &e) != BELFIB_OK)
		return DXS_C_be_bad_entry;
	return dx_belswitch(f, &e, &top, lse, room, m);
}
