/*
 * A port's receive side: a PACKET_MMAP ring (TPACKET_V2) on an AF_PACKET
 * socket with a classic BPF filter, so only MPLS frames are copied to us and
 * the kernel's IP stack keeps everything else.
 *
 * Why V2 frames rather than V3 blocks: a V3 block reaches user space when
 * it is full or when its retire timer fires (a millisecond or more), which
 * at low rates adds that much latency and jitter to every QoS flow -- the
 * figures QuaSAR exists to protect.  A V2 slot is ours as soon as the kernel
 * fills it, and under load poll() still returns with many slots ready, so
 * bursts (and the batching they allow) come from the load itself.
 */
#include <sys/mman.h>
#include <sys/socket.h>

#include <linux/filter.h>
#include <linux/if_ether.h>
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "demux.h"

#ifndef PACKET_IGNORE_OUTGOING
#define PACKET_IGNORE_OUTGOING	23
#endif

/*
 * EtherType 0x8847 at offset 12, or 0x8100 there and 0x8847 at 16.  The
 * kernel usually takes an 802.1Q tag off into metadata before taps see the
 * frame (so [12] already shows the inner type); the second test accepts a
 * tag left in place.  Everything else is refused before it is copied.
 */
static struct sock_filter dx_bpf[] = {
	BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 12),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ETHERTYPE_MPLS, 3, 0),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ETHERTYPE_VLAN, 0, 3),
	BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 16),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ETHERTYPE_MPLS, 0, 1),
	BPF_STMT(BPF_RET | BPF_K, 0xffffffffu),
	BPF_STMT(BPF_RET | BPF_K, 0),
};

int
dx_ring_open(struct dx_ring *r, char *err, size_t errlen)
{
	struct sock_fprog prog = {
		.len = sizeof(dx_bpf) / sizeof(dx_bpf[0]),
		.filter = dx_bpf,
	};
	struct tpacket_req req;
	int v = TPACKET_V2, one = 1;

	memset(r, 0, sizeof(*r));
	/*
	 * Protocol 0: the socket receives nothing until bind(), so no frame
	 * slips in before the filter is attached.
	 */
	r->fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (r->fd == -1) {
		snprintf(err, errlen, "socket(AF_PACKET): %s",
		    strerror(errno));
		return -1;
	}
	if (setsockopt(r->fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog,
	    sizeof(prog)) == -1) {
		snprintf(err, errlen, "SO_ATTACH_FILTER: %s", strerror(errno));
		goto fail;
	}
	if (setsockopt(r->fd, SOL_PACKET, PACKET_VERSION, &v,
	    sizeof(v)) == -1) {
		snprintf(err, errlen, "PACKET_VERSION: %s", strerror(errno));
		goto fail;
	}
	/*
	 * Frames leaving the port (our own, and routelet output the kernel
	 * redirects there) are not input.  Without this option (Linux <
	 * 4.20) they still arrive and are skipped by sll_pkttype.
	 */
	(void)setsockopt(r->fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one,
	    sizeof(one));
	memset(&req, 0, sizeof(req));
	req.tp_block_size = DX_RING_BLOCK;
	req.tp_frame_size = DX_FRAME_SIZE;
	req.tp_frame_nr = DX_RING_FRAMES;
	req.tp_block_nr = DX_RING_FRAMES / (DX_RING_BLOCK / DX_FRAME_SIZE);
	if (setsockopt(r->fd, SOL_PACKET, PACKET_RX_RING, &req,
	    sizeof(req)) == -1) {
		snprintf(err, errlen, "PACKET_RX_RING: %s", strerror(errno));
		goto fail;
	}
	r->maplen = (size_t)req.tp_block_size * req.tp_block_nr;
	r->map = mmap(NULL, r->maplen, PROT_READ | PROT_WRITE, MAP_SHARED,
	    r->fd, 0);
	if (r->map == MAP_FAILED) {
		r->map = NULL;
		snprintf(err, errlen, "mmap of the ring: %s", strerror(errno));
		goto fail;
	}
	r->frame_nr = req.tp_frame_nr;
	return 0;
fail:
	dx_ring_close(r);
	return -1;
}

int
dx_ring_bind(struct dx_ring *r, int ifindex)
{
	struct sockaddr_ll sll;

	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	/* All types, so 802.1Q-tagged MPLS is seen too; the filter picks. */
	sll.sll_protocol = htons(ETH_P_ALL);
	sll.sll_ifindex = ifindex;
	return bind(r->fd, (struct sockaddr *)&sll, sizeof(sll));
}

void
dx_ring_close(struct dx_ring *r)
{
	if (r->map != NULL)
		munmap(r->map, r->maplen);
	if (r->fd >= 0)
		close(r->fd);
	memset(r, 0, sizeof(*r));
	r->fd = -1;
}

static inline struct tpacket2_hdr *
dx_ring_slot(const struct dx_ring *r, uint32_t i)
{
	/* Blocks are whole numbers of slots, so slots are contiguous. */
	return (struct tpacket2_hdr *)(void *)(r->map +
	    (size_t)i * DX_FRAME_SIZE);
}

unsigned
dx_ring_peek(struct dx_ring *r, struct tpacket2_hdr **h, unsigned max)
{
	struct tpacket2_hdr *t;
	uint32_t i = r->head;
	unsigned n;

	for (n = 0; n < max; n++) {
		t = dx_ring_slot(r, i);
		/* Acquire: the frame's bytes are the kernel's until this. */
		if (!(__atomic_load_n(&t->tp_status, __ATOMIC_ACQUIRE) &
		    TP_STATUS_USER))
			break;
		h[n] = t;
		if (++i == r->frame_nr)
			i = 0;
	}
	return n;
}

void
dx_ring_frame(struct tpacket2_hdr *h, unsigned port, struct dx_frame *fr)
{
	const struct sockaddr_ll *sll;
	uint8_t *base = (uint8_t *)h;

	sll = (const struct sockaddr_ll *)(const void *)(base +
	    TPACKET_ALIGN(sizeof(*h)));
	fr->data = base + h->tp_mac;
	fr->len = h->tp_snaplen;
	fr->wirelen = h->tp_len;
	/* The kernel never points past the slot; guard against it anyway. */
	if (h->tp_mac >= DX_FRAME_SIZE)
		fr->len = 0;
	else if (fr->len > DX_FRAME_SIZE - h->tp_mac)
		fr->len = DX_FRAME_SIZE - h->tp_mac;
	fr->port = port;
	fr->pkttype = sll->sll_pkttype;
	fr->vlan = (h->tp_status & TP_STATUS_VLAN_VALID) != 0;
	fr->tci = h->tp_vlan_tci;
	fr->tpid = (h->tp_status & TP_STATUS_VLAN_TPID_VALID) ?
	    h->tp_vlan_tpid : ETHERTYPE_VLAN;
}

void
dx_ring_release(struct dx_ring *r, struct tpacket2_hdr **h, unsigned n)
{
	unsigned i;

	/* Release: our writes to the frames are done before the kernel's. */
	for (i = 0; i < n; i++)
		__atomic_store_n(&h[i]->tp_status, TP_STATUS_KERNEL,
		    __ATOMIC_RELEASE);
	r->head = (uint32_t)((r->head + n) % r->frame_nr);
}

uint64_t
dx_ring_drops(struct dx_ring *r)
{
	struct tpacket_stats ts;
	socklen_t len = sizeof(ts);

	/* Reading the statistics resets them: each call returns the delta. */
	if (getsockopt(r->fd, SOL_PACKET, PACKET_STATISTICS, &ts, &len) == -1)
		return 0;
	return ts.tp_drops;
}
