/*
 * qsink: receives qgen's frames and reports, per flow, what the QuaSAR
 * paper measured (section VI): one-way latency, its jitter, loss,
 * reordering and throughput.
 *
 *   qsink -i ifname [-t seconds] [-n count] [-w warmup_s] [-m samples]
 *         [-o text|csv|json] [-q]
 *
 * Frames come from a TPACKET_V3 ring on an AF_PACKET socket bound to the
 * interface (run it in a namespace with "ip netns exec").  qgen's frames are
 * found wherever a router has left the payload: Ethernet (one 802.1Q tag
 * allowed), any MPLS stack walked to its bottom, IPv4 by its IHL, UDP, then
 * the magic; anything else is counted as foreign and otherwise ignored.  The
 * socket filter keeps the first 256 bytes of each frame, enough for a stack
 * of 30 labels, so large frames cost no ring space.
 *
 * The receive time is the kernel's software receive timestamp of the frame
 * as the ring reports it (tp_sec/tp_nsec): taken when the frame entered the
 * receive path (SO_TIMESTAMPNS is set so the kernel stamps every frame
 * early), not when this process got round to the ring, so latency does not
 * include the ring's block timeout or our scheduling.  That stamp is on
 * CLOCK_REALTIME; a frame stamped by qgen on CLOCK_MONOTONIC (the magic says
 * which) is compared with it moved onto CLOCK_MONOTONIC by the offset
 * between the two clocks, read for each ring block.  The two clocks run at
 * one rate (NTP slews both), so that is exact unless the wall clock is
 * stepped during the run.
 *
 * The run starts at the first frame of ours; frames in the first -w seconds
 * are ignored (warm-up), then -t seconds are measured (by the frames' own
 * receive stamps, so the window is exact), or -n frames, or until SIGINT or
 * SIGTERM (frames that reached the ring before the signal still count), and
 * then the report goes to stdout.
 *
 * Per flow: packets, bytes (frame lengths without FCS), lost (from sequence
 * numbers: max - min + 1 - distinct frames), reordered (arrived after a
 * higher sequence number), duplicates, pps and bps (bytes per second, not
 * bits) over the first-to-last receive time as (n - 1) / span, latency
 * min/mean/p50/p99/max in microseconds (exact nearest-rank percentiles over
 * every stored sample; min, mean and max are over every frame: the paper's
 * latency figure is the mean), the paper's jitter in microseconds, and the
 * top labels seen.
 *
 * Exit status: 0 report written, 1 setup failure, 2 usage.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <linux/if_ether.h>
#include <net/if.h>
#include <netinet/in.h>
#include <linux/filter.h>
#include <linux/if_packet.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "log.h"
#include "qstats.h"
#include "qtraffic.h"

#ifndef PACKET_IGNORE_OUTGOING
#define PACKET_IGNORE_OUTGOING	23	/* Linux 4.20 */
#endif

#define QS_FLOWS_MAX	1024
#define QS_HASH_SLOTS	2048		/* a power of two over 2 x flows */
#define QS_LABELS_MAX	8
#define QS_SAMPLES_DEF	10000000
#define QS_SAMPLES_MAX	UINT64_C(1000000000)
#define QS_COUNT_MAX	UINT64_C(1000000000000)
#define QS_SECS_MAX	1e6
#define QS_BLOCK_SIZE	(1u << 20)
#define QS_BLOCK_NR	64u
#define QS_FRAME_SIZE	2048u
#define QS_BLOCK_TOV_MS	10
#define QS_SNAPLEN	256
#define QS_POLL_MS	100
/* After the window closes, wait this long for frames still in a block. */
#define QS_DRAIN_NS	((QS_BLOCK_TOV_MS + 100) * NSEC_PER_MSEC)

struct sflow {
	uint32_t	id;
	uint64_t	packets;
	uint64_t	bytes;
	int64_t		first_rx;	/* monotonic ns */
	int64_t		last_rx;
	struct qstats_lat lat;		/* ns */
	struct qstats_jitter jit;
	struct qstats_seq seq;
	uint32_t	labels[QS_LABELS_MAX];
	unsigned	nlabels;
	int		labels_more;	/* more distinct labels than kept */
};

enum out_fmt {
	OUT_TEXT,
	OUT_CSV,
	OUT_JSON,
};

static struct sflow *flowv;
static unsigned nflows;
static int hashv[QS_HASH_SLOTS];	/* flow index + 1; 0 empty */
static struct qstats_samples samples;

/* What happened to frames that are not in the per-flow figures. */
static uint64_t n_foreign;		/* not ours */
static uint64_t n_warmup;		/* ours, inside the warm-up */
static uint64_t n_after;		/* ours, after the window */
static uint64_t n_untracked;		/* ours, flow table full */
static uint64_t n_measured;		/* ours, counted */
static uint64_t ring_drops;		/* the kernel found the ring full */

static int started;
static int64_t win_start, win_end;	/* monotonic ns; 0 end: none */
static uint64_t warm_ns, secs_ns;
static uint64_t count_limit;		/* 0: none */
static int done;

static volatile sig_atomic_t stop;

static void
usage(void)
{
	fprintf(stderr,
	    "usage: qsink -i ifname [-t seconds] [-n count] [-w warmup_s] "
	    "[-m samples]\n"
	    "             [-o text|csv|json] [-q]\n");
	exit(2);
}

static _Noreturn void Q_PRINTF(1, 2)
usage_err(const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_warnx("%s", msg);
	fprintf(stderr, "(qsink -h for usage)\n");
	exit(2);
}

static void
on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static int64_t
real_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * (int64_t)NSEC_PER_SEC + ts.tv_nsec;
}

/* CLOCK_REALTIME - CLOCK_MONOTONIC, read between two monotonic reads. */
static int64_t
real_minus_mono(void)
{
	int64_t m1, r, m2;

	m1 = (int64_t)clock_mono_ns();
	r = real_ns();
	m2 = (int64_t)clock_mono_ns();
	return r - (m1 + (m2 - m1) / 2);
}

static struct sflow *
flow_get(uint32_t id, unsigned *idx)
{
	unsigned h = (uint32_t)(id * 2654435761u) & (QS_HASH_SLOTS - 1);
	struct sflow *f;

	for (;; h = (h + 1) & (QS_HASH_SLOTS - 1)) {
		if (hashv[h] == 0)
			break;
		if (flowv[hashv[h] - 1].id == id) {
			*idx = (unsigned)hashv[h] - 1;
			return &flowv[*idx];
		}
	}
	/* Never more flows than half the slots: the probe above ends. */
	if (nflows == QS_FLOWS_MAX)
		return NULL;
	*idx = nflows++;
	hashv[h] = (int)*idx + 1;
	f = &flowv[*idx];
	memset(f, 0, sizeof(*f));
	f->id = id;
	qstats_jitter_init(&f->jit);
	qstats_seq_init(&f->seq);
	return f;
}

static void
flow_label(struct sflow *f, uint32_t label)
{
	unsigned i;

	for (i = 0; i < f->nlabels; i++)
		if (f->labels[i] == label)
			return;
	if (f->nlabels < QS_LABELS_MAX)
		f->labels[f->nlabels++] = label;
	else
		f->labels_more = 1;
}

/* One frame of ours, received at rx_real (CLOCK_REALTIME ns). */
static void
account(const struct qt_rx *rx, uint32_t len, int64_t rx_real, int64_t off)
{
	struct sflow *f;
	unsigned idx;
	int64_t rx_mono = rx_real - off, rx_t, lat;

	if (!started) {
		started = 1;
		win_start = rx_mono + (int64_t)warm_ns;
		win_end = secs_ns != 0 ? win_start + (int64_t)secs_ns : 0;
	}
	if (rx_mono < win_start) {
		n_warmup++;
		return;
	}
	if (win_end != 0 && rx_mono >= win_end) {
		n_after++;
		return;
	}
	f = flow_get(rx->flow, &idx);
	if (f == NULL) {
		n_untracked++;
		return;
	}
	/* Compare the send stamp with the receive time on its own clock. */
	rx_t = rx->magic == QT_MAGIC_MONO ? rx_mono : rx_real;
	lat = (int64_t)((uint64_t)rx_t - rx->sent);
	if (f->packets == 0)
		f->first_rx = rx_mono;
	f->last_rx = rx_mono;
	f->packets++;
	f->bytes += len;
	qstats_lat_add(&f->lat, lat);
	qstats_jitter_add(&f->jit, (int64_t)rx->sent, rx_t);
	(void)qstats_seq_add(&f->seq, rx->seq);
	(void)qstats_samples_add(&samples, idx, lat);
	if (rx->nlabels > 0)
		flow_label(f, rx->top_label);
	n_measured++;
	if (count_limit != 0 && n_measured >= count_limit)
		done = 1;
}

/*
 * Walks one block the kernel has handed over.  The kernel wrote it, but
 * every offset is still checked against the block before it is followed.
 */
static void
walk_block(const uint8_t *blk)
{
	const struct tpacket_block_desc *bd = (const void *)blk;
	const struct tpacket3_hdr *h;
	const struct sockaddr_ll *sll;
	struct qt_rx rx;
	uint32_t i, num, off, next;
	int64_t clk_off = real_minus_mono();

	num = bd->hdr.bh1.num_pkts;
	off = bd->hdr.bh1.offset_to_first_pkt;
	for (i = 0; i < num && !done; i++, off += next) {
		if (off > QS_BLOCK_SIZE - sizeof(*h))
			return;
		h = (const void *)(blk + off);
		next = h->tp_next_offset;
		if (h->tp_mac > QS_BLOCK_SIZE - off ||
		    h->tp_snaplen > QS_BLOCK_SIZE - off - h->tp_mac)
			return;
		/* Our own transmissions, if the kernel ignored the option. */
		sll = (const void *)((const uint8_t *)h +
		    TPACKET_ALIGN(sizeof(*h)));
		if ((const uint8_t *)(sll + 1) <= blk + QS_BLOCK_SIZE &&
		    sll->sll_pkttype == PACKET_OUTGOING)
			goto next;
		if (qt_parse((const uint8_t *)h + h->tp_mac, h->tp_snaplen,
		    &rx) != 0) {
			n_foreign++;
			goto next;
		}
		account(&rx, h->tp_len, (int64_t)h->tp_sec *
		    (int64_t)NSEC_PER_SEC + (int64_t)h->tp_nsec, clk_off);
next:
		if (next == 0)
			return;
	}
}

static int
open_ring(const char *ifname, uint8_t **ring)
{
	struct sock_filter snap[] = {
		BPF_STMT(BPF_RET | BPF_K, QS_SNAPLEN),
	};
	struct sock_fprog prog = { 1, snap };
	struct tpacket_req3 req;
	struct sockaddr_ll sll;
	struct ifreq ifr;
	int fd, v;

	/* Protocol 0 until bind: nothing queues before the ring is set up. */
	fd = socket(AF_PACKET, SOCK_RAW, 0);
	if (fd == -1) {
		log_warn("socket(AF_PACKET)");
		return -1;
	}
	memset(&ifr, 0, sizeof(ifr));
	memcpy(ifr.ifr_name, ifname, strlen(ifname));
	if (ioctl(fd, SIOCGIFINDEX, &ifr) == -1) {
		log_warn("interface %s", ifname);
		goto fail;
	}
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ETH_P_ALL);
	sll.sll_ifindex = ifr.ifr_ifindex;
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) == 0 && !(ifr.ifr_flags & IFF_UP))
		log_warnx("interface %s is down; waiting for frames anyway",
		    ifname);

	v = TPACKET_V3;
	if (setsockopt(fd, SOL_PACKET, PACKET_VERSION, &v, sizeof(v)) == -1) {
		log_warn("PACKET_VERSION TPACKET_V3");
		goto fail;
	}
	/* Makes the kernel stamp each frame as it enters the receive path. */
	v = 1;
	if (setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &v, sizeof(v)) == -1)
		log_warn("SO_TIMESTAMPNS; receive times are taken later");
	if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog,
	    sizeof(prog)) == -1)
		log_warn("SO_ATTACH_FILTER; whole frames go to the ring");
	v = 1;
	(void)setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &v,
	    sizeof(v));

	memset(&req, 0, sizeof(req));
	req.tp_block_size = QS_BLOCK_SIZE;
	req.tp_block_nr = QS_BLOCK_NR;
	req.tp_frame_size = QS_FRAME_SIZE;
	req.tp_frame_nr = QS_BLOCK_SIZE / QS_FRAME_SIZE * QS_BLOCK_NR;
	req.tp_retire_blk_tov = QS_BLOCK_TOV_MS;
	if (setsockopt(fd, SOL_PACKET, PACKET_RX_RING, &req,
	    sizeof(req)) == -1) {
		log_warn("PACKET_RX_RING");
		goto fail;
	}
	*ring = mmap(NULL, (size_t)QS_BLOCK_SIZE * QS_BLOCK_NR,
	    PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd, 0);
	if (*ring == MAP_FAILED) {
		log_warn("mmap ring");
		goto fail;
	}
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)) == -1) {
		log_warn("bind %s", ifname);
		munmap(*ring, (size_t)QS_BLOCK_SIZE * QS_BLOCK_NR);
		goto fail;
	}
	return fd;
fail:
	close(fd);
	return -1;
}

/* Adds the kernel's ring-full drops since the last call. */
static void
read_drops(int fd)
{
	struct tpacket_stats_v3 st;
	socklen_t len = sizeof(st);

	memset(&st, 0, sizeof(st));
	if (getsockopt(fd, SOL_PACKET, PACKET_STATISTICS, &st, &len) == 0)
		ring_drops += st.tp_drops;
}

/* ---- the report --------------------------------------------------------- */

struct row {
	const struct sflow *f;
	uint64_t	lost;
	double		pps, bps;
	double		lat_min, lat_mean, lat_p50, lat_p99, lat_max;	/* us */
	double		jitter;					/* us */
};

static void
row_make(struct row *r, const struct sflow *f, const int64_t *lat, size_t n)
{
	r->f = f;
	r->lost = qstats_seq_lost(&f->seq);
	r->pps = qstats_rate(f->packets, f->first_rx, f->last_rx);
	/* Mean frame size times the frame rate: (n - 1) / span like pps. */
	r->bps = f->packets > 0 ? r->pps * (double)f->bytes /
	    (double)f->packets : 0.0;
	r->lat_min = f->lat.n > 0 ? (double)f->lat.min / 1e3 : NAN;
	r->lat_max = f->lat.n > 0 ? (double)f->lat.max / 1e3 : NAN;
	r->lat_mean = qstats_lat_mean(&f->lat) / 1e3;
	r->lat_p50 = n > 0 ? (double)qstats_percentile(lat, n, 50) / 1e3 :
	    NAN;
	r->lat_p99 = n > 0 ? (double)qstats_percentile(lat, n, 99) / 1e3 :
	    NAN;
	r->jitter = qstats_jitter_ns(&f->jit) / 1e3;
}

/* A number, or what the format says for "none" (JSON has no NaN). */
static void
put_num(double v, const char *none, int width)
{
	if (isfinite(v))
		printf("%*.3f", width, v);
	else
		printf("%*s", width, none);
}

static void
put_labels(const struct sflow *f, char sep, int json)
{
	unsigned i;

	for (i = 0; i < f->nlabels; i++)
		printf("%s%" PRIu32, i ? (json ? ", " : (sep == '/' ? "/" :
		    " ")) : "", f->labels[i]);
	if (f->labels_more && !json)
		printf("/+");
}

static int
cmp_id(const void *a, const void *b)
{
	uint32_t x = (*(const struct sflow *const *)a)->id;
	uint32_t y = (*(const struct sflow *const *)b)->id;

	return (x > y) - (x < y);
}

static void
report(enum out_fmt fmt)
{
	static const struct sflow *order[QS_FLOWS_MAX];
	static size_t start[QS_FLOWS_MAX + 1];
	const int64_t *lat;
	const struct sflow *f;
	struct row r;
	unsigned i, idx;

	qstats_samples_finish(&samples, nflows, start);
	lat = qstats_samples_lat(&samples);
	for (i = 0; i < nflows; i++)
		order[i] = &flowv[i];
	qsort(order, nflows, sizeof(order[0]), cmp_id);

	if (fmt == OUT_JSON)
		printf("[");
	else if (fmt == OUT_CSV)
		printf("flow,packets,bytes,lost,reordered,duplicates,pps,bps,"
		    "lat_min_us,lat_mean_us,lat_p50_us,lat_p99_us,lat_max_us,"
		    "jitter_us,labels_seen\n");
	else
		printf("%-10s %10s %12s %8s %8s %8s %12s %14s %11s %11s "
		    "%11s %11s %11s %10s  %s\n", "flow", "packets", "bytes",
		    "lost", "reorder", "dup", "pps", "bytes/s", "lat_min_us",
		    "lat_mean_us", "lat_p50_us", "lat_p99_us", "lat_max_us", "jitter_us",
		    "labels");
	for (i = 0; i < nflows; i++) {
		f = order[i];
		idx = (unsigned)(f - flowv);
		row_make(&r, f, lat + start[idx], start[idx + 1] - start[idx]);
		switch (fmt) {
		case OUT_JSON:
			printf("%s\n {\"flow\": %" PRIu32 ", \"packets\": %"
			    PRIu64 ", \"bytes\": %" PRIu64 ", \"lost\": %"
			    PRIu64 ", \"reordered\": %" PRIu64 ", "
			    "\"duplicates\": %" PRIu64 ", \"pps\": %.3f, "
			    "\"bps\": %.3f", i ? "," : "", f->id, f->packets,
			    f->bytes, r.lost, f->seq.reordered,
			    f->seq.duplicates, r.pps, r.bps);
			printf(", \"lat_min_us\": ");
			put_num(r.lat_min, "null", 0);
			printf(", \"lat_mean_us\": ");
			put_num(r.lat_mean, "null", 0);
			printf(", \"lat_p50_us\": ");
			put_num(r.lat_p50, "null", 0);
			printf(", \"lat_p99_us\": ");
			put_num(r.lat_p99, "null", 0);
			printf(", \"lat_max_us\": ");
			put_num(r.lat_max, "null", 0);
			printf(", \"jitter_us\": ");
			put_num(r.jitter, "null", 0);
			printf(", \"labels_seen\": [");
			put_labels(f, ',', 1);
			printf("]}");
			break;
		case OUT_CSV:
			printf("%" PRIu32 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64
			    ",%" PRIu64 ",%" PRIu64 ",%.3f,%.3f,", f->id,
			    f->packets, f->bytes, r.lost, f->seq.reordered,
			    f->seq.duplicates, r.pps, r.bps);
			put_num(r.lat_min, "", 0);
			printf(",");
			put_num(r.lat_mean, "", 0);
			printf(",");
			put_num(r.lat_p50, "", 0);
			printf(",");
			put_num(r.lat_p99, "", 0);
			printf(",");
			put_num(r.lat_max, "", 0);
			printf(",");
			put_num(r.jitter, "", 0);
			printf(",");
			put_labels(f, '/', 0);
			printf("\n");
			break;
		case OUT_TEXT:
			printf("%-10" PRIu32 " %10" PRIu64 " %12" PRIu64 " %8"
			    PRIu64 " %8" PRIu64 " %8" PRIu64 " %12.1f %14.1f ",
			    f->id, f->packets, f->bytes, r.lost,
			    f->seq.reordered, f->seq.duplicates, r.pps, r.bps);
			put_num(r.lat_min, "-", 11);
			printf(" ");
			put_num(r.lat_mean, "-", 11);
			printf(" ");
			put_num(r.lat_p50, "-", 11);
			printf(" ");
			put_num(r.lat_p99, "-", 11);
			printf(" ");
			put_num(r.lat_max, "-", 11);
			printf(" ");
			put_num(r.jitter, "-", 10);
			printf("  ");
			if (f->nlabels == 0)
				printf("-");
			put_labels(f, '/', 0);
			printf("\n");
			break;
		}
	}
	if (fmt == OUT_JSON)
		printf("%s]\n", nflows > 0 ? "\n" : "");
	fflush(stdout);
}

static void
progress(int64_t now, int64_t t_start, uint64_t *last)
{
	uint64_t lost = 0;
	unsigned i;

	for (i = 0; i < nflows; i++)
		lost += qstats_seq_lost(&flowv[i].seq);
	log_info("%.0f s: %" PRIu64 " frames (%" PRIu64 "/s), %u flows, %"
	    PRIu64 " lost, %" PRIu64 " ring drops%s", (double)(now - t_start) /
	    1e9, n_measured, n_measured - *last, nflows, lost, ring_drops,
	    started ? "" : ", waiting for the first frame");
	*last = n_measured;
}

int
main(int argc, char **argv)
{
	struct sigaction sa;
	struct pollfd pfd;
	struct tpacket_block_desc *bd;
	enum out_fmt fmt = OUT_TEXT;
	const char *ifname = NULL;
	uint8_t *ring = NULL;
	uint64_t v, cap = 0, prog_last = 0;
	unsigned blk = 0;
	int ch, fd, quiet = 0, want_prog;
	int64_t t_start, now, next_prog, stop_by = 0;

	log_init("qsink", LOG_TO_STDERR);
	while ((ch = getopt(argc, argv, "hi:m:n:o:qt:w:")) != -1) {
		switch (ch) {
		case 'i':
			if (optarg[0] == '\0' || strlen(optarg) >= IFNAMSIZ)
				usage_err("-i \"%s\" is not an interface name",
				    optarg);
			ifname = optarg;
			break;
		case 'm':
			if (qt_parse_u64(optarg, 1, QS_SAMPLES_MAX, &v) != 0)
				usage_err("-m must be 1..%" PRIu64,
				    QS_SAMPLES_MAX);
			cap = v;
			break;
		case 'n':
			if (qt_parse_u64(optarg, 1, QS_COUNT_MAX, &v) != 0)
				usage_err("-n must be 1..%" PRIu64,
				    QS_COUNT_MAX);
			count_limit = v;
			break;
		case 'o':
			if (strcmp(optarg, "text") == 0)
				fmt = OUT_TEXT;
			else if (strcmp(optarg, "csv") == 0)
				fmt = OUT_CSV;
			else if (strcmp(optarg, "json") == 0)
				fmt = OUT_JSON;
			else
				usage_err("-o must be text, csv or json");
			break;
		case 'q':
			quiet = 1;
			break;
		case 't':
			if (qt_parse_secs(optarg, QS_SECS_MAX, 0, &secs_ns) != 0)
				usage_err("-t must be seconds, over 0 and at "
				    "most %.0f", QS_SECS_MAX);
			break;
		case 'w':
			/* 0 is a fine warm-up: none. */
			if (qt_parse_secs(optarg, QS_SECS_MAX, 1,
			    &warm_ns) != 0)
				usage_err("-w must be seconds, 0 to %.0f",
				    QS_SECS_MAX);
			break;
		case 'h':
		default:
			usage();
		}
	}
	if (optind != argc)
		usage_err("unexpected argument \"%s\"", argv[optind]);
	if (ifname == NULL)
		usage_err("-i is required");

	/* Every sample's place, allocated now: nothing is per frame. */
	if (cap == 0)
		cap = count_limit != 0 && count_limit < QS_SAMPLES_MAX ?
		    count_limit : QS_SAMPLES_DEF;
	if (qstats_samples_init(&samples, (size_t)cap) != 0) {
		log_warn("latency samples (%" PRIu64 "; -m sets fewer)", cap);
		return 1;
	}
	flowv = calloc(QS_FLOWS_MAX, sizeof(*flowv));
	if (flowv == NULL) {
		log_warn("flow table");
		return 1;
	}
	fd = open_ring(ifname, &ring);
	if (fd == -1)
		return 1;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	/* No SA_RESTART: a signal must cut poll short. */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	want_prog = !quiet && (secs_ns == 0 || secs_ns > 2 * NSEC_PER_SEC);
	if (!quiet)
		log_info("listening on %s", ifname);
	t_start = (int64_t)clock_mono_ns();
	next_prog = t_start + (int64_t)NSEC_PER_SEC;
	pfd.fd = fd;
	pfd.events = POLLIN;
	while (!done) {
		bd = (struct tpacket_block_desc *)(ring +
		    (size_t)blk * QS_BLOCK_SIZE);
		if (__atomic_load_n(&bd->hdr.bh1.block_status,
		    __ATOMIC_ACQUIRE) & TP_STATUS_USER) {
			walk_block((const uint8_t *)bd);
			/* Hand the block back only after reading it all. */
			__atomic_store_n(&bd->hdr.bh1.block_status,
			    TP_STATUS_KERNEL, __ATOMIC_RELEASE);
			blk = (blk + 1) % QS_BLOCK_NR;
		} else
			(void)poll(&pfd, 1, stop_by != 0 ? QS_BLOCK_TOV_MS :
			    QS_POLL_MS);
		now = (int64_t)clock_mono_ns();
		/*
		 * A signal ends the run, but what reached the ring before it
		 * is reported too: the blocks already ours, and the open one,
		 * which the kernel hands over within its timeout.  Whoever
		 * stopped us cannot tell how far behind the ring we were.
		 */
		if (stop && stop_by == 0)
			stop_by = now + (int64_t)QS_DRAIN_NS;
		if (stop_by != 0 && now >= stop_by)
			break;
		if (now >= next_prog) {
			read_drops(fd);
			if (want_prog)
				progress(now, t_start, &prog_last);
			next_prog += (int64_t)NSEC_PER_SEC;
		}
		/* The window has closed and its last block has surely come. */
		if (started && win_end != 0 && now >= win_end +
		    (int64_t)QS_DRAIN_NS)
			break;
	}
	read_drops(fd);
	close(fd);

	report(fmt);
	if (!quiet)
		log_info("%" PRIu64 " frames measured in %u flows; %" PRIu64
		    " foreign, %" PRIu64 " in warm-up, %" PRIu64 " after the "
		    "window, %" PRIu64 " ring drops", n_measured, nflows,
		    n_foreign, n_warmup, n_after, ring_drops);
	if (ring_drops > 0)
		log_warnx("the ring overflowed: %" PRIu64 " frames dropped "
		    "here are counted as lost", ring_drops);
	if (n_untracked > 0)
		log_warnx("%" PRIu64 " frames of flows beyond the first %d "
		    "were not counted", n_untracked, QS_FLOWS_MAX);
	if (samples.dropped > 0)
		log_warnx("the sample array (%zu) filled: percentiles leave "
		    "out the last %" PRIu64 " frames (-m sets more)",
		    samples.cap, samples.dropped);
	return 0;
}
