/*
 * The routelet pool: paused domains waiting for a flow.
 *
 * Taking a routelet for a new LSP and giving it back are O(1): the idle
 * domains are a stack.  Creating and destroying domains (milliseconds for
 * a local routelet, seconds for a Xen one) never happens on those paths:
 * pool_tick(), called from the daemon's event loop, grows or shrinks the
 * idle set by one domain per call toward its target, between the minimum
 * and the maximum -- growing at once, shrinking only once a surplus has
 * lasted POOL_SHRINK_DELAY_MS, so LSPs that come and go do not make it
 * create and destroy a routelet each time -- and audits: a domain that died is destroyed and
 * replaced, one in use that stops answering pings is reported to its owner
 * through on_lost and replaced.
 */
#ifndef Q_POOL_H
#define Q_POOL_H

#include <stdint.h>

#include "backend.h"
#include "counter.h"

#define POOL_MAX	4096
#define POOL_SHRINK_DELAY_MS	5000

enum pdom_state {
	PD_IDLE,	/* paused, unconfigured, in the idle stack */
	PD_USED,	/* taken for an LSP */
	PD_DEAD,	/* died; waiting to be destroyed and replaced */
};

struct pdom {
	struct dom	 d;
	enum pdom_state	 state;
	void		*owner;		/* the LSP, while PD_USED */
	uint64_t	 taken_at;
	unsigned	 missed_pings;
};

#define POOL_COUNTERS(X)						\
	X(created,	"routelets created")				\
	X(destroyed,	"routelets destroyed")				\
	X(create_failed, "routelet creations that failed")		\
	X(taken,	"routelets taken for an LSP")			\
	X(returned,	"routelets given back")				\
	X(take_empty,	"takes that found no idle routelet")		\
	X(died,		"routelets that died")				\
	X(unresponsive,	"routelets that stopped answering")		\
	X(replaced,	"dead or unresponsive routelets replaced")

enum pool_ctr {
#define POOL_CTR_ENUM(n, d)	POOL_C_##n,
	POOL_COUNTERS(POOL_CTR_ENUM)
#undef POOL_CTR_ENUM
	POOL_C_COUNT
};

extern const struct counter_desc pool_ctr_desc[POOL_C_COUNT];

struct pool_conf {
	unsigned	min;		/* idle routelets kept at least */
	unsigned	max;		/* routelets in all, idle and used */
	unsigned	target;		/* idle routelets wanted */
	unsigned	nvifs;		/* VIFs per routelet: the port count */
	unsigned	ping_ms;	/* audit period of used routelets */
};

struct pool {
	struct backend	 *be;
	struct pool_conf  conf;
	struct pdom	 *doms[POOL_MAX];	/* by slot; NULL if free */
	struct pdom	 *idle[POOL_MAX];	/* stack */
	unsigned	  nidle;
	unsigned	  ndoms;
	uint32_t	  next_id;
	uint64_t	  last_audit;
	uint64_t	  surplus_since;	/* 0: idle <= target */
	counter_t	  ctr[POOL_C_COUNT];
	/* A used routelet died or stopped answering; it is already out of
	 * the owner's hands and will be destroyed after this returns. */
	void		(*on_lost)(struct pool *, struct pdom *, void *owner);
};

int	 pool_conf_check(const struct pool_conf *c, char *err, size_t errlen);
/* Creates conf->target paused routelets now (the daemon waits for its
 * pool at start); fails if fewer than conf->min could be made. */
int	 pool_init(struct pool *p, struct backend *be,
	    const struct pool_conf *conf, char *err, size_t errlen);
void	 pool_fini(struct pool *p);

/* An idle routelet; with none idle and the pool below its maximum, one
 * made on the spot.  NULL when the pool is at its maximum. */
struct pdom *pool_take(struct pool *p, void *owner);
/* Pauses it, closes its egress, and puts it back on the idle stack; a
 * routelet that cannot be paused is destroyed instead. */
void	 pool_return(struct pool *p, struct pdom *pd);

int	 pool_resize(struct pool *p, unsigned min, unsigned max,
	    unsigned target, char *err, size_t errlen);
/* One step of background work; returns 1 if it did something. */
int	 pool_tick(struct pool *p, uint64_t now);
/* Called by the daemon from the backend's on_death. */
void	 pool_dom_died(struct pool *p, struct dom *d);

struct pdom *pool_find(struct pool *p, uint32_t id);
unsigned pool_used(const struct pool *p);

#endif
