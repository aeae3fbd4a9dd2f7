#include <stdio.h>
#include <string.h>

#include "ether.h"

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
ether_addr_parse(const char *s, uint8_t mac[ETHER_ADDR_LEN])
{
	uint8_t out[ETHER_ADDR_LEN];
	char sep = 0;
	int i, hi, lo;

	for (i = 0; i < ETHER_ADDR_LEN; i++) {
		if ((hi = hexval(s[0])) < 0 || (lo = hexval(s[1])) < 0)
			return -1;
		out[i] = (uint8_t)(hi << 4 | lo);
		s += 2;
		if (i == ETHER_ADDR_LEN - 1)
			break;
		if (sep == 0 && (*s == ':' || *s == '-'))
			sep = *s;
		/* sep is still 0 at the NUL: that is no separator. */
		if (sep == 0 || *s != sep)
			return -1;
		s++;
	}
	if (*s != '\0')
		return -1;
	memcpy(mac, out, ETHER_ADDR_LEN);
	return 0;
}

char *
ether_addr_fmt(const uint8_t mac[ETHER_ADDR_LEN], char buf[ETHER_ADDR_STRLEN])
{
	snprintf(buf, ETHER_ADDR_STRLEN, "%02x:%02x:%02x:%02x:%02x:%02x",
	    mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
	return buf;
}

int
ether_addr_is_unicast(const uint8_t mac[ETHER_ADDR_LEN])
{
	return (mac[0] & 0x01) == 0;
}

int
ether_addr_is_zero(const uint8_t mac[ETHER_ADDR_LEN])
{
	static const uint8_t zero[ETHER_ADDR_LEN];

	return memcmp(mac, zero, ETHER_ADDR_LEN) == 0;
}
