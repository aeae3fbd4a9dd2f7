/*
 * qgen: a paced traffic generator for per-flow latency, jitter and isolation
 * measurements (the QuaSAR paper, section VI), sending frames qsink
 * recognises.
 *
 *   qgen -i ifname [-d dstmac] [-s srcmac] -f flowspec [-f flowspec ...]
 *        [-t seconds] [-n count] [-b batch] [-C mono|real] [-o text|json] [-q]
 *
 *   flowspec: id=N,label=L,rate=PPS,size=BYTES[,burst=K][,ttl=T][,dst=MAC]
 *
 * Each flow has a deterministic schedule: its frames come in bursts of K
 * (1 unless burst= says otherwise) and burst j is due exactly
 * j * K / rate seconds after the start, so K frames go back to back and the
 * flow then waits K intervals (the paper's burst pattern) and the long-run
 * rate is exact.  A frame due in the past is sent at once: a sender that
 * falls behind catches up as fast as it can rather than losing frames, and
 * late_max_us in the report says by how much it was late.  Gaps over 50 us
 * are slept in clock_nanosleep (with 1 ns timer slack) up to 50 us before
 * the deadline and the rest is spun, so frames leave within a few
 * microseconds of their time without burning a core at low rates.
 *
 * Frames go out through an AF_PACKET socket bound to the interface (run it
 * in a namespace with "ip netns exec"), up to -b at a time with sendmmsg.
 * Each frame's send time is read from the clock as the frame is filled,
 * just before the sendmmsg that sends it.  ENOBUFS means the local kernel
 * dropped that frame (the interface's queue was full, or a tc action
 * dropped it): it is counted in dropped and its sequence number is used
 * up, so the sink sees it lost, which it is.  Retrying it instead would
 * livelock every flow behind a frame a tc filter always drops.  EINTR puts
 * the unsent frames back in the schedule.  Any other send error loses that
 * one frame too, is counted in errors, and makes the exit status 1.
 *
 * -t bounds the schedule: frames due before t seconds are sent, and the
 * run stops at t + 0.1 s whatever is left, so a rate the sender cannot
 * reach still ends on time.  -n counts frames per flow.  With both, a flow
 * stops at whichever comes first; with neither, at SIGINT or SIGTERM.
 *
 * Exit status: 0 all sent, 1 send or setup errors, 2 usage.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <linux/if_ether.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <netinet/in.h>
#include <linux/if_packet.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "ether.h"
#include "log.h"
#include "mpls.h"
#include "qtraffic.h"

#define QG_FLOWS_MAX	256
#define QG_BATCH_MAX	1024		/* UIO_MAXIOV: sendmmsg's own limit */
#define QG_BATCH_DEF	64
#define QG_RATE_MAX	100000000u	/* pps; keeps the schedule in 64 bits */
#define QG_BURST_MAX	100000u
#define QG_COUNT_MAX	UINT64_C(1000000000000)
#define QG_SECS_MAX	1e6
#define QG_SPIN_NS	(50 * NSEC_PER_USEC)
#define QG_GRACE_NS	(100 * NSEC_PER_MSEC)
#define QG_NOBUFS_NS	(20 * NSEC_PER_USEC)
#define QG_HARD_ERR_MAX	10000		/* consecutive: give up, not spin */
#define QG_SNDBUF	(4 << 20)

struct gflow {
	/* From the flow spec. */
	uint32_t	id;
	uint32_t	label;
	uint64_t	rate;
	uint64_t	size;
	uint64_t	burst;
	uint8_t		ttl;
	int		has_dst;
	uint8_t		dst[ETHER_ADDR_LEN];

	struct qt_tmpl	tmpl;
	struct sockaddr_ll sll;

	/* Schedule: frame n (also its sequence number) is due at "due". */
	uint64_t	n;
	uint64_t	due;
	int		done;

	uint64_t	sent;
	uint64_t	errors;
	uint64_t	dropped;	/* ENOBUFS: the local kernel dropped it */
	uint64_t	late_max;	/* ns, send stamp past due */
	uint64_t	last_tx;	/* monotonic, after the send returned */
	uint64_t	prog_sent;	/* at the last progress line */
};

struct slot {
	uint8_t		hdr[QT_HDRS_MAX];
	struct iovec	iov[2];
	unsigned	flow;
	uint64_t	seq;
};

static struct gflow flows[QG_FLOWS_MAX];
static unsigned nflows;
static unsigned heap[QG_FLOWS_MAX];	/* flow indexes, earliest due first */
static unsigned nheap;

static struct slot slots[QG_BATCH_MAX];
static struct mmsghdr msgs[QG_BATCH_MAX];
static uint8_t zeros[QT_SIZE_MAX];	/* every frame's padding */

static uint64_t t0;
static uint64_t deadline;		/* 0: none */
static uint64_t count_limit = UINT64_MAX;
static clockid_t stamp_clock = CLOCK_MONOTONIC;

static volatile sig_atomic_t stop;

static void
usage(void)
{
	fprintf(stderr,
	    "usage: qgen -i ifname [-d dstmac] [-s srcmac] -f flowspec "
	    "[-f flowspec ...]\n"
	    "            [-t seconds] [-n count] [-b batch] [-C mono|real] "
	    "[-o text|json] [-q]\n"
	    "  flowspec: id=N,label=L,rate=PPS,size=BYTES[,burst=K][,ttl=T]"
	    "[,dst=MAC]\n"
	    "  label 0 sends plain IPv4/UDP; size is the frame without FCS "
	    "(%d..%d);\n"
	    "  -n is frames per flow; -b is 1..%d (default %d)\n",
	    QT_SIZE_MIN, QT_SIZE_MAX, QG_BATCH_MAX, QG_BATCH_DEF);
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
	fprintf(stderr, "(qgen -h for usage)\n");
	exit(2);
}

static void
on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static uint64_t
now_on(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return (uint64_t)ts.tv_sec * NSEC_PER_SEC + (uint64_t)ts.tv_nsec;
}

/* Offset of frame n from the start: its burst's first frame's time. */
static uint64_t
sched_offset(const struct gflow *f, uint64_t n)
{
	uint64_t m = n / f->burst * f->burst;

	/* Split so that (m % rate) * 1e9 < 1e17 cannot overflow. */
	return m / f->rate * NSEC_PER_SEC + m % f->rate * NSEC_PER_SEC /
	    f->rate;
}

static void
flow_resched(struct gflow *f)
{
	f->due = t0 + sched_offset(f, f->n);
	f->done = f->n >= count_limit || (deadline != 0 && f->due >= deadline);
}

/* ---- a binary min-heap of flows by due time -------------------------- */

static int
heap_less(unsigned a, unsigned b)
{
	if (flows[a].due != flows[b].due)
		return flows[a].due < flows[b].due;
	return a < b;		/* equal times: in flow order, every time */
}

static void
heap_down(unsigned i)
{
	unsigned l, r, m, tmp;

	for (;;) {
		l = 2 * i + 1;
		r = l + 1;
		m = i;
		if (l < nheap && heap_less(heap[l], heap[m]))
			m = l;
		if (r < nheap && heap_less(heap[r], heap[m]))
			m = r;
		if (m == i)
			return;
		tmp = heap[i];
		heap[i] = heap[m];
		heap[m] = tmp;
		i = m;
	}
}

static void
heap_build(void)
{
	unsigned i;

	nheap = 0;
	for (i = 0; i < nflows; i++)
		if (!flows[i].done)
			heap[nheap++] = i;
	for (i = nheap / 2; i-- > 0;)
		heap_down(i);
}

/* The top flow's due time changed (it only ever moves later). */
static void
heap_top_changed(void)
{
	if (flows[heap[0]].done) {
		heap[0] = heap[--nheap];
		if (nheap == 0)
			return;
	}
	heap_down(0);
}

/* ---- arguments --------------------------------------------------------- */

static int
flow_id_used(uint32_t id)
{
	unsigned i;

	for (i = 0; i < nflows; i++)
		if (flows[i].id == id)
			return 1;
	return 0;
}

static void
parse_flowspec(const char *spec)
{
	struct gflow *f;
	const char *s, *comma, *eq;
	char key[16], val[64];
	size_t klen, vlen;
	uint64_t v;
	unsigned seen = 0, bit;

	if (nflows == QG_FLOWS_MAX)
		usage_err("too many flows (at most %d)", QG_FLOWS_MAX);
	f = &flows[nflows];
	memset(f, 0, sizeof(*f));
	f->burst = 1;
	f->ttl = 64;
	for (s = spec;; s = comma + 1) {
		comma = strchr(s, ',');
		if (comma == NULL)
			comma = s + strlen(s);
		eq = memchr(s, '=', (size_t)(comma - s));
		if (eq == NULL || eq == s)
			usage_err("flow spec \"%s\": \"%.*s\" is not key=value",
			    spec, (int)(comma - s), s);
		klen = (size_t)(eq - s);
		vlen = (size_t)(comma - eq - 1);
		if (klen >= sizeof(key) || vlen >= sizeof(val))
			usage_err("flow spec \"%s\": \"%.*s\" is too long",
			    spec, (int)(comma - s), s);
		memcpy(key, s, klen);
		key[klen] = '\0';
		memcpy(val, eq + 1, vlen);
		val[vlen] = '\0';

		if (strcmp(key, "id") == 0) {
			bit = 1;
			if (qt_parse_u64(val, 0, UINT32_MAX, &v) != 0)
				usage_err("flow spec \"%s\": id must be "
				    "0..%" PRIu32, spec, UINT32_MAX);
			f->id = (uint32_t)v;
		} else if (strcmp(key, "label") == 0) {
			bit = 2;
			if (qt_parse_u64(val, 0, MPLS_LABEL_MAX, &v) != 0 ||
			    (v != 0 && mpls_label_reserved((uint32_t)v)))
				usage_err("flow spec \"%s\": label must be 0 "
				    "(plain IPv4) or %d..%u", spec,
				    MPLS_LABEL_FIRST_UNRESERVED,
				    MPLS_LABEL_MAX);
			f->label = (uint32_t)v;
		} else if (strcmp(key, "rate") == 0) {
			bit = 4;
			if (qt_parse_u64(val, 1, QG_RATE_MAX, &v) != 0)
				usage_err("flow spec \"%s\": rate must be "
				    "1..%u frames per second", spec,
				    QG_RATE_MAX);
			f->rate = v;
		} else if (strcmp(key, "size") == 0) {
			bit = 8;
			if (qt_parse_u64(val, QT_SIZE_MIN, QT_SIZE_MAX, &v) != 0)
				usage_err("flow spec \"%s\": size must be "
				    "%d..%d bytes", spec, QT_SIZE_MIN,
				    QT_SIZE_MAX);
			f->size = v;
		} else if (strcmp(key, "burst") == 0) {
			bit = 16;
			if (qt_parse_u64(val, 1, QG_BURST_MAX, &v) != 0)
				usage_err("flow spec \"%s\": burst must be "
				    "1..%u", spec, QG_BURST_MAX);
			f->burst = v;
		} else if (strcmp(key, "ttl") == 0) {
			bit = 32;
			if (qt_parse_u64(val, 0, 255, &v) != 0)
				usage_err("flow spec \"%s\": ttl must be "
				    "0..255", spec);
			f->ttl = (uint8_t)v;
		} else if (strcmp(key, "dst") == 0) {
			bit = 64;
			if (ether_addr_parse(val, f->dst) != 0)
				usage_err("flow spec \"%s\": dst \"%s\" is not "
				    "a MAC address", spec, val);
			f->has_dst = 1;
		} else
			usage_err("flow spec \"%s\": unknown key \"%s\"", spec,
			    key);
		if (seen & bit)
			usage_err("flow spec \"%s\": \"%s\" given twice", spec,
			    key);
		seen |= bit;
		if (*comma == '\0')
			break;
	}
	if ((seen & 15) != 15)
		usage_err("flow spec \"%s\": id, label, rate and size are "
		    "required", spec);
	if (f->size < qt_size_min(f->label))
		usage_err("flow spec \"%s\": size %" PRIu64 " is too small: "
		    "a %s frame with the measurement header is %zu bytes at "
		    "least", spec, f->size, f->label ? "labelled" : "plain",
		    qt_size_min(f->label));
	if (flow_id_used(f->id))
		usage_err("flow id %" PRIu32 " given twice", f->id);
	nflows++;
}

/* ---- the interface ------------------------------------------------------ */

static int
open_if(const char *ifname, int *ifindex, uint8_t mac[ETHER_ADDR_LEN],
    unsigned *mtu)
{
	struct sockaddr_ll sll;
	struct ifreq ifr;
	int fd, v;

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
	*ifindex = ifr.ifr_ifindex;
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) == -1) {
		log_warn("SIOCGIFFLAGS %s", ifname);
		goto fail;
	}
	if (!(ifr.ifr_flags & IFF_UP)) {
		log_warnx("interface %s is down", ifname);
		goto fail;
	}
	if (ioctl(fd, SIOCGIFMTU, &ifr) == -1) {
		log_warn("SIOCGIFMTU %s", ifname);
		goto fail;
	}
	*mtu = (unsigned)ifr.ifr_mtu;
	if (ioctl(fd, SIOCGIFHWADDR, &ifr) == -1) {
		log_warn("SIOCGIFHWADDR %s", ifname);
		goto fail;
	}
	if (ifr.ifr_hwaddr.sa_family != ARPHRD_ETHER) {
		log_warnx("interface %s is not Ethernet", ifname);
		goto fail;
	}
	memcpy(mac, ifr.ifr_hwaddr.sa_data, ETHER_ADDR_LEN);

	/*
	 * Protocol 0: this socket only sends, so the kernel hands it no
	 * received frames to queue and drop.
	 */
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = 0;
	sll.sll_ifindex = *ifindex;
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)) == -1) {
		log_warn("bind %s", ifname);
		goto fail;
	}
	/* Room for a few batches in flight; root may exceed wmem_max. */
	v = QG_SNDBUF;
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &v, sizeof(v)) == -1)
		(void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &v, sizeof(v));
	return fd;
fail:
	close(fd);
	return -1;
}

/* ---- sending ------------------------------------------------------------ */

/*
 * Sleeps then spins until the monotonic clock reaches t, or a signal.  The
 * sleep ends QG_SPIN_NS early because a wake-up can be that late.
 */
static void
wait_until(uint64_t t)
{
	struct timespec ts;
	uint64_t now = clock_mono_ns();

	if (t > now + QG_SPIN_NS) {
		ts.tv_sec = (time_t)((t - QG_SPIN_NS) / NSEC_PER_SEC);
		ts.tv_nsec = (long)((t - QG_SPIN_NS) % NSEC_PER_SEC);
		(void)clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts,
		    NULL);
	}
	while (!stop && clock_mono_ns() < t)
		;
}

/* Fills up to batch slots with the frames due by now, earliest first. */
static unsigned
fill_batch(unsigned batch, uint64_t now)
{
	struct gflow *f;
	struct slot *sl;
	unsigned fi, k = 0;
	uint64_t ts, mono;

	while (k < batch && nheap > 0 && flows[heap[0]].due <= now) {
		fi = heap[0];
		f = &flows[fi];
		sl = &slots[k];
		memcpy(sl->hdr, f->tmpl.hdr, f->tmpl.hlen);
		/* The send time, read as this frame is filled. */
		ts = now_on(stamp_clock);
		mono = stamp_clock == CLOCK_MONOTONIC ? ts : clock_mono_ns();
		qt_stamp(sl->hdr, &f->tmpl, f->n, ts);
		if (mono > f->due && mono - f->due > f->late_max)
			f->late_max = mono - f->due;
		sl->iov[0].iov_base = sl->hdr;
		sl->iov[0].iov_len = f->tmpl.hlen;
		sl->iov[1].iov_base = zeros;
		sl->iov[1].iov_len = f->tmpl.size - f->tmpl.hlen;
		memset(&msgs[k], 0, sizeof(msgs[k]));
		msgs[k].msg_hdr.msg_name = &f->sll;
		msgs[k].msg_hdr.msg_namelen = sizeof(f->sll);
		msgs[k].msg_hdr.msg_iov = sl->iov;
		msgs[k].msg_hdr.msg_iovlen = sl->iov[1].iov_len > 0 ? 2 : 1;
		sl->flow = fi;
		sl->seq = f->n;
		f->n++;
		flow_resched(f);
		heap_top_changed();
		k++;
	}
	return k;
}

/* Puts the frames of slots [from, k) back in their flows' schedules. */
static void
unsend(unsigned from, unsigned k)
{
	unsigned i;

	for (i = from; i < k; i++)
		if (slots[i].seq < flows[slots[i].flow].n)
			flows[slots[i].flow].n = slots[i].seq;
	for (i = from; i < k; i++)
		flow_resched(&flows[slots[i].flow]);
	heap_build();
}

/*
 * Sends slots [0, k).  Returns -1 after QG_HARD_ERR_MAX consecutive hard
 * errors, else 0.
 */
static int
send_batch(int fd, unsigned k)
{
	static unsigned hard_run;
	struct timespec ts;
	unsigned off = 0, i;
	uint64_t now;
	int r, full = 0;

	while (off < k) {
		r = sendmmsg(fd, &msgs[off], k - off, 0);
		if (r > 0) {
			now = clock_mono_ns();
			for (i = off; i < off + (unsigned)r; i++) {
				flows[slots[i].flow].sent++;
				flows[slots[i].flow].last_tx = now;
			}
			off += (unsigned)r;
			hard_run = 0;
			continue;
		}
		if (r == 0 || errno == EINTR || errno == EAGAIN) {
			/* Nothing of these went: back in the schedule. */
			unsend(off, k);
			return 0;
		}
		if (errno == ENOBUFS) {
			/*
			 * The kernel took the frame and dropped it: our queue
			 * is full or a tc action said so.  A partial send
			 * above has already retried it once.
			 */
			flows[slots[off].flow].dropped++;
			off++;
			full = 1;
			continue;
		}
		/* This frame cannot be sent; the ones after it still may. */
		if (flows[slots[off].flow].errors++ < 3)
			log_warn("flow %" PRIu32 " seq %" PRIu64 ": send",
			    flows[slots[off].flow].id, slots[off].seq);
		off++;
		if (++hard_run >= QG_HARD_ERR_MAX) {
			log_warnx("%d send errors in a row, giving up",
			    QG_HARD_ERR_MAX);
			return -1;
		}
	}
	if (full) {
		/* Let a full queue drain a little before the next batch. */
		ts.tv_sec = 0;
		ts.tv_nsec = (long)QG_NOBUFS_NS;
		(void)clock_nanosleep(CLOCK_MONOTONIC, 0, &ts, NULL);
	}
	return 0;
}

/* ---- reports ----------------------------------------------------------- */

/*
 * Achieved rate: frames sent over the time the schedule covered, which is
 * up to the next frame's due time when the flow kept up (so a flow that kept
 * up reports its rate exactly) and up to its last send when it did not.
 */
static double
flow_pps(const struct gflow *f)
{
	uint64_t span = sched_offset(f, f->n);

	if (f->last_tx > t0 && f->last_tx - t0 > span)
		span = f->last_tx - t0;
	return span > 0 ? (double)f->sent * 1e9 / (double)span : 0.0;
}

static void
progress(uint64_t now)
{
	char line[1024];
	size_t off;
	uint64_t total = 0, d;
	unsigned i;

	for (i = 0; i < nflows; i++)
		total += flows[i].sent;
	off = (size_t)snprintf(line, sizeof(line), "%.0f s: %" PRIu64
	    " sent", (double)(now - t0) / 1e9, total);
	for (i = 0; i < nflows && i < 8 && off < sizeof(line); i++) {
		d = flows[i].sent - flows[i].prog_sent;
		off += (size_t)snprintf(line + off, sizeof(line) - off,
		    "%s flow %" PRIu32 " %" PRIu64 " pps", i ? "," : ";",
		    flows[i].id, d);
	}
	for (i = 0; i < nflows; i++)
		flows[i].prog_sent = flows[i].sent;
	log_info("%s", line);
}

static void
report(int json)
{
	const struct gflow *f;
	unsigned i;

	if (json)
		printf("[");
	else
		printf("%-10s %7s %5s %9s %6s %12s %12s %8s %8s %12s\n",
		    "flow", "label", "size", "rate", "burst", "sent", "pps",
		    "errors", "dropped", "late_max_us");
	for (i = 0; i < nflows; i++) {
		f = &flows[i];
		if (json)
			printf("%s\n {\"flow\": %" PRIu32 ", \"label\": %"
			    PRIu32 ", \"size\": %" PRIu64 ", \"rate\": %"
			    PRIu64 ", \"burst\": %" PRIu64 ", \"sent\": %"
			    PRIu64 ", \"pps\": %.3f, \"errors\": %" PRIu64
			    ", \"dropped\": %" PRIu64 ", \"late_max_us\": "
			    "%.3f}", i ? "," : "", f->id, f->label, f->size,
			    f->rate, f->burst, f->sent, flow_pps(f),
			    f->errors, f->dropped, (double)f->late_max / 1e3);
		else
			printf("%-10" PRIu32 " %7" PRIu32 " %5" PRIu64 " %9"
			    PRIu64 " %6" PRIu64 " %12" PRIu64 " %12.1f %8"
			    PRIu64 " %8" PRIu64 " %12.3f\n", f->id, f->label,
			    f->size, f->rate, f->burst, f->sent, flow_pps(f),
			    f->errors, f->dropped, (double)f->late_max / 1e3);
	}
	if (json)
		printf("\n]\n");
	fflush(stdout);
}

int
main(int argc, char **argv)
{
	struct sigaction sa;
	const char *ifname = NULL;
	uint8_t dst[ETHER_ADDR_LEN] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	uint8_t src[ETHER_ADDR_LEN], ifmac[ETHER_ADDR_LEN];
	uint64_t v, secs_ns = 0, now, hard_end = 0, next_prog, plan, t;
	unsigned batch = QG_BATCH_DEF, mtu, i, k;
	int ch, fd, ifindex, have_src = 0, json = 0, quiet = 0, rc = 0;
	int want_prog;
	struct gflow *f;

	log_init("qgen", LOG_TO_STDERR);
	while ((ch = getopt(argc, argv, "b:C:d:f:hi:n:o:qs:t:")) != -1) {
		switch (ch) {
		case 'b':
			if (qt_parse_u64(optarg, 1, QG_BATCH_MAX, &v) != 0)
				usage_err("-b must be 1..%d", QG_BATCH_MAX);
			batch = (unsigned)v;
			break;
		case 'C':
			if (strcmp(optarg, "mono") == 0)
				stamp_clock = CLOCK_MONOTONIC;
			else if (strcmp(optarg, "real") == 0)
				stamp_clock = CLOCK_REALTIME;
			else
				usage_err("-C must be mono or real");
			break;
		case 'd':
			if (ether_addr_parse(optarg, dst) != 0)
				usage_err("-d \"%s\" is not a MAC address",
				    optarg);
			break;
		case 'f':
			parse_flowspec(optarg);
			break;
		case 'i':
			if (optarg[0] == '\0' || strlen(optarg) >= IFNAMSIZ)
				usage_err("-i \"%s\" is not an interface name",
				    optarg);
			ifname = optarg;
			break;
		case 'n':
			if (qt_parse_u64(optarg, 1, QG_COUNT_MAX, &v) != 0)
				usage_err("-n must be 1..%" PRIu64,
				    QG_COUNT_MAX);
			count_limit = v;
			break;
		case 'o':
			if (strcmp(optarg, "json") == 0)
				json = 1;
			else if (strcmp(optarg, "text") == 0)
				json = 0;
			else
				usage_err("-o must be text or json");
			break;
		case 'q':
			quiet = 1;
			break;
		case 's':
			if (ether_addr_parse(optarg, src) != 0)
				usage_err("-s \"%s\" is not a MAC address",
				    optarg);
			if (!ether_addr_is_unicast(src))
				usage_err("-s %s: a source MAC must be "
				    "unicast", optarg);
			have_src = 1;
			break;
		case 't':
			if (qt_parse_secs(optarg, QG_SECS_MAX, 0, &secs_ns) != 0)
				usage_err("-t must be seconds, over 0 and at "
				    "most %.0f", QG_SECS_MAX);
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
	if (nflows == 0)
		usage_err("at least one -f flow spec is required");

	fd = open_if(ifname, &ifindex, ifmac, &mtu);
	if (fd == -1)
		return 1;
	if (!have_src)
		memcpy(src, ifmac, ETHER_ADDR_LEN);
	for (i = 0; i < nflows; i++) {
		f = &flows[i];
		/* The kernel refuses a frame over MTU + the link header. */
		if (f->size > (uint64_t)mtu + ETHER_HDR_LEN) {
			log_warnx("flow %" PRIu32 ": size %" PRIu64 " is over "
			    "%s's MTU %u + %d", f->id, f->size, ifname, mtu,
			    ETHER_HDR_LEN);
			return 2;
		}
		if (qt_tmpl_build(&f->tmpl, f->has_dst ? f->dst : dst, src,
		    f->label, f->ttl, f->id, stamp_clock == CLOCK_MONOTONIC ?
		    QT_MAGIC_MONO : QT_MAGIC_REAL, f->size) != 0)
			fatalx("flow %" PRIu32 ": template", f->id);
		f->sll.sll_family = AF_PACKET;
		f->sll.sll_ifindex = ifindex;
		f->sll.sll_protocol = htons(f->label ? ETH_P_MPLS_UC :
		    ETH_P_IP);
		f->sll.sll_halen = ETHER_ADDR_LEN;
		memcpy(f->sll.sll_addr, f->has_dst ? f->dst : dst,
		    ETHER_ADDR_LEN);
	}

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	/* No SA_RESTART: a signal must cut a sleep short. */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	/* The default 50 us of timer slack would be the pacing error. */
	(void)prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);

	/*
	 * Progress only for runs planned over 2 s (or unbounded): the planned
	 * length is -t, or the longest flow's -n frames at its rate.
	 */
	plan = 0;
	if (count_limit != UINT64_MAX)
		for (i = 0; i < nflows; i++) {
			t = sched_offset(&flows[i], count_limit - 1);
			if (t > plan)
				plan = t;
		}
	if (secs_ns != 0 && (plan == 0 || secs_ns < plan))
		plan = secs_ns;
	want_prog = !quiet && (count_limit == UINT64_MAX && secs_ns == 0 ?
	    1 : plan > 2 * NSEC_PER_SEC);

	t0 = clock_mono_ns();
	if (secs_ns != 0) {
		deadline = t0 + secs_ns;
		hard_end = deadline + QG_GRACE_NS;
	}
	for (i = 0; i < nflows; i++)
		flow_resched(&flows[i]);
	heap_build();
	next_prog = t0 + NSEC_PER_SEC;

	while (!stop && nheap > 0) {
		now = clock_mono_ns();
		if (hard_end != 0 && now >= hard_end)
			break;
		if (now >= next_prog) {
			if (want_prog)
				progress(now);
			next_prog += NSEC_PER_SEC;
		}
		if (flows[heap[0]].due > now) {
			t = flows[heap[0]].due;
			if (next_prog < t)
				t = next_prog;
			if (hard_end != 0 && hard_end < t)
				t = hard_end;
			wait_until(t);
			continue;
		}
		k = fill_batch(batch, now);
		if (send_batch(fd, k) != 0) {
			rc = 1;
			break;
		}
	}
	close(fd);

	report(json);
	for (i = 0; i < nflows; i++)
		if (flows[i].errors > 0)
			rc = 1;
	return rc;
}
