/*
 * Admission control as quasard applies it: TSPEC and FLOWSPEC to the
 * bandwidth and CPU a reservation takes (the arithmetic is src/admit.c),
 * the Path-time check, the ERROR_SPEC values of a refusal, and where the
 * per-packet cost comes from: per-packet-ns (-P) if it is configured, else
 * src/calib.c's measurement of a real routelet at start-up, else (it
 * failed) CALIB_DEFAULT_NS.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "calib.h"
#include "clock.h"
#include "log.h"
#include "quasard.h"
#include "rsvpd.h"

struct admit_flow
adm_flow(const struct rsvp_tspec *t)
{
	struct admit_flow f;

	f.r = t->r;
	f.b = t->b;
	f.p = t->p;
	f.m = t->m;
	f.M = t->M;
	return f;
}

int
adm_tspec_qos(const struct rsvp_tspec *t)
{
	return isfinite(t->r) && t->r > 0;
}

/* QoS: Guaranteed or Controlled-Load with a token rate above zero. */
int
adm_is_qos(const struct rsvp_flowspec *fs)
{
	return (fs->service == RSVP_SVC_GUARANTEED ||
	    fs->service == RSVP_SVC_CL) && adm_tspec_qos(&fs->tspec);
}

void
adm_req(const struct rsvpd *r, unsigned port, const struct rsvp_flowspec *fs,
    struct admit_req *req)
{
	struct admit_flow f = adm_flow(&fs->tspec);

	req->port = port;
	/* RFC 2212 s6: Guaranteed reserves R; RFC 2211: CL its r */
	req->bw = admit_bw(fs->service == RSVP_SVC_GUARANTEED ? fs->R :
	    fs->tspec.r);
	req->cpu_ppm = admit_cpu_ppm(admit_pps(&f), r->adm.per_packet_ns);
}

uint16_t
adm_errvalue(int rc)
{
	return rc == ADMIT_ECPU ? RD_ERRV_ADM_CPU : RD_ERRV_ADM_BW;
}

/*
 * Would a sender with this TSPEC fit on port now?  Nothing is taken: the
 * Resv does that.  ADMIT_OK, or a refusal with its ERROR_SPEC value.
 */
int
adm_path_check(struct rsvpd *r, unsigned port, const struct rsvp_tspec *t,
    uint16_t *value_r)
{
	struct rsvp_flowspec fs;
	struct admit_req req;
	int rc;

	if (t->M > r->ifs[port].mtu) {
		rd_count(r, RD_C_admit_bw);
		*value_r = RD_ERRV_ADM_MTU;
		return ADMIT_EPARAM;
	}
	memset(&fs, 0, sizeof(fs));
	fs.service = RSVP_SVC_CL;
	fs.tspec = *t;
	adm_req(r, port, &fs, &req);
	if ((rc = admit_check(&r->adm, &req)) != ADMIT_OK) {
		rd_count(r, rc == ADMIT_ECPU ? RD_C_admit_cpu : RD_C_admit_bw);
		*value_r = adm_errvalue(rc);
		return rc;
	}
	if (pool_used(&r->q->pool) >= r->q->pool.conf.max) {
		rd_count(r, RD_C_admit_pool);
		*value_r = RD_ERRV_ADM_POOL;
		return ADMIT_EPARAM;
	}
	return ADMIT_OK;
}

const char *
adm_pp_source_name(enum rd_pp_source src)
{
	switch (src) {
	case RD_PP_CONFIGURED:	return "configured";
	case RD_PP_MEASURED:	return "measured";
	case RD_PP_DEFAULT:	return "default";
	}
	return "?";
}

void
adm_calibrate(struct rsvpd *r)
{
	struct calib_res *c = &r->calib;

	if (calib_run(&r->q->be, r->q->nports, c) == 0) {
		r->pp_source = RD_PP_MEASURED;
		r->conf.per_packet_ns = c->per_frame_ns;
		log_info("calibration: %" PRIu32 " ns a frame through a "
		    "routelet (median of %u rounds, %" PRIu32 "-%" PRIu32
		    "; %u of %u frames back at %u/s; took %" PRIu64 " ms)",
		    c->per_frame_ns, CALIB_ROUNDS, c->min_ns, c->max_ns,
		    c->back, c->sent, c->rate, c->took_ns / NSEC_PER_MSEC);
		return;
	}
	r->pp_source = RD_PP_DEFAULT;
	r->conf.per_packet_ns = CALIB_DEFAULT_NS;
	log_warnx("calibration failed: %s; assuming %u ns a packet (set "
	    "per-packet-ns to choose)", c->why, CALIB_DEFAULT_NS);
}
