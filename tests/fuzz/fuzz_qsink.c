/*
 * qsink's reading of what it receives (tools/qtraffic.h's qt_parse, the
 * per-flow accounting of src/qstats.c it feeds) and of its arguments
 * (qt_parse_u64, qt_parse_secs).  Input: the first byte picks: 0-1 frames
 * (a length byte and the frame, in an exact-size heap block, then a
 * receive time), 2 an argument string.  The send stamp is the frame's, so
 * latency and jitter get any 64-bit value.
 *
 * Invariants: a frame taken as ours has its payload header inside the
 * bytes captured and a known magic; a flow's counts add up (every frame
 * is in-order, reordered or a duplicate; loss never exceeds what was
 * expected); a parsed argument is within its bounds.
 */
#include "fuzz.h"
#include "qstats.h"
#include "qtraffic.h"

static int
arg(const uint8_t *p, size_t n)
{
	char *s = fz_strndup(p, n);
	uint64_t v = 0;

	if (qt_parse_u64(s, 5, 1000000, &v) == 0)
		FZ_CHECK(v >= 5 && v <= 1000000, "'%s' read as %llu", s,
		    (unsigned long long)v);
	if (qt_parse_secs(s, 3600, 0, &v) == 0)
		FZ_CHECK(v > 0 && v <= 3600ull * 1000000000ull,
		    "'%s' read as %llu ns", s, (unsigned long long)v);
	if (qt_parse_secs(s, 3600, 1, &v) == 0)
		FZ_CHECK(v <= 3600ull * 1000000000ull, "'%s' read as %llu ns",
		    s, (unsigned long long)v);
	free(s);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = { data, size };
	struct qstats_seq seq;
	struct qstats_jitter jit;
	struct qstats_lat lat;
	struct qt_rx rx;
	const uint8_t *q;
	uint64_t in = 0, kinds[3] = { 0, 0, 0 };
	int64_t recv;
	uint8_t *buf;
	size_t n;
	enum qstats_seq_kind k;

	if (size > 0 && data[0] == 2)
		return arg(data + 1, size - 1);
	(void)fz_u8(&f);
	qstats_seq_init(&seq);
	qstats_jitter_init(&jit);
	memset(&lat, 0, sizeof(lat));
	while (fz_left(&f) > 0) {
		q = fz_take(&f, fz_u8(&f), &n);
		if ((buf = malloc(n > 0 ? n : 1)) == NULL)
			abort();
		memcpy(buf, q, n);
		recv = (int64_t)((uint64_t)fz_u32(&f) << 20);
		memset(&rx, 0xa5, sizeof(rx));
		if (qt_parse(buf, n, &rx) == 0) {
			FZ_CHECK(rx.magic == QT_MAGIC_MONO ||
			    rx.magic == QT_MAGIC_REAL, "magic %#x", rx.magic);
			FZ_CHECK(n >= ETHER_HDR_LEN + QT_IPV4_LEN +
			    QT_UDP_LEN + QT_PL_LEN + rx.nlabels *
			    MPLS_LSE_LEN, "%zu bytes hold no header under "
			    "%u labels", n, rx.nlabels);
			k = qstats_seq_add(&seq, rx.seq);
			FZ_CHECK((unsigned)k < 3, "kind %d", (int)k);
			kinds[k]++;
			in++;
			/* as qsink's account() */
			qstats_jitter_add(&jit, (int64_t)rx.sent, recv);
			(void)qstats_jitter_ns(&jit);
			qstats_lat_add(&lat, (int64_t)((uint64_t)recv -
			    rx.sent));
			FZ_CHECK(lat.min <= lat.max && lat.max <=
			    QSTATS_LAT_LIMIT && lat.min >= -QSTATS_LAT_LIMIT,
			    "latency range");
		}
		free(buf);
	}
	if (in == 0)
		return 0;
	FZ_CHECK(seq.distinct + seq.duplicates == in, "%llu distinct + %llu "
	    "duplicates of %llu", (unsigned long long)seq.distinct,
	    (unsigned long long)seq.duplicates, (unsigned long long)in);
	FZ_CHECK(kinds[QSTATS_SEQ_REORDERED] == seq.reordered &&
	    kinds[QSTATS_SEQ_DUPLICATE] == seq.duplicates,
	    "kinds and counts disagree");
	FZ_CHECK(qstats_seq_lost(&seq) <= qstats_seq_expected(&seq),
	    "lost more than expected");
	return 0;
}
