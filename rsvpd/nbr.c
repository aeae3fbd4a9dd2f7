/*
 * The next hop's MAC address, from the kernel's neighbour table through
 * libnl-route (a routelet or a best-effort entry writes it into every
 * frame).  The downstream router normally has an entry already: we sent it
 * a Path and it sent us a Resv.  If not, a datagram to it makes the kernel
 * resolve it (ARP), and the table is read again for a short while.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <linux/neighbour.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <netlink/netlink.h>
#include <netlink/route/neighbour.h>

#include "log.h"
#include "nl.h"
#include "quasard.h"
#include "rsvpd.h"

#define NBR_POLL_MS	20
#define NBR_USABLE	(NUD_REACHABLE | NUD_STALE | NUD_DELAY | NUD_PROBE | \
			    NUD_PERMANENT | NUD_NOARP)

int
nbr_open(struct rsvpd *r)
{
	if ((r->nl = qnl_open()) == NULL)
		return -1;
	r->neigh = NULL;
	return 0;
}

void
nbr_close(struct rsvpd *r)
{
	if (r->neigh != NULL)
		nl_cache_free(r->neigh);
	r->neigh = NULL;
	if (r->nl != NULL)
		qnl_close(r->nl);
	r->nl = NULL;
}

static int
nbr_lookup(struct rsvpd *r, int ifindex, struct in_addr a, uint8_t mac[6])
{
	struct rtnl_neigh *n;
	struct nl_addr *dst, *ll;
	int err, rc = -1;

	if (r->neigh == NULL)
		err = rtnl_neigh_alloc_cache(r->nl, &r->neigh);
	else
		err = nl_cache_refill(r->nl, r->neigh);
	if (err < 0) {
		log_warnx("netlink: neighbours: %s", nl_geterror(err));
		return -1;
	}
	if ((dst = nl_addr_build(AF_INET, &a, sizeof(a))) == NULL)
		return -1;
	n = rtnl_neigh_get(r->neigh, ifindex, dst);
	nl_addr_put(dst);
	if (n == NULL)
		return -1;
	if ((rtnl_neigh_get_state(n) & NBR_USABLE) &&
	    (ll = rtnl_neigh_get_lladdr(n)) != NULL &&
	    nl_addr_get_len(ll) == 6) {
		memcpy(mac, nl_addr_get_binary_addr(ll), 6);
		rc = 0;
	}
	rtnl_neigh_put(n);
	return rc;
}

/* A datagram to the discard port makes the kernel resolve a. */
static void
nbr_resolve(struct rsvpd *r, unsigned port, struct in_addr a)
{
	struct sockaddr_in to;
	int fd;

	if ((fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		return;
	(void)setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, r->ifs[port].ifname,
	    (socklen_t)strlen(r->ifs[port].ifname));
	memset(&to, 0, sizeof(to));
	to.sin_family = AF_INET;
	to.sin_port = htons(9);
	to.sin_addr = a;
	(void)sendto(fd, "", 1, MSG_DONTWAIT, (struct sockaddr *)&to,
	    sizeof(to));
	close(fd);
}

int
nbr_mac(struct rsvpd *r, unsigned port, struct in_addr a, uint8_t mac[6],
    int wait_ms)
{
	struct timespec ts = { 0, NBR_POLL_MS * 1000000L };
	int waited;

	if (port >= r->nifs)
		return -1;
	for (waited = 0; ; waited += NBR_POLL_MS) {
		if (nbr_lookup(r, r->ifs[port].ifindex, a, mac) == 0)
			return 0;
		if (waited == 0) {
			log_debug("neighbour %s on %s: resolving",
			    inet_ntoa(a), r->ifs[port].ifname);
			nbr_resolve(r, port, a);
		}
		if (waited >= wait_ms)
			return -1;
		nanosleep(&ts, NULL);
	}
}
