/*
 * Ethernet II framing, untagged or with one IEEE 802.1Q tag.
 */
#ifndef Q_ETHER_H
#define Q_ETHER_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define ETHER_ADDR_LEN		6
#define ETHER_HDR_LEN		14
#define ETHER_VLAN_HDR_LEN	18
#define ETHER_MIN_LEN		60	/* without FCS */
#define ETHER_ADDR_STRLEN	18	/* "aa:bb:cc:dd:ee:ff" and NUL */

#define ETHERTYPE_IPV4		0x0800
#define ETHERTYPE_VLAN		0x8100	/* IEEE 802.1Q */
#define ETHERTYPE_IPV6		0x86dd
#define ETHERTYPE_MPLS		0x8847	/* MPLS unicast, RFC 3032 */
#define ETHERTYPE_MPLS_MC	0x8848	/* MPLS multicast, RFC 5332 */
#define ETHERTYPE_QINQ		0x88a8	/* IEEE 802.1ad */

struct ether_info {
	const uint8_t	*dst;
	const uint8_t	*src;
	uint16_t	 type;		/* the EtherType after any tag */
	uint16_t	 tci;		/* 802.1Q tag control, when vlan */
	uint8_t		 vlan;		/* one 802.1Q tag was present */
	uint8_t		 hlen;		/* 14 or 18 */
};

/*
 * Parses the header of a frame of len bytes.  Returns 0, or -1 when the frame
 * is shorter than its header.  A second tag is not looked into: its EtherType
 * (0x8100 or 0x88a8) is reported as the payload type, so callers that want
 * MPLS see a type they do not handle and drop the frame.
 */
static inline int ether_parse(const uint8_t *p, size_t len,
    struct ether_info *ei);

/* Writes an untagged 14-byte header. */
static inline void ether_write(uint8_t *p, const uint8_t *dst,
    const uint8_t *src, uint16_t type);

/* "aa:bb:cc:dd:ee:ff" (also with '-'); returns 0, or -1 on bad syntax. */
int	ether_addr_parse(const char *s, uint8_t mac[ETHER_ADDR_LEN]);
char	*ether_addr_fmt(const uint8_t mac[ETHER_ADDR_LEN],
	    char buf[ETHER_ADDR_STRLEN]);
int	ether_addr_is_unicast(const uint8_t mac[ETHER_ADDR_LEN]);
int	ether_addr_is_zero(const uint8_t mac[ETHER_ADDR_LEN]);

static inline uint16_t
rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline void
wr16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline int
ether_parse(const uint8_t *p, size_t len, struct ether_info *ei)
{
	if (len < ETHER_HDR_LEN)
		return -1;
	ei->dst = p;
	ei->src = p + ETHER_ADDR_LEN;
	ei->type = rd16(p + 12);
	ei->vlan = 0;
	ei->tci = 0;
	ei->hlen = ETHER_HDR_LEN;
	if (ei->type == ETHERTYPE_VLAN) {
		if (len < ETHER_VLAN_HDR_LEN)
			return -1;
		ei->vlan = 1;
		ei->tci = rd16(p + 14);
		ei->type = rd16(p + 16);
		ei->hlen = ETHER_VLAN_HDR_LEN;
	}
	return 0;
}

static inline void
ether_write(uint8_t *p, const uint8_t *dst, const uint8_t *src, uint16_t type)
{
	memcpy(p, dst, ETHER_ADDR_LEN);
	memcpy(p + ETHER_ADDR_LEN, src, ETHER_ADDR_LEN);
	wr16(p + 12, type);
}

#endif
