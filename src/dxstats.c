#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dxstats.h"

const struct counter_desc dxs_ctr_desc[DXS_C_COUNT] = {
#define DXS_CTR_DESC(n, d)	{ #n, d },
	DXSTATS_COUNTERS(DXS_CTR_DESC)
#undef DXS_CTR_DESC
};

struct dxstats *
dxstats_create(const char *path, int *fd_r)
{
	struct dxstats *st;
	struct stat sb;
	unsigned i;
	int fd, saved;

	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd == -1)
		return NULL;
	if (flock(fd, LOCK_EX | LOCK_NB) == -1)
		goto fail;
	if (fstat(fd, &sb) == -1)
		goto fail;
	/* Grown or cut to this version's size; readers re-check size. */
	if (sb.st_size != (off_t)sizeof(*st) &&
	    ftruncate(fd, (off_t)sizeof(*st)) == -1)
		goto fail;
	st = mmap(NULL, sizeof(*st), PROT_READ | PROT_WRITE, MAP_SHARED, fd,
	    0);
	if (st == MAP_FAILED)
		goto fail;
	/* Unpublished while we reset it, so no reader mixes two runs. */
	atomic_store_explicit(&st->magic, 0, memory_order_release);
	for (i = 0; i < DXS_C_COUNT; i++)
		atomic_store_explicit(&st->ctr[i], 0, memory_order_relaxed);
	for (i = 0; i < DXSTATS_MAX_PORTS; i++) {
		memset(st->port[i].name, 0, sizeof(st->port[i].name));
		st->port[i].ifindex = 0;
		atomic_store_explicit(&st->port[i].rx, 0,
		    memory_order_relaxed);
		atomic_store_explicit(&st->port[i].tx, 0,
		    memory_order_relaxed);
	}
	st->version = DXSTATS_VERSION;
	st->size = sizeof(*st);
	st->nctr = DXS_C_COUNT;
	st->pid = (int32_t)getpid();
	st->nports = 0;
	st->started = (uint64_t)time(NULL);
	atomic_store_explicit(&st->heartbeat_ns, 0, memory_order_relaxed);
	atomic_store_explicit(&st->running, 1, memory_order_relaxed);
	*fd_r = fd;
	return st;
fail:
	saved = errno;
	close(fd);
	errno = saved;
	return NULL;
}

void
dxstats_publish(struct dxstats *st)
{
	atomic_store_explicit(&st->magic, DXSTATS_MAGIC, memory_order_release);
}

void
dxstats_close(struct dxstats *st, int fd)
{
	if (st != NULL) {
		atomic_store_explicit(&st->running, 0, memory_order_release);
		munmap(st, sizeof(*st));
	}
	if (fd != -1)
		close(fd);
}

const struct dxstats *
dxstats_open(const char *path)
{
	const struct dxstats *st;
	struct stat sb;
	int fd, saved;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return NULL;
	if (fstat(fd, &sb) == -1)
		goto fail;
	if (sb.st_size < (off_t)sizeof(*st)) {
		errno = EPROTO;
		goto fail;
	}
	st = mmap(NULL, sizeof(*st), PROT_READ, MAP_SHARED, fd, 0);
	if (st == MAP_FAILED)
		goto fail;
	close(fd);
	if (atomic_load_explicit(&st->magic, memory_order_acquire) !=
	    DXSTATS_MAGIC || st->version != DXSTATS_VERSION ||
	    st->size != sizeof(*st) || st->nctr != DXS_C_COUNT) {
		munmap((void *)(uintptr_t)st, sizeof(*st));
		errno = EPROTO;
		return NULL;
	}
	return st;
fail:
	saved = errno;
	close(fd);
	errno = saved;
	return NULL;
}

void
dxstats_unmap(const struct dxstats *st)
{
	if (st != NULL)
		munmap((void *)(uintptr_t)st, sizeof(*st));
}

static unsigned
dxstats_nports(const struct dxstats *st)
{
	return st->nports < DXSTATS_MAX_PORTS ? st->nports :
	    DXSTATS_MAX_PORTS;
}

void
dxstats_dump_text(FILE *f, const struct dxstats *st, int skip_zero)
{
	const struct dxstats_port *p;
	unsigned i;

	ctr_dump_text(f, dxs_ctr_desc, st->ctr, DXS_C_COUNT, skip_zero);
	for (i = 0; i < dxstats_nports(st); i++) {
		p = &st->port[i];
		fprintf(f, "port%-2u %-12.*s rx %12" PRIu64 "  tx %12" PRIu64
		    "\n", i, DXSTATS_NAME_LEN, p->name, ctr_get(&p->rx),
		    ctr_get(&p->tx));
	}
}

/*
 * Interface names may hold quotes and backslashes (the kernel refuses only
 * '/', ':' and white space), so they are escaped.  They are bytes, not
 * UTF-8, and the file is another process's: a byte above 0x7e is written
 * as the code point of the same number, so the JSON stays valid whatever
 * the name holds and a reader gets the bytes back by Latin-1.
 */
static void
dxstats_json_name(FILE *f, const char *s, size_t max)
{
	unsigned char c;
	size_t i;

	fputc('"', f);
	for (i = 0; i < max && s[i] != '\0'; i++) {
		c = (unsigned char)s[i];
		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20 || c > 0x7e)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

void
dxstats_dump_json(FILE *f, const struct dxstats *st)
{
	const struct dxstats_port *p;
	unsigned i;

	fprintf(f, "{\"pid\":%" PRId32 ",\"running\":%u,\"counters\":",
	    st->pid, (unsigned)atomic_load_explicit(&st->running,
	    memory_order_acquire));
	ctr_dump_json(f, dxs_ctr_desc, st->ctr, DXS_C_COUNT);
	fputs(",\"ports\":[", f);
	for (i = 0; i < dxstats_nports(st); i++) {
		p = &st->port[i];
		fprintf(f, "%s{\"name\":", i ? "," : "");
		dxstats_json_name(f, p->name, DXSTATS_NAME_LEN);
		fprintf(f, ",\"ifindex\":%" PRId32 ",\"rx\":%" PRIu64
		    ",\"tx\":%" PRIu64 "}", p->ifindex, ctr_get(&p->rx),
		    ctr_get(&p->tx));
	}
	fputs("]}", f);
}
