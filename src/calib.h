/*
 * What one frame costs a routelet in CPU on this machine: the per-packet
 * figure admission multiplies a flow's worst-case packet rate by
 * (admit.h).  quasard measures it at start-up unless it is configured.
 *
 * The measurement runs the real forwarding path.  A throw-away domain
 * (id CALIB_DOM_ID, which the pool never gives out) is made through the
 * backend like any routelet -- its own network namespace and cgroup (or
 * Xen domain), veth (or netback) VIFs, its routelet process configured
 * over the real control channel -- with a swap LSP from VIF 0 to its last
 * VIF, a transmit limit on that VIF far above the test's rate, and its
 * egress closed.  dom0 sends CALIB_FRAMES MPLS frames into VIF 0, one
 * every 1/CALIB_RATE s, and counts them back at the last VIF's dom0 end: a
 * packet socket there sees a frame before the closed egress drops it, so
 * nothing leaves by a port.  The frames go in CALIB_ROUNDS rounds; a
 * round's figure is the domain's CPU time over it (backend cpu_time)
 * divided by the frames that came back, and the result is the median
 * round, so that a moment of someone else's load (a cache flushed, a
 * page fault) does not become every flow's share.
 *
 * Why one frame at a time at a modest rate, not a burst at saturation:
 * the share admission gives a flow must keep up with it at the rates LSPs
 * really run at, hundreds to tens of thousands of frames a second, and at
 * those rates frames reach a routelet one by one: each wakes it, is
 * polled, received, forwarded and sent on its own, so the wake-up and two
 * system calls are paid per frame and dominate what the engine does.  At
 * saturation they are shared by a burst of up to RL_BURST frames and the
 * per-frame cost falls several-fold; a share computed from that would be
 * too small for the flows admission admits, and a routelet short of CPU
 * catches up only by queueing -- delay, then loss -- which is what the
 * reservation promised not to happen.  The unbatched cost is the larger
 * one, so for a fast flow it errs on the side of refusing early; and a
 * routelet that falls behind starts batching and costs less per frame,
 * so the figure bounds what the share must hold.
 *
 * Frames the kernel itself sends on a fresh link (IPv6 neighbour
 * discovery) may also wake the routelet during the run; they are few and
 * counted in its CPU but not in the frames, which errs the same way.
 *
 * It takes about CALIB_FRAMES / CALIB_RATE s plus one domain's creation
 * and teardown (tens of ms for a local routelet; a Xen domain boots for
 * about a second), and never more than CALIB_BUDGET_MS once the domain
 * runs.
 */
#ifndef Q_CALIB_H
#define Q_CALIB_H

#include <stdint.h>

#include "backend.h"
#include "nl.h"

/* The highest id the VIF names and MACs hold (nl.h); the pool wraps its
 * ids long before it. */
#define CALIB_DOM_ID	QNL_ID_MAX
#define CALIB_RATE	2000		/* frames/s: a routelet idles between */
#define CALIB_ROUNDS	7
#define CALIB_ROUND_FRAMES 40
#define CALIB_FRAMES	(CALIB_ROUNDS * CALIB_ROUND_FRAMES)
#define CALIB_WARMUP	20		/* sent first, not measured */
#define CALIB_FRAME_LEN	100		/* bytes, Ethernet header included */
#define CALIB_BUDGET_MS	600		/* from unpause to the last frame */
/*
 * What quasard assumes when the measurement fails: above the 12-18 us a
 * frame that a local routelet costs at 1000-4000 frames/s on the
 * development VM (its process's CPU over 5 s), so a router that could not
 * measure gives each flow at least the share it needs.
 */
#define CALIB_DEFAULT_NS 20000

struct calib_res {
	uint32_t	per_frame_ns;	/* 0 if it failed */
	unsigned	rate;		/* frames/s sent */
	unsigned	sent, back;	/* measured frames, and those forwarded */
	uint64_t	cpu_ns;		/* the domain's CPU time over them */
	uint32_t	min_ns, max_ns;	/* the cheapest and dearest round */
	uint64_t	took_ns;	/* the whole calibration */
	char		why[200];	/* why it failed */
};

/*
 * Measures with a domain of nvifs VIFs (the pool's routelets have one per
 * port; 1 to RLCONF_MAX_VIFS) made on be, and destroys it again.  0, or
 * -1 with the reason in res->why (the backend logs its own details).
 */
int	calib_run(struct backend *be, unsigned nvifs, struct calib_res *res);

#endif
