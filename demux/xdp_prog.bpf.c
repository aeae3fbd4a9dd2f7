/*
 * The demux's classification in the kernel: an XDP program on each of the
 * router's ports (clang -target bpf; loaded by demux/xdp.c).
 *
 * It takes only the frames it can decide alone, and only the decision the
 * user-space demux would take for them: a unicast MPLS frame to the port's
 * own MAC, untagged, whose label stack ends within the frame, whose top
 * label is not reserved and is in dx_labels goes to that routelet VIF
 * (XDP_REDIRECT), unchanged.  Everything else is XDP_PASS and meets the
 * kernel exactly as without this program: MPLS frames reach quasar-demux's
 * ring (best effort, drops and their counters, 802.1Q), the rest the IP
 * stack.  A label is in dx_labels only once its routelet has acknowledged
 * its configuration, and only if its VIF takes XDP frames (src/lmap.h).
 *
 * Counters are per CPU (dx_counts, index DX_XDP_*), summed by the demux
 * into demux.stats once a second.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "xdp_abi.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, DX_XDP_LABELS);
	__type(key, __u32);
	__type(value, __u32);		/* VIF ifindex; 0: not here */
} dx_labels SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, DX_XDP_PORTS);
	__type(key, __u32);		/* ifindex */
	__type(value, struct dx_xdp_port);
} dx_ports SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, DX_XDP_NCOUNT);
	__type(key, __u32);
	__type(value, __u64);
} dx_counts SEC(".maps");

static __always_inline int
dx_count(__u32 what, int verdict)
{
	__u64 *c = bpf_map_lookup_elem(&dx_counts, &what);

	if (c != 0)
		*c += 1;
	return verdict;
}

static __always_inline int
dx_mac_eq(const __u8 *a, const __u8 *b)
{
	return a[0] == b[0] && a[1] == b[1] && a[2] == b[2] &&
	    a[3] == b[3] && a[4] == b[4] && a[5] == b[5];
}

SEC("xdp")
int
dx_xdp(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	const struct dx_xdp_port *port;
	const struct ethhdr *eh = data;
	const __u32 *lse;
	__u32 ifindex = ctx->ingress_ifindex, label, *vif, i, w;

	if ((void *)(eh + 1) > end)
		return dx_count(DX_XDP_PASS_OTHER, XDP_PASS);
	if (eh->h_proto != bpf_htons(ETH_P_MPLS_UC))
		return dx_count(DX_XDP_PASS_NOT_MPLS, XDP_PASS);
	/* A slot of the demux's ring could not hold it: let it judge. */
	if (end - data > DX_XDP_MAX_FRAME)
		return dx_count(DX_XDP_PASS_OTHER, XDP_PASS);
	port = bpf_map_lookup_elem(&dx_ports, &ifindex);
	if (port == 0 || !dx_mac_eq(eh->h_dest, port->mac))
		return dx_count(DX_XDP_PASS_OTHER, XDP_PASS);

	/* The stack must end within the frame, as the demux checks. */
	lse = (const __u32 *)(eh + 1);
	if ((void *)(lse + 1) > end)
		return dx_count(DX_XDP_PASS_OTHER, XDP_PASS);
	label = bpf_ntohl(lse[0]) >> 12;
	for (i = 0; i < DX_XDP_MAX_STACK; i++) {
		if ((void *)(lse + i + 1) > end)
			return dx_count(DX_XDP_PASS_OTHER, XDP_PASS);
		w = bpf_ntohl(lse[i]);
		if (w & 0x100)		/* bottom of stack */
			break;
	}
	if (i == DX_XDP_MAX_STACK || label < 16)
		return dx_count(DX_XDP_PASS_OTHER, XDP_PASS);

	vif = bpf_map_lookup_elem(&dx_labels, &label);
	if (vif == 0 || *vif == 0 || *vif > 0x7fffffff)
		return dx_count(DX_XDP_PASS_MISS, XDP_PASS);
	dx_count(DX_XDP_TO_ROUTELET, 0);
	return bpf_redirect(*vif, 0);
}

char LICENSE[] SEC("license") = "GPL";
