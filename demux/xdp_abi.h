/*
 * What the XDP program (xdp_prog.bpf.c) and its loader (xdp.c) agree on:
 * map sizes, the port record, the counters.  Built for both targets, so
 * kernel types only.
 */
#ifndef DX_XDP_ABI_H
#define DX_XDP_ABI_H

#include <linux/types.h>

/* dx_labels: one entry per MPLS label, as src/ltable.h. */
#define DX_XDP_LABELS		(1u << 20)
/* dx_ports: the demux's ports (DXSTATS_MAX_PORTS) with room to spare. */
#define DX_XDP_PORTS		64
/* Deeper stacks go to user space, which walks any depth. */
#define DX_XDP_MAX_STACK	16
/* Longer frames go to user space: a ring slot holds 1982 bytes. */
#define DX_XDP_MAX_FRAME	1536

struct dx_xdp_port {
	__u8	mac[6];
	__u16	pad;
};

/* dx_counts: where each frame the program saw went. */
#define DX_XDP_TO_ROUTELET	0	/* redirected to a routelet VIF */
#define DX_XDP_PASS_MISS	1	/* MPLS, label not in dx_labels */
#define DX_XDP_PASS_NOT_MPLS	2	/* not MPLS unicast: the IP stack */
#define DX_XDP_PASS_OTHER	3	/* tagged, for another MAC, bad... */
#define DX_XDP_NCOUNT		4

#endif
