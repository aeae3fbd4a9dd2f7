/*
 * The wire format of the QuaSAR traffic tools, shared by qgen (which builds
 * frames) and qsink (which finds them again), and the strict argument
 * parsers both use.  Everything is static inline so each tool stays one
 * translation unit and the unit tests can include this file as it is.
 *
 * A frame, size bytes without FCS (64 at least):
 *
 *   Ethernet II (14) | MPLS entry, S=1 (4, absent for label 0) |
 *   IPv4 (20, DF, no options) | UDP (8) | payload header (24) | zeros
 *
 * The payload header, all fields big-endian:
 *
 *   0  magic  u32   QT_MAGIC_MONO or QT_MAGIC_REAL: which clock stamped it
 *   4  flow   u32   the flow id
 *   8  seq    u64   0, 1, 2, ... per flow
 *  16  sent   u64   ns on that clock, taken as the frame was filled
 *
 * The magic says which clock "sent" is on, so a sink never compares two
 * different clocks: CLOCK_MONOTONIC is the default, right when sender and
 * sink share a kernel (every network namespace sees the same clock), and
 * immune to the wall clock being stepped; CLOCK_REALTIME is for a sender
 * and a sink on two machines whose clocks are synchronised (PTP).
 *
 * The smallest frame that carries the header is 66 bytes for plain IPv4 and
 * 70 with a label (the paper's measurement frames were 70 bytes too).
 */
#ifndef Q_QTRAFFIC_H
#define Q_QTRAFFIC_H

#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ether.h"
#include "inet.h"
#include "mpls.h"

#define QT_MAGIC_MONO	0x51544d31u	/* "QTM1" */
#define QT_MAGIC_REAL	0x51545231u	/* "QTR1" */

#define QT_PL_MAGIC	0
#define QT_PL_FLOW	4
#define QT_PL_SEQ	8
#define QT_PL_SENT	16
#define QT_PL_LEN	24

#define QT_IPV4_LEN	20
#define QT_UDP_LEN	8
#define QT_HDRS_MAX	(ETHER_HDR_LEN + MPLS_LSE_LEN + QT_IPV4_LEN + \
			    QT_UDP_LEN + QT_PL_LEN)	/* 70 */

#define QT_SIZE_MIN	64
#define QT_SIZE_MAX	9216		/* jumbo; the interface MTU rules too */

/* Addresses from the benchmarking block (RFC 2544, RFC 6815). */
#define QT_IP_SRC	0xc6120001u	/* 198.18.0.1 */
#define QT_IP_DST	0xc6130001u	/* 198.19.0.1 */
#define QT_UDP_SPORT	49152		/* + flow id % 16384 */
#define QT_UDP_DPORT	9		/* discard */

static inline void
qt_wr32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static inline uint32_t
qt_rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static inline void
qt_wr64(uint8_t *p, uint64_t v)
{
	qt_wr32(p, (uint32_t)(v >> 32));
	qt_wr32(p + 4, (uint32_t)v);
}

static inline uint64_t
qt_rd64(const uint8_t *p)
{
	return (uint64_t)qt_rd32(p) << 32 | qt_rd32(p + 4);
}

/* The headers of a frame of a given label: where the payload header lands. */
static inline size_t
qt_hdrs_len(uint32_t label)
{
	return ETHER_HDR_LEN + (label != 0 ? MPLS_LSE_LEN : 0) + QT_IPV4_LEN +
	    QT_UDP_LEN + QT_PL_LEN;
}

/* The smallest size a flow of this label may ask for. */
static inline size_t
qt_size_min(uint32_t label)
{
	size_t h = qt_hdrs_len(label);

	return h > QT_SIZE_MIN ? h : QT_SIZE_MIN;
}

/*
 * One flow's frame, built once: the bytes up to the end of the payload
 * header, and the UDP checksum's sum over everything but seq and sent (the
 * padding is zeros, which add nothing), so stamping a frame updates the
 * checksum with eight additions instead of summing the frame.
 */
struct qt_tmpl {
	uint8_t		hdr[QT_HDRS_MAX];
	uint16_t	hlen;		/* bytes of hdr in use */
	uint16_t	size;		/* the whole frame */
	uint16_t	pl_off;		/* payload header */
	uint16_t	udp_off;
	uint32_t	csum_base;	/* unfolded one's complement sum */
};

static inline uint32_t
qt_sum16(const uint8_t *p, size_t len, uint32_t sum)
{
	/* len is even everywhere this is used. */
	for (; len >= 2; p += 2, len -= 2)
		sum += (uint32_t)(p[0] << 8 | p[1]);
	return sum;
}

/*
 * Builds the template of a frame of size bytes.  Returns 0, or -1 when
 * size is below qt_size_min(label) or above QT_SIZE_MAX, or label is not
 * 0 and not sendable.
 */
static inline int
qt_tmpl_build(struct qt_tmpl *t, const uint8_t dst[ETHER_ADDR_LEN],
    const uint8_t src[ETHER_ADDR_LEN], uint32_t label, uint8_t mpls_ttl,
    uint32_t flow, uint32_t magic, size_t size)
{
	struct mpls_lse e;
	uint8_t *ip, *udp, *pl;
	size_t off, iplen, udplen;
	uint32_t sum;

	if (size < qt_size_min(label) || size > QT_SIZE_MAX)
		return -1;
	if (label != 0 && (!mpls_label_in_range(label) ||
	    mpls_label_reserved(label)))
		return -1;
	memset(t, 0, sizeof(*t));
	ether_write(t->hdr, dst, src,
	    label != 0 ? ETHERTYPE_MPLS : ETHERTYPE_IPV4);
	off = ETHER_HDR_LEN;
	if (label != 0) {
		e.label = label;
		e.tc = 0;
		e.bos = 1;
		e.ttl = mpls_ttl;
		mpls_lse_encode(t->hdr + off, &e);
		off += MPLS_LSE_LEN;
	}
	iplen = size - off;
	udplen = iplen - QT_IPV4_LEN;

	ip = t->hdr + off;
	ip[0] = 0x45;
	ip[1] = 0;
	wr16(ip + 2, (uint16_t)iplen);
	wr16(ip + 4, 0);		/* ID 0 with DF: RFC 6864 */
	wr16(ip + 6, 0x4000);		/* DF */
	ip[IPV4_TTL_OFF] = 64;
	ip[9] = 17;			/* UDP */
	qt_wr32(ip + 12, QT_IP_SRC);
	qt_wr32(ip + 16, QT_IP_DST);
	wr16(ip + IPV4_CSUM_OFF, inet_csum(ip, QT_IPV4_LEN));

	udp = ip + QT_IPV4_LEN;
	wr16(udp, (uint16_t)(QT_UDP_SPORT + flow % 16384));
	wr16(udp + 2, QT_UDP_DPORT);
	wr16(udp + 4, (uint16_t)udplen);
	wr16(udp + 6, 0);

	pl = udp + QT_UDP_LEN;
	qt_wr32(pl + QT_PL_MAGIC, magic);
	qt_wr32(pl + QT_PL_FLOW, flow);

	/* Pseudo-header (RFC 768), then the UDP header and payload header. */
	sum = qt_sum16(ip + 12, 8, 0);
	sum += 17 + (uint32_t)udplen;
	sum = qt_sum16(udp, QT_UDP_LEN + QT_PL_LEN, sum);

	t->hlen = (uint16_t)(pl + QT_PL_LEN - t->hdr);
	t->size = (uint16_t)size;
	t->pl_off = (uint16_t)(pl - t->hdr);
	t->udp_off = (uint16_t)(udp - t->hdr);
	t->csum_base = sum;
	return 0;
}

/*
 * Writes seq, sent and the UDP checksum into hdr, a copy of t->hdr (the
 * first t->hlen bytes of the frame; the rest are zeros).
 */
static inline void
qt_stamp(uint8_t *hdr, const struct qt_tmpl *t, uint64_t seq, uint64_t sent)
{
	uint8_t *pl = hdr + t->pl_off;
	uint32_t sum;

	qt_wr64(pl + QT_PL_SEQ, seq);
	qt_wr64(pl + QT_PL_SENT, sent);
	sum = qt_sum16(pl + QT_PL_SEQ, 16, t->csum_base);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	sum = ~sum & 0xffff;
	/* A computed 0 is sent as all ones: 0 means "no checksum". */
	wr16(hdr + t->udp_off + 6, (uint16_t)(sum == 0 ? 0xffff : sum));
}

/* What a receiver finds in one of our frames. */
struct qt_rx {
	uint32_t	magic;
	uint32_t	flow;
	uint64_t	seq;
	uint64_t	sent;
	uint32_t	top_label;	/* when nlabels > 0 */
	unsigned	nlabels;	/* 0: plain IPv4 */
};

/*
 * Finds the payload header in cap captured bytes of a frame: Ethernet (one
 * 802.1Q tag allowed), any number of MPLS entries down to the bottom of the
 * stack (a router on the path may have swapped, pushed or popped), IPv4 by
 * its IHL, UDP, then the magic.  Every read is checked against cap, so any
 * bytes at all are safe.  Returns 0, or -1 when the frame is not ours.
 */
static inline int
qt_parse(const uint8_t *p, size_t cap, struct qt_rx *rx)
{
	struct ether_info ei;
	struct mpls_lse top;
	size_t off;
	const uint8_t *ip, *pl;
	int n, ihl;
	uint32_t magic;

	if (ether_parse(p, cap, &ei) != 0)
		return -1;
	off = ei.hlen;
	rx->nlabels = 0;
	rx->top_label = 0;
	if (ei.type == ETHERTYPE_MPLS || ei.type == ETHERTYPE_MPLS_MC) {
		n = mpls_stack_decode(p + off, cap - off, &top, 1);
		if (n <= 0)
			return -1;
		rx->nlabels = (unsigned)n;
		rx->top_label = top.label;
		off += (size_t)n * MPLS_LSE_LEN;
	} else if (ei.type != ETHERTYPE_IPV4)
		return -1;
	ip = p + off;
	ihl = ipv4_hdr_check(ip, cap - off);
	if (ihl < 0 || ip[9] != 17)
		return -1;
	/* A later fragment has no UDP header; ours are never fragmented. */
	if ((rd16(ip + 6) & 0x3fff) != 0)
		return -1;
	if (rd16(ip + 2) < (size_t)ihl + QT_UDP_LEN + QT_PL_LEN)
		return -1;
	off += (size_t)ihl;
	if (cap - off < QT_UDP_LEN + QT_PL_LEN)
		return -1;
	if (rd16(p + off + 4) < QT_UDP_LEN + QT_PL_LEN)
		return -1;
	pl = p + off + QT_UDP_LEN;
	magic = qt_rd32(pl + QT_PL_MAGIC);
	if (magic != QT_MAGIC_MONO && magic != QT_MAGIC_REAL)
		return -1;
	rx->magic = magic;
	rx->flow = qt_rd32(pl + QT_PL_FLOW);
	rx->seq = qt_rd64(pl + QT_PL_SEQ);
	rx->sent = qt_rd64(pl + QT_PL_SENT);
	return 0;
}

/*
 * Strict unsigned decimal: digits only (no sign, space, or base prefix),
 * no overflow, within [min, max].  Returns 0, or -1.
 */
static inline int
qt_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	unsigned long long v;
	char *end;

	if (s == NULL || !isdigit((unsigned char)s[0]))
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

/*
 * Strict seconds: digits with at most one '.', at least one digit, in
 * (0, max], or [0, max] when zero_ok.  strtod alone would take "inf",
 * "nan", hex and leading space.  The time goes to out in nanoseconds.
 * Returns 0, or -1.
 */
static inline int
qt_parse_secs(const char *s, double max, int zero_ok, uint64_t *out)
{
	const char *c;
	char *end;
	int dots = 0, digits = 0;
	double v;

	if (s == NULL)
		return -1;
	for (c = s; *c != '\0'; c++) {
		if (*c == '.')
			dots++;
		else if (isdigit((unsigned char)*c))
			digits++;
		else
			return -1;
	}
	if (dots > 1 || digits == 0)
		return -1;
	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || *end != '\0' || v < 0 || v > max)
		return -1;
	*out = (uint64_t)(v * 1e9 + 0.5);
	/* Under half a nanosecond is zero too. */
	return *out > 0 || zero_ok ? 0 : -1;
}

#endif
