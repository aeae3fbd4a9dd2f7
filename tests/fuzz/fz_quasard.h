/*
 * A quasard for the harnesses that drive its input paths (fuzz_control,
 * fuzz_rsvpd): its state is real -- pool, LSP table, admission, label
 * allocator, RSVP-TE -- but what would reach outside is not there.
 *
 *  - The backend makes no domains: every create fails, as on a router
 *    whose pool is exhausted, so nothing is forked or booted.
 *  - rsvpd_init() less its sockets and calibration: the raw socket is
 *    never opened (fd -1), so every message quasard builds is encoded and
 *    then counted as a failed send.
 *  - fz_netns() moves the harness into a network namespace of its own:
 *    lo (127.0.0.1, port 0) and a veth fz1 (10.0.0.2/24, port 1; its peer
 *    fz1p has no address) with permanent neighbours 10.0.0.1 and 10.0.0.9 and a route to
 *    10.9.0.0/16 through 10.0.0.1, so a Path can be tail-ended, forwarded
 *    or refused, and a Resv find its next hop's MAC without waiting.
 *    Whatever is sent there (the datagram the neighbour code sends to make
 *    the kernel resolve an address) ends at fz1p, inside the namespace.
 *    It needs root, as the integration tests do.
 */
#ifndef FZ_QUASARD_H
#define FZ_QUASARD_H

#include <sys/ioctl.h>

#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdlib.h>

#include "fuzz.h"
#include "quasard.h"
#include "rsvpd.h"

static inline void
fz_netns(const char *who)
{
	struct ifreq ifr;
	int fd;

	if (unshare(CLONE_NEWNET) == -1) {
		fprintf(stderr, "fuzz_%s: a network namespace of its own: "
		    "%s (run as root)\n", who, strerror(errno));
		abort();
	}
	if ((fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		abort();
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "lo");
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) == -1)
		abort();
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(fd, SIOCSIFFLAGS, &ifr) == -1)
		abort();
	close(fd);
	if (system("ip link add fz1 type veth peer name fz1p && "
	    "ip link set fz1p up && "
	    "ip addr add 10.0.0.2/24 dev fz1 && ip link set fz1 up && "
	    "ip neigh add 10.0.0.1 lladdr 02:00:00:00:00:01 dev fz1 "
	    "nud permanent && "
	    "ip neigh add 10.0.0.9 lladdr 02:00:00:00:00:09 dev fz1 "
	    "nud permanent && "
	    "ip route add 10.9.0.0/16 via 10.0.0.1 dev fz1") != 0) {
		fprintf(stderr, "fuzz_%s: cannot set up fz1 (iproute2)\n",
		    who);
		abort();
	}
}

static inline int
fz_create(struct backend *b, struct dom *d, unsigned nvifs)
{
	(void)b;
	(void)d;
	(void)nvifs;
	return -1;
}

static inline void
fz_destroy(struct backend *b, struct dom *d)
{
	(void)b;
	d->state = DOM_NONE;
}

static inline void
fz_info(struct backend *b, struct backend_info *i)
{
	(void)b;
	snprintf(i->sched, sizeof(i->sched), "none");
	i->rtds = -1;
}

static inline int
fz_list(struct backend *b, void (*fn)(uint32_t, const char *, void *),
    void *arg)
{
	(void)b;
	(void)fn;
	(void)arg;
	return 0;
}

static const struct backend_ops fz_backend = {
	.name = "fuzz",
	.create = fz_create,
	.destroy = fz_destroy,
	.list = fz_list,
	.info = fz_info,
};

static inline void
fz_quasard_init(struct quasard *q, const char *statedir)
{
	struct pool_conf pc = { 0, 4, 0, 2, 0 };
	char err[256];

	memset(q, 0, sizeof(*q));
	q->statedir = statedir;
	q->listen_fd = -1;
	q->ack_timeout_ms = 1;
	q->nports = 2;
	snprintf(q->port[0].ifname, sizeof(q->port[0].ifname), "lo");
	q->port[0].ifindex = 1;
	snprintf(q->port[1].ifname, sizeof(q->port[1].ifname), "fz1");
	q->port[1].ifindex = (int)if_nametoindex("fz1");
	memcpy(q->port[1].mac, "\x02\x00\x00\x00\x00\x02", 6);
	q->be.ops = &fz_backend;
	if (ltable_init(&q->lt) != LTABLE_OK ||
	    pool_init(&q->pool, &q->be, &pc, err, sizeof(err)) == -1)
		abort();
	q->pool.on_lost = lsp_lost;
}

/* rsvpd_init() less its sockets and calibration. */
static inline void
fz_rsvpd_init(struct rsvpd *rd, struct quasard *q)
{
	struct rsvpd_conf c;

	rsvpd_conf_init(&c);
	c.per_packet_ns = 20000;
	memset(rd, 0, sizeof(*rd));
	rd->q = q;
	rd->conf = c;
	rd->fd = -1;
	TAILQ_INIT(&rd->psbs);
	TAILQ_INIT(&rd->rsbs);
	TAILQ_INIT(&rd->hes);
	TAILQ_INIT(&rd->nbrs);
	timer_heap_init(&rd->th);
	rd->rnd = 0x9e3779b97f4a7c15ull;
	rd->instance_seed = 1;
	rd->next_tunnel = 1;
	rd->nifs = q->nports;
	rd->ifs[0].ifindex = 1;
	snprintf(rd->ifs[0].ifname, sizeof(rd->ifs[0].ifname), "lo");
	rd->ifs[0].mtu = 1500;
	rd->ifs[1].ifindex = q->port[1].ifindex;
	snprintf(rd->ifs[1].ifname, sizeof(rd->ifs[1].ifname), "fz1");
	rd->ifs[1].mtu = 1500;
	rd->router_id.s_addr = htonl(0x7f000001);
	rio_addrs_refresh(rd, 1);
	rd->pp_source = RD_PP_CONFIGURED;
	if ((rd->in = calloc(1, sizeof(*rd->in))) == NULL ||
	    (rd->out = calloc(1, sizeof(*rd->out))) == NULL ||
	    (rd->buf = malloc(RD_BUF)) == NULL ||
	    admit_init(&rd->adm, rd->nifs, c.cpu_budget_pct, 2,
	    c.per_packet_ns) != ADMIT_OK ||
	    lalloc_init(&rd->la, c.label_min, c.label_max) != LALLOC_OK ||
	    nbr_open(rd) == -1)
		abort();
	q->rsvp = rd;
}

#endif
