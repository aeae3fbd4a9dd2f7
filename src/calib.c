/*
 * Start-up calibration of the per-packet CPU cost: see calib.h.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "calib.h"
#include "clock.h"
#include "ether.h"
#include "log.h"
#include "mpls.h"
#include "rlconf.h"

#define CALIB_IN_LABEL	1000
#define CALIB_OUT_LABEL	1001
#define CALIB_VIF_RATE	12500000u	/* bytes/s: 100 Mbit/s, 60x the test */
#define CALIB_VIF_BURST	65536u
#define CALIB_DRAIN_MS	50		/* for the last frames to come back */

struct cal {
	struct backend	*be;
	struct dom	 d;
	int		 made;
	int		 tx, rx;	/* dom0 ends of the first and last VIF */
	uint8_t		 frame[CALIB_FRAME_LEN];
	uint64_t	 deadline;
};

/*
 * A packet socket on ifindex: for sending (protocol 0 receives nothing),
 * or for receiving, never what this host itself sends.  Receiving is
 * ETH_P_ALL because only those taps see a frame before tc's ingress hook,
 * where the closed egress drops it; one bound to MPLS would see nothing.
 */
static int
cal_socket(int ifindex, int rx)
{
	struct sockaddr_ll sll;
	int fd, one = 1;

	fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    rx ? htons(ETH_P_ALL) : 0);
	if (fd == -1)
		return -1;
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = rx ? htons(ETH_P_ALL) : 0;
	sll.sll_ifindex = ifindex;
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)) == -1 ||
	    (rx && setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one,
	    sizeof(one)) == -1)) {
		close(fd);
		return -1;
	}
	return fd;
}

static int
cal_mac(int fd, const char *ifname, uint8_t mac[ETHER_ADDR_LEN])
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (ioctl(fd, SIOCGIFHWADDR, &ifr) == -1)
		return -1;
	memcpy(mac, ifr.ifr_hwaddr.sa_data, ETHER_ADDR_LEN);
	return 0;
}

/* An MPLS frame for the routelet's LSP: Ethernet, one label, IPv4/UDP. */
static void
cal_frame(struct cal *c, const uint8_t src[ETHER_ADDR_LEN])
{
	struct mpls_lse e = { .label = CALIB_IN_LABEL, .tc = 0, .bos = 1,
	    .ttl = 64 };
	uint8_t *ip = c->frame + ETHER_HDR_LEN + MPLS_LSE_LEN;

	memset(c->frame, 0, sizeof(c->frame));
	ether_write(c->frame, c->d.vif[0].mac, src, ETHERTYPE_MPLS);
	mpls_lse_encode(c->frame + ETHER_HDR_LEN, &e);
	ip[0] = 0x45;
	ip[3] = CALIB_FRAME_LEN - ETHER_HDR_LEN - MPLS_LSE_LEN;
	ip[8] = 64;
	ip[9] = 17;
}

/*
 * The domain, its sockets and its LSP, running: 0, or -1 with why.  What
 * it took is left in c for cal_stop.
 */
static int
cal_start(struct cal *c, unsigned nvifs, struct calib_res *res)
{
	const struct backend_ops *ops = c->be->ops;
	struct dom *d = &c->d;
	struct dom_cpu cpu = { .weight = 100, .cap = 0 };
	struct rlconf rc;
	uint8_t nh[ETHER_ADDR_LEN], src[ETHER_ADDR_LEN];
	unsigned out = nvifs - 1;
	int in_ix, out_ix;

	d->id = CALIB_DOM_ID;
	if (ops->create(c->be, d, nvifs) == -1) {
		snprintf(res->why, sizeof(res->why), "could not make routelet "
		    "domain %" PRIu32 " (see above)", d->id);
		return -1;
	}
	c->made = 1;
	if ((in_ix = (int)if_nametoindex(d->vif[0].ifname)) == 0 ||
	    (out_ix = (int)if_nametoindex(d->vif[out].ifname)) == 0 ||
	    (c->tx = cal_socket(in_ix, 0)) == -1 ||
	    (c->rx = cal_socket(out_ix, 1)) == -1 ||
	    cal_mac(c->tx, d->vif[0].ifname, src) == -1 ||
	    cal_mac(c->tx, d->vif[out].ifname, nh) == -1) {
		snprintf(res->why, sizeof(res->why), "packet sockets on %s "
		    "and %s: %s", d->vif[0].ifname, d->vif[out].ifname,
		    strerror(errno));
		return -1;
	}
	cal_frame(c, src);

	/* The LSP as resv.c sets one up: swap, both rate limits, closed
	 * egress (frames stop at the dom0 end, where rx counts them). */
	rlconf_init(&rc);
	rc.gen = d->acked_gen + 1;
	rc.op = RL_OP_SWAP;
	rc.in_label = CALIB_IN_LABEL;
	rc.out_labels[0] = CALIB_OUT_LABEL;
	rc.n_out = 1;
	rc.ttl_mode = RL_TTL_UNIFORM;
	memcpy(rc.nh_mac, nh, ETHER_ADDR_LEN);
	memcpy(rc.src_mac, d->vif[out].mac, ETHER_ADDR_LEN);
	rc.out_vif = (uint16_t)out;
	rc.rate = CALIB_VIF_RATE;
	rc.burst = CALIB_VIF_BURST;
	rc.set |= 1u << RLCONF_K_GEN | 1u << RLCONF_K_OP |
	    1u << RLCONF_K_IN_LABEL | 1u << RLCONF_K_OUT_LABEL |
	    1u << RLCONF_K_TTL_MODE | 1u << RLCONF_K_NH_MAC |
	    1u << RLCONF_K_SRC_MAC | 1u << RLCONF_K_OUT_VIF |
	    1u << RLCONF_K_RATE | 1u << RLCONF_K_BURST;
	if (ops->set_cpu(c->be, d, &cpu) == -1 ||
	    ops->set_rate(c->be, d, out, CALIB_VIF_RATE, CALIB_VIF_BURST) ==
	    -1 || ops->set_egress(c->be, d, -1, 0) == -1 ||
	    ops->configure(c->be, d, &rc) == -1 ||
	    ops->unpause(c->be, d) == -1 ||
	    ops->wait_ack(c->be, d, rc.gen, (int)c->be->conf.ack_timeout_ms) ==
	    -1) {
		snprintf(res->why, sizeof(res->why), "routelet domain %"
		    PRIu32 " could not be set up for the test (see above)",
		    d->id);
		return -1;
	}
	c->deadline = clock_mono_ns() + CALIB_BUDGET_MS * NSEC_PER_MSEC;
	return 0;
}

static void
cal_stop(struct cal *c)
{
	if (c->tx != -1)
		close(c->tx);
	if (c->rx != -1)
		close(c->rx);
	if (c->made)
		c->be->ops->destroy(c->be, &c->d);
	c->tx = c->rx = -1;
	c->made = 0;
}

/* Counts the forwarded frames waiting at rx. */
static unsigned
cal_drain(struct cal *c)
{
	uint8_t buf[256];
	struct ether_info ei;
	struct mpls_lse e;
	unsigned n = 0;
	ssize_t len;

	while ((len = recv(c->rx, buf, sizeof(buf), MSG_DONTWAIT)) >= 0) {
		if (ether_parse(buf, (size_t)len, &ei) == -1 ||
		    ei.type != ETHERTYPE_MPLS ||
		    (size_t)len < (size_t)ei.hlen + MPLS_LSE_LEN)
			continue;
		mpls_lse_decode(buf + ei.hlen, &e);
		if (e.label == CALIB_OUT_LABEL)
			n++;
	}
	return n;
}

/*
 * Sends n frames one every 1/CALIB_RATE s (fewer if the budget runs out)
 * and waits a little for the last to come back.  Nothing waits on rx
 * meanwhile, so a forwarded frame wakes no one here: the routelet pays
 * for its own work, not for ours.
 */
static void
cal_burst(struct cal *c, unsigned n, unsigned *sent_r, unsigned *back_r)
{
	struct pollfd pfd = { .fd = c->rx, .events = POLLIN };
	struct timespec ts;
	uint64_t next = clock_mono_ns(), end, now;
	unsigned sent = 0, back = 0;

	while (sent < n && next < c->deadline) {
		ts.tv_sec = (time_t)(next / NSEC_PER_SEC);
		ts.tv_nsec = (long)(next % NSEC_PER_SEC);
		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts,
		    NULL) == EINTR)
			;
		if (send(c->tx, c->frame, sizeof(c->frame), 0) ==
		    (ssize_t)sizeof(c->frame))
			sent++;
		back += cal_drain(c);
		next += NSEC_PER_SEC / CALIB_RATE;
	}
	end = clock_mono_ns() + CALIB_DRAIN_MS * NSEC_PER_MSEC;
	while (back < sent && (now = clock_mono_ns()) < end) {
		if (poll(&pfd, 1, (int)((end - now) / NSEC_PER_MSEC) + 1) ==
		    -1 && errno != EINTR)
			break;
		back += cal_drain(c);
	}
	*sent_r = sent;
	*back_r = back;
}

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* One measured round: its CPU time per frame back, or -1 with why. */
static int
cal_round(struct cal *c, struct calib_res *res, uint32_t *ns_r)
{
	const struct backend_ops *ops = c->be->ops;
	uint64_t cpu0, cpu1, per;
	unsigned sent, back;

	if (ops->cpu_time(c->be, &c->d, &cpu0) == -1) {
		snprintf(res->why, sizeof(res->why), "no CPU time for the "
		    "routelet (see above)");
		return -1;
	}
	cal_burst(c, CALIB_ROUND_FRAMES, &sent, &back);
	if (ops->cpu_time(c->be, &c->d, &cpu1) == -1) {
		snprintf(res->why, sizeof(res->why), "no CPU time for the "
		    "routelet (see above)");
		return -1;
	}
	res->sent += sent;
	res->back += back;
	if (sent < CALIB_ROUND_FRAMES) {
		snprintf(res->why, sizeof(res->why), "only %u of %u frames "
		    "sent within %u ms", res->sent, CALIB_FRAMES,
		    CALIB_BUDGET_MS);
		return -1;
	}
	/* A routelet that loses frames is not forwarding as it should. */
	if (back == 0 || back < sent - sent / 10) {
		snprintf(res->why, sizeof(res->why), "only %u of %u frames "
		    "came back in a round", back, sent);
		return -1;
	}
	if (cpu1 <= cpu0) {
		snprintf(res->why, sizeof(res->why), "the routelet's CPU "
		    "clock did not move");
		return -1;
	}
	res->cpu_ns += cpu1 - cpu0;
	per = (cpu1 - cpu0 + back - 1) / back;
	*ns_r = per > UINT32_MAX ? UINT32_MAX : (uint32_t)per;
	return 0;
}

int
calib_run(struct backend *be, unsigned nvifs, struct calib_res *res)
{
	struct cal c;
	uint32_t ns[CALIB_ROUNDS];
	uint64_t t0 = clock_mono_ns();
	unsigned sent, back, i;
	int rv = -1;

	memset(res, 0, sizeof(*res));
	memset(&c, 0, sizeof(c));
	c.be = be;
	c.tx = c.rx = -1;
	res->rate = CALIB_RATE;
	if (nvifs < 1 || nvifs > RLCONF_MAX_VIFS) {
		snprintf(res->why, sizeof(res->why), "%u VIFs: want 1-%d",
		    nvifs, RLCONF_MAX_VIFS);
		goto out;
	}
	if (be->ops->cpu_time == NULL) {
		snprintf(res->why, sizeof(res->why), "the %s backend cannot "
		    "tell a domain's CPU time", be->ops->name);
		goto out;
	}
	if (cal_start(&c, nvifs, res) == -1)
		goto out;
	/* First frames fault pages in and fill caches: not the steady cost. */
	cal_burst(&c, CALIB_WARMUP, &sent, &back);
	if (back == 0) {
		snprintf(res->why, sizeof(res->why), "the routelet forwarded "
		    "none of %u frames", sent);
		goto out;
	}
	(void)cal_drain(&c);
	for (i = 0; i < CALIB_ROUNDS; i++)
		if (cal_round(&c, res, &ns[i]) == -1)
			goto out;
	qsort(ns, CALIB_ROUNDS, sizeof(ns[0]), cmp_u32);
	res->per_frame_ns = ns[CALIB_ROUNDS / 2];
	res->min_ns = ns[0];
	res->max_ns = ns[CALIB_ROUNDS - 1];
	rv = 0;
out:
	cal_stop(&c);
	res->took_ns = clock_mono_ns() - t0;
	return rv;
}
