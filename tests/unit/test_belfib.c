/*
 * The best-effort LFIB: entries in and out, every refusal, the walk, the
 * table shared through a file (sizing, header, takeover), a writer that
 * died mid-entry, and one writer against lock-free readers that must never
 * see a torn entry.
 */
#include <sys/mman.h>
#include <sys/stat.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <unistd.h>

#include "testutil.h"

#include "belfib.h"
#include "clock.h"

static const uint8_t NH[6] = { 0x02, 0, 0, 0, 2, 2 };
static const uint8_t SRC[6] = { 0x02, 0, 0, 0, 0xaa, 1 };

static struct belfib_entry
swap_to(uint32_t out, uint32_t port)
{
	struct belfib_entry e;

	memset(&e, 0, sizeof(e));
	e.op = BELFIB_OP_SWAP;
	e.out_label = out;
	e.port = port;
	memcpy(e.nh_mac, NH, sizeof(NH));
	return e;
}

static struct belfib_entry
pop_to(uint32_t port)
{
	struct belfib_entry e = swap_to(0, port);

	e.op = BELFIB_OP_POP;
	return e;
}

static int
memfd(void)
{
	int fd = memfd_create("belfib-test", MFD_CLOEXEC);

	assert_true(fd >= 0);
	return fd;
}

static void
test_layout(void **state)
{
	(void)state;
	assert_int_equal(sizeof(struct belfib_entry), 28);
	assert_int_equal(sizeof(struct belfib_slot), 32);
	assert_true(sizeof(struct belfib_hdr) <= BELFIB_HDR_BYTES);
	assert_int_equal(BELFIB_BYTES, 4096 + 32 * (size_t)MPLS_LABEL_COUNT);
}

static void
test_set_lookup_del(void **state)
{
	struct belfib fib;
	struct belfib_entry e, got;

	(void)state;
	assert_int_equal(belfib_init(&fib), BELFIB_OK);
	assert_int_equal(belfib_count(&fib), 0);
	assert_int_equal(belfib_lookup(&fib, 300, &got), BELFIB_ENOENT);
	assert_int_equal(belfib_lookup(&fib, 16, &got), BELFIB_ENOENT);

	e = swap_to(400, 1);
	memcpy(e.src_mac, SRC, sizeof(SRC));
	assert_int_equal(belfib_set(&fib, 300, &e), BELFIB_OK);
	assert_int_equal(belfib_lookup(&fib, 300, &got), BELFIB_OK);
	assert_memory_equal(&got, &e, sizeof(e));
	assert_int_equal(belfib_count(&fib), 1);
	/* Neighbours, also in the same cache line, are untouched. */
	assert_int_equal(belfib_lookup(&fib, 299, &got), BELFIB_ENOENT);
	assert_int_equal(belfib_lookup(&fib, 301, &got), BELFIB_ENOENT);

	/* Replace: the count stays. */
	e = swap_to(401, 0);
	assert_int_equal(belfib_set(&fib, 300, &e), BELFIB_OK);
	assert_int_equal(belfib_lookup(&fib, 300, &got), BELFIB_OK);
	assert_int_equal(got.out_label, 401);
	assert_int_equal(got.port, 0);
	assert_true(ether_addr_is_zero(got.src_mac));
	assert_int_equal(belfib_count(&fib), 1);

	/* A pop's outgoing label reads as Implicit NULL, whatever was given. */
	e = pop_to(BELFIB_PORT_MAX);
	e.out_label = 12345;
	assert_int_equal(belfib_set(&fib, MPLS_LABEL_MAX, &e), BELFIB_OK);
	assert_int_equal(belfib_lookup(&fib, MPLS_LABEL_MAX, &got), BELFIB_OK);
	assert_int_equal(got.op, BELFIB_OP_POP);
	assert_int_equal(got.out_label, MPLS_LABEL_IMPLNULL);
	assert_int_equal(got.port, BELFIB_PORT_MAX);
	assert_int_equal(belfib_count(&fib), 2);

	/* Explicit NULLs may be swapped to. */
	e = swap_to(MPLS_LABEL_IPV4NULL, 2);
	assert_int_equal(belfib_set(&fib, 16, &e), BELFIB_OK);
	e = swap_to(MPLS_LABEL_IPV6NULL, 2);
	assert_int_equal(belfib_set(&fib, 17, &e), BELFIB_OK);
	assert_int_equal(belfib_count(&fib), 4);

	assert_int_equal(belfib_del(&fib, 300), BELFIB_OK);
	assert_int_equal(belfib_lookup(&fib, 300, &got), BELFIB_ENOENT);
	assert_int_equal(belfib_del(&fib, 300), BELFIB_ENOENT);
	assert_int_equal(belfib_count(&fib), 3);
	/* Deleted, it comes back. */
	e = swap_to(402, 3);
	assert_int_equal(belfib_set(&fib, 300, &e), BELFIB_OK);
	assert_int_equal(belfib_lookup(&fib, 300, &got), BELFIB_OK);
	assert_int_equal(got.out_label, 402);
	assert_int_equal(belfib_count(&fib), 4);
	belfib_destroy(&fib);
	assert_null(fib.map);
	assert_int_equal(fib.fd, -1);
}

static void
test_errors(void **state)
{
	struct belfib fib;
	struct belfib_entry e, got;
	uint32_t l;

	(void)state;
	assert_int_equal(belfib_init(&fib), BELFIB_OK);
	e = swap_to(400, 1);
	assert_int_equal(belfib_set(&fib, 200, &e), BELFIB_OK);

	for (l = 0; l < 16; l++) {
		assert_int_equal(belfib_set(&fib, l, &e), BELFIB_ERESERVED);
		assert_int_equal(belfib_del(&fib, l), BELFIB_ERESERVED);
		assert_int_equal(belfib_lookup(&fib, l, &got), BELFIB_ENOENT);
	}
	assert_int_equal(belfib_set(&fib, MPLS_LABEL_COUNT, &e), BELFIB_ERANGE);
	assert_int_equal(belfib_del(&fib, MPLS_LABEL_COUNT), BELFIB_ERANGE);
	assert_int_equal(belfib_set(&fib, UINT32_MAX, &e), BELFIB_ERANGE);
	assert_int_equal(belfib_lookup(&fib, MPLS_LABEL_COUNT, &got),
	    BELFIB_ERANGE);
	assert_int_equal(belfib_lookup(&fib, UINT32_MAX, &got), BELFIB_ERANGE);

	e.op = BELFIB_OP_NONE;
	assert_int_equal(belfib_set(&fib, 201, &e), BELFIB_EOP);
	e.op = 3;
	assert_int_equal(belfib_set(&fib, 201, &e), BELFIB_EOP);
	e = swap_to(400, 1);
	e.flags = 1;
	assert_int_equal(belfib_set(&fib, 201, &e), BELFIB_EOP);
	e = swap_to(400, 1);
	e.reserved = 1;
	assert_int_equal(belfib_set(&fib, 201, &e), BELFIB_EOP);
	e = swap_to(400, 1);
	e.pad = 1;
	assert_int_equal(belfib_set(&fib, 201, &e), BELFIB_EOP);

	/* Implicit NULL means pop; Router Alert and co. are not sent. */
	e = swap_to(MPLS_LABEL_IMPLNULL, 1);
	assert_int_equal(belfib_set(&fib, 201, &e), BELFIB_EOUTLABEL);
	e = swap_to(MPLS_LABEL_RTALERT, 1);
	assert_int_equal(belfib_set(&fib, 201, &e), BELFIB_EOUTLABEL);
	e = swap_to(MPLS_LABEL_COUNT, 1);
	assert_int_equal(belfib_set(&fib, 201, &e), BELFIB_EOUTLABEL);

	e = swap_to(400, 1);
	e.nh_mac[0] = 0x01;			/* multicast */
	assert_int_equal(belfib_set(&fib, 201, &e), BELFIB_EMAC);
	memset(e.nh_mac, 0, sizeof(e.nh_mac));
	assert_int_equal(belfib_set(&fib, 201, &e), BELFIB_EMAC);
	memset(e.nh_mac, 0xff, sizeof(e.nh_mac));
	assert_int_equal(belfib_set(&fib, 201, &e), BELFIB_EMAC);
	e = swap_to(400, 1);
	e.src_mac[0] = 0x03;
	assert_int_equal(belfib_set(&fib, 201, &e), BELFIB_EMAC);

	e = swap_to(400, BELFIB_PORT_MAX + 1);
	assert_int_equal(belfib_set(&fib, 201, &e), BELFIB_EPORT);

	/* Nothing refused went in; the one good entry is intact. */
	assert_int_equal(belfib_lookup(&fib, 201, &got), BELFIB_ENOENT);
	assert_int_equal(belfib_count(&fib), 1);
	assert_int_equal(belfib_lookup(&fib, 200, &got), BELFIB_OK);
	assert_int_equal(got.out_label, 400);
	/* belfib_check says the same as set. */
	e = swap_to(400, 1);
	assert_int_equal(belfib_check(201, &e), BELFIB_OK);
	assert_int_equal(belfib_check(3, &e), BELFIB_ERESERVED);
	belfib_destroy(&fib);
}

static void
test_strerror(void **state)
{
	const char *s[12];
	int i, j;

	(void)state;
	for (i = 0; i < 11; i++) {
		s[i] = belfib_strerror(-i);
		assert_non_null(s[i]);
		assert_true(strlen(s[i]) > 0);
	}
	s[11] = belfib_strerror(-11);
	for (i = 0; i < 11; i++)
		for (j = i + 1; j < 12; j++)
			if (strcmp(s[i], s[j]) == 0)
				fail_msg("codes %d and %d share \"%s\"", -i, -j,
				    s[i]);
	assert_string_equal(belfib_strerror(1), s[11]);
	assert_string_equal(belfib_op_name(BELFIB_OP_SWAP), "swap");
	assert_string_equal(belfib_op_name(BELFIB_OP_POP), "pop");
	assert_string_equal(belfib_op_name(99), "none");
}

struct walk_rec {
	uint32_t	label[16];
	uint32_t	out[16];
	size_t		n;
	int		order_ok;
};

static void
walk_fn(uint32_t label, const struct belfib_entry *e, void *arg)
{
	struct walk_rec *w = arg;

	if (w->n > 0 && label <= w->label[(w->n - 1) % 16])
		w->order_ok = 0;
	w->label[w->n % 16] = label;
	w->out[w->n % 16] = e->out_label;
	w->n++;
}

static void
walk_check(struct belfib *fib)
{
	static const uint32_t in[] = { 70000, 16, MPLS_LABEL_MAX, 1000, 17,
	    524288, 999 };
	static const uint32_t sorted[] = { 16, 17, 999, 1000, 70000, 524288,
	    MPLS_LABEL_MAX };
	struct belfib_entry e;
	struct walk_rec w;
	size_t i;

	memset(&w, 0, sizeof(w));
	w.order_ok = 1;
	belfib_walk(fib, walk_fn, &w);
	assert_int_equal(w.n, 0);
	for (i = 0; i < nitems(in); i++) {
		e = swap_to(in[i] ^ 0x5555, 0);
		assert_int_equal(belfib_set(fib, in[i], &e), BELFIB_OK);
	}
	belfib_walk(fib, walk_fn, &w);
	assert_int_equal(w.n, nitems(sorted));
	assert_true(w.order_ok);
	for (i = 0; i < nitems(sorted); i++) {
		assert_int_equal(w.label[i], sorted[i]);
		assert_int_equal(w.out[i], sorted[i] ^ 0x5555);
	}
	assert_int_equal(belfib_del(fib, 999), BELFIB_OK);
	memset(&w, 0, sizeof(w));
	w.order_ok = 1;
	belfib_walk(fib, walk_fn, &w);
	assert_int_equal(w.n, nitems(sorted) - 1);
	assert_int_equal(w.label[2], 1000);
}

static void
test_walk_anon(void **state)
{
	struct belfib fib;

	(void)state;
	assert_int_equal(belfib_init(&fib), BELFIB_OK);
	walk_check(&fib);
	belfib_destroy(&fib);
}

static void
test_walk_file(void **state)
{
	struct belfib fib;
	struct stat st;
	int fd = memfd();

	(void)state;
	assert_int_equal(belfib_init_fd(&fib, fd, 1), BELFIB_OK);
	walk_check(&fib);
	/* Sparse: seven entries cost a few pages, not 32 MiB. */
	assert_int_equal(fstat(fd, &st), 0);
	assert_true(st.st_blocks * 512 < 256 * 1024);
	belfib_destroy(&fib);
	close(fd);
}

static void
test_fd_shared(void **state)
{
	struct belfib w, r, w2;
	struct belfib_entry e, got;
	struct stat st;
	int fd = memfd();

	(void)state;
	/* A reader of a blank file is refused, never SIGBUS. */
	assert_int_equal(belfib_init_fd(&r, fd, 0), BELFIB_EFORMAT);
	assert_null(r.map);
	assert_int_equal(belfib_init_fd(&w, fd, 1), BELFIB_OK);
	assert_int_equal(fstat(fd, &st), 0);
	assert_int_equal((size_t)st.st_size, BELFIB_BYTES);
	assert_int_equal(belfib_init_fd(&r, fd, 0), BELFIB_OK);
	assert_ptr_not_equal(r.slot, w.slot);

	e = swap_to(400, 1);
	assert_int_equal(belfib_set(&w, 300, &e), BELFIB_OK);
	assert_int_equal(belfib_lookup(&r, 300, &got), BELFIB_OK);
	assert_memory_equal(&got, &e, sizeof(e));
	e = pop_to(2);
	assert_int_equal(belfib_set(&w, 300, &e), BELFIB_OK);
	assert_int_equal(belfib_lookup(&r, 300, &got), BELFIB_OK);
	assert_int_equal(got.op, BELFIB_OP_POP);
	e = swap_to(500, 0);
	assert_int_equal(belfib_set(&w, 301, &e), BELFIB_OK);
	assert_int_equal(belfib_del(&w, 300), BELFIB_OK);
	assert_int_equal(belfib_lookup(&r, 300, &got), BELFIB_ENOENT);
	assert_int_equal(belfib_count(&r), 1);

	/* A writer taking over recounts and keeps the entries. */
	belfib_destroy(&w);
	assert_int_equal(belfib_init_fd(&w2, fd, 1), BELFIB_OK);
	assert_int_equal(belfib_count(&w2), 1);
	assert_int_equal(belfib_lookup(&w2, 301, &got), BELFIB_OK);
	assert_int_equal(got.out_label, 500);
	e = swap_to(600, 0);
	assert_int_equal(belfib_set(&w2, 302, &e), BELFIB_OK);
	assert_int_equal(belfib_lookup(&r, 302, &got), BELFIB_OK);
	assert_int_equal(belfib_count(&r), 2);
	/* prepare on a good file leaves it alone. */
	assert_int_equal(belfib_file_prepare(fd), BELFIB_OK);
	assert_int_equal(belfib_lookup(&r, 302, &got), BELFIB_OK);
	belfib_destroy(&w2);
	belfib_destroy(&r);
	close(fd);
}

static void
test_fd_bad(void **state)
{
	struct belfib fib;
	uint32_t v;
	int fd;

	(void)state;
	assert_int_equal(belfib_init_fd(&fib, -1, 1), BELFIB_ENOMEM);
	assert_int_equal(belfib_init_fd(&fib, -1, 0), BELFIB_ENOMEM);

	/* Another magic: refused by readers, writers and prepare. */
	fd = memfd();
	assert_int_equal(ftruncate(fd, (off_t)BELFIB_BYTES), 0);
	v = 0x12345678;
	assert_int_equal(pwrite(fd, &v, sizeof(v), 0), sizeof(v));
	assert_int_equal(belfib_init_fd(&fib, fd, 0), BELFIB_EFORMAT);
	assert_int_equal(belfib_init_fd(&fib, fd, 1), BELFIB_EFORMAT);
	assert_int_equal(belfib_file_prepare(fd), BELFIB_EFORMAT);
	close(fd);

	/* Right magic, another version. */
	fd = memfd();
	assert_int_equal(belfib_file_prepare(fd), BELFIB_OK);
	v = BELFIB_VERSION + 1;
	assert_int_equal(pwrite(fd, &v, sizeof(v), 4), sizeof(v));
	assert_int_equal(belfib_init_fd(&fib, fd, 0), BELFIB_EFORMAT);
	close(fd);

	/* Stamped but cut short: a reader must not map past the end. */
	fd = memfd();
	assert_int_equal(belfib_file_prepare(fd), BELFIB_OK);
	assert_int_equal(ftruncate(fd, BELFIB_BYTES - 4096), 0);
	assert_int_equal(belfib_init_fd(&fib, fd, 0), BELFIB_EFORMAT);
	/* prepare grows it back. */
	assert_int_equal(belfib_file_prepare(fd), BELFIB_OK);
	assert_int_equal(belfib_init_fd(&fib, fd, 0), BELFIB_OK);
	belfib_destroy(&fib);
	close(fd);
}

/* Simulates a writer killed between its two stores of the count. */
static void
forge_odd(struct belfib *fib, uint32_t label)
{
	_Atomic uint32_t *seq = &fib->slot[label].seq;

	atomic_store(seq, atomic_load(seq) + 1);
}

static void
test_dead_writer(void **state)
{
	struct belfib w, r, w2;
	struct belfib_entry e, got;
	int fd = memfd();

	(void)state;
	assert_int_equal(belfib_init_fd(&w, fd, 1), BELFIB_OK);
	assert_int_equal(belfib_init_fd(&r, fd, 0), BELFIB_OK);
	e = swap_to(400, 1);
	assert_int_equal(belfib_set(&w, 300, &e), BELFIB_OK);
	assert_int_equal(belfib_set(&w, 301, &e), BELFIB_OK);
	assert_int_equal(belfib_set(&w, 302, &e), BELFIB_OK);

	/* Readers give up (bounded) instead of spinning forever. */
	forge_odd(&w, 300);
	assert_int_equal(belfib_lookup(&r, 300, &got), BELFIB_EBUSY);
	assert_int_equal(belfib_lookup(&r, 301, &got), BELFIB_OK);
	/* The same writer's next set repairs the entry. */
	e = swap_to(401, 1);
	assert_int_equal(belfib_set(&w, 300, &e), BELFIB_OK);
	assert_int_equal(belfib_lookup(&r, 300, &got), BELFIB_OK);
	assert_int_equal(got.out_label, 401);
	assert_int_equal(belfib_count(&r), 3);
	/* So does a delete. */
	forge_odd(&w, 301);
	assert_int_equal(belfib_del(&w, 301), BELFIB_OK);
	assert_int_equal(belfib_lookup(&r, 301, &got), BELFIB_ENOENT);
	assert_int_equal(belfib_count(&r), 2);

	/* A new writer clears half-written entries as it takes over. */
	forge_odd(&w, 302);
	belfib_destroy(&w);
	assert_int_equal(belfib_lookup(&r, 302, &got), BELFIB_EBUSY);
	assert_int_equal(belfib_init_fd(&w2, fd, 1), BELFIB_OK);
	assert_int_equal(belfib_lookup(&r, 302, &got), BELFIB_ENOENT);
	assert_int_equal(belfib_lookup(&r, 300, &got), BELFIB_OK);
	assert_int_equal(belfib_count(&w2), 1);
	belfib_destroy(&w2);
	belfib_destroy(&r);
	close(fd);
}

/*
 * One writer, several readers, each with its own mapping of one file.
 *
 * Every entry the writer stores is derived from one 32-bit stamp k and its
 * label: the stamp is spread over the port, both MACs and the outgoing
 * label, so an entry made of words from two different writes does not pass
 * cc_valid().  Per label the writer's stamps only grow, so a reader must
 * also never see a stamp go back.  Now and then the writer deletes the
 * label first (readers may then miss it) or stores a pop.
 */
#define CC_NLABELS	6		/* two full cache lines and a bit */
#define CC_BASE		1000u
#define CC_READERS	3
#define CC_SOFT_NS	(NSEC_PER_SEC / 2)
#define CC_HARD_NS	(10 * NSEC_PER_SEC)
#define CC_MIN_WRITES	20000u

struct cc {
	int			fd;
	_Atomic int		stop;
	_Atomic uint64_t	writes;
};

struct cc_reader {
	struct cc	*cc;
	uint64_t	 lookups, hits, busy, torn, backwards;
	struct belfib_entry bad;
};

static struct belfib_entry
cc_entry(uint32_t k, uint32_t label)
{
	struct belfib_entry e;

	memset(&e, 0, sizeof(e));
	e.op = (k % 5 == 0) ? BELFIB_OP_POP : BELFIB_OP_SWAP;
	e.out_label = e.op == BELFIB_OP_POP ? MPLS_LABEL_IMPLNULL :
	    16 + (k % (MPLS_LABEL_MAX - 16));
	e.port = k & 0xffff;
	e.nh_mac[0] = 0x02;
	e.nh_mac[1] = (uint8_t)(k >> 24);
	e.nh_mac[2] = (uint8_t)(k >> 16);
	e.nh_mac[3] = (uint8_t)(k >> 8);
	e.nh_mac[4] = (uint8_t)k;
	e.nh_mac[5] = (uint8_t)label;
	e.src_mac[0] = 0x06;
	e.src_mac[1] = (uint8_t)~(k >> 24);
	e.src_mac[2] = (uint8_t)~(k >> 16);
	e.src_mac[3] = (uint8_t)~(k >> 8);
	e.src_mac[4] = (uint8_t)~k;
	e.src_mac[5] = (uint8_t)(label >> 8);
	return e;
}

/* The stamp of a valid entry for label, or 0 if it is not one. */
static uint32_t
cc_valid(const struct belfib_entry *e, uint32_t label)
{
	struct belfib_entry want;
	uint32_t k;

	k = (uint32_t)e->nh_mac[1] << 24 | (uint32_t)e->nh_mac[2] << 16 |
	    (uint32_t)e->nh_mac[3] << 8 | e->nh_mac[4];
	if (k == 0)
		return 0;
	want = cc_entry(k, label);
	return memcmp(&want, e, sizeof(want)) == 0 ? k : 0;
}

static void *
cc_write(void *arg)
{
	struct cc *cc = arg;
	struct belfib_entry e;
	struct belfib w;
	uint64_t start = clock_mono_ns(), now;
	uint32_t k, i;

	if (belfib_init_fd(&w, cc->fd, 1) != BELFIB_OK)
		return (void *)1;
	for (k = 1; ; k++) {
		for (i = 0; i < CC_NLABELS; i++) {
			if (k % 7 == 0)
				(void)belfib_del(&w, CC_BASE + i);
			e = cc_entry(k, CC_BASE + i);
			if (belfib_set(&w, CC_BASE + i, &e) != BELFIB_OK) {
				belfib_destroy(&w);
				return (void *)2;
			}
		}
		atomic_store(&cc->writes, k);
		if ((k & 255) != 0)
			continue;
		now = clock_mono_ns();
		if ((now - start > CC_SOFT_NS && k >= CC_MIN_WRITES) ||
		    now - start > CC_HARD_NS)
			break;
	}
	atomic_store(&cc->stop, 1);
	belfib_destroy(&w);
	return NULL;
}

static void *
cc_read(void *arg)
{
	struct cc_reader *rd = arg;
	uint32_t last[CC_NLABELS] = { 0 }, k, i;
	struct belfib_entry e;
	struct belfib r;
	int rc;

	if (belfib_init_fd(&r, rd->cc->fd, 0) != BELFIB_OK)
		return (void *)1;
	while (!atomic_load(&rd->cc->stop)) {
		for (i = 0; i < CC_NLABELS; i++) {
			rd->lookups++;
			rc = belfib_lookup(&r, CC_BASE + i, &e);
			if (rc == BELFIB_EBUSY) {
				rd->busy++;
				continue;
			}
			if (rc != BELFIB_OK)
				continue;
			rd->hits++;
			if ((k = cc_valid(&e, CC_BASE + i)) == 0) {
				if (rd->torn++ == 0)
					rd->bad = e;
				continue;
			}
			if (k < last[i])
				rd->backwards++;
			last[i] = k;
		}
	}
	belfib_destroy(&r);
	return NULL;
}

static void
test_concurrent(void **state)
{
	struct cc_reader rd[CC_READERS];
	pthread_t wt, rt[CC_READERS];
	struct belfib init;
	struct cc cc;
	void *ret;
	int i;

	(void)state;
	memset(&cc, 0, sizeof(cc));
	cc.fd = memfd();
	/* Sized and stamped before the readers map it. */
	assert_int_equal(belfib_init_fd(&init, cc.fd, 1), BELFIB_OK);
	belfib_destroy(&init);
	memset(rd, 0, sizeof(rd));
	for (i = 0; i < CC_READERS; i++) {
		rd[i].cc = &cc;
		assert_int_equal(pthread_create(&rt[i], NULL, cc_read, &rd[i]),
		    0);
	}
	assert_int_equal(pthread_create(&wt, NULL, cc_write, &cc), 0);
	assert_int_equal(pthread_join(wt, &ret), 0);
	assert_null(ret);
	for (i = 0; i < CC_READERS; i++) {
		assert_int_equal(pthread_join(rt[i], &ret), 0);
		assert_null(ret);
	}
	for (i = 0; i < CC_READERS; i++) {
		printf("  reader %d: %llu lookups, %llu hits, %llu busy, "
		    "%llu torn, %llu backwards (writer: %llu rounds)\n", i,
		    (unsigned long long)rd[i].lookups,
		    (unsigned long long)rd[i].hits,
		    (unsigned long long)rd[i].busy,
		    (unsigned long long)rd[i].torn,
		    (unsigned long long)rd[i].backwards,
		    (unsigned long long)atomic_load(&cc.writes));
		if (rd[i].torn > 0)
			fail_msg("reader %d saw %llu torn entries, e.g. port "
			    "%u out %u", i, (unsigned long long)rd[i].torn,
			    rd[i].bad.port, rd[i].bad.out_label);
		assert_int_equal(rd[i].backwards, 0);
		/* The test means something only if readers raced writes. */
		assert_true(rd[i].hits > 1000);
	}
	assert_true(atomic_load(&cc.writes) > 1000);
	close(cc.fd);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_set_lookup_del),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_strerror),
		cmocka_unit_test(test_walk_anon),
		cmocka_unit_test(test_walk_file),
		cmocka_unit_test(test_fd_shared),
		cmocka_unit_test(test_fd_bad),
		cmocka_unit_test(test_dead_writer),
		cmocka_unit_test(test_concurrent),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
