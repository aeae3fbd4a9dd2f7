/*
 * The XDP classifier: loads xdp_prog.bpf.c (built into this binary by
 * xdp_obj.S), tells it the ports' MACs, fills and publishes its label map
 * (src/lmap.h) and attaches it to every port it can.
 *
 * Attachment is by BPF link, so a demux that dies, however it dies, takes
 * its program off the ports with it and the kernel is as it was.  A port
 * that refuses the program (no XDP in its driver at the mode asked, an
 * MTU too large for one page, another program already there) is logged
 * and left to the user-space path, which runs on every port whatever
 * happens here; if no port takes it, the classifier is closed and the
 * demux is what it was without it.
 */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <linux/if_link.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "demux.h"
#include "lmap.h"
#include "log.h"

_Static_assert(DX_XDP_LABELS == MPLS_LABEL_COUNT, "one entry per label");
_Static_assert(DX_XDP_PORTS >= DX_MAX_PORTS, "room for every port");

/* The object file, from xdp_obj.S. */
extern const unsigned char dx_xdp_obj[];
extern const unsigned char dx_xdp_obj_end[];

static const char *const dx_xdp_mode_name[] = {
	[DX_XDP_OFF] = "off",
	[DX_XDP_AUTO] = "auto",
	[DX_XDP_NATIVE] = "native",
	[DX_XDP_GENERIC] = "generic",
};

int
dx_xdp_mode_parse(const char *s, enum dx_xdp_mode *m_r)
{
	unsigned i;

	for (i = 0; i < sizeof(dx_xdp_mode_name) /
	    sizeof(dx_xdp_mode_name[0]); i++)
		if (strcmp(s, dx_xdp_mode_name[i]) == 0) {
			*m_r = (enum dx_xdp_mode)i;
			return 0;
		}
	return -1;
}

/* libbpf's own messages: warnings to our log, the rest at debug. */
static int
dx_xdp_libbpf_log(enum libbpf_print_level level, const char *fmt,
    va_list ap)
{
	char buf[512];
	size_t n;

	vsnprintf(buf, sizeof(buf), fmt, ap);
	/* Most of its messages name it already. */
	if (strncmp(buf, "libbpf: ", 8) == 0)
		memmove(buf, buf + 8, strlen(buf + 8) + 1);
	n = strlen(buf);
	if (n > 0 && buf[n - 1] == '\n')
		buf[n - 1] = '\0';
	if (level == LIBBPF_WARN)
		log_warnx("libbpf: %s", buf);
	else
		log_debug("libbpf: %s", buf);
	return 0;
}

static int
dx_xdp_set_port(struct dx_xdp *x, const struct dx_port *p)
{
	struct dx_xdp_port v;
	uint32_t key = (uint32_t)p->ifindex;

	memset(&v, 0, sizeof(v));
	memcpy(v.mac, p->mac, sizeof(v.mac));
	return bpf_map_update_elem(x->ports_fd, &key, &v, BPF_ANY);
}

static void
dx_xdp_detach(struct dx_xdp *x, unsigned i)
{
	uint32_t key;

	if (x->link[i] < 0)
		return;
	close(x->link[i]);	/* the link goes, and the program with it */
	x->link[i] = -1;
	key = (uint32_t)x->ifindex[i];
	(void)bpf_map_delete_elem(x->ports_fd, &key);
	x->nattached--;
}

/* Attaches to port i; 0, or -1 with the reason logged. */
static int
dx_xdp_attach(struct dx_xdp *x, unsigned i, const struct dx_port *p)
{
	static const uint32_t flags[] = {
		[DX_XDP_NATIVE] = XDP_FLAGS_DRV_MODE,
		[DX_XDP_GENERIC] = XDP_FLAGS_SKB_MODE,
	};
	LIBBPF_OPTS(bpf_link_create_opts, lo);
	enum dx_xdp_mode m;
	int fd = -1, saved = 0;

	if (dx_xdp_set_port(x, p) != 0) {
		log_warn("port %s: XDP port map", p->name);
		return -1;
	}
	/* auto: the driver's own XDP first, the kernel's generic after. */
	for (m = DX_XDP_NATIVE; m <= DX_XDP_GENERIC; m++) {
		if (x->mode != DX_XDP_AUTO && x->mode != m)
			continue;
		lo.flags = flags[m];
		fd = bpf_link_create(bpf_program__fd(x->prog), p->ifindex,
		    BPF_XDP, &lo);
		if (fd >= 0)
			break;
		saved = errno;
		log_debug("port %s: XDP %s: %s", p->name,
		    dx_xdp_mode_name[m], strerror(saved));
	}
	if (fd < 0) {
		log_warnx("port %s: cannot attach the XDP classifier (%s); "
		    "its frames are classified in user space", p->name,
		    strerror(saved));
		(void)bpf_map_delete_elem(x->ports_fd, &(uint32_t){
		    (uint32_t)p->ifindex });
		return -1;
	}
	x->link[i] = fd;
	x->ifindex[i] = p->ifindex;
	x->attached_mode[i] = m;
	x->nattached++;
	log_info("port %s: XDP classifier attached (%s)", p->name,
	    dx_xdp_mode_name[m]);
	return 0;
}

int
dx_xdp_start(struct dx_xdp *x, enum dx_xdp_mode mode, const char *dir,
    const struct ltable *lt, const struct dx_port *ports, unsigned nports)
{
	LIBBPF_OPTS(bpf_object_open_opts, oo, .object_name = "quasar_demux");
	char err[512];
	unsigned i, n;
	long rc;

	memset(x, 0, sizeof(*x));
	x->labels_fd = x->ports_fd = x->counts_fd = -1;
	for (i = 0; i < DX_MAX_PORTS; i++)
		x->link[i] = -1;
	x->mode = mode;
	if (mode == DX_XDP_OFF)
		return -1;
	x->dir = dir;
	libbpf_set_print(dx_xdp_libbpf_log);
	x->obj = bpf_object__open_mem(dx_xdp_obj,
	    (size_t)(dx_xdp_obj_end - dx_xdp_obj), &oo);
	if ((rc = libbpf_get_error(x->obj)) != 0) {
		x->obj = NULL;
		log_warnx("XDP classifier: cannot open its object: %s; "
		    "classifying in user space", strerror((int)-rc));
		return -1;
	}
	if (bpf_object__load(x->obj) != 0) {
		log_warnx("XDP classifier: the kernel refused it (%s); "
		    "classifying in user space", strerror(errno));
		goto fail;
	}
	x->prog = bpf_object__find_program_by_name(x->obj, "dx_xdp");
	x->labels_fd = bpf_object__find_map_fd_by_name(x->obj, LMAP_NAME);
	x->ports_fd = bpf_object__find_map_fd_by_name(x->obj, "dx_ports");
	x->counts_fd = bpf_object__find_map_fd_by_name(x->obj, "dx_counts");
	if (x->prog == NULL || x->labels_fd < 0 || x->ports_fd < 0 ||
	    x->counts_fd < 0) {
		log_warnx("XDP classifier: its object lacks a program or a "
		    "map; classifying in user space");
		goto fail;
	}
	/* The map is whole before any port runs the program. */
	if (lmap_publish(dir, x->labels_fd, lt, &n, err, sizeof(err)) == -1) {
		log_warnx("XDP classifier: %s; classifying in user space",
		    err);
		goto fail;
	}
	x->published = 1;
	for (i = 0; i < nports; i++)
		(void)dx_xdp_attach(x, i, &ports[i]);
	if (x->nattached == 0) {
		log_warnx("XDP classifier: no port took it; classifying in "
		    "user space");
		goto fail;
	}
	log_info("XDP classifier on %u of %u ports, %u routelet label%s "
	    "in its map", x->nattached, nports, n, n == 1 ? "" : "s");
	return 0;
fail:
	dx_xdp_stop(x);
	return -1;
}

void
dx_xdp_port_changed(struct dx_xdp *x, unsigned i, const struct dx_port *p)
{
	if (x->obj == NULL)
		return;
	if (x->link[i] >= 0 && x->ifindex[i] == p->ifindex) {
		/* Only the MAC moved. */
		if (dx_xdp_set_port(x, p) != 0)
			log_warn("port %s: XDP port map", p->name);
		return;
	}
	/* A new interface under the old name: the link died with the old. */
	dx_xdp_detach(x, i);
	(void)dx_xdp_attach(x, i, p);
}

int
dx_xdp_counters(const struct dx_xdp *x, uint64_t out[DX_XDP_NCOUNT])
{
	uint64_t v[512];
	uint32_t k;
	int ncpu, c;

	memset(out, 0, DX_XDP_NCOUNT * sizeof(out[0]));
	if (x->obj == NULL)
		return -1;
	ncpu = libbpf_num_possible_cpus();
	if (ncpu <= 0 || ncpu > (int)(sizeof(v) / sizeof(v[0])))
		return -1;
	for (k = 0; k < DX_XDP_NCOUNT; k++) {
		if (bpf_map_lookup_elem(x->counts_fd, &k, v) != 0)
			return -1;
		for (c = 0; c < ncpu; c++)
			out[k] += v[c];
	}
	return 0;
}

void
dx_xdp_stop(struct dx_xdp *x)
{
	unsigned i;

	/*
	 * The ports lose the program first: withdrawn while it still ran,
	 * the map would keep a label a writer took out meanwhile.
	 */
	for (i = 0; i < DX_MAX_PORTS; i++)
		dx_xdp_detach(x, i);
	if (x->published)
		lmap_withdraw(x->dir, x->labels_fd);
	x->published = 0;
	if (x->obj != NULL)
		bpf_object__close(x->obj);
	x->obj = NULL;
	x->prog = NULL;
	x->labels_fd = x->ports_fd = x->counts_fd = -1;
	x->mode = DX_XDP_OFF;
}
