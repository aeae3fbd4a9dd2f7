/*
 * The state files one process writes and another maps (src/qstate.h):
 * belfib and ltable (quasard writes, quasar-demux maps) and demux.stats
 * (the demux writes, quasard and quasarctl map).  Their bytes are drawn
 * from the input and written into a state directory of the harness's own,
 * then each is opened the way its reader opens it and read through.
 *
 * Input: a byte of which files to write and how long (bit 1: an ltable,
 * bit 2: a stats file), then the belfib's
 * header (32 bytes) and slots (label, 32 bytes each), the ltable's words
 * (label, value), and the stats file's bytes.
 *
 * Invariants: a file is refused or read whole, never past its end;
 * lookups and walks agree; the stats' JSON names hold no raw byte a JSON
 * reader could refuse.
 */
#include <fcntl.h>
#include <stdatomic.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dxstats.h"
#include "fuzz.h"
#include "qstate.h"

static char dir[64];
static char bpath[96], lpath[96], spath[96];

static void
cleanup(void)
{
	unlink(bpath);
	unlink(lpath);
	unlink(spath);
	rmdir(dir);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fz_state_dir("qstate", dir, sizeof(dir));
	atexit(cleanup);
	snprintf(bpath, sizeof(bpath), "%s/%s", dir, QSTATE_BELFIB);
	snprintf(lpath, sizeof(lpath), "%s/%s", dir, QSTATE_LTABLE);
	snprintf(spath, sizeof(spath), "%s/%s", dir, DXSTATS_FILE);
	return 0;
}

static void
put(int fd, const void *p, size_t n, off_t off)
{
	if (n > 0 && pwrite(fd, p, n, off) != (ssize_t)n)
		abort();
}

struct walk {
	const struct belfib	*fib;
	uint32_t		 n;
	uint32_t		 last;
};

static void
walk_fn(uint32_t label, const struct belfib_entry *e, void *arg)
{
	struct walk *w = arg;
	struct belfib_entry again;
	int rc;

	FZ_CHECK(label <= MPLS_LABEL_MAX && (w->n == 0 || label > w->last),
	    "walk: label %u after %u", label, w->last);
	w->last = label;
	w->n++;
	rc = belfib_lookup(w->fib, label, &again);
	if (e->op != BELFIB_OP_NONE)
		FZ_CHECK(rc == BELFIB_OK && memcmp(e, &again,
		    sizeof(again)) == 0, "walk and lookup disagree on %u",
		    label);
}

static void
lt_fn(uint32_t label, uint32_t port, void *arg)
{
	const struct ltable *lt = arg;

	FZ_CHECK(ltable_lookup(lt, label) == (int64_t)port,
	    "ltable walk and lookup disagree on %u", label);
}

static void
check_json(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		FZ_CHECK((unsigned char)p[i] >= 0x20 &&
		    (unsigned char)p[i] < 0x80, "byte 0x%02x in the JSON",
		    (unsigned char)p[i]);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = { data, size };
	struct qstate_file qf;
	struct belfib fib;
	struct ltable lt;
	struct walk w;
	const struct dxstats *st;
	const uint8_t *q;
	char err[256], *buf = NULL;
	uint8_t what, slot[BELFIB_SLOT_BYTES];
	uint32_t label, v, labels[8];
	unsigned n, i;
	size_t got, blen = 0;
	FILE *mem;
	int fd;

	what = fz_u8(&f);
	unlink(bpath);
	unlink(lpath);
	unlink(spath);

	/* belfib: a header, slots, and a length short of the whole or not */
	if ((fd = open(bpath, O_RDWR | O_CREAT | O_TRUNC, 0600)) == -1)
		abort();
	q = fz_take(&f, 32, &got);
	put(fd, q, got, 0);
	n = fz_u8(&f) % 8;
	for (i = 0; i < n; i++) {
		label = fz_u32(&f) & MPLS_LABEL_MAX;
		q = fz_take(&f, sizeof(slot), &got);
		memset(slot, 0, sizeof(slot));
		memcpy(slot, q, got);
		put(fd, slot, sizeof(slot), (off_t)BELFIB_HDR_BYTES +
		    (off_t)label * BELFIB_SLOT_BYTES);
	}
	if (ftruncate(fd, (what & 1) ? (off_t)BELFIB_BYTES :
	    (off_t)fz_u32(&f) % (off_t)BELFIB_BYTES) == -1)
		abort();
	close(fd);
	if (qstate_belfib_open(dir, 0, &fib, &qf, err, sizeof(err)) == 0) {
		memset(&w, 0, sizeof(w));
		w.fib = &fib;
		belfib_walk(&fib, walk_fn, &w);
		(void)belfib_count(&fib);
		qstate_file_close(&qf);
		belfib_destroy(&fib);
	} else
		FZ_CHECK(err[0] != '\0', "belfib refused with no reason");

	/*
	 * ltable: words, and a length.  Opening one reads its million words
	 * (a reader counts them), slow under the fuzzer's instrumentation:
	 * only the inputs that ask for it.
	 */
	if (!(what & 2))
		goto stats;
	if ((fd = open(lpath, O_RDWR | O_CREAT | O_TRUNC, 0600)) == -1)
		abort();
	n = fz_u8(&f) % 8;
	for (i = 0; i < n; i++) {
		labels[i] = label = fz_u32(&f) & MPLS_LABEL_MAX;
		v = fz_u32(&f);
		put(fd, &v, sizeof(v), (off_t)label * 4);
	}
	if ((what & 0x80) && ftruncate(fd, (off_t)fz_u32(&f) %
	    ((off_t)MPLS_LABEL_COUNT * 4)) == -1)
		abort();
	close(fd);
	if (qstate_ltable_open(dir, 0, &lt, &qf, err, sizeof(err)) == 0) {
		for (i = 0; i < n; i++)
			(void)ltable_lookup(&lt, labels[i]);
		/* a million entries: a walk now and then, not each run */
		if (what & 64)
			ltable_walk(&lt, lt_fn, &lt);
		qstate_file_close(&qf);
		ltable_destroy(&lt);
	}

stats:
	/* demux.stats: the rest of the input over a plausible header */
	if (what & 4) {
		struct dxstats s;

		memset(&s, 0, sizeof(s));
		atomic_store(&s.magic, DXSTATS_MAGIC);
		s.version = DXSTATS_VERSION;
		s.size = sizeof(s);
		s.nctr = DXS_C_COUNT;
		q = fz_take(&f, sizeof(s), &got);
		if (what & 8)
			memcpy((uint8_t *)&s + offsetof(struct dxstats, pid),
			    q, got < sizeof(s) - offsetof(struct dxstats,
			    pid) ? got : sizeof(s) - offsetof(struct dxstats,
			    pid));
		else
			memcpy(&s, q, got);
		if ((fd = open(spath, O_RDWR | O_CREAT | O_TRUNC, 0600)) ==
		    -1)
			abort();
		put(fd, &s, (what & 16) ? sizeof(s) - 1 : sizeof(s), 0);
		close(fd);
		if ((st = dxstats_open(spath)) != NULL) {
			if ((mem = open_memstream(&buf, &blen)) == NULL)
				abort();
			dxstats_dump_json(mem, st);
			dxstats_dump_text(mem, st, what & 32);
			fclose(mem);
			if (memchr(buf, '\n', blen) != NULL)
				blen = (size_t)((char *)memchr(buf, '\n', blen)
				    - buf);
			check_json(buf, blen);
			free(buf);
			dxstats_unmap(st);
		}
	}
	return 0;
}
