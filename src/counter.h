/*
 * Counters: one writer (the data path) bumps them with plain relaxed
 * load+store, so the hot path pays no locked instruction; any thread may
 * read them at any time without tearing.  Sets of counters are declared as
 * X-macro lists of (name, description) so names, enums and dumps come from
 * one place.
 */
#ifndef Q_COUNTER_H
#define Q_COUNTER_H

#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>

typedef _Atomic uint64_t counter_t;

struct counter_desc {
	const char	*name;
	const char	*desc;
};

static inline void
ctr_add(counter_t *c, uint64_t n)
{
	atomic_store_explicit(c, atomic_load_explicit(c, memory_order_relaxed)
	    + n, memory_order_relaxed);
}

static inline uint64_t
ctr_get(const counter_t *c)
{
	return atomic_load_explicit(c, memory_order_relaxed);
}

/* Writes "name value" lines, or one JSON object, of n counters. */
void	ctr_dump_text(FILE *f, const struct counter_desc *d,
	    const counter_t *c, unsigned n, int skip_zero);
void	ctr_dump_json(FILE *f, const struct counter_desc *d,
	    const counter_t *c, unsigned n);

#endif
