/*
 * quasar-demux: dom0's data plane.
 *
 * DOC
 *
 * What it does.  It receives on the router's physical ports and, for each
 * MPLS frame (EtherType 0x8847, untagged or under one 802.1Q tag), looks
 * the top label up in the demux table (src/ltable.h).  A hit names the
 * dom0 end of a routelet's VIF by ifindex: the frame goes there unchanged
 * and the routelet does the MPLS work under its own CPU share and rate.  A
 * miss goes to the best-effort label switch (src/belfib.h, the paper's
 * Q-BE router): swap or pop with the uniform TTL model of RFC 3443, a new
 * Ethernet header, out of a port.  A label in neither table is dropped and
 * counted.  Frames that are not MPLS never reach user space: a classic BPF
 * socket filter leaves them to the kernel's IP stack.
 *
 * The classification in the kernel (-x auto, the default).  An XDP program
 * on each port takes the routelets' frames before the kernel makes an skb
 * of them: an untagged unicast MPLS frame for the port's MAC, with a sane
 * stack and a top label in its map, is redirected to the routelet's VIF
 * then and there, in the receiving CPU's softirq, and this process never
 * sees it.  Everything else is XDP_PASS and comes here (or to the IP
 * stack) exactly as without the program: best effort, 802.1Q, drops and
 * their counters stay ours.  The map is ltable's copy, written by ltable's
 * writers in the same call (src/lmap.h).  A port that refuses the program,
 * or a demux started with -x off, classifies in user space as above; the
 * two paths give the same answers, and the tests run in both.
 *
 * Files.
 *   demux.c      this note, options, the poll loop, signals, housekeeping
 *   demux.h      the structures the files below share
 *   ring.c       receive: PACKET_MMAP TPACKET_V2 ring and the BPF filter
 *   port.c       a port's name, ifindex and MAC, followed at run time
 *   classify.c   the per-frame decision (checks, stack walk, lookups)
 *   belswitch.c  the best-effort swap / pop and Ethernet rewrite
 *   txbatch.c    transmit: sendmmsg() batches on one unbound socket
 *   xdp.c        the XDP classifier: load, maps, attach, counters
 *   xdp_prog.bpf.c  the XDP program itself (clang -target bpf)
 *   xdp_abi.h    what the program and xdp.c agree on
 *   xdp_obj.S    the program's object file, built into this binary
 *   tablecmd.c   the "table", "be" and "stats" subcommands (writers, CLI)
 *   src/belfib.[ch]   the best-effort table (seqlock per entry)
 *   src/dxstats.[ch]  the counters file and its layout
 *   src/qstate.[ch]   opening a state directory's files (readers, writers)
 *   src/lmap.[ch]     the XDP label map: published, filled, mirrored
 *   src/xdpfeat.[ch]  whether a VIF takes frames from XDP
 *
 * The data path, per port, per burst of up to DX_BURST frames:
 *   poll() over all ports -> take the slots the kernel filled (no copy,
 *   no syscall) -> classify each: PACKET_OTHERHOST, truncated, runt,
 *   not MPLS dropped; label stack walked to its bottom within the frame;
 *   reserved top label dropped; ltable hit -> message to the VIF (an
 *   802.1Q tag the kernel took off is put back); belfib hit -> TTL, swap
 *   or pop (PHP to IPv4 with RFC 1624 checksum update, or to IPv6, or
 *   exposing the next label), new Ethernet header -> one sendmmsg() for
 *   the burst -> slots given back to the kernel.  Messages point into the
 *   ring (plus a header of our own in front), so frames are never copied
 *   in user space and nothing is allocated per frame.  Two syscalls per
 *   burst under load: the poll and the send.
 *
 * The shared files, in the state directory given with -S (src/qstate.h):
 *   ltable       label -> VIF ifindex; quasard writes, we map it read-only
 *   ltable.xdp   the id of our XDP label map, while it is live
 *   belfib       the best-effort LFIB; quasard writes, we map it read-only
 *   demux.stats  our counters (src/dxstats.h); we write, anyone reads
 * Either table file is created and sized if it is missing, so the demux may
 * start before quasard.  Updates are seen as they are stored: nothing to
 * signal, nothing to restart.  A writer that dies leaves the tables as they
 * were and forwarding goes on; a half-written best-effort entry reads as
 * busy (that frame is dropped, be_busy) until a writer repairs it; an entry
 * belfib_set() would have refused is not followed (be_bad_entry).  A table
 * file replaced by rename is noticed within a second and mapped afresh.
 * demux.stats carries a lock: one demux per state directory.
 *
 * Counters: every drop reason has its own (DXSTATS_COUNTERS).  The first
 * drop of each reason is logged with its port and label; the rest are only
 * counted.  SIGUSR1 writes them all to the log; -j prints them as JSON on
 * exit.  SIGTERM and SIGINT stop the loop cleanly.
 *
 * Not done here: ICMP for expired TTLs (RFC 3032 s2.3.2), fragmentation,
 * multicast MPLS (0x8848), and the pipe TTL model for best-effort LSPs.
 *
 * RFCs: 3031 (architecture), 3032 (label stack encoding, TTL), 3443 (TTL
 * models), 1624 (incremental checksum), 4182 (Explicit NULL anywhere in
 * the stack), 5462 (TC field).
 */
#include <sys/stat.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "demux.h"
#include "log.h"
#include "qstate.h"

/* Housekeeping period: heartbeat, ring drops, ports, replaced tables. */
#define DX_HOUSE_NS	NSEC_PER_SEC
/* The XDP program's counters reach demux.stats this often. */
#define DX_XDP_STATS_NS	(100 * NSEC_PER_MSEC)

struct dx {
	const char		*dir;
	struct dx_port		 port[DX_MAX_PORTS];
	unsigned		 nports;
	struct pollfd		 pfd[DX_MAX_PORTS];
	struct dx_tx		 tx;
	struct ltable		 lt;
	struct belfib		 be;
	struct qstate_file	 lt_file, be_file;
	struct dx_fwd		 fwd;
	struct dxstats		*st;
	int			 st_fd;
	struct dx_xdp		 xdp;
	enum dx_xdp_mode	 xdp_mode;
	uint64_t		 logged; /* drop reasons already logged */
	uint64_t		 next_house;
	uint64_t		 next_xdp_stats;
};

static volatile sig_atomic_t dx_quit, dx_dump;

static void
dx_on_signal(int sig)
{
	if (sig == SIGUSR1)
		dx_dump = 1;
	else
		dx_quit = 1;
}

static _Noreturn void
usage(void)
{
	fprintf(stderr,
	    "usage: quasar-demux -S statedir -i port [-i port ...] "
	    "[-x auto|native|generic|off] [-jv]\n"
	    "       quasar-demux -S statedir table add <label> "
	    "<ifname|ifindex>\n"
	    "       quasar-demux -S statedir table del <label>\n"
	    "       quasar-demux -S statedir table show\n"
	    "       quasar-demux -S statedir be add <label> swap <out-label> "
	    "<nh-mac> <port> [src <mac>]\n"
	    "       quasar-demux -S statedir be add <label> pop <nh-mac> "
	    "<port> [src <mac>]\n"
	    "       quasar-demux -S statedir be del <label>\n"
	    "       quasar-demux -S statedir be show\n"
	    "       quasar-demux -S statedir stats [-j]\n");
	exit(2);
}

static void
dx_log_drop(struct dx *d, unsigned reason, const struct dx_frame *fr,
    uint32_t label)
{
	if (d->logged & (UINT64_C(1) << reason))
		return;
	d->logged |= UINT64_C(1) << reason;
	if (label == UINT32_MAX)
		log_warnx("port %s: dropped a frame (%s: %s); further drops "
		    "of this kind are only counted", d->port[fr->port].name,
		    dxs_ctr_desc[reason].name, dxs_ctr_desc[reason].desc);
	else
		log_warnx("port %s: dropped a frame with label %u (%s: %s); "
		    "further drops of this kind are only counted",
		    d->port[fr->port].name, label, dxs_ctr_desc[reason].name,
		    dxs_ctr_desc[reason].desc);
}

/* One burst from port pi; returns the number of frames taken. */
static unsigned
dx_burst(struct dx *d, unsigned pi)
{
	struct tpacket2_hdr *h[DX_BURST];
	struct dx_port *p = &d->port[pi];
	struct dx_frame fr;
	struct dx_txmsg *m;
	uint32_t label;
	unsigned n, i, r;

	n = dx_ring_peek(&p->ring, h, DX_BURST);
	for (i = 0; i < n; i++) {
		dx_ring_frame(h[i], pi, &fr);
		/* Only with PACKET_IGNORE_OUTGOING missing (old kernels). */
		if (fr.pkttype == PACKET_OUTGOING)
			continue;
		ctr_add(&d->st->ctr[DXS_C_rx], 1);
		ctr_add(&d->st->ctr[DXS_C_rx_bytes], fr.wirelen);
		ctr_add(&d->st->port[pi].rx, 1);
		if (d->tx.n == DX_BATCH)
			dx_tx_flush(&d->tx, d->st);
		m = dx_tx_next(&d->tx);
		r = dx_classify(&d->fwd, &fr, m, &label);
		ctr_add(&d->st->ctr[r], 1);
		if (r == DXS_C_to_routelet || r == DXS_C_to_besteffort)
			dx_tx_commit(&d->tx);
		else
			dx_log_drop(d, r, &fr, label);
	}
	/* Sent before the slots go back: the messages point into them. */
	if (d->tx.n > 0)
		dx_tx_flush(&d->tx, d->st);
	if (n > 0)
		dx_ring_release(&p->ring, h, n);
	return n;
}

static void
dx_port_error(struct dx *d, unsigned pi)
{
	struct dx_port *p = &d->port[pi];
	socklen_t len = sizeof(int);
	int err = 0;

	/* Reading SO_ERROR clears it, so poll() does not spin on it. */
	if (getsockopt(p->ring.fd, SOL_SOCKET, SO_ERROR, &err, &len) == -1)
		err = errno;
	if (err != 0 && err != p->last_err)
		log_warnx("port %s: %s", p->name, strerror(err));
	p->last_err = err;
	(void)d;
}

/* Maps a table file that a writer replaced (renamed over the old path). */
static void
dx_tables_recheck(struct dx *d)
{
	char err[512];
	struct qstate_file qf;
	struct ltable lt;
	struct belfib be;

	if (qstate_replaced(&d->lt_file)) {
		if (qstate_ltable_open(d->dir, 0, &lt, &qf, err,
		    sizeof(err)) == 0) {
			/* The XDP map was filled from the old one: anew. */
			if (d->xdp.obj != NULL)
				dx_xdp_stop(&d->xdp);
			ltable_destroy(&d->lt);
			d->lt = lt;
			d->lt_file = qf;
			log_info("%s replaced: mapped the new one", qf.path);
			if (d->xdp_mode != DX_XDP_OFF)
				(void)dx_xdp_start(&d->xdp, d->xdp_mode,
				    d->dir, &d->lt, d->port, d->nports);
		} else
			log_warnx("%s", err);
	}
	if (qstate_replaced(&d->be_file)) {
		if (qstate_belfib_open(d->dir, 0, &be, &qf, err,
		    sizeof(err)) == 0) {
			belfib_destroy(&d->be);
			d->be = be;
			d->be_file = qf;
			log_info("%s replaced: mapped the new one", qf.path);
		} else
			log_warnx("%s", err);
	}
}

/* The XDP program's counters into demux.stats, as totals. */
static void
dx_xdp_publish(struct dx *d)
{
	static const unsigned map[DX_XDP_NCOUNT] = {
		[DX_XDP_TO_ROUTELET] = DXS_C_xdp_to_routelet,
		[DX_XDP_PASS_MISS] = DXS_C_xdp_pass_miss,
		[DX_XDP_PASS_NOT_MPLS] = DXS_C_xdp_pass_not_mpls,
		[DX_XDP_PASS_OTHER] = DXS_C_xdp_pass_other,
	};
	uint64_t v[DX_XDP_NCOUNT];
	unsigned i;

	atomic_store_explicit(&d->st->ctr[DXS_C_xdp_ports], d->xdp.nattached,
	    memory_order_relaxed);
	if (dx_xdp_counters(&d->xdp, v) == -1)
		return;
	for (i = 0; i < DX_XDP_NCOUNT; i++)
		atomic_store_explicit(&d->st->ctr[map[i]], v[i],
		    memory_order_relaxed);
}

static void
dx_housekeeping(struct dx *d, uint64_t now)
{
	struct dx_port *p;
	uint64_t drops;
	unsigned i;

	atomic_store_explicit(&d->st->heartbeat_ns, now,
	    memory_order_release);
	for (i = 0; i < d->nports; i++) {
		p = &d->port[i];
		drops = dx_ring_drops(&p->ring);
		ctr_add(&d->st->ctr[DXS_C_rx_ring_drops], drops);
		if (drops > 0 && !p->ring_logged) {
			p->ring_logged = 1;
			log_warnx("port %s: receive ring full, the kernel "
			    "dropped %llu frames; further ring drops are only "
			    "counted (rx_ring_drops)", p->name,
			    (unsigned long long)drops);
		}
		if (dx_port_refresh(p) == 1) {
			d->st->port[i].ifindex = p->ifindex;
			dx_xdp_port_changed(&d->xdp, i, p);
		}
	}
	dx_tables_recheck(d);
}

static void
dx_loop(struct dx *d)
{
	struct timespec ts;
	sigset_t mask;
	uint64_t now;
	unsigned i, n;
	int busy = 0, rc;

	/* The signals we handle are blocked except inside ppoll(). */
	sigprocmask(SIG_BLOCK, NULL, &mask);
	sigdelset(&mask, SIGTERM);
	sigdelset(&mask, SIGINT);
	sigdelset(&mask, SIGUSR1);
	d->next_house = 0;
	while (!dx_quit) {
		/*
		 * Busy: frames were left behind; just collect signals.  The
		 * XDP program's frames never wake us: its counters need a
		 * clock of their own.
		 */
		ts.tv_sec = busy || d->xdp.obj != NULL ? 0 : 1;
		ts.tv_nsec = busy || d->xdp.obj == NULL ? 0 :
		    (long)DX_XDP_STATS_NS;
		rc = ppoll(d->pfd, d->nports, &ts, &mask);
		if (rc == -1 && errno != EINTR) {
			log_warn("ppoll");
			break;
		}
		if (dx_dump) {
			dx_dump = 0;
			log_info("counters:");
			dxstats_dump_text(stderr, d->st, 0);
		}
		busy = 0;
		/*
		 * Every port gets one burst per round, full or not, so a
		 * busy port cannot starve the others.
		 */
		for (i = 0; i < d->nports; i++) {
			if (rc > 0 && (d->pfd[i].revents & POLLERR))
				dx_port_error(d, i);
			n = dx_burst(d, i);
			if (n == DX_BURST)
				busy = 1;
		}
		now = clock_mono_ns();
		if (now >= d->next_house) {
			dx_housekeeping(d, now);
			d->next_house = now + DX_HOUSE_NS;
		}
		if (now >= d->next_xdp_stats) {
			dx_xdp_publish(d);
			d->next_xdp_stats = now + DX_XDP_STATS_NS;
		}
	}
}

static int
dx_setup(struct dx *d)
{
	char err[512], path[PATH_MAX];
	struct sigaction sa;
	sigset_t block;
	unsigned i;

	if (qstate_mkdir(d->dir) == -1) {
		log_warn("%s", d->dir);
		return -1;
	}
	snprintf(path, sizeof(path), "%s/%s", d->dir, DXSTATS_FILE);
	if ((d->st = dxstats_create(path, &d->st_fd)) == NULL) {
		if (errno == EWOULDBLOCK)
			log_warnx("%s: another quasar-demux runs on %s", path,
			    d->dir);
		else
			log_warn("%s", path);
		return -1;
	}
	if (qstate_ltable_open(d->dir, 0, &d->lt, &d->lt_file, err,
	    sizeof(err)) == -1) {
		log_warnx("%s", err);
		return -1;
	}
	if (qstate_belfib_open(d->dir, 0, &d->be, &d->be_file, err,
	    sizeof(err)) == -1) {
		log_warnx("%s", err);
		return -1;
	}
	if (dx_tx_open(&d->tx, err, sizeof(err)) == -1) {
		log_warnx("%s", err);
		return -1;
	}
	for (i = 0; i < d->nports; i++) {
		if (dx_port_open(&d->port[i], d->port[i].name, err,
		    sizeof(err)) == -1) {
			log_warnx("%s", err);
			return -1;
		}
		d->pfd[i].fd = d->port[i].ring.fd;
		d->pfd[i].events = POLLIN;
		memcpy(d->st->port[i].name, d->port[i].name,
		    sizeof(d->st->port[i].name));
		d->st->port[i].ifindex = d->port[i].ifindex;
	}
	d->st->nports = d->nports;
	d->fwd.lt = &d->lt;
	d->fwd.be = &d->be;
	d->fwd.ports = d->port;
	d->fwd.nports = d->nports;
	/* Not fatal: without it, user space classifies every frame. */
	if (d->xdp_mode == DX_XDP_OFF)
		log_info("XDP classifier off (-x off): classifying in user "
		    "space");
	else
		(void)dx_xdp_start(&d->xdp, d->xdp_mode, d->dir, &d->lt,
		    d->port, d->nports);
	dx_xdp_publish(d);
	/* Only now: a reader that sees us running sees the classifier too. */
	dxstats_publish(d->st);

	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGUSR1);
	sigprocmask(SIG_BLOCK, &block, NULL);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = dx_on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	return 0;
}

/* Safe on a partly set up struct dx: everything starts as "not open". */
static void
dx_teardown(struct dx *d)
{
	unsigned i;

	/* Before the table goes: writers stop mirroring into its map. */
	dx_xdp_stop(&d->xdp);
	for (i = 0; i < d->nports; i++)
		dx_port_close(&d->port[i]);
	dx_tx_close(&d->tx);
	if (d->lt.map != NULL)
		ltable_destroy(&d->lt);
	qstate_file_close(&d->lt_file);
	belfib_destroy(&d->be);
	qstate_file_close(&d->be_file);
	dxstats_close(d->st, d->st_fd);
	d->st = NULL;
	d->st_fd = -1;
}

int
main(int argc, char **argv)
{
	static struct dx d;	/* large (the TX batch): not on the stack */
	const char *dir = NULL;
	unsigned i;
	int ch, json = 0, verbose = 0, rc = 1;

	log_init("quasar-demux", LOG_TO_STDERR);
	d.st_fd = -1;
	d.tx.fd = -1;
	d.be.fd = -1;
	d.lt_file.lockfd = d.be_file.lockfd = -1;
	for (i = 0; i < DX_MAX_PORTS; i++) {
		d.port[i].ring.fd = -1;
		d.xdp.link[i] = -1;
	}
	d.xdp.labels_fd = d.xdp.ports_fd = d.xdp.counts_fd = -1;
	d.xdp_mode = DX_XDP_AUTO;
	/* '+': options end at the subcommand, which parses its own. */
	while ((ch = getopt(argc, argv, "+S:i:jvx:h")) != -1) {
		switch (ch) {
		case 'S':
			dir = optarg;
			break;
		case 'i':
			if (d.nports == DX_MAX_PORTS) {
				fprintf(stderr, "quasar-demux: at most %d "
				    "ports\n", DX_MAX_PORTS);
				return 2;
			}
			if (strlen(optarg) >= IF_NAMESIZE) {
				fprintf(stderr, "quasar-demux: %s: interface "
				    "name too long\n", optarg);
				return 2;
			}
			snprintf(d.port[d.nports++].name, IF_NAMESIZE, "%s",
			    optarg);
			break;
		case 'j':
			json = 1;
			break;
		case 'x':
			if (dx_xdp_mode_parse(optarg, &d.xdp_mode) == -1) {
				fprintf(stderr, "quasar-demux: -x %s: auto, "
				    "native, generic or off\n", optarg);
				return 2;
			}
			break;
		case 'v':
			verbose++;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	log_setverbose(verbose);
	if (dir == NULL)
		usage();
	if (argc > 0)
		return dx_cmd(dir, argc, argv);
	if (d.nports == 0)
		usage();

	d.dir = dir;
	if (dx_setup(&d) == 0) {
		log_info("forwarding on %u port%s, state in %s", d.nports,
		    d.nports == 1 ? "" : "s", dir);
		dx_loop(&d);
		rc = dx_quit ? 0 : 1;
		log_info("stopping");
		dx_xdp_publish(&d);
		atomic_store_explicit(&d.st->running, 0,
		    memory_order_release);
		if (json) {
			dxstats_dump_json(stdout, d.st);
			fputc('\n', stdout);
			fflush(stdout);
		}
	}
	dx_teardown(&d);
	return rc;
}
