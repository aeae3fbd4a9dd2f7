#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ltable.h"

#define LTABLE_BYTES	((size_t)MPLS_LABEL_COUNT * sizeof(uint32_t))

int
ltable_init(struct ltable *lt)
{
	void *m;

	memset(lt, 0, sizeof(*lt));
	/* Zero-filled on demand: a sparse table costs only the pages it uses. */
	m = mmap(NULL, LTABLE_BYTES, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (m == MAP_FAILED)
		return LTABLE_ENOMEM;
	lt->map = m;
	lt->ent = m;
	return LTABLE_OK;
}

int
ltable_init_fd(struct ltable *lt, int fd, int writer)
{
	struct stat st;
	void *m;
	uint32_t i;

	memset(lt, 0, sizeof(*lt));
	if (writer && ftruncate(fd, (off_t)LTABLE_BYTES) == -1)
		return LTABLE_ENOMEM;
	/*
	 * A reader may come before the writer has sized the file, and
	 * touching a shared mapping past the end of its file is SIGBUS.
	 */
	if (fstat(fd, &st) == -1 || st.st_size < (off_t)LTABLE_BYTES)
		return LTABLE_ENOMEM;
	m = mmap(NULL, LTABLE_BYTES, writer ? PROT_READ | PROT_WRITE :
	    PROT_READ, MAP_SHARED, fd, 0);
	if (m == MAP_FAILED)
		return LTABLE_ENOMEM;
	lt->map = m;
	lt->ent = m;
	lt->shared = 1;
	/* A writer that takes over a table learns its count from it. */
	for (i = 0; i < MPLS_LABEL_COUNT; i++)
		if (atomic_load_explicit(&lt->ent[i], memory_order_relaxed))
			lt->count++;
	return LTABLE_OK;
}

void
ltable_destroy(struct ltable *lt)
{
	if (lt->map != NULL)
		munmap(lt->map, LTABLE_BYTES);
	memset(lt, 0, sizeof(*lt));
}

static int
ltable_check(uint32_t label, uint32_t port)
{
	if (label > MPLS_LABEL_MAX)
		return LTABLE_ERANGE;
	if (mpls_label_reserved(label))
		return LTABLE_ERESERVED;
	if (port > LTABLE_PORT_MAX)
		return LTABLE_EPORT;
	return LTABLE_OK;
}

int
ltable_add(struct ltable *lt, uint32_t label, uint32_t port)
{
	int err;

	if ((err = ltable_check(label, port)) != LTABLE_OK)
		return err;
	if (atomic_load_explicit(&lt->ent[label], memory_order_relaxed) != 0)
		return LTABLE_EEXIST;
	atomic_store_explicit(&lt->ent[label], port + 1, memory_order_release);
	if (lt->mirror != NULL && lt->mirror(lt->mirror_arg, label, port)) {
		atomic_store_explicit(&lt->ent[label], 0, memory_order_seq_cst);
		return LTABLE_EMIRROR;
	}
	lt->count++;
	return LTABLE_OK;
}

int
ltable_set(struct ltable *lt, uint32_t label, uint32_t port)
{
	uint32_t old;
	int err;

	if ((err = ltable_check(label, port)) != LTABLE_OK)
		return err;
	old = atomic_exchange_explicit(&lt->ent[label], port + 1,
	    memory_order_acq_rel);
	if (lt->mirror != NULL && lt->mirror(lt->mirror_arg, label, port)) {
		atomic_store_explicit(&lt->ent[label], old,
		    memory_order_seq_cst);
		return LTABLE_EMIRROR;
	}
	if (old == 0)
		lt->count++;
	return LTABLE_OK;
}

int
ltable_del(struct ltable *lt, uint32_t label)
{
	int err;

	if ((err = ltable_check(label, 0)) != LTABLE_OK)
		return err;
	/*
	 * seq_cst, not release: a lookup that begins after we return must
	 * not be ordered before this store.
	 */
	if (atomic_exchange_explicit(&lt->ent[label], 0,
	    memory_order_seq_cst) == 0)
		return LTABLE_ENOENT;
	lt->count--;
	/* Both out before we return: the caller may pause its routelet. */
	if (lt->mirror != NULL &&
	    lt->mirror(lt->mirror_arg, label, LTABLE_NOPORT))
		return LTABLE_EMIRROR;
	return LTABLE_OK;
}

const char *
ltable_strerror(int err)
{
	switch (err) {
	case LTABLE_OK:		return "success";
	case LTABLE_ERANGE:	return "label out of range (above 1048575)";
	case LTABLE_ERESERVED:	return "label reserved (0-15, RFC 3032)";
	case LTABLE_EPORT:	return "port out of range";
	case LTABLE_EEXIST:	return "label already installed";
	case LTABLE_ENOENT:	return "label not installed";
	case LTABLE_ENOMEM:	return "cannot map the label table";
	case LTABLE_EMIRROR:	return "the XDP label map could not be updated";
	default:		return "unknown error";
	}
}

void
ltable_walk(const struct ltable *lt,
    void (*fn)(uint32_t label, uint32_t port, void *arg), void *arg)
{
	uint32_t i, v;

	for (i = MPLS_LABEL_FIRST_UNRESERVED; i < MPLS_LABEL_COUNT; i++) {
		v = atomic_load_explicit(&lt->ent[i], memory_order_acquire);
		if (v != 0)
			fn(i, v - 1, arg);
	}
}
