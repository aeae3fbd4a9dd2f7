/*
 * MPLS label stack entries (RFC 3032).
 *
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                Label                  | TC  |S|      TTL      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * Entries are decoded once into struct mpls_lse; nothing else shifts bits.
 */
#ifndef Q_MPLS_H
#define Q_MPLS_H

#include <stddef.h>
#include <stdint.h>

#define MPLS_LSE_LEN		4

#define MPLS_LS_LABEL_MASK	0xfffff000u
#define MPLS_LS_LABEL_SHIFT	12
#define MPLS_LS_TC_MASK		0x00000e00u
#define MPLS_LS_TC_SHIFT	9
#define MPLS_LS_S_MASK		0x00000100u
#define MPLS_LS_S_SHIFT		8
#define MPLS_LS_TTL_MASK	0x000000ffu
#define MPLS_LS_TTL_SHIFT	0

/* Reserved label values, 0-15 (RFC 3032 s2.1 and the IANA registry). */
#define MPLS_LABEL_IPV4NULL	0	/* IPv4 Explicit NULL, RFC 3032 */
#define MPLS_LABEL_RTALERT	1	/* Router Alert, RFC 3032 */
#define MPLS_LABEL_IPV6NULL	2	/* IPv6 Explicit NULL, RFC 3032 */
#define MPLS_LABEL_IMPLNULL	3	/* Implicit NULL, RFC 3032 */
#define MPLS_LABEL_ENTROPY	7	/* Entropy Label Indicator, RFC 6790 */
#define MPLS_LABEL_GAL		13	/* Generic Associated Channel, RFC 5586 */
#define MPLS_LABEL_OAMALERT	14	/* OAM Alert, RFC 3429 */
#define MPLS_LABEL_EXTENSION	15	/* Extension, RFC 7274 */

#define MPLS_LABEL_FIRST_UNRESERVED	16
#define MPLS_LABEL_MAX			0xfffffu
#define MPLS_LABEL_COUNT		(MPLS_LABEL_MAX + 1)

struct mpls_lse {
	uint32_t	label;	/* 20 bits */
	uint8_t		tc;	/* 3 bits, traffic class (RFC 5462) */
	uint8_t		bos;	/* bottom of stack */
	uint8_t		ttl;
};

static inline uint32_t
mpls_lse_pack(const struct mpls_lse *e)
{
	return ((e->label << MPLS_LS_LABEL_SHIFT) & MPLS_LS_LABEL_MASK) |
	    (((uint32_t)e->tc << MPLS_LS_TC_SHIFT) & MPLS_LS_TC_MASK) |
	    (e->bos ? MPLS_LS_S_MASK : 0) |
	    ((uint32_t)e->ttl << MPLS_LS_TTL_SHIFT);
}

static inline void
mpls_lse_unpack(uint32_t v, struct mpls_lse *e)
{
	e->label = (v & MPLS_LS_LABEL_MASK) >> MPLS_LS_LABEL_SHIFT;
	e->tc = (uint8_t)((v & MPLS_LS_TC_MASK) >> MPLS_LS_TC_SHIFT);
	e->bos = (v & MPLS_LS_S_MASK) != 0;
	e->ttl = (uint8_t)((v & MPLS_LS_TTL_MASK) >> MPLS_LS_TTL_SHIFT);
}

/* The entry at p as one host-order word; no alignment is assumed. */
static inline uint32_t
mpls_rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static inline void
mpls_wr32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* p points at four bytes in network order; no alignment is assumed. */
static inline void
mpls_lse_decode(const uint8_t *p, struct mpls_lse *e)
{
	mpls_lse_unpack(mpls_rd32(p), e);
}

static inline void
mpls_lse_encode(uint8_t *p, const struct mpls_lse *e)
{
	mpls_wr32(p, mpls_lse_pack(e));
}

static inline int
mpls_label_reserved(uint32_t label)
{
	return label < MPLS_LABEL_FIRST_UNRESERVED;
}

static inline int
mpls_label_in_range(uint32_t label)
{
	return label <= MPLS_LABEL_MAX;
}

/* The RFC name of a reserved label, or NULL for 4-6, 8-12 and >= 16. */
const char	*mpls_label_name(uint32_t label);

/*
 * Whether a label may be put on the wire as an outgoing label by a swap or
 * a push: unreserved labels and the two Explicit NULLs.  Implicit NULL only
 * ever means "pop" and the others belong to special purposes.
 */
int		 mpls_label_sendable(uint32_t label);

/*
 * Walks a label stack of at most len bytes.  Returns the number of entries
 * up to and including the bottom-of-stack entry, or -1 when no entry with S
 * set lies within len bytes (a truncated or runaway stack).  Decoded entries
 * go to out[0..max-1] when out is not NULL; deeper ones are only counted.
 */
int		 mpls_stack_decode(const uint8_t *p, size_t len,
		    struct mpls_lse *out, size_t max);

/* Encodes n entries, setting S on the last one only.  Returns bytes written. */
size_t		 mpls_stack_encode(uint8_t *p, const struct mpls_lse *in,
		    size_t n);

/* "100/200/300" -> labels; returns the count, or -1 on a bad or reserved entry. */
int		 mpls_stack_parse(const char *s, uint32_t *labels, size_t max);

#endif
