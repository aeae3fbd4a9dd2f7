/*
 * The label allocator: see lalloc.h.  A search skips whole 64-bit words
 * that are full, so even a nearly full range of 2^20 labels is searched in
 * at most 16384 word loads.
 */
#include <stdlib.h>

#include "lalloc.h"
#include "mpls.h"

#define RESERVED_TOP	15u	/* 0-15: RFC 3032 s2.1 */

int
lalloc_init(struct lalloc *la, uint32_t min, uint32_t max)
{
	uint32_t n;

	la->bits = NULL;
	la->used = 0;
	if (min <= RESERVED_TOP)
		min = RESERVED_TOP + 1;
	if (max > MPLS_LABEL_MAX || max < min)
		return LALLOC_ERANGE;
	n = max - min + 1;
	if ((la->bits = calloc((n + 63) / 64, sizeof(uint64_t))) == NULL)
		return LALLOC_ENOMEM;
	la->min = min;
	la->max = max;
	la->next = min;
	return LALLOC_OK;
}

void
lalloc_fini(struct lalloc *la)
{
	free(la->bits);
	la->bits = NULL;
	la->used = 0;
}

uint32_t
lalloc_size(const struct lalloc *la)
{
	return la->max - la->min + 1;
}

int
lalloc_in_range(const struct lalloc *la, uint32_t label)
{
	return la->bits != NULL && label >= la->min && label <= la->max;
}

int
lalloc_used(const struct lalloc *la, uint32_t label)
{
	uint32_t i;

	if (!lalloc_in_range(la, label))
		return 0;
	i = label - la->min;
	return (la->bits[i / 64] >> (i % 64)) & 1;
}

static void
mark(struct lalloc *la, uint32_t label)
{
	uint32_t i = label - la->min;

	la->bits[i / 64] |= UINT64_C(1) << (i % 64);
	la->used++;
}

/* The first free label at or after from, up to max, or 0 if none. */
static uint32_t
scan(const struct lalloc *la, uint32_t from)
{
	uint32_t i = from - la->min, n = lalloc_size(la), w, b;
	uint64_t word;

	while (i < n) {
		w = i / 64;
		word = ~la->bits[w] & (~UINT64_C(0) << (i % 64));
		if (word != 0) {
			b = (uint32_t)__builtin_ctzll(word);
			i = w * 64 + b;
			return i < n ? la->min + i : 0;
		}
		i = (w + 1) * 64;
	}
	return 0;
}

int
lalloc_alloc(struct lalloc *la, uint32_t *label_r,
    int (*busy)(uint32_t, void *), void *arg)
{
	uint32_t l;

	if (la->bits == NULL)
		return LALLOC_ERANGE;
	for (;;) {
		if (la->used == lalloc_size(la))
			return LALLOC_EFULL;
		if ((l = scan(la, la->next)) == 0 &&
		    (l = scan(la, la->min)) == 0)
			return LALLOC_EFULL;
		mark(la, l);
		la->next = l == la->max ? la->min : l + 1;
		if (busy == NULL || !busy(l, arg)) {
			*label_r = l;
			return LALLOC_OK;
		}
		/* Someone else's: leave it marked and look further. */
	}
}

int
lalloc_reserve(struct lalloc *la, uint32_t label)
{
	if (!lalloc_in_range(la, label))
		return LALLOC_ERANGE;
	if (lalloc_used(la, label))
		return LALLOC_EINUSE;
	mark(la, label);
	return LALLOC_OK;
}

int
lalloc_free(struct lalloc *la, uint32_t label)
{
	uint32_t i;

	if (!lalloc_in_range(la, label))
		return LALLOC_ERANGE;
	if (!lalloc_used(la, label))
		return LALLOC_ENOTUSED;
	i = label - la->min;
	la->bits[i / 64] &= ~(UINT64_C(1) << (i % 64));
	la->used--;
	return LALLOC_OK;
}

const char *
lalloc_strerror(int err)
{
	switch (err) {
	case LALLOC_OK:		return "ok";
	case LALLOC_ERANGE:	return "label outside the allocation range";
	case LALLOC_EFULL:	return "every label of the range is taken";
	case LALLOC_EINUSE:	return "label already taken";
	case LALLOC_ENOTUSED:	return "label not taken";
	case LALLOC_ENOMEM:	return "out of memory";
	}
	return "unknown error";
}
