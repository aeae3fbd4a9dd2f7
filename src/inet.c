#include "inet.h"

uint16_t
inet_csum(const uint8_t *p, size_t len)
{
	uint64_t sum = 0;

	while (len > 1) {
		sum += (uint32_t)(p[0] << 8 | p[1]);
		p += 2;
		len -= 2;
	}
	if (len == 1)
		sum += (uint32_t)(p[0] << 8);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

int
ipv4_hdr_check(const uint8_t *p, size_t len)
{
	size_t hlen;

	if (len < IPV4_HDR_MIN || (p[0] >> 4) != 4)
		return -1;
	hlen = (size_t)(p[0] & 0x0f) * 4;
	if (hlen < IPV4_HDR_MIN || hlen > len)
		return -1;
	return (int)hlen;
}
