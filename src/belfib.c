#include <sys/mman.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "belfib.h"

static void
belfib_stamp(struct belfib_hdr *h)
{
	uint32_t zero = 0;

	h->version = BELFIB_VERSION;
	h->slot_bytes = BELFIB_SLOT_BYTES;
	h->nslots = MPLS_LABEL_COUNT;
	/*
	 * Two processes may prepare a new file at once: both write the same
	 * fields, and the magic goes last so no one accepts a half header.
	 */
	atomic_compare_exchange_strong_explicit(&h->magic, &zero,
	    BELFIB_MAGIC, memory_order_release, memory_order_relaxed);
}

static int
belfib_hdr_ok(const struct belfib_hdr *h)
{
	return atomic_load_explicit(&h->magic, memory_order_acquire) ==
	    BELFIB_MAGIC && h->version == BELFIB_VERSION &&
	    h->slot_bytes == BELFIB_SLOT_BYTES &&
	    h->nslots == MPLS_LABEL_COUNT;
}

int
belfib_init(struct belfib *fib)
{
	void *m;

	memset(fib, 0, sizeof(*fib));
	fib->fd = -1;
	/* Zero-filled on demand: a sparse table costs only its pages. */
	m = mmap(NULL, BELFIB_BYTES, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (m == MAP_FAILED)
		return BELFIB_ENOMEM;
	fib->map = m;
	fib->hdr = m;
	fib->slot = (struct belfib_slot *)((uint8_t *)m + BELFIB_HDR_BYTES);
	fib->writer = 1;
	belfib_stamp(fib->hdr);
	return BELFIB_OK;
}

int
belfib_file_prepare(int fd)
{
	struct belfib_hdr *h;
	struct stat st;
	int rc = BELFIB_OK;

	if (fstat(fd, &st) == -1)
		return BELFIB_ENOMEM;
	/* Only ever grown: shrinking under a reader's mapping is SIGBUS. */
	if ((size_t)st.st_size < BELFIB_BYTES &&
	    ftruncate(fd, (off_t)BELFIB_BYTES) == -1)
		return BELFIB_ENOMEM;
	h = mmap(NULL, BELFIB_HDR_BYTES, PROT_READ | PROT_WRITE, MAP_SHARED,
	    fd, 0);
	if (h == MAP_FAILED)
		return BELFIB_ENOMEM;
	if (atomic_load_explicit(&h->magic, memory_order_acquire) == 0)
		belfib_stamp(h);
	if (!belfib_hdr_ok(h))
		rc = BELFIB_EFORMAT;
	munmap(h, BELFIB_HDR_BYTES);
	return rc;
}

/* The seqlock's write side; the caller is the table's only writer. */
static void
belfib_slot_write(struct belfib_slot *s, const uint32_t w[BELFIB_WORDS])
{
	uint32_t seq, i;

	seq = atomic_load_explicit(&s->seq, memory_order_relaxed);
	/* Odd already: a writer died inside this entry; stay odd, move on. */
	seq += (seq & 1) ? 2 : 1;
	atomic_store_explicit(&s->seq, seq, memory_order_relaxed);
	/* No word below may be seen by a reader that misses the odd count. */
	atomic_thread_fence(memory_order_release);
	for (i = 0; i < BELFIB_WORDS; i++)
		atomic_store_explicit(&s->w[i], w[i], memory_order_relaxed);
	atomic_store_explicit(&s->seq, seq + 1, memory_order_release);
	/*
	 * As ltable_del: a lookup that starts after we return must not be
	 * ordered before the store that ended the write.
	 */
	atomic_thread_fence(memory_order_seq_cst);
}

static uint8_t
belfib_slot_op(const struct belfib_slot *s)
{
	uint32_t w0;
	uint8_t b[sizeof(w0)];

	/* The writer reads its own stores: no tearing to fear.  op is the
	 * entry's first byte, so the first byte of the first word. */
	w0 = atomic_load_explicit(&s->w[0], memory_order_relaxed);
	memcpy(b, &w0, sizeof(b));
	return b[0];
}

/* Recounts and clears entries a dead writer left half written. */
static void
belfib_takeover_fn(uint32_t label, const struct belfib_entry *e, void *arg)
{
	struct belfib *fib = arg;
	static const uint32_t zero[BELFIB_WORDS];

	if (e->op == BELFIB_OP_NONE) {
		belfib_slot_write(&fib->slot[label], zero);
		return;
	}
	atomic_store_explicit(&fib->hdr->count,
	    atomic_load_explicit(&fib->hdr->count, memory_order_relaxed) + 1,
	    memory_order_relaxed);
}

int
belfib_init_fd(struct belfib *fib, int fd, int writer)
{
	struct stat st;
	void *m;
	int rc;

	memset(fib, 0, sizeof(*fib));
	fib->fd = -1;
	if (writer && (rc = belfib_file_prepare(fd)) != BELFIB_OK)
		return rc;
	if (fstat(fd, &st) == -1)
		return BELFIB_ENOMEM;
	/* A short file would be SIGBUS on first touch of its tail. */
	if ((size_t)st.st_size < BELFIB_BYTES)
		return BELFIB_EFORMAT;
	m = mmap(NULL, BELFIB_BYTES, writer ? PROT_READ | PROT_WRITE :
	    PROT_READ, MAP_SHARED | MAP_NORESERVE, fd, 0);
	if (m == MAP_FAILED)
		return BELFIB_ENOMEM;
	fib->map = m;
	fib->hdr = m;
	fib->slot = (struct belfib_slot *)((uint8_t *)m + BELFIB_HDR_BYTES);
	if (!belfib_hdr_ok(fib->hdr)) {
		belfib_destroy(fib);
		return BELFIB_EFORMAT;
	}
	fib->fd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	if (fib->fd == -1) {
		belfib_destroy(fib);
		return BELFIB_ENOMEM;
	}
	fib->writer = writer;
	if (writer) {
		atomic_store_explicit(&fib->hdr->count, 0,
		    memory_order_relaxed);
		belfib_walk(fib, belfib_takeover_fn, fib);
	}
	return BELFIB_OK;
}

void
belfib_destroy(struct belfib *fib)
{
	if (fib->map != NULL)
		munmap(fib->map, BELFIB_BYTES);
	if (fib->fd != -1)
		close(fib->fd);
	memset(fib, 0, sizeof(*fib));
	fib->fd = -1;
}

int
belfib_check(uint32_t label, const struct belfib_entry *e)
{
	if (label > MPLS_LABEL_MAX)
		return BELFIB_ERANGE;
	if (mpls_label_reserved(label))
		return BELFIB_ERESERVED;
	if ((e->op != BELFIB_OP_SWAP && e->op != BELFIB_OP_POP) ||
	    e->flags != 0 || e->pad != 0 || e->reserved != 0)
		return BELFIB_EOP;
	if (e->op == BELFIB_OP_SWAP && !mpls_label_sendable(e->out_label))
		return BELFIB_EOUTLABEL;
	if (!ether_addr_is_unicast(e->nh_mac) || ether_addr_is_zero(e->nh_mac))
		return BELFIB_EMAC;
	if (!ether_addr_is_unicast(e->src_mac))
		return BELFIB_EMAC;
	if (e->port > BELFIB_PORT_MAX)
		return BELFIB_EPORT;
	return BELFIB_OK;
}

static void
belfib_changed(struct belfib *fib, int dcount)
{
	struct belfib_hdr *h = fib->hdr;

	if (dcount != 0)
		atomic_store_explicit(&h->count, (uint32_t)((int64_t)
		    atomic_load_explicit(&h->count, memory_order_relaxed) +
		    dcount), memory_order_relaxed);
	atomic_store_explicit(&h->gen, atomic_load_explicit(&h->gen,
	    memory_order_relaxed) + 1, memory_order_release);
}

int
belfib_set(struct belfib *fib, uint32_t label, const struct belfib_entry *e)
{
	struct belfib_entry n;
	uint32_t w[BELFIB_WORDS];
	uint8_t old;
	int err;

	if ((err = belfib_check(label, e)) != BELFIB_OK)
		return err;
	n = *e;
	/* A pop has no outgoing label; store Implicit NULL for dumps. */
	if (n.op == BELFIB_OP_POP)
		n.out_label = MPLS_LABEL_IMPLNULL;
	memcpy(w, &n, sizeof(w));
	old = belfib_slot_op(&fib->slot[label]);
	belfib_slot_write(&fib->slot[label], w);
	belfib_changed(fib, old == BELFIB_OP_NONE ? 1 : 0);
	return BELFIB_OK;
}

int
belfib_del(struct belfib *fib, uint32_t label)
{
	static const uint32_t zero[BELFIB_WORDS];
	struct belfib_slot *s;
	uint8_t old;

	if (label > MPLS_LABEL_MAX)
		return BELFIB_ERANGE;
	if (mpls_label_reserved(label))
		return BELFIB_ERESERVED;
	s = &fib->slot[label];
	/* An odd count is a dead writer's half entry: clear it as well. */
	old = belfib_slot_op(s);
	if (old == BELFIB_OP_NONE &&
	    !(atomic_load_explicit(&s->seq, memory_order_relaxed) & 1))
		return BELFIB_ENOENT;
	belfib_slot_write(s, zero);
	belfib_changed(fib, old != BELFIB_OP_NONE ? -1 : 0);
	return BELFIB_OK;
}

uint32_t
belfib_count(const struct belfib *fib)
{
	return atomic_load_explicit(&fib->hdr->count, memory_order_relaxed);
}

const char *
belfib_strerror(int err)
{
	switch (err) {
	case BELFIB_OK:		return "success";
	case BELFIB_ERANGE:	return "label out of range (above 1048575)";
	case BELFIB_ERESERVED:	return "label reserved (0-15, RFC 3032)";
	case BELFIB_EOP:	return "operation must be swap or pop";
	case BELFIB_EOUTLABEL:	return "outgoing label cannot be sent "
				    "(reserved or out of range)";
	case BELFIB_EMAC:	return "next-hop MAC must be unicast and "
				    "non-zero, source MAC unicast";
	case BELFIB_EPORT:	return "port out of range (above 65535)";
	case BELFIB_ENOENT:	return "label not installed";
	case BELFIB_EBUSY:	return "entry is being written";
	case BELFIB_ENOMEM:	return "cannot size or map the table";
	case BELFIB_EFORMAT:	return "not a best-effort table of this "
				    "version";
	default:		return "unknown error";
	}
}

const char *
belfib_op_name(unsigned op)
{
	switch (op) {
	case BELFIB_OP_SWAP:	return "swap";
	case BELFIB_OP_POP:	return "pop";
	default:		return "none";
	}
}

static void
belfib_walk_range(const struct belfib *fib, uint32_t first, uint32_t end,
    void (*fn)(uint32_t, const struct belfib_entry *, void *), void *arg)
{
	struct belfib_entry e;
	const struct belfib_slot *s;
	uint32_t l;
	int rc;

	for (l = first; l < end; l++) {
		s = &fib->slot[l];
		/* Cheap skip of the common empty slot before a full read. */
		if (atomic_load_explicit(&s->seq, memory_order_relaxed) == 0)
			continue;
		rc = belfib_lookup(fib, l, &e);
		if (rc == BELFIB_ENOENT || rc == BELFIB_ERANGE)
			continue;
		if (rc == BELFIB_EBUSY)
			memset(&e, 0, sizeof(e));
		fn(l, &e, arg);
	}
}

void
belfib_walk(const struct belfib *fib,
    void (*fn)(uint32_t label, const struct belfib_entry *e, void *arg),
    void *arg)
{
	off_t data, hole, end = (off_t)BELFIB_BYTES;
	uint32_t first, last;

	if (fib->fd == -1) {
		belfib_walk_range(fib, 0, MPLS_LABEL_COUNT, fn, arg);
		return;
	}
	/*
	 * The file's data extents hold every slot ever written (tmpfs and
	 * the disk file systems keep holes where nothing was), so the walk
	 * costs what the table holds, not its 32 MiB.
	 */
	for (data = BELFIB_HDR_BYTES; data < end; data = hole) {
		data = lseek(fib->fd, data, SEEK_DATA);
		if (data == -1) {
			if (errno == ENXIO)
				return;		/* no data after this */
			/* No SEEK_DATA here: read it all. */
			belfib_walk_range(fib, 0, MPLS_LABEL_COUNT, fn, arg);
			return;
		}
		hole = lseek(fib->fd, data, SEEK_HOLE);
		if (hole == -1 || hole <= data || hole > end)
			hole = end;
		if (data < (off_t)BELFIB_HDR_BYTES)
			data = BELFIB_HDR_BYTES;
		if (data >= hole)
			continue;
		first = (uint32_t)(((size_t)data - BELFIB_HDR_BYTES) /
		    BELFIB_SLOT_BYTES);
		last = (uint32_t)(((size_t)hole - BELFIB_HDR_BYTES +
		    BELFIB_SLOT_BYTES - 1) / BELFIB_SLOT_BYTES);
		if (last > MPLS_LABEL_COUNT)
			last = MPLS_LABEL_COUNT;
		belfib_walk_range(fib, first, last, fn, arg);
	}
}
