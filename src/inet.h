/*
 * The few IPv4/IPv6 header facts the data path needs: where the TTL or hop
 * limit lives, and the incremental checksum update of RFC 1624.
 */
#ifndef Q_INET_H
#define Q_INET_H

#include <stddef.h>
#include <stdint.h>

#define IPV4_HDR_MIN	20
#define IPV4_TTL_OFF	8
#define IPV4_CSUM_OFF	10
#define IPV6_HDR_LEN	40
#define IPV6_HLIM_OFF	7

/* RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m'), for one changed 16-bit word. */
static inline uint16_t
inet_csum_update16(uint16_t hc, uint16_t m, uint16_t m_new)
{
	uint32_t sum = (uint16_t)~hc + (uint32_t)(uint16_t)~m + m_new;

	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* The Internet checksum of len bytes (RFC 1071); 0 over a valid header. */
uint16_t	inet_csum(const uint8_t *p, size_t len);

/*
 * Checks the fixed part of an IPv4 header in len bytes: version 4, IHL >= 5
 * and the header within len.  Returns the header length, or -1.
 */
int		ipv4_hdr_check(const uint8_t *p, size_t len);

#endif
