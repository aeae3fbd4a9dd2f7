#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "log.h"
#include "pool.h"

const struct counter_desc pool_ctr_desc[POOL_C_COUNT] = {
#define POOL_CTR_DESC(n, d)	{ #n, d },
	POOL_COUNTERS(POOL_CTR_DESC)
#undef POOL_CTR_DESC
};

/* For a backend without ping_next.  A routelet that is only slow must
 * not be replaced: on a loaded test machine one missed three 50 ms pings
 * in a row and its LSP lost its routelet for a second.  A hung one costs
 * the loop this much a ping. */
#define PING_TIMEOUT_MS	250
#define PINGS_MISSED	3

int
pool_conf_check(const struct pool_conf *c, char *err, size_t errlen)
{
	if (c->max == 0 || c->max > POOL_MAX) {
		snprintf(err, errlen, "pool max %u: must be 1-%d", c->max,
		    POOL_MAX);
		return -1;
	}
	if (c->min > c->max || c->target < c->min || c->target > c->max) {
		snprintf(err, errlen, "pool: want min <= target <= max, have "
		    "%u, %u, %u", c->min, c->target, c->max);
		return -1;
	}
	if (c->nvifs == 0 || c->nvifs > RLCONF_MAX_VIFS) {
		snprintf(err, errlen, "pool: %u VIFs per routelet: must be "
		    "1-%d", c->nvifs, RLCONF_MAX_VIFS);
		return -1;
	}
	return 0;
}

static int
slot_free(const struct pool *p)
{
	unsigned i;

	for (i = 0; i < POOL_MAX; i++)
		if (p->doms[i] == NULL)
			return (int)i;
	return -1;
}

/* Creates one paused routelet on the idle stack. */
static int
pool_grow(struct pool *p)
{
	struct pdom *pd;
	int slot;

	if (p->ndoms >= p->conf.max || (slot = slot_free(p)) < 0)
		return -1;
	if ((pd = calloc(1, sizeof(*pd))) == NULL) {
		log_warn("pool");
		return -1;
	}
	/* Ids are not reused soon, so a late event for a dead domain cannot
	 * hit its successor. */
	pd->d.id = p->next_id++;
	if (p->next_id >= 100000)
		p->next_id = 1;
	pd->d.egress_vif = -1;
	if (p->be->ops->create(p->be, &pd->d, p->conf.nvifs) == -1) {
		ctr_add(&p->ctr[POOL_C_create_failed], 1);
		free(pd);
		return -1;
	}
	pd->d.priv2 = pd;
	pd->state = PD_IDLE;
	p->doms[slot] = pd;
	p->ndoms++;
	p->idle[p->nidle++] = pd;
	ctr_add(&p->ctr[POOL_C_created], 1);
	return 0;
}

static void
pool_remove(struct pool *p, struct pdom *pd)
{
	unsigned i;

	for (i = 0; i < p->nidle; i++)
		if (p->idle[i] == pd) {
			p->idle[i] = p->idle[--p->nidle];
			break;
		}
	for (i = 0; i < POOL_MAX; i++)
		if (p->doms[i] == pd) {
			p->doms[i] = NULL;
			p->ndoms--;
			break;
		}
	p->be->ops->destroy(p->be, &pd->d);
	ctr_add(&p->ctr[POOL_C_destroyed], 1);
	free(pd);
}

int
pool_init(struct pool *p, struct backend *be, const struct pool_conf *conf,
    char *err, size_t errlen)
{
	unsigned i;

	memset(p, 0, sizeof(*p));
	if (pool_conf_check(conf, err, errlen) == -1)
		return -1;
	p->be = be;
	p->conf = *conf;
	p->next_id = 1;
	for (i = 0; i < POOL_C_COUNT; i++)
		atomic_init(&p->ctr[i], 0);
	for (i = 0; i < conf->target; i++)
		if (pool_grow(p) == -1)
			break;
	if (p->nidle < conf->min) {
		snprintf(err, errlen, "pool: created %u routelets, minimum "
		    "is %u", p->nidle, conf->min);
		pool_fini(p);
		return -1;
	}
	return 0;
}

void
pool_fini(struct pool *p)
{
	unsigned i;

	for (i = 0; i < POOL_MAX; i++)
		if (p->doms[i] != NULL)
			pool_remove(p, p->doms[i]);
}

struct pdom *
pool_take(struct pool *p, void *owner)
{
	struct pdom *pd;

	/*
	 * None idle but room below the maximum: make one now (a cold
	 * create, tens of milliseconds) rather than refuse the LSP.
	 */
	if (p->nidle == 0 && (p->ndoms >= p->conf.max || pool_grow(p) == -1)) {
		ctr_add(&p->ctr[POOL_C_take_empty], 1);
		return NULL;
	}
	pd = p->idle[--p->nidle];
	pd->state = PD_USED;
	pd->owner = owner;
	pd->taken_at = clock_mono_ns();
	pd->missed_pings = 0;
	ctr_add(&p->ctr[POOL_C_taken], 1);
	return pd;
}

void
pool_return(struct pool *p, struct pdom *pd)
{
	const struct backend_ops *ops = p->be->ops;

	ctr_add(&p->ctr[POOL_C_returned], 1);
	pd->owner = NULL;
	if (pd->state == PD_DEAD || ops->set_egress(p->be, &pd->d, -1, 0) ==
	    -1 || (pd->d.state == DOM_RUNNING &&
	    ops->pause(p->be, &pd->d) == -1)) {
		log_warnx("routelet %" PRIu32 ": could not be reset for reuse; "
		    "destroying it", pd->d.id);
		pool_remove(p, pd);
		return;
	}
	pd->state = PD_IDLE;
	p->idle[p->nidle++] = pd;
}

int
pool_resize(struct pool *p, unsigned min, unsigned max, unsigned target,
    char *err, size_t errlen)
{
	struct pool_conf c = p->conf;

	c.min = min;
	c.max = max;
	c.target = target;
	if (pool_conf_check(&c, err, errlen) == -1)
		return -1;
	if (max < pool_used(p)) {
		snprintf(err, errlen, "pool: max %u is below the %u routelets "
		    "in use", max, pool_used(p));
		return -1;
	}
	p->conf = c;
	log_info("pool resized: min %u, target %u, max %u", min, target, max);
	return 0;
}

unsigned
pool_used(const struct pool *p)
{
	return p->ndoms - p->nidle;
}

struct pdom *
pool_find(struct pool *p, uint32_t id)
{
	unsigned i;

	for (i = 0; i < POOL_MAX; i++)
		if (p->doms[i] != NULL && p->doms[i]->d.id == id)
			return p->doms[i];
	return NULL;
}

void
pool_dom_died(struct pool *p, struct dom *d)
{
	struct pdom *pd = d->priv2;
	void *owner;

	if (pd == NULL || pd->state == PD_DEAD)
		return;
	ctr_add(&p->ctr[POOL_C_died], 1);
	log_warnx("routelet %" PRIu32 " died (%s)", d->id,
	    pd->state == PD_USED ? "in use" : "idle");
	owner = pd->owner;
	if (pd->state == PD_USED && p->on_lost != NULL)
		p->on_lost(p, pd, owner);
	pd->state = PD_DEAD;
}

/*
 * 0 if the routelet answered: the ping asked at the last audit, where
 * the backend can ask without waiting; otherwise one it waits
 * PING_TIMEOUT_MS for.
 */
static int
pool_ping(struct pool *p, struct pdom *pd)
{
	const struct backend_ops *ops = p->be->ops;

	if (ops->ping_next != NULL)
		return ops->ping_next(p->be, &pd->d) == 0 ? 0 : -1;
	return ops->ping(p->be, &pd->d, PING_TIMEOUT_MS);
}

/* Audit: ping used routelets; a dead or silent one goes. */
static int
pool_audit(struct pool *p)
{
	struct pdom *pd;
	unsigned i;
	int did = 0;

	for (i = 0; i < POOL_MAX; i++) {
		if ((pd = p->doms[i]) == NULL)
			continue;
		if (pd->state == PD_USED && pd->d.state == DOM_RUNNING) {
			if (pool_ping(p, pd) == 0) {
				pd->missed_pings = 0;
				continue;
			}
			if (++pd->missed_pings < PINGS_MISSED)
				continue;
			ctr_add(&p->ctr[POOL_C_unresponsive], 1);
			log_warnx("routelet %" PRIu32 " missed %u pings; "
			    "replacing it", pd->d.id, pd->missed_pings);
			if (p->on_lost != NULL)
				p->on_lost(p, pd, pd->owner);
			pd->state = PD_DEAD;
		}
		if (pd->state == PD_DEAD) {
			pool_remove(p, pd);
			ctr_add(&p->ctr[POOL_C_replaced], 1);
			did = 1;
		}
	}
	return did;
}

int
pool_tick(struct pool *p, uint64_t now)
{
	int did = 0;
	unsigned i;

	if (now - p->last_audit >= (uint64_t)p->conf.ping_ms * NSEC_PER_MSEC) {
		p->last_audit = now;
		did |= pool_audit(p);
	} else {
		/* Deaths are destroyed promptly, audits or not. */
		for (i = 0; i < POOL_MAX; i++)
			if (p->doms[i] != NULL && p->doms[i]->state ==
			    PD_DEAD) {
				pool_remove(p, p->doms[i]);
				ctr_add(&p->ctr[POOL_C_replaced], 1);
				did = 1;
			}
	}
	if (p->nidle <= p->conf.target)
		p->surplus_since = 0;
	else if (p->surplus_since == 0)
		p->surplus_since = now;
	if (p->nidle < p->conf.target && p->ndoms < p->conf.max) {
		if (pool_grow(p) == 0)
			did = 1;
	} else if (p->nidle > p->conf.target && (p->ndoms > p->conf.max ||
	    now - p->surplus_since >= POOL_SHRINK_DELAY_MS * NSEC_PER_MSEC)) {
		/* The bottom of the stack: the one idle longest. */
		pool_remove(p, p->idle[0]);
		did = 1;
	}
	return did;
}
