/*
 * qfwd: a bare, single-process MPLS label-swap forwarder on AF_PACKET.
 *
 *   qfwd -i in -o out -l inlabel -L outlabel -d nhmac [-s srcmac]
 *        [-m mmsg|ring] [-b batch] [-r rcvbuf] [-B] [-j] [-q]
 *
 * Frames arriving on `in` whose top label is `inlabel` leave by `out` with
 * that label swapped for `outlabel` (TC and S kept, TTL - 1; a TTL of 0 or 1
 * is dropped, RFC 3032), destination MAC `nhmac` and source MAC `srcmac`
 * (default: out's own).  Everything else that is MPLS is counted and
 * dropped; a socket filter keeps all other traffic in the kernel.  One
 * 802.1Q tag on input is accepted and not carried over (a tag names a VLAN
 * of the input link only).
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
 * Counters (every frame is in exactly one of tx, tx_errors or a drop):
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

struct qf {
	/* Configuration. */
	uint32_t	 in_label, out_label;
	uint8_t		 nh[ETHER_ADDR_LEN], src[ETHER_ADDR_LEN];
	unsigned	 batch;
	int		 ring_mode, busy;
	/* Sockets. */
	int		 rx_fd, tx_fd;
	uint8_t		*ring;		/* -m ring */
	size_t		 ring_len;
	unsigned	 ring_head;
	uint8_t		*bufs;		/* -m mmsg: batch x QF_BUF */
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
	    "[-q]\n");
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
rx_open(struct qf *f, int ifindex, int rcvbuf)
{
	struct sock_fprog prog = {
		.len = sizeof(qf_bpf) / sizeof(qf_bpf[0]),
		.filter = qf_bpf,
	};
	struct sockaddr_ll sll;
	struct tpacket_req req;
	int v, one = 1;

	/* Protocol 0 until bind: nothing is queued before the filter. */
	f->rx_fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0);
	if (f->rx_fd == -1) {
		log_warn("socket(AF_PACKET)");
		return -1;
	}
	if (setsockopt(f->rx_fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog,
	    sizeof(prog)) == -1) {
		log_warn("SO_ATTACH_FILTER");
		return -1;
	}
	if (setsockopt(f->rx_fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one,
	    sizeof(one)) == -1) {
		log_warn("PACKET_IGNORE_OUTGOING");
		return -1;
	}
	if (f->ring_mode) {
		v = TPACKET_V2;
		if (setsockopt(f->rx_fd, SOL_PACKET, PACKET_VERSION, &v,
		    sizeof(v)) == -1) {
			log_warn("PACKET_VERSION");
			return -1;
		}
		memset(&req, 0, sizeof(req));
		req.tp_block_size = QF_RING_BLOCK;
		req.tp_frame_size = QF_BUF;
		req.tp_frame_nr = QF_RING_FRAMES;
		req.tp_block_nr = QF_RING_FRAMES / (QF_RING_BLOCK / QF_BUF);
		if (setsockopt(f->rx_fd, SOL_PACKET, PACKET_RX_RING, &req,
		    sizeof(req)) == -1) {
			log_warn("PACKET_RX_RING");
			return -1;
		}
		f->ring_len = (size_t)req.tp_block_size * req.tp_block_nr;
		f->ring = mmap(NULL, f->ring_len, PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_POPULATE, f->rx_fd, 0);
		if (f->ring == MAP_FAILED) {
			f->ring = NULL;
			log_warn("mmap of the ring");
			return -1;
		}
	} else if (rcvbuf > 0 && setsockopt(f->rx_fd, SOL_SOCKET,
	    SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)) == -1 &&
	    setsockopt(f->rx_fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf,
	    sizeof(rcvbuf)) == -1) {
		log_warn("SO_RCVBUF %d", rcvbuf);
		return -1;
	}
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ETH_P_ALL);
	sll.sll_ifindex = ifindex;
	if (bind(f->rx_fd, (struct sockaddr *)&sll, sizeof(sll)) == -1) {
		log_warn("bind");
		return -1;
	}
	return 0;
}

static int
tx_open(struct qf *f, int ifindex)
{
	struct sockaddr_ll sll;

	/* Protocol 0: bound for sending only, it never receives. */
	f->tx_fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (f->tx_fd == -1) {
		log_warn("socket(AF_PACKET)");
		return -1;
	}
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = 0;
	sll.sll_ifindex = ifindex;
	if (bind(f->tx_fd, (struct sockaddr *)&sll, sizeof(sll)) == -1) {
		log_warn("bind");
		return -1;
	}
	return 0;
}

/*
 * The forwarding decision for one frame of len bytes at p: QF_C_tx when it
 * was rewritten and should go; *start is where the frame now begins.
 */
static unsigned
qf_swap(const struct qf *f, uint8_t *p, uint32_t len, uint8_t **start)
{
	uint32_t off = ETHER_HDR_LEN, lse, ttl;

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
	if ((lse & MPLS_LS_LABEL_MASK) >> MPLS_LS_LABEL_SHIFT != f->in_label)
		return QF_C_wrong_label;
	ttl = lse & MPLS_LS_TTL_MASK;
	if (ttl <= 1)
		return QF_C_ttl_expired;
	/* New label, TC and S kept, TTL - 1: one word. */
	mpls_wr32(p + off, f->out_label << MPLS_LS_LABEL_SHIFT |
	    (lse & (MPLS_LS_TC_MASK | MPLS_LS_S_MASK)) | (ttl - 1));
	/* Untagged out: the header moves up over a tag, if there was one. */
	*start = p + off - ETHER_HDR_LEN;
	ether_write(*start, f->nh, f->src, ETHERTYPE_MPLS);
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
qf_queue(struct qf *f, unsigned *n, uint8_t *start, uint32_t len)
{
	f->tiov[*n][0].iov_base = start;
	f->tiov[*n][0].iov_len = len;
	f->tmh[*n].msg_hdr.msg_iov = f->tiov[*n];
	f->tmh[*n].msg_hdr.msg_iovlen = 1;
	(*n)++;
}

/* One burst, -m mmsg.  Returns the frames received. */
static unsigned
qf_burst_mmsg(struct qf *f)
{
	uint8_t *start;
	unsigned i, n = 0, r;
	int got;

	for (i = 0; i < f->batch; i++)
		f->riov[i].iov_len = QF_BUF;
	got = recvmmsg(f->rx_fd, f->rmh, f->batch, MSG_DONTWAIT, NULL);
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
		r = qf_swap(f, f->riov[i].iov_base, f->rmh[i].msg_len, &start);
		if (r != QF_C_tx) {
			ctr_add(&f->ctr[r], 1);
			continue;
		}
		qf_queue(f, &n, start, f->rmh[i].msg_len -
		    (uint32_t)(start - (uint8_t *)f->riov[i].iov_base));
	}
	if (n > 0)
		qf_send(f, n);
	return (unsigned)got;
}

/* One burst, -m ring: frames are rewritten and sent from their slots. */
static unsigned
qf_burst_ring(struct qf *f)
{
	struct tpacket2_hdr *h[QF_BATCH_MAX];
	uint8_t *p, *start;
	uint32_t len;
	unsigned i, n, k = 0, r;

	for (n = 0; n < f->batch; n++) {
		h[n] = (struct tpacket2_hdr *)(void *)(f->ring +
		    (size_t)((f->ring_head + n) % QF_RING_FRAMES) * QF_BUF);
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
		r = qf_swap(f, p, len, &start);
		if (r != QF_C_tx) {
			ctr_add(&f->ctr[r], 1);
			continue;
		}
		qf_queue(f, &k, start, len - (uint32_t)(start - p));
	}
	/* Sent before the slots go back: the messages point into them. */
	if (k > 0)
		qf_send(f, k);
	for (i = 0; i < n; i++)
		__atomic_store_n(&h[i]->tp_status, TP_STATUS_KERNEL,
		    __ATOMIC_RELEASE);
	f->ring_head = (f->ring_head + n) % QF_RING_FRAMES;
	return n;
}

static void
qf_read_drops(struct qf *f)
{
	struct tpacket_stats st;
	socklen_t len = sizeof(st);

	/* Each read returns the drops since the last one. */
	if (getsockopt(f->rx_fd, SOL_PACKET, PACKET_STATISTICS, &st,
	    &len) == 0)
		ctr_add(&f->ctr[QF_C_ring_drops], st.tp_drops);
}

int
main(int argc, char **argv)
{
	static struct qf f;
	struct sigaction sa;
	struct pollfd pfd;
	const char *in = NULL, *out = NULL;
	char nhbuf[ETHER_ADDR_STRLEN], srcbuf[ETHER_ADDR_STRLEN];
	uint8_t out_mac[ETHER_ADDR_LEN], in_mac[ETHER_ADDR_LEN];
	unsigned long v;
	unsigned i, got;
	int ch, in_ix, out_ix, json = 0, quiet = 0, rcvbuf = 0, have_src = 0;
	int have_l = 0, have_L = 0, have_d = 0;

	log_init("qfwd", LOG_TO_STDERR);
	f.batch = QF_BATCH_DEF;
	f.rx_fd = f.tx_fd = -1;
	while ((ch = getopt(argc, argv, "b:Bd:hi:jl:L:m:o:qr:s:")) != -1) {
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
			if (ether_addr_parse(optarg, f.nh) == -1)
				usage_err("-d %s: not a MAC address", optarg);
			have_d = 1;
			break;
		case 'i':
		case 'o':
			if (optarg[0] == '\0' || strlen(optarg) >= IFNAMSIZ)
				usage_err("-%c %s: not an interface name", ch,
				    optarg);
			*(ch == 'i' ? &in : &out) = optarg;
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
			f.in_label = (uint32_t)v;
			have_l = 1;
			break;
		case 'L':
			if (parse_uint(optarg, 0, MPLS_LABEL_MAX, &v) == -1 ||
			    !mpls_label_sendable((uint32_t)v))
				usage_err("-L %s: want a label that may be "
				    "sent: 0, 2 or %d..%u", optarg,
				    MPLS_LABEL_FIRST_UNRESERVED,
				    MPLS_LABEL_MAX);
			f.out_label = (uint32_t)v;
			have_L = 1;
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
		case 's':
			if (ether_addr_parse(optarg, f.src) == -1 ||
			    !ether_addr_is_unicast(f.src))
				usage_err("-s %s: not a unicast MAC address",
				    optarg);
			have_src = 1;
			break;
		case 'h':
		default:
			usage();
		}
	}
	if (optind != argc)
		usage_err("unexpected argument \"%s\"", argv[optind]);
	if (in == NULL || out == NULL || !have_l || !have_L || !have_d)
		usage_err("-i, -o, -l, -L and -d are required");
	if (strcmp(in, out) == 0)
		usage_err("-i and -o name the same interface");
	if (rcvbuf != 0 && f.ring_mode)
		usage_err("-r is for -m mmsg; the ring is its own buffer");

	if (if_lookup(in, &in_ix, in_mac) == -1 ||
	    if_lookup(out, &out_ix, out_mac) == -1)
		return 1;
	if (!have_src)
		memcpy(f.src, out_mac, ETHER_ADDR_LEN);
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
	if (rx_open(&f, in_ix, rcvbuf) == -1 || tx_open(&f, out_ix) == -1)
		return 1;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = qf_on_signal;
	sigemptyset(&sa.sa_mask);
	/* No SA_RESTART: a signal must cut poll() short. */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);

	if (!quiet)
		log_info("%s -> %s: label %" PRIu32 " -> %" PRIu32 ", to %s "
		    "from %s, %s, bursts of %u%s", in, out, f.in_label,
		    f.out_label, ether_addr_fmt(f.nh, nhbuf),
		    ether_addr_fmt(f.src, srcbuf), f.ring_mode ? "ring" :
		    "recvmmsg", f.batch, f.busy ? ", busy-polling" : "");

	pfd.fd = f.rx_fd;
	pfd.events = POLLIN;
	while (!qf_quit) {
		got = f.ring_mode ? qf_burst_ring(&f) : qf_burst_mmsg(&f);
		if (qf_dump) {
			qf_dump = 0;
			qf_read_drops(&f);
			ctr_dump_text(stderr, qf_ctr_desc, f.ctr, QF_C_COUNT,
			    0);
		}
		/* Sleep only when the last look found nothing. */
		if (got == 0 && !f.busy && poll(&pfd, 1, QF_POLL_MS) == -1 &&
		    errno != EINTR) {
			log_warn("poll");
			return 1;
		}
	}
	qf_read_drops(&f);
	if (json) {
		ctr_dump_json(stdout, qf_ctr_desc, f.ctr, QF_C_COUNT);
		putchar('\n');
	} else
		ctr_dump_text(stdout, qf_ctr_desc, f.ctr, QF_C_COUNT, 0);
	fflush(stdout);
	if (f.ring != NULL)
		munmap(f.ring, f.ring_len);
	close(f.rx_fd);
	close(f.tx_fd);
	free(f.bufs);
	return 0;
}
