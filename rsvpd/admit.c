/*
 * Admission control as quasard applies it: TSPEC and FLOWSPEC to the
 * bandwidth and CPU a reservation takes (the arithmetic is src/admit.c),
 * the Path-time check, the ERROR_SPEC values of a refusal, and the
 * per-packet cost measured at start-up.
 *
 * Calibration times the routelet engine's own stages on this CPU: strip,
 * swap (mplsop.h's one-word swap), encap and a token-bucket take, inline
 * from routelet/'s headers over bursts of RL_BURST frames, the median of
 * CALIB_ROUNDS rounds.  It is the engine's work per frame without its
 * sockets: an AF_PACKET receive and send cost more than the stages, and an
 * operator who has measured the whole routelet (make bench) sets the
 * figure with -P instead.  (Linking quasard with librouteletengine.a would
 * let it time rl_engine_rx_burst/tx_burst themselves: see the Makefile
 * note in the report of issue 4.)
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "encap.h"
#include "engine.h"
#include "log.h"
#include "mplsop.h"
#include "pkt.h"
#include "quasard.h"
#include "rsvpd.h"
#include "strip.h"
#include "tbf.h"

#define CALIB_ROUNDS	7
#define CALIB_BURSTS	2048
#define CALIB_FRAME	100

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

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* A 100-byte MPLS frame: Ethernet, label 1000 TTL 64, IPv4/UDP. */
static size_t
calib_frame(uint8_t *f)
{
	static const uint8_t dst[6] = { 0x02, 0x51, 0, 0, 0, 1 };
	static const uint8_t src[6] = { 0x02, 0x51, 0, 0, 0, 2 };
	struct mpls_lse e = { .label = 1000, .tc = 0, .bos = 1, .ttl = 64 };
	uint8_t *ip = f + ETHER_HDR_LEN + MPLS_LSE_LEN;

	memset(f, 0, CALIB_FRAME);
	ether_write(f, dst, src, ETHERTYPE_MPLS);
	mpls_lse_encode(f + ETHER_HDR_LEN, &e);
	ip[0] = 0x45;
	ip[3] = CALIB_FRAME - ETHER_HDR_LEN - MPLS_LSE_LEN;
	ip[8] = 64;
	ip[9] = 17;
	return CALIB_FRAME;
}

uint32_t
adm_calibrate(uint64_t *took_ns)
{
	struct pkt_pool pool;
	struct pkt *pk[RL_BURST];
	struct rlconf c;
	struct tbf tb;
	uint8_t frame[CALIB_FRAME];
	uint64_t t0 = clock_mono_ns(), t, ns[CALIB_ROUNDS], sink = 0;
	size_t len = calib_frame(frame);
	unsigned round, b, i, rc;
	uint32_t per;

	rlconf_init(&c);
	c.op = RL_OP_SWAP;
	c.in_label = 1000;
	c.out_labels[0] = 2000;
	c.n_out = 1;
	memcpy(c.nh_mac, frame, 6);
	memcpy(c.src_mac, frame + 6, 6);
	if (pkt_pool_init(&pool, RL_BURST) == -1 ||
	    tbf_init(&tb, 0, 0, 0) == -1) {
		log_warnx("calibration: no memory; assuming 1000 ns a packet");
		return 1000;
	}
	for (i = 0; i < RL_BURST; i++)
		pk[i] = pkt_pool_get(&pool);
	for (round = 0; round < CALIB_ROUNDS; round++) {
		t = clock_mono_ns();
		for (b = 0; b < CALIB_BURSTS; b++) {
			for (i = 0; i < RL_BURST; i++) {
				pkt_reset(pk[i]);
				(void)pkt_load(pk[i], frame, len);
				rc = rl_strip_inline(pk[i]);
				if (rc == RL_PASS)
					rc = rl_mpls_inline(&c, pk[i]);
				if (rc == RL_PASS)
					rc = rl_encap_inline(&c, pk[i]);
				if (rc == RL_PASS)
					rc = (unsigned)tbf_take(&tb,
					    pk[i]->len, t);
				sink += rc + pk[i]->data[ETHER_HDR_LEN + 1];
			}
		}
		ns[round] = clock_mono_ns() - t;
	}
	for (i = 0; i < RL_BURST; i++)
		pkt_pool_put(&pool, pk[i]);
	pkt_pool_destroy(&pool);
	qsort(ns, CALIB_ROUNDS, sizeof(ns[0]), cmp_u64);
	per = (uint32_t)((ns[CALIB_ROUNDS / 2] + (uint64_t)CALIB_BURSTS *
	    RL_BURST - 1) / ((uint64_t)CALIB_BURSTS * RL_BURST));
	if (per == 0)
		per = 1;
	*took_ns = clock_mono_ns() - t0;
	log_debug("calibration: %" PRIu32 " ns a packet (check %" PRIu64
	    ")", per, sink & 1);
	return per;
}
