/*
 * Reservation state blocks (RFC 2205 s3.1.3): keyed by SESSION and
 * FILTER_SPEC.  For LSP tunnels (RFC 3209) a FILTER_SPEC names one sender
 * exactly as its SENDER_TEMPLATE does, under either FF or SE style, so each
 * reservation belongs to one path state block and dies with it.  The
 * lifetime is restarted by every Resv from downstream; a tail-end's own
 * reservation (local) has none: it lasts as long as its path state.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "log.h"
#include "quasard.h"
#include "rsvpd.h"

struct rsb *
rsb_find(struct rsvpd *r, const struct rsvp_session *s,
    const struct rsvp_sender *filter)
{
	struct rsb *b;

	TAILQ_FOREACH(b, &r->rsbs, entry)
		if (session_equal(&b->session, s) &&
		    sender_equal(&b->filter, filter))
			return b;
	return NULL;
}

static struct rsvpd *
th_rsvpd(struct timer_heap *th)
{
	return (struct rsvpd *)((char *)th - offsetof(struct rsvpd, th));
}

static void
rsb_timeout(struct timer_heap *th, struct timer *t, void *arg)
{
	struct rsb *b = arg;
	struct rsvpd *r = th_rsvpd(th);
	char buf[96];

	(void)t;
	rd_count(r, RD_C_rsb_timeout);
	log_info("session %s: reservation state timed out",
	    session_str(&b->session, &b->filter, buf, sizeof(buf)));
	(void)ss_event(r, b->psb, SS_EV_RESV_TIMEOUT, NULL);
}

static void
rsb_refresh(struct timer_heap *th, struct timer *t, void *arg)
{
	struct rsb *b = arg;

	(void)t;
	(void)ss_event(th_rsvpd(th), b->psb, SS_EV_RESV_TIMER, NULL);
}

static void
rsb_lost(struct timer_heap *th, struct timer *t, void *arg)
{
	struct rsb *b = arg;

	(void)t;
	(void)ss_event(th_rsvpd(th), b->psb, SS_EV_ROUTELET_LOST, NULL);
}

struct rsb *
rsb_new(struct rsvpd *r, struct psb *p)
{
	struct rsb *b;

	if ((b = calloc(1, sizeof(*b))) == NULL) {
		log_warn("reservation state");
		return NULL;
	}
	b->psb = p;
	b->session = p->session;
	b->filter = p->sender;
	timer_init(&b->life_t, rsb_timeout, b);
	timer_init(&b->refresh_t, rsb_refresh, b);
	timer_init(&b->lost_t, rsb_lost, b);
	TAILQ_INSERT_TAIL(&r->rsbs, b, entry);
	r->nrsb++;
	p->rsb = b;
	return b;
}

void
rsb_arm_lifetime(struct rsvpd *r, struct rsb *b)
{
	if (b->local) {
		timer_cancel(&r->th, &b->life_t);
		return;
	}
	if (timer_set(&r->th, &b->life_t, clock_mono_ns() +
	    rd_lifetime_ns(r, b->in_refresh_ms)) == -1)
		log_warnx("reservation state: no memory for its timer");
}

/* Frees b; what it held must have been released (resv_release). */
void
rsb_free(struct rsvpd *r, struct rsb *b)
{
	timer_cancel(&r->th, &b->life_t);
	timer_cancel(&r->th, &b->refresh_t);
	timer_cancel(&r->th, &b->lost_t);
	if (b->psb != NULL && b->psb->rsb == b)
		b->psb->rsb = NULL;
	TAILQ_REMOVE(&r->rsbs, b, entry);
	r->nrsb--;
	free(b);
}
