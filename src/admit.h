/*
 * Admission control arithmetic: does a reservation fit this router?
 *
 * Two resources are reserved for a QoS LSP:
 *
 *   bandwidth  bytes/s on its outgoing port, against the port's
 *              reservable bandwidth.  Controlled-Load reserves the token
 *              rate r (RFC 2211 s5); Guaranteed the rate R of its RSpec
 *              (RFC 2212 s6).
 *   CPU        a share of the CPUs that run routelets, in parts per
 *              million of one CPU (ppm), against a budget of
 *              budget_pct percent of all online CPUs.  A flow's share is
 *              its worst-case packet rate times the per-packet cost this
 *              machine measured at start-up: the QuaSAR paper's footnote 2
 *              mapped flowspecs to CPU statically; we calibrate it.
 *
 * The worst-case packet rate of a token bucket (r, b, p, m, M) is its
 * peak rate in packets of the minimum policed unit: p / m.  A peak of
 * +infinity (RFC 2210 allows it) or one below r is taken as r, the
 * rate the flow is policed to over any interval long enough to matter to
 * a CPU share; m below 20 (no IPv4 packet is shorter) counts as 20.
 *
 * Everything is integer arithmetic on the caller's numbers; nothing here
 * reads a clock or a device, so the tests check it exactly.  A request
 * either fits and is taken whole, or is refused and changes nothing.
 */
#ifndef Q_ADMIT_H
#define Q_ADMIT_H

#include <stdint.h>

#define ADMIT_MAX_PORTS		8
#define ADMIT_UNLIMITED		UINT64_MAX	/* a port's reservable */
#define ADMIT_MIN_UNIT		20		/* bytes: smallest m counted */
#define ADMIT_PPM_PER_CPU	1000000u
/* Bytes a frame carries beyond the IP bytes a flowspec counts: an
 * Ethernet header and one label stack entry. */
#define ADMIT_FRAME_OVERHEAD	18u

enum admit_rc {
	ADMIT_OK = 0,
	ADMIT_EBW = -1,		/* the port's reservable bandwidth */
	ADMIT_ECPU = -2,	/* the CPU budget */
	ADMIT_EPORT = -3,	/* no such port */
	ADMIT_EPARAM = -4,	/* a value that makes no sense */
};

/* A token bucket in flowspec units (bytes, bytes/s); p may be +inf. */
struct admit_flow {
	double		r, b, p;
	uint32_t	m, M;
};

/* What one reservation takes. */
struct admit_req {
	unsigned	port;
	uint64_t	bw;		/* bytes/s */
	uint64_t	cpu_ppm;	/* millionths of one CPU */
};

struct admit_port {
	uint64_t	reservable;	/* bytes/s, or ADMIT_UNLIMITED */
	uint64_t	reserved;
	unsigned	nresv;
};

struct admit {
	unsigned	 nports;
	struct admit_port port[ADMIT_MAX_PORTS];
	uint64_t	 cpu_budget_ppm;
	uint64_t	 cpu_used_ppm;
	unsigned	 cpu_budget_pct;
	unsigned	 ncpus;
	uint32_t	 per_packet_ns;
};

/* budget_pct of ncpus CPUs; every port unlimited until set. */
int		 admit_init(struct admit *a, unsigned nports,
		    unsigned budget_pct, unsigned ncpus,
		    uint32_t per_packet_ns);
int		 admit_set_port(struct admit *a, unsigned port,
		    uint64_t reservable);

/* Worst-case packets/s of a flow (see above), rounded up. */
uint64_t	 admit_pps(const struct admit_flow *f);
/* Its CPU share at per_packet_ns, ppm of one CPU, rounded up. */
uint64_t	 admit_cpu_ppm(uint64_t pps, uint32_t per_packet_ns);
/* The bandwidth a rate reserves: a float rate to whole bytes/s, rounded
 * up; +inf, NaN or negative give UINT64_MAX (never fits). */
uint64_t	 admit_bw(double rate);

/* 0 if req fits now, else which resource is short.  Changes nothing. */
int		 admit_check(const struct admit *a,
		    const struct admit_req *req);
/* Checks and takes req; on refusal nothing is taken. */
int		 admit_take(struct admit *a, const struct admit_req *req);
void		 admit_release(struct admit *a, const struct admit_req *req);
/* Replaces old (taken) by new as one step: if new does not fit with old
 * given back, old stays taken and the refusal is returned. */
int		 admit_change(struct admit *a, const struct admit_req *old,
		    const struct admit_req *new_req);

/*
 * A routelet's shaping for a reservation of rate bytes/s and bucket b
 * bytes, in frame bytes (the VIF counts Ethernet and label too): packets
 * of m bytes carry ADMIT_FRAME_OVERHEAD more each.  The bucket holds at
 * least one frame of M bytes.
 */
void		 admit_vif_shape(uint64_t rate, double b, uint32_t m,
		    uint32_t M, uint64_t *rate_r, uint64_t *burst_r);

/*
 * A routelet's CPU settings for a share: weight proportional to it (100
 * for 1% of a CPU, as a default domain has; 10 to 10000), and a cap of
 * twice the share, at least 5% and at most 100% of one CPU, so a routelet
 * is held near its share yet never starved into queueing delay.
 */
void		 admit_cpu_params(uint64_t cpu_ppm, uint32_t *weight_r,
		    uint32_t *cap_pct_r);

const char	*admit_strerror(int rc);

#endif
