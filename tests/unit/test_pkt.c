/*
 * Packet buffers: headroom arithmetic, pull/push/trim bounds, the pool.
 */
#include <stdio.h>

#include "testutil.h"

#include "pkt.h"

/*
 * A packet over a heap buffer of exactly PKT_BUFSZ bytes, so ASan sees a
 * write past the buffer (the pool's mmap would hide it).
 */
struct tpkt {
	struct pkt	 p;
	uint8_t		*buf;
};

static void
tpkt_init(struct tpkt *t)
{
	t->buf = malloc(PKT_BUFSZ);
	assert_non_null(t->buf);
	memset(t->buf, 0xee, PKT_BUFSZ);
	pkt_init(&t->p, t->buf, PKT_BUFSZ);
}

static void
test_init(void **state)
{
	struct tpkt t;

	(void)state;
	tpkt_init(&t);
	assert_ptr_equal(t.p.buf, t.buf);
	assert_int_equal(t.p.bufsz, PKT_BUFSZ);
	assert_ptr_equal(t.p.data, t.buf + 128);
	assert_int_equal(t.p.len, 0);
	assert_int_equal(pkt_headroom(&t.p), 128);
	assert_int_equal(pkt_tailroom(&t.p), 2048 - 128);
	assert_int_equal(PKT_MAXFRAME, 1920);
	free(t.buf);
}

/* A buffer no larger than the headroom gets none: data at its start. */
static void
test_init_small(void **state)
{
	uint8_t buf[PKT_HEADROOM];
	struct pkt p;

	(void)state;
	pkt_init(&p, buf, sizeof(buf));
	assert_ptr_equal(p.data, buf);
	assert_int_equal(pkt_headroom(&p), 0);
	assert_int_equal(pkt_tailroom(&p), PKT_HEADROOM);
	assert_null(pkt_push(&p, 1));
	assert_int_equal(pkt_load(&p, buf, PKT_HEADROOM + 1), -1);
}

static void
test_load(void **state)
{
	static uint8_t frame[PKT_BUFSZ];
	struct tpkt t;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(frame); i++)
		frame[i] = (uint8_t)(i * 7 + 3);
	tpkt_init(&t);

	assert_int_equal(pkt_load(&t.p, frame, 60), 0);
	assert_int_equal(t.p.len, 60);
	assert_ptr_equal(t.p.data, t.buf + 128);
	assert_memory_equal(t.p.data, frame, 60);
	assert_int_equal(pkt_tailroom(&t.p), 1920 - 60);

	/* The largest frame fills the buffer to its last byte. */
	assert_int_equal(pkt_load(&t.p, frame, PKT_MAXFRAME), 0);
	assert_int_equal(t.p.len, PKT_MAXFRAME);
	assert_memory_equal(t.p.data, frame, PKT_MAXFRAME);
	assert_int_equal(pkt_tailroom(&t.p), 0);
	/* The headroom was not written. */
	for (i = 0; i < PKT_HEADROOM; i++)
		assert_int_equal(t.buf[i], 0xee);

	/* One byte more does not fit, and nothing is copied. */
	memset(t.buf, 0xee, PKT_BUFSZ);
	assert_int_equal(pkt_load(&t.p, frame, PKT_MAXFRAME + 1), -1);
	assert_int_equal(pkt_load(&t.p, frame, PKT_BUFSZ), -1);
	assert_int_equal(pkt_load(&t.p, frame, SIZE_MAX), -1);
	for (i = 0; i < PKT_BUFSZ; i++)
		assert_int_equal(t.buf[i], 0xee);
	assert_true(t.p.len <= PKT_MAXFRAME);

	/* A load after a pull starts again at the headroom. */
	assert_int_equal(pkt_load(&t.p, frame, 100), 0);
	assert_non_null(pkt_pull(&t.p, 14));
	assert_int_equal(pkt_load(&t.p, frame, 100), 0);
	assert_ptr_equal(t.p.data, t.buf + 128);
	assert_int_equal(t.p.len, 100);
	free(t.buf);
}

static void
test_pull(void **state)
{
	uint8_t frame[100];
	struct tpkt t;

	(void)state;
	memset(frame, 0x11, sizeof(frame));
	tpkt_init(&t);
	assert_int_equal(pkt_load(&t.p, frame, 100), 0);

	assert_ptr_equal(pkt_pull(&t.p, 14), t.buf + 128 + 14);
	assert_ptr_equal(t.p.data, t.buf + 142);
	assert_int_equal(t.p.len, 86);
	assert_int_equal(pkt_headroom(&t.p), 142);
	assert_int_equal(pkt_tailroom(&t.p), 2048 - 142 - 86);

	/* Beyond len: NULL and nothing changed. */
	assert_null(pkt_pull(&t.p, 87));
	assert_null(pkt_pull(&t.p, UINT32_MAX));
	assert_ptr_equal(t.p.data, t.buf + 142);
	assert_int_equal(t.p.len, 86);

	/* Exactly len: an empty packet. */
	assert_ptr_equal(pkt_pull(&t.p, 86), t.buf + 228);
	assert_int_equal(t.p.len, 0);
	assert_ptr_equal(pkt_pull(&t.p, 0), t.buf + 228);
	assert_null(pkt_pull(&t.p, 1));
	assert_int_equal(t.p.len, 0);
	free(t.buf);
}

static void
test_push(void **state)
{
	uint8_t frame[100];
	struct tpkt t;
	uint8_t *h;

	(void)state;
	memset(frame, 0x22, sizeof(frame));
	tpkt_init(&t);
	assert_int_equal(pkt_load(&t.p, frame, 100), 0);

	h = pkt_push(&t.p, 4);
	assert_ptr_equal(h, t.buf + 124);
	assert_ptr_equal(t.p.data, h);
	assert_int_equal(t.p.len, 104);
	assert_int_equal(pkt_headroom(&t.p), 124);
	/* Pushing does not move the tail. */
	assert_int_equal(pkt_tailroom(&t.p), 2048 - 228);
	memset(h, 0x33, 4);

	/* Beyond the headroom: NULL and nothing changed. */
	assert_null(pkt_push(&t.p, 125));
	assert_null(pkt_push(&t.p, UINT32_MAX));
	assert_ptr_equal(t.p.data, t.buf + 124);
	assert_int_equal(t.p.len, 104);

	/* All of it. */
	assert_ptr_equal(pkt_push(&t.p, 124), t.buf);
	assert_int_equal(pkt_headroom(&t.p), 0);
	assert_int_equal(t.p.len, 228);
	assert_null(pkt_push(&t.p, 1));
	assert_ptr_equal(pkt_push(&t.p, 0), t.buf);
	assert_int_equal(t.p.len, 228);

	/* Push then pull is the identity. */
	assert_non_null(pkt_pull(&t.p, 128));
	assert_ptr_equal(t.p.data, t.buf + 128);
	assert_int_equal(t.p.len, 100);
	assert_memory_equal(t.p.data, frame, 100);
	free(t.buf);
}

static void
test_trim(void **state)
{
	uint8_t frame[100];
	struct tpkt t;

	(void)state;
	memset(frame, 0x44, sizeof(frame));
	tpkt_init(&t);
	assert_int_equal(pkt_load(&t.p, frame, 100), 0);
	pkt_trim(&t.p, 200);
	assert_int_equal(t.p.len, 100);
	pkt_trim(&t.p, 100);
	assert_int_equal(t.p.len, 100);
	pkt_trim(&t.p, 60);
	assert_int_equal(t.p.len, 60);
	assert_ptr_equal(t.p.data, t.buf + 128);
	assert_int_equal(pkt_tailroom(&t.p), 2048 - 128 - 60);
	pkt_trim(&t.p, 0);
	assert_int_equal(t.p.len, 0);
	free(t.buf);
}

static void
test_reset(void **state)
{
	uint8_t frame[64];
	struct tpkt t;

	(void)state;
	memset(frame, 0x55, sizeof(frame));
	tpkt_init(&t);
	assert_int_equal(pkt_load(&t.p, frame, 64), 0);
	pkt_push(&t.p, 10);
	t.p.in_vif = 3;
	t.p.out_vif = 4;
	t.p.proto = 0x8847;
	t.p.ts = 12345;
	t.p.pool_idx = 9;
	pkt_reset(&t.p);
	assert_ptr_equal(t.p.data, t.buf + 128);
	assert_int_equal(t.p.len, 0);
	assert_int_equal(t.p.in_vif, 0);
	assert_int_equal(t.p.out_vif, 0);
	assert_int_equal(t.p.proto, 0);
	assert_int_equal(t.p.ts, 0);
	/* What ties the packet to its buffer survives. */
	assert_ptr_equal(t.p.buf, t.buf);
	assert_int_equal(t.p.bufsz, PKT_BUFSZ);
	assert_int_equal(t.p.pool_idx, 9);
	free(t.buf);
}

static int
cmp_pkt_buf(const void *a, const void *b)
{
	const struct pkt *x = *(const struct pkt *const *)a;
	const struct pkt *y = *(const struct pkt *const *)b;

	return x->buf < y->buf ? -1 : x->buf > y->buf;
}

#define NPOOL	64

static void
test_pool(void **state)
{
	struct pkt_pool pp;
	struct pkt *got[NPOOL], *sorted[NPOOL], *p;
	int seen[NPOOL];
	uint32_t i, j;

	(void)state;
	assert_int_equal(pkt_pool_init(&pp, NPOOL), 0);
	assert_int_equal(pp.size, NPOOL);
	assert_int_equal(pp.nfree, NPOOL);

	memset(seen, 0, sizeof(seen));
	for (i = 0; i < NPOOL; i++) {
		p = got[i] = pkt_pool_get(&pp);
		assert_non_null(p);
		assert_int_equal(pp.nfree, NPOOL - 1 - i);
		/* Each index once, and the index names this packet. */
		assert_true(p->pool_idx < NPOOL);
		assert_int_equal(seen[p->pool_idx], 0);
		seen[p->pool_idx] = 1;
		assert_ptr_equal(&pp.pkts[p->pool_idx], p);
		assert_int_equal(p->bufsz, PKT_BUFSZ);
		assert_int_equal(pkt_headroom(p), PKT_HEADROOM);
		assert_int_equal(p->len, 0);
		for (j = 0; j < i; j++)
			assert_ptr_not_equal(got[j], p);
	}
	/* The N+1th get finds the pool empty, and leaves it so. */
	assert_null(pkt_pool_get(&pp));
	assert_null(pkt_pool_get(&pp));
	assert_int_equal(pp.nfree, 0);

	/* No overlap: sorted by address, each buffer ends before the next. */
	memcpy(sorted, got, sizeof(sorted));
	qsort(sorted, NPOOL, sizeof(sorted[0]), cmp_pkt_buf);
	for (i = 0; i + 1 < NPOOL; i++)
		assert_true(sorted[i]->buf + sorted[i]->bufsz <=
		    sorted[i + 1]->buf);
	/* And writing all of each buffer disturbs no other. */
	for (i = 0; i < NPOOL; i++)
		memset(got[i]->buf, (int)i, PKT_BUFSZ);
	for (i = 0; i < NPOOL; i++)
		for (j = 0; j < PKT_BUFSZ; j++)
			if (got[i]->buf[j] != (uint8_t)i)
				fail_msg("buffer %u byte %u overwritten", i, j);

	/* A buffer put back is the next one got, reset. */
	p = got[17];
	assert_int_equal(pkt_load(p, "abc", 3), 0);
	pkt_pull(p, 1);
	p->ts = 99;
	pkt_pool_put(&pp, p);
	assert_int_equal(pp.nfree, 1);
	assert_ptr_equal(pkt_pool_get(&pp), p);
	assert_int_equal(pp.nfree, 0);
	assert_int_equal(pkt_headroom(p), PKT_HEADROOM);
	assert_int_equal(p->len, 0);
	assert_int_equal(p->ts, 0);
	assert_null(pkt_pool_get(&pp));

	/* Put all back: all can be got again, each once. */
	for (i = 0; i < NPOOL; i++)
		pkt_pool_put(&pp, got[i]);
	assert_int_equal(pp.nfree, NPOOL);
	memset(seen, 0, sizeof(seen));
	for (i = 0; i < NPOOL; i++) {
		p = pkt_pool_get(&pp);
		assert_non_null(p);
		assert_int_equal(seen[p->pool_idx], 0);
		seen[p->pool_idx] = 1;
	}
	assert_null(pkt_pool_get(&pp));

	pkt_pool_destroy(&pp);
	assert_null(pp.pkts);
	assert_null(pp.mem);
	assert_null(pp.free);
	assert_int_equal(pp.size, 0);
	assert_int_equal(pp.nfree, 0);
}

static void
test_pool_empty(void **state)
{
	struct pkt_pool pp;

	(void)state;
	assert_int_equal(pkt_pool_init(&pp, 0), -1);
	assert_int_equal(pp.nfree, 0);
	assert_null(pkt_pool_get(&pp));
	pkt_pool_destroy(&pp);

	/* A pool of one. */
	assert_int_equal(pkt_pool_init(&pp, 1), 0);
	assert_non_null(pkt_pool_get(&pp));
	assert_null(pkt_pool_get(&pp));
	pkt_pool_destroy(&pp);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init),
		cmocka_unit_test(test_init_small),
		cmocka_unit_test(test_load),
		cmocka_unit_test(test_pull),
		cmocka_unit_test(test_push),
		cmocka_unit_test(test_trim),
		cmocka_unit_test(test_reset),
		cmocka_unit_test(test_pool),
		cmocka_unit_test(test_pool_empty),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
