/*
 * Repairs for an RSVP datagram drawn from fuzz input (fuzz_rsvp,
 * fuzz_rsvpd): a flags byte says which lengths and checksums to set, so
 * mutations reach the objects instead of dying on a checksum, while an
 * input with no flag goes in exactly as it came.
 */
#ifndef FZ_RSVP_H
#define FZ_RSVP_H

#include "inet.h"
#include "rsvp.h"

#define FR_IP_LEN	0x01
#define FR_RSVP_LEN	0x02
#define FR_RSVP_CSUM	0x04
#define FR_RSVP_NOCSUM	0x08

static inline void
fz_rsvp_repair(uint8_t fix, uint8_t *p, size_t len)
{
	size_t hlen, plen;
	uint16_t c;

	if (len < IPV4_HDR_MIN || p[0] >> 4 != 4)
		return;
	hlen = (size_t)(p[0] & 0x0f) * 4;
	if (hlen < IPV4_HDR_MIN || hlen > len)
		return;
	plen = len - hlen;
	if ((fix & FR_RSVP_LEN) && plen >= RSVP_HDR_LEN) {
		p[hlen + 6] = (uint8_t)(plen >> 8);
		p[hlen + 7] = (uint8_t)plen;
	}
	if ((fix & (FR_RSVP_CSUM | FR_RSVP_NOCSUM)) && plen >= RSVP_HDR_LEN) {
		p[hlen + 2] = p[hlen + 3] = 0;
		if (!(fix & FR_RSVP_NOCSUM)) {
			c = inet_csum(p + hlen, plen);
			p[hlen + 2] = (uint8_t)(c >> 8);
			p[hlen + 3] = (uint8_t)c;
		}
	}
	if (fix & FR_IP_LEN) {
		p[2] = (uint8_t)(len >> 8);
		p[3] = (uint8_t)len;
		p[10] = p[11] = 0;
		c = inet_csum(p, hlen);
		p[10] = (uint8_t)(c >> 8);
		p[11] = (uint8_t)c;
	}
}

#endif
