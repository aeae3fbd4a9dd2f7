/*
 * The IntServ objects, c-type 2, in RFC 2210's layout: SENDER_TSPEC
 * (s3.1), FLOWSPEC for Controlled-Load and Guaranteed service (s3.2) and
 * ADSPEC (s3.3), with the parameters of RFC 2215 (general), RFC 2211
 * (Controlled-Load) and RFC 2212 (Guaranteed).
 *
 * Every body starts with a message header, then per-service fragments,
 * each a service header and parameters, each with a parameter header:
 *
 * | Vers (0) | reserved (12 bits) | overall length (words - 1)  |
 * | Service #   |B| reserved    | service data length (words) |
 * | Param ID    | Param flags   | param data length (words)   |
 *
 * Lengths are in 32-bit words and never count their own header word.
 * B is the ADSPEC break bit (a hop on the path lacks the service).
 *
 * The Tspec and the flowspecs are decoded strictly: RFC 2210 gives them
 * one layout with fixed lengths, and a flowspec we cannot read exactly
 * is one we cannot admit.  The ADSPEC is open-ended, so unknown parts of
 * it are carried through as raw bytes.
 */
#include <math.h>

#include "rsvp.h"

static int
float_eq(float a, float b)
{
	return memcmp(&a, &b, sizeof(a)) == 0;
}

/* The token bucket parameter (127) and its five words. */
static void
tb_get(struct rsvp_rd *r, struct rsvp_tspec *t)
{
	t->r = rsvp_getf(r);
	t->b = rsvp_getf(r);
	t->p = rsvp_getf(r);
	t->m = rsvp_get32(r);
	t->M = rsvp_get32(r);
}

static void
tb_put(struct rsvp_wr *w, const struct rsvp_tspec *t)
{
	rsvp_put8(w, RSVP_PARAM_TOKEN_BUCKET);
	rsvp_put8(w, 0);
	rsvp_put16(w, 5);
	rsvp_putf(w, t->r);
	rsvp_putf(w, t->b);
	rsvp_putf(w, t->p);
	rsvp_put32(w, t->m);
	rsvp_put32(w, t->M);
}

/* A message header (version 0, overall length); the length is checked. */
static int
msghdr_get(struct rsvp_rd *r, size_t blen)
{
	uint8_t vers = rsvp_get8(r) >> 4;
	uint16_t words;

	(void)rsvp_get8(r);
	words = rsvp_get16(r);
	return !r->bad && vers == 0 && ((size_t)words + 1) * 4 == blen;
}

/* A service or parameter header: number, flags byte, length in words. */
static void
hdr_get(struct rsvp_rd *r, uint8_t *num, uint8_t *flags, uint16_t *words)
{
	*num = rsvp_get8(r);
	*flags = rsvp_get8(r);
	*words = rsvp_get16(r);
}

static void
hdr_put(struct rsvp_wr *w, uint8_t num, uint8_t flags, uint16_t words)
{
	rsvp_put8(w, num);
	rsvp_put8(w, flags);
	rsvp_put16(w, words);
}

/* ---- SENDER_TSPEC (RFC 2210 s3.1) ----------------------------------------
 * | 0 | reserved          | 7                         |
 * | 1 |0| reserved        | 6                         |
 * | 127         | 0       | 5                         |
 * | r | b | p (floats) | m | M (integers)             |
 */
enum rsvp_reason
rsvp_tspec_get(const uint8_t *b, size_t blen, struct rsvp_tspec *t)
{
	struct rsvp_rd r;
	uint8_t svc, pid, flags;
	uint16_t slen, plen;

	memset(t, 0, sizeof(*t));
	if (blen != 32)
		return RSVP_R_bad_tspec;
	rsvp_rd_init(&r, b, blen);
	if (!msghdr_get(&r, blen))
		return RSVP_R_bad_tspec;
	hdr_get(&r, &svc, &flags, &slen);
	hdr_get(&r, &pid, &flags, &plen);
	if (svc != RSVP_SVC_GENERAL || slen != 6 ||
	    pid != RSVP_PARAM_TOKEN_BUCKET || plen != 5)
		return RSVP_R_bad_tspec;
	tb_get(&r, t);
	return r.bad ? RSVP_R_bad_tspec : RSVP_R_ok;
}

enum rsvp_reason
rsvp_tspec_put(struct rsvp_wr *w, const struct rsvp_tspec *t)
{
	rsvp_put32(w, 7);			/* version 0, 7 words */
	hdr_put(w, RSVP_SVC_GENERAL, 0, 6);
	tb_put(w, t);
	return w->overflow ? RSVP_R_no_space : RSVP_R_ok;
}

int
rsvp_tspec_equal(const struct rsvp_tspec *a, const struct rsvp_tspec *b)
{
	return float_eq(a->r, b->r) && float_eq(a->b, b->b) &&
	    float_eq(a->p, b->p) && a->m == b->m && a->M == b->M;
}

int
rsvp_tspec_sane(const struct rsvp_tspec *t)
{
	if (!isfinite(t->r) || t->r < 0 || !isfinite(t->b) || t->b < 0)
		return -1;
	/* NaN fails every comparison, so it fails here too. */
	if (!(t->p >= t->r))
		return -1;
	if (t->m > t->M)
		return -1;
	return 0;
}

/* ---- FLOWSPEC (RFC 2210 s3.2) --------------------------------------------
 * Controlled-Load:               Guaranteed:
 * | 0 | reserved | 7  |          | 0 | reserved | 10 |
 * | 5 |0| reserved | 6 |         | 2 |0| reserved | 9 |
 * | 127 | 0 | 5        |         | 127 | 0 | 5        |
 * | r b p m M          |         | r b p m M          |
 *                                | 130 | 0 | 2        |
 *                                | R (float)          |
 *                                | S (integer, us)    |
 */
enum rsvp_reason
rsvp_flowspec_get(const uint8_t *b, size_t blen, struct rsvp_flowspec *f)
{
	struct rsvp_rd r;
	uint8_t pid, flags;
	uint16_t slen, plen;

	memset(f, 0, sizeof(*f));
	rsvp_rd_init(&r, b, blen);
	if (!msghdr_get(&r, blen))
		return RSVP_R_bad_flowspec;
	hdr_get(&r, &f->service, &flags, &slen);
	if (r.bad)
		return RSVP_R_bad_flowspec;
	if (f->service != RSVP_SVC_CL && f->service != RSVP_SVC_GUARANTEED)
		return RSVP_R_bad_service;
	hdr_get(&r, &pid, &flags, &plen);
	if (pid != RSVP_PARAM_TOKEN_BUCKET || plen != 5)
		return RSVP_R_bad_flowspec;
	if (f->service == RSVP_SVC_CL) {
		if (blen != 32 || slen != 6)
			return RSVP_R_bad_flowspec;
		tb_get(&r, &f->tspec);
	} else {
		if (blen != 44 || slen != 9)
			return RSVP_R_bad_flowspec;
		tb_get(&r, &f->tspec);
		hdr_get(&r, &pid, &flags, &plen);
		if (pid != RSVP_PARAM_GS_RSPEC || plen != 2)
			return RSVP_R_bad_flowspec;
		f->R = rsvp_getf(&r);
		f->S = rsvp_get32(&r);
	}
	return r.bad ? RSVP_R_bad_flowspec : RSVP_R_ok;
}

enum rsvp_reason
rsvp_flowspec_put(struct rsvp_wr *w, const struct rsvp_flowspec *f)
{
	if (f->service == RSVP_SVC_CL) {
		rsvp_put32(w, 7);
		hdr_put(w, RSVP_SVC_CL, 0, 6);
		tb_put(w, &f->tspec);
	} else if (f->service == RSVP_SVC_GUARANTEED) {
		rsvp_put32(w, 10);
		hdr_put(w, RSVP_SVC_GUARANTEED, 0, 9);
		tb_put(w, &f->tspec);
		hdr_put(w, RSVP_PARAM_GS_RSPEC, 0, 2);
		rsvp_putf(w, f->R);
		rsvp_put32(w, f->S);
	} else
		return RSVP_R_bad_service;
	return w->overflow ? RSVP_R_no_space : RSVP_R_ok;
}

int
rsvp_flowspec_equal(const struct rsvp_flowspec *a,
    const struct rsvp_flowspec *b)
{
	if (a->service != b->service || !rsvp_tspec_equal(&a->tspec, &b->tspec))
		return 0;
	return a->service != RSVP_SVC_GUARANTEED ||
	    (float_eq(a->R, b->R) && a->S == b->S);
}

/* ---- ADSPEC (RFC 2210 s3.3) ----------------------------------------------
 * | 0 | reserved | overall length           |
 * | 1 |B| reserved | 8                      |  general parameters
 * | 4   | flags | 1 | IS hop count          |
 * | 6   | flags | 1 | path bandwidth (float)|
 * | 8   | flags | 1 | minimum latency (us)  |
 * | 10  | flags | 1 | composed MTU          |
 * | 2 |B| reserved | 8                      |  Guaranteed (optional)
 * | 133 .. 136, one word each: Ctot Dtot Csum Dsum
 * | 5 |B| reserved | 0                      |  Controlled-Load (optional)
 */

/* Appends n raw bytes to one of the ADSPEC's opaque buffers. */
static int
raw_add(uint8_t *buf, uint16_t *len, const uint8_t *p, size_t n)
{
	if (n > (size_t)RSVP_ADSPEC_RAW_MAX - *len)
		return -1;
	memcpy(buf + *len, p, n);
	*len = (uint16_t)(*len + n);
	return 0;
}

/*
 * Known one-word parameters of a fragment: ids[i] lands in vals[i] with
 * bit i of *has.  Parameters with flags, a longer body, an id we do not
 * know, or a second copy go to the fragment's raw bytes.
 */
static enum rsvp_reason
params_get(const uint8_t *p, size_t len, const uint8_t *ids,
    uint32_t **vals, unsigned nids, uint8_t *has, uint8_t *raw,
    uint16_t *raw_len)
{
	struct rsvp_rd r;
	uint8_t id, flags;
	uint16_t words;
	size_t plen;
	unsigned i;

	rsvp_rd_init(&r, p, len);
	while (rsvp_rd_left(&r) > 0) {
		const uint8_t *start = r.p + r.off;

		hdr_get(&r, &id, &flags, &words);
		plen = 4 + (size_t)words * 4;
		if (r.bad || plen - 4 > rsvp_rd_left(&r))
			return RSVP_R_bad_adspec;
		for (i = 0; i < nids; i++)
			if (ids[i] == id)
				break;
		if (i < nids && flags == 0 && words == 1 &&
		    !(*has & (1u << i))) {
			*vals[i] = rsvp_get32(&r);
			*has |= (uint8_t)(1u << i);
			continue;
		}
		(void)rsvp_rd_take(&r, plen - 4);
		if (raw_add(raw, raw_len, start, plen) != 0)
			return RSVP_R_adspec_full;
	}
	return RSVP_R_ok;
}

static const uint8_t gen_ids[4] = {
	RSVP_PARAM_IS_HOPS, RSVP_PARAM_PATH_BW, RSVP_PARAM_MIN_LATENCY,
	RSVP_PARAM_PATH_MTU,
};
static const uint8_t gs_ids[4] = {
	RSVP_PARAM_GS_CTOT, RSVP_PARAM_GS_DTOT, RSVP_PARAM_GS_CSUM,
	RSVP_PARAM_GS_DSUM,
};

enum rsvp_reason
rsvp_adspec_get(const uint8_t *b, size_t blen, struct rsvp_adspec *a)
{
	struct rsvp_rd r;
	uint8_t svc, flags;
	uint16_t words;
	size_t flen;
	uint32_t bw_bits = 0;
	uint8_t cl_has = 0;
	uint32_t *gen_vals[4] = { &a->hops, &bw_bits, &a->min_latency,
	    &a->mtu };
	uint32_t *gs_vals[4] = { &a->ctot, &a->dtot, &a->csum, &a->dsum };
	enum rsvp_reason res = RSVP_R_ok;

	memset(a, 0, sizeof(*a));
	rsvp_rd_init(&r, b, blen);
	if (!msghdr_get(&r, blen))
		return RSVP_R_bad_adspec;
	while (res == RSVP_R_ok && rsvp_rd_left(&r) > 0) {
		const uint8_t *start = r.p + r.off;
		const uint8_t *body;

		hdr_get(&r, &svc, &flags, &words);
		flen = (size_t)words * 4;
		body = rsvp_rd_take(&r, flen);
		if (body == NULL)
			return RSVP_R_bad_adspec;
		if (svc == RSVP_SVC_GENERAL) {
			if (a->gen_present)
				return RSVP_R_bad_adspec;
			a->gen_present = 1;
			a->gen_break = flags >> 7;
			res = params_get(body, flen, gen_ids, gen_vals, 4,
			    &a->gen_has, a->gen_extra, &a->gen_extra_len);
		} else if (svc == RSVP_SVC_GUARANTEED) {
			if (a->gs_present)
				return RSVP_R_bad_adspec;
			a->gs_present = 1;
			a->gs_break = flags >> 7;
			res = params_get(body, flen, gs_ids, gs_vals, 4,
			    &a->gs_has, a->gs_extra, &a->gs_extra_len);
		} else if (svc == RSVP_SVC_CL) {
			if (a->cl_present)
				return RSVP_R_bad_adspec;
			a->cl_present = 1;
			a->cl_break = flags >> 7;
			/* No parameter is CL's own; keep them all. */
			res = params_get(body, flen, NULL, NULL, 0,
			    &cl_has, a->cl_extra, &a->cl_extra_len);
		} else if (raw_add(a->other, &a->other_len, start,
		    4 + flen) != 0)
			res = RSVP_R_adspec_full;
	}
	memcpy(&a->bw, &bw_bits, sizeof(a->bw));
	return res;
}

/* Whether raw holds whole parameters (or whole fragments) end to end. */
static int
raw_tiles(const uint8_t *raw, size_t len, int fragments)
{
	size_t off = 0, n;

	if (len % 4 != 0 || len > RSVP_ADSPEC_RAW_MAX)
		return 0;
	while (off < len) {
		n = 4 + ((size_t)raw[off + 2] << 8 | raw[off + 3]) * 4;
		if (n > len - off)
			return 0;
		/* A general, GS or CL fragment in other[] would decode
		 * as that service, not come back as raw bytes. */
		if (fragments && (raw[off] == RSVP_SVC_GENERAL ||
		    raw[off] == RSVP_SVC_GUARANTEED || raw[off] == RSVP_SVC_CL))
			return 0;
		off += n;
	}
	return 1;
}

static unsigned
popcount4(uint8_t has)
{
	return (has & 1) + (has >> 1 & 1) + (has >> 2 & 1) + (has >> 3 & 1);
}

static void
params_put(struct rsvp_wr *w, const uint8_t *ids, const uint32_t *vals,
    uint8_t has, const uint8_t *raw, uint16_t raw_len)
{
	unsigned i;

	for (i = 0; i < 4; i++) {
		if (!(has & (1u << i)))
			continue;
		hdr_put(w, ids[i], 0, 1);
		rsvp_put32(w, vals[i]);
	}
	rsvp_putn(w, raw, raw_len);
}

enum rsvp_reason
rsvp_adspec_put(struct rsvp_wr *w, const struct rsvp_adspec *a)
{
	size_t start = w->len;
	uint32_t bw_bits, gen_vals[4], gs_vals[4];

	if (a->gen_break > 1 || a->gs_break > 1 || a->cl_break > 1 ||
	    a->gen_has > 15 || a->gs_has > 15 ||
	    !raw_tiles(a->gen_extra, a->gen_extra_len, 0) ||
	    !raw_tiles(a->gs_extra, a->gs_extra_len, 0) ||
	    !raw_tiles(a->cl_extra, a->cl_extra_len, 0) ||
	    !raw_tiles(a->other, a->other_len, 1))
		return RSVP_R_bad_value;
	memcpy(&bw_bits, &a->bw, sizeof(bw_bits));
	gen_vals[0] = a->hops;
	gen_vals[1] = bw_bits;
	gen_vals[2] = a->min_latency;
	gen_vals[3] = a->mtu;
	gs_vals[0] = a->ctot;
	gs_vals[1] = a->dtot;
	gs_vals[2] = a->csum;
	gs_vals[3] = a->dsum;

	rsvp_put32(w, 0);			/* length filled in below */
	if (a->gen_present) {
		hdr_put(w, RSVP_SVC_GENERAL, (uint8_t)(a->gen_break << 7),
		    (uint16_t)(popcount4(a->gen_has) * 2 +
		    a->gen_extra_len / 4));
		params_put(w, gen_ids, gen_vals, a->gen_has, a->gen_extra,
		    a->gen_extra_len);
	}
	if (a->gs_present) {
		hdr_put(w, RSVP_SVC_GUARANTEED, (uint8_t)(a->gs_break << 7),
		    (uint16_t)(popcount4(a->gs_has) * 2 +
		    a->gs_extra_len / 4));
		params_put(w, gs_ids, gs_vals, a->gs_has, a->gs_extra,
		    a->gs_extra_len);
	}
	if (a->cl_present) {
		hdr_put(w, RSVP_SVC_CL, (uint8_t)(a->cl_break << 7),
		    (uint16_t)(a->cl_extra_len / 4));
		rsvp_putn(w, a->cl_extra, a->cl_extra_len);
	}
	rsvp_putn(w, a->other, a->other_len);
	if (w->overflow)
		return RSVP_R_no_space;
	rsvp_wr_set16(w, start + 2, (uint16_t)((w->len - start) / 4 - 1));
	return RSVP_R_ok;
}

int
rsvp_adspec_equal(const struct rsvp_adspec *a, const struct rsvp_adspec *b)
{
	if (a->gen_present != b->gen_present || a->gs_present != b->gs_present ||
	    a->cl_present != b->cl_present || a->other_len != b->other_len ||
	    memcmp(a->other, b->other, a->other_len) != 0)
		return 0;
	if (a->gen_present) {
		if (a->gen_break != b->gen_break || a->gen_has != b->gen_has ||
		    a->gen_extra_len != b->gen_extra_len ||
		    memcmp(a->gen_extra, b->gen_extra, a->gen_extra_len) != 0)
			return 0;
		if (((a->gen_has & RSVP_AD_HOPS) && a->hops != b->hops) ||
		    ((a->gen_has & RSVP_AD_BW) && !float_eq(a->bw, b->bw)) ||
		    ((a->gen_has & RSVP_AD_LATENCY) &&
		    a->min_latency != b->min_latency) ||
		    ((a->gen_has & RSVP_AD_MTU) && a->mtu != b->mtu))
			return 0;
	}
	if (a->gs_present) {
		if (a->gs_break != b->gs_break || a->gs_has != b->gs_has ||
		    a->gs_extra_len != b->gs_extra_len ||
		    memcmp(a->gs_extra, b->gs_extra, a->gs_extra_len) != 0)
			return 0;
		if (((a->gs_has & RSVP_AD_CTOT) && a->ctot != b->ctot) ||
		    ((a->gs_has & RSVP_AD_DTOT) && a->dtot != b->dtot) ||
		    ((a->gs_has & RSVP_AD_CSUM) && a->csum != b->csum) ||
		    ((a->gs_has & RSVP_AD_DSUM) && a->dsum != b->dsum))
			return 0;
	}
	if (a->cl_present && (a->cl_break != b->cl_break ||
	    a->cl_extra_len != b->cl_extra_len ||
	    memcmp(a->cl_extra, b->cl_extra, a->cl_extra_len) != 0))
		return 0;
	return 1;
}

/* Saturating sums: RFC 2212 s5 and RFC 2215 s3.4 cap at 2^32 - 1. */
static uint32_t
sat_add(uint32_t a, uint32_t b)
{
	return a > UINT32_MAX - b ? UINT32_MAX : a + b;
}

void
rsvp_adspec_compose(struct rsvp_adspec *a, const struct rsvp_adspec_hop *h)
{
	/* The general fragment is always present (RFC 2210 s3.3.1). */
	a->gen_present = 1;
	if (h->not_is)
		a->gen_break = 1;
	a->hops = (a->gen_has & RSVP_AD_HOPS) ? sat_add(a->hops, 1) : 1;
	if (!(a->gen_has & RSVP_AD_BW) || h->link_bw < a->bw || isnan(a->bw))
		a->bw = h->link_bw;
	if (!(a->gen_has & RSVP_AD_LATENCY))
		a->min_latency = h->link_latency;
	else if (a->min_latency == RSVP_LATENCY_INDETERMINATE ||
	    h->link_latency == RSVP_LATENCY_INDETERMINATE)
		a->min_latency = RSVP_LATENCY_INDETERMINATE;
	else
		a->min_latency = sat_add(a->min_latency, h->link_latency);
	if (!(a->gen_has & RSVP_AD_MTU) || h->link_mtu < a->mtu)
		a->mtu = h->link_mtu;
	a->gen_has |= RSVP_AD_HOPS | RSVP_AD_BW | RSVP_AD_LATENCY |
	    RSVP_AD_MTU;

	if (a->gs_present) {
		if (h->no_gs || h->not_is)
			a->gs_break = 1;
		else {
			a->ctot = (a->gs_has & RSVP_AD_CTOT) ?
			    sat_add(a->ctot, h->C) : h->C;
			a->dtot = (a->gs_has & RSVP_AD_DTOT) ?
			    sat_add(a->dtot, h->D) : h->D;
			a->csum = (a->gs_has & RSVP_AD_CSUM) ?
			    sat_add(a->csum, h->C) : h->C;
			a->dsum = (a->gs_has & RSVP_AD_DSUM) ?
			    sat_add(a->dsum, h->D) : h->D;
			a->gs_has |= RSVP_AD_CTOT | RSVP_AD_DTOT |
			    RSVP_AD_CSUM | RSVP_AD_DSUM;
		}
	}
	if (a->cl_present && (h->no_cl || h->not_is))
		a->cl_break = 1;
}
