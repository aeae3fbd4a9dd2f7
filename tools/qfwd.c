/*
 * qfwd: a bare, single-process MPLS label-swap forwarder on AF_PACKET.
 *
 *   qfwd -i in -o out -l inlabel -L outlabel -d nhmac [-s srcmac]
 *        [-m mmsg|ring] [-b batch] [-r rcvbuf] [-B] [-j] [-q]
 *   qfwd -R in,inlabel,out,outlabel,nhmac [-R ...] [-m ...] [-b ...] ...
 *
 * Frames arriving on `in` whose top label is `inlabel` leave by `out` with
 * that label swapped for `outlabel` (TC and S kept, TTL - 1; a TTL of 0 or 1
 * is dropped, RFC 3032), destination MAC `nhmac` and source MAC `srcmac`
 * (default: out's own).  Everything else that is MPLS is counted and
 * dropped; a socket filter keeps all other traffic in the kernel.  One
 * 802.1Q tag on input is accepted and not carried over (a tag names a VLAN
 * of the input link only).
 *
 * -R gives one such route per option (up to QF_ROUTES_MAX, source MAC
 * always the output's own), all forwarded by this one process: one receive
 * socket per distinct input, served in turn, and one send socket whose
 * messages each name their output.  That is the "standard router" of the
 * paper's partitioning experiment (tools/experiments), where a cross flow
 * on other ports competes with the measured one for the same process.
 *
 * It is the "plain single-process label switch" the QuaSAR benchmarks
 * compare the routelet path with (docs/performance.md, "Data plane"): no
 * demux hop, no per-flow process, no shaper, the same kernel interfaces.
 *
 *   -m mmsg  (default) receive up to -b frames per recvmmsg() into our own
 *            buffers, the same I/O as a routelet (routelet/run.c);
 *   -m ring  receive from a PACKET_MMAP TPACKET_V2 ring (as quasar-demux
 *            does), rewriting frames in place in the ring;
 *   either way the burst leaves in one sendmmsg() on a socket bound to out.
 *   -b       burst size, 1..256 (default 32)
 *   -r       receive buffer in bytes for -m mmsg (default: the kernel's)
 *   -B       busy-poll: never sleep in poll(), spin on the socket instead
 *   -j       counters as one JSON object on exit (default: text)
 *   -q       no start-up line
 *
 * Counters, summed over the routes (every frame is in exactly one of tx,
 * tx_errors or a drop):
 * printed to stdout on SIGINT/SIGTERM, to stderr on SIGUSR1.
 *
 * Exit status: 0 stopped by a signal, 1 setup or run-time failure, 2 usage.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "counter.h"
#include "ether.h"
#include "log.h"
#include "mpls.h"

#ifndef PACKET_IGNORE_OUTGOING
#define PACKET_IGNORE_OUTGOING	23
#endif

#define QF_BATCH_DEF	32
#define QF_BATCH_MAX	256
#define QF_BUF		2048u		/* one frame, -m mmsg */
#define QF_RING_FRAMES	4096		/* -m ring: 8 MiB of 2 KiB slots */
#define QF_RING_BLOCK	(1u << 20)
#define QF_POLL_MS	200
#define QF_ROUTES_MAX	8

#define QF_COUNTERS(X)							\
	X(rx,		"frames received")				\
	X(rx_bytes,	"bytes received")				\
	X(tx,		"frames sent")					\
	X(tx_bytes,	"bytes sent")					\
	X(runt,		"too short for Ethernet and one label")	\
	X(oversize,	"longer than a buffer (2 KiB): truncated")	\
	X(not_mpls,	"not MPLS (the filter let it by)")		\
	X(wrong_label,	"top label is not ours")			\
	X(ttl_expired,	"TTL 0 or 1")					\
	X(tx_errors,	"frames the kernel refused to send")		\
	X(bursts,	"receive calls that returned frames")		\
	X(ring_drops,	"frames the kernel dropped: socket full")

enum qf_ctr {
#define QF_CTR_ENUM(n, d)	QF_C_##n,
	QF_COUNTERS(QF_CTR_ENUM)
#undef QF_CTR_ENUM
	QF_C_COUNT
};

static const struct counter_desc qf_ctr_desc[QF_C_COUNT] = {
#define QF_CTR_DESC(n, d)	{ #n, d },
	QF_COUNTERS(QF_CTR_DESC)
#undef QF_CTR_DESC
};

/* One label switched from an input to an output. */
struct qf_route {
	const char	*in, *out;
	unsigned	 port;		/* index of `in` in qf.ports */
	uint32_t	 in_label, out_label;
	uint8_t		 nh[ETHER_ADDR_LEN], src[ETHER_ADDR_LEN];
	int		 have_src;
	struct sockaddr_ll sll;		/* the output, for sendmmsg */
};

/* An input interface and its receive socket. */
struct qf_port {
	const char	*name;
	int		 fd;
	uint8_t		*ring;		/* -m ring */
	size_t		 ring_len;
	unsigned	 ring_head;
};

struct qf {
	/* Configuration. */
	struct qf_route	 routes[QF_ROUTES_MAX];
	unsigned	 nroutes;
	unsigned	 batch;
	int		 ring_mode, busy;
	/* Sockets. */
	struct qf_port	 ports[QF_ROUTES_MAX];
	unsigned	 nports;
	int		 tx_fd;
	uint8_t		*bufs;		/* -m mmsg: batch x QF_BUF, shared */
	struct mmsghdr	 rmh[QF_BATCH_MAX], tmh[QF_BATCH_MAX];
	struct iovec	 riov[QF_BATCH_MAX], tiov[QF_BATCH_MAX][2];
	counter_t	 ctr[QF_C_COUNT];
};

static volatile sig_atomic_t qf_quit, qf_dump;

static void
qf_on_signal(int sig)
{
	if (sig == SIGUSR1)
		qf_dump = 1;
	else
		qf_quit = 1;
}

static _Noreturn void
usage(void)
{
	fprintf(stderr,
	    "usage: qfwd -i in -o out -l inlabel -L outlabel -d nhmac "
	    "[-s srcmac]\n"
	    "            [-m mmsg|ring] [-b batch] [-r rcvbuf] [-B] [-j] "
	    "[-q]\n"
	    "       qfwd -R in,inlabel,out,outlabel,nhmac [-R ...] "
	    "[-m ...] [-b ...] [-r ...] [-B] [-j] [-q]\n");
	exit(2);
}

static _Noreturn void Q_PRINTF(1, 2)
usage_err(const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_warnx("%s", msg);
	fprintf(stderr, "(qfwd -h for usage)\n");
	exit(2);
}

/* Strict unsigned decimal in [min, max]: digits only, no overflow. */
static int
parse_uint(const char *s, unsigned long min, unsigned long max,
    unsigned long *out)
{
	unsigned long v;
	char *end;

	if (s[0] < '0' || s[0] > '9')
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

static int
if_lookup(const char *name, int *ifindex, uint8_t mac[ETHER_ADDR_LEN])
{
	struct ifreq ifr;
	int fd, rv = -1;

	if ((fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1) {
		log_warn("socket");
		return -1;
	}
	memset(&ifr, 0, sizeof(ifr));
	memcpy(ifr.ifr_name, name, strlen(name));
	if (ioctl(fd, SIOCGIFINDEX, &ifr) == -1) {
		log_warn("interface %s", name);
		goto out;
	}
	*ifindex = ifr.ifr_ifindex;
	if (ioctl(fd, SIOCGIFHWADDR, &ifr) == -1) {
		log_warn("%s: hardware address", name);
		goto out;
	}
	memcpy(mac, ifr.ifr_hwaddr.sa_data, ETHER_ADDR_LEN);
	rv = 0;
out:
	close(fd);
	return rv;
}

/* EtherType 0x8847, untagged or under one 802.1Q tag left in place. */
static struct sock_filter qf_bpf[] = {
	BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 12),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ETHERTYPE_MPLS, 3, 0),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ETHERTYPE_VLAN, 0, 3),
	BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 16),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ETHERTYPE_MPLS, 0, 1),
	BPF_STMT(BPF_RET | BPF_K, 0xffffffffu),
	BPF_STMT(BPF_RET | BPF_K, 0),
};

static int
rx_open(struct qf *f, struct qf_port *pt, int ifindex, int rcvbuf)
{
	struct sock_fprog prog = {
		.len = sizeof(qf_bpf) / sizeof(qf_bpf[0]),
		.filter = qf_bpf,
	};
	struct sockaddr_ll sll;
	struct tpacket_req req;
	int v, one = 1;

	/* Protocol 0 until bind: nothing is queued before the filter. */
	pt->fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0);
	if (pt->fd == -1) {
		log_warn("socket(AF_PACKET)");
		return -1;
	}
	if (setsockopt(pt->fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog,
	    sizeof(prog)) == -1) {
		log_warn("SO_ATTACH_FILTER");
		return -1;
	}
	if (setsockopt(pt->fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one,
	    sizeof(one)) == -1) {
		log_warn("PACKET_IGNORE_OUTGOING");
		return -1;
	}
	if (f->ring_mode) {
		v = TPACKET_V2;
		if (setsockopt(pt->fd, SOL_PACKET, PACKET_VERSION, &v,
		    sizeof(v)) == -1) {
			log_warn("PACKET_VERSION");
			return -1;
		}
		memset(&req, 0, sizeof(req));
		req.tp_block_size = QF_RING_BLOCK;
		req.tp_frame_size = QF_BUF;
		req.tp_frame_nr = QF_RING_FRAMES;
		req.tp_block_nr = QF_RING_FRAMES / (QF_RING_BLOCK / QF_BUF);
		if (setsockopt(pt->fd, SOL_PACKET, PACKET_RX_RING, &req,
		    sizeof(req)) == -1) {
			log_warn("PACKET_RX_RING");
			return -1;
		}
		pt->ring_len = (size_t)req.tp_block_size * req.tp_block_nr;
		pt->ring = mmap(NULL, pt->ring_len, PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_POPULATE, pt->fd, 0);
		if (pt->ring == MAP_FAILED) {
			pt->ring = NULL;
			log_warn("mmap of the ring");
			return -1;
		}
	} else if (rcvbuf > 0 && setsockopt(pt->fd, SOL_SOCKET,
	    SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)) == -1 &&
	    setsockopt(pt->fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf,
	    sizeof(rcvbuf)) == -1) {
		log_warn("SO_RCVBUF %d", rcvbuf);
		return -1;
	}
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ETH_P_ALL);
	sll.sll_ifindex = ifindex;
	if (bind(pt->fd, (struct sockaddr *)&sll, sizeof(sll)) == -1) {
		log_warn("bind");
		return -1;
	}
	return 0;
}

/*
 * Unbound, protocol 0: it never receives, and each message names its
 * output in its own sockaddr_ll (the route's), so one sendmmsg() serves
 * a burst whatever mix of outputs it holds.
 */
static int
tx_open(struct qf *f)
{
	f->tx_fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (f->tx_fd == -1) {
		log_warn("socket(AF_PACKET)");
		return -1;
	}
	return 0;
}

/*
 * The forwarding decision for one frame of len bytes at p, received on
 * input `port`: QF_C_tx when it was rewritten and should go by *rt_r;
 * *start is where the frame now begins.
 */
static unsigned
qf_swap(const struct qf *f, unsigned port, uint8_t *p, uint32_t len,
    uint8_t **start, const struct qf_route **rt_r)
{
	const struct qf_route *rt = NULL;
	uint32_t off = ETHER_HDR_LEN, lse, ttl, label;
	unsigned i;

	if (len < ETHER_HDR_LEN + MPLS_LSE_LEN)
		return QF_C_runt;
	if (rd16(p + 12) == ETHERTYPE_VLAN) {
		if (len < ETHER_VLAN_HDR_LEN + MPLS_LSE_LEN)
			return QF_C_runt;
		off = ETHER_VLAN_HDR_LEN;
	}
	if (rd16(p + off - 2) != ETHERTYPE_MPLS)
		return QF_C_not_mpls;
	lse = mpls_rd32(p + off);
	label = (lse & MPLS_LS_LABEL_MASK) >> MPLS_LS_LABEL_SHIFT;
	/* A handful of routes at most: a scan beats any table. */
	for (i = 0; i < f->nroutes; i++)
		if (f->routes[i].port == port &&
		    f->routes[i].in_label == label) {
			rt = &f->routes[i];
			break;
		}
	if (rt == NULL)
		return QF_C_wrong_label;
	ttl = lse & MPLS_LS_TTL_MASK;
	if (ttl <= 1)
		return QF_C_ttl_expired;
	/* New label, TC and S kept, TTL - 1: one word. */
	mpls_wr32(p + off, rt->out_label << MPLS_LS_LABEL_SHIFT |
	    (lse & (MPLS_LS_TC_MASK | MPLS_LS_S_MASK)) | (ttl - 1));
	/* Untagged out: the header moves up over a tag, if there was one. */
	*start = p + off - ETHER_HDR_LEN;
	ether_write(*start, rt->nh, rt->src, ETHERTYPE_MPLS);
	*rt_r = rt;
	return QF_C_tx;
}

/* Sends tmh[0..n), counting what went and what the kernel refused. */
static void
qf_send(struct qf *f, unsigned n)
{
	unsigned i = 0, k;
	int r;

	while (i < n) {
		r = sendmmsg(f->tx_fd, &f->tmh[i], n - i, MSG_DONTWAIT);
		if (r > 0) {
			for (k = i; k < i + (unsigned)r; k++)
				ctr_add(&f->ctr[QF_C_tx_bytes],
				    f->tiov[k][0].iov_len);
			ctr_add(&f->ctr[QF_C_tx], (uint64_t)r);
			i += (unsigned)r;
			continue;
		}
		if (r == -1 && errno == EINTR)
			continue;
		/* The call reports the first message's error: skip it. */
		ctr_add(&f->ctr[QF_C_tx_errors], 1);
		i++;
	}
}

/* Queues a rewritten frame for the next qf_send. */
static void
qf_queue(struct qf *f, unsigned *n, uint8_t *start, uint32_t len,
    const struct qf_route *rt)
{
	f->tiov[*n][0].iov_base = start;
	f->tiov[*n][0].iov_len = len;
	f->tmh[*n].msg_hdr.msg_iov = f->tiov[*n];
	f->tmh[*n].msg_hdr.msg_iovlen = 1;
	/* sendmmsg only reads the address. */
	f->tmh[*n].msg_hdr.msg_name = (void *)(uintptr_t)&rt->sll;
	f->tmh[*n].msg_hdr.msg_namelen = sizeof(rt->sll);
	(*n)++;
}

/* One burst from input `port`, -m mmsg.  Returns the frames received. */
static unsigned
qf_burst_mmsg(struct qf *f, unsigned port)
{
	const struct qf_route *rt = NULL;
	uint8_t *start;
	unsigned i, n = 0, r;
	int got;

	for (i = 0; i < f->batch; i++)
		f->riov[i].iov_len = QF_BUF;
	got = recvmmsg(f->ports[port].fd, f->rmh, f->batch, MSG_DONTWAIT,
	    NULL);
	if (got <= 0)
		return 0;
	ctr_add(&f->ctr[QF_C_bursts], 1);
	for (i = 0; i < (unsigned)got; i++) {
		ctr_add(&f->ctr[QF_C_rx], 1);
		ctr_add(&f->ctr[QF_C_rx_bytes], f->rmh[i].msg_len);
		if (f->rmh[i].msg_hdr.msg_flags & MSG_TRUNC) {
			ctr_add(&f->ctr[QF_C_oversize], 1);
			continue;
		}
		r = qf_swap(f, port, f->riov[i].iov_base, f->rmh[i].msg_len,
		    &start, &rt);
		if (r != QF_C_tx) {
			ctr_add(&f->ctr[r], 1);
			continue;
		}
		qf_queue(f, &n, start, f->rmh[i].msg_len -
		    (uint32_t)(start - (uint8_t *)f->riov[i].iov_base), rt);
	}
	/* Sent before the next burst reuses the buffers. */
	if (n > 0)
		qf_send(f, n);
	return (unsigned)got;
}

/* One burst, -m ring: frames are rewritten and sent from their slots. */
static unsigned
qf_burst_ring(struct qf *f, unsigned port)
{
	struct qf_port *pt = &f->ports[port];
	const struct qf_route *rt = NULL;
	struct tpacket2_hdr *h[QF_BATCH_MAX];
	uint8_t *p, *start;
	uint32_t len;
	unsigned i, n, k = 0, r;

	for (n = 0; n < f->batch; n++) {
		h[n] = (struct tpacket2_hdr *)(void *)(pt->ring +
		    (size_t)((pt->ring_head + n) % QF_RING_FRAMES) * QF_BUF);
		if (!(__atomic_load_n(&h[n]->tp_status, __ATOMIC_ACQUIRE) &
		    TP_STATUS_USER))
			break;
	}
	if (n == 0)
		return 0;
	ctr_add(&f->ctr[QF_C_bursts], 1);
	for (i = 0; i < n; i++) {
		p = (uint8_t *)h[i] + h[i]->tp_mac;
		len = h[i]->tp_snaplen;
		/* The kernel never points past the slot; check anyway. */
		if (h[i]->tp_mac >= QF_BUF || len > QF_BUF - h[i]->tp_mac)
			len = 0;
		ctr_add(&f->ctr[QF_C_rx], 1);
		ctr_add(&f->ctr[QF_C_rx_bytes], h[i]->tp_len);
		if (h[i]->tp_snaplen < h[i]->tp_len) {
			ctr_add(&f->ctr[QF_C_oversize], 1);
			continue;
		}
		/* A tag the kernel took off into metadata is not carried. */
		r = qf_swap(f, port, p, len, &start, &rt);
		if (r != QF_C_tx) {
			ctr_add(&f->ctr[r], 1);
			continue;
		}
		qf_queue(f, &k, start, len - (uint32_t)(start - p), rt);
	}
	/* Sent before the slots go back: the messages point into them. */
	if (k > 0)
		qf_send(f, k);
	for (i = 0; i < n; i++)
		__atomic_store_n(&h[i]->tp_status, TP_STATUS_KERNEL,
		    __ATOMIC_RELEASE);
	pt->ring_head = (pt->ring_head + n) % QF_RING_FRAMES;
	return n;
}

static void
qf_read_drops(struct qf *f)
{
	struct tpacket_stats st;
	socklen_t len;
	unsigned i;

	/* Each read returns the drops since the last one. */
	for (i = 0; i < f->nports; i++) {
		len = sizeof(st);
		if (getsockopt(f->ports[i].fd, SOL_PACKET, PACKET_STATISTICS,
		    &st, &len) == 0)
			ctr_add(&f->ctr[QF_C_ring_drops], st.tp_drops);
	}
}

/* An interface name, checked for length only: the kernel judges the rest. */
static int
qf_ifname_ok(const char *s)
{
	return s[0] != '\0' && strlen(s) < IFNAMSIZ;
}

/*
 * -R in,inlabel,out,outlabel,nhmac into the next route; the string is
 * cut in place.  Returns -1 with a message in err.
 */
static int
qf_route_parse(struct qf *f, char *spec, char *err, size_t errlen)
{
	struct qf_route *rt;
	char *fld[5], *p = spec;
	unsigned long v;
	unsigned i;

	if (f->nroutes == QF_ROUTES_MAX) {
		snprintf(err, errlen, "more than %d routes", QF_ROUTES_MAX);
		return -1;
	}
	for (i = 0; i < 5; i++) {
		fld[i] = p;
		p = strchr(p, ',');
		if (i < 4 && p == NULL)
			break;
		if (p != NULL)
			*p++ = '\0';
	}
	if (i < 5 || p != NULL) {
		snprintf(err, errlen, "want in,inlabel,out,outlabel,nhmac");
		return -1;
	}
	rt = &f->routes[f->nroutes];
	memset(rt, 0, sizeof(*rt));
	if (!qf_ifname_ok(fld[0]) || !qf_ifname_ok(fld[2])) {
		snprintf(err, errlen, "not an interface name");
		return -1;
	}
	if (strcmp(fld[0], fld[2]) == 0) {
		snprintf(err, errlen, "in and out name the same interface");
		return -1;
	}
	rt->in = fld[0];
	rt->out = fld[2];
	if (parse_uint(fld[1], MPLS_LABEL_FIRST_UNRESERVED, MPLS_LABEL_MAX,
	    &v) == -1) {
		snprintf(err, errlen, "inlabel %s: want %d..%u", fld[1],
		    MPLS_LABEL_FIRST_UNRESERVED, MPLS_LABEL_MAX);
		return -1;
	}
	rt->in_label = (uint32_t)v;
	if (parse_uint(fld[3], 0, MPLS_LABEL_MAX, &v) == -1 ||
	    !mpls_label_sendable((uint32_t)v)) {
		snprintf(err, errlen, "outlabel %s: want a label that may be "
		    "sent: 0, 2 or %d..%u", fld[3],
		    MPLS_LABEL_FIRST_UNRESERVED, MPLS_LABEL_MAX);
		return -1;
	}
	rt->out_label = (uint32_t)v;
	if (ether_addr_parse(fld[4], rt->nh) == -1) {
		snprintf(err, errlen, "nhmac %s: not a MAC address", fld[4]);
		return -1;
	}
	for (i = 0; i < f->nroutes; i++)
		if (strcmp(f->routes[i].in, rt->in) == 0 &&
		    f->routes[i].in_label == rt->in_label) {
			snprintf(err, errlen, "label %" PRIu32 " on %s is "
			    "routed twice", rt->in_label, rt->in);
			return -1;
		}
	f->nroutes++;
	return 0;
}

/*
 * Resolves every route's interfaces and opens one receive socket per
 * distinct input.
 */
static int
qf_open(struct qf *f, int rcvbuf)
{
	struct qf_route *rt;
	uint8_t mac[ETHER_ADDR_LEN];
	unsigned i, k;
	int ix;

	for (i = 0; i < f->nroutes; i++) {
		rt = &f->routes[i];
		if (if_lookup(rt->out, &ix, mac) == -1)
			return -1;
		if (!rt->have_src)
			memcpy(rt->src, mac, ETHER_ADDR_LEN);
		rt->sll.sll_family = AF_PACKET;
		rt->sll.sll_ifindex = ix;
		rt->sll.sll_halen = ETHER_ADDR_LEN;
		memcpy(rt->sll.sll_addr, rt->nh, ETHER_ADDR_LEN);
		for (k = 0; k < f->nports; k++)
			if (strcmp(f->ports[k].name, rt->in) == 0)
				break;
		rt->port = k;
		if (k < f->nports)
			continue;
		f->ports[k].name = rt->in;
		f->ports[k].fd = -1;
		f->nports++;
		if (if_lookup(rt->in, &ix, mac) == -1 ||
		    rx_open(f, &f->ports[k], ix, rcvbuf) == -1)
			return -1;
	}
	return tx_open(f);
}

static void
qf_close(struct qf *f)
{
	unsigned i;

	for (i = 0; i < f->nports; i++) {
		if (f->ports[i].ring != NULL)
			munmap(f->ports[i].ring, f->ports[i].ring_len);
		if (f->ports[i].fd != -1)
			close(f->ports[i].fd);
	}
	if (f->tx_fd != -1)
		close(f->tx_fd);
	free(f->bufs);
}

int
main(int argc, char **argv)
{
	static struct qf f;
	static struct qf_route one;
	struct sigaction sa;
	struct pollfd pfd[QF_ROUTES_MAX];
	const struct qf_route *rt;
	char nhbuf[ETHER_ADDR_STRLEN], srcbuf[ETHER_ADDR_STRLEN];
	char err[160];
	unsigned long v;
	unsigned i, got;
	int ch, json = 0, quiet = 0, rcvbuf = 0, rv = 1;
	int have_l = 0, have_L = 0, have_d = 0, single = 0;

	log_init("qfwd", LOG_TO_STDERR);
	f.batch = QF_BATCH_DEF;
	f.tx_fd = -1;
	while ((ch = getopt(argc, argv, "b:Bd:hi:jl:L:m:o:qr:R:s:")) != -1) {
		switch (ch) {
		case 'b':
			if (parse_uint(optarg, 1, QF_BATCH_MAX, &v) == -1)
				usage_err("-b %s: want 1..%d", optarg,
				    QF_BATCH_MAX);
			f.batch = (unsigned)v;
			break;
		case 'B':
			f.busy = 1;
			break;
		case 'd':
			if (ether_addr_parse(optarg, one.nh) == -1)
				usage_err("-d %s: not a MAC address", optarg);
			have_d = single = 1;
			break;
		case 'i':
		case 'o':
			if (!qf_ifname_ok(optarg))
				usage_err("-%c %s: not an interface name", ch,
				    optarg);
			*(ch == 'i' ? &one.in : &one.out) = optarg;
			single = 1;
			break;
		case 'j':
			json = 1;
			break;
		case 'l':
			if (parse_uint(optarg, MPLS_LABEL_FIRST_UNRESERVED,
			    MPLS_LABEL_MAX, &v) == -1)
				usage_err("-l %s: want a label %d..%u", optarg,
				    MPLS_LABEL_FIRST_UNRESERVED,
				    MPLS_LABEL_MAX);
			one.in_label = (uint32_t)v;
			have_l = single = 1;
			break;
		case 'L':
			if (parse_uint(optarg, 0, MPLS_LABEL_MAX, &v) == -1 ||
			    !mpls_label_sendable((uint32_t)v))
				usage_err("-L %s: want a label that may be "
				    "sent: 0, 2 or %d..%u", optarg,
				    MPLS_LABEL_FIRST_UNRESERVED,
				    MPLS_LABEL_MAX);
			one.out_label = (uint32_t)v;
			have_L = single = 1;
			break;
		case 'm':
			if (strcmp(optarg, "mmsg") == 0)
				f.ring_mode = 0;
			else if (strcmp(optarg, "ring") == 0)
				f.ring_mode = 1;
			else
				usage_err("-m %s: want mmsg or ring", optarg);
			break;
		case 'q':
			quiet = 1;
			break;
		case 'r':
			if (parse_uint(optarg, 4096, INT_MAX, &v) == -1)
				usage_err("-r %s: want bytes, 4096..%d", optarg,
				    INT_MAX);
			rcvbuf = (int)v;
			break;
		case 'R':
			if (qf_route_parse(&f, optarg, err, sizeof(err)) == -1)
				usage_err("-R: %s", err);
			break;
		case 's':
			if (ether_addr_parse(optarg, one.src) == -1 ||
			    !ether_addr_is_unicast(one.src))
				usage_err("-s %s: not a unicast MAC address",
				    optarg);
			one.have_src = single = 1;
			break;
		case 'h':
		default:
			usage();
		}
	}
	if (optind != argc)
		usage_err("unexpected argument \"%s\"", argv[optind]);
	if (single && f.nroutes > 0)
		usage_err("-R routes and -i/-o/-l/-L/-d/-s do not mix");
	if (single) {
		if (one.in == NULL || one.out == NULL || !have_l ||
		    !have_L || !have_d)
			usage_err("-i, -o, -l, -L and -d are required");
		if (strcmp(one.in, one.out) == 0)
			usage_err("-i and -o name the same interface");
		f.routes[f.nroutes++] = one;
	}
	if (f.nroutes == 0)
		usage_err("no route: give -i, -o, -l, -L and -d, or -R");
	if (rcvbuf != 0 && f.ring_mode)
		usage_err("-r is for -m mmsg; the ring is its own buffer");

	if (!f.ring_mode) {
		if ((f.bufs = malloc((size_t)f.batch * QF_BUF)) == NULL) {
			log_warn("buffers");
			return 1;
		}
		for (i = 0; i < f.batch; i++) {
			f.riov[i].iov_base = f.bufs + (size_t)i * QF_BUF;
			f.rmh[i].msg_hdr.msg_iov = &f.riov[i];
			f.rmh[i].msg_hdr.msg_iovlen = 1;
		}
	}
	if (qf_open(&f, rcvbuf) == -1)
		goto out;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = qf_on_signal;
	sigemptyset(&sa.sa_mask);
	/* No SA_RESTART: a signal must cut poll() short. */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);

	for (i = 0; i < f.nroutes && !quiet; i++) {
		rt = &f.routes[i];
		log_info("%s -> %s: label %" PRIu32 " -> %" PRIu32 ", to %s "
		    "from %s, %s, bursts of %u%s", rt->in, rt->out,
		    rt->in_label, rt->out_label, ether_addr_fmt(rt->nh, nhbuf),
		    ether_addr_fmt(rt->src, srcbuf), f.ring_mode ? "ring" :
		    "recvmmsg", f.batch, f.busy ? ", busy-polling" : "");
	}

	for (i = 0; i < f.nports; i++) {
		pfd[i].fd = f.ports[i].fd;
		pfd[i].events = POLLIN;
	}
	while (!qf_quit) {
		/* One burst from each input in turn: none can starve another. */
		got = 0;
		for (i = 0; i < f.nports; i++)
			got += f.ring_mode ? qf_burst_ring(&f, i) :
			    qf_burst_mmsg(&f, i);
		if (qf_dump) {
			qf_dump = 0;
			qf_read_drops(&f);
			ctr_dump_text(stderr, qf_ctr_desc, f.ctr, QF_C_COUNT,
			    0);
		}
		/* Sleep only when the last look found nothing anywhere. */
		if (got == 0 && !f.busy && poll(pfd, f.nports, QF_POLL_MS) ==
		    -1 && errno != EINTR) {
			log_warn("poll");
			goto out;
		}
	}
	qf_read_drops(&f);
	if (json) {
		ctr_dump_json(stdout, qf_ctr_desc, f.ctr, QF_C_COUNT);
		putchar('\n');
	} else
		ctr_dump_text(stdout, qf_ctr_desc, f.ctr, QF_C_COUNT, 0);
	fflush(stdout);
	rv = 0;
out:
	qf_close(&f);
	return rv;
}
