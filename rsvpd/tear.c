/*
 * Teardown (RFC 2205 s3.1.4): PathTear travels downstream like a Path
 * (Router Alert, to the session's end point) and removes path state and
 * whatever was reserved on it; ResvTear travels upstream hop by hop and
 * removes the reservation only.  Neither is acknowledged nor repeated: a
 * lost one is made good by the state's lifetime.
 */
#include <stdio.h>
#include <string.h>

#include <arpa/inet.h>

#include "log.h"
#include "quasard.h"
#include "rsvpd.h"

void
pathtear_send_psb(struct rsvpd *r, struct psb *p)
{
	struct rsvp_msg *m = r->out;

	rsvp_msg_init(m, RSVP_MSG_PATHTEAR);
	m->present = RSVP_HAS_SESSION | RSVP_HAS_HOP | RSVP_HAS_SENDER |
	    RSVP_HAS_TSPEC;
	m->session = p->session;
	m->hop.addr = rio_port_addr(r, p->out_port);
	m->hop.lih = (uint32_t)r->ifs[p->out_port].ifindex;
	m->sender = p->sender;
	m->tspec = p->tspec;
	(void)rio_send(r, m, p->out_port, p->nhop, p->session.endpoint,
	    RD_SEND_TTL);
}

void
resvtear_send_rsb(struct rsvpd *r, struct rsb *b)
{
	struct rsvp_msg *m = r->out;
	struct psb *p = b->psb;

	rsvp_msg_init(m, RSVP_MSG_RESVTEAR);
	m->present = RSVP_HAS_SESSION | RSVP_HAS_HOP | RSVP_HAS_STYLE;
	m->session = b->session;
	m->hop.addr = rio_port_addr(r, p->in_port);
	m->hop.lih = p->phop.lih;
	m->style = b->style;
	m->n_fd = 1;
	m->fd[0].has = RSVP_FD_FLOWSPEC | RSVP_FD_FILTER;
	m->fd[0].flowspec = b->flowspec;
	m->fd[0].filter = b->filter;
	(void)rio_send(r, m, p->in_port, p->phop.addr, p->phop.addr,
	    RD_SEND_TTL);
}

void
pathtear_recv(struct rsvpd *r, const struct rd_rx *rx,
    const struct rsvp_msg *m)
{
	struct psb *p, *next;
	char buf[96];
	int any = 0;

	for (p = TAILQ_FIRST(&r->psbs); p != NULL; p = next) {
		next = TAILQ_NEXT(p, entry);
		if (!session_equal(&p->session, &m->session))
			continue;
		/* no sender descriptor: every sender of the session */
		if ((m->present & RSVP_HAS_SENDER) &&
		    !sender_equal(&p->sender, &m->sender))
			continue;
		any = 1;
		if (rx->port != p->in_port ||
		    m->hop.addr.s_addr != p->phop.addr.s_addr) {
			rd_count(r, RD_C_wrong_hop);
			continue;
		}
		log_info("session %s: PathTear from %s",
		    session_str(&p->session, &p->sender, buf, sizeof(buf)),
		    inet_ntoa(m->hop.addr));
		(void)ss_event(r, p, SS_EV_PATH_TEAR, NULL);
	}
	if (!any)
		rd_count(r, RD_C_no_state);
}

void
resvtear_recv(struct rsvpd *r, const struct rd_rx *rx,
    const struct rsvp_msg *m)
{
	struct he_lsp *he;
	struct psb *p;
	char buf[96];
	unsigned i;

	for (i = 0; i < m->n_fd; i++) {
		if (!(m->fd[i].has & RSVP_FD_FILTER))
			continue;
		if ((he = he_find_session(r, &m->session, &m->fd[i].filter))
		    != NULL) {
			if (rx->port == he->out_port)
				he_resvtear_recv(r, he);
			else
				rd_count(r, RD_C_wrong_hop);
			continue;
		}
		p = psb_find(r, &m->session, &m->fd[i].filter);
		if (p == NULL || p->rsb == NULL) {
			rd_count(r, RD_C_no_state);
			continue;
		}
		if (p->tail || rx->port != p->out_port) {
			rd_count(r, RD_C_wrong_hop);
			continue;
		}
		log_info("session %s: ResvTear from %s",
		    session_str(&p->session, &p->sender, buf, sizeof(buf)),
		    inet_ntoa(m->hop.addr));
		(void)ss_event(r, p, SS_EV_RESV_TEAR, NULL);
	}
}

/* unreserve: the reservation goes, the path state stays. */
int
ss_unreserve(struct rsvpd *r, struct psb *p, const void *ctx)
{
	struct rsb *b = p->rsb;
	int sent;

	(void)ctx;
	if (b == NULL)
		return 0;
	sent = b->installed && !b->local;
	resv_release(r, b);
	if (sent)
		resvtear_send_rsb(r, b);
	rsb_free(r, b);
	return 0;
}

/* delete: everything goes; downstream is told with a PathTear.  The
 * driver frees p afterwards. */
int
ss_delete(struct rsvpd *r, struct psb *p, const void *ctx)
{
	(void)ctx;
	if (p->rsb != NULL) {
		resv_release(r, p->rsb);
		rsb_free(r, p->rsb);
	}
	if (!p->tail && p->state != SS_NEW)
		pathtear_send_psb(r, p);
	return 0;
}
