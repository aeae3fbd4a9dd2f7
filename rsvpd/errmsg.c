/*
 * PathErr and ResvErr (RFC 2205 s3.1.5, s3.1.6).
 *
 * A PathErr goes upstream hop by hop toward the sender, unicast to each
 * previous hop; it changes no path state on its way (RFC 2205), and at the
 * head-end it is the news that the LSP cannot be set up as asked.  A
 * ResvErr goes downstream hop by hop toward the receiver, to each next hop
 * of the reservation.
 */
#include <stdio.h>
#include <string.h>

#include <arpa/inet.h>

#include "log.h"
#include "quasard.h"
#include "rsvpd.h"

static void
errspec(struct rsvpd *r, struct rsvp_error_spec *e, uint8_t code,
    uint16_t value)
{
	memset(e, 0, sizeof(*e));
	e->node = r->router_id;
	e->code = code;
	e->value = value;
}

void
patherr_send(struct rsvpd *r, unsigned port, struct in_addr to,
    const struct rsvp_msg *about, uint8_t code, uint16_t value)
{
	struct rsvp_msg *m = r->out;
	char buf[96];

	rsvp_msg_init(m, RSVP_MSG_PATHERR);
	m->present = RSVP_HAS_SESSION | RSVP_HAS_ERROR;
	m->session = about->session;
	errspec(r, &m->error, code, value);
	if (about->present & RSVP_HAS_SENDER) {
		m->sender = about->sender;
		m->present |= RSVP_HAS_SENDER;
		if (about->present & RSVP_HAS_TSPEC) {
			m->tspec = about->tspec;
			m->present |= RSVP_HAS_TSPEC;
		}
	}
	log_debug("patherr %s to %s: %s (%u), value %u",
	    session_str(&m->session, (m->present & RSVP_HAS_SENDER) ?
	    &m->sender : NULL, buf, sizeof(buf)), inet_ntoa(to),
	    rsvp_error_name(code), code, value);
	(void)rio_send(r, m, port, to, to, RD_SEND_TTL);
}

void
resverr_send(struct rsvpd *r, unsigned port, struct in_addr to,
    const struct rsvp_msg *about, unsigned i, uint8_t code, uint16_t value)
{
	struct rsvp_msg *m = r->out;
	const struct rsvp_flowspec *fs;
	char buf[96];

	rsvp_msg_init(m, RSVP_MSG_RESVERR);
	m->present = RSVP_HAS_SESSION | RSVP_HAS_HOP | RSVP_HAS_ERROR |
	    RSVP_HAS_STYLE;
	m->session = about->session;
	m->hop.addr = rio_port_addr(r, port);
	m->hop.lih = (about->present & RSVP_HAS_HOP) ? about->hop.lih : 0;
	errspec(r, &m->error, code, value);
	m->style = about->style;
	if (i < about->n_fd) {
		m->n_fd = 1;
		fs = rsvp_fd_flowspec(about, i);
		if (fs != NULL) {
			m->fd[0].flowspec = *fs;
			m->fd[0].has |= RSVP_FD_FLOWSPEC;
		}
		if (about->fd[i].has & RSVP_FD_FILTER) {
			m->fd[0].filter = about->fd[i].filter;
			m->fd[0].has |= RSVP_FD_FILTER;
		}
	}
	log_debug("resverr %s to %s: %s (%u), value %u",
	    session_str(&m->session, NULL, buf, sizeof(buf)), inet_ntoa(to),
	    rsvp_error_name(code), code, value);
	(void)rio_send(r, m, port, to, to, RD_SEND_TTL);
}

void
patherr_recv(struct rsvpd *r, const struct rd_rx *rx,
    const struct rsvp_msg *m)
{
	struct rsvp_msg *o = r->out;
	struct he_lsp *he;
	struct psb *p;
	char buf[96];

	if (!(m->present & RSVP_HAS_SENDER)) {
		rd_count(r, RD_C_no_state);
		return;
	}
	session_str(&m->session, &m->sender, buf, sizeof(buf));
	if ((he = he_find_session(r, &m->session, &m->sender)) != NULL) {
		he_patherr_recv(r, he, m);
		return;
	}
	if ((p = psb_find(r, &m->session, &m->sender)) == NULL) {
		rd_count(r, RD_C_no_state);
		log_debug("patherr %s: no path state", buf);
		return;
	}
	if (p->tail || rx->port != p->out_port) {
		rd_count(r, RD_C_wrong_hop);
		return;
	}
	log_info("patherr %s from %s: %s (%u), value %u: passed upstream",
	    buf, inet_ntoa(m->error.node), rsvp_error_name(m->error.code),
	    m->error.code, m->error.value);
	memcpy(o, m, sizeof(*o));
	(void)rio_send(r, o, p->in_port, p->phop.addr, p->phop.addr,
	    RD_SEND_TTL);
}

void
resverr_recv(struct rsvpd *r, const struct rd_rx *rx,
    const struct rsvp_msg *m)
{
	struct rsvp_msg *o = r->out;
	struct rsb *b;
	struct psb *p;
	char buf[96];

	if (m->n_fd == 0 || !(m->fd[0].has & RSVP_FD_FILTER)) {
		rd_count(r, RD_C_no_state);
		return;
	}
	session_str(&m->session, &m->fd[0].filter, buf, sizeof(buf));
	if ((b = rsb_find(r, &m->session, &m->fd[0].filter)) == NULL) {
		rd_count(r, RD_C_no_state);
		log_debug("resverr %s: no reservation state", buf);
		return;
	}
	p = b->psb;
	if (rx->port != p->in_port) {
		rd_count(r, RD_C_wrong_hop);
		return;
	}
	if (b->local) {
		/* we are the receiver: the reservation failed upstream */
		b->last_err = m->error;
		b->has_err = 1;
		log_info("resverr %s from %s: %s (%u), value %u", buf,
		    inet_ntoa(m->error.node), rsvp_error_name(m->error.code),
		    m->error.code, m->error.value);
		return;
	}
	memcpy(o, m, sizeof(*o));
	o->hop.addr = rio_port_addr(r, p->out_port);
	(void)rio_send(r, o, p->out_port, b->nhop.addr, b->nhop.addr,
	    RD_SEND_TTL);
}
