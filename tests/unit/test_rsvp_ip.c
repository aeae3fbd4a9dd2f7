/*
 * The IPv4 header under RSVP: built with and without Router Alert
 * (RFC 2113) and checked against bytes written out by hand; parsed back,
 * with each malformed header refused for its own reason.
 */
#include <arpa/inet.h>

#include "testutil.h"

#include "inet.h"
#include "rsvp.h"

static struct in_addr
A(const char *s)
{
	struct in_addr a;

	assert_int_equal(inet_pton(AF_INET, s, &a), 1);
	return a;
}

/* 10.0.0.1 -> 10.0.0.9, TOS c0, id 0x1234, TTL 63, 232 bytes of RSVP,
 * Router Alert; the checksum worked out by hand below. */
static const uint8_t HDR_RA[24] = {
	0x46, 0xc0, 0x01, 0x00, 0x12, 0x34, 0x00, 0x00,
	0x3f, 0x2e, 0x00, 0x00, 0x0a, 0x00, 0x00, 0x01,
	0x0a, 0x00, 0x00, 0x09, 0x94, 0x04, 0x00, 0x00,
};

static void
fill(struct rsvp_ip *ip, int ra)
{
	memset(ip, 0, sizeof(*ip));
	ip->src = A("10.0.0.1");
	ip->dst = A("10.0.0.9");
	ip->tos = RSVP_IP_TOS;
	ip->id = 0x1234;
	ip->ttl = 63;
	ip->router_alert = (uint8_t)ra;
}

static void
test_build(void **state)
{
	uint8_t p[64], want[24];
	struct rsvp_ip ip;
	uint32_t sum = 0;
	size_t i;

	(void)state;
	/* The checksum by hand: sum the words, fold, complement. */
	memcpy(want, HDR_RA, sizeof(want));
	for (i = 0; i < sizeof(want); i += 2)
		sum += (uint32_t)(want[i] << 8 | want[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	want[10] = (uint8_t)(~sum >> 8);
	want[11] = (uint8_t)~sum;

	fill(&ip, 1);
	assert_int_equal(rsvp_ip_build(p, sizeof(p), &ip, 232), 24);
	assert_memory_equal(p, want, 24);
	assert_int_equal(inet_csum(p, 24), 0);

	fill(&ip, 0);
	assert_int_equal(rsvp_ip_build(p, sizeof(p), &ip, 140), 20);
	assert_int_equal(p[0], 0x45);
	assert_int_equal(p[2] << 8 | p[3], 160);
	assert_int_equal(p[9], 46);
	assert_int_equal(inet_csum(p, 20), 0);

	/* No room, or a datagram over 65535 bytes. */
	assert_int_equal(rsvp_ip_build(p, 19, &ip, 10), -1);
	fill(&ip, 1);
	assert_int_equal(rsvp_ip_build(p, 23, &ip, 10), -1);
	assert_int_equal(rsvp_ip_build(p, sizeof(p), &ip, 65535 - 24), 24);
	assert_int_equal(rsvp_ip_build(p, sizeof(p), &ip, 65535 - 23), -1);
}

static enum rsvp_reason
parse(const uint8_t *p, size_t len, struct rsvp_ip *ip, size_t *plen)
{
	uint8_t *x = tu_exact(p, len);
	const uint8_t *payload;
	enum rsvp_reason r;

	r = rsvp_ip_parse(x, len, ip, &payload, plen);
	if (r == RSVP_R_ok)
		assert_ptr_equal(payload, x + ip->hlen);
	free(x);
	return r;
}

/* A header of hlen bytes (options given) before plen payload bytes. */
static size_t
datagram(uint8_t *p, const uint8_t *opts, size_t olen, size_t plen)
{
	size_t hlen = 20 + olen;
	uint16_t c;

	memset(p, 0, hlen + plen);
	p[0] = (uint8_t)(0x40 | hlen / 4);
	p[2] = (uint8_t)((hlen + plen) >> 8);
	p[3] = (uint8_t)(hlen + plen);
	p[8] = 1;
	p[9] = 46;
	if (olen > 0)
		memcpy(p + 20, opts, olen);
	c = inet_csum(p, hlen);
	p[10] = (uint8_t)(c >> 8);
	p[11] = (uint8_t)c;
	return hlen + plen;
}

static void
recsum(uint8_t *p)
{
	uint16_t c;

	p[10] = p[11] = 0;
	c = inet_csum(p, (size_t)(p[0] & 0x0f) * 4);
	p[10] = (uint8_t)(c >> 8);
	p[11] = (uint8_t)c;
}

static void
test_parse(void **state)
{
	uint8_t p[128];
	struct rsvp_ip ip;
	size_t plen, n;

	(void)state;
	fill(&ip, 1);
	assert_int_equal(rsvp_ip_build(p, sizeof(p), &ip, 8), 24);
	assert_int_equal(parse(p, 32, &ip, &plen), RSVP_R_ok);
	assert_int_equal(plen, 8);
	assert_int_equal(ip.hlen, 24);
	assert_int_equal(ip.total_len, 32);
	assert_true(ip.router_alert);
	assert_int_equal(ip.ra_value, 0);
	assert_int_equal(ip.ttl, 63);
	assert_int_equal(ip.tos, 0xc0);
	assert_int_equal(ip.id, 0x1234);
	assert_int_equal(ip.src.s_addr, A("10.0.0.1").s_addr);
	assert_int_equal(ip.dst.s_addr, A("10.0.0.9").s_addr);
	/* Link padding after the datagram is not payload. */
	assert_int_equal(parse(p, 60, &ip, &plen), RSVP_R_ok);
	assert_int_equal(plen, 8);

	/* Options: NOPs around Router Alert; EOL ends the walk. */
	n = datagram(p, (const uint8_t[]){ 1, 0x94, 4, 0, 7, 1, 1, 0 }, 8, 4);
	assert_int_equal(parse(p, n, &ip, &plen), RSVP_R_ok);
	assert_true(ip.router_alert);
	assert_int_equal(ip.ra_value, 7);
	n = datagram(p, (const uint8_t[]){ 0, 0x94, 0, 0 }, 4, 4);
	assert_int_equal(parse(p, n, &ip, &plen), RSVP_R_ok);
	assert_false(ip.router_alert);
	/* Another option (a timestamp-shaped one) is stepped over. */
	n = datagram(p, (const uint8_t[]){ 0x44, 8, 5, 0, 0, 0, 0, 0,
	    0x94, 4, 0, 0 }, 12, 4);
	assert_int_equal(parse(p, n, &ip, &plen), RSVP_R_ok);
	assert_true(ip.router_alert);

	/* Bad option lengths: 0, 1, past the header, RA not 4. */
	n = datagram(p, (const uint8_t[]){ 0x44, 0, 0, 0 }, 4, 4);
	assert_int_equal(parse(p, n, &ip, &plen), RSVP_R_ip_option);
	n = datagram(p, (const uint8_t[]){ 1, 1, 1, 0x44 }, 4, 4);
	assert_int_equal(parse(p, n, &ip, &plen), RSVP_R_ip_option);
	n = datagram(p, (const uint8_t[]){ 0x44, 8, 0, 0 }, 4, 4);
	assert_int_equal(parse(p, n, &ip, &plen), RSVP_R_ip_option);
	n = datagram(p, (const uint8_t[]){ 0x94, 3, 0, 0 }, 4, 4);
	assert_int_equal(parse(p, n, &ip, &plen), RSVP_R_ip_option);
}

static void
test_parse_refusals(void **state)
{
	uint8_t p[64], q[64];
	struct rsvp_ip ip;
	size_t plen, n, len;

	(void)state;
	n = datagram(p, NULL, 0, 8);
	for (len = 0; len < 20; len++)
		assert_int_equal(parse(p, len, &ip, &plen), RSVP_R_ip_short);
	/* Cut inside the payload: the total length runs past it. */
	for (len = 20; len < n; len++)
		assert_int_equal(parse(p, len, &ip, &plen), RSVP_R_ip_len);

	memcpy(q, p, n);
	q[0] = 0x65;
	assert_int_equal(parse(q, n, &ip, &plen), RSVP_R_ip_version);
	memcpy(q, p, n);
	q[0] = 0x44;
	assert_int_equal(parse(q, n, &ip, &plen), RSVP_R_ip_hlen);
	memcpy(q, p, n);
	q[0] = 0x4f;			/* 60 bytes of header in 28 */
	assert_int_equal(parse(q, n, &ip, &plen), RSVP_R_ip_hlen);
	memcpy(q, p, n);
	q[3] = 19;
	recsum(q);
	assert_int_equal(parse(q, n, &ip, &plen), RSVP_R_ip_len);
	memcpy(q, p, n);
	q[15] ^= 1;
	assert_int_equal(parse(q, n, &ip, &plen), RSVP_R_ip_checksum);
	memcpy(q, p, n);
	q[9] = 17;
	recsum(q);
	assert_int_equal(parse(q, n, &ip, &plen), RSVP_R_ip_proto);
	memcpy(q, p, n);
	q[6] = 0x20;			/* more fragments */
	recsum(q);
	assert_int_equal(parse(q, n, &ip, &plen), RSVP_R_ip_fragment);
	memcpy(q, p, n);
	q[7] = 0x01;			/* offset 8 */
	recsum(q);
	assert_int_equal(parse(q, n, &ip, &plen), RSVP_R_ip_fragment);
	memcpy(q, p, n);
	q[6] = 0x40;			/* DF alone is fine */
	recsum(q);
	assert_int_equal(parse(q, n, &ip, &plen), RSVP_R_ok);
}

static void
test_router_alert_types(void **state)
{
	(void)state;
	/* RFC 2205: Path, PathTear and ResvConf carry Router Alert. */
	assert_true(rsvp_msg_router_alert(RSVP_MSG_PATH));
	assert_true(rsvp_msg_router_alert(RSVP_MSG_PATHTEAR));
	assert_true(rsvp_msg_router_alert(RSVP_MSG_RESVCONF));
	assert_false(rsvp_msg_router_alert(RSVP_MSG_RESV));
	assert_false(rsvp_msg_router_alert(RSVP_MSG_PATHERR));
	assert_false(rsvp_msg_router_alert(RSVP_MSG_RESVERR));
	assert_false(rsvp_msg_router_alert(RSVP_MSG_RESVTEAR));
	assert_false(rsvp_msg_router_alert(RSVP_MSG_HELLO));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_build),
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_parse_refusals),
		cmocka_unit_test(test_router_alert_types),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
