/*
 * Packet buffers with headroom.  A frame is received PKT_HEADROOM bytes into
 * its buffer, so stripping a header is a pointer move and pushing labels or a
 * new Ethernet header writes into the room in front: the payload is never
 * copied on the forwarding path.
 *
 * Buffers come from a pkt_pool allocated once at start-up; taking and giving
 * back a buffer is O(1) and never allocates.
 */
#ifndef Q_PKT_H
#define Q_PKT_H

#include <stddef.h>
#include <stdint.h>

#define PKT_HEADROOM	128
#define PKT_BUFSZ	2048	/* headroom + the largest frame we take */
#define PKT_MAXFRAME	(PKT_BUFSZ - PKT_HEADROOM)

struct pkt {
	uint8_t		*data;		/* first byte of the frame */
	uint32_t	 len;		/* bytes from data */
	uint16_t	 in_vif;
	uint16_t	 out_vif;
	uint16_t	 proto;		/* EtherType of what data holds */
	uint64_t	 ts;		/* ns: receive, then departure time */
	uint8_t		*buf;		/* start of the buffer */
	uint32_t	 bufsz;
	uint32_t	 pool_idx;
};

void	pkt_init(struct pkt *p, uint8_t *buf, uint32_t bufsz);

static inline void
pkt_reset(struct pkt *p)
{
	p->data = p->buf + (p->bufsz > PKT_HEADROOM ? PKT_HEADROOM : 0);
	p->len = 0;
	p->in_vif = 0;
	p->out_vif = 0;
	p->proto = 0;
	p->ts = 0;
}

/* Copies a received frame in after the headroom; -1 if it does not fit. */
int	pkt_load(struct pkt *p, const void *frame, size_t len);

static inline uint32_t
pkt_headroom(const struct pkt *p)
{
	return (uint32_t)(p->data - p->buf);
}

static inline uint32_t
pkt_tailroom(const struct pkt *p)
{
	return p->bufsz - pkt_headroom(p) - p->len;
}

/* Drops n bytes from the front; NULL (and nothing changed) if len < n. */
static inline uint8_t *
pkt_pull(struct pkt *p, uint32_t n)
{
	if (p->len < n)
		return NULL;
	p->data += n;
	p->len -= n;
	return p->data;
}

/* Opens n bytes in front; NULL (and nothing changed) if headroom < n. */
static inline uint8_t *
pkt_push(struct pkt *p, uint32_t n)
{
	if (pkt_headroom(p) < n)
		return NULL;
	p->data -= n;
	p->len += n;
	return p->data;
}

/* Cuts the frame to n bytes; no effect if it is already shorter. */
static inline void
pkt_trim(struct pkt *p, uint32_t n)
{
	if (p->len > n)
		p->len = n;
}

struct pkt_pool {
	struct pkt	 *pkts;
	uint8_t		 *mem;
	struct pkt	**free;		/* stack of free buffers */
	uint32_t	  nfree;
	uint32_t	  size;
};

int		 pkt_pool_init(struct pkt_pool *pp, uint32_t n);
void		 pkt_pool_destroy(struct pkt_pool *pp);

static inline struct pkt *
pkt_pool_get(struct pkt_pool *pp)
{
	struct pkt *p;

	if (pp->nfree == 0)
		return NULL;
	p = pp->free[--pp->nfree];
	pkt_reset(p);
	return p;
}

static inline void
pkt_pool_put(struct pkt_pool *pp, struct pkt *p)
{
	pp->free[pp->nfree++] = p;
}

#endif
