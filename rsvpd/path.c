/*
 * Path messages (RFC 2205 s3.1.2, RFC 3209 s4.3-4.4).
 *
 * In:  checks (send_TTL, L3PID, RRO loop), the next hop (ERO first, per
 * RFC 3209 s4.3.4.1, or the kernel's routes toward the end point), a
 * Path-time admission check when a new QoS sender would pass through a
 * port that could not take it, then the path state block and its state
 * machine: a new or changed Path is forwarded at once, a refresh only
 * restarts the lifetime.
 *
 * Out: the PSB as the next hop should see it: our RSVP_HOP and
 * TIME_VALUES, the ERO with our subobjects gone, our address first in the
 * RRO, our hop composed into the ADSPEC, the unknown objects RFC 2205
 * s3.10 asks us to pass on.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <arpa/inet.h>

#include "clock.h"
#include "log.h"
#include "quasard.h"
#include "rsvpd.h"

#define RD_THEN(e)	((int)(e) + 1)

/* What path_recv worked out, for the fwd-path action. */
struct path_ctx {
	const struct rd_rx	*rx;
	const struct rsvp_msg	*m;
	int			 tail;
	unsigned		 out_port;
	struct in_addr		 nhop;
	struct rsvp_route	 ero;
	int			 has_ero;
};

/* Whether subobject s names this node (a prefix holding one of ours). */
static int
ero_ours(struct rsvpd *r, const struct rsvp_subobj *s)
{
	unsigned i;

	if (s->opaque || s->type != RSVP_SUB_IPV4)
		return 0;
	if (s->plen == 32)
		return rio_is_local(r, s->addr);
	for (i = 0; i < r->nlocal; i++)
		if (rsvp_prefix_match(r->local[i], s->addr, s->plen))
			return 1;
	return 0;
}

/* The next hop an ERO subobject names: strict, directly connected;
 * loose, wherever the routes go. */
static int
ero_hop(struct rsvpd *r, const struct rsvp_subobj *s, int *port_r,
    struct in_addr *nh_r, uint8_t *code_r, uint16_t *value_r)
{
	unsigned port;
	int p;

	*code_r = RSVP_ERR_ROUTING;
	if (s->opaque || s->type != RSVP_SUB_IPV4) {
		*value_r = RSVP_ERRV_RP_BAD_ERO;
		return -1;
	}
	if (!s->loose) {
		if ((p = rio_port_connected(r, s->addr)) < 0) {
			*value_r = RSVP_ERRV_RP_BAD_STRICT;
			return -1;
		}
		*port_r = p;
		*nh_r = s->addr;
		return 0;
	}
	if (route_lookup(r, s->addr, &port, nh_r) != 0) {
		*value_r = RSVP_ERRV_RP_BAD_LOOSE;
		return -1;
	}
	*port_r = (int)port;
	return 0;
}

/*
 * RFC 3209 s4.3.4.1 at a node that received ero: our subobjects go, the
 * next one gives the next hop.  Returns 0 with *port_r and *nh_r set and
 * ero starting at the next hop, 1 if the ERO ends here (route as usual),
 * -1 with the PathErr code and value.  headend: the first subobject need
 * not be us (an operator lists the hops after the head-end).  A first
 * subobject that is a loose hop and not us is one we are on the way to
 * (the routers between loose hops are in no subobject): RFC 3209
 * s4.3.4.1 reads as if it were an error, which would make loose hops
 * useless; we route toward it, as implementations do.
 */
static int
ero_next(struct rsvpd *r, struct rsvp_route *ero, int headend, int *port_r,
    struct in_addr *nh_r, uint8_t *code_r, uint16_t *value_r)
{
	*code_r = RSVP_ERR_ROUTING;
	if (ero->n == 0) {
		*value_r = RSVP_ERRV_RP_BAD_ERO;
		return -1;
	}
	if (!ero_ours(r, &ero->sub[0])) {
		/*
		 * Not us: at the head-end, the first hop; on the way to a
		 * loose hop, the hop still ahead (we route toward it and
		 * leave it first); else the Path should not be here.
		 */
		if (!headend && !ero->sub[0].loose) {
			*value_r = ero->sub[0].opaque ? RSVP_ERRV_RP_BAD_ERO :
			    RSVP_ERRV_RP_BAD_INITIAL;
			return -1;
		}
		return ero_hop(r, &ero->sub[0], port_r, nh_r, code_r,
		    value_r);
	}
	for (;;) {
		if (ero->n == 1) {
			rsvp_route_shift(ero, 1);
			return 1;
		}
		if (!ero_ours(r, &ero->sub[1]))
			break;
		rsvp_route_shift(ero, 1);
	}
	if (ero_hop(r, &ero->sub[1], port_r, nh_r, code_r, value_r) == -1)
		return -1;
	rsvp_route_shift(ero, 1);
	return 0;
}

int
path_ero_next(struct rsvpd *r, struct rsvp_route *ero, int *port_r,
    struct in_addr *nh_r, uint8_t *code_r, uint16_t *value_r)
{
	return ero_next(r, ero, 1, port_r, nh_r, code_r, value_r);
}

/* Whether the Path differs from what p holds (else it is a refresh). */
static int
path_changed(const struct psb *p, const struct path_ctx *c)
{
	const struct rsvp_msg *m = c->m;

	if (p->phop.addr.s_addr != m->hop.addr.s_addr ||
	    p->phop.lih != m->hop.lih || p->in_port != c->rx->port ||
	    p->in_refresh_ms != m->time.refresh_ms || p->tail != c->tail ||
	    !rsvp_tspec_equal(&p->tspec, &m->tspec) ||
	    p->label_req.l3pid != m->label_req.l3pid)
		return 1;
	if (p->has_sattr != !!(m->present & RSVP_HAS_SATTR) ||
	    (p->has_sattr && !rsvp_obj_equal(RSVP_CLASS_SESSION_ATTRIBUTE,
	    &p->sattr, &m->sattr)))
		return 1;
	if (p->has_rro != !!(m->present & RSVP_HAS_RRO) ||
	    (p->has_rro && !rsvp_route_equal(&p->rro, &m->rro)))
		return 1;
	if (p->has_adspec != !!(m->present & RSVP_HAS_ADSPEC) ||
	    (p->has_adspec && !rsvp_adspec_equal(&p->adspec, &m->adspec)))
		return 1;
	if (!c->tail && (p->out_port != c->out_port ||
	    p->nhop.s_addr != c->nhop.s_addr || p->has_ero != c->has_ero ||
	    (c->has_ero && !rsvp_route_equal(&p->ero, &c->ero))))
		return 1;
	return p->fwd_len != m->fwd_len ||
	    memcmp(p->fwd, m->fwd, m->fwd_len) != 0;
}

void
path_recv(struct rsvpd *r, const struct rd_rx *rx, const struct rsvp_msg *m)
{
	static struct path_ctx c;	/* big (an ERO): not on the stack */
	struct psb *p;
	char buf[96];
	uint16_t value;
	uint8_t code;
	unsigned port;
	int rc, pi;

	session_str(&m->session, &m->sender, buf, sizeof(buf));
	/* RFC 2205 s3.8: a hop that decremented the TTL is not RSVP; an LSP
	 * cannot be signalled across it (RFC 3209 s7.3, value 8). */
	if (m->send_ttl != rx->ip.ttl) {
		rd_count(r, RD_C_rx_non_rsvp_hop);
		log_debug("path %s: IP TTL %u, send_TTL %u: non-RSVP hop", buf,
		    rx->ip.ttl, m->send_ttl);
		patherr_send(r, rx->port, m->hop.addr, m, RSVP_ERR_ROUTING,
		    RSVP_ERRV_RP_NON_RSVP);
		return;
	}
	if (m->label_req.l3pid != 0x0800 && m->label_req.l3pid != 0x86dd &&
	    m->label_req.l3pid != 0x8847) {
		patherr_send(r, rx->port, m->hop.addr, m, RSVP_ERR_ROUTING,
		    RSVP_ERRV_RP_BAD_L3PID);
		return;
	}
	rio_addrs_refresh(r, 0);
	if ((m->present & RSVP_HAS_RRO) &&
	    rsvp_rro_find(&m->rro, r->local, r->nlocal) >= 0) {
		rd_count(r, RD_C_route_err);
		log_info("path %s: we are in its RRO: a loop", buf);
		patherr_send(r, rx->port, m->hop.addr, m, RSVP_ERR_ROUTING,
		    RSVP_ERRV_RP_RRO_LOOP);
		return;
	}

	memset(&c, 0, sizeof(c));
	c.rx = rx;
	c.m = m;
	c.tail = rio_is_local(r, m->session.endpoint);
	rc = 1;
	if (m->present & RSVP_HAS_ERO) {
		c.ero = m->ero;
		rc = ero_next(r, &c.ero, 0, &pi, &c.nhop, &code, &value);
		if (rc == -1) {
			rd_count(r, RD_C_route_err);
			log_info("path %s: ERO: %s", buf,
			    rsvp_error_value_name(code, value));
			patherr_send(r, rx->port, m->hop.addr, m, code, value);
			return;
		}
		if (rc == 0) {
			c.out_port = (unsigned)pi;
			c.has_ero = c.ero.n > 0;
		}
	}
	if (rc == 1 && !c.tail) {
		rc = route_lookup(r, m->session.endpoint, &port, &c.nhop);
		if (rc != 0) {
			rd_count(r, RD_C_route_err);
			log_info("path %s: no route toward the end point "
			    "through a port", buf);
			patherr_send(r, rx->port, m->hop.addr, m,
			    RSVP_ERR_ROUTING, RSVP_ERRV_RP_NO_ROUTE);
			return;
		}
		c.out_port = port;
	}
	if (c.tail)
		c.has_ero = 0;

	p = psb_find(r, &m->session, &m->sender);
	if (p == NULL && !c.tail && adm_tspec_qos(&m->tspec) &&
	    adm_path_check(r, c.out_port, &m->tspec, &value) != ADMIT_OK) {
		/* It could not fit even now: say so before anyone reserves,
		 * and keep no state for it. */
		log_info("path %s: refused at admission (%s)", buf,
		    rsvp_error_value_name(RSVP_ERR_ADMISSION, value) ?
		    rsvp_error_value_name(RSVP_ERR_ADMISSION, value) :
		    value == RD_ERRV_ADM_CPU ? "CPU budget" :
		    "no routelet");
		patherr_send(r, rx->port, m->hop.addr, m, RSVP_ERR_ADMISSION,
		    value);
		return;
	}
	if (p == NULL) {
		if ((p = psb_new(r, &m->session, &m->sender)) == NULL)
			return;
		log_info("path %s: new, from %s on %s%s", buf,
		    inet_ntoa(m->hop.addr), r->ifs[rx->port].ifname,
		    c.tail ? ", we are its tail-end" : "");
		(void)ss_event(r, p, SS_EV_PATH, &c);
		return;
	}
	(void)ss_event(r, p, path_changed(p, &c) ? SS_EV_PATH :
	    SS_EV_PATH_REFRESH, &c);
}

/* Sends p's Path to its next hop. */
static void
path_send(struct rsvpd *r, struct psb *p)
{
	struct rsvp_msg *m = r->out;
	struct rsvp_adspec_hop h;
	const struct admit_port *ap = &r->adm.port[p->out_port];
	struct in_addr me = rio_port_addr(r, p->out_port);
	double avail;

	rsvp_msg_init(m, RSVP_MSG_PATH);
	m->present = RSVP_HAS_SESSION | RSVP_HAS_HOP | RSVP_HAS_TIME |
	    RSVP_HAS_LABEL_REQUEST | RSVP_HAS_SENDER | RSVP_HAS_TSPEC;
	m->session = p->session;
	m->hop.addr = me;
	m->hop.lih = (uint32_t)r->ifs[p->out_port].ifindex;
	m->time.refresh_ms = r->conf.refresh_ms;
	m->label_req = p->label_req;
	m->sender = p->sender;
	m->tspec = p->tspec;
	if (p->has_sattr) {
		m->sattr = p->sattr;
		m->present |= RSVP_HAS_SATTR;
	}
	if (p->has_ero) {
		m->ero = p->ero;
		m->present |= RSVP_HAS_ERO;
	}
	if (p->has_rro) {
		m->rro = p->rro;
		/* full: passed on as it is (RFC 3209 s4.4.3 would notify) */
		(void)rsvp_rro_prepend_ipv4(&m->rro, me, 0);
		m->present |= RSVP_HAS_RRO;
	}
	if (p->has_adspec) {
		/* Our hop: what is left to reserve on the port, its MTU,
		 * and a routelet's shaping as the Guaranteed error terms. */
		memset(&h, 0, sizeof(h));
		avail = ap->reservable == ADMIT_UNLIMITED ? 1.25e9 :
		    (double)(ap->reservable - ap->reserved);
		h.link_bw = (float)avail;
		h.link_latency = 1;
		h.link_mtu = r->ifs[p->out_port].mtu;
		h.C = 1500;
		h.D = 100;
		m->adspec = p->adspec;
		rsvp_adspec_compose(&m->adspec, &h);
		m->present |= RSVP_HAS_ADSPEC;
	}
	m->n_fwd = p->n_fwd;
	m->fwd_len = p->fwd_len;
	memcpy(m->fwd, p->fwd, p->fwd_len);
	(void)rio_send(r, m, p->out_port, p->nhop, p->session.endpoint,
	    RD_SEND_TTL);
}

static void
path_arm_refresh(struct rsvpd *r, struct psb *p)
{
	if (timer_set(&r->th, &p->refresh_t, clock_mono_ns() +
	    rd_jitter_ns(r, r->conf.refresh_ms)) == -1)
		log_warnx("path state: no memory for its timer");
}

/* fwd-path: keep what the Path says; pass it on now (or, at the tail,
 * answer it). */
int
ss_fwd_path(struct rsvpd *r, struct psb *p, const void *ctx)
{
	const struct path_ctx *c = ctx;
	const struct rsvp_msg *m;
	int moved;

	if (c == NULL)
		return 0;
	m = c->m;
	p->phop = m->hop;
	p->in_port = c->rx->port;
	p->in_refresh_ms = m->time.refresh_ms;
	p->tspec = m->tspec;
	p->label_req = m->label_req;
	p->has_sattr = !!(m->present & RSVP_HAS_SATTR);
	if (p->has_sattr)
		p->sattr = m->sattr;
	p->has_rro = !!(m->present & RSVP_HAS_RRO);
	if (p->has_rro)
		p->rro = m->rro;
	p->has_adspec = !!(m->present & RSVP_HAS_ADSPEC);
	if (p->has_adspec)
		p->adspec = m->adspec;
	p->n_fwd = m->n_fwd;
	p->fwd_len = m->fwd_len;
	memcpy(p->fwd, m->fwd, m->fwd_len);
	p->tail = c->tail;
	psb_arm_lifetime(r, p);
	hello_touch(r, p->in_port, p->phop.addr);
	if (p->tail) {
		p->has_ero = 0;
		return RD_THEN(SS_EV_RESV);
	}
	moved = p->state != SS_NEW && (p->out_port != c->out_port ||
	    p->nhop.s_addr != c->nhop.s_addr);
	p->out_port = c->out_port;
	p->nhop = c->nhop;
	p->has_ero = (uint8_t)c->has_ero;
	if (c->has_ero)
		p->ero = c->ero;
	hello_touch(r, p->out_port, p->nhop);
	path_send(r, p);
	path_arm_refresh(r, p);
	/* The route moved: what was reserved toward the old next hop goes;
	 * the new one's Resv will reserve again. */
	if (moved && p->rsb != NULL)
		return RD_THEN(SS_EV_NHOP_DOWN);
	return 0;
}

int
ss_keep_path(struct rsvpd *r, struct psb *p, const void *ctx)
{
	(void)ctx;
	psb_arm_lifetime(r, p);
	return 0;
}

int
ss_send_path(struct rsvpd *r, struct psb *p, const void *ctx)
{
	(void)ctx;
	if (p->tail)
		return 0;
	path_send(r, p);
	path_arm_refresh(r, p);
	return 0;
}
