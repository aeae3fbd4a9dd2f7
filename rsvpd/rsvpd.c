/*
 * The RSVP-TE engine's life and the session state machine's driver.  See
 * rsvpd.h for the files and the protocol this daemon speaks.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/socket.h>

#include "clock.h"
#include "log.h"
#include "qstate.h"
#include "quasard.h"
#include "rsvpd.h"

const struct counter_desc rd_ctr_desc[RD_C_COUNT] = {
#define RD_CTR_DESC(n, d)	{ #n, d },
	RD_COUNTERS(RD_CTR_DESC)
#undef RD_CTR_DESC
};

void
rsvpd_conf_init(struct rsvpd_conf *c)
{
	unsigned i;

	memset(c, 0, sizeof(*c));
	c->refresh_ms = RD_DEF_REFRESH_MS;
	c->keep = RD_DEF_KEEP;
	c->hello_ms = RD_DEF_HELLO_MS;
	c->hello_misses = RD_DEF_HELLO_MISSES;
	c->cpu_budget_pct = RD_DEF_CPU_BUDGET;
	c->label_min = RD_DEF_LABEL_MIN;
	c->label_max = RD_DEF_LABEL_MAX;
	for (i = 0; i < ADMIT_MAX_PORTS; i++)
		c->reservable[i] = ADMIT_UNLIMITED;
}

void
rd_count(struct rsvpd *r, enum rd_ctr c)
{
	ctr_add(&r->ctr[c], 1);
}

/* xorshift64*: good enough for jitter and instance numbers. */
uint32_t
rd_random(struct rsvpd *r)
{
	r->rnd ^= r->rnd >> 12;
	r->rnd ^= r->rnd << 25;
	r->rnd ^= r->rnd >> 27;
	return (uint32_t)((r->rnd * 0x2545f4914f6cdd1dull) >> 32);
}

/* A refresh period of ms, jittered to [0.5, 1.5] of it (RFC 2205 s3.7). */
uint64_t
rd_jitter_ns(struct rsvpd *r, uint32_t ms)
{
	return timer_jitter((uint64_t)ms * NSEC_PER_MSEC, rd_random(r));
}

/* The lifetime of state refreshed every refresh_ms by the previous (or
 * next) hop: L = (K + 0.5) * 1.5 * R with our K (RFC 2205 s3.7). */
uint64_t
rd_lifetime_ns(const struct rsvpd *r, uint32_t refresh_ms)
{
	uint32_t R = refresh_ms != 0 ? refresh_ms : r->conf.refresh_ms;

	return timer_lifetime((uint64_t)R * NSEC_PER_MSEC, r->conf.keep);
}

/* ---- the session state machine -------------------------------------- */

typedef int (*ss_action_fn)(struct rsvpd *, struct psb *, const void *);

static const ss_action_fn ss_action[SS_NACTIONS] = {
	[SS_A_NONE] = NULL,
	[SS_A_FWD_PATH] = ss_fwd_path,
	[SS_A_KEEP_PATH] = ss_keep_path,
	[SS_A_RESERVE] = ss_reserve,
	[SS_A_KEEP_RESV] = ss_keep_resv,
	[SS_A_UNRESERVE] = ss_unreserve,
	[SS_A_DELETE] = ss_delete,
	[SS_A_SEND_PATH] = ss_send_path,
	[SS_A_SEND_RESV] = ss_send_resv,
};

/*
 * Runs event ev through fsm_ss for p.  An action returns 0 when it did its
 * job, RD_THEN(e) to go on with event e in the new state, or RD_FAIL(e)
 * when it could not: the transition does not happen and e is run in the
 * state p was in (an admission refusal leaves everything as it was).
 * Returns 1 if p was freed.
 */
int
ss_event(struct rsvpd *r, struct psb *p, enum ss_event ev, const void *ctx)
{
	const struct fsm_row *row;
	char buf[96];
	unsigned depth, from, to;
	int rc;

	for (depth = 0; depth < 4; depth++) {
		from = p->state;
		if ((row = fsm_find(&fsm_ss, from, ev)) == NULL) {
			rd_count(r, RD_C_unexpected);
			log_debug("session %s: %s in state %s unexpected, "
			    "ignored", session_str(&p->session, &p->sender,
			    buf, sizeof(buf)), fsm_event_name(&fsm_ss, ev),
			    fsm_state_name(&fsm_ss, from));
			return 0;
		}
		to = fsm_next(row, from);
		log_debug("session %s: %s: %s -> %s (%s)",
		    session_str(&p->session, &p->sender, buf, sizeof(buf)),
		    fsm_event_name(&fsm_ss, ev), fsm_state_name(&fsm_ss, from),
		    fsm_state_name(&fsm_ss, to),
		    fsm_action_name(&fsm_ss, row->action));
		rc = ss_action[row->action] != NULL ?
		    ss_action[row->action](r, p, ctx) : 0;
		if (rc < 0) {
			ev = (enum ss_event)(-rc - 1);
			ctx = NULL;
			continue;
		}
		p->state = (enum ss_state)to;
		if (to == SS_DEAD) {
			psb_free(r, p);
			return 1;
		}
		if (rc == 0)
			return 0;
		ev = (enum ss_event)(rc - 1);
		ctx = NULL;
	}
	log_warnx("session %s: state machine loops; stopped",
	    session_str(&p->session, &p->sender, buf, sizeof(buf)));
	return 0;
}

/* A routelet LSP of ours lost its routelet for good (lsp.c). */
void
rsvpd_lsp_lost(struct quasard *q, struct lsp *l)
{
	struct rsb *b = l->owner;

	if (q->rsvp == NULL || b == NULL)
		return;
	b->lost = 1;
	/* not from inside the pool's callback: from the main loop */
	if (timer_set(&q->rsvp->th, &b->lost_t, 0) == -1)
		log_warnx("lsp %s: no memory for a timer", l->name);
}

/* ---- life ----------------------------------------------------------- */

/* Removes best-effort entries a previous run left in our label range. */
static void
be_stale(uint32_t label, const struct belfib_entry *e, void *arg)
{
	struct rsvpd *r = arg;

	(void)e;
	if (lalloc_in_range(&r->la, label))
		(void)lalloc_reserve(&r->la, label);
}

static void
be_clean(struct rsvpd *r)
{
	struct qstate_file qf;
	struct belfib fib;
	char err[256];
	uint32_t l, n = 0;

	if (qstate_belfib_open(r->q->statedir, 1, &fib, &qf, err,
	    sizeof(err)) == -1) {
		log_warnx("best-effort table: %s", err);
		return;
	}
	/* mark what is there, then delete the marks: walk, then act */
	belfib_walk(&fib, be_stale, r);
	for (l = r->la.min; l <= r->la.max && r->la.used > 0; l++)
		if (lalloc_used(&r->la, l)) {
			(void)belfib_del(&fib, l);
			(void)lalloc_free(&r->la, l);
			n++;
		}
	belfib_destroy(&fib);
	qstate_file_close(&qf);
	if (n > 0)
		log_info("best-effort table: removed %" PRIu32 " labels of a "
		    "previous run", n);
}

static uint32_t
if_mtu(const char *ifname)
{
	struct ifreq ifr;
	int fd;
	uint32_t mtu = 1500;

	if ((fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		return mtu;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (ioctl(fd, SIOCGIFMTU, &ifr) == 0 && ifr.ifr_mtu > 0)
		mtu = (uint32_t)ifr.ifr_mtu;
	close(fd);
	return mtu;
}

int
rsvpd_init(struct rsvpd *r, struct quasard *q, const struct rsvpd_conf *c,
    char *err, size_t errlen)
{
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned i;
	int rc;

	memset(r, 0, sizeof(*r));
	r->q = q;
	r->conf = *c;
	r->fd = -1;
	TAILQ_INIT(&r->psbs);
	TAILQ_INIT(&r->rsbs);
	TAILQ_INIT(&r->hes);
	TAILQ_INIT(&r->nbrs);
	timer_heap_init(&r->th);
	if (getrandom(&r->rnd, sizeof(r->rnd), 0) != (ssize_t)sizeof(r->rnd))
		r->rnd = clock_mono_ns() ^ (uint64_t)getpid() << 32;
	r->rnd |= 1;
	r->instance_seed = rd_random(r) | 1;
	r->next_tunnel = (uint16_t)(1 + rd_random(r) % 30000);

	if (q->nports > ADMIT_MAX_PORTS) {
		snprintf(err, errlen, "RSVP: at most %d ports",
		    ADMIT_MAX_PORTS);
		return -1;
	}
	r->nifs = q->nports;
	for (i = 0; i < r->nifs; i++) {
		r->ifs[i].ifindex = q->port[i].ifindex;
		snprintf(r->ifs[i].ifname, sizeof(r->ifs[i].ifname), "%s",
		    q->port[i].ifname);
		r->ifs[i].mtu = if_mtu(q->port[i].ifname);
		r->ifs[i].hello = c->hello[i];
	}
	rio_addrs_refresh(r, 1);
	r->router_id = c->router_id;
	for (i = 0; r->router_id.s_addr == 0 && i < r->nifs; i++)
		r->router_id = r->ifs[i].addr;
	if (r->router_id.s_addr == 0) {
		snprintf(err, errlen, "RSVP: no router id (-a) and no port "
		    "has an IPv4 address");
		return -1;
	}
	if ((r->in = calloc(1, sizeof(*r->in))) == NULL ||
	    (r->out = calloc(1, sizeof(*r->out))) == NULL ||
	    (r->buf = malloc(RD_BUF)) == NULL) {
		snprintf(err, errlen, "RSVP: out of memory");
		return -1;
	}

	r->pp_source = RD_PP_CONFIGURED;
	if (c->per_packet_ns == 0)
		adm_calibrate(r);
	if (admit_init(&r->adm, r->nifs, c->cpu_budget_pct,
	    ncpu > 0 ? (unsigned)ncpu : 1, r->conf.per_packet_ns) !=
	    ADMIT_OK) {
		snprintf(err, errlen, "RSVP: CPU budget %u%%: want 0-100",
		    c->cpu_budget_pct);
		return -1;
	}
	for (i = 0; i < r->nifs; i++)
		(void)admit_set_port(&r->adm, i, c->reservable[i]);
	if ((rc = lalloc_init(&r->la, c->label_min, c->label_max)) !=
	    LALLOC_OK) {
		snprintf(err, errlen, "RSVP labels %" PRIu32 ":%" PRIu32
		    ": %s", c->label_min, c->label_max, lalloc_strerror(rc));
		return -1;
	}
	be_clean(r);
	if (nbr_open(r) == -1) {
		snprintf(err, errlen, "RSVP: netlink (neighbours, routes)");
		return -1;
	}
	if (rio_open(r, err, errlen) == -1)
		return -1;
	log_info("RSVP: router id %s, R %" PRIu32 " ms, K %u, labels %"
	    PRIu32 "-%" PRIu32 ", CPU budget %u%% of %u CPUs, %" PRIu32
	    " ns a packet (%s)", inet_ntoa(r->router_id), r->conf.refresh_ms,
	    r->conf.keep, r->la.min, r->la.max, r->adm.cpu_budget_pct,
	    r->adm.ncpus, r->conf.per_packet_ns,
	    adm_pp_source_name(r->pp_source));
	for (i = 0; i < r->nifs; i++)
		if (r->ifs[i].hello)
			log_info("RSVP: Hellos on %s every %u ms, down after "
			    "%u missed", r->ifs[i].ifname, c->hello_ms,
			    c->hello_misses);
	return 0;
}

/* Tears everything down as a stopping router should: PathTear down,
 * ResvTear up, what was reserved given back. */
void
rsvpd_fini(struct rsvpd *r)
{
	struct psb *p;

	if (r->q == NULL)
		return;
	he_flush(r);
	while ((p = TAILQ_FIRST(&r->psbs)) != NULL) {
		if (p->rsb != NULL) {
			if (!p->rsb->local)
				resvtear_send_rsb(r, p->rsb);
			resv_release(r, p->rsb);
		}
		if (!p->tail)
			pathtear_send_psb(r, p);
		psb_free(r, p);
	}
	hello_fini(r);
	rio_close(r);
	nbr_close(r);
	lalloc_fini(&r->la);
	timer_heap_fini(&r->th);
	free(r->in);
	free(r->out);
	free(r->buf);
	r->q = NULL;
}

int
rsvpd_fd(const struct rsvpd *r)
{
	return r->fd;
}

void
rsvpd_dispatch(struct rsvpd *r)
{
	rio_recv(r);
}

void
rsvpd_timers(struct rsvpd *r)
{
	(void)timer_run(&r->th, clock_mono_ns());
}

int
rsvpd_poll_ms(const struct rsvpd *r, int cap_ms)
{
	return timer_poll_ms(&r->th, clock_mono_ns(), cap_ms);
}
