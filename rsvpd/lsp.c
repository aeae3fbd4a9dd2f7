/*
 * QoS LSPs into routelets.  Set-up, in this order, so that no frame of the
 * LSP reaches a routelet before it runs the LSP's configuration:
 *
 *   take a paused routelet -> CPU share -> VIF rate -> egress port ->
 *   write the configuration -> unpause -> wait for its acknowledgement ->
 *   install the incoming label in the demux
 *
 * Teardown is the reverse: label out of the demux first, then the routelet
 * goes back to the pool (paused, egress closed).  Any failure unwinds what
 * was done and leaves the rest of the router as it was.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "log.h"
#include "quasard.h"
#include "rsvpd.h"

struct lsp *
lsp_find(struct quasard *q, const char *name)
{
	unsigned i;

	for (i = 0; i < QD_MAX_LSPS; i++)
		if (q->lsps[i] != NULL && strcmp(q->lsps[i]->name, name) == 0)
			return q->lsps[i];
	return NULL;
}

struct lsp *
lsp_by_dom(struct quasard *q, uint32_t id)
{
	unsigned i;

	for (i = 0; i < QD_MAX_LSPS; i++)
		if (q->lsps[i] != NULL && q->lsps[i]->rl != NULL &&
		    q->lsps[i]->rl->d.id == id)
			return q->lsps[i];
	return NULL;
}

static struct lsp *
lsp_by_label(struct quasard *q, uint32_t label)
{
	unsigned i;

	for (i = 0; i < QD_MAX_LSPS; i++)
		if (q->lsps[i] != NULL && q->lsps[i]->conf.in_label == label)
			return q->lsps[i];
	return NULL;
}

/*
 * Gives l a routelet running l->conf, with its label in the demux.  On
 * failure l has no routelet and the demux does not know its label.
 */
static int
lsp_attach(struct quasard *q, struct lsp *l, char *err, size_t errlen)
{
	const struct backend_ops *ops = q->be.ops;
	struct backend *be = &q->be;
	struct pdom *pd;
	struct dom *d;
	uint64_t t0 = clock_mono_ns();
	unsigned out = l->conf.out_vif;
	int rc;

	if ((pd = pool_take(&q->pool, l)) == NULL) {
		snprintf(err, errlen, "no idle routelet (pool: %u in use, "
		    "max %u)", pool_used(&q->pool), q->pool.conf.max);
		return -1;
	}
	d = &pd->d;
	l->conf.gen = d->acked_gen + 1;
	l->conf.set |= 1u << RLCONF_K_GEN;
	if (ops->set_cpu(be, d, &l->cpu) == -1) {
		snprintf(err, errlen, "routelet %" PRIu32 ": cannot set its "
		    "CPU share", d->id);
		goto fail;
	}
	if (ops->set_rate(be, d, out, l->conf.rate, l->conf.burst) == -1) {
		snprintf(err, errlen, "routelet %" PRIu32 ": cannot set the "
		    "rate of VIF %u", d->id, out);
		goto fail;
	}
	if (ops->set_egress(be, d, (int)out, q->port[out].ifindex) == -1) {
		snprintf(err, errlen, "routelet %" PRIu32 ": cannot open "
		    "egress to %s", d->id, q->port[out].ifname);
		goto fail;
	}
	if (ops->configure(be, d, &l->conf) == -1 || ops->unpause(be, d) ==
	    -1 || ops->wait_ack(be, d, l->conf.gen, (int)q->ack_timeout_ms) ==
	    -1) {
		snprintf(err, errlen, "routelet %" PRIu32 " did not "
		    "acknowledge generation %" PRIu64, d->id, l->conf.gen);
		goto fail;
	}
	rc = ltable_add(&q->lt, l->conf.in_label,
	    (uint32_t)d->vif[l->in_port].ifindex);
	if (rc != LTABLE_OK) {
		snprintf(err, errlen, "demux: label %" PRIu32 ": %s",
		    l->conf.in_label, ltable_strerror(rc));
		goto fail;
	}
	l->rl = pd;
	l->setup_ns = clock_mono_ns() - t0;
	log_info("lsp %s: label %" PRIu32 " on %s -> routelet %" PRIu32
	    " (gen %" PRIu64 ", %" PRIu64 " us)", l->name, l->conf.in_label,
	    q->port[l->in_port].ifname, d->id, l->conf.gen,
	    l->setup_ns / NSEC_PER_USEC);
	return 0;
fail:
	pool_return(&q->pool, pd);
	return -1;
}

int
lsp_add(struct quasard *q, const struct lsp *tmpl, char *err, size_t errlen)
{
	struct lsp *l;
	char why[200];
	unsigned i;

	if (lsp_find(q, tmpl->name) != NULL) {
		snprintf(err, errlen, "lsp %s exists", tmpl->name);
		return -1;
	}
	if (lsp_by_label(q, tmpl->conf.in_label) != NULL) {
		snprintf(err, errlen, "label %" PRIu32 " is taken by lsp %s",
		    tmpl->conf.in_label,
		    lsp_by_label(q, tmpl->conf.in_label)->name);
		return -1;
	}
	if (tmpl->in_port >= q->nports || tmpl->conf.out_vif >= q->nports) {
		snprintf(err, errlen, "ports: this router has %u", q->nports);
		return -1;
	}
	for (i = 0; i < QD_MAX_LSPS && q->lsps[i] != NULL; i++)
		;
	if (i == QD_MAX_LSPS) {
		snprintf(err, errlen, "too many LSPs (%d)", QD_MAX_LSPS);
		return -1;
	}
	if ((l = malloc(sizeof(*l))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	*l = *tmpl;
	l->rl = NULL;
	/* The frame leaves by the out port: it carries that port's MAC. */
	memcpy(l->conf.src_mac, q->port[l->conf.out_vif].mac, 6);
	l->conf.set |= 1u << RLCONF_K_SRC_MAC | 1u << RLCONF_K_GEN;
	l->conf.gen = 1;
	if (rlconf_validate(&l->conf, why, sizeof(why)) == -1) {
		snprintf(err, errlen, "%s", why);
		free(l);
		return -1;
	}
	if (lsp_attach(q, l, err, errlen) == -1) {
		free(l);
		return -1;
	}
	q->lsps[i] = l;
	return 0;
}

static void
lsp_detach(struct quasard *q, struct lsp *l)
{
	int rc;

	if (l->rl == NULL)
		return;
	rc = ltable_del(&q->lt, l->conf.in_label);
	if (rc != LTABLE_OK)
		log_warnx("lsp %s: demux: %s", l->name, ltable_strerror(rc));
	pool_return(&q->pool, l->rl);
	l->rl = NULL;
}

int
lsp_del(struct quasard *q, const char *name, char *err, size_t errlen)
{
	unsigned i;

	for (i = 0; i < QD_MAX_LSPS; i++)
		if (q->lsps[i] != NULL && strcmp(q->lsps[i]->name, name) == 0)
			break;
	if (i == QD_MAX_LSPS) {
		snprintf(err, errlen, "no lsp %s", name);
		return -1;
	}
	lsp_detach(q, q->lsps[i]);
	log_info("lsp %s: torn down", name);
	free(q->lsps[i]);
	q->lsps[i] = NULL;
	return 0;
}

/* The LSP called name, if it has a routelet to change. */
static struct lsp *
lsp_running(struct quasard *q, const char *name, char *err, size_t errlen)
{
	struct lsp *l;

	if ((l = lsp_find(q, name)) == NULL) {
		snprintf(err, errlen, "no lsp %s", name);
		return NULL;
	}
	if (l->rl == NULL) {
		snprintf(err, errlen, "lsp %s has no routelet", name);
		return NULL;
	}
	return l;
}

/*
 * A running LSP gets new parameters: a new generation to the same
 * routelet, which applies it between two bursts, so nothing in flight is
 * lost.  The label does not move, so the demux is not touched.
 */
int
lsp_update(struct quasard *q, const char *name, const struct rlconf *ch,
    uint32_t keys, char *err, size_t errlen)
{
	const struct backend_ops *ops = q->be.ops;
	struct rlconf c;
	struct lsp *l;
	char why[200];

	if ((l = lsp_running(q, name, err, errlen)) == NULL)
		return -1;
	if (keys & ~(1u << RLCONF_K_NH_MAC | 1u << RLCONF_K_OUT_LABEL |
	    1u << RLCONF_K_RATE | 1u << RLCONF_K_BURST |
	    1u << RLCONF_K_TTL_MODE)) {
		snprintf(err, errlen, "only nh-mac, out-label, rate, burst, "
		    "ttl-mode, weight and cap change on a running lsp");
		return -1;
	}
	c = l->conf;
	if (keys & 1u << RLCONF_K_NH_MAC)
		memcpy(c.nh_mac, ch->nh_mac, 6);
	if (keys & 1u << RLCONF_K_OUT_LABEL) {
		memcpy(c.out_labels, ch->out_labels, sizeof(c.out_labels));
		c.n_out = ch->n_out;
	}
	if (keys & 1u << RLCONF_K_RATE)
		c.rate = ch->rate;
	if (keys & 1u << RLCONF_K_BURST)
		c.burst = ch->burst;
	if (keys & 1u << RLCONF_K_TTL_MODE)
		c.ttl_mode = ch->ttl_mode;
	c.gen = l->rl->d.acked_gen + 1;
	if (rlconf_validate(&c, why, sizeof(why)) == -1) {
		snprintf(err, errlen, "%s", why);
		return -1;
	}
	if ((keys & (1u << RLCONF_K_RATE | 1u << RLCONF_K_BURST)) &&
	    ops->set_rate(&q->be, &l->rl->d, c.out_vif, c.rate, c.burst) ==
	    -1) {
		snprintf(err, errlen, "cannot set the VIF rate");
		return -1;
	}
	if (ops->configure(&q->be, &l->rl->d, &c) == -1 ||
	    ops->wait_ack(&q->be, &l->rl->d, c.gen, (int)q->ack_timeout_ms)
	    == -1) {
		snprintf(err, errlen, "routelet %" PRIu32 " did not "
		    "acknowledge generation %" PRIu64, l->rl->d.id, c.gen);
		return -1;
	}
	l->conf = c;
	log_info("lsp %s: now generation %" PRIu64, name, c.gen);
	return 0;
}

/*
 * A running LSP gets a new CPU share: its routelet's, through the
 * backend (cgroup weight and quota, or the Xen scheduler's weight and
 * cap); the routelet itself is not told.
 */
int
lsp_set_cpu(struct quasard *q, const char *name, const struct dom_cpu *cpu,
    char *err, size_t errlen)
{
	struct lsp *l;

	if ((l = lsp_running(q, name, err, errlen)) == NULL)
		return -1;
	if (q->be.ops->set_cpu(&q->be, &l->rl->d, cpu) == -1) {
		snprintf(err, errlen, "routelet %" PRIu32 ": cannot set its "
		    "CPU share", l->rl->d.id);
		return -1;
	}
	l->cpu = *cpu;
	log_info("lsp %s: CPU weight %" PRIu32 ", cap %" PRIu32 "%%", name,
	    cpu->weight, cpu->cap);
	return 0;
}

/*
 * The pool lost l's routelet (it died or went silent): take the label out
 * of the demux now, and give the LSP a fresh routelet if one is idle.
 */
void
lsp_lost(struct pool *p, struct pdom *pd, void *owner)
{
	struct quasard *q = (struct quasard *)((char *)p -
	    offsetof(struct quasard, pool));
	struct lsp *l = owner;
	char err[256];

	(void)pd;
	if (l == NULL)
		return;
	if (ltable_del(&q->lt, l->conf.in_label) != LTABLE_OK)
		log_warnx("lsp %s: label %" PRIu32 " was not in the demux",
		    l->name, l->conf.in_label);
	l->rl = NULL;
	if (lsp_attach(q, l, err, sizeof(err)) == -1) {
		log_warnx("lsp %s: lost its routelet and cannot get another: "
		    "%s", l->name, err);
		/* a signalled LSP tells its reservation, which tears it */
		if (l->owner != NULL)
			rsvpd_lsp_lost(q, l);
	}
}

void
lsp_flush(struct quasard *q)
{
	unsigned i;

	for (i = 0; i < QD_MAX_LSPS; i++) {
		if (q->lsps[i] == NULL)
			continue;
		lsp_detach(q, q->lsps[i]);
		free(q->lsps[i]);
		q->lsps[i] = NULL;
	}
}
