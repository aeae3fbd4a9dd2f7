/*
 * RSVP Hello (RFC 3209 s5): fast detection of a neighbour that failed.
 *
 * On a port with Hellos on, every RSVP neighbour that state goes through
 * (a previous hop, a next hop) gets a Hello REQUEST every hello interval,
 * carrying our instance number for it and the last one it told us.  A
 * REQUEST from anyone, on any port, is answered with an ACK.  A neighbour
 * is alive while Hellos with the right instances come from it; it has
 * failed when none came for hello-misses intervals (after we had heard
 * from it once: a neighbour that never answers may simply not do Hellos),
 * or when its instance number changed (it restarted) or it no longer
 * reflects ours (it lost track of us).  Then all state through it is torn
 * down as if its refreshes had stopped, without waiting out the lifetime:
 * path state from it (phop-down), reservations toward it (nhop-down), and
 * LSPs we head through it.  We then pick a new instance number for it, as
 * the RFC requires, and keep asking.
 *
 * Hellos go with IP TTL 1 to the neighbour's address, no Router Alert.
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

struct hello_ctx {
	const struct rsvp_hello	*h;
};

static struct rsvpd *
th_rsvpd(struct timer_heap *th)
{
	return (struct rsvpd *)((char *)th - offsetof(struct rsvpd, th));
}

static void nb_event(struct rsvpd *, struct hello_nbr *, enum nb_event,
    const struct hello_ctx *);

static void
hello_send(struct rsvpd *r, unsigned port, struct in_addr to, int ack,
    uint32_t src, uint32_t dst)
{
	struct rsvp_msg *m = r->out;

	rsvp_msg_init(m, RSVP_MSG_HELLO);
	m->present = RSVP_HAS_HELLO;
	m->hello.ack = (uint8_t)ack;
	m->hello.src_instance = src;
	m->hello.dst_instance = dst;
	(void)rio_send(r, m, port, to, to, 1);
}

struct hello_nbr *
hello_find(struct rsvpd *r, struct in_addr a)
{
	struct hello_nbr *n;

	TAILQ_FOREACH(n, &r->nbrs, entry)
		if (n->addr.s_addr == a.s_addr)
			return n;
	return NULL;
}

static void
hello_timer(struct timer_heap *th, struct timer *t, void *arg)
{
	(void)t;
	nb_event(th_rsvpd(th), arg, NB_EV_TIMER, NULL);
}

static void
hello_dead(struct timer_heap *th, struct timer *t, void *arg)
{
	(void)t;
	nb_event(th_rsvpd(th), arg, NB_EV_TIMEOUT, NULL);
}

static uint32_t
new_instance(struct rsvpd *r, uint32_t old)
{
	uint32_t v;

	do
		v = rd_random(r);
	while (v == 0 || v == old);
	return v;
}

static struct hello_nbr *
hello_new(struct rsvpd *r, unsigned port, struct in_addr a)
{
	struct hello_nbr *n;

	if ((n = calloc(1, sizeof(*n))) == NULL) {
		log_warn("hello neighbour");
		return NULL;
	}
	n->addr = a;
	n->port = port;
	n->state = NB_INIT;
	n->src_instance = new_instance(r, 0);
	timer_init(&n->send_t, hello_timer, n);
	timer_init(&n->dead_t, hello_dead, n);
	TAILQ_INSERT_TAIL(&r->nbrs, n, entry);
	r->nnbr++;
	log_info("hello: neighbour %s on %s", inet_ntoa(a),
	    r->ifs[port].ifname);
	(void)timer_set(&r->th, &n->send_t, clock_mono_ns());
	return n;
}

void
hello_touch(struct rsvpd *r, unsigned port, struct in_addr a)
{
	if (port >= r->nifs || !r->ifs[port].hello || a.s_addr == 0 ||
	    hello_find(r, a) != NULL)
		return;
	(void)hello_new(r, port, a);
}

void
hello_fini(struct rsvpd *r)
{
	struct hello_nbr *n;

	while ((n = TAILQ_FIRST(&r->nbrs)) != NULL) {
		timer_cancel(&r->th, &n->send_t);
		timer_cancel(&r->th, &n->dead_t);
		TAILQ_REMOVE(&r->nbrs, n, entry);
		free(n);
	}
	r->nnbr = 0;
}

/* Everything that goes through neighbour n is gone. */
static void
hello_tear(struct rsvpd *r, struct hello_nbr *n)
{
	struct psb *p, *next;

	for (p = TAILQ_FIRST(&r->psbs); p != NULL; p = next) {
		next = TAILQ_NEXT(p, entry);
		if (p->in_port == n->port &&
		    p->phop.addr.s_addr == n->addr.s_addr) {
			(void)ss_event(r, p, SS_EV_PHOP_DOWN, NULL);
			continue;
		}
		if (!p->tail && p->out_port == n->port &&
		    (p->nhop.s_addr == n->addr.s_addr || (p->rsb != NULL &&
		    p->rsb->nhop.addr.s_addr == n->addr.s_addr)))
			(void)ss_event(r, p, SS_EV_NHOP_DOWN, NULL);
	}
	he_nbr_down(r, n->port, n->addr);
}

/* ---- actions -------------------------------------------------------- */

static void
nb_heard(struct rsvpd *r, struct hello_nbr *n, const struct hello_ctx *c)
{
	n->last_heard_ns = clock_mono_ns();
	if (c != NULL && n->dst_instance == 0)
		n->dst_instance = c->h->src_instance;
	(void)timer_set(&r->th, &n->dead_t, n->last_heard_ns +
	    (uint64_t)r->conf.hello_ms * r->conf.hello_misses *
	    NSEC_PER_MSEC);
}

static void
nb_answer(struct rsvpd *r, struct hello_nbr *n, const struct hello_ctx *c)
{
	if (c != NULL && !c->h->ack)
		hello_send(r, n->port, n->addr, 1, n->src_instance,
		    c->h->src_instance);
}

static void
nb_act(struct rsvpd *r, struct hello_nbr *n, enum nb_action a,
    const struct hello_ctx *c)
{
	switch (a) {
	case NB_A_NONE:
		break;
	case NB_A_HEARD:
		nb_heard(r, n, c);
		break;
	case NB_A_ANSWER:
		nb_answer(r, n, c);
		nb_heard(r, n, c);
		break;
	case NB_A_RESTART:
		rd_count(r, RD_C_nbr_restart);
		log_info("hello: neighbour %s restarted or lost us: its state "
		    "is torn down", inet_ntoa(n->addr));
		hello_tear(r, n);
		n->src_instance = new_instance(r, n->src_instance);
		n->dst_instance = c != NULL ? c->h->src_instance : 0;
		nb_answer(r, n, c);
		nb_heard(r, n, NULL);
		break;
	case NB_A_FAIL:
		rd_count(r, RD_C_nbr_down);
		n->downs++;
		log_info("hello: neighbour %s on %s silent for %u ms: down, "
		    "its state is torn down", inet_ntoa(n->addr),
		    r->ifs[n->port].ifname,
		    r->conf.hello_ms * r->conf.hello_misses);
		hello_tear(r, n);
		n->src_instance = new_instance(r, n->src_instance);
		n->dst_instance = 0;
		break;
	case NB_A_SEND:
		n->tx++;
		hello_send(r, n->port, n->addr, 0, n->src_instance,
		    n->dst_instance);
		(void)timer_set(&r->th, &n->send_t, clock_mono_ns() +
		    (uint64_t)r->conf.hello_ms * NSEC_PER_MSEC);
		break;
	case NB_NACTIONS:
		break;
	}
}

static void
nb_event(struct rsvpd *r, struct hello_nbr *n, enum nb_event ev,
    const struct hello_ctx *c)
{
	const struct fsm_row *row;
	unsigned to;

	if ((row = fsm_find(&fsm_nb, n->state, ev)) == NULL) {
		rd_count(r, RD_C_unexpected);
		log_debug("hello %s: %s in state %s unexpected, ignored",
		    inet_ntoa(n->addr), fsm_event_name(&fsm_nb, ev),
		    fsm_state_name(&fsm_nb, n->state));
		return;
	}
	to = fsm_next(row, n->state);
	if (to != n->state || ev != NB_EV_TIMER)
		log_debug("hello %s: %s: %s -> %s (%s)", inet_ntoa(n->addr),
		    fsm_event_name(&fsm_nb, ev),
		    fsm_state_name(&fsm_nb, n->state),
		    fsm_state_name(&fsm_nb, to),
		    fsm_action_name(&fsm_nb, row->action));
	nb_act(r, n, (enum nb_action)row->action, c);
	if (to != n->state && to == NB_UP)
		log_info("hello: neighbour %s up", inet_ntoa(n->addr));
	n->state = (enum nb_state)to;
}

void
hello_recv(struct rsvpd *r, const struct rd_rx *rx, const struct rsvp_msg *m)
{
	const struct rsvp_hello *h = &m->hello;
	struct hello_ctx c = { h };
	struct hello_nbr *n;
	enum nb_event ev;

	n = hello_find(r, rx->ip.src);
	if (n == NULL && r->ifs[rx->port].hello)
		n = hello_new(r, rx->port, rx->ip.src);
	if (n == NULL) {
		/* Hellos are off here: answer, remember nothing */
		if (!h->ack)
			hello_send(r, rx->port, rx->ip.src, 1,
			    r->instance_seed, h->src_instance);
		return;
	}
	n->rx++;
	if (h->src_instance == 0 ||
	    (n->dst_instance != 0 && h->src_instance != n->dst_instance))
		ev = NB_EV_RESTARTED;
	else if (h->ack && h->dst_instance != n->src_instance) {
		/* an ACK for an instance of ours it should not know: lost
		 * track of us, if it was up; else one still in flight */
		if (n->state != NB_UP)
			return;
		ev = NB_EV_RESTARTED;
	} else
		ev = h->ack ? NB_EV_ACK : NB_EV_REQUEST;
	nb_event(r, n, ev, &c);
}
