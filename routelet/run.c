/*
 * `routelet run`: the engine inside a local routelet domain.
 *
 * Started by the local backend in a fresh network namespace whose eth0..
 * eth<n-1> are the routelet's ends of its VIFs, with its control channel on
 * a file descriptor (protocol: src/rlctl.h).  It brings the VIFs up, opens
 * one AF_PACKET socket on each, then gives up everything it does not need
 * to forward: it becomes an unprivileged user, can gain nothing back
 * (no_new_privs), and a seccomp filter refuses PACKET_QDISC_BYPASS, the one
 * socket option that would let it send around the rate limit dom0 put on
 * its VIF.  Only then does it say "ready"; dom0 pauses it until it has a
 * flow.
 *
 * The loop: poll the VIF sockets and the control channel; a readable VIF
 * gives up to RL_BURST frames in one recvmmsg(), or, once it has carried
 * traffic, from its receive ring (io_ring.c); they run through the
 * engine; frames the shapers let go leave in one sendmmsg() per VIF.  A
 * configuration arrives between bursts, so it applies at once with no wait.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <linux/audit.h>
#include <linux/ethtool.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/seccomp.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <poll.h>
#include <pwd.h>
#include <sched.h>
#include <grp.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "engine.h"
#include "io_ring.h"
#include "log.h"
#include "rlctl.h"
#include "routelet.h"
#include "run.h"

#define RUN_RCVBUF	(4 << 20)

const struct counter_desc run_ctr_desc[RUN_C_COUNT] = {
#define RUN_CTR_DESC(n, d)	{ #n, d },
	RUN_COUNTERS(RUN_CTR_DESC)
#undef RUN_CTR_DESC
};


static volatile sig_atomic_t run_quit;

static void
run_sig(int sig)
{
	(void)sig;
	run_quit = 1;
}

static int
vif_up(const char *ifname, int wait_ms)
{
	struct ethtool_value ev = { .cmd = ETHTOOL_SGRO, .data = 1 };
	struct ifreq ifr;
	int fd, rv = -1, waited = 0;

	if ((fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1) {
		log_warn("socket");
		return -1;
	}
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	/* dom0 creates the VIFs before it starts us, but do not race it. */
	while (ioctl(fd, SIOCGIFFLAGS, &ifr) == -1) {
		if (errno != ENODEV || waited >= wait_ms) {
			log_warn("%s", ifname);
			goto out;
		}
		usleep(10000);
		waited += 10;
	}
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(fd, SIOCSIFFLAGS, &ifr) == -1) {
		log_warn("%s: up", ifname);
		goto out;
	}
	/*
	 * GRO gives a veth end a NAPI context, and only then may dom0's XDP
	 * classifier hand it frames; without it dom0 sends them from user
	 * space, so a refusal costs speed, not frames.
	 */
	ifr.ifr_data = (void *)&ev;
	if (ioctl(fd, SIOCETHTOOL, &ifr) == -1)
		log_warn("%s: GRO", ifname);
	rv = 0;
out:
	close(fd);
	return rv;
}

static int
vif_open(const char *ifname)
{
	struct sockaddr_ll sll;
	int fd, one = 1, rcvbuf = RUN_RCVBUF;

	fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    htons(ETH_P_ALL));
	if (fd == -1) {
		log_warn("%s: packet socket", ifname);
		return -1;
	}
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ETH_P_ALL);
	sll.sll_ifindex = (int)if_nametoindex(ifname);
	if (sll.sll_ifindex == 0 ||
	    bind(fd, (struct sockaddr *)&sll, sizeof(sll)) == -1) {
		log_warn("%s: bind", ifname);
		close(fd);
		return -1;
	}
	/* What we send must not come back to us as received. */
	if (setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one,
	    sizeof(one)) == -1) {
		log_warn("%s: PACKET_IGNORE_OUTGOING", ifname);
		close(fd);
		return -1;
	}
	/*
	 * The default buffer holds a few hundred small frames: one host
	 * hiccup of a millisecond or two loses frames at any rate.  FORCE,
	 * while we still may, so rmem_max does not cap it.
	 */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf,
	    sizeof(rcvbuf)) == -1)
		log_warn("%s: receive buffer of %d bytes", ifname, rcvbuf);
	return fd;
}

/*
 * seccomp: refuse setsockopt(SOL_PACKET, PACKET_QDISC_BYPASS), which needs
 * no capability and would skip the tbf dom0 keeps on our VIFs.
 */
static int
run_seccomp(void)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
		    offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
		    offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_setsockopt, 0, 5),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
		    offsetof(struct seccomp_data, args[1])),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SOL_PACKET, 0, 3),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
		    offsetof(struct seccomp_data, args[2])),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, PACKET_QDISC_BYPASS, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = {
		.len = (unsigned short)(sizeof(f) / sizeof(f[0])),
		.filter = f,
	};

	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) == -1) {
		log_warn("seccomp");
		return -1;
	}
	return 0;
}

/*
 * SCHED_BATCH: the demux's send into our VIF wakes us, and a normal
 * task preempts the demux at once, a few frames at a time, so neither
 * ever sees a batch.  As a batch task we run when the demux yields, on
 * bursts.  Our CPU share is still the cgroup's to give.
 */
static int
run_sched(void)
{
	struct sched_param sp = { .sched_priority = 0 };

	if (sched_setscheduler(0, SCHED_BATCH, &sp) == -1) {
		log_warn("SCHED_BATCH");
		return -1;
	}
	return 0;
}

/*
 * user is a name, or a numeric uid that is also the gid: a Xen routelet's
 * initramfs has no user database to look a name up in.
 */
static int
run_drop_privileges(const char *user)
{
	struct passwd *pw;
	unsigned long ul;
	char *end;
	uid_t uid;
	gid_t gid;

	errno = 0;
	ul = strtoul(user, &end, 10);
	if (*user != '\0' && *end == '\0' && errno == 0 && ul > 0 &&
	    ul < 65536) {
		uid = (uid_t)ul;
		gid = (gid_t)ul;
	} else if ((pw = getpwnam(user)) != NULL) {
		uid = pw->pw_uid;
		gid = pw->pw_gid;
	} else {
		log_warnx("user %s: no such user", user);
		return -1;
	}
	if (setgroups(0, NULL) == -1 || setresgid(gid, gid, gid) == -1 ||
	    setresuid(uid, uid, uid) == -1) {
		log_warn("dropping to user %s", user);
		return -1;
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1) {
		log_warn("no_new_privs");
		return -1;
	}
	return run_seccomp();
}

int
run_harden(const char *user)
{
	if (run_sched() == -1 || run_drop_privileges(user) == -1)
		return -1;
	return 0;
}

int
run_stats(struct run *r, char *buf, size_t len)
{
	size_t off;
	unsigned i;
	int n;

	n = snprintf(buf, len, "gen %" PRIu64 "\n", rl_engine_gen(&r->eng));
	if (n < 0 || (size_t)n >= len)
		return -1;
	off = (size_t)n;
	for (i = 0; i < RL_C_COUNT + RUN_C_COUNT; i++) {
		n = i < RL_C_COUNT ?
		    snprintf(buf + off, len - off, "%s %" PRIu64 "\n",
		    rl_ctr_desc[i].name, ctr_get(&r->eng.ctr[i])) :
		    snprintf(buf + off, len - off, "%s %" PRIu64 "\n",
		    run_ctr_desc[i - RL_C_COUNT].name,
		    ctr_get(&r->ctr[i - RL_C_COUNT]));
		if (n < 0 || (size_t)n >= len - off)
			return -1;
		off += (size_t)n;
	}
	return (int)off;
}

void
run_conf(struct run *r, const char *text, char *reply, size_t len)
{
	struct rlconf c;
	char err[256];

	if (rlconf_parse(&c, text, err, sizeof(err)) == -1 ||
	    rl_engine_apply(&r->eng, &c, err, sizeof(err)) == -1) {
		ctr_add(&r->ctr[RUN_C_conf_nak], 1);
		log_warnx("configuration refused: %s", err);
		snprintf(reply, len, "nak %" PRIu64 " %s",
		    (c.set >> RLCONF_K_GEN) & 1 ? c.gen : 0, err);
		return;
	}
	if (c.out_vif >= r->nvifs)
		log_warnx("gen %" PRIu64 ": out-vif %u is not one of our %u "
		    "VIFs; its frames will be dropped", c.gen,
		    (unsigned)c.out_vif, r->nvifs);
	log_debug("running gen %" PRIu64, c.gen);
	snprintf(reply, len, "ack %" PRIu64, c.gen);
}

/* The local backend's transport: one datagram each way (rlctl.h). */
static void
ctl_send(struct run *r, const char *msg)
{
	if (r->ctl_gone)
		return;
	if (send(r->ctl, msg, strlen(msg), MSG_NOSIGNAL) == -1) {
		log_warn("control channel");
		r->ctl_gone = 1;
	}
}

void
run_ctl(struct run *r, const char *buf, size_t n, char *reply, size_t len)
{
	int k;

	if (memchr(buf, '\0', n) != NULL) {
		ctr_add(&r->ctr[RUN_C_ctl_bad], 1);
		snprintf(reply, len, "err message contains a NUL byte");
	} else if (strncmp(buf, "conf\n", 5) == 0) {
		run_conf(r, buf + 5, reply, len);
	} else if (strcmp(buf, "ping") == 0) {
		snprintf(reply, len, "pong %" PRIu64, rl_engine_gen(&r->eng));
	} else if (strcmp(buf, "stats") == 0 && len > 6) {
		memcpy(reply, "stats\n", 6);
		k = run_stats(r, reply + 6, len - 6);
		if (k < 0)
			snprintf(reply, len, "err counters do not fit a "
			    "message");
	} else {
		ctr_add(&r->ctr[RUN_C_ctl_bad], 1);
		snprintf(reply, len, "err unknown request");
	}
}

static void
ctl_read(struct run *r, void *arg)
{
	char buf[RLCTL_MSG_MAX + 1], msg[RLCTL_MSG_MAX];
	ssize_t n;

	(void)arg;
	n = recv(r->ctl, buf, RLCTL_MSG_MAX, MSG_DONTWAIT);
	if (n == -1) {
		if (errno == EAGAIN || errno == EINTR)
			return;
		log_warn("control channel");
		r->ctl_gone = 1;
		return;
	}
	if (n == 0) {
		/* Like a Xen domain when the toolstack restarts: keep going. */
		log_info("control channel closed; forwarding on with gen %"
		    PRIu64, rl_engine_gen(&r->eng));
		r->ctl_gone = 1;
		return;
	}
	buf[n] = '\0';
	run_ctl(r, buf, (size_t)n, msg, sizeof(msg));
	ctl_send(r, msg);
}

/* One recvmmsg() burst from fd, VIF v, into the engine; frames taken. */
static unsigned
vif_rx_mmsg(struct run *r, unsigned v, int fd)
{
	struct mmsghdr mh[RL_BURST];
	struct iovec iov[RL_BURST];
	struct pkt *p[RL_BURST];
	unsigned i, want = 0;
	int n;

	for (i = 0; i < RL_BURST; i++) {
		if ((p[i] = pkt_pool_get(&r->pool)) == NULL)
			break;
		iov[i].iov_base = p[i]->data;
		iov[i].iov_len = pkt_tailroom(p[i]);
		memset(&mh[i], 0, sizeof(mh[i]));
		mh[i].msg_hdr.msg_iov = &iov[i];
		mh[i].msg_hdr.msg_iovlen = 1;
		want++;
	}
	n = want ? recvmmsg(fd, mh, want, MSG_DONTWAIT, NULL) : 0;
	if (n < 0 && errno != EAGAIN && errno != EINTR)
		ctr_add(&r->ctr[RUN_C_rx_errors], 1);
	if (n < 0)
		n = 0;
	for (i = (unsigned)n; i < want; i++)
		pkt_pool_put(&r->pool, p[i]);
	for (i = 0; i < (unsigned)n; i++) {
		p[i]->len = mh[i].msg_len;
		p[i]->in_vif = (uint16_t)v;
	}
	if (n > 0)
		rl_engine_rx_burst(&r->eng, p, (unsigned)n, clock_mono_ns());
	return (unsigned)n;
}

static void
vif_rx(struct run *r, unsigned v)
{
	struct pkt *p[RL_BURST];
	struct io_ring *ring = &r->ring[v];
	unsigned n, bad;
	int old;

	if (ring->map == NULL) {
		/*
		 * A ring is memory for good: only for a VIF whose load fills
		 * a whole burst, not for the odd control frame or a trickle.
		 */
		if (vif_rx_mmsg(r, v, r->sock[v]) < RL_BURST || ring->refused)
			return;
		/* A ring from now on, after what was queued. */
		if (io_ring_switch(ring, &r->sock[v], &old) == -1) {
			log_warn("eth%u: receive ring; staying with recvmmsg", v);
			return;
		}
		while (vif_rx_mmsg(r, v, old) > 0)
			;
		close(old);
		return;
	}
	n = io_ring_rx(ring, &r->pool, p, RL_BURST, (uint16_t)v, &bad);
	ctr_add(&r->ctr[RUN_C_rx_errors], bad);
	if (n > 0)
		rl_engine_rx_burst(&r->eng, p, n, clock_mono_ns());
}

static void
vif_tx(struct run *r, uint64_t now)
{
	struct mmsghdr mh[RL_BURST];
	struct iovec iov[RL_BURST];
	struct pkt *p[RL_BURST];
	unsigned v, i, n;
	int sent;

	for (v = 0; v < RLCONF_MAX_VIFS; v++) {
		while ((n = rl_engine_tx_burst(&r->eng, v, now, p,
		    RL_BURST)) > 0) {
			for (i = 0; i < n; i++) {
				iov[i].iov_base = p[i]->data;
				iov[i].iov_len = p[i]->len;
				memset(&mh[i], 0, sizeof(mh[i]));
				mh[i].msg_hdr.msg_iov = &iov[i];
				mh[i].msg_hdr.msg_iovlen = 1;
			}
			sent = v < r->nvifs ? sendmmsg(r->sock[v], mh, n, 0) :
			    -1;
			if (sent < 0)
				sent = 0;
			/* sendmmsg stops at the first refusal: count the rest. */
			ctr_add(&r->ctr[RUN_C_tx_errors], n - (unsigned)sent);
			for (i = 0; i < n; i++)
				pkt_pool_put(&r->pool, p[i]);
		}
	}
}

int
run_setup(struct run *r, unsigned nvifs, int vif_wait_ms)
{
	const char *ring_env = getenv("QUASAR_RX_RING");
	int rx_ring_off = ring_env != NULL && strcmp(ring_env, "off") == 0;
	char ifname[IF_NAMESIZE];
	struct sigaction sa;
	unsigned v;

	r->nvifs = nvifs;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = run_sig;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);

	if (pkt_pool_init(&r->pool, RUN_POOL) == -1) {
		log_warn("packet pool");
		return -1;
	}
	r->pool_ok = 1;
	if (rl_engine_init(&r->eng, &r->pool) == -1)
		return -1;
	r->eng_ok = 1;
	for (v = 0; v < nvifs; v++) {
		snprintf(ifname, sizeof(ifname), "eth%u", v);
		if (vif_up(ifname, vif_wait_ms) == -1 ||
		    (r->sock[v] = vif_open(ifname)) == -1)
			return -1;
		/*
		 * Its ring's socket, while we may still make one; none when
		 * QUASAR_RX_RING=off (experiments that want recvmmsg's cost).
		 */
		if (rx_ring_off)
			r->ring[v].refused = 1;
		else if (io_ring_prepare(&r->ring[v],
		    (int)if_nametoindex(ifname)) == -1)
			log_warn("%s: no receive ring, recvmmsg only", ifname);
	}
	return 0;
}

void
run_init(struct run *r)
{
	unsigned v;

	memset(r, 0, sizeof(*r));
	r->ctl = -1;
	for (v = 0; v < RLCONF_MAX_VIFS; v++) {
		r->sock[v] = -1;
		r->ring[v].spare = -1;
	}
}

void
run_teardown(struct run *r)
{
	unsigned v;

	for (v = 0; v < RLCONF_MAX_VIFS; v++) {
		io_ring_close(&r->ring[v]);
		if (r->sock[v] != -1) {
			close(r->sock[v]);
			r->sock[v] = -1;
		}
	}
	if (r->eng_ok)
		rl_engine_destroy(&r->eng);
	if (r->pool_ok)
		pkt_pool_destroy(&r->pool);
	r->eng_ok = r->pool_ok = 0;
}

int
run_loop(struct run *r, int ctlfd, void (*ctl)(struct run *, void *),
    void *arg)
{
	struct pollfd pfd[RLCONF_MAX_VIFS + 1];
	struct timespec ts, *tsp;
	uint64_t now, next;
	unsigned v;
	int n;

	for (v = 0; v < r->nvifs; v++)
		pfd[v].events = POLLIN;
	pfd[r->nvifs].events = POLLIN;
	while (!run_quit) {
		/* A VIF's socket changes when it takes on a ring. */
		for (v = 0; v < r->nvifs; v++)
			pfd[v].fd = r->sock[v];
		pfd[r->nvifs].fd = r->ctl_gone ? -1 : ctlfd;
		now = clock_mono_ns();
		next = rl_engine_next_tx(&r->eng, now);
		tsp = NULL;
		if (next != UINT64_MAX) {
			ts.tv_sec = (time_t)((next - now) / NSEC_PER_SEC);
			ts.tv_nsec = (long)((next - now) % NSEC_PER_SEC);
			tsp = &ts;
		}
		n = ppoll(pfd, r->nvifs + 1, tsp, NULL);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			log_warn("poll");
			return -1;
		}
		for (v = 0; v < r->nvifs; v++)
			if (pfd[v].revents & POLLIN)
				vif_rx(r, v);
		if (pfd[r->nvifs].revents & (POLLIN | POLLHUP | POLLERR))
			ctl(r, arg);
		vif_tx(r, clock_mono_ns());
	}
	return 0;
}

static void
run_usage(void)
{
	fprintf(stderr, "usage: routelet run -f ctlfd -n nvifs [-u user] "
	    "[-v]\n");
}

int
rl_run_main(int argc, char **argv)
{
	struct run r;
	const char *user = "nobody";
	char msg[64], *end;
	unsigned long ul;
	unsigned nvifs = 0;
	int ch, rv = 1;

	run_init(&r);
	optind = 1;
	while ((ch = getopt(argc, argv, "f:n:u:v")) != -1) {
		switch (ch) {
		case 'f':
		case 'n':
			errno = 0;
			ul = strtoul(optarg, &end, 10);
			if (errno != 0 || *end != '\0' || end == optarg ||
			    ul > (ch == 'f' ? 1024ul : RLCONF_MAX_VIFS) ||
			    (ch == 'n' && ul == 0)) {
				fprintf(stderr, "routelet run: -%c %s: out of "
				    "range\n", ch, optarg);
				return 2;
			}
			if (ch == 'f')
				r.ctl = (int)ul;
			else
				nvifs = (unsigned)ul;
			break;
		case 'u':
			user = optarg;
			break;
		case 'v':
			log_setverbose(1);
			break;
		default:
			run_usage();
			return 2;
		}
	}
	if (r.ctl < 0 || nvifs == 0 || optind != argc) {
		run_usage();
		return 2;
	}

	/* dom0 creates the VIFs before it starts us: a short wait. */
	if (run_setup(&r, nvifs, 2000) == -1 || run_harden(user) == -1) {
		ctl_send(&r, "fail could not open its VIFs or drop privileges");
		goto out;
	}
	snprintf(msg, sizeof(msg), "ready %u", r.nvifs);
	ctl_send(&r, msg);
	rv = run_loop(&r, r.ctl, ctl_read, NULL) == 0 ? 0 : 1;
out:
	run_teardown(&r);
	return rv;
}
