/*
 * A routelet VIF's receive ring (PACKET_MMAP, TPACKET_V2), taken on once
 * the VIF carries traffic.
 *
 * recvmmsg() costs the routelet's CPU a copy out of an skb, the skb's free
 * and the call itself for every frame; with a ring the kernel copies the
 * frame into shared memory in the softirq that received it -- with dom0's
 * XDP classifier, on the CPU the frame came in on, not the routelet's --
 * and the routelet reads the slots with no system call at all.  A full
 * ring refuses frames before anything is spent on them.
 *
 * The ring is memory for as long as it exists (IO_RING_FRAMES slots of
 * IO_RING_FRAME bytes), so a VIF gets one only once its load fills a whole
 * receive burst: the paused routelets of the pool, and VIFs that carry a
 * trickle or nothing, have none.  Putting a ring on a
 * socket that is receiving would stop it receiving for an RCU grace period
 * (milliseconds), so the ring goes on a second socket made beforehand,
 * while the routelet could still make sockets; the switch stops the first
 * socket with a filter, binds the second, and the caller reads what the
 * first had queued before anything from the ring.  The frames lost to it
 * are those that arrive during one bind(), against none or a few.
 */
#ifndef RL_IO_RING_H
#define RL_IO_RING_H

#include <stddef.h>
#include <stdint.h>

#include "pkt.h"

#define IO_RING_FRAME	2048u	/* a 1500-byte-MTU frame, labels, header */
#define IO_RING_BLOCK	65536u
#define IO_RING_FRAMES	1024u	/* 2 MiB; ~3 ms at 300 kpps */

struct io_ring {
	int		 spare;		/* the ring's socket until the switch */
	int		 ifindex;
	uint8_t		*map;		/* NULL: no ring (yet) */
	size_t		 maplen;
	uint32_t	 head;		/* next slot to look at */
	int		 refused;	/* no ring for good: recvmmsg */
};

/*
 * Makes the spare socket for ifindex (needs CAP_NET_RAW: before the
 * privileges go).  0, or -1 with errno and r->refused set.
 */
int		io_ring_prepare(struct io_ring *r, int ifindex);
/*
 * Moves VIF reception from *sock to a ring on the spare socket: on
 * success *sock is the ring's socket (it sends as well as the old one)
 * and *old_r the old socket, which receives nothing more and is the
 * caller's to drain and close.  -1 with errno and r->refused set, *sock
 * as it was.
 */
int		io_ring_switch(struct io_ring *r, int *sock, int *old_r);
void		io_ring_close(struct io_ring *r);
/*
 * Up to max frames out of the ring into packets from pool, each marked as
 * from vif; their slots go back to the kernel at once.  *bad_r counts the
 * frames that could not be taken whole (cut to the slot, or no packet).
 */
unsigned	io_ring_rx(struct io_ring *r, struct pkt_pool *pool,
		    struct pkt **p, unsigned max, uint16_t vif,
		    unsigned *bad_r);

#endif
