#include <sys/mman.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <errno.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <string.h>
#include <unistd.h>

#include "io_ring.h"

#ifndef PACKET_IGNORE_OUTGOING
#define PACKET_IGNORE_OUTGOING	23
#endif

int
io_ring_prepare(struct io_ring *r, int ifindex)
{
	int one = 1;

	memset(r, 0, sizeof(*r));
	r->ifindex = ifindex;
	r->refused = 1;
	/* Protocol 0: it receives nothing until the switch binds it. */
	r->spare = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0);
	if (r->spare == -1)
		return -1;
	if (setsockopt(r->spare, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one,
	    sizeof(one)) == -1) {
		io_ring_close(r);
		r->refused = 1;
		return -1;
	}
	r->refused = 0;
	return 0;
}

static int
io_ring_map(struct io_ring *r)
{
	struct tpacket_req req;
	int v = TPACKET_V2;

	if (setsockopt(r->spare, SOL_PACKET, PACKET_VERSION, &v,
	    sizeof(v)) == -1)
		return -1;
	memset(&req, 0, sizeof(req));
	req.tp_block_size = IO_RING_BLOCK;
	req.tp_frame_size = IO_RING_FRAME;
	req.tp_frame_nr = IO_RING_FRAMES;
	req.tp_block_nr = IO_RING_FRAMES / (IO_RING_BLOCK / IO_RING_FRAME);
	if (setsockopt(r->spare, SOL_PACKET, PACKET_RX_RING, &req,
	    sizeof(req)) == -1)
		return -1;
	r->maplen = (size_t)req.tp_block_size * req.tp_block_nr;
	r->map = mmap(NULL, r->maplen, PROT_READ | PROT_WRITE, MAP_SHARED,
	    r->spare, 0);
	if (r->map == MAP_FAILED) {
		r->map = NULL;
		return -1;
	}
	return 0;
}

int
io_ring_switch(struct io_ring *r, int *sock, int *old_r)
{
	static struct sock_filter none[] = {
		BPF_STMT(BPF_RET | BPF_K, 0),
	};
	struct sock_fprog prog = { .len = 1, .filter = none };
	struct sockaddr_ll sll;
	int saved;

	if (r->refused || r->spare < 0) {
		errno = EBADF;
		return -1;
	}
	if (io_ring_map(r) == -1)
		goto fail;
	/* The old socket stops taking frames, then the ring starts. */
	if (setsockopt(*sock, SOL_SOCKET, SO_ATTACH_FILTER, &prog,
	    sizeof(prog)) == -1)
		goto fail;
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ETH_P_ALL);
	sll.sll_ifindex = r->ifindex;
	if (bind(r->spare, (struct sockaddr *)&sll, sizeof(sll)) == -1) {
		saved = errno;
		(void)setsockopt(*sock, SOL_SOCKET, SO_DETACH_FILTER, NULL, 0);
		errno = saved;
		goto fail;
	}
	*old_r = *sock;
	*sock = r->spare;
	r->spare = -1;
	return 0;
fail:
	saved = errno;
	io_ring_close(r);
	r->refused = 1;
	errno = saved;
	return -1;
}

void
io_ring_close(struct io_ring *r)
{
	if (r->map != NULL)
		munmap(r->map, r->maplen);
	if (r->spare >= 0)
		close(r->spare);
	r->map = NULL;
	r->spare = -1;
}

unsigned
io_ring_rx(struct io_ring *r, struct pkt_pool *pool, struct pkt **p,
    unsigned max, uint16_t vif, unsigned *bad_r)
{
	struct tpacket2_hdr *h;
	unsigned n = 0;

	*bad_r = 0;
	while (n < max) {
		/* Blocks are whole numbers of slots: slots are contiguous. */
		h = (struct tpacket2_hdr *)(void *)(r->map +
		    (size_t)r->head * IO_RING_FRAME);
		/* Acquire: the frame's bytes are the kernel's until this. */
		if (!(__atomic_load_n(&h->tp_status, __ATOMIC_ACQUIRE) &
		    TP_STATUS_USER))
			break;
		if (h->tp_snaplen != h->tp_len || h->tp_mac >= IO_RING_FRAME ||
		    h->tp_snaplen > IO_RING_FRAME - h->tp_mac ||
		    (p[n] = pkt_pool_get(pool)) == NULL)
			(*bad_r)++;
		else if (h->tp_snaplen > pkt_tailroom(p[n])) {
			pkt_pool_put(pool, p[n]);
			(*bad_r)++;
		} else {
			memcpy(p[n]->data, (uint8_t *)h + h->tp_mac,
			    h->tp_snaplen);
			p[n]->len = h->tp_snaplen;
			p[n]->in_vif = vif;
			n++;
		}
		/* Release: done with the slot before the kernel reuses it. */
		__atomic_store_n(&h->tp_status, TP_STATUS_KERNEL,
		    __ATOMIC_RELEASE);
		if (++r->head == IO_RING_FRAMES)
			r->head = 0;
	}
	return n;
}
