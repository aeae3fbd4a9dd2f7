#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "pkt.h"

void
pkt_init(struct pkt *p, uint8_t *buf, uint32_t bufsz)
{
	memset(p, 0, sizeof(*p));
	p->buf = buf;
	p->bufsz = bufsz;
	pkt_reset(p);
}

int
pkt_load(struct pkt *p, const void *frame, size_t len)
{
	pkt_reset(p);
	if (len > pkt_tailroom(p))
		return -1;
	memcpy(p->data, frame, len);
	p->len = (uint32_t)len;
	return 0;
}

int
pkt_pool_init(struct pkt_pool *pp, uint32_t n)
{
	size_t memsz = (size_t)n * PKT_BUFSZ;
	uint32_t i;

	memset(pp, 0, sizeof(*pp));
	if (n == 0)
		return -1;
	pp->size = n;
	pp->pkts = calloc(n, sizeof(*pp->pkts));
	pp->free = calloc(n, sizeof(*pp->free));
	/* One mapping for all buffers: page-aligned, so frames start aligned. */
	pp->mem = mmap(NULL, memsz, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (pp->pkts == NULL || pp->free == NULL || pp->mem == MAP_FAILED) {
		if (pp->mem == MAP_FAILED)
			pp->mem = NULL;
		pkt_pool_destroy(pp);
		return -1;
	}
	for (i = 0; i < n; i++) {
		pkt_init(&pp->pkts[i], pp->mem + (size_t)i * PKT_BUFSZ,
		    PKT_BUFSZ);
		pp->pkts[i].pool_idx = i;
		pp->free[i] = &pp->pkts[n - 1 - i];
	}
	pp->nfree = n;
	return 0;
}

void
pkt_pool_destroy(struct pkt_pool *pp)
{
	if (pp->mem != NULL)
		munmap(pp->mem, (size_t)pp->size * PKT_BUFSZ);
	free(pp->pkts);
	free(pp->free);
	memset(pp, 0, sizeof(*pp));
}
