/*
 * The MPLS label demux table: incoming label -> port (a routelet's VIF).
 *
 * The QuaSAR prototype hashed the label; we index an array by it, as Linux
 * MPLS does.  The 20-bit label space makes that 2^20 four-byte entries (4 MiB
 * of address space, touched only where labels are installed), and it gives
 * what a hash only gives on average: one load per lookup, no collisions, no
 * probing, nothing to rehash.
 *
 * Concurrency: one writer, any number of readers, no locks.  An entry is a
 * single aligned 32-bit word (0 = empty, else port + 1) written with a
 * release store and read with an acquire load, so a reader sees the old or
 * the new value of an entry, never a torn one, and once ltable_del() has
 * returned no lookup that starts afterwards finds the label.  The storage
 * can be a shared mapping, so the writer (quasard) and the readers
 * (quasar-demux) may be different processes.
 */
#ifndef Q_LTABLE_H
#define Q_LTABLE_H

#include <stdatomic.h>
#include <stdint.h>

#include "mpls.h"

#define LTABLE_PORT_MAX		0xfffffffeu
/* What a mirror is told for a label taken out. */
#define LTABLE_NOPORT		0xffffffffu

enum ltable_err {
	LTABLE_OK = 0,
	LTABLE_ERANGE = -1,	/* label above 2^20 - 1 */
	LTABLE_ERESERVED = -2,	/* label 0-15, reserved by RFC 3032 */
	LTABLE_EPORT = -3,	/* port out of range */
	LTABLE_EEXIST = -4,	/* label already installed */
	LTABLE_ENOENT = -5,	/* label not installed */
	LTABLE_ENOMEM = -6,
	LTABLE_EMIRROR = -7,	/* the mirror refused (see ltable_add) */
};

struct ltable {
	_Atomic uint32_t	*ent;		/* MPLS_LABEL_COUNT entries */
	void			*map;		/* the mapping behind ent */
	uint32_t		 count;		/* installed; writer's view */
	int			 shared;
	/*
	 * Writer only, optional: a copy kept elsewhere (the XDP label map,
	 * src/lmap.h), told of each change before the call returns.  It
	 * returns 0, or -1 having changed nothing.
	 */
	int			(*mirror)(void *arg, uint32_t label,
				    uint32_t port);
	void			*mirror_arg;
};

/* Private table in anonymous memory. */
int		 ltable_init(struct ltable *lt);
/*
 * Table in the file fd (a memfd or a file under /dev/shm), sized and shared;
 * another process maps the same fd or path to read it.
 */
int		 ltable_init_fd(struct ltable *lt, int fd, int writer);
void		 ltable_destroy(struct ltable *lt);

/*
 * With a mirror, add and set change nothing and return LTABLE_EMIRROR if
 * the mirror refuses; del takes the label out of the table whatever the
 * mirror says, and returns LTABLE_EMIRROR if it refused.
 */
int		 ltable_add(struct ltable *lt, uint32_t label, uint32_t port);
/* Installs or moves a label to port in one store. */
int		 ltable_set(struct ltable *lt, uint32_t label, uint32_t port);
int		 ltable_del(struct ltable *lt, uint32_t label);
const char	*ltable_strerror(int err);

/* Port for label, or -1 if none is installed. */
static inline int64_t
ltable_lookup(const struct ltable *lt, uint32_t label)
{
	uint32_t v;

	if (label > MPLS_LABEL_MAX)
		return -1;
	v = atomic_load_explicit(&lt->ent[label], memory_order_acquire);
	return (int64_t)v - 1;
}

/* Calls fn for each installed label, in label order; for dumps. */
void		 ltable_walk(const struct ltable *lt,
		    void (*fn)(uint32_t label, uint32_t port, void *arg),
		    void *arg);

#endif
