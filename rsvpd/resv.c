/*
 * Resv messages (RFC 2205 s3.1.3, RFC 3209 s4.1) and the reservation they
 * make at a transit LSR; ResvConf (RFC 2205 s3.1.8).
 *
 * A Resv from downstream names, per flow descriptor, a sender (FILTER_SPEC),
 * its FLOWSPEC and the label to send it with.  A new one is admitted and
 * set up here, and only then does a Resv go upstream with the label we
 * allocated:
 *
 *   QoS (Guaranteed or Controlled-Load, rate > 0): bandwidth on the
 *   outgoing port and CPU (src/admit.h), an idle routelet, the next hop's
 *   MAC; then lsp.c takes the routelet, gives it its CPU share and VIF
 *   rate, configures it (swap to the downstream label, or pop for
 *   Implicit NULL), unpauses it, waits for its acknowledgement and only
 *   then puts our label in the demux.
 *
 *   best effort: an entry in dom0's best-effort table (belfib); no
 *   routelet, no admission.
 *
 * Anything that does not fit is answered with a ResvErr downstream and
 * changes nothing.  A changed Resv (label, flowspec) changes the running
 * LSP in place; one that no longer fits leaves the old reservation as it
 * was.  A refresh only restarts the lifetime.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <arpa/inet.h>

#include "clock.h"
#include "log.h"
#include "qstate.h"
#include "quasard.h"
#include "rsvpd.h"
#include "tbf.h"

#define RD_FAIL(e)	(-(int)(e) - 1)
#define NBR_WAIT_MS	300

struct resv_ctx {
	const struct rd_rx		*rx;
	const struct rsvp_msg		*m;
	unsigned			 fd;
	const struct rsvp_flowspec	*fs;
};

/* ---- the best-effort table, opened as its writer for each change ----- */

/*
 * quasard holds belfib's writer lock only while it writes, so that the
 * demux's "be" subcommand (an operator's static entries) can write too.
 */
static int
be_write(struct rsvpd *r, uint32_t label, const struct belfib_entry *e)
{
	struct qstate_file qf;
	struct belfib fib;
	char err[256];
	int rc;

	if (qstate_belfib_open(r->q->statedir, 1, &fib, &qf, err,
	    sizeof(err)) == -1) {
		log_warnx("best-effort table: %s", err);
		return -1;
	}
	rc = e != NULL ? belfib_set(&fib, label, e) : belfib_del(&fib, label);
	belfib_destroy(&fib);
	qstate_file_close(&qf);
	if (rc != BELFIB_OK) {
		log_warnx("best-effort table: label %" PRIu32 ": %s", label,
		    belfib_strerror(rc));
		return -1;
	}
	return 0;
}

static void
be_entry(struct belfib_entry *e, uint32_t out_label, unsigned port,
    const uint8_t mac[6])
{
	memset(e, 0, sizeof(*e));
	e->op = out_label == MPLS_LABEL_IMPLNULL ? BELFIB_OP_POP :
	    BELFIB_OP_SWAP;
	e->out_label = e->op == BELFIB_OP_SWAP ? out_label : 0;
	e->port = port;
	memcpy(e->nh_mac, mac, 6);
}

/* ---- the routelet ----------------------------------------------------- */

static void
rl_conf(struct rlconf *c, uint32_t in, uint32_t out, const uint8_t mac[6],
    unsigned port, uint64_t rate, uint64_t burst)
{
	rlconf_init(c);
	c->in_label = in;
	if (out == MPLS_LABEL_IMPLNULL) {
		c->op = RL_OP_POP;	/* penultimate hop */
	} else {
		c->op = RL_OP_SWAP;
		c->out_labels[0] = out;
		c->n_out = 1;
		c->set |= 1u << RLCONF_K_OUT_LABEL;
	}
	c->ttl_mode = RL_TTL_UNIFORM;
	memcpy(c->nh_mac, mac, 6);
	c->out_vif = (uint16_t)port;
	c->rate = rate;
	c->burst = burst;
	c->set |= 1u << RLCONF_K_OP | 1u << RLCONF_K_IN_LABEL |
	    1u << RLCONF_K_TTL_MODE | 1u << RLCONF_K_NH_MAC |
	    1u << RLCONF_K_OUT_VIF | 1u << RLCONF_K_RATE |
	    1u << RLCONF_K_BURST;
}

static void
rl_shape(const struct rsvp_flowspec *fs, const struct admit_req *req,
    uint64_t *rate_r, uint64_t *burst_r)
{
	admit_vif_shape(req->bw, fs->tspec.b, fs->tspec.m, fs->tspec.M,
	    rate_r, burst_r);
	if (*rate_r > TBF_RATE_MAX)
		*rate_r = TBF_RATE_MAX;
	if (*burst_r > TBF_BURST_MAX)
		*burst_r = TBF_BURST_MAX;
}

static void
lsp_name_of(const struct rsb *b, char *buf, size_t len)
{
	char e[INET_ADDRSTRLEN], s[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &b->session.endpoint, e, sizeof(e));
	inet_ntop(AF_INET, &b->filter.addr, s, sizeof(s));
	snprintf(buf, len, "rsvp-%s-%u-%s-%u", e, b->session.tunnel_id, s,
	    b->filter.lsp_id);
}

/*
 * Sets up a new reservation for b: resources, label, routelet or table.
 * 0, or -1 with the ERROR_SPEC code and value for the ResvErr, and
 * nothing taken.
 */
static int
resv_setup(struct rsvpd *r, struct rsb *b, const struct rsvp_flowspec *fs,
    uint32_t out_label, uint8_t *code_r, uint16_t *value_r)
{
	struct quasard *q = r->q;
	struct psb *p = b->psb;
	struct belfib_entry e;
	struct admit_req req;
	struct lsp tmpl;
	uint64_t rate, burst;
	uint32_t in;
	uint8_t mac[6];
	char err[256], buf[96];
	int rc, qos = adm_is_qos(fs);

	session_str(&b->session, &b->filter, buf, sizeof(buf));
	memset(&req, 0, sizeof(req));
	if (qos) {
		if (fs->tspec.M > r->ifs[p->out_port].mtu) {
			/* RFC 2205 appendix B, code 1 sub-code 3 */
			rd_count(r, RD_C_admit_bw);
			log_info("resv %s: refused: M %" PRIu32 " above the MTU "
			    "of %s (%" PRIu32 ")", buf, fs->tspec.M,
			    r->ifs[p->out_port].ifname, r->ifs[p->out_port].mtu);
			*code_r = RSVP_ERR_ADMISSION;
			*value_r = RD_ERRV_ADM_MTU;
			return -1;
		}
		adm_req(r, p->out_port, fs, &req);
		if ((rc = admit_check(&r->adm, &req)) != ADMIT_OK) {
			rd_count(r, rc == ADMIT_ECPU ? RD_C_admit_cpu :
			    RD_C_admit_bw);
			log_info("resv %s: refused: %s (%" PRIu64 " B/s, %"
			    PRIu64 " ppm of a CPU)", buf, admit_strerror(rc),
			    req.bw, req.cpu_ppm);
			*code_r = RSVP_ERR_ADMISSION;
			*value_r = adm_errvalue(rc);
			return -1;
		}
		/* Below its maximum, pool_take makes one (a cold create). */
		if (q->pool.nidle == 0 && q->pool.ndoms >= q->pool.conf.max) {
			rd_count(r, RD_C_admit_pool);
			log_info("resv %s: refused: no idle routelet (%u in "
			    "use, max %u)", buf, pool_used(&q->pool),
			    q->pool.conf.max);
			*code_r = RSVP_ERR_ADMISSION;
			*value_r = RD_ERRV_ADM_POOL;
			return -1;
		}
	}
	if (nbr_mac(r, p->out_port, p->nhop, mac, NBR_WAIT_MS) == -1) {
		rd_count(r, RD_C_admit_setup);
		log_info("resv %s: next hop %s has no MAC address", buf,
		    inet_ntoa(p->nhop));
		*code_r = RSVP_ERR_TRAFFIC_SYSTEM;
		*value_r = RD_ERRV_TCS_NEXTHOP;
		return -1;
	}
	if (lbl_alloc(r, &in) == -1) {
		rd_count(r, RD_C_admit_label);
		*code_r = RSVP_ERR_ROUTING;
		*value_r = RSVP_ERRV_RP_LABEL_ALLOC;
		return -1;
	}
	if (qos) {
		memset(&tmpl, 0, sizeof(tmpl));
		lsp_name_of(b, tmpl.name, sizeof(tmpl.name));
		rl_shape(fs, &req, &rate, &burst);
		rl_conf(&tmpl.conf, in, out_label, mac, p->out_port, rate,
		    burst);
		tmpl.in_port = p->in_port;
		admit_cpu_params(req.cpu_ppm, &tmpl.cpu.weight, &tmpl.cpu.cap);
		tmpl.owner = b;
		if (lsp_add(q, &tmpl, err, sizeof(err)) == -1) {
			rd_count(r, RD_C_admit_setup);
			log_warnx("resv %s: %s", buf, err);
			lbl_free(r, in);
			*code_r = RSVP_ERR_TRAFFIC_SYSTEM;
			*value_r = RD_ERRV_TCS_SETUP;
			return -1;
		}
		(void)admit_take(&r->adm, &req);
		snprintf(b->lsp_name, sizeof(b->lsp_name), "%s", tmpl.name);
	} else {
		be_entry(&e, out_label, p->out_port, mac);
		if (be_write(r, in, &e) == -1) {
			rd_count(r, RD_C_admit_setup);
			lbl_free(r, in);
			*code_r = RSVP_ERR_TRAFFIC_SYSTEM;
			*value_r = RD_ERRV_TCS_BEFIB;
			return -1;
		}
	}
	b->req = req;
	b->qos = (uint8_t)qos;
	b->in_label = in;
	b->out_label = out_label;
	memcpy(b->nh_mac, mac, 6);
	b->installed = 1;
	b->lost = 0;
	rd_count(r, RD_C_admit_ok);
	log_info("resv %s: %s, label %" PRIu32 " on %s -> %s%" PRIu32 " to %s"
	    " on %s%s", buf, qos ? "QoS" : "best effort", in,
	    r->ifs[p->in_port].ifname, out_label == MPLS_LABEL_IMPLNULL ?
	    "pop, " : "", out_label, inet_ntoa(p->nhop),
	    r->ifs[p->out_port].ifname, qos ? ", routelet" : ", dom0 table");
	return 0;
}

void
resv_release(struct rsvpd *r, struct rsb *b)
{
	char err[256];

	if (!b->installed)
		return;
	if (b->qos) {
		if (lsp_del(r->q, b->lsp_name, err, sizeof(err)) == -1)
			log_warnx("reservation: %s", err);
		admit_release(&r->adm, &b->req);
	} else if (!b->local)
		(void)be_write(r, b->in_label, NULL);
	if (!b->local)
		lbl_free(r, b->in_label);
	b->installed = 0;
}

/*
 * A running reservation gets a new label or flowspec.  0, or -1 with the
 * error for the ResvErr and the old reservation as it was.
 */
static int
resv_modify(struct rsvpd *r, struct rsb *b, const struct rsvp_flowspec *fs,
    uint32_t out_label, uint8_t *code_r, uint16_t *value_r)
{
	struct psb *p = b->psb;
	struct belfib_entry e;
	struct admit_req req = b->req;
	struct rlconf c;
	struct lsp *l;
	uint64_t rate, burst;
	uint32_t keys = 0, w, cap;
	char err[256];
	int rc;

	if (!b->qos) {
		be_entry(&e, out_label, p->out_port, b->nh_mac);
		if (be_write(r, b->in_label, &e) == -1) {
			*code_r = RSVP_ERR_TRAFFIC_SYSTEM;
			*value_r = RD_ERRV_TCS_BEFIB;
			return -1;
		}
		b->out_label = out_label;
		return 0;
	}
	if ((l = lsp_find(r->q, b->lsp_name)) == NULL || l->rl == NULL) {
		*code_r = RSVP_ERR_TRAFFIC_SYSTEM;
		*value_r = RD_ERRV_TCS_SETUP;
		return -1;
	}
	adm_req(r, p->out_port, fs, &req);
	if ((rc = admit_change(&r->adm, &b->req, &req)) != ADMIT_OK) {
		rd_count(r, rc == ADMIT_ECPU ? RD_C_admit_cpu : RD_C_admit_bw);
		*code_r = RSVP_ERR_ADMISSION;
		*value_r = adm_errvalue(rc);
		return -1;
	}
	rl_shape(fs, &req, &rate, &burst);
	rl_conf(&c, b->in_label, out_label, b->nh_mac, p->out_port, rate,
	    burst);
	if (out_label != b->out_label) {
		if ((out_label == MPLS_LABEL_IMPLNULL) !=
		    (b->out_label == MPLS_LABEL_IMPLNULL)) {
			/* swap <-> pop: the routelet's op changes; lsp.c
			 * changes labels in place, not operations */
			admit_change(&r->adm, &req, &b->req);
			*code_r = RSVP_ERR_TRAFFIC_SYSTEM;
			*value_r = RD_ERRV_TCS_SETUP;
			return -1;
		}
		keys |= 1u << RLCONF_K_OUT_LABEL;
	}
	if (rate != l->conf.rate || burst != l->conf.burst)
		keys |= 1u << RLCONF_K_RATE | 1u << RLCONF_K_BURST;
	if (keys != 0 && lsp_update(r->q, b->lsp_name, &c, keys, err,
	    sizeof(err)) == -1) {
		log_warnx("reservation %s: %s", b->lsp_name, err);
		(void)admit_change(&r->adm, &req, &b->req);
		*code_r = RSVP_ERR_TRAFFIC_SYSTEM;
		*value_r = RD_ERRV_TCS_SETUP;
		return -1;
	}
	admit_cpu_params(req.cpu_ppm, &w, &cap);
	if (w != l->cpu.weight || cap != l->cpu.cap) {
		l->cpu.weight = w;
		l->cpu.cap = cap;
		if (r->q->be.ops->set_cpu(&r->q->be, &l->rl->d, &l->cpu) == -1)
			log_warnx("reservation %s: CPU share not changed",
			    b->lsp_name);
	}
	b->req = req;
	b->out_label = out_label;
	return 0;
}

/* ---- messages ----------------------------------------------------------- */

/* Our Resv for b to its previous hop. */
static void
resv_send_up(struct rsvpd *r, struct rsb *b)
{
	struct rsvp_msg *m = r->out;
	struct psb *p = b->psb;
	struct rsvp_flowdesc *fd;
	struct in_addr me = rio_port_addr(r, p->in_port);
	int label_rec = p->has_sattr &&
	    (p->sattr.flags & RSVP_SATTR_LABEL_REC);

	rsvp_msg_init(m, RSVP_MSG_RESV);
	m->present = RSVP_HAS_SESSION | RSVP_HAS_HOP | RSVP_HAS_TIME |
	    RSVP_HAS_STYLE;
	m->session = b->session;
	m->hop.addr = me;
	m->hop.lih = p->phop.lih;
	m->time.refresh_ms = r->conf.refresh_ms;
	m->style = b->style;
	if (b->has_confirm) {
		m->confirm.receiver = b->confirm;
		m->present |= RSVP_HAS_CONFIRM;
	}
	m->n_fd = 1;
	fd = &m->fd[0];
	fd->has = RSVP_FD_FLOWSPEC | RSVP_FD_FILTER | RSVP_FD_LABEL;
	fd->flowspec = b->flowspec;
	fd->filter = b->filter;
	fd->label.label = b->in_label;
	if (b->has_rro || p->has_rro) {
		if (b->has_rro)
			fd->rro = b->rro;
		else
			fd->rro.n = 0;
		/* RFC 3209 s4.4.3: ours goes first, our label after it */
		if (label_rec)
			(void)rsvp_rro_prepend_label(&fd->rro, b->in_label,
			    RSVP_RRO_GLOBAL_LABEL);
		(void)rsvp_rro_prepend_ipv4(&fd->rro, me, 0);
		fd->has |= RSVP_FD_RRO;
	}
	(void)rio_send(r, m, p->in_port, p->phop.addr, p->phop.addr,
	    RD_SEND_TTL);
}

static void
resv_arm_refresh(struct rsvpd *r, struct rsb *b)
{
	if (timer_set(&r->th, &b->refresh_t, clock_mono_ns() +
	    rd_jitter_ns(r, r->conf.refresh_ms)) == -1)
		log_warnx("reservation state: no memory for its timer");
}

/* Sends b's Resv now and again every R. */
void
resv_announce(struct rsvpd *r, struct rsb *b)
{
	resv_send_up(r, b);
	resv_arm_refresh(r, b);
}

/* What the flow descriptor says besides the reservation itself. */
static void
rsb_learn(struct rsb *b, const struct rsvp_msg *m, unsigned i,
    const struct rsvp_flowspec *fs)
{
	const struct rsvp_flowdesc *fd = &m->fd[i];

	b->style = m->style;
	b->flowspec = *fs;
	b->nhop = m->hop;
	b->in_refresh_ms = m->time.refresh_ms;
	b->has_rro = !!(fd->has & RSVP_FD_RRO);
	if (b->has_rro)
		b->rro = fd->rro;
	b->has_confirm = !!(m->present & RSVP_HAS_CONFIRM);
	if (b->has_confirm)
		b->confirm = m->confirm.receiver;
}

static int
resv_changed(const struct rsb *b, const struct rsvp_msg *m, unsigned i,
    const struct rsvp_flowspec *fs)
{
	const struct rsvp_flowdesc *fd = &m->fd[i];

	return !b->installed || b->out_label != fd->label.label ||
	    !rsvp_flowspec_equal(&b->flowspec, fs) ||
	    b->style.option != m->style.option ||
	    b->nhop.addr.s_addr != m->hop.addr.s_addr ||
	    b->in_refresh_ms != m->time.refresh_ms ||
	    b->has_rro != !!(fd->has & RSVP_FD_RRO) ||
	    (b->has_rro && !rsvp_route_equal(&b->rro, &fd->rro)) ||
	    b->has_confirm != !!(m->present & RSVP_HAS_CONFIRM);
}

void
resv_recv(struct rsvpd *r, const struct rd_rx *rx, const struct rsvp_msg *m)
{
	struct resv_ctx c;
	struct he_lsp *he;
	struct psb *p;
	char buf[96];
	unsigned i;

	if (m->style.option == RSVP_STYLE_WF) {
		/* RFC 3209 LSP tunnels are FF or SE; WF shares one label
		 * among every sender, which a routelet per LSP cannot. */
		resverr_send(r, rx->port, m->hop.addr, m, 0,
		    RSVP_ERR_STYLE_CONFLICT, 0);
		return;
	}
	for (i = 0; i < m->n_fd; i++) {
		c.rx = rx;
		c.m = m;
		c.fd = i;
		c.fs = rsvp_fd_flowspec(m, i);
		session_str(&m->session, &m->fd[i].filter, buf, sizeof(buf));
		if ((he = he_find_session(r, &m->session, &m->fd[i].filter))
		    != NULL) {
			he_resv_recv(r, he, rx, m, i);
			continue;
		}
		p = psb_find(r, &m->session, &m->fd[i].filter);
		if (p == NULL) {
			rd_count(r, RD_C_no_state);
			log_debug("resv %s: no path state", buf);
			resverr_send(r, rx->port, m->hop.addr, m, i,
			    psb_session_known(r, &m->session) ?
			    RSVP_ERR_NO_SENDER : RSVP_ERR_NO_PATH, 0);
			continue;
		}
		if (p->tail || rx->port != p->out_port || c.fs == NULL) {
			rd_count(r, RD_C_wrong_hop);
			log_debug("resv %s: from %s on %s, not its next hop",
			    buf, inet_ntoa(m->hop.addr),
			    r->ifs[rx->port].ifname);
			continue;
		}
		(void)ss_event(r, p, p->rsb == NULL ||
		    resv_changed(p->rsb, m, i, c.fs) ? SS_EV_RESV :
		    SS_EV_RESV_REFRESH, &c);
	}
}

/* reserve: a new or changed Resv from downstream (or, at the tail, our
 * own answer to the Path). */
int
ss_reserve(struct rsvpd *r, struct psb *p, const void *ctx)
{
	const struct resv_ctx *c = ctx;
	const struct rsvp_msg *m;
	struct rsb *b = p->rsb;
	uint32_t out;
	uint16_t value = 0;
	uint8_t code = 0;
	int fresh = 0;

	if (p->tail)
		return tail_reserve(r, p);
	if (c == NULL)
		return 0;
	m = c->m;
	out = m->fd[c->fd].label.label;
	if (out != MPLS_LABEL_IMPLNULL && !mpls_label_sendable(out)) {
		resverr_send(r, c->rx->port, m->hop.addr, m, c->fd,
		    RSVP_ERR_ROUTING, RSVP_ERRV_RP_BAD_LABEL);
		return RD_FAIL(SS_EV_ADMIT_FAIL);
	}
	if (b != NULL && b->installed && b->qos != adm_is_qos(c->fs)) {
		/* best effort <-> QoS: a different kind of LSP altogether */
		resv_release(r, b);
	}
	if (b != NULL && b->installed) {
		if ((b->out_label != out ||
		    !rsvp_flowspec_equal(&b->flowspec, c->fs)) &&
		    resv_modify(r, b, c->fs, out, &code, &value) == -1) {
			resverr_send(r, c->rx->port, m->hop.addr, m, c->fd,
			    code, value);
			return RD_FAIL(SS_EV_ADMIT_FAIL);
		}
	} else {
		if (b == NULL) {
			if ((b = rsb_new(r, p)) == NULL)
				return RD_FAIL(SS_EV_ADMIT_FAIL);
			fresh = 1;
		}
		b->session = p->session;
		b->filter = p->sender;
		if (resv_setup(r, b, c->fs, out, &code, &value) == -1) {
			resverr_send(r, c->rx->port, m->hop.addr, m, c->fd,
			    code, value);
			if (fresh) {
				rsb_free(r, b);
				return RD_FAIL(SS_EV_ADMIT_FAIL);
			}
			/* it was reserved as another kind and is gone */
			return RD_FAIL(SS_EV_RESV_TEAR);
		}
	}
	rsb_learn(b, m, c->fd, c->fs);
	rsb_arm_lifetime(r, b);
	hello_touch(r, p->out_port, b->nhop.addr);
	resv_announce(r, b);
	return 0;
}

int
ss_keep_resv(struct rsvpd *r, struct psb *p, const void *ctx)
{
	(void)ctx;
	if (p->rsb != NULL)
		rsb_arm_lifetime(r, p->rsb);
	return 0;
}

int
ss_send_resv(struct rsvpd *r, struct psb *p, const void *ctx)
{
	(void)ctx;
	if (p->rsb != NULL && p->rsb->installed)
		resv_announce(r, p->rsb);
	return 0;
}

/* ---- ResvConf ------------------------------------------------------------ */

/*
 * A ResvConf goes to the receiver that asked (RESV_CONFIRM), with Router
 * Alert, so each node on the way takes it and sends it on toward the next
 * hop of the sender's path (RFC 2205 s3.1.8).
 */
void
resvconf_recv(struct rsvpd *r, const struct rd_rx *rx,
    const struct rsvp_msg *m)
{
	struct rsvp_msg *o = r->out;
	struct in_addr nh;
	struct rsb *b;
	struct psb *p;
	unsigned port;

	(void)rx;
	if (m->n_fd == 0)
		return;
	if (rio_is_local(r, m->confirm.receiver)) {
		b = rsb_find(r, &m->session, &m->fd[0].filter);
		if (b == NULL || !b->local) {
			rd_count(r, RD_C_no_state);
			return;
		}
		tail_resvconf(r, b, m);
		return;
	}
	p = psb_find(r, &m->session, &m->fd[0].filter);
	if (p != NULL && !p->tail) {
		port = p->out_port;
		nh = p->nhop;
	} else if (route_lookup(r, m->confirm.receiver, &port, &nh) != 0) {
		rd_count(r, RD_C_no_state);
		return;
	}
	memcpy(o, m, sizeof(*o));
	(void)rio_send(r, o, port, nh, m->confirm.receiver, RD_SEND_TTL);
}
