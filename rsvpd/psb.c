/*
 * Path state blocks (RFC 2205 s3.1.2), one per sender of a session: keyed
 * by SESSION (end point, tunnel id, extended tunnel id) and
 * SENDER_TEMPLATE (sender address, LSP id), RFC 3209 s4.6.  A PSB lives as
 * long as its Path is refreshed: its lifetime is restarted by every Path
 * and is (K + 0.5) * 1.5 * R for the R the previous hop announces in its
 * TIME_VALUES (RFC 2205 s3.7); when it runs out the session's state
 * machine gets path-timeout.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>

#include "clock.h"
#include "log.h"
#include "quasard.h"
#include "rsvpd.h"

int
session_equal(const struct rsvp_session *a, const struct rsvp_session *b)
{
	return a->endpoint.s_addr == b->endpoint.s_addr &&
	    a->tunnel_id == b->tunnel_id &&
	    a->ext_tunnel_id == b->ext_tunnel_id;
}

int
sender_equal(const struct rsvp_sender *a, const struct rsvp_sender *b)
{
	return a->addr.s_addr == b->addr.s_addr && a->lsp_id == b->lsp_id;
}

/* "10.0.0.3/7 from 10.0.0.1/1": end point/tunnel, sender/LSP id. */
const char *
session_str(const struct rsvp_session *s, const struct rsvp_sender *snd,
    char *buf, size_t len)
{
	char a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &s->endpoint, a, sizeof(a));
	if (snd == NULL) {
		snprintf(buf, len, "%s/%u", a, s->tunnel_id);
		return buf;
	}
	inet_ntop(AF_INET, &snd->addr, b, sizeof(b));
	snprintf(buf, len, "%s/%u from %s/%u", a, s->tunnel_id, b,
	    snd->lsp_id);
	return buf;
}

struct psb *
psb_find(struct rsvpd *r, const struct rsvp_session *s,
    const struct rsvp_sender *snd)
{
	struct psb *p;

	TAILQ_FOREACH(p, &r->psbs, entry)
		if (session_equal(&p->session, s) &&
		    sender_equal(&p->sender, snd))
			return p;
	return NULL;
}

int
psb_session_known(struct rsvpd *r, const struct rsvp_session *s)
{
	struct psb *p;

	TAILQ_FOREACH(p, &r->psbs, entry)
		if (session_equal(&p->session, s))
			return 1;
	return 0;
}

static void
psb_timeout(struct timer_heap *th, struct timer *t, void *arg)
{
	struct psb *p = arg;
	struct rsvpd *r = (struct rsvpd *)((char *)th -
	    offsetof(struct rsvpd, th));
	char buf[96];

	(void)t;
	rd_count(r, RD_C_psb_timeout);
	log_info("session %s: path state timed out",
	    session_str(&p->session, &p->sender, buf, sizeof(buf)));
	(void)ss_event(r, p, SS_EV_PATH_TIMEOUT, NULL);
}

static void
psb_refresh(struct timer_heap *th, struct timer *t, void *arg)
{
	struct rsvpd *r = (struct rsvpd *)((char *)th -
	    offsetof(struct rsvpd, th));

	(void)t;
	(void)ss_event(r, arg, SS_EV_PATH_TIMER, NULL);
}

struct psb *
psb_new(struct rsvpd *r, const struct rsvp_session *s,
    const struct rsvp_sender *snd)
{
	struct psb *p;

	if ((p = calloc(1, sizeof(*p))) == NULL) {
		log_warn("path state");
		return NULL;
	}
	p->session = *s;
	p->sender = *snd;
	p->state = SS_NEW;
	p->created_ns = clock_mono_ns();
	timer_init(&p->life_t, psb_timeout, p);
	timer_init(&p->refresh_t, psb_refresh, p);
	TAILQ_INSERT_TAIL(&r->psbs, p, entry);
	r->npsb++;
	return p;
}

void
psb_arm_lifetime(struct rsvpd *r, struct psb *p)
{
	if (timer_set(&r->th, &p->life_t, clock_mono_ns() +
	    rd_lifetime_ns(r, p->in_refresh_ms)) == -1)
		log_warnx("path state: no memory for its timer");
}

/* Frees p and its RSB; whatever they held must be released before. */
void
psb_free(struct rsvpd *r, struct psb *p)
{
	if (p->rsb != NULL)
		rsb_free(r, p->rsb);
	timer_cancel(&r->th, &p->life_t);
	timer_cancel(&r->th, &p->refresh_t);
	TAILQ_REMOVE(&r->psbs, p, entry);
	r->npsb--;
	free(p);
}
