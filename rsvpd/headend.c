/*
 * LSPs this router heads: "quasarctl lsp add <name> to=<ip> rate=...".
 *
 * The head-end originates the Path (RFC 3209 s4): SESSION LSP_TUNNEL_IPv4
 * (the tail's address, a tunnel id of ours, our router id as extended
 * tunnel id), SENDER_TEMPLATE (router id, LSP id 1), LABEL_REQUEST for
 * IPv4, SESSION_ATTRIBUTE (the LSP's name; label recording and SE style
 * desired; QD_SATTR_EXPLICIT_NULL on request), the SENDER_TSPEC from the
 * operator's rate, burst and peak, an ADSPEC naming the service it wants
 * (Guaranteed or Controlled-Load; none and a zero TSPEC for best effort),
 * the ERO if one was given and an RRO with our address.  The Resv that
 * comes back gives the label to send the LSP's traffic with; the LSP is up.
 *
 * This router has no data path of its own for ingress (a routelet takes
 * labelled frames only), so "installing" the label means keeping it, with
 * the next hop's MAC and port, where "lsp show" gives it to whoever pushes
 * the label: the operator's tools, or a test sending labelled frames.
 *
 * A PathErr, no route, or a neighbour declared down by Hellos take the LSP
 * down: its Path state downstream is torn and the Path tried again
 * RD_RETRY_MS later.
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

#define RD_FAIL(e)	(-(int)(e) - 1)

struct he_resv_ctx {
	const struct rd_rx	*rx;
	const struct rsvp_msg	*m;
	unsigned		 fd;
};

static struct rsvpd *
th_rsvpd(struct timer_heap *th)
{
	return (struct rsvpd *)((char *)th - offsetof(struct rsvpd, th));
}

static void he_event(struct rsvpd *, struct he_lsp *, enum he_event,
    const void *ctx);

struct he_lsp *
he_find(struct rsvpd *r, const char *name)
{
	struct he_lsp *he;

	TAILQ_FOREACH(he, &r->hes, entry)
		if (strcmp(he->name, name) == 0)
			return he;
	return NULL;
}

struct he_lsp *
he_find_session(struct rsvpd *r, const struct rsvp_session *s,
    const struct rsvp_sender *snd)
{
	struct he_lsp *he;

	TAILQ_FOREACH(he, &r->hes, entry)
		if (session_equal(&he->session, s) &&
		    sender_equal(&he->sender, snd))
			return he;
	return NULL;
}

static void
he_refresh_timer(struct timer_heap *th, struct timer *t, void *arg)
{
	(void)t;
	he_event(th_rsvpd(th), arg, HE_EV_REFRESH, NULL);
}

static void
he_resv_timer(struct timer_heap *th, struct timer *t, void *arg)
{
	(void)t;
	rd_count(th_rsvpd(th), RD_C_rsb_timeout);
	he_event(th_rsvpd(th), arg, HE_EV_RESV_TIMEOUT, NULL);
}

static void
he_retry_timer(struct timer_heap *th, struct timer *t, void *arg)
{
	(void)t;
	he_event(th_rsvpd(th), arg, HE_EV_START, NULL);
}

int
he_add(struct rsvpd *r, struct he_lsp *tmpl, char *err, size_t errlen)
{
	struct he_lsp *he;

	if (he_find(r, tmpl->name) != NULL || lsp_find(r->q, tmpl->name) !=
	    NULL) {
		snprintf(err, errlen, "lsp %s exists", tmpl->name);
		return -1;
	}
	if (rio_is_local(r, tmpl->session.endpoint)) {
		snprintf(err, errlen, "to=%s is this router",
		    inet_ntoa(tmpl->session.endpoint));
		return -1;
	}
	if ((he = calloc(1, sizeof(*he))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	*he = *tmpl;
	if (r->next_tunnel == 0)
		r->next_tunnel = 1;
	he->session.tunnel_id = r->next_tunnel++;
	he->session.ext_tunnel_id = ntohl(r->router_id.s_addr);
	he->sender.addr = r->router_id;
	he->sender.lsp_id = 1;
	he->state = HE_DOWN;
	timer_init(&he->refresh_t, he_refresh_timer, he);
	timer_init(&he->resv_t, he_resv_timer, he);
	timer_init(&he->retry_t, he_retry_timer, he);
	TAILQ_INSERT_TAIL(&r->hes, he, entry);
	r->nhe++;
	log_info("lsp %s: head-end to %s, tunnel %u, %s", he->name,
	    inet_ntoa(he->session.endpoint), he->session.tunnel_id,
	    he->service == RSVP_SVC_GUARANTEED ? "Guaranteed" :
	    he->service == RSVP_SVC_CL ? "Controlled-Load" : "best effort");
	he_event(r, he, HE_EV_START, NULL);
	return 0;
}

int
he_del(struct rsvpd *r, const char *name)
{
	struct he_lsp *he = he_find(r, name);

	if (he == NULL)
		return -1;
	he_event(r, he, HE_EV_STOP, NULL);
	return 0;
}

int
he_set_tspec(struct rsvpd *r, const char *name, const struct rsvp_tspec *t)
{
	struct he_lsp *he = he_find(r, name);

	if (he == NULL)
		return -1;
	he->tspec = *t;
	log_info("lsp %s: new rate %.0f B/s, bucket %.0f B, peak %.0f B/s",
	    he->name, (double)t->r, (double)t->b, (double)t->p);
	/* a changed Path is sent at once (RFC 2205 s3.1.2); a down LSP
	 * uses it on its next try */
	if (he->state != HE_DOWN)
		he_event(r, he, HE_EV_REFRESH, NULL);
	return 0;
}

void
he_flush(struct rsvpd *r)
{
	struct he_lsp *he;

	while ((he = TAILQ_FIRST(&r->hes)) != NULL)
		he_event(r, he, HE_EV_STOP, NULL);
}

/* ---- messages out --------------------------------------------------- */

static void
he_send_path(struct rsvpd *r, struct he_lsp *he)
{
	struct rsvp_msg *m = r->out;
	struct rsvp_adspec_hop h;
	struct in_addr me = rio_port_addr(r, he->out_port);

	rsvp_msg_init(m, RSVP_MSG_PATH);
	m->present = RSVP_HAS_SESSION | RSVP_HAS_HOP | RSVP_HAS_TIME |
	    RSVP_HAS_LABEL_REQUEST | RSVP_HAS_SATTR | RSVP_HAS_SENDER |
	    RSVP_HAS_TSPEC | RSVP_HAS_RRO;
	m->session = he->session;
	m->hop.addr = me;
	m->hop.lih = (uint32_t)r->ifs[he->out_port].ifindex;
	m->time.refresh_ms = r->conf.refresh_ms;
	m->label_req.l3pid = 0x0800;
	m->sattr.setup_prio = 7;
	m->sattr.hold_prio = 0;
	m->sattr.flags = RSVP_SATTR_LABEL_REC | RSVP_SATTR_SE_STYLE |
	    (he->explicit_null ? QD_SATTR_EXPLICIT_NULL : 0);
	m->sattr.name_len = (uint8_t)strlen(he->name);
	memcpy(m->sattr.name, he->name, m->sattr.name_len + 1u);
	m->sender = he->sender;
	m->tspec = he->tspec;
	if (he->has_ero_out) {
		m->ero = he->ero_out;
		m->present |= RSVP_HAS_ERO;
	}
	m->rro.n = 0;
	(void)rsvp_rro_prepend_ipv4(&m->rro, me, 0);
	if (he->service != 0) {
		/* RFC 2210 s3.3: the services the sender offers; a hop
		 * that cannot do one breaks it, the receiver chooses */
		memset(&m->adspec, 0, sizeof(m->adspec));
		m->adspec.gs_present = he->service == RSVP_SVC_GUARANTEED;
		m->adspec.cl_present = he->service == RSVP_SVC_CL;
		memset(&h, 0, sizeof(h));
		h.link_bw = 1.25e9f;
		h.link_latency = 1;
		h.link_mtu = r->ifs[he->out_port].mtu;
		rsvp_adspec_compose(&m->adspec, &h);
		m->present |= RSVP_HAS_ADSPEC;
	}
	(void)rio_send(r, m, he->out_port, he->nhop, he->session.endpoint,
	    RD_SEND_TTL);
}

static void
he_send_tear(struct rsvpd *r, struct he_lsp *he)
{
	struct rsvp_msg *m = r->out;

	rsvp_msg_init(m, RSVP_MSG_PATHTEAR);
	m->present = RSVP_HAS_SESSION | RSVP_HAS_HOP | RSVP_HAS_SENDER |
	    RSVP_HAS_TSPEC;
	m->session = he->session;
	m->hop.addr = rio_port_addr(r, he->out_port);
	m->hop.lih = (uint32_t)r->ifs[he->out_port].ifindex;
	m->sender = he->sender;
	m->tspec = he->tspec;
	(void)rio_send(r, m, he->out_port, he->nhop, he->session.endpoint,
	    RD_SEND_TTL);
}

/* RFC 2205 s3.1.8: the receiver asked to hear that its reservation
 * reached the sender. */
static void
he_send_conf(struct rsvpd *r, struct he_lsp *he, const struct rsvp_msg *in,
    unsigned i)
{
	struct rsvp_msg *m = r->out;
	const struct rsvp_flowspec *fs = rsvp_fd_flowspec(in, i);

	rsvp_msg_init(m, RSVP_MSG_RESVCONF);
	m->present = RSVP_HAS_SESSION | RSVP_HAS_ERROR | RSVP_HAS_CONFIRM |
	    RSVP_HAS_STYLE;
	m->session = he->session;
	m->error.node = rio_port_addr(r, he->out_port);
	m->error.code = RSVP_ERR_CONFIRM;
	m->confirm = in->confirm;
	m->style = in->style;
	m->n_fd = 1;
	m->fd[0].has = RSVP_FD_FILTER | RSVP_FD_LABEL;
	m->fd[0].filter = he->sender;
	m->fd[0].label = in->fd[i].label;
	if (fs != NULL) {
		m->fd[0].flowspec = *fs;
		m->fd[0].has |= RSVP_FD_FLOWSPEC;
	}
	(void)rio_send(r, m, he->out_port, he->nhop, in->confirm.receiver,
	    RD_SEND_TTL);
}

/* ---- actions -------------------------------------------------------- */

/* The first hop: the ERO's, or the routing table's. */
static int
he_route(struct rsvpd *r, struct he_lsp *he)
{
	struct in_addr nh;
	uint16_t value = 0;
	uint8_t code = 0;
	unsigned port;
	int rc = 1, pi;

	he->has_ero_out = 0;
	if (he->has_ero) {
		he->ero_out = he->ero;
		rc = path_ero_next(r, &he->ero_out, &pi, &nh, &code, &value);
		if (rc == -1) {
			snprintf(he->why, sizeof(he->why), "ERO: %s",
			    rsvp_error_value_name(code, value));
			goto err;
		}
		if (rc == 0) {
			he->out_port = (unsigned)pi;
			he->nhop = nh;
			he->has_ero_out = he->ero_out.n > 0;
		}
	}
	if (rc == 1) {
		if (route_lookup(r, he->session.endpoint, &port, &nh) != 0) {
			code = RSVP_ERR_ROUTING;
			value = RSVP_ERRV_RP_NO_ROUTE;
			snprintf(he->why, sizeof(he->why), "no route to %s "
			    "through a port", inet_ntoa(he->session.endpoint));
			goto err;
		}
		he->out_port = port;
		he->nhop = nh;
	}
	if (rio_port_addr(r, he->out_port).s_addr == 0) {
		code = RSVP_ERR_ROUTING;
		value = RSVP_ERRV_RP_NO_ROUTE;
		snprintf(he->why, sizeof(he->why), "port %s has no address",
		    r->ifs[he->out_port].ifname);
		goto err;
	}
	return 0;
err:
	memset(&he->err, 0, sizeof(he->err));
	he->err.node = r->router_id;
	he->err.code = code;
	he->err.value = value;
	he->has_err = 1;
	rd_count(r, RD_C_route_err);
	log_info("lsp %s: %s", he->name, he->why);
	return -1;
}

static void
he_arm_refresh(struct rsvpd *r, struct he_lsp *he)
{
	(void)timer_set(&r->th, &he->refresh_t, clock_mono_ns() +
	    rd_jitter_ns(r, r->conf.refresh_ms));
}

static int
he_a_send_path(struct rsvpd *r, struct he_lsp *he)
{
	he->attempts++;
	if (he_route(r, he) == -1)
		return RD_FAIL(HE_EV_NO_ROUTE);
	hello_touch(r, he->out_port, he->nhop);
	he_send_path(r, he);
	he_arm_refresh(r, he);
	return 0;
}

static int
he_a_install(struct rsvpd *r, struct he_lsp *he, const struct he_resv_ctx *c)
{
	const struct rsvp_msg *m;
	const struct rsvp_flowdesc *fd;
	const struct rsvp_flowspec *fs;
	char mac[ETHER_ADDR_STRLEN];
	int was_up = he->has_label;

	if (c == NULL)
		return 0;
	m = c->m;
	fd = &m->fd[c->fd];
	fs = rsvp_fd_flowspec(m, c->fd);
	he->out_label = fd->label.label;
	he->has_label = 1;
	he->resv_hop = m->hop;
	he->style = m->style;
	if (fs != NULL)
		he->flowspec = *fs;
	he->has_rro = !!(fd->has & RSVP_FD_RRO);
	if (he->has_rro)
		he->rro = fd->rro;
	he->resv_refresh_ms = m->time.refresh_ms;
	if (nbr_mac(r, he->out_port, he->nhop, he->nh_mac, 300) == -1)
		memset(he->nh_mac, 0, sizeof(he->nh_mac));
	if (!was_up)
		he->up_ns = clock_mono_ns();
	he->has_err = 0;
	he->why[0] = '\0';
	(void)timer_set(&r->th, &he->resv_t, clock_mono_ns() +
	    rd_lifetime_ns(r, he->resv_refresh_ms));
	log_info("lsp %s: %s, label %" PRIu32 " to %s (%s) on %s", he->name,
	    was_up ? "changed" : "up", he->out_label, inet_ntoa(he->nhop),
	    ether_addr_fmt(he->nh_mac, mac), r->ifs[he->out_port].ifname);
	if (m->present & RSVP_HAS_CONFIRM)
		he_send_conf(r, he, m, c->fd);
	return 0;
}

static void
he_stop_timers(struct rsvpd *r, struct he_lsp *he)
{
	timer_cancel(&r->th, &he->refresh_t);
	timer_cancel(&r->th, &he->resv_t);
	timer_cancel(&r->th, &he->retry_t);
}

static void
he_act(struct rsvpd *r, struct he_lsp *he, enum he_action a, const void *ctx,
    unsigned from, int *rc)
{
	const struct he_resv_ctx *c = ctx;

	*rc = 0;
	switch (a) {
	case HE_A_NONE:
		break;
	case HE_A_SEND_PATH:
		*rc = he_a_send_path(r, he);
		break;
	case HE_A_REFRESH:
		he_send_path(r, he);
		he_arm_refresh(r, he);
		break;
	case HE_A_INSTALL:
		*rc = he_a_install(r, he, c);
		break;
	case HE_A_KEEP:
		(void)timer_set(&r->th, &he->resv_t, clock_mono_ns() +
		    rd_lifetime_ns(r, he->resv_refresh_ms));
		if (c != NULL && (c->m->present & RSVP_HAS_CONFIRM))
			he_send_conf(r, he, c->m, c->fd);
		break;
	case HE_A_UNINSTALL:
		he->has_label = 0;
		timer_cancel(&r->th, &he->resv_t);
		log_info("lsp %s: reservation gone, Path kept", he->name);
		break;
	case HE_A_FAIL:
		if (from != HE_DOWN)
			he_send_tear(r, he);
		he_stop_timers(r, he);
		he->has_label = 0;
		(void)timer_set(&r->th, &he->retry_t, clock_mono_ns() +
		    (uint64_t)RD_RETRY_MS * NSEC_PER_MSEC);
		log_info("lsp %s: down; trying again in %u s", he->name,
		    RD_RETRY_MS / 1000);
		break;
	case HE_A_TEAR:
		if (from != HE_DOWN)
			he_send_tear(r, he);
		he_stop_timers(r, he);
		log_info("lsp %s: torn down", he->name);
		break;
	case HE_NACTIONS:
		break;
	}
}

static void
he_event(struct rsvpd *r, struct he_lsp *he, enum he_event ev,
    const void *ctx)
{
	const struct fsm_row *row;
	unsigned depth, from, to;
	int rc;

	for (depth = 0; depth < 4; depth++) {
		from = he->state;
		if ((row = fsm_find(&fsm_he, from, ev)) == NULL) {
			rd_count(r, RD_C_unexpected);
			log_debug("lsp %s: %s in state %s unexpected, ignored",
			    he->name, fsm_event_name(&fsm_he, ev),
			    fsm_state_name(&fsm_he, from));
			return;
		}
		to = fsm_next(row, from);
		log_debug("lsp %s: %s: %s -> %s (%s)", he->name,
		    fsm_event_name(&fsm_he, ev), fsm_state_name(&fsm_he, from),
		    fsm_state_name(&fsm_he, to),
		    fsm_action_name(&fsm_he, row->action));
		he_act(r, he, (enum he_action)row->action, ctx, from, &rc);
		if (rc < 0) {
			ev = (enum he_event)(-rc - 1);
			ctx = NULL;
			continue;
		}
		he->state = (enum he_state)to;
		if (to == HE_GONE) {
			TAILQ_REMOVE(&r->hes, he, entry);
			r->nhe--;
			free(he);
		}
		return;
	}
}

/* ---- messages in ---------------------------------------------------- */

void
he_resv_recv(struct rsvpd *r, struct he_lsp *he, const struct rd_rx *rx,
    const struct rsvp_msg *m, unsigned i)
{
	const struct rsvp_flowdesc *fd = &m->fd[i];
	const struct rsvp_flowspec *fs = rsvp_fd_flowspec(m, i);
	struct he_resv_ctx c = { rx, m, i };
	int changed;

	if (rx->port != he->out_port) {
		rd_count(r, RD_C_wrong_hop);
		return;
	}
	changed = !he->has_label || he->out_label != fd->label.label ||
	    he->resv_hop.addr.s_addr != m->hop.addr.s_addr ||
	    (fs != NULL && !rsvp_flowspec_equal(&he->flowspec, fs)) ||
	    he->has_rro != !!(fd->has & RSVP_FD_RRO) ||
	    (he->has_rro && !rsvp_route_equal(&he->rro, &fd->rro));
	he_event(r, he, changed ? HE_EV_RESV : HE_EV_RESV_REFRESH, &c);
}

void
he_resvtear_recv(struct rsvpd *r, struct he_lsp *he)
{
	he_event(r, he, HE_EV_RESV_TEAR, NULL);
}

void
he_patherr_recv(struct rsvpd *r, struct he_lsp *he, const struct rsvp_msg *m)
{
	const char *vn = rsvp_error_value_name(m->error.code, m->error.value);

	he->err = m->error;
	he->has_err = 1;
	snprintf(he->why, sizeof(he->why), "PathErr from %s: %s%s%s",
	    inet_ntoa(m->error.node), rsvp_error_name(m->error.code),
	    vn != NULL ? ": " : "", vn != NULL ? vn : "");
	log_info("lsp %s: %s (code %u, value 0x%04x)", he->name, he->why,
	    m->error.code, m->error.value);
	/* Notify (RFC 3209 s7.4) and confirmations change nothing */
	if (m->error.code == RSVP_ERR_NOTIFY ||
	    m->error.code == RSVP_ERR_CONFIRM)
		return;
	he_event(r, he, HE_EV_PATH_ERR, NULL);
}

void
he_nbr_down(struct rsvpd *r, unsigned port, struct in_addr a)
{
	struct he_lsp *he, *next;

	for (he = TAILQ_FIRST(&r->hes); he != NULL; he = next) {
		next = TAILQ_NEXT(he, entry);
		if (he->state == HE_DOWN || he->out_port != port ||
		    he->nhop.s_addr != a.s_addr)
			continue;
		snprintf(he->why, sizeof(he->why), "neighbour %s down",
		    inet_ntoa(a));
		he_event(r, he, HE_EV_NBR_DOWN, NULL);
	}
}
