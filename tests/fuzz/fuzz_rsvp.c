/*
 * The RSVP-TE decoder on what quasard reads off its raw socket: an IPv4
 * datagram, protocol 46, header included (rsvpd/rsvp_io.c: rsvp_ip_parse,
 * then rsvp_msg_decode).  Then what quasard does with the numbers a
 * message carries before any state is touched: the error a refusal calls
 * for, and admission's arithmetic on the Tspec and flowspecs.
 *
 * Input: one byte of repairs, then the datagram.  Bit 0 sets the IPv4
 * total length and header checksum, bit 1 the RSVP length, bit 2 the RSVP
 * checksum (bit 3: to zero, "none sent"), so mutations reach the objects
 * instead of dying on a checksum; with no bit set the bytes go in as
 * they came.
 *
 * Invariants: a message the decoder accepts encodes again, and the
 * encoding decodes to the same message (objects in the RFC's order, so the
 * bytes may differ); an encoding never exceeds what the decoder took.
 */
#include <math.h>

#include "admit.h"
#include "fuzz.h"
#include "fz_rsvp.h"
#include "inet.h"
#include "rsvp.h"

static uint8_t	dgram[65536];
static uint8_t	enc[65536];
static struct rsvp_msg m, m2;

/* What path.c and resv.c compute from a token bucket off the wire. */
static void
admission(const struct rsvp_tspec *t, uint8_t service, float R)
{
	struct admit_flow f = { t->r, t->b, t->p, t->m, t->M };
	uint64_t bw, pps, ppm, rate, burst;
	uint32_t weight, cap;

	(void)rsvp_tspec_sane(t);
	if (!(isfinite(t->r) && t->r > 0))
		return;		/* best effort: nothing is computed */
	bw = admit_bw(service == RSVP_SVC_GUARANTEED ? R : t->r);
	pps = admit_pps(&f);
	ppm = admit_cpu_ppm(pps, 20000);
	admit_vif_shape(bw, t->b, t->m, t->M, &rate, &burst);
	admit_cpu_params(ppm, &weight, &cap);
	FZ_CHECK(weight >= 10 && weight <= 10000, "weight %u", weight);
	FZ_CHECK(cap <= 100, "cap %u", cap);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rsvp_derr e, e2;
	struct rsvp_ip ip;
	const uint8_t *payload;
	enum rsvp_reason why;
	size_t plen, len;
	uint8_t code;
	uint16_t value;
	unsigned i;
	int n;

	if (size < 1 || size - 1 > sizeof(dgram))
		return 0;
	len = size - 1;
	memcpy(dgram, data + 1, len);
	fz_rsvp_repair(data[0], dgram, len);

	why = rsvp_ip_parse(dgram, len, &ip, &payload, &plen);
	FZ_CHECK((unsigned)why < RSVP_R_COUNT, "reason %d", (int)why);
	if (why != RSVP_R_ok)
		return 0;
	FZ_CHECK(payload >= dgram && payload + plen <= dgram + len,
	    "payload outside the datagram");

	why = rsvp_msg_decode(payload, plen, &m, &e);
	FZ_CHECK((unsigned)why < RSVP_R_COUNT, "reason %d", (int)why);
	(void)rsvp_reason_str(why);
	if (why != RSVP_R_ok) {
		FZ_CHECK(e.reason == why, "derr %d, returned %d",
		    (int)e.reason, (int)why);
		FZ_CHECK(e.offset <= plen, "offset %u of %zu", e.offset,
		    plen);
		if (rsvp_derr_errspec(&e, &code, &value)) {
			(void)rsvp_error_name(code);
			(void)rsvp_error_value_name(code, value);
		}
		return 0;
	}

	if (m.present & RSVP_HAS_TSPEC)
		admission(&m.tspec, RSVP_SVC_CL, 0);
	for (i = 0; i < m.n_fd; i++) {
		const struct rsvp_flowspec *fs = rsvp_fd_flowspec(&m, i);

		if (fs != NULL)
			admission(&fs->tspec, fs->service, fs->R);
	}

	n = rsvp_msg_encode(&m, enc, sizeof(enc), &e2);
	FZ_CHECK(n >= 0, "an accepted %s does not encode: %s (class %u)",
	    rsvp_msg_type_name(m.type), rsvp_reason_str(e2.reason),
	    e2.class_num);
	FZ_CHECK((size_t)n <= plen, "encoding %d bytes, decoded %zu", n,
	    plen);
	why = rsvp_msg_decode(enc, (size_t)n, &m2, &e2);
	FZ_CHECK(why == RSVP_R_ok, "the encoding does not decode: %s",
	    rsvp_reason_str(why));
	FZ_CHECK(rsvp_msg_equal(&m, &m2), "the encoding decodes to another "
	    "%s", rsvp_msg_type_name(m.type));
	return 0;
}
