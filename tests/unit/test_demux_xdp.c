/*
 * The demux's XDP program (demux/xdp_prog.bpf.c), run by the kernel on
 * frames we make (BPF_PROG_TEST_RUN), beside the user-space decision
 * (demux/classify.c) on the same frames.  The property that matters: the
 * program redirects a frame only where user space would hand it to a
 * routelet, and for every frame it is meant to take (untagged, for the
 * port's MAC, short enough, a stack of at most 16 entries) it does.
 * Loading a program needs root (CAP_BPF): as another user, skipped.
 */
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <unistd.h>

#include "testutil.h"

#include "../../demux/belswitch.c"
#include "../../demux/classify.c"

extern const unsigned char dx_xdp_obj[];
extern const unsigned char dx_xdp_obj_end[];

#define VIF_IFINDEX	77
#define LO_IFINDEX	1	/* test runs need a real ingress device */

static struct bpf_object *obj;
static int prog_fd = -1, labels_fd, ports_fd, counts_fd;
static struct ltable lt;
static struct belfib be;
static struct dx_port ports[1];
static struct dx_fwd fwd;

static const uint8_t P0[6] = { 0x02, 0, 0, 0, 1, 1 };
static const uint8_t SRC[6] = { 0x02, 0, 0, 0, 1, 2 };
static const uint8_t OTHER[6] = { 0x02, 0, 0, 0, 9, 9 };

static void
set_label(uint32_t label, uint32_t vif)
{
	assert_int_equal(ltable_set(&lt, label, vif), LTABLE_OK);
	assert_int_equal(bpf_map_update_elem(labels_fd, &label, &vif, BPF_ANY),
	    0);
}

static int
setup(void **state)
{
	struct dx_xdp_port port;
	struct belfib_entry e;
	uint32_t key = LO_IFINDEX;

	(void)state;
	if (geteuid() != 0)
		return 0;
	obj = bpf_object__open_mem(dx_xdp_obj,
	    (size_t)(dx_xdp_obj_end - dx_xdp_obj), NULL);
	assert_true(libbpf_get_error(obj) == 0);
	if (bpf_object__load(obj) != 0) {
		/* No BPF here (a container, an old kernel): nothing to run. */
		bpf_object__close(obj);
		obj = NULL;
		return 0;
	}
	prog_fd = bpf_program__fd(bpf_object__find_program_by_name(obj,
	    "dx_xdp"));
	labels_fd = bpf_object__find_map_fd_by_name(obj, "dx_labels");
	ports_fd = bpf_object__find_map_fd_by_name(obj, "dx_ports");
	counts_fd = bpf_object__find_map_fd_by_name(obj, "dx_counts");
	assert_true(prog_fd >= 0 && labels_fd >= 0 && ports_fd >= 0 &&
	    counts_fd >= 0);
	memset(&port, 0, sizeof(port));
	memcpy(port.mac, P0, 6);
	assert_int_equal(bpf_map_update_elem(ports_fd, &key, &port, BPF_ANY),
	    0);

	assert_int_equal(ltable_init(&lt), LTABLE_OK);
	assert_int_equal(belfib_init(&be), BELFIB_OK);
	memset(ports, 0, sizeof(ports));
	ports[0].ifindex = LO_IFINDEX;
	memcpy(ports[0].mac, P0, 6);
	fwd.lt = &lt;
	fwd.be = &be;
	fwd.ports = ports;
	fwd.nports = 1;
	set_label(100, VIF_IFINDEX);
	set_label(102, VIF_IFINDEX + 1);
	set_label(101, 0);		/* in neither: a miss for both */
	memset(&e, 0, sizeof(e));
	e.op = BELFIB_OP_SWAP;
	e.out_label = 400;
	memcpy(e.nh_mac, SRC, 6);
	assert_int_equal(belfib_set(&be, 300, &e), BELFIB_OK);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	if (obj == NULL)
		return 0;
	bpf_object__close(obj);
	ltable_destroy(&lt);
	belfib_destroy(&be);
	return 0;
}

static void
need_bpf(void)
{
	if (obj == NULL)
		skip();
}

/* The program's verdict on a frame arriving on lo. */
static int
xdp_run(const uint8_t *frame, size_t len)
{
	struct xdp_md md = {
		.data_end = (uint32_t)len,
		.ingress_ifindex = LO_IFINDEX,
	};
	uint8_t out[2048];
	LIBBPF_OPTS(bpf_test_run_opts, o,
	    .data_in = frame,
	    .data_size_in = (uint32_t)len,
	    .data_out = out,
	    .data_size_out = sizeof(out),
	    .ctx_in = &md,
	    .ctx_size_in = sizeof(md),
	    .repeat = 1);

	assert_int_equal(bpf_prog_test_run_opts(prog_fd, &o), 0);
	return (int)o.retval;
}

/* User space's decision on the same frame, as the ring would give it. */
static unsigned
user_run(const uint8_t *frame, size_t len)
{
	struct dx_txmsg m;
	struct dx_frame fr;
	uint32_t label;
	uint8_t *copy;
	unsigned r;

	copy = malloc(len ? len : 1);
	assert_non_null(copy);
	memcpy(copy, frame, len);
	memset(&fr, 0, sizeof(fr));
	fr.data = copy;
	fr.len = fr.wirelen = (uint32_t)len;
	if (len >= 6 && memcmp(frame, P0, 6) == 0)
		fr.pkttype = PACKET_HOST;
	else if (len >= 6 && (frame[0] & 1))
		fr.pkttype = PACKET_MULTICAST;
	else
		fr.pkttype = PACKET_OTHERHOST;
	memset(&m, 0, sizeof(m));
	r = dx_classify(&fwd, &fr, &m, &label);
	if (r == DXS_C_to_routelet)
		assert_int_equal(m.sll.sll_ifindex,
		    (int)ltable_lookup(&lt, label));
	free(copy);
	return r;
}

/* Ethernet to dst, EtherType, then n label stack entries, then pad bytes. */
static size_t
mkframe(uint8_t *f, const uint8_t *dst, uint16_t type, const uint32_t *labels,
    unsigned n, int bos, size_t pad)
{
	size_t off = 14;
	uint32_t w;
	unsigned i;

	memcpy(f, dst, 6);
	memcpy(f + 6, SRC, 6);
	f[12] = (uint8_t)(type >> 8);
	f[13] = (uint8_t)type;
	for (i = 0; i < n; i++) {
		w = labels[i] << 12 | 64;
		if (bos && i == n - 1)
			w |= 0x100;
		w = htonl(w);
		memcpy(f + off, &w, 4);
		off += 4;
	}
	memset(f + off, 0x45, pad);
	return off + pad;
}

static void
counts(uint64_t out[DX_XDP_NCOUNT])
{
	uint64_t v[512];
	uint32_t k;
	int c, ncpu = libbpf_num_possible_cpus();

	assert_true(ncpu > 0 && ncpu <= 512);
	for (k = 0; k < DX_XDP_NCOUNT; k++) {
		assert_int_equal(bpf_map_lookup_elem(counts_fd, &k, v), 0);
		out[k] = 0;
		for (c = 0; c < ncpu; c++)
			out[k] += v[c];
	}
}

static void
test_cases(void **state)
{
	static const struct {
		const char	*what;
		const uint8_t	*dst;
		uint16_t	 type;
		uint32_t	 labels[20];
		unsigned	 n;
		int		 bos;
		size_t		 pad;
		int		 verdict;
		unsigned	 user;	/* what user space says */
	} c[] = {
		{ "routelet label", P0, 0x8847, { 100 }, 1, 1, 48,
		    XDP_REDIRECT, DXS_C_to_routelet },
		{ "another routelet", P0, 0x8847, { 102 }, 1, 1, 48,
		    XDP_REDIRECT, DXS_C_to_routelet },
		{ "three labels", P0, 0x8847, { 100, 7, 9 }, 3, 1, 40,
		    XDP_REDIRECT, DXS_C_to_routelet },
		{ "sixteen labels", P0, 0x8847, { 100, 1, 2, 3, 4, 5, 6, 7,
		    8, 9, 10, 11, 12, 13, 14, 15 }, 16, 1, 0, XDP_REDIRECT,
		    DXS_C_to_routelet },
		{ "seventeen: user space walks it", P0, 0x8847, { 100, 1, 2,
		    3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 }, 17, 1, 0,
		    XDP_PASS, DXS_C_to_routelet },
		{ "best effort", P0, 0x8847, { 300 }, 1, 1, 48, XDP_PASS,
		    DXS_C_to_besteffort },
		{ "zero VIF", P0, 0x8847, { 101 }, 1, 1, 48, XDP_PASS,
		    DXS_C_bad_vif },
		{ "no route", P0, 0x8847, { 999 }, 1, 1, 48, XDP_PASS,
		    DXS_C_no_route },
		{ "reserved", P0, 0x8847, { 1 }, 1, 1, 48, XDP_PASS,
		    DXS_C_reserved_label },
		{ "no bottom", P0, 0x8847, { 100 }, 1, 0, 0, XDP_PASS,
		    DXS_C_bad_stack },
		{ "no entry", P0, 0x8847, { 0 }, 0, 0, 0, XDP_PASS,
		    DXS_C_bad_stack },
		{ "another MAC", OTHER, 0x8847, { 100 }, 1, 1, 48, XDP_PASS,
		    DXS_C_other_host },
		{ "multicast MPLS", P0, 0x8848, { 100 }, 1, 1, 48, XDP_PASS,
		    DXS_C_not_mpls },
		{ "802.1Q", P0, 0x8100, { 0 }, 0, 0, 60, XDP_PASS,
		    DXS_C_not_mpls },
		{ "IPv4", P0, 0x0800, { 0 }, 0, 0, 60, XDP_PASS,
		    DXS_C_not_mpls },
		{ "long: user space judges", P0, 0x8847, { 100 }, 1, 1, 1600,
		    XDP_PASS, DXS_C_to_routelet },
	};
	uint8_t f[2048];
	uint64_t b[DX_XDP_NCOUNT], a[DX_XDP_NCOUNT];
	unsigned i, redirects = 0;
	size_t len;

	(void)state;
	need_bpf();
	counts(b);
	for (i = 0; i < nitems(c); i++) {
		len = mkframe(f, c[i].dst, c[i].type, c[i].labels, c[i].n,
		    c[i].bos, c[i].pad);
		if (xdp_run(f, len) != c[i].verdict)
			fail_msg("%s: XDP verdict %d, want %d", c[i].what,
			    xdp_run(f, len), c[i].verdict);
		if (user_run(f, len) != c[i].user)
			fail_msg("%s: user space %u, want %u", c[i].what,
			    user_run(f, len), c[i].user);
		redirects += c[i].verdict == XDP_REDIRECT;
	}
	counts(a);
	assert_int_equal(a[DX_XDP_TO_ROUTELET] - b[DX_XDP_TO_ROUTELET],
	    redirects);
	assert_int_equal(a[DX_XDP_PASS_NOT_MPLS] - b[DX_XDP_PASS_NOT_MPLS], 3);
	/* best effort, zero VIF, no route */
	assert_int_equal(a[DX_XDP_PASS_MISS] - b[DX_XDP_PASS_MISS], 3);
}

/* Entries down to the bottom of the stack (the padding may hold it). */
static unsigned
depth(const uint8_t *f, size_t len)
{
	size_t off;
	unsigned d = 0;

	for (off = 14; off + 4 <= len; off += 4) {
		d++;
		if (f[off + 2] & 1)
			return d;
	}
	return UINT32_MAX;
}

/*
 * Random frames around the interesting shapes: the program never takes a
 * frame user space would not send to that routelet, and takes every one
 * it is meant to.
 */
static void
test_agrees_with_user_space(void **state)
{
	static const uint32_t pick[] = { 100, 102, 101, 300, 999, 1, 3, 16 };
	uint64_t seed = 0x51d0c0ffee;
	uint32_t labels[24];
	uint8_t f[2048];
	unsigned i, j, n, user, taken = 0, meant;
	size_t len;
	int v, bos;

	(void)state;
	need_bpf();
	for (i = 0; i < 20000; i++) {
		n = (unsigned)tu_randn(&seed, 20);
		for (j = 0; j < n; j++)
			labels[j] = tu_randn(&seed, 4) ? pick[tu_randn(&seed,
			    nitems(pick))] : (uint32_t)tu_randn(&seed, 1 << 20);
		bos = tu_randn(&seed, 8) != 0;
		len = mkframe(f, tu_randn(&seed, 10) ? P0 : OTHER,
		    tu_randn(&seed, 10) ? 0x8847 : 0x8100, labels, n, bos,
		    (size_t)tu_randn(&seed, tu_randn(&seed, 8) ? 80 : 1700));
		/* Cut some short, anywhere. */
		if (tu_randn(&seed, 6) == 0 && len > 14)
			len = 14 + (size_t)tu_randn(&seed, len - 14);
		v = xdp_run(f, len);
		user = user_run(f, len);
		if (v == XDP_REDIRECT && user != DXS_C_to_routelet)
			fail_msg("frame %u: XDP took it, user space says %s", i,
			    dxs_ctr_desc[user].name);
		meant = user == DXS_C_to_routelet && len <= DX_XDP_MAX_FRAME &&
		    memcmp(f, P0, 6) == 0 && f[12] == 0x88 && f[13] == 0x47 &&
		    depth(f, len) <= DX_XDP_MAX_STACK;
		if (meant && v != XDP_REDIRECT)
			fail_msg("frame %u: user space sends it to a routelet, "
			    "XDP passed it (%d)", i, v);
		taken += v == XDP_REDIRECT;
	}
	/* The random frames did exercise the redirect. */
	assert_true(taken > 1000);
}

/* A label's removal from the map is seen by the very next frame. */
static void
test_label_removed(void **state)
{
	static const uint32_t l100[] = { 100 };
	uint32_t label = 100, zero = 0, vif = VIF_IFINDEX;
	uint8_t f[128];
	size_t len;

	(void)state;
	need_bpf();
	len = mkframe(f, P0, 0x8847, l100, 1, 1, 48);
	assert_int_equal(xdp_run(f, len), XDP_REDIRECT);
	assert_int_equal(bpf_map_update_elem(labels_fd, &label, &zero,
	    BPF_ANY), 0);
	assert_int_equal(xdp_run(f, len), XDP_PASS);
	assert_int_equal(bpf_map_update_elem(labels_fd, &label, &vif,
	    BPF_ANY), 0);
	assert_int_equal(xdp_run(f, len), XDP_REDIRECT);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_agrees_with_user_space),
		cmocka_unit_test(test_label_removed),
	};

	libbpf_set_print(NULL);
	return cmocka_run_group_tests(tests, setup, teardown);
}
