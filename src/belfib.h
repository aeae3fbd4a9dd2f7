/*
 * The best-effort LFIB: dom0's shared label switch table, the QuaSAR
 * paper's "Q-BE" router.  LSPs without a QoS reservation get no routelet;
 * quasar-demux switches their frames itself from this table.
 *
 *   label -> { swap out-label | pop, next-hop MAC, source MAC, port }
 *
 * TTL handling is the uniform model of RFC 3443: the decremented TTL goes
 * into the new top entry (swap), the exposed entry (pop above the bottom)
 * or the IP header (penultimate-hop pop).
 *
 * Storage is shaped like the ltable's: an array indexed by label, 2^20
 * slots of 32 bytes after a one-page header, 32 MiB of address space that a
 * sparse table only touches where labels are installed.  It may live in a
 * file so the writer (quasard, or quasar-demux's "be" subcommand) and the
 * reader (quasar-demux's data path) are different processes.
 *
 * Concurrency: one writer, any number of readers, no locks for readers.  An
 * entry is seven words, too wide for one store, so each slot carries a
 * sequence counter (a seqlock): the writer makes it odd, stores the words,
 * then makes it even again with release; a reader loads it (acquire), copies
 * the words, and accepts the copy only if the counter was even and did not
 * change.  Every field is an atomic accessed relaxed, with the fences of
 * Boehm's "Can seqlocks get along with programming language memory models?"
 * (MSPC 2012), so the protocol is data-race free in C11 terms.
 *
 * A writer that dies between the two stores leaves the counter odd.  Readers
 * therefore retry a bounded number of times and then report BELFIB_EBUSY
 * (the demux drops that frame and counts it) instead of spinning forever,
 * and the next writer to set or delete the entry repairs it.
 */
#ifndef Q_BELFIB_H
#define Q_BELFIB_H

#include <assert.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "ether.h"
#include "mpls.h"

#define BELFIB_MAGIC		0x51424546u	/* "QBEF" */
#define BELFIB_VERSION		1u
#define BELFIB_HDR_BYTES	4096u
#define BELFIB_WORDS		7u
#define BELFIB_SLOT_BYTES	32u
#define BELFIB_BYTES		((size_t)BELFIB_HDR_BYTES + \
			    (size_t)MPLS_LABEL_COUNT * BELFIB_SLOT_BYTES)
#define BELFIB_PORT_MAX		0xffffu
/*
 * Reader attempts on a slot whose counter is odd or moves under it.  A
 * writer holds a slot for a few stores, so a live one is waited out in a
 * few iterations; this bound only matters for a writer preempted or killed
 * mid-entry.
 */
#define BELFIB_READ_TRIES	256u

enum belfib_op {
	BELFIB_OP_NONE = 0,	/* empty slot */
	BELFIB_OP_SWAP = 1,
	BELFIB_OP_POP = 2,
};

enum belfib_err {
	BELFIB_OK = 0,
	BELFIB_ERANGE = -1,	/* label above 2^20 - 1 */
	BELFIB_ERESERVED = -2,	/* label 0-15 */
	BELFIB_EOP = -3,	/* op not swap or pop, or flags set */
	BELFIB_EOUTLABEL = -4,	/* swap to a label that cannot be sent */
	BELFIB_EMAC = -5,	/* next hop not unicast, or bad source */
	BELFIB_EPORT = -6,	/* port above BELFIB_PORT_MAX */
	BELFIB_ENOENT = -7,	/* label not installed */
	BELFIB_EBUSY = -8,	/* reader: entry being written; retry */
	BELFIB_ENOMEM = -9,	/* cannot size or map the table */
	BELFIB_EFORMAT = -10,	/* file is not a belfib of this version */
};

/*
 * One entry as the API passes it.  Its bytes are the slot's seven words, so
 * the layout is fixed (static_assert below) and the same in every process
 * on the machine.
 */
struct belfib_entry {
	uint8_t		op;		/* enum belfib_op */
	uint8_t		flags;		/* none defined; must be 0 */
	uint16_t	pad;		/* 0 */
	uint32_t	out_label;	/* swap: the new top label */
	uint32_t	port;		/* output: the demux's n-th port */
	uint8_t		nh_mac[ETHER_ADDR_LEN];
	uint8_t		src_mac[ETHER_ADDR_LEN]; /* zero: the port's own */
	uint32_t	reserved;	/* 0 */
};
static_assert(sizeof(struct belfib_entry) == BELFIB_WORDS * 4,
    "belfib_entry must be exactly the slot's payload words");

struct belfib_slot {
	_Atomic uint32_t	seq;		/* odd while being written */
	_Atomic uint32_t	w[BELFIB_WORDS];
};
static_assert(sizeof(struct belfib_slot) == BELFIB_SLOT_BYTES,
    "a slot is 32 bytes, two to a cache line");

struct belfib_hdr {
	_Atomic uint32_t	magic;		/* stored last, with release */
	uint32_t		version;
	uint32_t		slot_bytes;
	uint32_t		nslots;
	_Atomic uint32_t	count;		/* installed; the writer's */
	uint32_t		pad;
	_Atomic uint64_t	gen;		/* bumped by every change */
};

struct belfib {
	struct belfib_hdr	*hdr;
	struct belfib_slot	*slot;		/* MPLS_LABEL_COUNT slots */
	void			*map;
	int			 fd;		/* walk's SEEK_DATA, or -1 */
	int			 writer;
};

/* Private table in anonymous memory (tests, a single process). */
int		 belfib_init(struct belfib *fib);
/*
 * Table in the file fd.  A writer sizes the file and stamps the header if
 * the file is new, then maps it read-write and recounts the entries (a
 * writer taking over from a dead one trusts nothing it left).  A reader
 * maps read-only and wants a file that belfib_file_prepare() (or a writer)
 * has already sized and stamped.  fd is duplicated; the caller may close it.
 */
int		 belfib_init_fd(struct belfib *fib, int fd, int writer);
/* Sizes fd's file and stamps the header if it is blank; leaves the rest. */
int		 belfib_file_prepare(int fd);
void		 belfib_destroy(struct belfib *fib);

/* Whether e may be installed for label: the checks set() makes. */
int		 belfib_check(uint32_t label, const struct belfib_entry *e);
/* Installs or replaces label's entry.  Writer only. */
int		 belfib_set(struct belfib *fib, uint32_t label,
		    const struct belfib_entry *e);
int		 belfib_del(struct belfib *fib, uint32_t label);
uint32_t	 belfib_count(const struct belfib *fib);
const char	*belfib_strerror(int err);
const char	*belfib_op_name(unsigned op);

static inline void
belfib_cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__)
	__asm__ __volatile__("yield");
#endif
}

/*
 * Copies label's entry to *e.  BELFIB_OK, BELFIB_ENOENT, BELFIB_ERANGE, or
 * BELFIB_EBUSY when the entry did not hold still for BELFIB_READ_TRIES
 * attempts (*e is then undefined).  Inline: this is the data path.
 */
static inline int
belfib_lookup(const struct belfib *fib, uint32_t label,
    struct belfib_entry *e)
{
	const struct belfib_slot *s;
	uint32_t w[BELFIB_WORDS], s0, s1;
	unsigned tries, i;

	if (label > MPLS_LABEL_MAX)
		return BELFIB_ERANGE;
	s = &fib->slot[label];
	for (tries = 0; tries < BELFIB_READ_TRIES; tries++) {
		s0 = atomic_load_explicit(&s->seq, memory_order_acquire);
		if (s0 & 1) {
			belfib_cpu_relax();
			continue;
		}
		for (i = 0; i < BELFIB_WORDS; i++)
			w[i] = atomic_load_explicit(&s->w[i],
			    memory_order_relaxed);
		/* Orders the copy before the re-check of the counter. */
		atomic_thread_fence(memory_order_acquire);
		s1 = atomic_load_explicit(&s->seq, memory_order_relaxed);
		if (s0 != s1)
			continue;
		memcpy(e, w, sizeof(*e));
		return e->op == BELFIB_OP_NONE ? BELFIB_ENOENT : BELFIB_OK;
	}
	return BELFIB_EBUSY;
}

/*
 * Calls fn for each installed label, in label order, with a consistent copy
 * of its entry.  On a file-backed table only the file's data extents are
 * read, so a walk neither costs nor allocates the unused 32 MiB.  An entry
 * that stays busy is reported with op BELFIB_OP_NONE.
 */
void		 belfib_walk(const struct belfib *fib,
		    void (*fn)(uint32_t label, const struct belfib_entry *e,
		    void *arg), void *arg);

#endif
