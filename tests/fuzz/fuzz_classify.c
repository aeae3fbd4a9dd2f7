/*
 * quasar-demux's per-frame decision (demux/classify.c, belswitch.c) on
 * any frame, against tables as another process left them: the ltable and
 * belfib are files quasard writes and the demux only maps (src/qstate.h),
 * so their words are drawn from the input raw, as a buggy or hostile
 * writer could leave them, not through ltable_add()/belfib_set().
 *
 * Input: a count byte of ltable words (label, value), a count byte of
 * belfib slots (label, the slot's seven words; the sequence counter even
 * or odd), then frames: a flags byte (packet type, a tag the kernel took
 * off), a length byte and the frame's bytes.  Each frame lives in a heap
 * block of exactly its length, so a read past it is ASan's.
 *
 * Invariants: a frame goes to a VIF the table names or through a
 * best-effort entry belfib_check() would have let the writer install,
 * and what is sent lies within the frame received plus our own header.
 */
#include "demux.h"
#include "fuzz.h"

#define NPORTS	2

static struct ltable lt;
static struct belfib fib;
static struct dx_port ports[NPORTS];
static uint32_t used_lt[256], used_be[256];

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	unsigned i;

	(void)argc;
	(void)argv;
	if (ltable_init(&lt) != LTABLE_OK || belfib_init(&fib) != BELFIB_OK)
		abort();
	for (i = 0; i < NPORTS; i++) {
		snprintf(ports[i].name, sizeof(ports[i].name), "p%u", i);
		ports[i].ifindex = 10 + (int)i;
		memcpy(ports[i].mac, "\x02\x00\x00\x00\x01\x00", 6);
		ports[i].mac[5] = (uint8_t)i;
	}
	return 0;
}

static void
check_iov(const struct dx_txmsg *m, const uint8_t *fr, size_t len)
{
	uint32_t i, total = 0;
	const uint8_t *b;

	FZ_CHECK(m->niov >= 1 && m->niov <= 3, "%u iovecs", m->niov);
	for (i = 0; i < m->niov; i++) {
		b = m->iov[i].iov_base;
		total += (uint32_t)m->iov[i].iov_len;
		if (b >= m->hdr && b < m->hdr + sizeof(m->hdr)) {
			FZ_CHECK(b + m->iov[i].iov_len <= m->hdr +
			    sizeof(m->hdr), "header iovec too long");
			continue;
		}
		FZ_CHECK(b >= fr && b + m->iov[i].iov_len <= fr + len,
		    "iovec %u outside the frame", i);
	}
	FZ_CHECK(total == m->len, "iovecs %u bytes, message %u", total,
	    m->len);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = { data, size };
	struct dx_fwd fwd = { &lt, &fib, ports, NPORTS };
	struct belfib_entry e;
	struct dx_txmsg m;
	struct dx_frame fr;
	const uint8_t *q;
	unsigned nlt, nbe, i, w, rc;
	uint32_t label, seq;
	uint8_t *buf, flags;
	size_t n;
	int64_t vif;

	nlt = fz_u8(&f) % 16;
	for (i = 0; i < nlt; i++) {
		used_lt[i] = fz_u32(&f) & MPLS_LABEL_MAX;
		atomic_store(&lt.ent[used_lt[i]], fz_u32(&f));
	}
	nbe = fz_u8(&f) % 16;
	for (i = 0; i < nbe; i++) {
		used_be[i] = label = fz_u32(&f) & MPLS_LABEL_MAX;
		seq = fz_u8(&f) & 3;
		for (w = 0; w < BELFIB_WORDS; w++)
			atomic_store(&fib.slot[label].w[w], fz_u32(&f));
		atomic_store(&fib.slot[label].seq, seq);
	}
	while (fz_left(&f) > 0) {
		memset(&fr, 0, sizeof(fr));
		memset(&m, 0, sizeof(m));
		flags = fz_u8(&f);
		q = fz_take(&f, fz_u8(&f), &n);
		if ((buf = malloc(n > 0 ? n : 1)) == NULL)
			abort();
		memcpy(buf, q, n);
		fr.data = buf;
		fr.len = (uint32_t)n;
		fr.wirelen = (flags & 0x80) ? (uint32_t)n + 1 : (uint32_t)n;
		fr.port = flags & 1;
		fr.pkttype = (flags >> 1) & 7;
		if (flags & 0x10) {
			fr.vlan = 1;
			fr.tci = 0x0123;
			fr.tpid = (flags & 0x20) ? 0x88a8 : ETHERTYPE_VLAN;
		}
		rc = dx_classify(&fwd, &fr, &m, &label);
		FZ_CHECK(rc < DXS_C_COUNT, "counter %u", rc);
		if (rc == DXS_C_to_routelet) {
			vif = ltable_lookup(&lt, label);
			FZ_CHECK(vif > 0 && m.sll.sll_ifindex == vif,
			    "label %u to ifindex %d, table %lld", label,
			    m.sll.sll_ifindex, (long long)vif);
			check_iov(&m, buf, n);
		} else if (rc == DXS_C_to_besteffort) {
			FZ_CHECK(belfib_lookup(&fib, label, &e) == BELFIB_OK,
			    "label %u switched with no entry", label);
			FZ_CHECK(belfib_check(label, &e) == BELFIB_OK,
			    "label %u switched by an entry its writer could "
			    "not have installed: %s", label,
			    belfib_strerror(belfib_check(label, &e)));
			FZ_CHECK(m.port >= 0 && m.port < NPORTS, "port %d",
			    m.port);
			check_iov(&m, buf, n);
		}
		free(buf);
	}
	for (i = 0; i < nlt; i++)
		atomic_store(&lt.ent[used_lt[i]], 0);
	for (i = 0; i < nbe; i++) {
		for (w = 0; w < BELFIB_WORDS; w++)
			atomic_store(&fib.slot[used_be[i]].w[w], 0);
		atomic_store(&fib.slot[used_be[i]].seq, 0);
	}
	return 0;
}
