/*
 * The RSVP socket: raw IP protocol 46.
 *
 * Receiving.  IP_PKTINFO names the interface a datagram came in on, which
 * must be one of quasard's ports.  IP_ROUTER_ALERT makes the kernel hand
 * us the datagrams it would forward that carry the Router Alert option
 * (RFC 2113): Path, PathTear and ResvConf addressed to a router further
 * on, which RSVP must process hop by hop (RFC 2205 s3.1).  That needs IP
 * forwarding on in the router's namespace, which an LSR has anyway.  The
 * header we read is the one sent: the kernel hands it over before it
 * decrements the TTL, so IP TTL against the message's send_TTL tells a
 * non-RSVP hop in between (RFC 2205 s3.8).  IP_RECVTTL reports the same
 * TTL and is checked against the header.
 *
 * Sending.  We write the IPv4 header ourselves (IP_HDRINCL; the codec's
 * rsvp_ip_build, with Router Alert for Path, PathTear and ResvConf) with
 * the port's own address as source and the message's destination (the
 * session's end point for a Path), but address the datagram to the next
 * hop we chose, out of the port we chose (IP_PKTINFO): a Path goes where
 * its ERO says, not only where the routing table would send it.
 *
 * Malformed input is counted by its reason (the codec's list) and dropped,
 * or answered with the error RFC 2205 s3.10 asks for; it never touches
 * state.
 */
#include <errno.h>
#include <ifaddrs.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include "clock.h"
#include "log.h"
#include "quasard.h"
#include "rsvpd.h"

#define RIO_BURST	64
#define RIO_ADDRS_MS	2000	/* re-read interface addresses */

int
rio_port_of(const struct rsvpd *r, int ifindex)
{
	unsigned i;

	for (i = 0; i < r->nifs; i++)
		if (r->ifs[i].ifindex == ifindex)
			return (int)i;
	return -1;
}

struct in_addr
rio_port_addr(const struct rsvpd *r, unsigned port)
{
	struct in_addr none = { 0 };

	return port < r->nifs ? r->ifs[port].addr : none;
}

static uint32_t
plen_mask(uint8_t plen)
{
	return plen == 0 ? 0 : htonl(~0u << (32 - plen));
}

int
rio_port_connected(const struct rsvpd *r, struct in_addr a)
{
	const struct rd_if *f;
	unsigned i;
	uint32_t m;

	for (i = 0; i < r->nifs; i++) {
		f = &r->ifs[i];
		if (f->addr.s_addr == 0 || f->plen == 0)
			continue;
		m = plen_mask(f->plen);
		if ((f->addr.s_addr & m) == (a.s_addr & m) &&
		    f->addr.s_addr != a.s_addr)
			return (int)i;
	}
	return -1;
}

int
rio_is_local(struct rsvpd *r, struct in_addr a)
{
	unsigned i;

	rio_addrs_refresh(r, 0);
	if (a.s_addr == r->router_id.s_addr && a.s_addr != 0)
		return 1;
	for (i = 0; i < r->nlocal; i++)
		if (r->local[i].s_addr == a.s_addr)
			return 1;
	return 0;
}

static uint8_t
mask_plen(const struct sockaddr *sa)
{
	uint32_t m;
	uint8_t n = 0;

	if (sa == NULL || sa->sa_family != AF_INET)
		return 32;
	m = ntohl(((const struct sockaddr_in *)(const void *)sa)->
	    sin_addr.s_addr);
	while (m & 0x80000000u) {
		n++;
		m <<= 1;
	}
	return n;
}

/* Our addresses: each port's first IPv4 address, and every address. */
void
rio_addrs_refresh(struct rsvpd *r, int force)
{
	struct ifaddrs *ifa, *i;
	const struct sockaddr_in *sin;
	uint64_t now = clock_mono_ns();
	unsigned p, seen[ADMIT_MAX_PORTS] = { 0 };
	int port;

	if (!force && now - r->addrs_at < RIO_ADDRS_MS * NSEC_PER_MSEC)
		return;
	r->addrs_at = now;
	if (getifaddrs(&ifa) == -1) {
		log_warn("getifaddrs");
		return;
	}
	r->nlocal = 0;
	for (i = ifa; i != NULL; i = i->ifa_next) {
		if (i->ifa_addr == NULL || i->ifa_addr->sa_family != AF_INET)
			continue;
		sin = (const struct sockaddr_in *)(const void *)i->ifa_addr;
		if (r->nlocal < sizeof(r->local) / sizeof(r->local[0]))
			r->local[r->nlocal++] = sin->sin_addr;
		port = rio_port_of(r, (int)if_nametoindex(i->ifa_name));
		if (port < 0 || seen[port])
			continue;
		seen[port] = 1;
		if (r->ifs[port].addr.s_addr != sin->sin_addr.s_addr)
			log_info("port %s: RSVP address %s/%u",
			    r->ifs[port].ifname, inet_ntoa(sin->sin_addr),
			    mask_plen(i->ifa_netmask));
		r->ifs[port].addr = sin->sin_addr;
		r->ifs[port].plen = mask_plen(i->ifa_netmask);
	}
	for (p = 0; p < r->nifs; p++)
		if (!seen[p] && r->ifs[p].addr.s_addr != 0) {
			log_warnx("port %s: no IPv4 address: no RSVP on it",
			    r->ifs[p].ifname);
			r->ifs[p].addr.s_addr = 0;
		}
	freeifaddrs(ifa);
}

int
rio_open(struct rsvpd *r, char *err, size_t errlen)
{
	int one = 1, rcvbuf = 1 << 20, fd;

	fd = socket(AF_INET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    RSVP_IPPROTO);
	if (fd == -1) {
		snprintf(err, errlen, "raw IP socket, protocol 46: %s",
		    strerror(errno));
		return -1;
	}
	if (setsockopt(fd, IPPROTO_IP, IP_HDRINCL, &one, sizeof(one)) == -1 ||
	    setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof(one)) == -1 ||
	    setsockopt(fd, IPPROTO_IP, IP_RECVTTL, &one, sizeof(one)) == -1 ||
	    setsockopt(fd, IPPROTO_IP, IP_ROUTER_ALERT, &one, sizeof(one)) ==
	    -1) {
		snprintf(err, errlen, "RSVP socket options: %s",
		    strerror(errno));
		close(fd);
		return -1;
	}
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	r->fd = fd;
	return 0;
}

void
rio_close(struct rsvpd *r)
{
	if (r->fd != -1)
		close(r->fd);
	r->fd = -1;
}

/* A decode failure that RFC 2205 s3.10 answers with an error message. */
static void
rio_answer_error(struct rsvpd *r, const struct rd_rx *rx,
    const struct rsvp_msg *m, const struct rsvp_derr *e)
{
	struct in_addr to;
	uint8_t code;
	uint16_t value;

	if (!rsvp_derr_errspec(e, &code, &value) ||
	    !(m->present & RSVP_HAS_SESSION))
		return;
	to = m->present & RSVP_HAS_HOP ? m->hop.addr : rx->ip.src;
	if (m->type == RSVP_MSG_PATH && (m->present & RSVP_HAS_SENDER))
		patherr_send(r, rx->port, to, m, code, value);
	else if (m->type == RSVP_MSG_RESV && m->n_fd > 0)
		resverr_send(r, rx->port, to, m, 0, code, value);
}

static void
rio_dispatch(struct rsvpd *r, const struct rd_rx *rx, const uint8_t *p,
    size_t len)
{
	struct rsvp_msg *m = r->in;
	struct rsvp_derr e;
	enum rsvp_reason why;

	memset(&e, 0, sizeof(e));
	why = rsvp_msg_decode(p, len, m, &e);
	if (why != RSVP_R_ok) {
		rsvp_count(r->reason, why);
		rd_count(r, RD_C_rx_malformed);
		log_debug("from %s on %s: %s %s: %s (offset %u, class %u "
		    "c-type %u)", inet_ntoa(rx->ip.src),
		    r->ifs[rx->port].ifname, rsvp_msg_type_name(e.msg_type),
		    "refused", rsvp_reason_str(why), e.offset, e.class_num,
		    e.ctype);
		rio_answer_error(r, rx, m, &e);
		return;
	}
	rsvp_count(r->reason, RSVP_R_ok);
	switch (m->type) {
	case RSVP_MSG_PATH:
		rd_count(r, RD_C_rx_path);
		path_recv(r, rx, m);
		break;
	case RSVP_MSG_RESV:
		rd_count(r, RD_C_rx_resv);
		resv_recv(r, rx, m);
		break;
	case RSVP_MSG_PATHERR:
		rd_count(r, RD_C_rx_patherr);
		patherr_recv(r, rx, m);
		break;
	case RSVP_MSG_RESVERR:
		rd_count(r, RD_C_rx_resverr);
		resverr_recv(r, rx, m);
		break;
	case RSVP_MSG_PATHTEAR:
		rd_count(r, RD_C_rx_pathtear);
		pathtear_recv(r, rx, m);
		break;
	case RSVP_MSG_RESVTEAR:
		rd_count(r, RD_C_rx_resvtear);
		resvtear_recv(r, rx, m);
		break;
	case RSVP_MSG_RESVCONF:
		rd_count(r, RD_C_rx_resvconf);
		resvconf_recv(r, rx, m);
		break;
	case RSVP_MSG_HELLO:
		rd_count(r, RD_C_rx_hello);
		hello_recv(r, rx, m);
		break;
	default:
		/* the codec refuses other types */
		break;
	}
}

void
rio_recv(struct rsvpd *r)
{
	union {
		struct cmsghdr	align;
		uint8_t		buf[CMSG_SPACE(sizeof(struct in_pktinfo)) +
				    CMSG_SPACE(sizeof(int))];
	} cbuf;
	struct sockaddr_in from;
	struct msghdr mh;
	struct iovec iov;
	struct cmsghdr *c;
	ssize_t n;
	int ifindex, ttl, port, i;

	for (i = 0; i < RIO_BURST; i++) {
		iov.iov_base = r->buf;
		iov.iov_len = RD_BUF;
		memset(&mh, 0, sizeof(mh));
		mh.msg_name = &from;
		mh.msg_namelen = sizeof(from);
		mh.msg_iov = &iov;
		mh.msg_iovlen = 1;
		mh.msg_control = cbuf.buf;
		mh.msg_controllen = sizeof(cbuf.buf);
		if ((n = recvmsg(r->fd, &mh, MSG_DONTWAIT)) == -1) {
			if (errno != EAGAIN && errno != EWOULDBLOCK &&
			    errno != EINTR)
				log_warn("RSVP socket");
			return;
		}
		rd_count(r, RD_C_rx);
		ifindex = 0;
		ttl = -1;
		for (c = CMSG_FIRSTHDR(&mh); c != NULL; c = CMSG_NXTHDR(&mh,
		    c)) {
			if (c->cmsg_level != IPPROTO_IP)
				continue;
			if (c->cmsg_type == IP_PKTINFO) {
				struct in_pktinfo pi;

				memcpy(&pi, CMSG_DATA(c), sizeof(pi));
				ifindex = pi.ipi_ifindex;
			} else if (c->cmsg_type == IP_TTL)
				memcpy(&ttl, CMSG_DATA(c), sizeof(ttl));
		}
		if ((port = rio_port_of(r, ifindex)) < 0) {
			rd_count(r, RD_C_rx_not_port);
			continue;
		}
		rio_input(r, (unsigned)port, r->buf, (size_t)n, ttl);
	}
}

void
rio_input(struct rsvpd *r, unsigned port, const uint8_t *p, size_t n,
    int ttl)
{
	const uint8_t *payload;
	struct rd_rx rx;
	enum rsvp_reason why;
	size_t plen;

	memset(&rx, 0, sizeof(rx));
	rx.port = port;
	why = rsvp_ip_parse(p, n, &rx.ip, &payload, &plen);
	if (why != RSVP_R_ok) {
		rsvp_count(r->reason, why);
		rd_count(r, RD_C_rx_bad_ip);
		log_debug("on %s: %s", r->ifs[port].ifname,
		    rsvp_reason_str(why));
		return;
	}
	if (ttl >= 0 && ttl != rx.ip.ttl)
		log_debug("IP_TTL %d, header TTL %u", ttl, rx.ip.ttl);
	if (rio_is_local(r, rx.ip.src))
		return;		/* our own, looped back */
	rio_dispatch(r, &rx, payload, plen);
}

int
rio_send(struct rsvpd *r, struct rsvp_msg *m, unsigned port,
    struct in_addr nh, struct in_addr dst, uint8_t ttl)
{
	union {
		struct cmsghdr	align;
		uint8_t		buf[CMSG_SPACE(sizeof(struct in_pktinfo))];
	} cbuf;
	struct in_pktinfo pi;
	struct sockaddr_in to;
	struct rsvp_derr e;
	struct rsvp_ip ip;
	struct msghdr mh;
	struct iovec iov;
	struct cmsghdr *c;
	uint8_t hdr[RSVP_IP_HDR_RA_LEN], *start;
	int len, hlen;

	if (port >= r->nifs || r->ifs[port].addr.s_addr == 0) {
		rd_count(r, RD_C_tx_fail);
		log_debug("send %s: port %u has no address",
		    rsvp_msg_type_name(m->type), port);
		return -1;
	}
	m->send_ttl = ttl;
	memset(&e, 0, sizeof(e));
	len = rsvp_msg_encode(m, r->buf + RSVP_IP_HDR_RA_LEN,
	    RD_BUF - RSVP_IP_HDR_RA_LEN, &e);
	if (len < 0) {
		/* what we build must encode: this is our bug */
		rd_count(r, RD_C_tx_fail);
		log_warnx("cannot encode %s: %s (class %u)",
		    rsvp_msg_type_name(m->type), rsvp_reason_str(e.reason),
		    e.class_num);
		return -1;
	}
	memset(&ip, 0, sizeof(ip));
	ip.src = r->ifs[port].addr;
	ip.dst = dst;
	ip.ttl = ttl;
	ip.tos = RSVP_IP_TOS;
	ip.router_alert = (uint8_t)rsvp_msg_router_alert(m->type);
	hlen = rsvp_ip_build(hdr, sizeof(hdr), &ip, (size_t)len);
	if (hlen < 0) {
		rd_count(r, RD_C_tx_fail);
		log_warnx("cannot build the IP header of a %s",
		    rsvp_msg_type_name(m->type));
		return -1;
	}
	start = r->buf + RSVP_IP_HDR_RA_LEN - hlen;
	memcpy(start, hdr, (size_t)hlen);

	memset(&to, 0, sizeof(to));
	to.sin_family = AF_INET;
	to.sin_addr = nh;
	iov.iov_base = start;
	iov.iov_len = (size_t)(hlen + len);
	memset(&mh, 0, sizeof(mh));
	mh.msg_name = &to;
	mh.msg_namelen = sizeof(to);
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = cbuf.buf;
	mh.msg_controllen = sizeof(cbuf.buf);
	c = CMSG_FIRSTHDR(&mh);
	c->cmsg_level = IPPROTO_IP;
	c->cmsg_type = IP_PKTINFO;
	c->cmsg_len = CMSG_LEN(sizeof(pi));
	memset(&pi, 0, sizeof(pi));
	pi.ipi_ifindex = r->ifs[port].ifindex;
	memcpy(CMSG_DATA(c), &pi, sizeof(pi));
	if (sendmsg(r->fd, &mh, MSG_DONTWAIT) == -1) {
		rd_count(r, RD_C_tx_fail);
		log_debug("send %s to %s on %s: %s",
		    rsvp_msg_type_name(m->type), inet_ntoa(nh),
		    r->ifs[port].ifname, strerror(errno));
		return -1;
	}
	switch (m->type) {
	case RSVP_MSG_PATH:	rd_count(r, RD_C_tx_path); break;
	case RSVP_MSG_RESV:	rd_count(r, RD_C_tx_resv); break;
	case RSVP_MSG_PATHERR:	rd_count(r, RD_C_tx_patherr); break;
	case RSVP_MSG_RESVERR:	rd_count(r, RD_C_tx_resverr); break;
	case RSVP_MSG_PATHTEAR:	rd_count(r, RD_C_tx_pathtear); break;
	case RSVP_MSG_RESVTEAR:	rd_count(r, RD_C_tx_resvtear); break;
	case RSVP_MSG_RESVCONF:	rd_count(r, RD_C_tx_resvconf); break;
	case RSVP_MSG_HELLO:	rd_count(r, RD_C_tx_hello); break;
	default:		break;
	}
	return 0;
}
