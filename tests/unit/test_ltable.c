/*
 * The label demux table: the API's results and error codes, a full table,
 * a table shared through a memfd, and one writer against lock-free readers.
 */
#include <sys/mman.h>
#include <sys/stat.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <unistd.h>

#include "testutil.h"

#include "clock.h"
#include "ltable.h"

#define NUNRESERVED	(MPLS_LABEL_COUNT - MPLS_LABEL_FIRST_UNRESERVED)

static void
lt_init(struct ltable *lt)
{
	assert_int_equal(ltable_init(lt), LTABLE_OK);
	assert_non_null(lt->ent);
	assert_int_equal(lt->count, 0);
}

static void
test_add_lookup_del(void **state)
{
	struct ltable lt;

	(void)state;
	lt_init(&lt);
	assert_int_equal(ltable_lookup(&lt, 16), -1);
	assert_int_equal(ltable_lookup(&lt, 100), -1);

	/* Port 0 is a port like any other, not "empty". */
	assert_int_equal(ltable_add(&lt, 16, 0), LTABLE_OK);
	assert_int_equal(ltable_lookup(&lt, 16), 0);
	assert_int_equal(ltable_add(&lt, 100, 7), LTABLE_OK);
	assert_int_equal(ltable_lookup(&lt, 100), 7);
	assert_int_equal(ltable_add(&lt, MPLS_LABEL_MAX, LTABLE_PORT_MAX),
	    LTABLE_OK);
	assert_int_equal(ltable_lookup(&lt, MPLS_LABEL_MAX), 0xfffffffeLL);
	assert_int_equal(lt.count, 3);
	/* Neighbours are untouched. */
	assert_int_equal(ltable_lookup(&lt, 15), -1);
	assert_int_equal(ltable_lookup(&lt, 17), -1);
	assert_int_equal(ltable_lookup(&lt, 99), -1);
	assert_int_equal(ltable_lookup(&lt, 101), -1);
	assert_int_equal(ltable_lookup(&lt, MPLS_LABEL_MAX - 1), -1);

	assert_int_equal(ltable_del(&lt, 100), LTABLE_OK);
	assert_int_equal(ltable_lookup(&lt, 100), -1);
	assert_int_equal(lt.count, 2);
	assert_int_equal(ltable_del(&lt, 100), LTABLE_ENOENT);
	assert_int_equal(lt.count, 2);
	/* Deleted, it can be added again. */
	assert_int_equal(ltable_add(&lt, 100, 8), LTABLE_OK);
	assert_int_equal(ltable_lookup(&lt, 100), 8);
	assert_int_equal(lt.count, 3);

	assert_int_equal(ltable_del(&lt, 16), LTABLE_OK);
	assert_int_equal(ltable_del(&lt, 100), LTABLE_OK);
	assert_int_equal(ltable_del(&lt, MPLS_LABEL_MAX), LTABLE_OK);
	assert_int_equal(lt.count, 0);
	ltable_destroy(&lt);
	assert_null(lt.ent);
	assert_null(lt.map);
}

static void
test_errors(void **state)
{
	struct ltable lt;
	uint32_t l;

	(void)state;
	lt_init(&lt);
	assert_int_equal(ltable_add(&lt, 200, 1), LTABLE_OK);

	for (l = 0; l < 16; l++) {
		assert_int_equal(ltable_add(&lt, l, 1), LTABLE_ERESERVED);
		assert_int_equal(ltable_set(&lt, l, 1), LTABLE_ERESERVED);
		assert_int_equal(ltable_del(&lt, l), LTABLE_ERESERVED);
		assert_int_equal(ltable_lookup(&lt, l), -1);
	}
	assert_int_equal(ltable_add(&lt, MPLS_LABEL_COUNT, 1), LTABLE_ERANGE);
	assert_int_equal(ltable_set(&lt, MPLS_LABEL_COUNT, 1), LTABLE_ERANGE);
	assert_int_equal(ltable_del(&lt, MPLS_LABEL_COUNT), LTABLE_ERANGE);
	assert_int_equal(ltable_add(&lt, UINT32_MAX, 1), LTABLE_ERANGE);
	assert_int_equal(ltable_del(&lt, UINT32_MAX), LTABLE_ERANGE);
	assert_int_equal(ltable_lookup(&lt, MPLS_LABEL_COUNT), -1);
	assert_int_equal(ltable_lookup(&lt, UINT32_MAX), -1);

	assert_int_equal(ltable_add(&lt, 300, 0xffffffffu), LTABLE_EPORT);
	assert_int_equal(ltable_set(&lt, 300, 0xffffffffu), LTABLE_EPORT);
	assert_int_equal(ltable_set(&lt, 200, 0xffffffffu), LTABLE_EPORT);
	assert_int_equal(ltable_lookup(&lt, 300), -1);
	assert_int_equal(ltable_lookup(&lt, 200), 1);

	/* Installed already: refused, the old port stays. */
	assert_int_equal(ltable_add(&lt, 200, 2), LTABLE_EEXIST);
	assert_int_equal(ltable_lookup(&lt, 200), 1);

	assert_int_equal(ltable_del(&lt, 201), LTABLE_ENOENT);
	/* None of the failures changed the count. */
	assert_int_equal(lt.count, 1);
	ltable_destroy(&lt);
}

static void
test_set(void **state)
{
	struct ltable lt;

	(void)state;
	lt_init(&lt);
	/* On an empty entry set installs... */
	assert_int_equal(ltable_set(&lt, 500, 3), LTABLE_OK);
	assert_int_equal(ltable_lookup(&lt, 500), 3);
	assert_int_equal(lt.count, 1);
	/* ...on a full one it moves the label, the count stays. */
	assert_int_equal(ltable_set(&lt, 500, 4), LTABLE_OK);
	assert_int_equal(ltable_lookup(&lt, 500), 4);
	assert_int_equal(lt.count, 1);
	assert_int_equal(ltable_set(&lt, 500, 4), LTABLE_OK);
	assert_int_equal(lt.count, 1);
	assert_int_equal(ltable_set(&lt, 500, 0), LTABLE_OK);
	assert_int_equal(ltable_lookup(&lt, 500), 0);
	assert_int_equal(ltable_add(&lt, 501, 9), LTABLE_OK);
	assert_int_equal(ltable_set(&lt, 501, LTABLE_PORT_MAX), LTABLE_OK);
	assert_int_equal(ltable_lookup(&lt, 501), LTABLE_PORT_MAX);
	assert_int_equal(lt.count, 2);
	assert_int_equal(ltable_del(&lt, 500), LTABLE_OK);
	assert_int_equal(ltable_del(&lt, 501), LTABLE_OK);
	assert_int_equal(lt.count, 0);
	ltable_destroy(&lt);
}

static void
test_strerror(void **state)
{
	static const int codes[] = { LTABLE_OK, LTABLE_ERANGE,
	    LTABLE_ERESERVED, LTABLE_EPORT, LTABLE_EEXIST, LTABLE_ENOENT,
	    LTABLE_ENOMEM, LTABLE_EMIRROR, -8, 1, -1000 };
	const char *s[nitems(codes)];
	size_t i, j;

	(void)state;
	/* The last three are not codes: they share one string. */
	for (i = 0; i < nitems(codes); i++) {
		s[i] = ltable_strerror(codes[i]);
		assert_non_null(s[i]);
		assert_true(strlen(s[i]) > 0);
	}
	for (i = 0; i < 9; i++)
		for (j = i + 1; j < 9; j++)
			if (strcmp(s[i], s[j]) == 0)
				fail_msg("codes %d and %d share \"%s\"",
				    codes[i], codes[j], s[i]);
	assert_string_equal(s[9], s[8]);
	assert_string_equal(s[10], s[8]);
	/* The range and reserved messages give the numbers. */
	assert_non_null(strstr(ltable_strerror(LTABLE_ERANGE), "1048575"));
	assert_non_null(strstr(ltable_strerror(LTABLE_ERESERVED), "0-15"));
}

/* A mirror that records what it is told and refuses when asked to. */
struct mirror_rec {
	uint32_t	label, port;
	unsigned	calls;
	int		refuse;
};

static int
mirror_fn(void *arg, uint32_t label, uint32_t port)
{
	struct mirror_rec *m = arg;

	m->calls++;
	if (m->refuse)
		return -1;
	m->label = label;
	m->port = port;
	return 0;
}

static void
test_mirror(void **state)
{
	struct mirror_rec m = { 0 };
	struct ltable lt;

	(void)state;
	assert_int_equal(ltable_init(&lt), LTABLE_OK);
	lt.mirror = mirror_fn;
	lt.mirror_arg = &m;
	/* Told of each change, with the port, or LTABLE_NOPORT when out. */
	assert_int_equal(ltable_add(&lt, 100, 7), LTABLE_OK);
	assert_int_equal(m.label, 100);
	assert_int_equal(m.port, 7);
	assert_int_equal(ltable_set(&lt, 100, 9), LTABLE_OK);
	assert_int_equal(m.port, 9);
	assert_int_equal(ltable_del(&lt, 100), LTABLE_OK);
	assert_int_equal(m.port, LTABLE_NOPORT);
	assert_int_equal(m.calls, 3);
	/* Refusals: add and set leave the table as it was... */
	assert_int_equal(ltable_add(&lt, 200, 5), LTABLE_OK);
	m.refuse = 1;
	assert_int_equal(ltable_add(&lt, 201, 5), LTABLE_EMIRROR);
	assert_int_equal(ltable_lookup(&lt, 201), -1);
	assert_int_equal(ltable_set(&lt, 200, 6), LTABLE_EMIRROR);
	assert_int_equal(ltable_lookup(&lt, 200), 5);
	assert_int_equal(ltable_set(&lt, 202, 6), LTABLE_EMIRROR);
	assert_int_equal(ltable_lookup(&lt, 202), -1);
	assert_int_equal(lt.count, 1);
	/* ...and del takes the label out all the same, and says so. */
	assert_int_equal(ltable_del(&lt, 200), LTABLE_EMIRROR);
	assert_int_equal(ltable_lookup(&lt, 200), -1);
	assert_int_equal(lt.count, 0);
	/* Nothing to tell for a label that was not there. */
	m.calls = 0;
	assert_int_equal(ltable_del(&lt, 200), LTABLE_ENOENT);
	assert_int_equal(m.calls, 0);
	ltable_destroy(&lt);
}

struct walk_rec {
	uint32_t	*label;
	uint32_t	*port;
	size_t		 n, max;
	uint64_t	 sum;
	int		 order_ok;
	uint32_t	 last;
};

static void
walk_fn(uint32_t label, uint32_t port, void *arg)
{
	struct walk_rec *w = arg;

	if (w->n > 0 && label <= w->last)
		w->order_ok = 0;
	w->last = label;
	if (w->n < w->max) {
		w->label[w->n] = label;
		w->port[w->n] = port;
	}
	w->n++;
	w->sum += port;
}

static void
test_walk(void **state)
{
	static const uint32_t in[] = { 70000, 16, MPLS_LABEL_MAX, 1000, 17,
	    524288, 999 };
	static const uint32_t sorted[] = { 16, 17, 999, 1000, 70000, 524288,
	    MPLS_LABEL_MAX };
	uint32_t label[16], port[16];
	struct walk_rec w;
	struct ltable lt;
	size_t i;

	(void)state;
	lt_init(&lt);
	memset(&w, 0, sizeof(w));
	w.label = label;
	w.port = port;
	w.max = nitems(label);
	w.order_ok = 1;
	ltable_walk(&lt, walk_fn, &w);
	assert_int_equal(w.n, 0);

	for (i = 0; i < nitems(in); i++)
		assert_int_equal(ltable_add(&lt, in[i], in[i] ^ 0x5555),
		    LTABLE_OK);
	ltable_walk(&lt, walk_fn, &w);
	assert_int_equal(w.n, nitems(sorted));
	assert_true(w.order_ok);
	for (i = 0; i < nitems(sorted); i++) {
		assert_int_equal(label[i], sorted[i]);
		assert_int_equal(port[i], sorted[i] ^ 0x5555);
	}

	/* A deleted label is gone from the walk. */
	assert_int_equal(ltable_del(&lt, 999), LTABLE_OK);
	memset(&w, 0, sizeof(w));
	w.label = label;
	w.port = port;
	w.max = nitems(label);
	w.order_ok = 1;
	ltable_walk(&lt, walk_fn, &w);
	assert_int_equal(w.n, nitems(sorted) - 1);
	assert_int_equal(label[2], 1000);
	ltable_destroy(&lt);
}

/* A port for every label, far from the label itself and never the max. */
static uint32_t
fill_port(uint32_t label)
{
	return (label * 2654435761u) % LTABLE_PORT_MAX;
}

static void
test_fill_all(void **state)
{
	struct ltable lt;
	struct walk_rec w;
	uint64_t seed = 20, sum = 0;
	uint32_t l;
	int i;

	(void)state;
	lt_init(&lt);
	for (l = MPLS_LABEL_FIRST_UNRESERVED; l <= MPLS_LABEL_MAX; l++) {
		if (ltable_add(&lt, l, fill_port(l)) != LTABLE_OK)
			fail_msg("add %u failed", l);
		sum += fill_port(l);
	}
	assert_int_equal(lt.count, 1048560);
	assert_int_equal(lt.count, NUNRESERVED);

	/* A sample, with the ends. */
	assert_int_equal(ltable_lookup(&lt, 16), fill_port(16));
	assert_int_equal(ltable_lookup(&lt, MPLS_LABEL_MAX),
	    fill_port(MPLS_LABEL_MAX));
	for (l = 0; l < 16; l++)
		assert_int_equal(ltable_lookup(&lt, l), -1);
	assert_int_equal(ltable_lookup(&lt, MPLS_LABEL_COUNT), -1);
	for (i = 0; i < 100000; i++) {
		l = MPLS_LABEL_FIRST_UNRESERVED +
		    (uint32_t)tu_randn(&seed, NUNRESERVED);
		assert_int_equal(ltable_lookup(&lt, l), fill_port(l));
	}
	/* Full means every add is a duplicate. */
	assert_int_equal(ltable_add(&lt, 16, 1), LTABLE_EEXIST);
	assert_int_equal(ltable_add(&lt, 777777, 1), LTABLE_EEXIST);

	memset(&w, 0, sizeof(w));
	w.order_ok = 1;
	ltable_walk(&lt, walk_fn, &w);
	assert_int_equal(w.n, NUNRESERVED);
	assert_true(w.order_ok);
	assert_int_equal(w.last, MPLS_LABEL_MAX);
	assert_int_equal(w.sum, sum);

	for (l = MPLS_LABEL_FIRST_UNRESERVED; l <= MPLS_LABEL_MAX; l++)
		if (ltable_del(&lt, l) != LTABLE_OK)
			fail_msg("del %u failed", l);
	assert_int_equal(lt.count, 0);
	assert_int_equal(ltable_lookup(&lt, 777777), -1);
	ltable_destroy(&lt);
}

static int
memfd(void)
{
	int fd = memfd_create("ltable-test", MFD_CLOEXEC);

	assert_true(fd >= 0);
	return fd;
}

static void
test_fd_shared(void **state)
{
	struct ltable w, r, w2;
	struct stat st;
	int fd;

	(void)state;
	fd = memfd();
	assert_int_equal(ltable_init_fd(&w, fd, 1), LTABLE_OK);
	assert_int_equal(fstat(fd, &st), 0);
	assert_int_equal(st.st_size, MPLS_LABEL_COUNT * 4);
	assert_int_equal(w.count, 0);
	assert_int_equal(w.shared, 1);

	assert_int_equal(ltable_init_fd(&r, fd, 0), LTABLE_OK);
	assert_ptr_not_equal(r.ent, w.ent);
	assert_int_equal(r.count, 0);
	assert_int_equal(ltable_lookup(&r, 100), -1);

	/* The reader's mapping sees each of the writer's updates. */
	assert_int_equal(ltable_add(&w, 100, 5), LTABLE_OK);
	assert_int_equal(ltable_lookup(&r, 100), 5);
	assert_int_equal(ltable_set(&w, 100, 6), LTABLE_OK);
	assert_int_equal(ltable_lookup(&r, 100), 6);
	assert_int_equal(ltable_add(&w, MPLS_LABEL_MAX, 0), LTABLE_OK);
	assert_int_equal(ltable_lookup(&r, MPLS_LABEL_MAX), 0);
	assert_int_equal(ltable_add(&w, 16, LTABLE_PORT_MAX), LTABLE_OK);
	assert_int_equal(ltable_lookup(&r, 16), LTABLE_PORT_MAX);
	assert_int_equal(ltable_del(&w, 100), LTABLE_OK);
	assert_int_equal(ltable_lookup(&r, 100), -1);
	assert_int_equal(w.count, 2);

	/* A writer taking the table over learns its count from it. */
	assert_int_equal(ltable_init_fd(&w2, fd, 1), LTABLE_OK);
	assert_int_equal(w2.count, 2);
	assert_int_equal(ltable_lookup(&w2, 16), LTABLE_PORT_MAX);
	assert_int_equal(ltable_add(&w2, 16, 1), LTABLE_EEXIST);
	assert_int_equal(ltable_add(&w2, 200, 1), LTABLE_OK);
	assert_int_equal(ltable_lookup(&r, 200), 1);
	assert_int_equal(ltable_lookup(&w, 200), 1);
	ltable_destroy(&w2);

	/* A new reader of a populated table counts it too. */
	ltable_destroy(&r);
	assert_int_equal(ltable_init_fd(&r, fd, 0), LTABLE_OK);
	assert_int_equal(r.count, 3);
	assert_int_equal(ltable_lookup(&r, 200), 1);

	ltable_destroy(&r);
	ltable_destroy(&w);
	assert_int_equal(close(fd), 0);
}

static void
test_fd_bad(void **state)
{
	struct ltable lt;
	int fd;

	(void)state;
	assert_int_equal(ltable_init_fd(&lt, -1, 1), LTABLE_ENOMEM);
	assert_null(lt.ent);
	assert_int_equal(ltable_init_fd(&lt, -1, 0), LTABLE_ENOMEM);
	assert_null(lt.ent);

	/*
	 * A reader that comes before the writer finds an empty file, or one
	 * too short: refused, rather than SIGBUS on the first lookup past
	 * the end of the file.
	 */
	fd = memfd();
	assert_int_equal(ltable_init_fd(&lt, fd, 0), LTABLE_ENOMEM);
	assert_null(lt.ent);
	assert_int_equal(ftruncate(fd, 4096), 0);
	assert_int_equal(ltable_init_fd(&lt, fd, 0), LTABLE_ENOMEM);
	assert_null(lt.ent);
	/* Once the writer has sized it, the reader maps it. */
	assert_int_equal(ftruncate(fd, MPLS_LABEL_COUNT * 4), 0);
	assert_int_equal(ltable_init_fd(&lt, fd, 0), LTABLE_OK);
	assert_int_equal(ltable_lookup(&lt, MPLS_LABEL_MAX), -1);
	ltable_destroy(&lt);
	close(fd);
}

/*
 * One writer, several readers, no locks.
 *
 * Round r (from 1) installs every test label L with port P(r, L, 1),
 * moves it with ltable_set to P(r, L, 2), then deletes it and publishes
 * deleted[L] = r (seq_cst) after ltable_del has returned.  A port encodes
 * its round, its label and the step, so a reader can tell a value the
 * writer wrote from a torn or stray one, and which write it saw:
 *
 *	port = round << 8 | label index << 2 | step
 *
 * A reader loads deleted[L] first and then looks L up: having seen the
 * delete of round d, it must not find any value of a round <= d.  It also
 * loads the writer's current round after the lookup: a value from a later
 * round than that was never written.
 */
#define CC_NLABELS	64
#define CC_BASE		1000u
#define CC_READERS	3
#define CC_SOFT_NS	(NSEC_PER_SEC / 2)	/* per variant */
#define CC_HARD_NS	(10 * NSEC_PER_SEC)
#define CC_SOFT_ROUNDS	200000u
#define CC_HARD_ROUNDS	(1u << 22)		/* fits in the port's 24 bits */
#define CC_READER_MAX	(1ull << 32)		/* lookups per reader */

struct cc_reader {
	struct cc		*cc;
	_Atomic uint64_t	 lookups;
	_Atomic uint64_t	 hits;		/* values found */
	_Atomic uint64_t	 checks;	/* values found after a delete */
};

struct cc {
	struct ltable		*wt;		/* the writer's mapping */
	const struct ltable	*rt;		/* the readers' */
	_Atomic uint32_t	 round;
	_Atomic uint32_t	 deleted[CC_NLABELS];
	_Atomic int		 ready;
	_Atomic int		 done;
	_Atomic uint64_t	 bad;		/* not a value ever written */
	_Atomic uint64_t	 stale;		/* found after its delete */
	_Atomic int		 noted;
	char			 why[160];	/* the first failure */
	uint32_t		 rounds;
	struct cc_reader	 rd[CC_READERS];
};

static uint32_t
cc_port(uint32_t round, uint32_t idx, uint32_t step)
{
	return round << 8 | idx << 2 | step;
}

static void
cc_note(struct cc *cc, _Atomic uint64_t *ctr, const char *what,
    uint32_t idx, int64_t v, uint32_t d, uint32_t cur)
{
	int expect = 0;

	atomic_fetch_add(ctr, 1);
	/* Only the first failure is described; cmocka cannot fail a thread. */
	if (atomic_compare_exchange_strong(&cc->noted, &expect, 1))
		snprintf(cc->why, sizeof(cc->why), "%s: label %u value %lld "
		    "(deleted round %u, writer round %u)", what, CC_BASE + idx,
		    (long long)v, d, cur);
}

static void *
cc_reader(void *arg)
{
	struct cc_reader *me = arg;
	struct cc *cc = me->cc;
	uint64_t n = 0, hits = 0, checks = 0;
	uint32_t i, d, cur, port, round;
	int64_t v;

	atomic_fetch_add(&cc->ready, 1);
	while (!atomic_load(&cc->done) && n < CC_READER_MAX) {
		for (i = 0; i < CC_NLABELS; i++, n++) {
			d = atomic_load_explicit(&cc->deleted[i],
			    memory_order_seq_cst);
			v = ltable_lookup(cc->rt, CC_BASE + i);
			cur = atomic_load_explicit(&cc->round,
			    memory_order_seq_cst);
			if (v == -1)
				continue;
			hits++;
			if (v < 0 || v > (int64_t)LTABLE_PORT_MAX) {
				cc_note(cc, &cc->bad, "out of range", i, v, d,
				    cur);
				continue;
			}
			port = (uint32_t)v;
			round = port >> 8;
			if ((port & 3) == 0 || (port & 3) == 3 ||
			    (port >> 2 & 63) != i || round == 0 ||
			    round > cur) {
				cc_note(cc, &cc->bad, "never written", i, v, d,
				    cur);
				continue;
			}
			if (d != 0)
				checks++;
			if (round <= d)
				cc_note(cc, &cc->stale, "found after delete",
				    i, v, d, cur);
		}
		/* Publish progress now and then, for the writer's stop rule. */
		atomic_store_explicit(&me->lookups, n, memory_order_relaxed);
		atomic_store_explicit(&me->hits, hits, memory_order_relaxed);
		atomic_store_explicit(&me->checks, checks,
		    memory_order_relaxed);
	}
	return NULL;
}

/* Every reader has seen values, and values after a delete flag. */
static int
cc_readers_busy(struct cc *cc)
{
	int i;

	for (i = 0; i < CC_READERS; i++)
		if (atomic_load_explicit(&cc->rd[i].hits,
		    memory_order_relaxed) == 0 ||
		    atomic_load_explicit(&cc->rd[i].checks,
		    memory_order_relaxed) == 0)
			return 0;
	return 1;
}

static void *
cc_writer(void *arg)
{
	struct cc *cc = arg;
	uint64_t start, el;
	uint32_t r, i = 0, L;
	int rc;

	while (atomic_load(&cc->ready) < CC_READERS)
		;
	start = clock_mono_ns();
	for (r = 1; r < CC_HARD_ROUNDS; r++) {
		atomic_store_explicit(&cc->round, r, memory_order_seq_cst);
		for (i = 0; i < CC_NLABELS; i++) {
			L = CC_BASE + i;
			/* Install by add and by set, in turn. */
			rc = (r + i) & 1 ? ltable_set(cc->wt, L,
			    cc_port(r, i, 1)) : ltable_add(cc->wt, L,
			    cc_port(r, i, 1));
			if (rc != LTABLE_OK)
				goto fail;
		}
		for (i = 0; i < CC_NLABELS; i++)
			if ((rc = ltable_set(cc->wt, CC_BASE + i,
			    cc_port(r, i, 2))) != LTABLE_OK)
				goto fail;
		if (cc->wt->count != CC_NLABELS) {
			rc = -100;
			goto fail;
		}
		for (i = 0; i < CC_NLABELS; i++) {
			if ((rc = ltable_del(cc->wt, CC_BASE + i)) !=
			    LTABLE_OK)
				goto fail;
			atomic_store_explicit(&cc->deleted[i], r,
			    memory_order_seq_cst);
		}
		if (cc->wt->count != 0) {
			rc = -101;
			goto fail;
		}
		if ((r & 255) == 0) {
			el = clock_mono_ns() - start;
			if (el >= CC_HARD_NS)
				break;
			if ((el >= CC_SOFT_NS || r >= CC_SOFT_ROUNDS) &&
			    cc_readers_busy(cc))
				break;
		}
	}
	cc->rounds = r;
	atomic_store(&cc->done, 1);
	return NULL;
fail:
	cc->rounds = r;
	cc_note(cc, &cc->bad, "writer failed", i, rc, 0, r);
	atomic_store(&cc->done, 1);
	return NULL;
}

static void
cc_run(struct ltable *wt, const struct ltable *rt)
{
	static struct cc cc;	/* large-ish, and threads share it */
	pthread_t wth, rth[CC_READERS];
	uint64_t lookups = 0;
	int i;

	memset(&cc, 0, sizeof(cc));
	cc.wt = wt;
	cc.rt = rt;
	for (i = 0; i < CC_READERS; i++) {
		cc.rd[i].cc = &cc;
		assert_int_equal(pthread_create(&rth[i], NULL, cc_reader,
		    &cc.rd[i]), 0);
	}
	assert_int_equal(pthread_create(&wth, NULL, cc_writer, &cc), 0);
	assert_int_equal(pthread_join(wth, NULL), 0);
	for (i = 0; i < CC_READERS; i++) {
		assert_int_equal(pthread_join(rth[i], NULL), 0);
		lookups += cc.rd[i].lookups;
	}
	print_message("    %u rounds, %llu lookups\n", cc.rounds,
	    (unsigned long long)lookups);
	if (atomic_load(&cc.bad) != 0 || atomic_load(&cc.stale) != 0)
		fail_msg("%llu bad, %llu stale; first: %s",
		    (unsigned long long)cc.bad, (unsigned long long)cc.stale,
		    cc.why);
	/* The test saw something: each reader found values and checked them. */
	assert_true(cc_readers_busy(&cc));
	/* Everything was deleted in the end. */
	assert_int_equal(wt->count, 0);
	for (i = 0; i < CC_NLABELS; i++)
		assert_int_equal(ltable_lookup(rt, CC_BASE + (uint32_t)i), -1);
}

static void
test_concurrent(void **state)
{
	struct ltable lt;

	(void)state;
	lt_init(&lt);
	cc_run(&lt, &lt);
	ltable_destroy(&lt);
}

/* The same with the readers on a second mapping of a shared table. */
static void
test_concurrent_fd(void **state)
{
	struct ltable w, r;
	int fd;

	(void)state;
	fd = memfd();
	assert_int_equal(ltable_init_fd(&w, fd, 1), LTABLE_OK);
	assert_int_equal(ltable_init_fd(&r, fd, 0), LTABLE_OK);
	cc_run(&w, &r);
	ltable_destroy(&r);
	ltable_destroy(&w);
	close(fd);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_add_lookup_del),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_set),
		cmocka_unit_test(test_strerror),
		cmocka_unit_test(test_mirror),
		cmocka_unit_test(test_walk),
		cmocka_unit_test(test_fill_all),
		cmocka_unit_test(test_fd_shared),
		cmocka_unit_test(test_fd_bad),
		cmocka_unit_test(test_concurrent),
		cmocka_unit_test(test_concurrent_fd),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
