/*
 * The IPv4 header RSVP travels under: raw IP protocol 46, with the Router
 * Alert option (RFC 2113) on Path, PathTear and ResvConf so that every
 * RSVP router on the way looks at them (RFC 2205 s3.1.3).
 *
 * | Type 148 (copied, class 0, option 20) | Length 4 | Value (2 bytes) |
 *
 * Value 0 asks routers to examine the packet; RFC 2113 reserves the rest.
 */
#include "inet.h"
#include "rsvp.h"

#define IPOPT_EOL_	0
#define IPOPT_NOP_	1
#define IPOPT_RA_	148

int
rsvp_ip_build(uint8_t *p, size_t cap, const struct rsvp_ip *ip, size_t plen)
{
	size_t hlen = ip->router_alert ? RSVP_IP_HDR_RA_LEN : IPV4_HDR_MIN;
	uint16_t csum;

	if (cap < hlen || plen > 65535 - hlen)
		return -1;
	p[0] = (uint8_t)(0x40 | hlen / 4);
	p[1] = ip->tos;
	p[2] = (uint8_t)((hlen + plen) >> 8);
	p[3] = (uint8_t)(hlen + plen);
	p[4] = (uint8_t)(ip->id >> 8);
	p[5] = (uint8_t)ip->id;
	p[6] = 0;			/* flags, fragment offset */
	p[7] = 0;
	p[8] = ip->ttl;
	p[9] = RSVP_IPPROTO;
	p[10] = 0;			/* checksum, below */
	p[11] = 0;
	memcpy(p + 12, &ip->src.s_addr, 4);
	memcpy(p + 16, &ip->dst.s_addr, 4);
	if (ip->router_alert) {
		p[20] = IPOPT_RA_;
		p[21] = RSVP_IP_RA_LEN;
		p[22] = 0;
		p[23] = 0;
	}
	csum = inet_csum(p, hlen);
	p[10] = (uint8_t)(csum >> 8);
	p[11] = (uint8_t)csum;
	return (int)hlen;
}

/* Walks the options for Router Alert; anything malformed is refused. */
static enum rsvp_reason
options(const uint8_t *o, size_t len, struct rsvp_ip *ip)
{
	size_t off = 0, olen;

	while (off < len) {
		if (o[off] == IPOPT_EOL_)
			break;
		if (o[off] == IPOPT_NOP_) {
			off++;
			continue;
		}
		if (len - off < 2)
			return RSVP_R_ip_option;
		olen = o[off + 1];
		if (olen < 2 || olen > len - off)
			return RSVP_R_ip_option;
		if (o[off] == IPOPT_RA_) {
			if (olen != RSVP_IP_RA_LEN)
				return RSVP_R_ip_option;
			ip->router_alert = 1;
			ip->ra_value = (uint16_t)(o[off + 2] << 8 | o[off + 3]);
		}
		off += olen;
	}
	return RSVP_R_ok;
}

enum rsvp_reason
rsvp_ip_parse(const uint8_t *p, size_t len, struct rsvp_ip *ip,
    const uint8_t **payload_r, size_t *plen_r)
{
	size_t hlen, tlen;

	memset(ip, 0, sizeof(*ip));
	*payload_r = NULL;
	*plen_r = 0;
	if (len < IPV4_HDR_MIN)
		return RSVP_R_ip_short;
	if (p[0] >> 4 != 4)
		return RSVP_R_ip_version;
	hlen = (size_t)(p[0] & 0x0f) * 4;
	if (hlen < IPV4_HDR_MIN || hlen > len)
		return RSVP_R_ip_hlen;
	tlen = (size_t)p[2] << 8 | p[3];
	if (tlen < hlen || tlen > len)
		return RSVP_R_ip_len;
	if (inet_csum(p, hlen) != 0)
		return RSVP_R_ip_checksum;
	if (p[9] != RSVP_IPPROTO)
		return RSVP_R_ip_proto;
	/* MF set or a non-zero offset: the kernel reassembles for raw
	 * sockets, so a fragment here is a capture or a bug. */
	if ((p[6] & 0x20) != 0 || ((p[6] & 0x1f) | p[7]) != 0)
		return RSVP_R_ip_fragment;
	ip->tos = p[1];
	ip->id = (uint16_t)(p[4] << 8 | p[5]);
	ip->ttl = p[8];
	memcpy(&ip->src.s_addr, p + 12, 4);
	memcpy(&ip->dst.s_addr, p + 16, 4);
	ip->hlen = (uint16_t)hlen;
	ip->total_len = (uint16_t)tlen;
	if (options(p + IPV4_HDR_MIN, hlen - IPV4_HDR_MIN, ip) != RSVP_R_ok)
		return RSVP_R_ip_option;
	*payload_r = p + hlen;
	*plen_r = tlen - hlen;
	return RSVP_R_ok;
}
