/*
 * A physical port: its name, ifindex and MAC, and its receive ring.  The
 * port is looked up by name again once a second (dx_port_refresh), so an
 * interface deleted and created again -- a new ifindex -- or given a new MAC
 * is followed without a restart.
 */
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <errno.h>
#include <net/if_arp.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "demux.h"
#include "log.h"

static int
dx_port_mac(const struct dx_port *p, uint8_t mac[ETHER_ADDR_LEN])
{
	struct ifreq ifr;
	int fd, rc = -1;

	if ((fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	memset(&ifr, 0, sizeof(ifr));
	memcpy(ifr.ifr_name, p->name, sizeof(ifr.ifr_name));
	if (ioctl(fd, SIOCGIFHWADDR, &ifr) == 0) {
		if (ifr.ifr_hwaddr.sa_family == ARPHRD_ETHER) {
			memcpy(mac, ifr.ifr_hwaddr.sa_data, ETHER_ADDR_LEN);
			rc = 0;
		} else
			errno = EPFNOSUPPORT;
	}
	close(fd);
	return rc;
}

int
dx_port_open(struct dx_port *p, const char *ifname, char *err, size_t errlen)
{
	char name[IF_NAMESIZE];

	/* ifname may be p->name itself: copy it before p is cleared. */
	if (strlen(ifname) >= sizeof(name)) {
		snprintf(err, errlen, "%s: interface name too long", ifname);
		return -1;
	}
	memcpy(name, ifname, strlen(ifname) + 1);
	memset(p, 0, sizeof(*p));
	p->ring.fd = -1;
	memcpy(p->name, name, sizeof(name));
	if ((p->ifindex = (int)if_nametoindex(name)) == 0) {
		snprintf(err, errlen, "%s: %s", name, strerror(errno));
		return -1;
	}
	if (dx_port_mac(p, p->mac) == -1) {
		snprintf(err, errlen, "%s: not an Ethernet interface (%s)",
		    name, strerror(errno));
		return -1;
	}
	if (dx_ring_open(&p->ring, err, errlen) == -1)
		return -1;
	if (dx_ring_bind(&p->ring, p->ifindex) == -1) {
		snprintf(err, errlen, "%s: bind: %s", name, strerror(errno));
		dx_ring_close(&p->ring);
		return -1;
	}
	return 0;
}

/* Returns 1 when the port changed (ifindex or MAC), 0 if not, -1 if gone. */
int
dx_port_refresh(struct dx_port *p)
{
	uint8_t mac[ETHER_ADDR_LEN];
	int ifindex, changed = 0;

	if ((ifindex = (int)if_nametoindex(p->name)) == 0)
		return -1;
	if (ifindex != p->ifindex) {
		/* Rebinding a ring socket keeps its ring and its filter. */
		if (dx_ring_bind(&p->ring, ifindex) == -1) {
			log_warn("port %s: rebind to ifindex %d", p->name,
			    ifindex);
			return -1;
		}
		log_info("port %s: now ifindex %d (was %d)", p->name, ifindex,
		    p->ifindex);
		p->ifindex = ifindex;
		changed = 1;
	}
	if (dx_port_mac(p, mac) == 0 &&
	    memcmp(mac, p->mac, ETHER_ADDR_LEN) != 0) {
		memcpy(p->mac, mac, ETHER_ADDR_LEN);
		changed = 1;
	}
	return changed;
}

void
dx_port_close(struct dx_port *p)
{
	dx_ring_close(&p->ring);
}
