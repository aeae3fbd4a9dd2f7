/*
 * Admission control arithmetic: see admit.h.
 */
#include <math.h>

#include "admit.h"

int
admit_init(struct admit *a, unsigned nports, unsigned budget_pct,
    unsigned ncpus, uint32_t per_packet_ns)
{
	unsigned i;

	if (nports > ADMIT_MAX_PORTS || budget_pct > 100 || ncpus == 0)
		return ADMIT_EPARAM;
	a->nports = nports;
	for (i = 0; i < ADMIT_MAX_PORTS; i++) {
		a->port[i].reservable = ADMIT_UNLIMITED;
		a->port[i].reserved = 0;
		a->port[i].nresv = 0;
	}
	a->cpu_budget_pct = budget_pct;
	a->ncpus = ncpus;
	a->cpu_budget_ppm = (uint64_t)budget_pct * ncpus *
	    (ADMIT_PPM_PER_CPU / 100);
	a->cpu_used_ppm = 0;
	a->per_packet_ns = per_packet_ns;
	return ADMIT_OK;
}

int
admit_set_port(struct admit *a, unsigned port, uint64_t reservable)
{
	if (port >= a->nports)
		return ADMIT_EPORT;
	a->port[port].reservable = reservable;
	return ADMIT_OK;
}

/*
 * ceil() of a non-negative double as an integer, saturating: no libm, as
 * quasard and the tests do not link it.
 */
static uint64_t
ceil_u64(double v)
{
	uint64_t u;

	if (!(v >= 0))
		return 0;
	if (v >= 18446744073709549568.0)	/* the last double below 2^64 */
		return UINT64_MAX;
	u = (uint64_t)v;
	return (double)u < v ? u + 1 : u;
}

/* A finite, non-negative rate as a double; anything else is -1. */
static double
rate_ok(double v)
{
	return isfinite(v) && v >= 0 ? v : -1;
}

uint64_t
admit_pps(const struct admit_flow *f)
{
	double r = rate_ok(f->r), p = rate_ok(f->p), rate, pps;
	uint32_t m = f->m < ADMIT_MIN_UNIT ? ADMIT_MIN_UNIT : f->m;

	if (r < 0)
		return UINT64_MAX;
	rate = p >= r ? p : r;		/* +inf or p < r: r */
	pps = rate / m;
	return ceil_u64(pps);
}

uint64_t
admit_cpu_ppm(uint64_t pps, uint32_t per_packet_ns)
{
	/* ppm = pps * ns * 1e-9 * 1e6 = pps * ns / 1000, rounded up. */
	if (per_packet_ns != 0 && pps > (UINT64_MAX - 999) / per_packet_ns)
		return UINT64_MAX;
	return (pps * per_packet_ns + 999) / 1000;
}

uint64_t
admit_bw(double rate)
{
	if (rate_ok(rate) < 0)
		return UINT64_MAX;
	return ceil_u64(rate);
}

/* a + b <= cap, with no overflow. */
static int
fits(uint64_t used, uint64_t add, uint64_t cap)
{
	if (cap == ADMIT_UNLIMITED)
		return add != UINT64_MAX;
	return used <= cap && add <= cap - used;
}

int
admit_check(const struct admit *a, const struct admit_req *req)
{
	if (req->port >= a->nports)
		return ADMIT_EPORT;
	if (!fits(a->port[req->port].reserved, req->bw,
	    a->port[req->port].reservable))
		return ADMIT_EBW;
	if (!fits(a->cpu_used_ppm, req->cpu_ppm, a->cpu_budget_ppm))
		return ADMIT_ECPU;
	return ADMIT_OK;
}

int
admit_take(struct admit *a, const struct admit_req *req)
{
	int rc;

	if ((rc = admit_check(a, req)) != ADMIT_OK)
		return rc;
	a->port[req->port].reserved += req->bw;
	a->port[req->port].nresv++;
	a->cpu_used_ppm += req->cpu_ppm;
	return ADMIT_OK;
}

void
admit_release(struct admit *a, const struct admit_req *req)
{
	struct admit_port *p;

	if (req->port >= a->nports)
		return;
	p = &a->port[req->port];
	p->reserved = p->reserved >= req->bw ? p->reserved - req->bw : 0;
	if (p->nresv > 0)
		p->nresv--;
	a->cpu_used_ppm = a->cpu_used_ppm >= req->cpu_ppm ?
	    a->cpu_used_ppm - req->cpu_ppm : 0;
}

int
admit_change(struct admit *a, const struct admit_req *old,
    const struct admit_req *new_req)
{
	int rc;

	admit_release(a, old);
	if ((rc = admit_take(a, new_req)) != ADMIT_OK) {
		/* old fitted before and nothing else changed: it fits again */
		(void)admit_take(a, old);
		return rc;
	}
	return ADMIT_OK;
}

void
admit_vif_shape(uint64_t rate, double b, uint32_t m, uint32_t M,
    uint64_t *rate_r, uint64_t *burst_r)
{
	uint64_t unit = m < ADMIT_MIN_UNIT ? ADMIT_MIN_UNIT : m;
	uint64_t burst, minb = (uint64_t)M + ADMIT_FRAME_OVERHEAD;
	double bb = isfinite(b) && b > 0 ? b : 0;

	/* rate * (m + 18) / m, rounded up, saturating */
	if (rate > UINT64_MAX / (unit + ADMIT_FRAME_OVERHEAD))
		*rate_r = UINT64_MAX;
	else
		*rate_r = (rate * (unit + ADMIT_FRAME_OVERHEAD) + unit - 1) /
		    unit;
	burst = ceil_u64(bb * (double)(unit + ADMIT_FRAME_OVERHEAD) /
	    (double)unit);
	if (burst < minb)
		burst = minb;
	*burst_r = burst;
}

void
admit_cpu_params(uint64_t cpu_ppm, uint32_t *weight_r, uint32_t *cap_pct_r)
{
	uint64_t w = cpu_ppm / 100, cap;

	*weight_r = (uint32_t)(w < 10 ? 10 : w > 10000 ? 10000 : w);
	/* twice the share, in whole percent, rounded up */
	cap = cpu_ppm > UINT64_MAX / 2 ? UINT64_MAX :
	    (2 * cpu_ppm + 9999) / 10000;
	*cap_pct_r = (uint32_t)(cap < 5 ? 5 : cap > 100 ? 100 : cap);
}

const char *
admit_strerror(int rc)
{
	switch (rc) {
	case ADMIT_OK:		return "fits";
	case ADMIT_EBW:		return "requested bandwidth unavailable on "
				    "the outgoing port";
	case ADMIT_ECPU:	return "CPU budget exhausted";
	case ADMIT_EPORT:	return "no such port";
	case ADMIT_EPARAM:	return "bad parameter";
	}
	return "unknown";
}
