/*
 * The tail-end: a Path whose end point is one of our addresses is answered
 * with a Resv (RFC 3209 s4.1.1.1: the egress allocates its label).  The
 * label is Implicit NULL (3), so the penultimate hop pops and we receive
 * plain IP; or IPv4 Explicit NULL (0) when the head-end set
 * QD_SATTR_EXPLICIT_NULL in its SESSION_ATTRIBUTE.
 *
 * The FLOWSPEC asks for what the sender offers: its SENDER_TSPEC, as
 * Guaranteed (R = r, S = 0) when the ADSPEC carries only the Guaranteed
 * fragment, else Controlled-Load; a zero TSPEC (a best-effort LSP) gets a
 * zero Controlled-Load FLOWSPEC, which every hop takes as best effort.
 * The style is SE when the head-end asks for it (RFC 3209 s4.7), else FF.
 * The first Resv asks for a ResvConf (RESV_CONFIRM with our address)
 * until one comes.  Nothing is reserved here: the tail has no outgoing
 * LSP.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <arpa/inet.h>

#include "clock.h"
#include "log.h"
#include "quasard.h"
#include "rsvpd.h"

#define RD_FAIL(e)	(-(int)(e) - 1)

int
tail_reserve(struct rsvpd *r, struct psb *p)
{
	struct rsb *b = p->rsb;
	struct rsvp_flowspec fs;
	char buf[96];
	uint32_t label;
	int fresh = b == NULL;

	if (b == NULL && (b = rsb_new(r, p)) == NULL)
		return RD_FAIL(SS_EV_ADMIT_FAIL);
	label = p->has_sattr && (p->sattr.flags & QD_SATTR_EXPLICIT_NULL) ?
	    MPLS_LABEL_IPV4NULL : MPLS_LABEL_IMPLNULL;
	memset(&fs, 0, sizeof(fs));
	fs.tspec = p->tspec;
	if (adm_tspec_qos(&p->tspec) && p->has_adspec &&
	    p->adspec.gs_present && !p->adspec.cl_present) {
		fs.service = RSVP_SVC_GUARANTEED;
		fs.R = p->tspec.r;
		fs.S = 0;
	} else
		fs.service = RSVP_SVC_CL;
	b->local = 1;
	b->qos = 0;
	b->installed = 1;
	b->in_label = label;
	b->flowspec = fs;
	b->style.flags = 0;
	b->style.option = p->has_sattr &&
	    (p->sattr.flags & RSVP_SATTR_SE_STYLE) ? RSVP_STYLE_SE :
	    RSVP_STYLE_FF;
	b->has_rro = 0;
	b->has_confirm = !b->confirmed;
	b->confirm = rio_port_addr(r, p->in_port);
	if (fresh)
		log_info("session %s: tail-end, %s, label %" PRIu32 " (%s)",
		    session_str(&p->session, &p->sender, buf, sizeof(buf)),
		    fs.service == RSVP_SVC_GUARANTEED ? "Guaranteed" :
		    adm_tspec_qos(&p->tspec) ? "Controlled-Load" :
		    "best effort", label, label == MPLS_LABEL_IMPLNULL ?
		    "Implicit NULL" : "IPv4 Explicit NULL");
	resv_announce(r, b);
	return 0;
}

void
tail_resvconf(struct rsvpd *r, struct rsb *b, const struct rsvp_msg *m)
{
	char buf[96];

	(void)r;
	if (!b->confirmed)
		log_info("session %s: reservation confirmed by %s",
		    session_str(&b->session, &b->filter, buf, sizeof(buf)),
		    inet_ntoa(m->error.node));
	b->confirmed = 1;
	b->has_confirm = 0;
}
